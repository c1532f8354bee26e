package archive

import (
	"fmt"

	"onemap/layers"
)

// invalid builds an Invalid error whose message is Chinese first, then the
// same in English in brackets; zh and en take the same arguments.
func invalid(op, zh, en string, args ...any) *layers.Error {
	return &layers.Error{Kind: layers.Invalid, Op: op, Msg: fmt.Sprintf(zh, args...) + " (" + fmt.Sprintf(en, args...) + ")"}
}

// message builds an Invalid error from an already formatted Chinese and
// English text.
func message(op, zh, en string) *layers.Error {
	return &layers.Error{Kind: layers.Invalid, Op: op, Msg: zh + " (" + en + ")"}
}

// wrap is invalid with a cause kept for the log.
func wrap(err error, op, zh, en string, args ...any) *layers.Error {
	e := invalid(op, zh, en, args...)
	e.Err = err
	return e
}

// human prints a byte count the way the limits are configured.
func human(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
