package route

import "testing"

// TestStats checks the graph's counts against the edge table and reports
// its memory per edge.
func TestStats(t *testing.T) {
	for _, d := range anchorDatasets {
		g, as := loadAnchorGraph(t, d, nil)
		nodes := map[int64]bool{}
		arcs := 0
		for _, a := range as {
			nodes[a.From], nodes[a.To] = true, true
			if a.ForwardS >= 0 {
				arcs++
			}
			if a.BackwardS >= 0 {
				arcs++
			}
		}
		s := g.Stats()
		if s.Edges != len(as) || s.Nodes != len(nodes) || s.Arcs != arcs || s.SplitVertices != 0 {
			t.Errorf("%s: stats %+v; want %d edges, %d vertices, %d arcs, no split", d, s, len(as), len(nodes), arcs)
		}
		if s.IndexBytes != 0 {
			t.Errorf("%s: snapping index counted before any snap", d)
		}
		if _, err := g.Snap(as[0].Geometry[0], SnapOptions{}); err != nil {
			t.Fatal(err)
		}
		s2 := g.Stats()
		if s2.IndexBytes == 0 || s2.Bytes != s.Bytes+s2.IndexBytes || s.GeometryBytes == 0 || s.Bytes <= s.GeometryBytes {
			t.Errorf("%s: memory %+v before snapping, %+v after", d, s, s2)
		}
		t.Logf("%s: %d edges, %d vertices, %d arcs: %.0f bytes/edge in all (%.0f without geometry and index; geometry %.0f, index ≈ %.0f)",
			d, s2.Edges, s2.Nodes, s2.Arcs, s2.BytesPerEdge(), float64(s2.Bytes-s2.GeometryBytes-s2.IndexBytes)/float64(s2.Edges),
			float64(s2.GeometryBytes)/float64(s2.Edges), float64(s2.IndexBytes)/float64(s2.Edges))
	}
}
