package crs

// #cgo pkg-config: proj
// #include <stdio.h>
// #include <stdlib.h>
// #include <string.h>
// #include <proj.h>
//
// // onemap_desc is what describe needs to know about a CRS, copied out of
// // PROJ so that no PROJ object outlives the call.
// typedef struct {
// 	int ok;
// 	char err[512];
// 	int type;                 // PJ_TYPE of the object as parsed
// 	int horiz_type;           // PJ_TYPE of its horizontal part
// 	char name[256];
// 	char code[32];            // best EPSG match of the horizontal part
// 	char code_name[256];
// 	int confidence;           // PROJ's confidence in that match, percent
// 	int ties;                 // further matches with the same confidence
// 	char base_name[256];      // the geodetic (datum) CRS
// 	char base_code[32];
// 	int base_confidence;
// 	int has_area;
// 	double west, south, east, north;
// 	char area_name[512];
// 	char proj[2048];          // PROJ string of the horizontal part, "" if none
// 	char wkt[16384];          // WKT2:2019 of the object, "" if too long
// } onemap_desc;
//
// static void onemap_copy(char *dst, size_t n, const char *src) {
// 	if (src == NULL) { dst[0] = 0; return; }
// 	snprintf(dst, n, "%s", src);
// }
//
// static void onemap_identify(PJ_CONTEXT *ctx, const PJ *crs, char *code, char *name, int *conf, int *ties) {
// 	int *confidence = NULL;
// 	*conf = 0;
// 	*ties = 0;
// 	PJ_OBJ_LIST *list = proj_identify(ctx, crs, "EPSG", NULL, &confidence);
// 	if (list == NULL) return;
// 	int n = proj_list_get_count(list);
// 	if (n > 0) {
// 		PJ *m = proj_list_get(ctx, list, 0);
// 		if (m != NULL) {
// 			onemap_copy(code, 32, proj_get_id_code(m, 0));
// 			if (name != NULL) onemap_copy(name, 256, proj_get_name(m));
// 			*conf = confidence[0];
// 			proj_destroy(m);
// 		}
// 		for (int i = 1; i < n; i++) if (confidence[i] == confidence[0]) (*ties)++;
// 	}
// 	proj_int_list_destroy(confidence);
// 	proj_list_destroy(list);
// }
//
// static void onemap_area(PJ_CONTEXT *ctx, const PJ *obj, onemap_desc *d) {
// 	const char *name = NULL;
// 	double w, s, e, n;
// 	if (proj_get_area_of_use(ctx, obj, &w, &s, &e, &n, &name) && w > -1000) {
// 		d->has_area = 1;
// 		d->west = w; d->south = s; d->east = e; d->north = n;
// 		onemap_copy(d->area_name, sizeof d->area_name, name);
// 	}
// }
//
// static void onemap_describe(const char *def, int is_wkt, onemap_desc *d) {
// 	memset(d, 0, sizeof *d);
// 	PJ_CONTEXT *ctx = proj_context_create();
// 	if (ctx == NULL) { onemap_copy(d->err, sizeof d->err, "cannot create a PROJ context"); return; }
// 	proj_log_level(ctx, PJ_LOG_NONE);
// 	PJ *obj = NULL;
// 	if (is_wkt) {
// 		const char *options[] = {"STRICT=NO", NULL};
// 		PROJ_STRING_LIST warnings = NULL, errors = NULL;
// 		obj = proj_create_from_wkt(ctx, def, options, &warnings, &errors);
// 		if (obj == NULL && errors != NULL && errors[0] != NULL) onemap_copy(d->err, sizeof d->err, errors[0]);
// 		proj_string_list_destroy(warnings);
// 		proj_string_list_destroy(errors);
// 	} else {
// 		obj = proj_create(ctx, def);
// 	}
// 	if (obj == NULL) {
// 		if (d->err[0] == 0) onemap_copy(d->err, sizeof d->err, proj_context_errno_string(ctx, proj_context_errno(ctx)));
// 		proj_context_destroy(ctx);
// 		return;
// 	}
// 	d->ok = 1;
// 	d->type = proj_get_type(obj);
// 	onemap_copy(d->name, sizeof d->name, proj_get_name(obj));
// 	const char *wkt = proj_as_wkt(ctx, obj, PJ_WKT2_2019, NULL);
// 	if (wkt != NULL && strlen(wkt) < sizeof d->wkt) onemap_copy(d->wkt, sizeof d->wkt, wkt);
//
// 	PJ *horiz = NULL;
// 	if (d->type == PJ_TYPE_BOUND_CRS) horiz = proj_get_source_crs(ctx, obj);
// 	else if (d->type == PJ_TYPE_COMPOUND_CRS) horiz = proj_crs_get_sub_crs(ctx, obj, 0);
// 	else horiz = proj_clone(ctx, obj);
// 	if (horiz != NULL) {
// 		d->horiz_type = proj_get_type(horiz);
// 		if (proj_is_crs(horiz)) {
// 			onemap_identify(ctx, horiz, d->code, d->code_name, &d->confidence, &d->ties);
// 			const char *ps = proj_as_proj_string(ctx, horiz, PJ_PROJ_5, NULL);
// 			if (ps != NULL) onemap_copy(d->proj, sizeof d->proj, ps);
// 			PJ *base = proj_crs_get_geodetic_crs(ctx, horiz);
// 			if (base != NULL) {
// 				int ties = 0;
// 				onemap_copy(d->base_name, sizeof d->base_name, proj_get_name(base));
// 				onemap_identify(ctx, base, d->base_code, NULL, &d->base_confidence, &ties);
// 				proj_destroy(base);
// 			}
// 		}
// 	}
// 	onemap_area(ctx, obj, d);
// 	if (!d->has_area && horiz != NULL) onemap_area(ctx, horiz, d);
// 	if (!d->has_area && d->code[0] != 0 && d->confidence >= 70) {
// 		char ref[64];
// 		snprintf(ref, sizeof ref, "EPSG:%s", d->code);
// 		PJ *known = proj_create(ctx, ref);
// 		if (known != NULL) {
// 			onemap_area(ctx, known, d);
// 			proj_destroy(known);
// 		}
// 	}
// 	if (horiz != NULL) proj_destroy(horiz);
// 	proj_destroy(obj);
// 	proj_context_destroy(ctx);
// }
import "C"

