package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/screen"
	"github.com/reachnet/reach/tui/screens/browser"
	"github.com/reachnet/reach/tui/screens/checklist"
	"github.com/reachnet/reach/tui/screens/detail"
)

// updating reports whether -update was given; the flag itself is defined by
// charmbracelet/x/exp/golden, which teatest imports, and rewrites these
// golden files too.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares the rendering (escape sequences removed, so the files
// read as the screen does) with testdata/NAME.golden, after checking that
// no line of the raw rendering is wider than w.
func golden(t *testing.T, name string, raw string, w int) {
	t.Helper()
	for i, l := range strings.Split(raw, "\n") {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%s: line %d is %d cells wide, more than %d: %q", name, i+1, lw, w, stripANSI(l))
		}
	}
	got := stripANSI(raw)
	// Trailing spaces are padding; the files keep lines as they look.
	lines := strings.Split(got, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	got = strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from %s (go test ./tui -update rewrites it)\n--- got\n%s--- want\n%s", name, path, got, want)
	}
}

var widths = []int{80, 120, 200}

func TestGoldenBrowser(t *testing.T) {
	n := smallNet()
	// A tag with a terminal escape and a bell must arrive on screen inert.
	n.ENIs["eni-0f01"] = &checks.ENI{ID: "eni-0f01", Name: "evil\x1b[31m-tag\x07\u202e", SubnetID: "subnet-0011", VPCID: "vpc-0001",
		InterfaceType: "nat_gateway", Status: "available", SourceDestCheck: false}
	n.Compile()
	for _, ascii := range []bool{false, true} {
		for _, w := range widths {
			e := testEnv(ascii, themes.ANSI16)
			b := browser.New(e)
			b.SetSize(w, 10)
			b.SetCatalog(catalog.Build(1, n, nil, ascii))
			b.Move(1)
			name := fmt.Sprintf("browser-%d", w)
			if ascii {
				name += "-ascii"
			}
			out := b.View()
			golden(t, name, out, w)
			if strings.Contains(out, "\x07") || strings.Contains(out, "\u202e") || strings.Contains(out, "\x1b[31m-tag") {
				t.Errorf("%s: a control character from a tag reached the screen: %q", name, out)
			}
			if ascii {
				assertASCII(t, name, out)
			}
		}
	}
}

func assertASCII(t *testing.T, name, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			t.Errorf("%s: byte %#x at %d is not ASCII: %q", name, s[i], i, stripANSI(s[max(i-20, 0):min(i+20, len(s))]))
			return
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
			e := testEnv(ascii, themes.ANSI16)
			var lines []string
			for i, r := range rows {
				lines = append(lines, checklist.Row(e, r, w, 3, i == 2))
			}
			name := fmt.Sprintf("checklist-rows-%d", w)
			if ascii {
				name += "-ascii"
				assertASCII(t, name, strings.Join(lines, "\n"))
			}
			golden(t, name, strings.Join(lines, "\n"), w)
		}
	}
}

// batchToDB evaluates the failing path of smallNet.
func batchToDB(t testing.TB) (*checks.Network, *checks.Report) {
	t.Helper()
	n := smallNet()
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
			e := testEnv(ascii, themes.ANSI16)
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
			golden(t, "checklist-"+suffix, out, w)
			if ascii {
				assertASCII(t, suffix, out)
			}
			ev := strings.Join(checklist.EvidenceLines(e, rep, c.Rows[c.Cursor], c.Catalog, w), "\n")
			golden(t, "evidence-security-group-"+suffix, ev, w)
		}
	}
}

func TestGoldenDetail(t *testing.T) {
	n := smallNet()
	n.Compile()
	for _, w := range []int{80, 120} {
		e := testEnv(false, themes.ANSI16)
		c := catalog.Build(1, n, nil, false)
		out := strings.Join(detail.Lines(e, n, c, "eni-0d01"), "\n")
		// The detail screen truncates to its width; pin that too.
		d := detail.New(e)
		d.SetSize(w, 40)
		d.Show(n, c, "eni-0d01")
		golden(t, fmt.Sprintf("detail-%d", w), d.View(), w)
		for _, want := range []string{"rds-payments (sg-0rds)", "tcp 5432 from app (sg-0app)", "Route table prod-main", "Network ACL acl-default-vpc-0001", "#100   allow all traffic 0.0.0.0/0"} {
			if !strings.Contains(stripANSI(out), want) {
				t.Errorf("detail lacks %q:\n%s", want, stripANSI(out))
			}
		}
	}
}

func TestGoldenHelp(t *testing.T) {
	e := testEnv(false, themes.ANSI16)
	b := browser.New(e)
	out := strings.Join(helpLines(e, "keys: ENIs", b, 80, 20, false), "\n")
	golden(t, "help-browser-80x20", out, 80)
}

func TestGoldenFrame(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		m := newTestModel(t, Static("demo", smallNet(), nil), Options{ASCII: ascii})
		start(t, m)
		name := "frame-browser-80x24"
		if ascii {
			name += "-ascii"
		}
		// The load time is the clock's, fixed in tests.
		golden(t, name, m.render(), 80)
		if ascii {
			assertASCII(t, name, m.render())
		}
	}
}
