package testenv

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// sfDir is the spopt San Francisco reference fixture in the shared data
// folder beside the repository (see its README).
func spoptDir(t testing.TB) string {
	t.Helper()
	d := filepath.Join("..", "..", "..", "shared", "reference", "spopt-sf")
	if _, err := os.Stat(filepath.Join(d, "expected.json")); err != nil {
		t.Fatalf("spopt-sf reference missing: %v (expected the shared reference folder next to the repository)", err)
	}
	return d
}

// SpoptSF is the 205 tract × 16 store matrix of the spopt San Francisco
// reference, built exactly as the fixture's README says: rows are tracts
// sorted by NAME as strings, columns are stores sorted by name as strings.
// Both geo/site and geo/access check themselves against it.
type SpoptSF struct {
	Tracts []string
	Stores []string
	Pop    []float64
	Cost   [][]float64 // network metres, tract × store
}

func readCSVRecords(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// LoadSpoptSF reads the fixture, failing the test when it is missing.
func LoadSpoptSF(t testing.TB) SpoptSF {
	t.Helper()
	d := spoptDir(t)
	var fx SpoptSF
	popByName := map[string]float64{}
	for _, r := range readCSVRecords(t, filepath.Join(d, "SF_demand_205_centroid_uniform_weight.csv")) {
		p, err := strconv.ParseFloat(r["POP2000"], 64)
		if err != nil {
			t.Fatal(err)
		}
		popByName[r["NAME"]] = p
		fx.Tracts = append(fx.Tracts, r["NAME"])
	}
	for _, r := range readCSVRecords(t, filepath.Join(d, "SF_store_site_16_longlat.csv")) {
		fx.Stores = append(fx.Stores, r["NAME"])
	}
	sort.Strings(fx.Tracts)
	sort.Strings(fx.Stores)
	row, col := map[string]int{}, map[string]int{}
	for i, n := range fx.Tracts {
		row[n] = i
		fx.Pop = append(fx.Pop, popByName[n])
	}
	for j, n := range fx.Stores {
		col[n] = j
	}
	fx.Cost = make([][]float64, len(fx.Tracts))
	seen := make([][]bool, len(fx.Tracts))
	for i := range fx.Cost {
		fx.Cost[i] = make([]float64, len(fx.Stores))
		seen[i] = make([]bool, len(fx.Stores))
	}
	for _, r := range readCSVRecords(t, filepath.Join(d, "SF_network_distance_candidateStore_16_censusTract_205_new.csv")) {
		i, ok1 := row[r["DestinationName"]]
		j, ok2 := col[r["name"]]
		if !ok1 || !ok2 {
			t.Fatalf("OD row %v names an unknown tract or store", r)
		}
		v, err := strconv.ParseFloat(r["distance"], 64)
		if err != nil {
			t.Fatal(err)
		}
		fx.Cost[i][j], seen[i][j] = v, true
	}
	for i := range seen {
		for j := range seen[i] {
			if !seen[i][j] {
				t.Fatalf("OD matrix lacks %s → %s", fx.Stores[j], fx.Tracts[i])
			}
		}
	}
	if len(fx.Tracts) != 205 || len(fx.Stores) != 16 {
		t.Fatalf("fixture has %d tracts × %d stores, want 205 × 16", len(fx.Tracts), len(fx.Stores))
	}
	return fx
}

// SpoptExpected decodes the fixture's expected.json into v.
func SpoptExpected(t testing.TB, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(spoptDir(t), "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
}
