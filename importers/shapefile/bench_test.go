package shapefile

import (
	"fmt"
	"io"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// BenchmarkReadPolygons reads 20,000 two-ring polygons with GBK attributes
// (no .cpg, no LDID: the encoding scan runs too), the shape of a census
// zoning upload, from memory.
func BenchmarkReadPolygons(b *testing.B) {
	const n = 20000
	contents := make([][]byte, n)
	rows := make([][]string, n)
	name, _ := simplifiedchinese.GBK.NewEncoder().String("海门区应急避难场所")
	for i := range contents {
		x := float64(i%200) * 100
		y := float64(i/200) * 100
		outer := []orb.Point{{x, y}, {x, y + 90}, {x + 90, y + 90}, {x + 90, y}, {x, y}}
		hole := []orb.Point{{x + 10, y + 10}, {x + 20, y + 10}, {x + 20, y + 20}, {x + 10, y + 20}, {x + 10, y + 10}}
		contents[i] = partsContent(Polygon, outer, hole)
		rows[i] = []string{" ", fmt.Sprint(i), name, "3", "12.5", "20240229"}
	}
	shp, shx := buildSHP(Polygon, contents...)
	dbf := buildDBF(0, []dbfField{{"id", 'N', 9, 0}, {"name", 'C', 80, 0}, {"level", 'N', 4, 0}, {"area", 'N', 12, 3}, {"day", 'D', 8, 0}}, rows...)
	fsys := memFS(map[string][]byte{"z.shp": shp, "z.shx": shx, "z.dbf": dbf})
	b.SetBytes(int64(len(shp) + len(dbf)))
	b.ResetTimer()
	for b.Loop() {
		r, err := Open(fsys, "z", Options{})
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		r.Close()
		if got != n {
			b.Fatalf("read %d of %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
