package osm

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"onemap/layers"
)

// A small OSM data set written both as XML and, by a minimal encoder
// below, as PBF: the two readers must agree, and the tags must come out as
// the roads layer wants them.

type tNode struct {
	id       int64
	lon, lat float64
}

type tWay struct {
	id   int64
	refs []int64
	tags [][2]string
}

type tRel struct {
	id      int64
	members []member
	tags    [][2]string
}

// sample is a T junction (1-2-3 a primary road, 2-4 a one-way-backwards
// residential street with a Chinese name), a roundabout loop 3-5-6-3, a
// footway 4-7 that cuts nothing of the roads' but shares node 4, a
// building touching node 5 and a no_left_turn from way 10 at node 2 to
// way 11.
func sample() ([]tNode, []tWay, []tRel) {
	ns := []tNode{{1, 121.0, 31.9}, {2, 121.001, 31.9}, {3, 121.002, 31.9}, {4, 121.001, 31.901}, {5, 121.003, 31.9005}, {6, 121.003, 31.8995}, {7, 121.0015, 31.9015}, {8, 121.0035, 31.9005}}
	ws := []tWay{
		{10, []int64{1, 2, 3}, [][2]string{{"highway", "primary"}, {"maxspeed", "50"}, {"name", "Haimen Road"}, {"bridge", "viaduct"}, {"layer", "1"}}},
		{11, []int64{2, 4}, [][2]string{{"highway", "living_street"}, {"oneway", "-1"}, {"name", "Main"}, {"name:zh", "人民路"}, {"tunnel", "yes"}}},
		{12, []int64{3, 5, 6, 3}, [][2]string{{"highway", "primary_link"}, {"junction", "roundabout"}}},
		{13, []int64{4, 7}, [][2]string{{"highway", "footway"}}},
		{14, []int64{5, 8}, [][2]string{{"building", "yes"}}},
	}
	rs := []tRel{
		{20, []member{{memberWay, 10, "from"}, {memberNode, 2, "via"}, {memberWay, 11, "to"}}, [][2]string{{"type", "restriction"}, {"restriction", "no_left_turn"}}},
		{21, []member{{memberWay, 10, "from"}, {memberWay, 12, "via"}, {memberWay, 11, "to"}}, [][2]string{{"type", "restriction"}, {"restriction", "no_u_turn"}}},
		{22, []member{{memberWay, 11, "from"}, {memberNode, 2, "via"}, {memberWay, 10, "to"}}, [][2]string{{"type", "restriction"}, {"restriction:hgv", "no_right_turn"}}},
	}
	return ns, ws, rs
}

func sampleXML() string {
	ns, ws, rs := sample()
	var b strings.Builder
	b.WriteString("<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n")
	for _, n := range ns {
		fmt.Fprintf(&b, " <node id=\"%d\" lat=\"%v\" lon=\"%v\"/>\n", n.id, n.lat, n.lon)
	}
	for _, w := range ws {
		fmt.Fprintf(&b, " <way id=\"%d\">", w.id)
		for _, r := range w.refs {
			fmt.Fprintf(&b, "<nd ref=\"%d\"/>", r)
		}
		for _, t := range w.tags {
			fmt.Fprintf(&b, "<tag k=\"%s\" v=\"%s\"/>", t[0], t[1])
		}
		b.WriteString("</way>\n")
	}
	for _, r := range rs {
		fmt.Fprintf(&b, " <relation id=\"%d\">", r.id)
		for _, m := range r.members {
			fmt.Fprintf(&b, "<member type=\"%s\" ref=\"%d\" role=\"%s\"/>", []string{"node", "way", "relation"}[m.kind], m.ref, m.role)
		}
		for _, t := range r.tags {
			fmt.Fprintf(&b, "<tag k=\"%s\" v=\"%s\"/>", t[0], t[1])
		}
		b.WriteString("</relation>\n")
	}
	b.WriteString("</osm>\n")
	return b.String()
}

// pb is a protobuf message being written.
type pb []byte

func (m pb) varint(f int, v uint64) pb {
	m = binary.AppendUvarint(m, uint64(f)<<3)
	return binary.AppendUvarint(m, v)
}

func (m pb) bytes(f int, b []byte) pb {
	m = binary.AppendUvarint(m, uint64(f)<<3|2)
	m = binary.AppendUvarint(m, uint64(len(b)))
	return append(m, b...)
}

func zz(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func packed(vs []uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.AppendUvarint(b, v)
	}
	return b
}

