package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"onemap/layers"
	"onemap/layers/analysis"
)

// accessParams are the query parameters of GET /api/access, and the
// members of the POST body beside the what-if edits.
func accessParams() []string { return []string{"decay", "sigma_m", "demand", "cell_m"} }

// accessQuery reads the accessibility parameters of a GET.
func accessQuery(q url.Values) (analysis.AccessRequest, error) {
	var req analysis.AccessRequest
	req.Decay, _ = param(q, "decay")
	req.Demand, _ = param(q, "demand")
	req.Decay, req.Demand = strings.TrimSpace(req.Decay), strings.TrimSpace(req.Demand)
	for _, p := range []struct {
		name string
		dst  *float64
	}{{"sigma_m", &req.SigmaM}, {"cell_m", &req.CellM}} {
		if s, ok := param(q, p.name); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || !finite(v) || v <= 0 {
				return req, layers.Errorf(layers.Invalid, "server.accessQuery", "%s must be a number of metres above 0, got %q", p.name, s)
			}
			*p.dst = v
		}
	}
	return req, nil
}

// access serves GET /api/access?decay=binary|e2sfca-step|gaussian|gaussian-catchment[&sigma_m=…][&demand=cells|units][&cell_m=250]:
// the 2SFCA shelter area within walking reach per resident, per census
// unit and per shelter, with the weighting named in the answer.
func (s *Server) access(c echo.Context) error {
	q := c.QueryParams()
	if err := onlyParams(q, accessParams()); err != nil {
		return err
	}
	req, err := accessQuery(q)
	if err != nil {
		return err
	}
	ans, err := s.analysis.Access(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}

// accessBody is the body of POST /api/access.
type accessBody struct {
	Decay  string  `json:"decay"`
	SigmaM float64 `json:"sigma_m"`
	Demand string  `json:"demand"`
	CellM  float64 `json:"cell_m"`
	editsBody
}

func (b accessBody) request() analysis.AccessRequest {
	return analysis.AccessRequest{Decay: b.Decay, SigmaM: b.SigmaM, Demand: b.Demand, CellM: b.CellM, Edits: b.edits()}
}

// accessWhatIf serves POST /api/access: the same with what-if edits.
func (s *Server) accessWhatIf(c echo.Context) error {
	const op = "server.accessWhatIf"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	var in accessBody
	if err := decodeStrictFields(body, &in); err != nil {
		return layers.Wrap(err, layers.Invalid, op, `the body must be a JSON object with optional "decay", "sigma_m", "demand", "cell_m" and `+editsHelp+": "+bodyProblem(err))
	}
	ans, err := s.analysis.Access(c.Request().Context(), in.request())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}
