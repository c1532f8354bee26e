package demo

import (
	"math"
	"math/rand/v2"
)

// hash64 mixes a seed and three integers into 64 well-spread bits. Lattice
// jitter uses it instead of the sequential generator so that a corner's
// displacement depends only on where the corner is, never on the order in
// which the tracer happens to visit it.
func hash64(seed uint64, a, b, c int) uint64 {
	h := splitmix(seed)
	for _, v := range [3]uint64{uint64(a), uint64(b), uint64(c)} {
		h = splitmix(h ^ v)
	}
	return h
}

// splitmix is the SplitMix64 finaliser.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// signedUnit maps 64 random bits to [-1, 1).
func signedUnit(h uint64) float64 { return float64(h>>11)/(1<<52) - 1 }

// wave is a smooth periodic function of an angle, a sum of sines with
// seeded phases. It bends outlines (the district, built-up blobs) so that
// they look surveyed rather than drawn with a compass.
type wave struct {
	amp, phase []float64
	from       int
}

// newWave draws harmonics from..to with amplitudes falling as 1/k and
// normalises them so the sum of amplitudes is 1.
func newWave(r *rand.Rand, from, to int) wave {
	w := wave{from: from}
	sum := 0.0
	for k := from; k <= to; k++ {
		a := (0.5 + r.Float64()) / float64(k)
		w.amp = append(w.amp, a)
		w.phase = append(w.phase, r.Float64()*2*math.Pi)
		sum += a
	}
	for i := range w.amp {
		w.amp[i] /= sum
	}
	return w
}

// at evaluates the wave at angle theta; the result is within [-1, 1].
func (w wave) at(theta float64) float64 {
	v := 0.0
	for i, a := range w.amp {
		v += a * math.Sin(float64(w.from+i)*theta+w.phase[i])
	}
	return v
}

// warp is a smooth displacement of the plane (km in, km out). Partitions
// are computed on warped coordinates, so borders between towns and villages
// meander like the canals and field edges they follow in the real delta.
type warp struct {
	terms [][5]float64 // amplitude, direction cos, direction sin, wavenumber, phase; even index → x, odd → y
}

// newWarp draws n sine terms per axis of the given amplitude (km) and
// wavelength range (km).
func newWarp(r *rand.Rand, n int, amp, minWave, maxWave float64) warp {
	var w warp
	for i := 0; i < 2*n; i++ {
		dir := r.Float64() * 2 * math.Pi
		lambda := minWave + r.Float64()*(maxWave-minWave)
		w.terms = append(w.terms, [5]float64{amp / float64(n) * (0.6 + 0.8*r.Float64()), math.Cos(dir), math.Sin(dir), 2 * math.Pi / lambda, r.Float64() * 2 * math.Pi})
	}
	return w
}

// apply returns the displaced point.
func (w warp) apply(x, y float64) (float64, float64) {
	wx, wy := x, y
	for i, t := range w.terms {
		d := t[0] * math.Sin(t[3]*(x*t[1]+y*t[2])+t[4])
		if i%2 == 0 {
			wx += d
		} else {
			wy += d
		}
	}
	return wx, wy
}