func packedDelta(vs []int64) []byte {
	var b []byte
	prev := int64(0)
	for _, v := range vs {
		b = binary.AppendUvarint(b, zz(v-prev))
		prev = v
	}
	return b
}

// samplePBF encodes the sample as an OSM PBF file: a header block and one
// zlib data block with a string table, dense nodes, ways and relations.
func samplePBF(t *testing.T) []byte {
	ns, ws, rs := sample()
	strs := []string{""}
	sid := func(s string) uint64 {
		for i, x := range strs {
			if x == s {
				return uint64(i)
			}
		}
		strs = append(strs, s)
		return uint64(len(strs) - 1)
	}
	var ids, lats, lons []int64
	for _, n := range ns {
		ids = append(ids, n.id)
		lats = append(lats, int64(n.lat*1e7+0.5))
		lons = append(lons, int64(n.lon*1e7+0.5))
	}
	dense := pb{}.bytes(1, packedDelta(ids)).bytes(8, packedDelta(lats)).bytes(9, packedDelta(lons))
	group := pb{}.bytes(2, dense)
	tagsOf := func(m pb, ts [][2]string) pb {
		var k, v []uint64
		for _, x := range ts {
			k, v = append(k, sid(x[0])), append(v, sid(x[1]))
		}
		return m.bytes(2, packed(k)).bytes(3, packed(v))
	}
	for _, w := range ws {
		m := tagsOf(pb{}.varint(1, uint64(w.id)), w.tags).bytes(8, packedDelta(w.refs))
		group = group.bytes(3, m)
	}
	for _, r := range rs {
		var roles, types []uint64
		var memids []int64
		for _, mm := range r.members {
			roles, types, memids = append(roles, sid(mm.role)), append(types, uint64(mm.kind)), append(memids, mm.ref)
		}
		m := tagsOf(pb{}.varint(1, uint64(r.id)), r.tags).bytes(8, packed(roles)).bytes(9, packedDelta(memids)).bytes(10, packed(types))
		group = group.bytes(4, m)
	}
	var st pb
	for _, s := range strs {
		st = st.bytes(1, []byte(s))
	}
	blockMsg := pb{}.bytes(1, st).bytes(2, group)
	header := pb{}.bytes(4, []byte("OsmSchema-V0.6")).bytes(4, []byte("DenseNodes"))
	var file []byte
	file = appendBlob(t, file, "OSMHeader", header, false)
	file = appendBlob(t, file, "OSMData", blockMsg, true)
	return file
}

// appendBlob appends one (length, BlobHeader, Blob) frame.
func appendBlob(t *testing.T, file []byte, typ string, raw []byte, zipped bool) []byte {
	blob := pb{}.bytes(1, raw)
	if zipped {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		if _, err := w.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		blob = pb{}.varint(2, uint64(len(raw))).bytes(3, z.Bytes())
	}
	hdr := pb{}.bytes(1, []byte(typ)).varint(3, uint64(len(blob)))
	file = binary.BigEndian.AppendUint32(file, uint32(len(hdr)))
	file = append(file, hdr...)
	return append(file, blob...)
}

