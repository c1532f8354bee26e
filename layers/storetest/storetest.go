// Package storetest is the conformance suite that every layers.Store must
// pass. The PostGIS store and the embedded GeoPackage store both run it, so
// analyses written against layers.Store behave the same on either.
//
// Expected answers are computed here independently of the stores: point in
// box and polygon by direct comparison, distances by the haversine formula.
package storetest

import (
	"context"
	"testing"

	"onemap/layers"
)

// Opener returns a new, empty store (no layers, default rules) for one test;
// it registers its own cleanup on t.
type Opener func(t *testing.T) layers.Store

// Run runs the whole conformance suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s layers.Store)
	}{
		{"Catalog", testCatalog},
		{"CRUD", testCRUD},
		{"Types", testTypes},
		{"Versions", testVersions},
		{"FailedBatchChangesNothing", testFailedBatch},
		{"ApplyStream", testStream},
		{"BBox", testBBox},
		{"Intersects", testIntersects},
		{"NearestN", testNearest},
		{"WithinDistance", testWithin},
		{"AttributeFilters", testFilters},
		{"Paging", testPaging},
		{"ConcurrentReadersDuringWrite", testConcurrentReaders},
		{"Rules", testRules},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }
