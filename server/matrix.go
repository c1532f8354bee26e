package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"onemap/layers"
	"onemap/layers/network"
)

// matrixBody is the body of POST /api/matrix.
type matrixBody struct {
	Sources   [][]float64 `json:"sources"`
	Targets   [][]float64 `json:"targets"`
	Avoid     []int64     `json:"avoid"`
	AvoidType []string    `json:"avoid_type"`
	Profile   string      `json:"profile"`
}

// matrix serves POST /api/matrix {sources: [[lon, lat], …], targets: […],
// avoid?, avoid_type?, profile?}: drive times in seconds from every source
// to every target, null where the target cannot be reached.
func (s *Server) matrix(c echo.Context) error {
	const op = "server.matrix"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	var in matrixBody
	if err := decodeStrictFields(body, &in); err != nil {
		return layers.Wrap(err, layers.Invalid, op, `the body must be {"sources": [[lon, lat], …], "targets": [[lon, lat], …]} with optional avoid, avoid_type and profile: `+bodyProblem(err))
	}
	sources, err := pointList(in.Sources, "sources")
	if err != nil {
		return err
	}
	targets, err := pointList(in.Targets, "targets")
	if err != nil {
		return err
	}
	set := network.Settings{Avoid: network.Avoid{Zones: in.Avoid, Types: in.AvoidType}, Profile: in.Profile}
	for _, id := range in.Avoid {
		if id <= 0 {
			return layers.Errorf(layers.Invalid, op, "avoid must list hazard zone IDs (positive whole numbers), got %d", id)
		}
	}
	ans, err := s.network.Matrix(c.Request().Context(), network.MatrixRequest{Sources: sources, Targets: targets, Settings: set})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}

// pointList reads [[lon, lat], …].
func pointList(raw [][]float64, name string) ([]orb.Point, error) {
	if len(raw) == 0 || len(raw) > network.MaxMatrixSide {
		return nil, layers.Errorf(layers.Invalid, "server.pointList", "%s must list 1 to %d [lon, lat] points, got %d", name, network.MaxMatrixSide, len(raw))
	}
	out := make([]orb.Point, len(raw))
	for i, p := range raw {
		what := fmt.Sprintf("%s[%d]", name, i)
		if len(p) != 2 || !finite(p...) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return nil, layers.Errorf(layers.Invalid, "server.pointList", "%s must be [lon, lat] in EPSG:4326, got %v", what, p)
		}
		out[i] = orb.Point{p[0], p[1]}
	}
	return out, nil
}

// decodeStrictFields decodes a JSON object refusing members v does not
// have (a misspelt "avoid_types" must not be ignored) and trailing data.
func decodeStrictFields(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// bodyProblem words a strict decoding error: an unknown member by name,
// anything else as jsonProblem does.
func bodyProblem(err error) string {
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown member " + name
	}
	return jsonProblem(err)
}
