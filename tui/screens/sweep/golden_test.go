package sweep

import (
	"fmt"
	"testing"

	// Registers -update, which tuitest.Golden reads to rewrite the files.
	_ "github.com/charmbracelet/x/exp/golden"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
)

// TestGoldenSweep pins the prompt and the groups, folded and unfolded, at
// 80x24, in Unicode and in ASCII.
func TestGoldenSweep(t *testing.T) {
	n := tuitest.SmallNet()
	for _, ascii := range []bool{false, true} {
		e := tuitest.Env(ascii, themes.ANSI16)
		m := New(e)
		m.SetSize(80, 20)
		m.Open("eni-0d01", "rds (eni-0d01)", true)
		name := fmt.Sprintf("sweep-ascii-%v", ascii)
		for _, r := range "5432" {
			m.Update(tuitest.KeyMsg(string(r)))
		}
		tuitest.Golden(t, name+"-prompt", m.View(), 80)
		_, it := m.Update(tuitest.KeyMsg("enter"))
		run, ok := it.(screen.RunSweep)
		if !ok || !m.Running {
			t.Fatalf("enter runs the sweep: %#v", it)
		}
		m.Result(run.Run, checks.SweepPaths(n, m.Spec()))
		tuitest.Golden(t, name+"-groups", m.View(), 80)
		m.Update(tuitest.KeyMsg("down"))
		m.Update(tuitest.KeyMsg("enter"))
		tuitest.Golden(t, name+"-unfolded", m.View(), 80)
		if ascii {
			tuitest.AssertASCII(t, name, m.View())
		}
		// A result of an older run is dropped.
		m.Result(run.Run-1, nil)
		if len(m.rows) == 0 {
			t.Error("an older run's result replaced the shown one")
		}
	}
}