import (
	"strconv"
	"unsafe"
)

// PROJ object types describe distinguishes (PJ_TYPE in proj.h).
const (
	typeGeographic2D = C.PJ_TYPE_GEOGRAPHIC_2D_CRS
	typeGeographic3D = C.PJ_TYPE_GEOGRAPHIC_3D_CRS
	typeProjected    = C.PJ_TYPE_PROJECTED_CRS
	typeBound        = C.PJ_TYPE_BOUND_CRS
)

// description is what PROJ says about a CRS definition: its name, the EPSG
// entry it matches and how sure PROJ is, its datum, area of use, PROJ string
// and WKT2. go-proj does not expose proj_identify or proj_get_area_of_use, so
// describe calls them directly, in a PROJ context of its own that lives only
// for the call (no shared state, safe from any goroutine).
type description struct {
	typ, horizType int
	name           string
	code           int // EPSG code of the best match, 0 if none
	codeName       string
	confidence     int // percent: 100 same definition and name, 90 alias name, 70 same definition other name, 25 similar name only
	ties           int
	baseName       string
	baseCode       int
	baseConfidence int
	area           *Area
	projString     string
	wkt2           string
}

// describe parses def — WKT when isWKT, otherwise anything proj_create takes
// ("EPSG:4549") — and reports what PROJ knows about it. The error is PROJ's
// own text, for the log; callers phrase the user message.
func describe(def string, isWKT bool) (description, string, bool) {
	cdef := C.CString(def)
	defer C.free(unsafe.Pointer(cdef))
	d := (*C.onemap_desc)(C.malloc(C.sizeof_onemap_desc))
	defer C.free(unsafe.Pointer(d))
	wkt := C.int(0)
	if isWKT {
		wkt = 1
	}
	C.onemap_describe(cdef, wkt, d)
	if d.ok == 0 {
		return description{}, C.GoString(&d.err[0]), false
	}
	out := description{
		typ:            int(d._type),
		horizType:      int(d.horiz_type),
		name:           C.GoString(&d.name[0]),
		code:           atoi(C.GoString(&d.code[0])),
		codeName:       C.GoString(&d.code_name[0]),
		confidence:     int(d.confidence),
		ties:           int(d.ties),
		baseName:       C.GoString(&d.base_name[0]),
		baseCode:       atoi(C.GoString(&d.base_code[0])),
		baseConfidence: int(d.base_confidence),
		projString:     C.GoString(&d.proj[0]),
		wkt2:           C.GoString(&d.wkt[0]),
	}
	if d.has_area != 0 {
		out.area = &Area{
			Name:  C.GoString(&d.area_name[0]),
			West:  float64(d.west),
			South: float64(d.south),
			East:  float64(d.east),
			North: float64(d.north),
		}
	}
	return out, "", true
}

// atoi reads an EPSG code; anything that is not a plain number is 0.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
