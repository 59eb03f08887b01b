package tui

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
	"github.com/reachnet/reach/tui/screens/tail"
)

// --- fakes ---

// fakeFlows is a FlowSource the test drives: each batch sent on batches is
// emitted; when batches is closed Run returns end (nil: the source was
// exhausted, as a file is).
type fakeFlows struct {
	name    string
	batches chan tail.FlowBatch
	end     error
}

func newFakeFlows(name string, batches ...tail.FlowBatch) *fakeFlows {
	s := &fakeFlows{name: name, batches: make(chan tail.FlowBatch, len(batches)+16)}
	for _, b := range batches {
		s.batches <- b
	}
	return s
}

func (s *fakeFlows) Name() string { return s.name }

func (s *fakeFlows) Run(ctx context.Context, emit func(tail.FlowBatch)) error {
	for {
		select {
		case b, ok := <-s.batches:
			if !ok {
				return s.end
			}
			emit(b)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// fakeOpener records the targets it is asked for and hands out src (or
// err).
type fakeOpener struct {
	mu      sync.Mutex
	targets []tail.FlowTarget
	src     tail.FlowSource
	err     error
}

func (o *fakeOpener) open(ctx context.Context, t tail.FlowTarget) (tail.FlowSource, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.targets = append(o.targets, t)
	return o.src, o.err
}

func (o *fakeOpener) last(t *testing.T) tail.FlowTarget {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.targets) == 0 {
		t.Fatal("the opener was not called")
	}
	return o.targets[len(o.targets)-1]
}

var flowT0 = time.Date(2026, 11, 20, 10, 4, 5, 0, time.UTC)

// tcpFlow is a record on eni-0d01 (the database's interface) unless
// changed.
func tcpFlow(src string, sport uint16, dst string, dport uint16, action string) checks.Flow {
	return checks.Flow{
		Version: 5, AccountID: "123456789012", InterfaceID: "eni-0d01",
		Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sport, DstPort: dport,
		Protocol: checks.ProtocolTCP, Packets: 3, Bytes: 180, Start: flowT0, End: flowT0.Add(59 * time.Second),
		Action: action, LogStatus: "OK", TCPFlags: 2, FlowDirection: "ingress", TrafficPath: -1,
	}
}

// batchToDBFlows are records of the path batch-1 → 10.0.33.12:5432:
// n requests, every fifth rejected, with distinct client ports.
func batchToDBFlows(n, first int) []checks.Flow {
	out := make([]checks.Flow, n)
	for i := range out {
		action := "ACCEPT"
		if (first+i)%5 == 0 {
			action = "REJECT"
		}
		out[i] = tcpFlow("10.0.16.7", uint16(32768+(first+i)%28000), "10.0.33.12", 5432, action)
		out[i].Start = flowT0.Add(time.Duration(first+i) * time.Millisecond)
	}
	return out
}

// tailModel is a model on smallNet whose checklist shows batch-1 → the
// database on 5432, with o as its flow opener.
func tailModel(t testing.TB, o *fakeOpener, opts Options) *Model {
	t.Helper()
	opts.Flows = o.open
	if opts.From == "" {
		opts.From, opts.To = "batch-1", "10.0.33.12:5432"
	}
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), opts)
	m.tail.Loc = time.UTC
	start(t, m)
	t.Cleanup(m.stopTail)
	return m
}

// openTailKey presses t and runs what it leads to up to the tail being
// open, without arming the wait for batches: tests hand batches to Update
// themselves. It returns that wait command.
func openTailKey(t testing.TB, m *Model) tea.Cmd {
	t.Helper()
	_, cmd := m.Update(tuitest.KeyMsg("t"))
	return step(t, m, cmd)
}

// step runs cmd (and the commands of a batch), feeds their messages to
// Update, and returns what Update asked for next without running it.
func step(t testing.TB, m *Model, cmd tea.Cmd) tea.Cmd {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("step: a command blocked")
	}
	switch msg := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var next []tea.Cmd
		for _, c := range msg {
			next = append(next, step(t, m, c))
		}
		return tea.Batch(next...)
	default:
		_, next := m.Update(msg)
		return next
	}
}

// batchMsg prepares flows for the open tail as its command would.
func batchMsg(m *Model, b tail.FlowBatch) tail.BatchMsg {
	s := m.tail.Spec
	return tail.BatchMsg{ID: s.ID, Prepared: tail.Prepare(b, s.Target, s.Capacity, s.ASCII, s.Loc)}
}

func feed(m *Model, flows []checks.Flow) {
	m.Update(batchMsg(m, tail.FlowBatch{Flows: flows}))
}

func shownActions(m *Model) []string {
	l := m.tail.Shown()
	out := make([]string, l.Count())
	for i := range out {
		out[i] = l.Row(i).Flow.Action
	}
	return out
}

// --- tests ---

