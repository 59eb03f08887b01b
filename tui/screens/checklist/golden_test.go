package checklist

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
)

func TestGoldenChecklistRows(t *testing.T) {
	changed := time.Date(2026, 11, 20, 10, 4, 5, 0, time.UTC)
	rows := []LayerRow{
		{Name: "route", Status: "pass", summary: "request: rtb-0c3d4e5f6a7b80012 10.0.0.0/16 → local; reply: rtb-0c3d4e5f6a7b80013 10.0.0.0/16 → local"},
		{Name: "nacl", Status: screen.RowPending},
		{Name: "security-group", Status: "fail", summary: "forward sg-0e5f6a7b8c9d00014: no inbound rule matches", Changed: changed},
		{Name: "source-dest-check", Status: "skip", summary: "nothing to evaluate on this path"},
		{Name: "dns", Status: "unknown", summary: "DATA_MISSING list-hosted-zones"},
		{Name: "service", Status: "warn", summary: "endpoint policy not evaluated"},
		{Name: "reachability-analyzer", Status: screen.RowNone},
	}
	for _, ascii := range []bool{false, true} {
		for _, w := range []int{80, 120} {
			e := tuitest.Env(ascii, themes.ANSI16)
			var lines []string
			for i, r := range rows {
				lines = append(lines, checklistRow(e, r, w, 3, i == 2))
			}
			name := fmt.Sprintf("checklist-rows-%d", w)
			if ascii {
				name += "-ascii"
				tuitest.AssertASCII(t, name, strings.Join(lines, "\n"))
			}
			tuitest.Golden(t, name, strings.Join(lines, "\n"), w)
		}
	}
}

// batchToDB evaluates the failing path of smallNet.
func batchToDB(t testing.TB) (*checks.Network, *checks.Report) {
	t.Helper()
	n := tuitest.SmallNet()
	n.Compile()
	q, err := screen.PathSpec{From: "batch-1", To: "10.0.33.12", Port: 5432}.Query(n)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := checks.Evaluate(n, q)
	if err != nil {
		t.Fatal(err)
	}
	return n, &rep
}

func TestGoldenChecklistAndEvidence(t *testing.T) {
	n, rep := batchToDB(t)
	if rep.Verdict != checks.Unreachable || rep.Layer(checks.LayerSecurityGroup).Status != checks.StatusFail {
		t.Fatalf("test network: want the security group to fail, got %s\n%+v", rep.Verdict, rep.Layers)
	}
	for _, ascii := range []bool{false, true} {
		for _, size := range [][2]int{{80, 20}, {120, 30}} {
			w, h := size[0], size[1]
			e := tuitest.Env(ascii, themes.ANSI16)
			c := New(e)
			c.Catalog = catalog.Build(1, n, nil, ascii)
			c.SetSize(w, h)
			c.Reset(screen.PathSpec{From: "batch-1", To: "10.0.33.12", Port: 5432})
			c.Result(rep, nil, nil, e.Now())
			suffix := fmt.Sprintf("%dx%d", w, h)
			if ascii {
				suffix += "-ascii"
			}
			out := c.View()
			if got := strings.Count(out, "\n") + 1; got != h {
				t.Errorf("checklist %s: %d lines, want %d", suffix, got, h)
			}
			tuitest.Golden(t, "checklist-"+suffix, out, w)
			if ascii {
				tuitest.AssertASCII(t, suffix, out)
			}
			ev := strings.Join(evidenceLines(e, rep, c.Rows[c.Cursor], c.Catalog, w), "\n")
			tuitest.Golden(t, "evidence-security-group-"+suffix, ev, w)
		}
	}
}
