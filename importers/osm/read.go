package osm

import (
	"bufio"
	"bytes"
	"io"

	"onemap/layers"
)

// Format is an OSM file format.
type Format string

// The formats Read takes.
const (
	PBF Format = "pbf"
	XML Format = "xml"
)

// Sniff tells the format of an OSM file from its first bytes: a PBF file
// starts with a 4-byte length and the block type "OSMHeader", an XML file
// with "<?xml" or "<osm". ok is false for anything else.
func Sniff(head []byte) (Format, bool) {
	if len(head) >= 4+12 && bytes.Contains(head[4:min(len(head), 32)], []byte("OSMHeader")) {
		return PBF, true
	}
	h := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if bytes.HasPrefix(h, []byte("<?xml")) || bytes.HasPrefix(h, []byte("<osm")) {
		return XML, true
	}
	return "", false
}

// Read reads an OSM file (PBF or XML, told apart by its first bytes) and
// returns its roads and turn restrictions.
func Read(r io.Reader, lim Limits) (*Result, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64)
	f, ok := Sniff(head)
	if !ok {
		return nil, layers.Errorf(layers.Invalid, "osm.Read", "this is neither an OSM PBF (.osm.pbf) nor an OSM XML (.osm) file")
	}
	d := newData(lim)
	var err error
	if f == PBF {
		err = readPBF(br, d)
	} else {
		err = readXML(br, d)
	}
	if err != nil {
		return nil, err
	}
	return d.roads(f), nil
}

// ReadPBF reads an OSM PBF file.
func ReadPBF(r io.Reader, lim Limits) (*Result, error) {
	d := newData(lim)
	if err := readPBF(bufio.NewReaderSize(r, 64<<10), d); err != nil {
		return nil, err
	}
	return d.roads(PBF), nil
}

// ReadXML reads an OSM XML file.
func ReadXML(r io.Reader, lim Limits) (*Result, error) {
	d := newData(lim)
	if err := readXML(r, d); err != nil {
		return nil, err
	}
	return d.roads(XML), nil
}