func TestTailOpensFromChecklistWithThePathsEnds(t *testing.T) {
	o := &fakeOpener{src: newFakeFlows("Live Tail")}
	m := tailModel(t, o, Options{})
	if m.top() != m.checklist || m.checklist.Report == nil {
		t.Fatal("the model should show the path's checklist")
	}
	openTailKey(t, m)
	if m.top() != m.tail || !m.tail.Running() || m.tail.State != tail.StateLive {
		t.Fatalf("t opens a live tail; top %s state %d", m.top().Title(), m.tail.State)
	}
	got := o.last(t)
	want := tail.FlowTarget{
		Label: "batch-1 → 10.0.33.12:5432/tcp", ENIs: []string{"eni-0b01", "eni-0d01"},
		Subnets: []string{"subnet-0011", "subnet-0012"}, VPCs: []string{"vpc-0001"},
		From: []netip.Addr{netip.MustParseAddr("10.0.16.7")}, To: []netip.Addr{netip.MustParseAddr("10.0.33.12")},
		Protocol: checks.ProtocolTCP, Port: 5432,
	}
	if got.Network != m.net || got.Query == nil || got.Query.From.Raw != "eni-0b01" || got.Query.Port != 5432 {
		t.Fatalf("the target carries the network (%p, want %p) and the path's query %+v", got.Network, m.net, got.Query)
	}
	got.Network, got.Query = nil, nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("target\n got %+v\nwant %+v", got, want)
	}
	s := screenText(m)
	for _, w := range []string{"Live Tail · batch-1 → 10.0.33.12:5432/tcp", "LIVE", "waiting for flow records"} {
		if !strings.Contains(s, w) {
			t.Errorf("tail lacks %q:\n%s", w, s)
		}
	}
}

func TestTailFromBrowserAndDetail(t *testing.T) {
	o := &fakeOpener{src: newFakeFlows("demo")}
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{Flows: o.open})
	start(t, m)
	t.Cleanup(m.stopTail)
	press(t, m, "/")
	typeText(t, m, "batch")
	press(t, m, "enter")
	openTailKey(t, m)
	got := o.last(t)
	if m.top() != m.tail || got.ENI != "eni-0b01" || got.Label != "batch-1 (eni-0b01)" ||
		fmt.Sprint(got.From) != "[10.0.16.7]" || got.Protocol != checks.ProtocolAll || got.Port != 0 {
		t.Fatalf("t on an ENI: top %s target %+v", m.top().Title(), got)
	}
	press(t, m, "esc")
	if m.tail.Running() || m.top() != m.browser {
		t.Fatal("esc closes the tail and returns to the browser")
	}
	press(t, m, "enter")
	if m.top() != m.detail {
		t.Fatal("enter opens the detail")
	}
	openTailKey(t, m)
	if got := o.last(t); m.top() != m.tail || got.ENI != "eni-0b01" {
		t.Fatalf("t in the detail: top %s target %+v", m.top().Title(), got)
	}
}

func TestTailWithoutFlowLogsSaysSo(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(t, m)
	press(t, m, "t")
	if m.top() != m.checklist || !strings.Contains(m.status, "no flow logs with this source") {
		t.Fatalf("t without an opener: top %s status %q", m.top().Title(), m.status)
	}
}

func TestTailOpenerError(t *testing.T) {
	o := &fakeOpener{err: errors.New("no flow log publishes records of eni-0b01 or eni-0d01 (create one: aws ec2 create-flow-logs ...)")}
	m := tailModel(t, o, Options{})
	openTailKey(t, m)
	s := screenText(m)
	if m.tail.State != tail.StateFailed || !strings.Contains(s, "FAILED") || !strings.Contains(s, "no flow log publishes records of eni-0b01") {
		t.Fatalf("opener error:\n%s", s)
	}
}

func TestTailRingIsBounded(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	// Three batches of 4,000: the ring keeps the newest 10,000.
	for i := range 3 {
		feed(m, batchToDBFlows(4000, i*4000))
	}
	tl := m.tail
	if tl.Live.Size() != tail.Capacity || tl.Total != 12000 || tl.Dropped() != 2000 {
		t.Fatalf("ring %d, total %d, dropped %d", tl.Live.Size(), tl.Total, tl.Dropped())
	}
	if tl.Accept != 9600 || tl.Reject != 2400 {
		t.Fatalf("accept %d reject %d", tl.Accept, tl.Reject)
	}
	if first := tl.Live.Row(0).Flow; first.SrcPort != 32768+2000 {
		t.Fatalf("oldest kept record has client port %d, want the 2,001st", first.SrcPort)
	}
	if tl.Cursor != tl.Live.Count()-1 || !tl.Follow {
		t.Fatalf("the cursor follows the newest record: %d of %d", tl.Cursor, tl.Live.Count())
	}
	// One batch larger than the ring: only its newest records are kept
	// (and formatted); the rest count as dropped.
	feed(m, batchToDBFlows(12000, 12000))
	if tl.Live.Size() != tail.Capacity || tl.Dropped() != 2000+12000 || tl.Cut != 2000 {
		t.Fatalf("after an oversized batch: ring %d dropped %d cut %d", tl.Live.Size(), tl.Dropped(), tl.Cut)
	}
	if last := tl.Live.Row(tl.Live.Count() - 1).Flow; last.Start != flowT0.Add(23999*time.Millisecond) {
		t.Fatalf("newest record is from %s", last.Start)
	}
	if s := screenText(m); !strings.Contains(s, "dropped 14,000") || !strings.Contains(s, "accept 19,200") {
		t.Errorf("counters:\n%s", s)
	}
}

