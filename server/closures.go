package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
	"onemap/layers/network"
)

// closureDoc is a road closure as the API shows it.
type closureDoc struct {
	ID        int64             `json:"id"`
	Road      int64             `json:"road,omitempty"`
	Area      *geojson.Geometry `json:"area,omitempty"`
	Until     *time.Time        `json:"until,omitempty"`
	Reason    string            `json:"reason,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	Edges     int               `json:"edges"` // edges of the current road graph it closes
}

func toClosureDoc(c network.Closure) closureDoc {
	d := closureDoc{ID: c.ID, Road: c.Road, Until: c.Until, Reason: c.Reason, CreatedAt: c.Created, Edges: c.Edges}
	if c.Area != nil {
		d.Area = geojson.NewGeometry(c.Area)
	}
	return d
}

// closureBody is the body of POST /api/closures.
type closureBody struct {
	Road   int64           `json:"road"`
	Area   json.RawMessage `json:"area"`
	Until  string          `json:"until"`
	Reason string          `json:"reason"`
}

// closuresNote tells clients what a closure is and is not.
const closuresNote = "road closures apply to every routing query at once; closures_kept in GET /api/network says where they are kept: in the store they survive a restart of the service and apply on every instance sharing it within a few seconds, in memory they do neither"

// createClosure serves POST /api/closures {road: ID | area: GeoJSON
// Polygon, until?: RFC 3339 time, reason?}: closes a road, or every road
// touching an area, for all routing queries until the given time (or until
// deleted).
func (s *Server) createClosure(c echo.Context) error {
	const op = "server.createClosure"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	var in closureBody
	if err := decodeStrictFields(body, &in); err != nil {
		return layers.Wrap(err, layers.Invalid, op, `the body must be {"road": ID} or {"area": {GeoJSON Polygon}}, with optional "until" (RFC 3339 time) and "reason": `+bodyProblem(err))
	}
	cl := network.Closure{Road: in.Road, Reason: strings.TrimSpace(in.Reason)}
	if !isNull(in.Area) {
		g, err := decodeGeometry(in.Area)
		if err != nil {
			return err
		}
		cl.Area = g
	}
	if in.Until != "" {
		t, err := time.Parse(time.RFC3339, in.Until)
		if err != nil {
			return layers.Errorf(layers.Invalid, op, "until must be an RFC 3339 time such as 2026-05-12T18:00:00+08:00, got %q", in.Until)
		}
		cl.Until = &t
	}
	cl, err = s.network.AddClosure(c.Request().Context(), cl)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", s.href(c, "/api/closures/"+strconv.FormatInt(cl.ID, 10), nil))
	return writeJSON(c, http.StatusCreated, mediaJSON, toClosureDoc(cl))
}

// closures serves GET /api/closures: the road closures in force.
func (s *Server) closures(c echo.Context) error {
	cs, err := s.network.Closures(c.Request().Context())
	if err != nil {
		return err
	}
	docs := make([]closureDoc, len(cs))
	for i, cl := range cs {
		docs[i] = toClosureDoc(cl)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return writeJSON(c, http.StatusOK, mediaJSON, map[string]any{"closures": docs, "note": closuresNote})
}

// deleteClosure serves DELETE /api/closures/{id}: lifts a closure.
func (s *Server) deleteClosure(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return layers.Errorf(layers.NotFound, "server.deleteClosure", "there is no road closure %q; closure IDs are positive whole numbers", c.Param("id"))
	}
	if err := s.network.DeleteClosure(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
