package tui

import (
	"strings"
	"testing"

	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screens/browser"
)

func TestGoldenHelp(t *testing.T) {
	e := tuitest.Env(false, themes.ANSI16)
	b := browser.New(e)
	out := strings.Join(helpLines(e, "keys: ENIs", b, 80, 20, false), "\n")
	tuitest.Golden(t, "help-browser-80x20", out, 80)
}

func TestGoldenFrame(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{ASCII: ascii})
		start(t, m)
		name := "frame-browser-80x24"
		if ascii {
			name += "-ascii"
		}
		// The load time is the clock's, fixed in tests.
		tuitest.Golden(t, name, m.render(), 80)
		if ascii {
			tuitest.AssertASCII(t, name, m.render())
		}
	}
}