func TestTailKeepsOnlyTheTargetsRecords(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	reply := tcpFlow("10.0.33.12", 5432, "10.0.16.7", 40001, "ACCEPT")
	otherPort := tcpFlow("10.0.16.7", 40001, "10.0.33.12", 22, "REJECT")
	otherHost := tcpFlow("10.0.16.45", 40001, "10.0.33.12", 5432, "ACCEPT")
	udp := tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "ACCEPT")
	udp.Protocol = checks.ProtocolUDP
	nodata := checks.Flow{InterfaceID: "eni-0d01", LogStatus: "NODATA", TCPFlags: -1}
	elsewhere := checks.Flow{InterfaceID: "eni-0a01", LogStatus: "NODATA", TCPFlags: -1}
	feed(m, []checks.Flow{tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT"), reply, otherPort, otherHost, udp, nodata, elsewhere})
	if got := strings.Join(shownActions(m), ","); got != "REJECT,ACCEPT," || m.tail.Other != 4 {
		t.Fatalf("kept %q, other %d", got, m.tail.Other)
	}
	if s := screenText(m); !strings.Contains(s, "other traffic 4") || !strings.Contains(s, "NODATA") {
		t.Errorf("screen:\n%s", s)
	}
}

func TestTailPauseAndResume(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	feed(m, batchToDBFlows(30, 0))
	space := tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	m.Update(space)
	if m.tail.Frozen == nil || !strings.Contains(screenText(m), "PAUSED") {
		t.Fatal("space pauses")
	}
	before := screenText(m)
	// Records keep arriving while paused: counted, kept in the ring, not
	// drawn.
	feed(m, batchToDBFlows(20, 30))
	if m.tail.Shown().Count() != 30 || m.tail.Live.Count() != 50 || m.tail.Total != 50 {
		t.Fatalf("paused: shown %d, ring %d, total %d", m.tail.Shown().Count(), m.tail.Live.Count(), m.tail.Total)
	}
	rows := func(s string) string { return s[strings.Index(s, "TIME"):strings.LastIndex(s, "\n")] }
	if after := screenText(m); rows(after) != rows(before) {
		t.Errorf("rows moved while paused:\n%s\n---\n%s", before, after)
	}
	// Scrolling works on the paused copy and does not resume.
	press(t, m, "up", "up", "G")
	if m.tail.Frozen == nil || m.tail.Follow {
		t.Fatal("moving while paused stays paused")
	}
	m.Update(space)
	if m.tail.Frozen != nil || !m.tail.Follow || m.tail.Cursor != 49 {
		t.Fatalf("space resumes at the newest record: cursor %d follow %v", m.tail.Cursor, m.tail.Follow)
	}
	if s := screenText(m); !strings.Contains(s, "LIVE") || !strings.Contains(s, "10.0.16.7:32817") {
		t.Errorf("after resume:\n%s", s)
	}
}

func TestTailCursorStaysOnItsRecord(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	feed(m, batchToDBFlows(100, 0))
	press(t, m, "up", "up", "up")
	want := m.tail.Shown().Row(m.tail.Cursor).Flow.SrcPort
	feed(m, batchToDBFlows(50, 100))
	if got := m.tail.Shown().Row(m.tail.Cursor).Flow.SrcPort; got != want || m.tail.Follow {
		t.Fatalf("the cursor moved off its record: %d, want %d", got, want)
	}
	press(t, m, "G")
	if !m.tail.Follow || m.tail.Cursor != 149 {
		t.Fatal("G follows the newest record again")
	}
}

func TestTailFilter(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	flows := batchToDBFlows(10, 0)
	flows[3] = tcpFlow("10.0.33.12", 5432, "10.0.16.7", 443, "ACCEPT")
	feed(m, flows)
	press(t, m, "/")
	if !m.top().Capturing() {
		t.Fatal("/ opens the filter")
	}
	typeText(t, m, "reject")
	if got := strings.Join(shownActions(m), ","); got != "REJECT,REJECT" {
		t.Fatalf("reject: %s", got)
	}
	press(t, m, "enter")
	if m.top().Capturing() || !strings.Contains(screenText(m), "shown 2/10") {
		t.Fatalf("enter keeps the filter:\n%s", screenText(m))
	}
	// The filter applies to batches that land later.
	feed(m, batchToDBFlows(5, 10))
	if m.tail.Shown().Count() != 3 {
		t.Fatalf("new rejects are shown: %d", m.tail.Shown().Count())
	}
	// A term that does not parse keeps the last filter and says why.
	press(t, m, "/")
	typeText(t, m, " prot:1")
	if m.tail.Shown().Count() != 3 || !strings.Contains(screenText(m), `"prot:1" is not a filter term`) {
		t.Fatalf("bad term:\n%s", screenText(m))
	}
	press(t, m, "esc")
	if m.tail.FilterText != "" || m.tail.Shown().Count() != 15 {
		t.Fatal("esc clears the filter")
	}
	press(t, m, "/")
	typeText(t, m, "port:443 -reject")
	press(t, m, "enter")
	if m.tail.Shown().Count() != 1 || m.tail.Shown().Row(0).Flow.DstPort != 443 {
		t.Fatalf("port:443 -reject: %d rows", m.tail.Shown().Count())
	}
	press(t, m, "esc")
	if m.top() != m.tail || m.tail.FilterText != "" {
		t.Fatal("esc with a filter clears it first")
	}
}

func TestTailStaleBatchesAreDropped(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	old := batchMsg(m, tail.FlowBatch{Flows: batchToDBFlows(7, 0)})
	oldTick := tail.TickMsg{ID: m.tail.Spec.ID}
	press(t, m, "esc")
	if m.tail.Running() || m.top() != m.checklist {
		t.Fatal("esc closes the tail")
	}
	m.Update(old)
	if m.tail.Live.Size() != 0 {
		t.Fatal("a batch of a closed tail was kept")
	}
	openTailKey(t, m)
	if m.tail.Spec.ID == old.ID {
		t.Fatal("a new tail gets a new ID")
	}
	m.Update(old)
	_, cmd := m.Update(oldTick)
	if m.tail.Live.Size() != 0 || m.tail.Total != 0 || cmd != nil {
		t.Fatal("messages of the previous tail reached the new one")
	}
	feed(m, batchToDBFlows(3, 0))
	if m.tail.Live.Size() != 3 {
		t.Fatal("the open tail takes its own batches")
	}
	// Leaving by another route (c: back to the checklist) closes it too.
	press(t, m, "c")
	if m.tail.Running() {
		t.Fatal("c left the tail running")
	}
}

func TestTailEnterShowsAttribution(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	feed(m, []checks.Flow{
		tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT"),
		tcpFlow("10.0.16.7", 40002, "10.0.33.12", 5432, "ACCEPT"),
	})
	press(t, m, "up", "enter")
	tl := m.tail
	if !tl.AttrOpen || tl.Attr == nil {
		t.Fatalf("enter attributes the record: open %v attr %v err %v", tl.AttrOpen, tl.Attr, tl.AttrErr)
	}
	a := tl.Attr
	if a.Verdict != checks.Unreachable || a.Direction != checks.Forward || a.Layer != checks.LayerSecurityGroup ||
		a.Component != "sg-0rds" || !a.Agrees || a.Fix == "" {
		t.Fatalf("attribution %+v", a)
	}
	s := screenText(m)
	for _, w := range []string{"REJECT  10.0.16.7:40001 → 10.0.33.12:5432 tcp", "UNREACHABLE", "this record is the request",
		"the record agrees with the configuration", "decided by security-group rds-payments (sg-0rds)", "fix: aws ec2 authorize-security-group-ingress"} {
		if !strings.Contains(s, w) {
			t.Errorf("attribution lacks %q:\n%s", w, s)
		}
	}
	_, cmd := m.Update(tuitest.KeyMsg("y"))
	if cmd == nil || !strings.Contains(m.status, "copied the fix") {
		t.Fatalf("y copies the fix: %q", m.status)
	}
	// An ACCEPT where the exchange fails further on still agrees: the
	// record speaks of one interface.
	press(t, m, "esc")
	if tl.AttrOpen || m.top() != m.tail {
		t.Fatal("esc closes the attribution, not the tail")
	}
	press(t, m, "down", "enter")
	if tl.Attr == nil || !tl.Attr.Agrees || tl.Attr.Verdict != checks.Unreachable || !strings.Contains(tl.Attr.Detail, "accepted at this interface") {
		t.Fatalf("accepted record: %+v", tl.Attr)
	}
	// A stale result (an earlier enter) does not replace the newer one.
	stale := tail.AttrMsg{ID: tl.Spec.ID, Run: tl.AttrRun - 1, Attr: checks.Attribution{Verdict: checks.Reachable}}
	m.Update(stale)
	if tl.Attr.Verdict != checks.Unreachable {
		t.Fatal("a stale attribution replaced the current one")
	}
}

func TestTailThroughCommands(t *testing.T) {
	// The real path: the opener, the source's goroutine, the feed and the
	// re-armed wait, until a finite source (a file) ends.
	src := newFakeFlows("file flows.log",
		tail.FlowBatch{Flows: batchToDBFlows(3, 0), Malformed: 2},
		tail.FlowBatch{Flows: batchToDBFlows(2, 3), Source: "file flows.log (rotated)", Note: "reopened flows.log"},
	)
	close(src.batches)
	m := tailModel(t, &fakeOpener{src: src}, Options{})
	press(t, m, "t")
	tl := m.tail
	if tl.Total != 5 || tl.Malformed != 2 || tl.State != tail.StateEnded || tl.Name != "file flows.log (rotated)" {
		t.Fatalf("total %d malformed %d state %d name %q", tl.Total, tl.Malformed, tl.State, tl.Name)
	}
	s := screenText(m)
	for _, w := range []string{"ENDED", "malformed 2", "file flows.log (rotated)"} {
		if !strings.Contains(s, w) {
			t.Errorf("screen lacks %q:\n%s", w, s)
		}
	}
	// A source that fails says why.
	bad := newFakeFlows("Live Tail")
	bad.end = errors.New("AccessDeniedException: not authorized to perform logs:StartLiveTail")
	close(bad.batches)
	m2 := tailModel(t, &fakeOpener{src: bad}, Options{})
	press(t, m2, "t")
	if m2.tail.State != tail.StateFailed || !strings.Contains(screenText(m2), "logs:StartLiveTail") {
		t.Fatalf("failing source:\n%s", screenText(m2))
	}
}

func TestTailRateFollowsTheClock(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	now := flowT0
	m.env.Now = func() time.Time { return now }
	openTailKey(t, m)
	for range 10 {
		now = now.Add(200 * time.Millisecond)
		feed(m, batchToDBFlows(400, 0))
	}
	if r := m.tail.Rate; r < 1999 || r > 2001 {
		t.Fatalf("rate %.1f, want 2,000/s", r)
	}
	now = now.Add(10 * time.Second)
	m.Update(tail.TickMsg{ID: m.tail.Spec.ID})
	if m.tail.Rate != 0 || !strings.Contains(screenText(m), "0 rec/s") {
		t.Fatalf("a quiet source shows 0 rec/s: %.1f", m.tail.Rate)
	}
}

func TestTailHelpAndSizes(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	openTailKey(t, m)
	feed(m, batchToDBFlows(200, 0))
	press(t, m, "?")
	s := screenText(m)
	for _, g := range m.tail.FullHelp() {
		for _, b := range g {
			if !strings.Contains(s, b.Help().Desc) {
				t.Errorf("tail help lacks %q", b.Help().Desc)
			}
		}
	}
	press(t, m, "esc")
	for _, b := range []string{m.env.Keys.Tail.Open.Help().Desc} {
		for _, scr := range []screen.Screen{m.browser, m.detail, m.checklist} {
			found := false
			for _, g := range scr.FullHelp() {
				for _, k := range g {
					found = found || k.Help().Desc == b
				}
			}
			if !found {
				t.Errorf("%s help lacks %q", scr.Title(), b)
			}
		}
	}
	check := func(what string) {
		for _, size := range [][2]int{{80, 24}, {100, 30}, {132, 43}, {200, 60}, {60, 20}, {40, 10}} {
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			lines := strings.Split(m.render(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%s at %dx%d: %d lines", what, size[0], size[1], len(lines))
			}
			for j, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%s at %dx%d: line %d is %d wide: %q", what, size[0], size[1], j, w, tuitest.StripANSI(l))
				}
			}
		}
	}
	check("tail")
	press(t, m, "/")
	typeText(t, m, "reject")
	check("tail filtering")
	press(t, m, "enter", "enter")
	check("attribution")
}

