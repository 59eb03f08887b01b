package tui

import (
	"context"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/columns"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
	"github.com/reachnet/reach/tui/screens/browser"
	"github.com/reachnet/reach/tui/screens/checklist"
	"github.com/reachnet/reach/tui/screens/picker"
)

func rowStatuses(m *Model) map[string]screen.RowStatus {
	out := map[string]screen.RowStatus{}
	for _, r := range m.checklist.Rows {
		out[r.Name] = r.Status
	}
	return out
}

func TestBrowserFilterAndDetail(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	if got := len(m.browser.Visible); got != 4 {
		t.Fatalf("rows = %d, want 4", got)
	}
	press(t, m, "/")
	if !m.browser.Typing || !m.top().Capturing() {
		t.Fatal("/ should open the filter and capture keys")
	}
	typeText(t, m, "batch")
	if got := len(m.browser.Visible); got != 1 || m.browser.SelectedID() != "eni-0b01" {
		t.Fatalf("filter batch: %d rows, selected %q", got, m.browser.SelectedID())
	}
	// q is text while filtering, not quit.
	typeText(t, m, "q")
	if m.quitting || m.browser.Filter != "batchq" {
		t.Fatalf("q while filtering: quitting=%v filter=%q", m.quitting, m.browser.Filter)
	}
	press(t, m, "backspace", "enter")
	if m.browser.Typing || m.browser.Filter != "batch" {
		t.Fatalf("enter keeps the filter: typing=%v filter=%q", m.browser.Typing, m.browser.Filter)
	}
	// Filtering searches every column, hidden ones too: a security group
	// name and an address.
	press(t, m, "/")
	typeText(t, m, "rds-payments")
	if m.browser.SelectedID() != "eni-0d01" || len(m.browser.Visible) != 1 {
		t.Fatalf("filter by group name: selected %q of %d", m.browser.SelectedID(), len(m.browser.Visible))
	}
	press(t, m, "enter", "enter")
	if m.top() != m.detail || m.detail.ID != "eni-0d01" {
		t.Fatalf("enter opens the detail; top is %s", m.top().Title())
	}
	if s := screenText(m); !strings.Contains(s, "tcp 5432 from app (sg-0app)") {
		t.Errorf("detail lacks the group's rule:\n%s", s)
	}
	press(t, m, "esc")
	if m.top() != m.browser {
		t.Fatal("esc returns to the browser")
	}
	press(t, m, "esc")
	if m.browser.Filter != "" || len(m.browser.Visible) != 4 {
		t.Fatal("esc in the browser clears the filter")
	}
}

func TestPickWithKeysAndCheck(t *testing.T) {
	dir := t.TempDir()
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{StateDir: dir})
	start(t, m)
	press(t, m, "/")
	typeText(t, m, "batch")
	press(t, m, "enter", "s")
	if m.draft.From != "eni-0b01" {
		t.Fatalf("s sets the source: %+v", m.draft)
	}
	press(t, m, "/")
	typeText(t, m, "10.0.33.12")
	press(t, m, "enter", "d")
	if m.top() != m.picker || m.picker.Focus != picker.FieldPort {
		t.Fatalf("d with a source opens the picker on the port; top %s focus %d", m.top().Title(), m.picker.Focus)
	}
	typeText(t, m, "5432")
	press(t, m, "enter")
	if m.top() != m.checklist {
		t.Fatalf("enter checks the path; top is %s (picker error %q)", m.top().Title(), m.picker.Err)
	}
	st := rowStatuses(m)
	want := map[string]screen.RowStatus{"route": "pass", "nacl": "pass", "security-group": "fail"}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("layer %s = %s, want %s", k, st[k], v)
		}
	}
	if m.checklist.Rows[m.checklist.Cursor].Name != checks.LayerSecurityGroup {
		t.Errorf("the cursor should start on the failing layer, is on %s", m.checklist.Rows[m.checklist.Cursor].Name)
	}
	s := screenText(m)
	for _, w := range []string{"UNREACHABLE", "no inbound rule matches", "authorize-security-group-ingress"} {
		if !strings.Contains(s, w) {
			t.Errorf("checklist lacks %q:\n%s", w, s)
		}
	}
	// y copies the fix with OSC 52.
	_, cmd := m.Update(tuitest.KeyMsg("y"))
	if cmd == nil || !strings.Contains(m.status, "copied") {
		t.Fatalf("y: status %q", m.status)
	}
	// The path is remembered across runs.
	b, err := os.ReadFile(filepath.Join(dir, "recent.json"))
	if err != nil || !strings.Contains(string(b), `"from": "eni-0b01"`) {
		t.Fatalf("recent.json: %v\n%s", err, b)
	}
	m2 := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{StateDir: dir})
	if len(m2.recents) != 1 || m2.recents[0].Path.Port != 5432 {
		t.Fatalf("recents after restart: %+v", m2.recents)
	}
	// The picker offers it: up fills the form.
	start(t, m2)
	press(t, m2, "p", "up")
	if got := m2.picker.Fields[picker.FieldTo].Value(); got != "eni-0d01" {
		t.Fatalf("up in the picker reuses the recent path; to = %q", got)
	}
}

