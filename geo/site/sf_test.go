package site

import (
	"testing"

	"onemap/internal/testenv"
)

// sfFixture is the spopt San Francisco reference matrix (see testenv.SpoptSF).
type sfFixture = testenv.SpoptSF

func loadSF(t testing.TB) sfFixture { return testenv.LoadSpoptSF(t) }

func loadExpected(t testing.TB, v any) { testenv.SpoptExpected(t, v) }