func TestTailASCIIAndNoColor(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{ASCII: true, NoColor: true})
	openTailKey(t, m)
	feed(m, []checks.Flow{tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT"), tcpFlow("10.0.16.7", 40002, "10.0.33.12", 5432, "ACCEPT")})
	frame := m.render()
	tuitest.AssertASCII(t, "tail", frame)
	// Without colour a REJECT is bold, an ACCEPT is not.
	if !strings.Contains(frame, "\x1b[1mREJECT") || strings.Contains(frame, "\x1b[1mACCEPT") {
		t.Errorf("NO_COLOR: REJECT should be bold, ACCEPT plain: %q", frame)
	}
	press(t, m, "enter")
	tuitest.AssertASCII(t, "attribution", m.render())
}

func TestTailRecordThatContradictsTheConfiguration(t *testing.T) {
	// From the database's interface in the browser: app-1 may reach it on
	// 5432, yet this record says REJECT.
	o := &fakeOpener{src: newFakeFlows("Live Tail")}
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{Flows: o.open})
	m.tail.Loc = time.UTC
	start(t, m)
	t.Cleanup(m.stopTail)
	press(t, m, "/")
	typeText(t, m, "RDSNetwork")
	press(t, m, "enter")
	openTailKey(t, m)
	if o.last(t).ENI != "eni-0d01" {
		t.Fatalf("target %+v", o.last(t))
	}
	feed(m, []checks.Flow{tcpFlow("10.0.16.45", 40001, "10.0.33.12", 5432, "REJECT")})
	press(t, m, "enter")
	a := m.tail.Attr
	if a == nil || a.Agrees || a.Verdict != checks.Reachable {
		t.Fatalf("attribution %+v", a)
	}
	s := screenText(m)
	for _, w := range []string{"REACHABLE", "the record contradicts the configuration", "yet it was rejected"} {
		if !strings.Contains(s, w) {
			t.Errorf("lacks %q:\n%s", w, s)
		}
	}
}