func TestTypedPathWithCompletion(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), []string{"db.internal.example.com."}), Options{})
	start(t, m)
	press(t, m, "p")
	typeText(t, m, "app")
	if len(m.picker.Suggestions) == 0 || m.picker.Suggestions[0].Value != "app-1" {
		t.Fatalf("completions for app: %+v", m.picker.Suggestions)
	}
	press(t, m, "tab")
	if got := m.picker.Fields[picker.FieldFrom].Value(); got != "app-1" {
		t.Fatalf("tab completes: %q", got)
	}
	press(t, m, "tab") // nothing left to complete: next field
	typeText(t, m, "10.0.33")
	if len(m.picker.Suggestions) == 0 || m.picker.Suggestions[0].Value != "10.0.33.12" {
		t.Fatalf("address completions: %+v", m.picker.Suggestions)
	}
	press(t, m, "tab")
	typeText(t, m, ":5432")
	press(t, m, "enter")
	if m.top() != m.checklist {
		t.Fatalf("top %s, picker error %q", m.top().Title(), m.picker.Err)
	}
	if m.checklist.Report == nil || m.checklist.Report.Verdict != checks.Reachable {
		t.Fatalf("app-1 → db: %+v %v", m.checklist.Report, m.checklist.EvalErr)
	}
	// Hostnames from the source complete too.
	press(t, m, "p", "tab")
	press(t, m, "ctrl+u")
	typeText(t, m, "db.int")
	if len(m.picker.Suggestions) == 0 || m.picker.Suggestions[0].Value != "db.internal.example.com" {
		t.Fatalf("hostname completions: %+v", m.picker.Suggestions)
	}
}

func TestPickerRejectsBadInput(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	press(t, m, "p")
	typeText(t, m, "app-1")
	press(t, m, "tab")
	typeText(t, m, "10.0.33.12")
	press(t, m, "enter")
	if m.top() != m.picker || !strings.Contains(m.picker.Err, "destination port") {
		t.Fatalf("tcp without a port stays in the form with an error: top %s err %q", m.top().Title(), m.picker.Err)
	}
	press(t, m, "tab")
	typeText(t, m, "99999")
	press(t, m, "enter")
	if !strings.Contains(m.picker.Err, "1 to 65535") {
		t.Fatalf("port range: %q", m.picker.Err)
	}
}

func TestOpensOnGivenPath(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432"})
	if m.top() != m.checklist {
		t.Fatal("--from/--to open on the checklist")
	}
	for _, r := range m.checklist.Rows {
		if r.Status != screen.RowPending {
			t.Fatalf("before data every layer is pending, %s is %s", r.Name, r.Status)
		}
	}
	start(t, m)
	if rowStatuses(m)["security-group"] != "fail" {
		t.Fatalf("after data: %+v", rowStatuses(m))
	}
}

// streamSource lets a test hand out networks one at a time.
type streamSource struct {
	steps chan Update
}

func newStream() *streamSource { return &streamSource{steps: make(chan Update, 16)} }

func (s *streamSource) Name() string { return "live test" }

