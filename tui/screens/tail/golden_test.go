package tail

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
)

// goldenFlows covers what a row can hold: a reply with SYN-ACK, a REJECT,
// IPv6, ICMP, a protocol without a name, NODATA and SKIPDATA, counts that
// need a unit, and an interface ID carrying terminal escapes.
func goldenFlows() []checks.Flow {
	reply := tcpFlow("10.0.33.12", 5432, "10.0.16.7", 40001, "ACCEPT")
	reply.TCPFlags, reply.FlowDirection, reply.Packets, reply.Bytes = 18, "egress", 12, 1234567
	rej := tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT")
	v6 := tcpFlow("2600:1f18:abcd:1::10", 443, "2600:1f18:abcd:2::20", 51000, "ACCEPT")
	v6.TCPFlags, v6.Packets, v6.Bytes = 1|16, 98765, 123456789012
	icmp := checks.Flow{InterfaceID: "eni-0a01", Src: netip.MustParseAddr("10.0.16.45"), Dst: netip.MustParseAddr("10.0.33.12"),
		Protocol: checks.ProtocolICMP, Packets: 1, Bytes: 84, Start: flowT0.Add(time.Minute), Action: "ACCEPT", LogStatus: "OK", TCPFlags: -1, FlowDirection: "egress"}
	esp := icmp
	esp.Protocol, esp.Action = 50, "REJECT"
	nodata := checks.Flow{InterfaceID: "eni-0d01", Start: flowT0.Add(2 * time.Minute), LogStatus: "NODATA", TCPFlags: -1, Protocol: checks.ProtocolAll}
	skip := nodata
	skip.LogStatus = "SKIPDATA"
	evil := tcpFlow("10.0.16.7", 53000, "10.0.33.12", 53, "REJECT")
	evil.InterfaceID = "eni-0f01\x1b[31mX\x07\u202e"
	evil.Protocol, evil.Packets, evil.TCPFlags = checks.ProtocolUDP, 123456789, -1
	return []checks.Flow{reply, rej, v6, icmp, esp, nodata, skip, evil}
}

func TestGoldenTailRows(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		for _, w := range []int{80, 120} {
			e := tuitest.Env(ascii, themes.ANSI16)
			l := NewRing(100)
			recs := make([]Record, 0, 8)
			for _, f := range goldenFlows() {
				recs = append(recs, newRecord(f, ascii, time.UTC))
			}
			var nat [NumColumns]int
			for _, r := range recs {
				for c, cell := range r.cells {
					nat[c] = max(nat[c], cells.Width(cell))
				}
			}
			l.Push(recs, nat, nil)
			layout := layoutColumns(l.natural, w)
			lines := []string{header(e, layout, w)}
			for i := range l.Count() {
				lines = append(lines, row(e, l.Row(i), layout, w, i == 1, nil))
			}
			out := strings.Join(lines, "\n")
			name := fmt.Sprintf("tail-rows-%d", w)
			if ascii {
				name += "-ascii"
				tuitest.AssertASCII(t, name, out)
			}
			tuitest.Golden(t, name, out, w)
			if strings.Contains(out, "\x07") || strings.Contains(out, "\u202e") || strings.Contains(out, "\x1b[31mX") {
				t.Errorf("%s: a control character from the record reached the screen: %q", name, out)
			}
		}
	}
}

// goldenTail is a tail screen with the golden records landed two seconds
// after it opened.
func goldenTail(e *screen.Env, w, h int) *Model {
	tl := New(e)
	tl.Loc = time.UTC
	tl.SetSize(w, h)
	target := FlowTarget{Label: "batch-1 " + e.Glyphs.Arrow + " 10.0.33.12:5432/tcp", Protocol: checks.ProtocolAll, ENIs: []string{"eni-0a01", "eni-0d01"}}
	tl.Start(Spec{ID: 1, Target: target, Capacity: tl.Capacity, ASCII: e.ASCII, Loc: time.UTC}, nil, flowT0)
	tl.Opened("polling FilterLogEvents every 5s (Live Tail denied)", nil)
	tl.Ingest(Prepare(FlowBatch{Flows: goldenFlows(), Malformed: 1}, target, tl.Capacity, e.ASCII, time.UTC), flowT0.Add(2*time.Second))
	// The diagnosis of the path batch-1 → the database over those records,
	// as the model would run it.
	n := tuitest.SmallNet()
	q, err := checks.NewQuery("eni-0b01", "10.0.33.12:5432", "tcp", 0, 0)
	if err != nil {
		panic(err)
	}
	tl.Window = checks.FlowWindow{Since: flowT0, Interval: time.Minute, Delay: 5 * time.Minute}
	win := tl.Window
	win.Now = flowT0.Add(2 * time.Second)
	d := checks.DiagnoseRecords(n, q, tl.Live.Snapshot(nil).flows(), win)
	tl.ShowDiagnosis(&d, nil)
	return tl
}