func TestTailReattributesOnANewerNetwork(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(t, m)
	feed(m, []checks.Flow{tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT")})
	press(t, m, "enter")
	if a := m.tail.Attr; a == nil || a.Verdict != checks.Unreachable || !a.Agrees {
		t.Fatalf("first attribution %+v", a)
	}
	// Someone adds the missing rule; watch mode loads the new network.
	n := tuitest.SmallNet()
	n.SecurityGroups["sg-0rds"].Inbound = append(n.SecurityGroups["sg-0rds"].Inbound, tuitest.TCPFromGroup(5432, "sg-0batch"))
	n.Compile()
	_, cmd := m.Update(loadUpdateMsg{id: m.loadID, u: Update{Network: n, Done: true}})
	if a := m.tail.Attr; a == nil || a.Verdict != checks.Unreachable || m.tail.AttrState != tail.AttrDone {
		t.Fatal("the previous attribution stays on screen until the new one lands")
	}
	drain(t, m, cmd)
	a := m.tail.Attr
	if a == nil || a.Verdict != checks.Reachable || a.Agrees {
		t.Fatalf("after the fix the REJECT contradicts the configuration: %+v", a)
	}
	if !strings.Contains(screenText(m), "the record contradicts the configuration") {
		t.Errorf("screen:\n%s", screenText(m))
	}
}

func TestFlowTailInTheProgram(t *testing.T) {
	// The real program at 80x24 in 16 colours: t on the checklist opens
	// the tail, the source's batch lands, and the REJECT is drawn in red.
	src := newFakeFlows("Live Tail", tail.FlowBatch{Flows: []checks.Flow{
		tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT"),
		tcpFlow("10.0.16.7", 40002, "10.0.33.12", 5432, "ACCEPT"),
	}})
	o := &fakeOpener{src: src}
	tm := startFlow(t, Options{From: "batch-1", To: "10.0.33.12:5432", Flows: o.open}, 80, 24)
	var out []byte
	collect := func(want string) func([]byte) bool {
		return func(b []byte) bool {
			out = append(out, b...)
			return strings.Contains(string(out), want)
		}
	}
	waitFor(t, tm, "verdict", collect("UNREACHABLE"))
	send(tm, "t")
	red := regexp.MustCompile(`\x1b\[(?:[0-9]+;)*31(?:;[0-9]+)*m[^\x1b]*REJECT`)
	waitFor(t, tm, "reject", func(b []byte) bool {
		out = append(out, b...)
		return red.Match(out) && strings.Contains(string(out), "LIVE")
	})
	// q asks while the tail runs; y confirms.
	send(tm, "q")
	send(tm, "y")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if fm.tail.Total != 2 || fm.tail.Reject != 1 || fm.tail.Running() {
		t.Fatalf("final tail: total %d reject %d running %v", fm.tail.Total, fm.tail.Reject, fm.tail.Running())
	}
}

// --- the diagnosis of a path's tail ---

// diagnoseNow runs the open tail's diagnosis as its command would and
// hands the result to Update (feed drops the commands a batch asks for).
func diagnoseNow(t testing.TB, m *Model) {
	t.Helper()
	m.tail.DiagBusy = false
	cmd := m.diagnoseTail()
	if cmd == nil {
		t.Fatal("no diagnosis for this tail")
	}
	m.Update(cmd())
}

// windowedFlows is a fake source that says when its records arrive.
type windowedFlows struct {
	*fakeFlows
	w checks.FlowWindow
}

func (s windowedFlows) FlowWindow() checks.FlowWindow { return s.w }

// diagnosisText is the diagnosis as one line: the wrapped lines joined.
func diagnosisText(tl *tail.Model) string {
	var parts []string
	for _, l := range tl.Diagnosis {
		parts = append(parts, strings.TrimSpace(l))
	}
	return strings.Join(parts, " ")
}

// synFlow is one record of a connection that never opens: a few SYN
// (request) or SYN-ACK (reply) retransmits, 60 bytes each.
func synFlow(eni, dir, src string, sport uint16, dst string, dport uint16, action string) checks.Flow {
	f := tcpFlow(src, sport, dst, dport, action)
	f.InterfaceID, f.FlowDirection, f.Packets, f.Bytes = eni, dir, 3, 180
	if dir == "egress" && sport < dport || dir == "ingress" && sport < dport {
		f.TCPFlags = 18 // a reply: SYN-ACK
	}
	return f
}

// TestTailDiagnosesARejectedRequest: batch-1's SYNs leave its interface
// (ACCEPT) and the database's interface rejects them. The records land
// through the real commands (the source, the feed, the wait, the
// diagnosis), and the tail names the security group above the records.
func TestTailDiagnosesARejectedRequest(t *testing.T) {
	var flows []checks.Flow
	for i := range uint16(3) {
		flows = append(flows,
			synFlow("eni-0b01", "egress", "10.0.16.7", 40001+i, "10.0.33.12", 5432, "ACCEPT"),
			synFlow("eni-0d01", "ingress", "10.0.16.7", 40001+i, "10.0.33.12", 5432, "REJECT"))
	}
	src := newFakeFlows("Live Tail", tail.FlowBatch{Flows: flows})
	close(src.batches)
	m := tailModel(t, &fakeOpener{src: windowedFlows{src, checks.FlowWindow{Since: flowT0, Interval: time.Minute, Delay: 5 * time.Minute}}}, Options{})
	press(t, m, "t")
	tl := m.tail
	if tl.Total != 6 || tl.Diag == nil {
		t.Fatalf("total %d, diagnosis %+v", tl.Total, tl.Diag)
	}
	want := "diagnosis: 3 requests from the path's own source batch-1 (10.0.16.7) rejected at eni-0d01: security group sg-0rds has no rule that admits them (a missing security group rule)"
	if got := "diagnosis: " + tl.Diag.Summary; got != want {
		t.Fatalf("diagnosis\n got %q\nwant %q", got, want)
	}
	if tl.Diag.Findings[0].Pattern != checks.PatternRejectedRequest || tl.DiagTone != tail.ToneWarn {
		t.Errorf("finding %+v, tone %d", tl.Diag.Findings[0], tl.DiagTone)
	}
	// At 80 columns the whole sentence is drawn, wrapped, with the start
	// of the fix, above the column titles; nothing of the sentence is cut.
	s := screenText(m)
	if !strings.Contains(s, "diagnosis: 3 requests from the path's own source batch-1 (10.0.16.7) rejected\n  at eni-0d01: security group sg-0rds has no rule that admits them (a missing\n  security group rule)\nfix: aws ec2 authorize-security-group-ingress") {
		t.Errorf("screen:\n%s", s)
	}
	// Wide enough for the sentence: the sentence, the fix, the counts.
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 30})
	if len(tl.Diagnosis) != 3 || tl.Diagnosis[0] != want || !strings.HasPrefix(tl.Diagnosis[1], "fix: aws ec2 authorize-security-group-ingress --group-id sg-0rds") ||
		!strings.HasPrefix(tl.Diagnosis[2], "requests: 3 accepted, 3 rejected") {
		t.Errorf("at 200 columns: %q", tl.Diagnosis)
	}
}