func (s *streamSource) Load(ctx context.Context) <-chan Update {
	return NewSource("live test", func(ctx context.Context, emit func(Update)) error {
		for {
			select {
			case u := <-s.steps:
				if u.Done {
					return u.Err
				}
				emit(u)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}).Load(ctx)
}

func TestLayersTurnAsDataArrives(t *testing.T) {
	full := tuitest.SmallNet()
	src := newStream()
	m := newTestModel(t, src, Options{From: "batch-1", To: "10.0.33.12:5432"})
	// Start the load by hand so the test controls each step.
	wait := async(m.startLoad())
	src.steps <- Update{Network: withPending(full, checks.KindSecurityGroups, checks.KindNetworkACLs), Kind: checks.KindNetworkInterfaces}
	_, next := m.Update(<-wait)
	wait = runExceptWait(t, m, next)
	st := rowStatuses(m)
	if st["route"] != "pass" || st["security-group"] != screen.RowPending || st["nacl"] != screen.RowPending {
		t.Fatalf("with groups and ACLs loading: %+v", st)
	}
	if s := screenText(m); !strings.Contains(s, "0s loaded") || !strings.Contains(s, "waiting on: describe-network-acls, describe-s") {
		t.Errorf("progress line should name what is loading:\n%s", screenText(m))
	}
	// The groups and ACLs land: the layers turn.
	src.steps <- Update{Network: full, Kind: checks.KindSecurityGroups}
	_, next = m.Update(<-wait)
	wait = runExceptWait(t, m, next)
	st = rowStatuses(m)
	if st["security-group"] != "fail" || st["nacl"] != "pass" {
		t.Fatalf("after groups and ACLs: %+v", st)
	}
	src.steps <- Update{Done: true}
	m.Update(<-wait)
	if m.loading {
		t.Fatal("Done ends the load")
	}
}

func async(c tea.Cmd) <-chan tea.Msg {
	out := make(chan tea.Msg, 1)
	go func() { out <- c() }()
	return out
}

// runExceptWait runs the commands an update returned and feeds their
// messages back, except the re-armed wait on the load channel, which it
// returns for the test to feed when it has sent the next step.
func runExceptWait(t *testing.T, m *Model, cmd tea.Cmd) <-chan tea.Msg {
	t.Helper()
	var wait <-chan tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		ch := async(c)
		select {
		case msg := <-ch:
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				queue = append(queue, msg...)
			default:
				_, next := m.Update(msg)
				queue = append(queue, next)
			}
		case <-time.After(300 * time.Millisecond):
			if wait != nil {
				t.Fatal("two commands are blocked; only the load's wait should be")
			}
			wait = ch
		}
	}
	if wait == nil {
		t.Fatal("the load's wait was not re-armed")
	}
	return wait
}

func TestStaleResultsAreDropped(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(t, m)
	oldGen := m.pathGen
	// A new path: the old path's late report must not land on it.
	drain(t, m, m.checkPath(screen.PathSpec{From: "app-1", To: "10.0.33.12", Port: 5432}))
	if m.checklist.Report.Verdict != checks.Reachable {
		t.Fatalf("app-1 → db: %s", m.checklist.Report.Verdict)
	}
	stale := checks.Report{Verdict: checks.Unreachable, Layers: []checks.Layer{{Name: "route", Status: checks.StatusFail}}}
	m.Update(reportMsg{run: m.runID + 5, gen: oldGen, rep: stale})
	if m.checklist.Report.Verdict != checks.Reachable {
		t.Fatal("a report of the previous path replaced the current one")
	}
	// An older run of the same path is dropped too.
	m.Update(reportMsg{run: m.shown - 1, gen: m.pathGen, rep: stale})
	if m.checklist.Report.Verdict != checks.Reachable {
		t.Fatal("an older run replaced a newer one")
	}
	// A stale load update is dropped.
	before := m.netVer
	m.Update(loadUpdateMsg{id: m.loadID - 1, u: Update{Network: tuitest.SmallNet()}})
	if m.netVer != before {
		t.Fatal("an update of a cancelled load was taken")
	}
}

