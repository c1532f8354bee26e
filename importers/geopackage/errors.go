package geopackage

import (
	"fmt"

	"onemap/layers"
)

// invalid builds an Invalid error worded as the importers word them:
// Chinese first, the same in English in brackets.
func invalid(op, zh, en string, args ...any) *layers.Error {
	return &layers.Error{Kind: layers.Invalid, Op: op, Msg: fmt.Sprintf(zh, args...) + " (" + fmt.Sprintf(en, args...) + ")"}
}
