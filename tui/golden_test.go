package tui

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
	"github.com/reachnet/reach/tui/screens/browser"
	"github.com/reachnet/reach/tui/screens/checklist"
	"github.com/reachnet/reach/tui/screens/detail"
)

var widths = []int{80, 120, 200}

func TestGoldenBrowser(t *testing.T) {
	n := tuitest.SmallNet()
	// A tag with a terminal escape and a bell must arrive on screen inert.
	n.ENIs["eni-0f01"] = &checks.ENI{ID: "eni-0f01", Name: "evil\x1b[31m-tag\x07\u202e", SubnetID: "subnet-0011", VPCID: "vpc-0001",
		InterfaceType: "nat_gateway", Status: "available", SourceDestCheck: false}
	n.Compile()
	for _, ascii := range []bool{false, true} {
		for _, w := range widths {
			e := tuitest.Env(ascii, themes.ANSI16)
			b := browser.New(e)
			b.SetSize(w, 10)
			b.SetCatalog(catalog.Build(1, n, nil, ascii))
			b.Move(1)
			name := fmt.Sprintf("browser-%d", w)
			if ascii {
				name += "-ascii"
			}
			out := b.View()
			tuitest.Golden(t, name, out, w)
			if strings.Contains(out, "\x07") || strings.Contains(out, "\u202e") || strings.Contains(out, "\x1b[31m-tag") {
				t.Errorf("%s: a control character from a tag reached the screen: %q", name, out)
			}
			if ascii {
				tuitest.AssertASCII(t, name, out)
			}
		}
	}
}

func TestGoldenChecklistRows(t *testing.T) {
	changed := time.Date(2026, 11, 20, 10, 4, 5, 0, time.UTC)
	rows := []checklist.LayerRow{
		{Name: "route", Status: "pass", Summary: "request: rtb-0c3d4e5f6a7b80012 10.0.0.0/16 → local; reply: rtb-0c3d4e5f6a7b80013 10.0.0.0/16 → local"},
		{Name: "nacl", Status: screen.RowPending},
		{Name: "security-group", Status: "fail", Summary: "forward sg-0e5f6a7b8c9d00014: no inbound rule matches", Changed: changed},
		{Name: "source-dest-check", Status: "skip", Summary: "nothing to evaluate on this path"},
		{Name: "dns", Status: "unknown", Summary: "DATA_MISSING list-hosted-zones"},
		{Name: "service", Status: "warn", Summary: "endpoint policy not evaluated"},
		{Name: "reachability-analyzer", Status: screen.RowNone},
	}
	for _, ascii := range []bool{false, true} {
		for _, w := range []int{80, 120} {
			e := tuitest.Env(ascii, themes.ANSI16)
			var lines []string
			for i, r := range rows {
				lines = append(lines, checklist.Row(e, r, w, 3, i == 2))
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
	rep, err := evaluate(n, screen.PathSpec{From: "batch-1", To: "10.0.33.12", Port: 5432})
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
			c := checklist.New(e)
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
			ev := strings.Join(checklist.EvidenceLines(e, rep, c.Rows[c.Cursor], c.Catalog, w), "\n")
			tuitest.Golden(t, "evidence-security-group-"+suffix, ev, w)
		}
	}
}

func TestGoldenDetail(t *testing.T) {
	n := tuitest.SmallNet()
	n.Compile()
	for _, w := range []int{80, 120} {
		e := tuitest.Env(false, themes.ANSI16)
		c := catalog.Build(1, n, nil, false)
		out := strings.Join(detail.Lines(e, n, c, "eni-0d01"), "\n")
		// The detail screen truncates to its width; pin that too.
		d := detail.New(e)
		d.SetSize(w, 40)
		d.Show(n, c, "eni-0d01")
		tuitest.Golden(t, fmt.Sprintf("detail-%d", w), d.View(), w)
		for _, want := range []string{"rds-payments (sg-0rds)", "tcp 5432 from app (sg-0app)", "Route table prod-main", "Network ACL acl-default-vpc-0001", "#100   allow all traffic 0.0.0.0/0"} {
			if !strings.Contains(tuitest.StripANSI(out), want) {
				t.Errorf("detail lacks %q:\n%s", want, tuitest.StripANSI(out))
			}
		}
	}
}

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