func TestWatchMarksFlips(t *testing.T) {
	var mu sync.Mutex
	n := tuitest.SmallNet()
	src := NewSource("snapshot test", func(ctx context.Context, emit func(Update)) error {
		mu.Lock()
		defer mu.Unlock()
		emit(Update{Network: n})
		return nil
	})
	m := newTestModel(t, src, Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(t, m)
	if rowStatuses(m)["security-group"] != "fail" {
		t.Fatal("setup")
	}
	press(t, m, "w")
	if !m.watch {
		t.Fatal("w turns watch on")
	}
	// Someone fixes the group on disk; the next watch tick re-reads it.
	fixed := tuitest.SmallNet()
	fixed.SecurityGroups["sg-0rds"].Inbound = append(fixed.SecurityGroups["sg-0rds"].Inbound, tuitest.TCPFromGroup(5432, "sg-0batch"))
	mu.Lock()
	n = fixed
	mu.Unlock()
	now := time.Date(2026, 11, 20, 10, 7, 30, 0, time.UTC)
	m.env.Now = func() time.Time { return now }
	_, cmd := m.Update(watchMsg{gen: m.watchGen})
	drain(t, m, cmd)
	var sg checklist.LayerRow
	for _, r := range m.checklist.Rows {
		if r.Name == checks.LayerSecurityGroup {
			sg = r
		}
	}
	if sg.Status != "pass" || !sg.Changed.Equal(now) {
		t.Fatalf("the group layer should flip to pass at %s: %+v", now, sg)
	}
	if !strings.Contains(screenText(m), "changed 10:07:30") {
		t.Errorf("the flip time should be shown:\n%s", screenText(m))
	}
	// A tick of an older watch is ignored.
	press(t, m, "w")
	_, cmd = m.Update(watchMsg{gen: m.watchGen - 1})
	if cmd != nil {
		t.Fatal("a tick after watch was turned off started a load")
	}
}

func TestRefreshReloads(t *testing.T) {
	loads := 0
	src := NewSource("demo", func(ctx context.Context, emit func(Update)) error {
		loads++
		emit(Update{Network: tuitest.SmallNet()})
		return nil
	})
	m := newTestModel(t, src, Options{})
	start(t, m)
	press(t, m, "r")
	if loads != 2 {
		t.Fatalf("loads = %d, want 2", loads)
	}
}

func TestLoadErrorInStatusLine(t *testing.T) {
	src := NewSource("snapshot /nope", func(ctx context.Context, emit func(Update)) error {
		return errors.New("open /nope: no such file or directory\nsecond line")
	})
	m := newTestModel(t, src, Options{})
	start(t, m)
	s := screenText(m)
	if !strings.Contains(s, "load failed: open /nope: no such file or directory") || strings.Contains(s, "second line") || strings.Contains(s, "goroutine") {
		t.Fatalf("status line:\n%s", s)
	}
}

func TestPanickingLoaderBecomesError(t *testing.T) {
	src := NewSource("broken", func(ctx context.Context, emit func(Update)) error { panic("boom") })
	m := newTestModel(t, src, Options{})
	start(t, m)
	if m.loadErr == nil || !strings.Contains(m.loadErr.Error(), "boom") {
		t.Fatalf("loadErr = %v", m.loadErr)
	}
}

func TestHelpListsEveryBinding(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	start(t, m)
	check := func(where string, groups [][]key.Binding) {
		t.Helper()
		press(t, m, "?")
		if !m.helpOpen {
			t.Fatalf("%s: ? opens help", where)
		}
		s := screenText(m)
		all := append(groups, m.env.Keys.Global.Bindings())
		for _, g := range all {
			for _, b := range g {
				if !strings.Contains(s, b.Help().Desc) {
					t.Errorf("%s help lacks %q (%s)", where, b.Help().Desc, b.Help().Key)
				}
			}
		}
		press(t, m, "esc")
		if m.helpOpen {
			t.Fatalf("%s: esc closes help", where)
		}
	}
	check("browser", m.browser.FullHelp())
	press(t, m, "enter")
	check("detail", m.detail.FullHelp())
	press(t, m, "esc")
	drain(t, m, m.checkPath(screen.PathSpec{From: "batch-1", To: "10.0.33.12", Port: 5432}))
	check("checklist", m.checklist.FullHelp())
}

func TestQuitKeys(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	press(t, m, "p")
	typeText(t, m, "q")
	if m.quitting {
		t.Fatal("q in the form is text")
	}
	_, cmd := m.Update(tuitest.KeyMsg("ctrl+c"))
	if !m.quitting || cmd == nil {
		t.Fatal("ctrl+c quits anywhere")
	}
	m = newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	m.Update(tuitest.KeyMsg("q"))
	if !m.quitting {
		t.Fatal("q quits from the browser")
	}
	if m.render() != "" {
		t.Fatal("the last frame is empty so the shell gets a clean screen")
	}
}

func TestReflowAtEverySize(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	drain(t, m, m.checkPath(screen.PathSpec{From: "batch-1", To: "10.0.33.12", Port: 5432}))
	screens := []func(){
		func() { m.stack = m.stack[:1] },
		func() { press(t, m, "enter") },
		func() { press(t, m, "esc", "p") },
		func() { press(t, m, "esc", "c") },
		func() { press(t, m, "enter") },
		func() { press(t, m, "?") },
	}
	for i, open := range screens {
		open()
		for _, size := range [][2]int{{80, 24}, {100, 30}, {132, 43}, {200, 60}, {60, 20}} {
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			frame := m.render()
			lines := strings.Split(frame, "\n")
			if len(lines) != size[1] {
				t.Errorf("screen %d (%s) at %dx%d: %d lines", i, m.top().Title(), size[0], size[1], len(lines))
			}
			for j, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("screen %d (%s) at %dx%d: line %d is %d wide: %q", i, m.top().Title(), size[0], size[1], j, w, tuitest.StripANSI(l))
				}
			}
		}
	}
}

