package osm

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"

	"onemap/layers"
)

// memberKind reads a relation member type of OSM XML.
func memberKind(typ string) (int, bool) {
	switch typ {
	case "node":
		return memberNode, true
	case "way":
		return memberWay, true
	case "relation":
		return memberRelation, true
	}
	return 0, false
}

// readXML reads an OSM XML stream (.osm, as JOSM, Overpass, osmium and
// OSMnx write it) into d, token by token.
func readXML(r io.Reader, d *data) error {
	const op = "osm.ReadXML"
	dec := xml.NewDecoder(r)
	bad := func(err error) error {
		line, _ := dec.InputPos()
		return layers.Wrap(err, layers.Invalid, op, fmt.Sprintf("the OSM XML file is not readable at line %d: %v", line, err))
	}
	attr := func(e xml.StartElement, name string) string {
		for _, a := range e.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	num := func(e xml.StartElement, name string) (int64, error) {
		v, err := strconv.ParseInt(attr(e, name), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("<%s> has %s=%q, not an integer", e.Name.Local, name, attr(e, name))
		}
		return v, nil
	}
	seenRoot := false
	// The element being read: a way or relation collects children.
	var (
		kind    string
		id      int64
		refs    []int64
		members []member
		t       tags
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return bad(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if !seenRoot {
				if e.Name.Local != "osm" {
					return layers.Errorf(layers.Invalid, op, "this is not an OSM XML file: its root element is <%s>, not <osm>", e.Name.Local)
				}
				seenRoot = true
				continue
			}
			switch e.Name.Local {
			case "node":
				nid, err := num(e, "id")
				if err != nil {
					return bad(err)
				}
				lat, err1 := strconv.ParseFloat(attr(e, "lat"), 64)
				lon, err2 := strconv.ParseFloat(attr(e, "lon"), 64)
				if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
					if attr(e, "visible") == "false" || attr(e, "action") == "delete" {
						continue // a deleted node carries no position
					}
					return bad(fmt.Errorf("node %d has lat=%q lon=%q, not a position", nid, attr(e, "lat"), attr(e, "lon")))
				}
				if err := d.node(nid, lon, lat); err != nil {
					return err
				}
			case "way", "relation":
				if id, err = num(e, "id"); err != nil {
					return bad(err)
				}
				kind, refs, members, t = e.Name.Local, nil, nil, tags{}
			case "nd":
				if kind == "way" {
					ref, err := num(e, "ref")
					if err != nil {
						return bad(err)
					}
					refs = append(refs, ref)
				}
			case "member":
				if kind == "relation" {
					ref, err := num(e, "ref")
					if err != nil {
						return bad(err)
					}
					k, ok := memberKind(attr(e, "type"))
					if !ok {
						return bad(fmt.Errorf("relation %d has a member of type %q", id, attr(e, "type")))
					}
					members = append(members, member{kind: k, ref: ref, role: attr(e, "role")})
				}
			case "tag":
				if kind != "" {
					t.set(attr(e, "k"), attr(e, "v"))
				}
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "way":
				if err := d.way(id, refs, t); err != nil {
					return err
				}
				kind = ""
			case "relation":
				d.relation(id, members, t)
				kind = ""
			}
		}
	}
	if !seenRoot {
		return layers.Errorf(layers.Invalid, op, "the file is empty or is not OSM XML")
	}
	return nil
}
