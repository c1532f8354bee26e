package access

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// handCase is two shelters and three units worked by hand: shelter A
// (100 m², radius 1000) reaches every unit, unit 3 exactly on its edge;
// shelter B (60 m², radius 600) reaches unit 2 only (unit 3 is at 900,
// unit 1 cannot reach it).
func handCase(d Decay) Input {
	inf := math.Inf(1)
	return Input{
		Cost: [][]float64{
			{0, inf},
			{500, 300},
			{1000, 900},
		},
		Demand: []float64{10, 20, 30},
		Supply: []float64{100, 60},
		Radius: []float64{1000, 600},
		Decay:  d,
	}
}

// TestTwoStepByHand checks every weighting against the worked example.
// For each, wA0, wA500, wA1000 are A's weights at 0, 500 and 1000 m and
// wB300 is B's weight at 300 m (of 600).
func TestTwoStepByHand(t *testing.T) {
	e := math.Exp(-0.5)
	dai := func(x float64) float64 { return (math.Exp(-0.5*x*x) - e) / (1 - e) }
	cases := []struct {
		decay                     Decay
		name                      string
		wA0, wA500, wA1000, wB300 float64
	}{
		{Decay{Kind: Binary}, "binary", 1, 1, 1, 1},
		// Luo–Qi thirds: 500 of 1000 is in the middle third, 1000 in the last,
		// 300 of 600 in the middle third.
		{Decay{Kind: Step}, "e2sfca-step", 1, 0.68, 0.22, 0.68},
		// Two halves weighted 1 and 0.5: 500 of 1000 is on the first edge
		// (inclusive), 300 of 600 too.
		{Decay{Kind: Step, Bands: []Band{{0.5, 1}, {1, 0.5}}}, "e2sfca-step", 1, 1, 0.5, 1},
		{Decay{Kind: Gaussian, Sigma: 500}, "gaussian", 1, math.Exp(-0.5), math.Exp(-2), math.Exp(-0.18)},
		{Decay{Kind: GaussianCatchment}, "gaussian-catchment", 1, dai(0.5), 0, dai(0.5)},
	}
	for _, c := range cases {
		t.Run(c.decay.String(), func(t *testing.T) {
			res, err := TwoStep(handCase(c.decay))
			if err != nil {
				t.Fatal(err)
			}
			if res.Decay != c.name {
				t.Errorf("Decay = %q, want %q", res.Decay, c.name)
			}
			loadA := 10*c.wA0 + 20*c.wA500 + 30*c.wA1000
			loadB := 20 * c.wB300
			rA, rB := 100/loadA, 60/loadB
			want := []float64{c.wA0 * rA, c.wA500*rA + c.wB300*rB, c.wA1000 * rA}
			for j, w := range []float64{loadA, loadB} {
				if !near(res.Load[j], w, 1e-12) {
					t.Errorf("Load[%d] = %v, want %v", j, res.Load[j], w)
				}
			}
			for j, w := range []float64{rA, rB} {
				if !near(res.Ratio[j], w, 1e-12) {
					t.Errorf("Ratio[%d] = %v, want %v", j, res.Ratio[j], w)
				}
			}
			for i, w := range want {
				if !near(res.Access[i], w, 1e-12) {
					t.Errorf("Access[%d] = %v, want %v", i, res.Access[i], w)
				}
			}
			if len(res.Undefined) != 0 {
				t.Errorf("Undefined = %v, want none", res.Undefined)
			}
		})
	}
}

// TestBinaryByHandValues pins the binary example to the fractions worked on
// paper: R_A = 100/60, R_B = 60/20, so A = (5/3, 14/3, 5/3) and
// Σ P·A = 160 = 100 + 60.
func TestBinaryByHandValues(t *testing.T) {
	res, err := TwoStep(handCase(Decay{Kind: Binary}))
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []float64{5.0 / 3, 14.0 / 3, 5.0 / 3} {
		if !near(res.Access[i], w, 1e-12) {
			t.Errorf("Access[%d] = %v, want %v", i, res.Access[i], w)
		}
	}
	if s := 10*res.Access[0] + 20*res.Access[1] + 30*res.Access[2]; !near(s, 160, 1e-12) {
		t.Errorf("Σ P·A = %v, want 160", s)
	}
}

