package cli

import (
	"strings"
	"testing"

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