func TestGoldenTailScreen(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		for _, size := range [][2]int{{80, 20}, {120, 30}} {
			w, h := size[0], size[1]
			e := tuitest.Env(ascii, themes.ANSI16)
			tl := goldenTail(e, w, h)
			tl.move(-3)
			name := fmt.Sprintf("tail-%dx%d", w, h)
			if ascii {
				name += "-ascii"
			}
			out := tl.View()
			if got := strings.Count(out, "\n") + 1; got != h {
				t.Errorf("%s: %d lines, want %d", name, got, h)
			}
			if ascii {
				tuitest.AssertASCII(t, name, out)
			}
			tuitest.Golden(t, name, out, w)
		}
	}
}

func TestTailDrawsTheDiagnosisHook(t *testing.T) {
	e := tuitest.Env(false, themes.ANSI16)
	tl := goldenTail(e, 80, 20)
	// A short diagnosis is drawn whole.
	tl.setDiagnosis([]string{"diagnosis line one", "line two", "line three"})
	out := tuitest.StripANSI(tl.View())
	if strings.Count(out, "\n")+1 != 20 || !strings.Contains(out, "diagnosis line one\nline two\nline three\nTIME") {
		t.Fatalf("diagnosis:\n%s", out)
	}
	// A long one gets a third of the screen and says how to read the rest;
	// e shows all of it.
	long := []string{"one", "two", "three", "four", "five", "six", "seven", "eight"}
	tl.setDiagnosis(long)
	out = tuitest.StripANSI(tl.View())
	if !strings.Contains(out, "five\n→ 3 more lines: e shows the whole diagnosis\nTIME") || strings.Contains(out, "six") {
		t.Fatalf("long diagnosis:\n%s", out)
	}
	tl.Update(tuitest.KeyMsg("e"))
	out = tuitest.StripANSI(tl.View())
	if !strings.Contains(out, "diagnosis") || !strings.Contains(out, "eight") || strings.Contains(out, "TIME") {
		t.Fatalf("e shows the whole diagnosis:\n%s", out)
	}
	tl.Update(tuitest.KeyMsg("esc"))
	if tl.diagOpen {
		t.Fatal("esc closes the diagnosis")
	}
}

// TestTailKeepsTheInterfaceColumn: the column that tells which side wrote
// a record stays at 80 columns, narrowed to the interface's name.
func TestTailKeepsTheInterfaceColumn(t *testing.T) {
	for _, w := range []int{80, 100, 120} {
		layout := layoutColumns([NumColumns]int{8, 21, 21, 21, 3, 6, 4, 5, 7, 3}, w)
		kept := false
		for _, c := range layout {
			kept = kept || c.Col == tcENI
		}
		if !kept {
			t.Errorf("at %d columns the INTERFACE column is dropped: %+v", w, layout)
		}
	}
	c := &catalog.Catalog{Names: map[string]string{"eni-0f6a7b8c9d0e10012": "batch-1"}}
	if got := shortInterface("eni-0f6a7b8c9d0e10012", 10, c, "…"); got != "batch-1" {
		t.Errorf("named: %q", got)
	}
	if got := shortInterface("eni-0f6a7b8c9d0e10099", 10, c, "…"); got != "…9d0e10099" {
		t.Errorf("unnamed: %q", got)
	}
}

func TestGoldenTailAttribution(t *testing.T) {
	n := tuitest.SmallNet()
	n.Compile()
	reject := tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT")
	reject.VPCID, reject.SubnetID = "vpc-0001", "subnet-0012"
	a := checks.Attribute(n, reject)
	for _, ascii := range []bool{false, true} {
		for _, w := range []int{80, 120} {
			e := tuitest.Env(ascii, themes.ANSI16)
			c := catalog.Build(1, n, nil, ascii)
			out := strings.Join(attributionLines(e, reject, &a, nil, AttrDone, c, time.UTC, w), "\n")
			name := fmt.Sprintf("tail-attribution-%d", w)
			if ascii {
				name += "-ascii"
				tuitest.AssertASCII(t, name, out)
			}
			tuitest.Golden(t, name, out, w)
		}
	}
}

// TestWaitingLineNamesWhatTheAbsenceWillMean: while records may still be
// in flight, the line says a routing miss can be concluded only when the
// checklist finds no route there; otherwise it waits to judge the absence.
func TestWaitingLineNamesWhatTheAbsenceWillMean(t *testing.T) {
	e := tuitest.Env(false, themes.ANSI16)
	until := flowT0.Add(6 * time.Minute)
	w := checks.FlowWindow{Since: flowT0, Interval: time.Minute, Delay: 5 * time.Minute}
	for absence, want := range map[checks.Absence]string{
		checks.AbsenceRouteMiss:   "waiting: no records yet; a routing miss can only be concluded after 10:10:05",
		checks.AbsenceRouteOpen:   "waiting: no records yet; their absence can only be judged after 10:10:05",
		checks.AbsenceUnconfirmed: "waiting: no records yet; their absence can only be judged after 10:10:05",
	} {
		d := &checks.Diagnosis{WaitUntil: until, Absence: absence, Findings: []checks.FlowFinding{{Pattern: checks.PatternWaiting, Agrees: true, Summary: "no record yet"}}}
		lines, tone := diagnosisLines(e, d, nil, w, time.UTC, 200)
		if len(lines) == 0 || lines[0] != want || tone != ToneWait {
			t.Errorf("%s: %q (tone %d), want %q", absence, lines, tone, want)
		}
	}
}
