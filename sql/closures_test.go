package sql

import (
	"testing"

	"onemap/layers"
	"onemap/layers/storetest"
)

func TestClosuresConformance(t *testing.T) {
	storetest.RunClosures(t, func(t *testing.T) layers.ClosureStore { return openTestStore(t) })
}