// TestTailDiagnosesARejectedReply: app-1 may reach the database, whose
// subnet's network ACL lets replies out to 49152-65535 only; a Linux
// client's ports are below. The requests are accepted at both ends, the
// SYN-ACKs rejected on their way out of the database's interface.
func TestTailDiagnosesARejectedReply(t *testing.T) {
	n := tuitest.SmallNet()
	n.NetworkACLs["acl-0data"] = &checks.NetworkACL{ID: "acl-0data", Name: "prod-data", VPCID: "vpc-0001", SubnetIDs: []string{"subnet-0012"},
		Inbound:  []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0")}},
		Outbound: []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolTCP, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Ports: checks.PortRange{From: 49152, To: 65535}}}}
	var flows []checks.Flow
	for i := range uint16(3) {
		port := 40001 + i
		flows = append(flows,
			synFlow("eni-0a01", "egress", "10.0.16.45", port, "10.0.33.12", 5432, "ACCEPT"),
			synFlow("eni-0d01", "ingress", "10.0.16.45", port, "10.0.33.12", 5432, "ACCEPT"),
			synFlow("eni-0d01", "egress", "10.0.33.12", 5432, "10.0.16.45", port, "REJECT"))
	}
	src := newFakeFlows("Live Tail", tail.FlowBatch{Flows: flows})
	close(src.batches)
	o := &fakeOpener{src: windowedFlows{src, checks.FlowWindow{Since: flowT0, Interval: time.Minute, Delay: 5 * time.Minute}}}
	m := newTestModel(t, Static("demo", n, nil), Options{Flows: o.open, From: "app-1", To: "10.0.33.12:5432"})
	start(t, m)
	t.Cleanup(m.stopTail)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	press(t, m, "t")
	tl := m.tail
	if tl.Total != 9 || tl.Diag == nil {
		t.Fatalf("total %d, diagnosis %+v", tl.Total, tl.Diag)
	}
	f := tl.Diag.Findings[0]
	if f.Pattern != checks.PatternRejectedReply || f.Component != "acl-0data" || !f.Agrees {
		t.Fatalf("finding %+v", f)
	}
	want := "diagnosis: 3 requests accepted, but 3 replies to ephemeral ports (40001, 40002, 40003) rejected at eni-0d01: network ACL acl-0data does not admit the return traffic"
	if got := diagnosisText(tl); !strings.HasPrefix(got, want) {
		t.Fatalf("diagnosis\n got %q\nwant %q…", got, want)
	}
	s := screenText(m)
	if !strings.Contains(s, "\ndiagnosis: 3 requests accepted, but 3 replies to ephemeral ports (40001, 40002, 40003) rejected at eni-0d01: network\n"+
		"  ACL acl-0data does not admit the return traffic (#100 allow tcp 49152-65535 0.0.0.0/0; * implicit deny)\n") {
		t.Errorf("screen:\n%s", s)
	}
}