func TestThemeFollowsBackground(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.env.Styles.Palette.Dark {
		t.Fatal("a white background picks the light palette")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.Black})
	if !m.env.Styles.Palette.Dark {
		t.Fatal("a black background picks the dark palette")
	}
	forced := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{Theme: "light"})
	forced.Update(tea.BackgroundColorMsg{Color: color.Black})
	if forced.env.Styles.Palette.Dark {
		t.Fatal("--theme light overrides the terminal")
	}
	forced.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI})
	if forced.env.Styles.Palette.Depth != themes.ANSI16 {
		t.Fatalf("16-colour terminal: depth %s", forced.env.Styles.Palette.Depth)
	}
	nc := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{NoColor: true})
	nc.Update(tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	if nc.env.Styles.Palette.Depth != themes.NoColor {
		t.Fatal("NO_COLOR wins over the terminal's profile")
	}
}

func TestNoColorStillShowsFailure(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{NoColor: true, From: "batch-1", To: "10.0.33.12:5432"})
	m.depth = themes.NoColor
	m.restyle()
	start(t, m)
	frame := m.render()
	if strings.Contains(frame, "38;5") || strings.Contains(frame, "38;2") {
		t.Fatal("no colour sequences without colour")
	}
	if !strings.Contains(tuitest.StripANSI(frame), "FAIL") {
		t.Fatal("a failing layer is spelled out")
	}
}

func TestASCIIFrames(t *testing.T) {
	n := tuitest.SmallNet()
	n.ENIs["eni-0a01"].Name = "app-1 ✓ café"
	m := newTestModel(t, Static("demo", n, nil), Options{ASCII: true})
	start(t, m)
	frames := []string{m.render()}
	drain(t, m, m.checkPath(screen.PathSpec{From: "batch-1", To: "10.0.33.12", Port: 5432}))
	frames = append(frames, m.render())
	press(t, m, "enter")
	frames = append(frames, m.render())
	press(t, m, "?")
	frames = append(frames, m.render())
	press(t, m, "esc", "esc", "esc", "p")
	typeText(t, m, "a")
	frames = append(frames, m.render())
	for i, f := range frames {
		tuitest.AssertASCII(t, "frame "+strconv.Itoa(i), f)
	}
}

func TestLayoutColumns(t *testing.T) {
	var natural [catalog.NumCols]int
	for i := range catalog.Columns {
		natural[i] = catalog.Columns[i].Max
	}
	for _, w := range []int{40, 80, 100, 160, 250} {
		l := browser.LayoutColumns(natural, w)
		total := -1
		for _, c := range l {
			total += c.W + 1
		}
		if total > w {
			t.Errorf("width %d: columns take %d", w, total)
		}
		if !slices.ContainsFunc(l, func(c columns.Placed) bool { return c.Col == catalog.ColID }) {
			t.Errorf("width %d: the ID column must always be shown", w)
		}
	}
	if l := browser.LayoutColumns(natural, 250); len(l) != catalog.NumCols {
		t.Errorf("at 250 columns every column fits, got %d", len(l))
	}
}

