package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       int
	}{
		{"equal", "theme", "theme", 0},
		{"one missing", "thme", "theme", 1},
		{"one swapped pair", "tehme", "theme", 2},
		{"from nothing", "", "keys", 4},
		{"to nothing", "ports", "", 5},
		{"different", "abc", "xyz", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Distance(tc.a, tc.b); got != tc.want {
				t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	names := []string{"checklist.copy", "checklist.recheck", "global.quit"}
	for _, tc := range []struct {
		name, typed string
		want        string
		ok          bool
	}{
		{"a typo", "checklist.cpy", "checklist.copy", true},
		{"exact", "global.quit", "global.quit", true},
		{"too far", "browser.filter", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Nearest(tc.typed, names, 3)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tc.typed, got, ok, tc.want, tc.ok)
			}
		})
	}
}
