package onemap_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestImportsPointInward enforces DESIGN.md §1: geo ← layers ← {tiles,
// importers, sql, gpkg} ← server ← cmd; only sql imports pgx; only server and
// cmd import echo; nothing imports cmd.
func TestImportsPointInward(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	// allowed lists, for each top-level area, the onemap areas it may import.
	allowed := map[string][]string{
		"geo":       {"geo"},
		"layers":    {"layers", "geo"},
		"tiles":     {"tiles", "layers", "geo"},
		"importers": {"importers", "layers", "geo"},
		"sql":       {"sql", "layers", "geo"},
		"gpkg":      {"gpkg", "layers", "geo"},
		"server":    {"server", "layers", "geo", "tiles", "importers", "frontend"},
		"frontend":  {"frontend"},
		"internal":  {"internal", "layers", "geo"},
		"cmd":       {"cmd", "server", "layers", "geo", "tiles", "importers", "sql", "gpkg", "frontend", "internal"},
		"":          {"", "internal"},
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		from := area(p.ImportPath)
		ok, known := allowed[from]
		if !known {
			t.Errorf("%s: top-level folder %q is not in the house plan (DESIGN.md §1)", p.ImportPath, from)
			continue
		}
		for _, imp := range p.Imports {
			switch {
			case strings.HasPrefix(imp, "github.com/jackc/pgx") && from != "sql":
				t.Errorf("%s imports %s: only sql may import pgx", p.ImportPath, imp)
			case strings.HasPrefix(imp, "github.com/labstack/echo") && from != "server" && from != "cmd":
				t.Errorf("%s imports %s: only server and cmd may import echo", p.ImportPath, imp)
			case imp == "onemap" || strings.HasPrefix(imp, "onemap/"):
				to := area(imp)
				switch {
				case to == "cmd":
					t.Errorf("%s imports %s: nothing imports cmd", p.ImportPath, imp)
				case to == "internal" && strings.HasSuffix(p.ImportPath, "test"):
					// Test-support packages (storetest, sqltest) may use testenv.
				case !contains(ok, to):
					t.Errorf("%s imports %s: %s may not import %s (imports point inward)", p.ImportPath, imp, from, to)
				}
			}
		}
	}
}

// area is the top-level folder of an onemap import path ("" for the root).
func area(path string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "onemap"), "/")
	top, _, _ := strings.Cut(rest, "/")
	return top
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
