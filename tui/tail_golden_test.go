package tui

import (
	"testing"
	"time"

	"github.com/reachnet/reach/tui/internal/tuitest"
)

func TestGoldenTailFrame(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{ASCII: ascii})
		now := flowT0
		m.env.Now = func() time.Time { return now }
		openTailKey(t, m)
		now = now.Add(time.Second)
		feed(m, batchToDBFlows(40, 0))
		diagnoseNow(t, m)
		name := "frame-tail-80x24"
		if ascii {
			name += "-ascii"
			tuitest.AssertASCII(t, name, m.render())
		}
		tuitest.Golden(t, name, m.render(), 80)
	}
}
