package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/render"
)

// TestCleanDescShortcut holds the shortcut for descriptions already one
// clean line to the full cleaning.
func TestCleanDescShortcut(t *testing.T) {
	full := func(s string) string {
		s = strings.Join(strings.Fields(render.Inert(s)), " ")
		if r := []rune(s); len(r) > 80 {
			s = string(r[:79]) + "…"
		}
		return s
	}
	for _, tc := range []struct{ name, desc string }{
		{"an ID and an address", "eni-0a1b2c3d node-7 10.0.0.4"},
		{"empty", ""},
		{"two spaces", "a  b"},
		{"a leading space", " a"},
		{"a trailing space", "a "},
		{"a tab", "a\tb"},
		{"an escape sequence", "a\x1b[31mb"},
		{"accents", "café"},
		{"80 characters", strings.Repeat("x", 80)},
		{"81 characters", strings.Repeat("x", 81)},
		{"DEL", "a\x7fb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := cleanDesc(tc.desc), full(tc.desc); got != want {
				t.Errorf("cleanDesc(%q) = %q, want %q", tc.desc, got, want)
			}
		})
	}
}

// TestInventoryCacheKeptForAnUnchangedSnapshot: checking the same snapshot
// again leaves the cache as it is; a snapshot file changed since, or
// another snapshot, writes it again.
func TestInventoryCacheKeptForAnUnchangedSnapshot(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	snap := t.TempDir()
	entries, err := os.ReadDir("demo/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("demo/snapshot", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(snap, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The files predate the cache by a clear margin, whatever the file
	// system's clock granularity.
	past := time.Now().Add(-time.Hour)
	for _, e := range entries {
		if err := os.Chtimes(filepath.Join(snap, e.Name()), past, past); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(snap, past, past); err != nil {
		t.Fatal(err)
	}
	dir, err := cacheDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, cacheFile)
	check := func() {
		t.Helper()
		if code, _, errOut := runCLI("check", "--snapshot", snap, "--from", "app-1", "--to", "10.0.33.12:5432"); code != 0 {
			t.Fatalf("check: %d %s", code, errOut)
		}
	}
	// Marks the cache so that a rewrite shows.
	mark := func() {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, "# marked\n"...), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	marked := func() bool {
		b, _ := os.ReadFile(path)
		return strings.HasSuffix(string(b), "# marked\n")
	}
	check()
	mark()
	check()
	if !marked() {
		t.Error("checking the unchanged snapshot again wrote the cache")
	}
	if err := os.Chtimes(filepath.Join(snap, entries[0].Name()), time.Now().Add(time.Minute), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	check()
	if marked() {
		t.Error("a snapshot file changed since did not write the cache again")
	}
	mark()
	if code, _, errOut := runCLI("check", "--demo", "--from", "app-1", "--to", "10.0.33.12:5432"); code != 0 {
		t.Fatalf("demo check: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI("check", "--snapshot", "demo/snapshot", "--from", "app-1", "--to", "10.0.33.12:5432"); code != 0 {
		t.Fatalf("check: %d %s", code, errOut)
	}
	if marked() {
		t.Error("another snapshot did not write the cache")
	}
}
