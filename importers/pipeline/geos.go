package pipeline

/*
#cgo pkg-config: geos
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <stdlib.h>
#include <string.h>

// onemap_geos is one GEOS context with the last error it reported and a
// WKB writer.
typedef struct {
	GEOSContextHandle_t h;
	GEOSWKBWriter *wkb;
	char err[512];
} onemap_geos;

static void onemap_geos_error(const char *msg, void *ud) {
	onemap_geos *g = ud;
	strncpy(g->err, msg, sizeof g->err - 1);
	g->err[sizeof g->err - 1] = 0;
}

static void onemap_geos_notice(const char *msg, void *ud) {}

static onemap_geos *onemap_geos_new(void) {
	onemap_geos *g = calloc(1, sizeof *g);
	if (!g) return NULL;
	g->h = GEOS_init_r();
	GEOSContext_setErrorMessageHandler_r(g->h, onemap_geos_error, g);
	GEOSContext_setNoticeMessageHandler_r(g->h, onemap_geos_notice, NULL);
	g->wkb = GEOSWKBWriter_create_r(g->h);
	return g;
}

static void onemap_geos_free(onemap_geos *g) {
	GEOSWKBWriter_destroy_r(g->h, g->wkb);
	GEOS_finish_r(g->h);
	free(g);
}

// onemap_multipolygon builds a MultiPolygon from flat x,y coordinates:
// ring_len gives the point count of each ring, poly_rings the ring count of
// each polygon (its shell first). NULL on error (the message is in g->err).
static GEOSGeometry *onemap_multipolygon(onemap_geos *g, const double *xy, const unsigned *ring_len,
		const unsigned *poly_rings, unsigned npolys) {
	GEOSGeometry **polys = calloc(npolys ? npolys : 1, sizeof *polys);
	size_t off = 0, r = 0;
	unsigned p;
	for (p = 0; p < npolys; p++) {
		unsigned nr = poly_rings[p], i;
		GEOSGeometry *shell = NULL;
		GEOSGeometry **holes = calloc(nr ? nr : 1, sizeof *holes);
		int bad = 0;
		for (i = 0; i < nr; i++, r++) {
			GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(g->h, xy + 2 * off, ring_len[r], 0, 0);
			GEOSGeometry *ring;
			off += ring_len[r];
			ring = seq ? GEOSGeom_createLinearRing_r(g->h, seq) : NULL;
			if (!ring) {
				bad = 1;
				r += nr - i;
				break;
			}
			if (i == 0) shell = ring; else holes[i - 1] = ring;
		}
		if (!bad) {
			polys[p] = GEOSGeom_createPolygon_r(g->h, shell, holes, nr - 1);
			bad = polys[p] == NULL;
		} else {
			unsigned k;
			if (shell) GEOSGeom_destroy_r(g->h, shell);
			for (k = 0; k + 1 < nr; k++) if (holes[k]) GEOSGeom_destroy_r(g->h, holes[k]);
		}
		free(holes);
		if (bad) {
			unsigned k;
			for (k = 0; k < p; k++) GEOSGeom_destroy_r(g->h, polys[k]);
			free(polys);
			return NULL;
		}
	}
	GEOSGeometry *mp = GEOSGeom_createCollection_r(g->h, GEOS_MULTIPOLYGON, polys, npolys);
	free(polys);
	return mp;
}

// onemap_make_valid repairs g with the "structure" method, which keeps a
// polygon a polygon and drops parts that collapse to lines or points.
static GEOSGeometry *onemap_make_valid(onemap_geos *g, const GEOSGeometry *geom) {
	GEOSMakeValidParams *p = GEOSMakeValidParams_create_r(g->h);
	GEOSGeometry *out;
	GEOSMakeValidParams_setMethod_r(g->h, p, GEOS_MAKE_VALID_STRUCTURE);
	GEOSMakeValidParams_setKeepCollapsed_r(g->h, p, 0);
	out = GEOSMakeValidWithParams_r(g->h, geom, p);
	GEOSMakeValidParams_destroy_r(g->h, p);
	return out;
}
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// geosChecker validates and repairs polygons with GEOS (Debian libgeos-dev,
// called directly: the module proxy serves only a go-geos release that needs
// GEOS 3.12, and Debian 12 ships 3.11). One checker belongs to one
// goroutine; it reuses its coordinate buffers across features.
type geosChecker struct {
	g        *C.onemap_geos
	xy       []float64
	ringLen  []C.uint
	polyRing []C.uint
}

func newGEOSChecker() (*geosChecker, error) {
	g := C.onemap_geos_new()
	if g == nil {
		return nil, errors.New("GEOS: out of memory")
	}
	c := &geosChecker{g: g}
	runtime.SetFinalizer(c, (*geosChecker).close)
	return c, nil
}

func (c *geosChecker) close() {
	if c.g != nil {
		C.onemap_geos_free(c.g)
		c.g = nil
	}
}

// checkPolygons reports whether mp is valid in the OGC sense; if not, it
// returns GEOS's reason and the repaired geometry, which is a MultiPolygon
// (empty when nothing with area is left). err is set when GEOS cannot build
// the geometry at all.
func (c *geosChecker) checkPolygons(mp orb.MultiPolygon) (valid bool, reason string, repaired orb.MultiPolygon, err error) {
	c.xy, c.ringLen, c.polyRing = c.xy[:0], c.ringLen[:0], c.polyRing[:0]
	for _, p := range mp {
		c.polyRing = append(c.polyRing, C.uint(len(p)))
		for _, r := range p {
			c.ringLen = append(c.ringLen, C.uint(len(r)))
			for _, pt := range r {
				c.xy = append(c.xy, pt[0], pt[1])
			}
		}
	}
	if len(c.xy) == 0 || len(c.polyRing) == 0 {
		return false, "empty", nil, nil
	}
	geom := C.onemap_multipolygon(c.g, (*C.double)(unsafe.Pointer(&c.xy[0])), &c.ringLen[0], &c.polyRing[0], C.uint(len(c.polyRing)))
	runtime.KeepAlive(c.xy)
	if geom == nil {
		return false, "", nil, errors.New(C.GoString(&c.g.err[0]))
	}
	defer C.GEOSGeom_destroy_r(c.g.h, geom)
	switch C.GEOSisValid_r(c.g.h, geom) {
	case 1:
		return true, "", nil, nil
	case 2:
		return false, "", nil, errors.New(C.GoString(&c.g.err[0]))
	}
	if cr := C.GEOSisValidReason_r(c.g.h, geom); cr != nil {
		reason = C.GoString(cr)
		C.GEOSFree_r(c.g.h, unsafe.Pointer(cr))
	}
	fixed := C.onemap_make_valid(c.g, geom)
	if fixed == nil {
		return false, reason, nil, errors.New(C.GoString(&c.g.err[0]))
	}
	defer C.GEOSGeom_destroy_r(c.g.h, fixed)
	var size C.size_t
	buf := C.GEOSWKBWriter_write_r(c.g.h, c.g.wkb, fixed, &size)
	if buf == nil {
		return false, reason, nil, errors.New(C.GoString(&c.g.err[0]))
	}
	b := C.GoBytes(unsafe.Pointer(buf), C.int(size))
	C.GEOSFree_r(c.g.h, unsafe.Pointer(buf))
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return false, reason, nil, err
	}
	return false, reason, polygonal(g), nil
}

// polygonal keeps the parts of g that have area.
func polygonal(g orb.Geometry) orb.MultiPolygon {
	switch v := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{v}
	case orb.MultiPolygon:
		return v
	case orb.Collection:
		var out orb.MultiPolygon
		for _, p := range v {
			out = append(out, polygonal(p)...)
		}
		return out
	}
	return nil
}
