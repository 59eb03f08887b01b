package cells

import (
	"testing"

	"github.com/reachnet/reach/render"
)

// TestSanitizeTags: the terminal draws strings from AWS through the one
// sanitizer (render.Inert: its own tests list the cases), and --ascii
// spells the rest in ASCII.
func TestSanitizeTags(t *testing.T) {
	for _, in := range []string{"plain", "red\x1b[31mtext", "bidi\u202eevil", "osc\x1b]52;c;aGk=\x07!", "日本語"} {
		if got, want := Clean(in, false), render.Inert(in); got != want {
			t.Errorf("clean(%q) = %q, want render.Inert's %q", in, got, want)
		}
	}
	if got := Clean("日本 → ok…", true); got != "?? -> ok..." {
		t.Errorf("ascii clean = %q", got)
	}
	if got := Clean("x\u202ey", true); got != `x\u202ey` {
		t.Errorf("ascii clean of an override = %q", got)
	}
}
