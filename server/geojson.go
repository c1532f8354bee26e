package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// featureDoc is a GeoJSON Feature as served: the integer fid as id, the
// canonical properties, and for Near queries distance_m among them.
type featureDoc struct {
	Type       string            `json:"type"`
	ID         int64             `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []link            `json:"links,omitempty"`
}

// featureCollectionDoc is one page of GET .../items.
type featureCollectionDoc struct {
	Type           string       `json:"type"`
	Features       []featureDoc `json:"features"`
	NumberMatched  int64        `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
	TimeStamp      string       `json:"timeStamp"`
	Links          []link       `json:"links"`
}

// toFeatureDoc encodes a stored feature.
func toFeatureDoc(f layers.Feature) featureDoc {
	props := make(map[string]any, len(f.Properties)+1)
	for k, v := range f.Properties {
		props[k] = v
	}
	if f.Distance != nil {
		props["distance_m"] = *f.Distance
	}
	var g *geojson.Geometry
	if f.Geometry != nil {
		g = geojson.NewGeometry(f.Geometry)
	}
	return featureDoc{Type: "Feature", ID: f.ID, Geometry: g, Properties: props}
}

// inputFeature is a GeoJSON Feature as a client sends it. Numbers stay
// json.Number so that layers.Field.Coerce sees whole numbers exactly.
type inputFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
	// Features is set when the body is a FeatureCollection.
	Features []json.RawMessage `json:"features"`
}

// decodeStrict decodes JSON keeping numbers as json.Number and refusing
// trailing data.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// decodeFeatures reads a GeoJSON Feature or FeatureCollection body.
func decodeFeatures(body []byte) ([]layers.Feature, error) {
	const op = "server.decodeFeatures"
	var in inputFeature
	if err := decodeStrict(body, &in); err != nil {
		return nil, layers.Wrap(err, layers.Invalid, op, "the body is not a GeoJSON Feature or FeatureCollection: "+jsonProblem(err))
	}
	switch in.Type {
	case "Feature":
		f, err := toFeature(in)
		if err != nil {
			return nil, err
		}
		return []layers.Feature{f}, nil
	case "FeatureCollection":
		if len(in.Features) == 0 {
			return nil, layers.Errorf(layers.Invalid, op, "the FeatureCollection has no features")
		}
		out := make([]layers.Feature, len(in.Features))
		for i, raw := range in.Features {
			var fi inputFeature
			if err := decodeStrict(raw, &fi); err != nil {
				return nil, layers.Wrap(err, layers.Invalid, op, fmt.Sprintf("feature #%d is not a GeoJSON Feature: %s", i+1, jsonProblem(err)))
			}
			if fi.Type != "Feature" {
				return nil, layers.Errorf(layers.Invalid, op, "feature #%d has type %q; every member of features must be a GeoJSON Feature", i+1, fi.Type)
			}
			f, err := toFeature(fi)
			if err != nil {
				return nil, &layers.Error{Kind: layers.Invalid, Op: op, Msg: fmt.Sprintf("feature #%d: %s", i+1, layers.MessageOf(err)), Err: err}
			}
			out[i] = f
		}
		return out, nil
	}
	return nil, layers.Errorf(layers.Invalid, op, "the body must be a GeoJSON Feature or FeatureCollection, got type %q", in.Type)
}

// decodeFeature reads a body that must be one GeoJSON Feature.
func decodeFeature(body []byte) (layers.Feature, error) {
	const op = "server.decodeFeature"
	var in inputFeature
	if err := decodeStrict(body, &in); err != nil {
		return layers.Feature{}, layers.Wrap(err, layers.Invalid, op, "the body is not a GeoJSON Feature: "+jsonProblem(err))
	}
	if in.Type != "Feature" {
		return layers.Feature{}, layers.Errorf(layers.Invalid, op, "the body must be one GeoJSON Feature, got type %q", in.Type)
	}
	return toFeature(in)
}

// toFeature converts a decoded GeoJSON Feature; the layer's schema is
// checked later by the store (layers.PrepareBatch).
func toFeature(in inputFeature) (layers.Feature, error) {
	id, err := decodeID(in.ID)
	if err != nil {
		return layers.Feature{}, err
	}
	g, err := decodeGeometry(in.Geometry)
	if err != nil {
		return layers.Feature{}, err
	}
	return layers.Feature{ID: id, Geometry: g, Properties: in.Properties}, nil
}

// decodeID reads an optional GeoJSON id, which must be a positive integer.
func decodeID(raw json.RawMessage) (int64, error) {
	if isNull(raw) {
		return 0, nil
	}
	var n json.Number
	if err := decodeStrict(raw, &n); err == nil {
		if id, err := n.Int64(); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, layers.Errorf(layers.Invalid, "server.decodeID", "feature id must be a positive whole number, got %s", string(raw))
}

// decodeGeometry reads a GeoJSON geometry; null or absent gives nil, which
// the schema check reports as missing.
func decodeGeometry(raw json.RawMessage) (orb.Geometry, error) {
	if isNull(raw) {
		return nil, nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, layers.Wrap(err, layers.Invalid, "server.decodeGeometry",
			"geometry is not a GeoJSON geometry: need {\"type\": \"Point\", \"coordinates\": [lon, lat]} or another GeoJSON type")
	}
	return g.Geometry(), nil
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// jsonProblem words a JSON decoding error without Go type names: a syntax
// error says where, a type error says which member has the wrong shape.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON: %s (at byte %d)", se.Error(), se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%s must not be a JSON %s", te.Field, te.Value)
		}
		return fmt.Sprintf("expected a JSON object, got a JSON %s", te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "not valid JSON: it ends too early"
	}
	return "not valid JSON: " + err.Error()
}
