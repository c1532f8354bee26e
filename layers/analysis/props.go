package analysis

import (
	"math"
	"time"

	"onemap/layers"
)

// number reads an integer or floating attribute.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// text reads a string attribute ("" when absent).
func text(props map[string]any, key string) string {
	s, _ := props[key].(string)
	return s
}

// flag reads a boolean attribute, def when absent.
func flag(props map[string]any, key string, def bool) bool {
	if b, ok := props[key].(bool); ok {
		return b
	}
	return def
}

// zoneActive reports whether a hazard zone is in force on day now: its
// active attribute is not false and now is within valid_from..valid_to
// (either may be absent), as layers/network decides it for avoidance.
func zoneActive(props map[string]any, now time.Time) bool {
	if !flag(props, "active", true) {
		return false
	}
	day := now.Format(time.DateOnly)
	if from := text(props, "valid_from"); from != "" && day < from {
		return false
	}
	if to := text(props, "valid_to"); to != "" && day > to {
		return false
	}
	return true
}

// round rounds x to d decimals, for answers that read well and compare
// exactly between stores.
func round(x float64, d int) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// layerError keeps a store error's kind and says which layer it was.
func layerError(err error, op, layer string) error {
	return &layers.Error{Kind: layers.KindOf(err), Op: op, Msg: "could not read layer " + layer + ": " + layers.MessageOf(err), Err: err}
}