// TestTailDiagnosisWaitsThenConcludes: with no record yet the tail says
// until when the absence cannot be judged (the source's aggregation
// interval and delivery delay after the tail opened); once that time has
// passed, a tick runs the diagnosis again and it concludes; as the path's
// route is open and its security group closed, the conclusion is the
// disagreement, never a routing miss.
func TestTailDiagnosisWaitsThenConcludes(t *testing.T) {
	src := newFakeFlows("Live Tail")
	o := &fakeOpener{src: windowedFlows{src, checks.FlowWindow{Since: flowT0, Interval: time.Minute, Delay: 5 * time.Minute}}}
	m := tailModel(t, o, Options{})
	now := flowT0.Add(time.Minute)
	m.env.Now = func() time.Time { return now }
	openTailKey(t, m)
	diagnoseNow(t, m)
	tl := m.tail
	// The route is open: the wait is to judge the absence, never for a
	// routing miss.
	want := "waiting: no records yet; their absence can only be judged after 10:10:05 flow logs deliver records up to 6m after the traffic (aggregation interval 1m, delivery delay 5m)"
	if got := diagnosisText(tl); got != want || tl.DiagTone != tail.ToneWait {
		t.Fatalf("waiting\n got %q\nwant %q (tone %d)", got, want, tl.DiagTone)
	}
	if s := screenText(m); !strings.Contains(s, "waiting: no records yet; their absence can only be judged after 10:10:05\n") {
		t.Errorf("screen:\n%s", s)
	}
	// A tick before the time changes nothing; one after it concludes.
	if _, cmd := m.Update(tail.TickMsg{ID: tl.Spec.ID}); cmd != nil {
		drain(t, m, cmd)
	}
	if !strings.HasPrefix(diagnosisText(tl), "waiting:") {
		t.Fatalf("concluded too early: %q", diagnosisText(tl))
	}
	now = flowT0.Add(6*time.Minute + time.Second)
	_, cmd := m.Update(tail.TickMsg{ID: tl.Spec.ID})
	drain(t, m, cmd)
	if got := diagnosisText(tl); !strings.HasPrefix(got, "diagnosis: no records reach eni-0d01 since 10:04:05Z, but the checklist finds the route open: check the flow log's delivery and filter") {
		t.Fatalf("after the wait: %q", got)
	}
	if tl.Diag.Findings[0].Pattern != checks.PatternNoRecords {
		t.Errorf("finding %+v", tl.Diag.Findings[0])
	}
}

