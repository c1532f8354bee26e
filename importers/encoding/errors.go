package encoding

import (
	"fmt"

	"onemap/layers"
)

// invalid builds an Invalid error whose message is Chinese first, then the
// same in English in brackets; zh and en take the same arguments.
func invalid(op, zh, en string, args ...any) *layers.Error {
	return &layers.Error{Kind: layers.Invalid, Op: op, Msg: fmt.Sprintf(zh, args...) + " (" + fmt.Sprintf(en, args...) + ")"}
}
