package access

import (
	"fmt"
	"math"
)

// Kind names a distance-decay variant. The names are stable: the API
// echoes them next to every accessibility value so a reader knows which
// formula produced it.
type Kind string

const (
	// Binary weighs every demand and supply inside the catchment 1 (the
	// original 2SFCA of Luo & Wang 2003).
	Binary Kind = "binary"
	// Step is the enhanced 2SFCA (E2SFCA, Luo & Qi 2009): the catchment is
	// cut into bands, each with its own constant weight.
	Step Kind = "e2sfca-step"
	// Gaussian is the un-normalised Gaussian exp(−d²/2σ²) with an absolute
	// σ in cost units; it is below 1 everywhere except at d = 0 and does
	// not reach 0 at the catchment edge.
	Gaussian Kind = "gaussian"
	// GaussianCatchment is Dai's (2010) catchment-normalised Gaussian
	// (e^{−½(d/d0)²} − e^{−½}) / (1 − e^{−½}): 1 at d = 0 and exactly 0
	// at d = d0, so it scales with each supply's own radius.
	GaussianCatchment Kind = "gaussian-catchment"
)

// Kinds lists every decay variant, for the API's help text and checks.
func Kinds() []Kind { return []Kind{Binary, Step, Gaussian, GaussianCatchment} }

// ParseKind maps a name from a request to its Kind.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", &InputError{Msg: fmt.Sprintf("unknown weighting %q; use one of binary, e2sfca-step, gaussian, gaussian-catchment", s)}
}

// Band is one ring of an E2SFCA step decay. Upper is the band's outer
// edge as a fraction of the supply's catchment radius (inclusive), so one
// band table serves shelters of every class whatever their radius.
type Band struct {
	Upper  float64
	Weight float64
}

// LuoQiBands returns the E2SFCA default: the catchment cut in thirds
// weighted 1, 0.68 and 0.22 (Luo & Qi 2009, the slow-decay Gaussian
// sampled at the band centres). A fresh slice each call, so callers may
// edit it.
func LuoQiBands() []Band {
	return []Band{{Upper: 1.0 / 3, Weight: 1}, {Upper: 2.0 / 3, Weight: 0.68}, {Upper: 1, Weight: 0.22}}
}

// Decay is a distance-decay weighting: its Kind and that kind's parameters.
type Decay struct {
	Kind  Kind
	Bands []Band  // Step only; nil means LuoQiBands
	Sigma float64 // Gaussian only: σ in the cost matrix's unit (metres or seconds)
}

// Name is the stable name of the variant, as the API echoes it.
func (d Decay) Name() string { return string(d.Kind) }

// String names the variant with its parameters, for logs and reports.
func (d Decay) String() string {
	switch d.Kind {
	case Step:
		s := "e2sfca-step("
		for i, b := range d.bands() {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf("≤%g·d0:%g", b.Upper, b.Weight)
		}
		return s + ")"
	case Gaussian:
		return fmt.Sprintf("gaussian(sigma=%g)", d.Sigma)
	}
	return string(d.Kind)
}

func (d Decay) bands() []Band {
	if d.Bands == nil {
		return LuoQiBands()
	}
	return d.Bands
}

// Check says what is wrong with the decay's parameters, if anything.
func (d Decay) Check() error {
	switch d.Kind {
	case Binary, GaussianCatchment:
		return nil
	case Gaussian:
		if !(d.Sigma > 0) || math.IsInf(d.Sigma, 0) {
			return &InputError{Msg: fmt.Sprintf("gaussian weighting needs a finite sigma > 0 in the cost unit, got %v", d.Sigma)}
		}
		return nil
	case Step:
		bs := d.bands()
		if len(bs) == 0 {
			return &InputError{Msg: "e2sfca-step weighting needs at least one band"}
		}
		prev := 0.0
		for i, b := range bs {
			if !(b.Upper > prev) || b.Upper > 1 {
				return &InputError{Msg: fmt.Sprintf("band %d ends at %v of the radius; band edges must increase and lie in (0, 1]", i+1, b.Upper)}
			}
			if !(b.Weight >= 0) || math.IsInf(b.Weight, 0) {
				return &InputError{Msg: fmt.Sprintf("band %d has weight %v; a weight must be a finite number ≥ 0", i+1, b.Weight)}
			}
			prev = b.Upper
		}
		if prev != 1 {
			return &InputError{Msg: fmt.Sprintf("the last band ends at %v of the radius; it must end at 1 so the whole catchment is weighted", prev)}
		}
		return nil
	case "":
		return &InputError{Msg: "no weighting given; use one of binary, e2sfca-step, gaussian, gaussian-catchment"}
	}
	_, err := ParseKind(string(d.Kind))
	return err
}

// Weight is w(dist) for a supply with catchment radius radius: 0 beyond
// the radius (the threshold is inclusive, dist == radius is inside) and
// for unreachable (+Inf) distances. The caller has checked d and radius.
func (d Decay) Weight(dist, radius float64) float64 {
	if !(dist <= radius) {
		return 0
	}
	switch d.Kind {
	case Step:
		for _, b := range d.bands() {
			if dist <= b.Upper*radius {
				return b.Weight
			}
		}
		// dist ≤ radius but above the last edge by rounding of 1·radius:
		// impossible since the last Upper is exactly 1.
		return 0
	case Gaussian:
		return math.Exp(-dist * dist / (2 * d.Sigma * d.Sigma))
	case GaussianCatchment:
		e := math.Exp(-0.5)
		x := dist / radius
		return (math.Exp(-0.5*x*x) - e) / (1 - e)
	}
	return 1
}