// TestTailOfAnInterfaceHasNoDiagnosis: a diagnosis is of a path.
func TestTailOfAnInterfaceHasNoDiagnosis(t *testing.T) {
	src := newFakeFlows("Live Tail", tail.FlowBatch{Flows: []checks.Flow{tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT")}})
	close(src.batches)
	o := &fakeOpener{src: src}
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{Flows: o.open})
	start(t, m)
	t.Cleanup(m.stopTail)
	press(t, m, "/")
	typeText(t, m, "RDSNetwork")
	press(t, m, "enter", "t")
	tl := m.tail
	if got := o.last(t); got.ENI != "eni-0d01" || got.Query != nil || got.Network != m.net {
		t.Fatalf("target %+v", got)
	}
	if tl.Total != 1 || tl.Diag != nil || len(tl.Diagnosis) != 0 || m.diagnoseTail() != nil {
		t.Fatalf("total %d, diagnosis %q", tl.Total, tl.Diagnosis)
	}
	if s := screenText(m); strings.Contains(s, "diagnosis") || strings.Contains(s, "waiting:") {
		t.Errorf("screen:\n%s", s)
	}
}

// TestSeveralAccountsSaysWhatItLacks: across accounts the terminal has no
// flow logs, analyzer or history; each key says so, not "a live account".
func TestSeveralAccountsSaysWhatItLacks(t *testing.T) {
	m := newTestModel(t, Static("live accounts", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432", SeveralAccounts: true})
	start(t, m)
	press(t, m, "t")
	if !strings.Contains(m.status, "across accounts and Regions") {
		t.Errorf("t: status %q", m.status)
	}
	press(t, m, "A")
	if !strings.Contains(m.status, "across accounts and Regions") {
		t.Errorf("A: status %q", m.status)
	}
	m.openHistory(screen.OpenHistory{})
	if !strings.Contains(m.status, "across accounts and Regions") {
		t.Errorf("the history: status %q", m.status)
	}
}