func TestBrowserKeepsSelectionAcrossUpdates(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	press(t, m, "down", "down")
	sel := m.browser.SelectedID()
	n := tuitest.SmallNet()
	n.ENIs["eni-0000"] = &checks.ENI{ID: "eni-0000", Name: "aaa-first", SubnetID: "subnet-0011", VPCID: "vpc-0001", Status: "in-use"}
	m.onCatalog(catalog.Build(m.netVer+1, n, nil, false))
	if m.browser.SelectedID() != sel {
		t.Fatalf("selection moved from %s to %s when a row was added above", sel, m.browser.SelectedID())
	}
	// An older catalog finishing late is ignored.
	m.onCatalog(catalog.Build(1, tuitest.SmallNet(), nil, false))
	if len(m.browser.Visible) != 5 {
		t.Fatal("an older catalog replaced a newer one")
	}
}

// TestWatchPollIsQuiet: a watch poll re-checks once, on the whole network,
// keeps the cursor where it was, and marks only layers that changed.
func TestWatchPollIsQuiet(t *testing.T) {
	var mu sync.Mutex
	next := tuitest.SmallNet()
	fail := error(nil)
	src := NewSource("snapshot test", func(ctx context.Context, emit func(Update)) error {
		mu.Lock()
		defer mu.Unlock()
		if fail != nil {
			return fail
		}
		// A reload arrives kind by kind, as a live one does.
		emit(Update{Network: withPending(next, checks.KindSecurityGroups, checks.KindNetworkACLs)})
		emit(Update{Network: next, Done: true})
		return nil
	})
	m := newTestModel(t, src, Options{From: "app-1", To: "10.0.33.12:5432"})
	start(t, m)
	if m.checklist.Report == nil || m.checklist.Report.Verdict != checks.Reachable {
		t.Fatal("setup: app-1 reaches the database")
	}
	cursor := m.checklist.Cursor
	press(t, m, "w")
	poll := func(at time.Time) {
		t.Helper()
		m.env.Now = func() time.Time { return at }
		before := m.netVer
		_, cmd := m.Update(watchMsg{gen: m.watchGen})
		drain(t, m, cmd)
		if m.netVer != before+1 {
			t.Fatalf("a poll applies one network, the whole one; applied %d", m.netVer-before)
		}
	}
	poll(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
	for _, r := range m.checklist.Rows {
		if !r.Changed.IsZero() {
			t.Errorf("nothing changed, yet %s is marked changed", r.Name)
		}
	}
	// The group loses its rule: the verdict flips, the cursor stays.
	broken := tuitest.SmallNet()
	broken.SecurityGroups["sg-0rds"].Inbound = nil
	mu.Lock()
	next = broken
	mu.Unlock()
	at := time.Date(2026, 11, 20, 10, 0, 5, 0, time.UTC)
	poll(at)
	if m.checklist.Report.Verdict != checks.Unreachable {
		t.Fatalf("verdict after the rule went: %s", m.checklist.Report.Verdict)
	}
	if m.checklist.Cursor != cursor {
		t.Errorf("the cursor moved from row %d to %d when the verdict flipped", cursor, m.checklist.Cursor)
	}
	for _, r := range m.checklist.Rows {
		if want := r.Name == checks.LayerSecurityGroup; !r.Changed.IsZero() != want {
			t.Errorf("%s changed=%v, want marked %v", r.Name, r.Changed, want)
		}
	}
	// A poll that fails keeps the last checklist and says so.
	mu.Lock()
	fail = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	mu.Unlock()
	_, cmd := m.Update(watchMsg{gen: m.watchGen})
	drain(t, m, cmd)
	if m.checklist.Report == nil || m.checklist.Report.Verdict != checks.Unreachable {
		t.Fatal("a failed poll dropped the checklist")
	}
	if !m.statusErr || !strings.Contains(m.status, "connection refused") || !strings.Contains(m.status, "10:00:05") {
		t.Errorf("status after a failed poll: %q", m.status)
	}
}
