package pgtemp

import (
	"strings"
	"testing"
)

// TestStartKillRestart checks the helper itself: PostGIS is there, a
// syntax error is logged with its SQLSTATE first, and the cluster comes
// back after SIGKILL with the committed data.
func TestStartKillRestart(t *testing.T) {
	pg := Start(t)
	if out, err := pg.SQL("SELECT postgis_lib_version()"); err != nil || !strings.HasPrefix(out, "3.") {
		t.Fatalf("postgis_lib_version: %q %v", out, err)
	}
	if _, err := pg.SQL("SELEC 1"); err == nil {
		t.Fatal("a syntax error was accepted")
	}
	if !strings.Contains(pg.Log(), "42601 ") {
		t.Fatalf("the log has no line starting with SQLSTATE 42601:\n%s", pg.Log())
	}
	if _, err := pg.SQL("CREATE TABLE k(v int); INSERT INTO k VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	pg.Kill()
	if _, err := pg.SQL("SELECT 1"); err == nil {
		t.Fatal("the cluster still answers after Kill")
	}
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	if out, err := pg.SQL("SELECT v FROM k"); err != nil || out != "7" {
		t.Fatalf("after restart: %q %v, want 7", out, err)
	}
}