// TestThresholdInclusive: a unit exactly at the radius is inside the
// catchment, the next float above it is not.
func TestThresholdInclusive(t *testing.T) {
	for _, d0 := range []float64{5000, 1.0 / 3, 480} {
		in := Input{
			Cost:   [][]float64{{d0}, {math.Nextafter(d0, math.Inf(1))}},
			Demand: []float64{4, 1000},
			Supply: []float64{8},
			Radius: []float64{d0},
			Decay:  Decay{Kind: Binary},
		}
		res, err := TwoStep(in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Load[0] != 4 || res.Access[0] != 2 || res.Access[1] != 0 {
			t.Errorf("d0 = %v: load %v, access %v; want load 4 (the unit at d0 only), access [2 0]", d0, res.Load[0], res.Access)
		}
	}
	// Step bands are inclusive at their inner edges too.
	d := Decay{Kind: Step, Bands: []Band{{0.5, 1}, {1, 0.25}}}
	if w := d.Weight(50, 100); w != 1 {
		t.Errorf("step weight at the first band's edge = %v, want 1", w)
	}
	if w := d.Weight(math.Nextafter(50, 100), 100); w != 0.25 {
		t.Errorf("step weight just past the first band = %v, want 0.25", w)
	}
	if w := (Decay{Kind: GaussianCatchment}).Weight(100, 100); w != 0 {
		t.Errorf("catchment Gaussian at d0 = %v, want 0", w)
	}
	if w := (Decay{Kind: Gaussian, Sigma: 10}).Weight(math.Inf(1), 100); w != 0 {
		t.Errorf("Gaussian at +Inf = %v, want 0", w)
	}
}

// TestUndefinedRatio: a shelter with nobody in range, and one whose only
// unit in range has no population, have no ratio; they are reported and
// the outputs hold no NaN.
func TestUndefinedRatio(t *testing.T) {
	inf := math.Inf(1)
	in := Input{
		Cost: [][]float64{
			{100, inf, 50},
			{200, 9000, inf},
		},
		Demand: []float64{0, 50},
		Supply: []float64{10, 20, 30},
		Radius: []float64{500},
		Decay:  Decay{Kind: Binary},
	}
	res, err := TwoStep(in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Undefined, []int{1, 2}) {
		t.Errorf("Undefined = %v, want [1 2]", res.Undefined)
	}
	for _, v := range slices.Concat(res.Access, res.Ratio, res.Load) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("output holds %v: %+v", v, res)
		}
	}
	// Only shelter 0 counts: R = 10/50, both units reach it.
	if !near(res.Access[0], 0.2, 1e-15) || !near(res.Access[1], 0.2, 1e-15) {
		t.Errorf("Access = %v, want [0.2 0.2]", res.Access)
	}
	if s := 0*res.Access[0] + 50*res.Access[1]; !near(s, 10, 1e-12) {
		t.Errorf("Σ P·A = %v, want the defined supply 10", s)
	}
}

// TestInvariantRandom: for every weighting, Σ_i P_i·A_i = Σ_j S_j when
// every supply has populated demand inside its catchment, on random
// seeded inputs with per-supply radii and unreachable pairs.
func TestInvariantRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2))
	decays := []Decay{
		{Kind: Binary},
		{Kind: Step},
		{Kind: Step, Bands: []Band{{0.2, 1}, {0.7, 0.4}, {1, 0.1}}},
		{Kind: Gaussian, Sigma: 700},
		{Kind: GaussianCatchment},
	}
	for trial := 0; trial < 200; trial++ {
		n, m := 1+rng.IntN(40), 1+rng.IntN(12)
		in := Input{Cost: make([][]float64, n), Demand: make([]float64, n), Supply: make([]float64, m), Radius: make([]float64, m)}
		for j := range m {
			in.Supply[j] = rng.Float64() * 1e4
			in.Radius[j] = 200 + rng.Float64()*2000
		}
		for i := range n {
			in.Demand[i] = float64(rng.IntN(5000))
			in.Cost[i] = make([]float64, m)
			for j := range m {
				switch rng.IntN(6) {
				case 0:
					in.Cost[i][j] = math.Inf(1)
				case 1:
					in.Cost[i][j] = in.Radius[j] // on the edge
				default:
					in.Cost[i][j] = rng.Float64() * 3000
				}
			}
		}
		// Make sure every supply has a populated unit well inside.
		for j := range m {
			i := rng.IntN(n)
			in.Cost[i][j] = rng.Float64() * in.Radius[j] / 2
			if in.Demand[i] == 0 {
				in.Demand[i] = 1
			}
		}
		sumS := 0.0
		for _, s := range in.Supply {
			sumS += s
		}
		for _, d := range decays {
			in.Decay = d
			res, err := TwoStep(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Undefined) != 0 {
				t.Fatalf("trial %d %s: Undefined = %v though every supply has demand in range", trial, d, res.Undefined)
			}
			sum := 0.0
			for i, a := range res.Access {
				sum += in.Demand[i] * a
			}
			if !near(sum, sumS, 1e-9) {
				t.Errorf("trial %d %s: Σ P·A = %v, Σ S = %v", trial, d, sum, sumS)
			}
		}
	}
}