// TestReadersAgreeAndTags: the XML and the PBF of the sample give the same
// roads and restrictions, cut and tagged as the roads layer wants.
func TestReadersAgreeAndTags(t *testing.T) {
	fromXML, err := Read(strings.NewReader(sampleXML()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	fromPBF, err := Read(bytes.NewReader(samplePBF(t)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if fromXML.Report.Format != XML || fromPBF.Report.Format != PBF {
		t.Fatalf("formats %q and %q", fromXML.Report.Format, fromPBF.Report.Format)
	}
	fromPBF.Report.Format = XML
	if !reflect.DeepEqual(fromXML, fromPBF) {
		t.Fatalf("XML and PBF differ:\n%+v\n%+v", fromXML, fromPBF)
	}
	res := fromXML
	// Way 10 is cut at node 2 (shared with 11); the roundabout 12 at node
	// 5 (the building's) and where it closes at 3; node 4 (the footway's)
	// ends 11 anyway.
	type piece struct {
		way      int64
		from, to int64
	}
	var got []piece
	byPiece := map[piece]map[string]any{}
	roads, _ := layers.BuiltinLayer(layers.Roads)
	for _, f := range res.Roads {
		p, err := roads.Schema.NormalizeProperties(f.Properties)
		if err != nil {
			t.Fatalf("road %d: %v", f.ID, err)
		}
		k := piece{p["osm_way"].(int64), p["source_node"].(int64), p["target_node"].(int64)}
		got = append(got, k)
		byPiece[k] = p
	}
	want := []piece{{10, 1, 2}, {10, 2, 3}, {11, 4, 2}, {12, 3, 5}, {12, 5, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("pieces %v, want %v", got, want)
	}
	p := byPiece[piece{10, 1, 2}]
	if p["class"] != "primary" || p["speed_kmh"] != 50.0 || p["bridge"] != true || p["layer"] != int64(1) || p["name"] != "Haimen Road" || p["oneway"] != false || p["tunnel"] != false {
		t.Errorf("way 10: %v", p)
	}
	// oneway=-1: reversed, so it runs 4 → 2 one way; living_street is a
	// residential road at 10 km/h; name:zh wins.
	p = byPiece[piece{11, 4, 2}]
	if p["class"] != "residential" || p["speed_kmh"] != 10.0 || p["oneway"] != true || p["name"] != "人民路" || p["tunnel"] != true {
		t.Errorf("way 11: %v", p)
	}
	if res.Report.ReversedWays != 1 || res.Report.OtherHighways != 1 || res.Report.Ways != 3 {
		t.Errorf("report %+v", res.Report)
	}
	p = byPiece[piece{12, 3, 5}]
	if p["class"] != "primary" || p["speed_kmh"] != 30.0 || p["oneway"] != true {
		t.Errorf("roundabout: %v", p)
	}
	// Only the node restriction for cars is kept, on both pieces of way 10
	// that touch node 2.
	if len(res.Restrictions) != 1 || res.Restrictions[0] != (Restriction{Relation: 20, Type: "no_left_turn", FromWay: 10, Via: 2, ToWay: 11}) {
		t.Fatalf("restrictions %+v", res.Restrictions)
	}
	for _, k := range []piece{{10, 1, 2}, {10, 2, 3}} {
		if s := byPiece[k]["turn_restrictions"]; s != `[{"type":"no_left_turn","via":2,"to_way":11}]` {
			t.Errorf("piece %v: turn_restrictions %v", k, s)
		}
	}
	if _, ok := byPiece[piece{11, 4, 2}]["turn_restrictions"]; ok {
		t.Error("way 11 carries a restriction for lorries only")
	}
	if res.Report.Restrictions != 1 || res.Report.RestrictionsSkip != 2 || len(res.Report.RestrictionReason) != 2 {
		t.Errorf("restriction report %+v", res.Report)
	}
}

// TestHostileFiles: damaged, oversized and foreign input fails with an
// Invalid error that says what is wrong, never a panic or a huge
// allocation.
func TestHostileFiles(t *testing.T) {
	good := samplePBF(t)
	bomb := appendBlob(t, nil, "OSMHeader", pb{}.bytes(4, []byte("OsmSchema-V0.6")), false)
	// A data block whose header promises 100 bytes but unpacks to 10 MB.
	zeros := make([]byte, 10<<20)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(zeros)
	zw.Close()
	blob := pb{}.varint(2, 100).bytes(3, z.Bytes())
	hdr := pb{}.bytes(1, []byte("OSMData")).varint(3, uint64(len(blob)))
	bomb = binary.BigEndian.AppendUint32(bomb, uint32(len(hdr)))
	bomb = append(append(bomb, hdr...), blob...)
	history := appendBlob(t, nil, "OSMHeader", pb{}.bytes(4, []byte("OsmSchema-V0.6")).bytes(4, []byte("HistoricalInformation")), false)
	hugeHeader := binary.BigEndian.AppendUint32(nil, 1<<30)
	hugeHeader = append(hugeHeader, []byte("OSMHeader.....")...)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"cut off", good[:len(good)-7], "damaged"},
		{"zip bomb", bomb, "damaged"},
		{"history file", history, "HistoricalInformation"},
		{"huge block header", hugeHeader, "damaged"},
		{"not OSM", []byte("PK\x03\x04 a zip, not OSM at all, long enough"), "neither"},
		{"XML not osm", []byte("<?xml version='1.0'?><gpx></gpx>"), "not an OSM XML file"},
		{"XML broken", []byte("<osm><node id='1' lat='x' lon='2'/></osm>"), "not a position"},
	}
	for _, c := range cases {
		_, err := Read(bytes.NewReader(c.data), Limits{})
		if err == nil || !layers.IsKind(err, layers.Invalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want an Invalid error saying %q", c.name, err, c.want)
		}
	}
	// Limits: more nodes than allowed.
	if _, err := Read(bytes.NewReader(good), Limits{MaxNodes: 3}); err == nil || !strings.Contains(err.Error(), "more than 3 nodes") {
		t.Errorf("node limit: %v", err)
	}
}
