package pipeline

import (
	"fmt"

	"onemap/layers"
)

// invalid builds an Invalid error whose message is Chinese first, then the
// same in English in brackets; zh and en take the same arguments.
func invalid(op, zh, en string, args ...any) *layers.Error {
	return &layers.Error{Kind: layers.Invalid, Op: op, Msg: bilingual(fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...))}
}

// bilingual joins an already formatted Chinese and English text the way
// every message of the importers reads.
func bilingual(zh, en string) string { return zh + " (" + en + ")" }