// TestSFBinarySupplyOne reproduces expected.json's 2sfca_binary_supply1:
// one unit of supply per store, POP2000 demand, catchment ≤ 5000 m, binary
// weights; every value the fixture gives.
func TestSFBinarySupplyOne(t *testing.T) {
	fx := loadSF(t)
	var exp struct {
		TwoSFCA struct {
			CatchmentM           float64            `json:"catchment_m"`
			SumPopTimesAccess    float64            `json:"sum_pop_times_access"`
			StoresWithZeroDemand []string           `json:"stores_with_zero_demand"`
			TractsWithZeroAccess int                `json:"tracts_with_zero_access"`
			First5               map[string]float64 `json:"first5"`
			Max                  float64            `json:"max"`
			MinNonzero           float64            `json:"min_nonzero"`
		} `json:"2sfca_binary_supply1"`
	}
	loadExpected(t, &exp)
	e := exp.TwoSFCA
	if e.CatchmentM != 5000 || len(e.First5) != 5 {
		t.Fatalf("unexpected fixture shape: %+v", e)
	}
	supply := make([]float64, len(fx.Stores))
	for j := range supply {
		supply[j] = 1
	}
	res, err := TwoStep(Input{Cost: fx.Cost, Demand: fx.Pop, Supply: supply, Radius: []float64{e.CatchmentM}, Decay: Decay{Kind: Binary}})
	if err != nil {
		t.Fatal(err)
	}
	var zeroDemand []string
	for _, j := range res.Undefined {
		zeroDemand = append(zeroDemand, fx.Stores[j])
	}
	if len(zeroDemand) != len(e.StoresWithZeroDemand) {
		t.Errorf("stores with zero demand = %v, want %v", zeroDemand, e.StoresWithZeroDemand)
	}
	sum, maxA, minNZ, zero := 0.0, 0.0, math.Inf(1), 0
	for i, a := range res.Access {
		sum += fx.Pop[i] * a
		maxA = max(maxA, a)
		if a == 0 {
			zero++
		} else {
			minNZ = min(minNZ, a)
		}
	}
	if !near(sum, e.SumPopTimesAccess, 1e-12) || !near(sum, float64(len(fx.Stores)), 1e-12) {
		t.Errorf("Σ POP·A = %v, want %v (= %d stores)", sum, e.SumPopTimesAccess, len(fx.Stores))
	}
	if zero != e.TractsWithZeroAccess {
		t.Errorf("%d tracts with zero access, want %d", zero, e.TractsWithZeroAccess)
	}
	if !near(maxA, e.Max, 1e-12) {
		t.Errorf("max A = %v, want %v", maxA, e.Max)
	}
	if !near(minNZ, e.MinNonzero, 1e-12) {
		t.Errorf("min nonzero A = %v, want %v", minNZ, e.MinNonzero)
	}
	for name, want := range e.First5 {
		i, ok := slices.BinarySearch(fx.Tracts, name)
		if !ok {
			t.Errorf("tract %s from expected.json is not in the matrix", name)
			continue
		}
		if !near(res.Access[i], want, 1e-12) {
			t.Errorf("A(%s) = %v, want %v", name, res.Access[i], want)
		}
	}
}

func TestInputErrors(t *testing.T) {
	good := func() Input { return handCase(Decay{Kind: Binary}) }
	cases := map[string]func(*Input){
		"nan cost":        func(in *Input) { in.Cost[1][0] = math.NaN() },
		"negative cost":   func(in *Input) { in.Cost[1][0] = -1 },
		"ragged row":      func(in *Input) { in.Cost[2] = in.Cost[2][:1] },
		"negative pop":    func(in *Input) { in.Demand[0] = -3 },
		"short demand":    func(in *Input) { in.Demand = in.Demand[:2] },
		"inf supply":      func(in *Input) { in.Supply[1] = math.Inf(1) },
		"radius count":    func(in *Input) { in.Radius = []float64{1, 2, 3} },
		"zero radius":     func(in *Input) { in.Radius[0] = 0 },
		"no kind":         func(in *Input) { in.Decay = Decay{} },
		"unknown kind":    func(in *Input) { in.Decay = Decay{Kind: "cubic"} },
		"no sigma":        func(in *Input) { in.Decay = Decay{Kind: Gaussian} },
		"short bands":     func(in *Input) { in.Decay = Decay{Kind: Step, Bands: []Band{{0.5, 1}}} },
		"unordered bands": func(in *Input) { in.Decay = Decay{Kind: Step, Bands: []Band{{0.6, 1}, {0.4, 1}, {1, 0}}} },
		"empty bands":     func(in *Input) { in.Decay = Decay{Kind: Step, Bands: []Band{}} },
	}
	for name, mutate := range cases {
		in := good()
		mutate(&in)
		_, err := TwoStep(in)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: err = %v, want an *InputError", name, err)
		}
	}
	if _, err := TwoStep(good()); err != nil {
		t.Errorf("the unmodified input fails: %v", err)
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds() {
		got, err := ParseKind(string(k))
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	if _, err := ParseKind("Gaussian"); err == nil {
		t.Error("ParseKind is case-sensitive on stable names; want an error for \"Gaussian\"")
	}
}
