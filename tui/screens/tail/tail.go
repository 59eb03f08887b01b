package tail

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/components/columns"
	"github.com/reachnet/reach/tui/components/pager"
	"github.com/reachnet/reach/tui/screen"
)

// tailState is where the open tail's source stands.
type tailState int

const (
	tailOpening tailState = iota
	StateLive
	StateEnded
	StateFailed
)

// rateWindow is the span the records/s figure averages over.
const rateWindow = 5 * time.Second

type rateMark struct {
	at time.Time
	n  int
}

// Model is the flow tail screen: the newest records of a path or an
// interface, newest at the bottom, with a filter, pause, and the
// attribution of one record. The root owns its session (ID, context,
// feed) and hands it prepared batches; the screen keeps them in a ring and
// draws the visible rows only.
type Model struct {
	env     *screen.Env
	Catalog *catalog.Catalog

	// The session. spec.id is 0 when no tail is open; cancel ends the
	// source's goroutine.
	Spec     Spec
	cancel   context.CancelFunc
	Seq      int // the last ID handed out
	State    tailState
	err      error
	Name     string
	Capacity int
	Loc      *time.Location
	OpenedAt time.Time

	Live   *Ring
	Frozen *Ring // non-nil while paused: the copy on screen

	filter     *Filter
	FilterText string
	filterErr  string
	input      textinput.Model
	typing     bool

	Cursor, offset int
	// Follow keeps the cursor on the newest record as batches land; it
	// is off once the user moves up, on again at the bottom.
	Follow bool
	w, h   int
	layout []columns.Placed
	laidW  int
	laidN  [NumColumns]int

	Total, Accept, Reject, Other, Lost, Malformed, Cut int64
	marks                                              []rateMark
	Rate                                               float64

	// Diagnosis holds the lines of the path's pattern diagnosis, drawn
	// above the records in diagTone; see Model.diagnoseTail. diag and
	// diagErr are what they were formatted from (nil for an interface's
	// tail, or before the first diagnosis), window the source's time
	// frame, and diagBusy says a diagnosis is running, diagAgain that
	// records landed since it began.
	Diagnosis []string
	DiagTone  diagTone
	Diag      *checks.Diagnosis
	diagErr   error
	Window    checks.FlowWindow
	DiagBusy  bool
	DiagAgain bool
	// DiagBuf is the array of the last snapshot of the ring, reused by the
	// next diagnosis of the same session.
	DiagBuf []*Record

	// head is the title and the counters, formatted when they change.
	head []string

	// The attribution of the record opened with enter.
	AttrOpen bool
	// diagOpen shows the whole diagnosis full screen (the pager).
	diagOpen  bool
	AttrRun   int
	AttrFlow  checks.Flow
	AttrState attrState
	Attr      *checks.Attribution
	AttrErr   error
	pg        pager.Model
}

func New(e *screen.Env) *Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = filterHint
	t := &Model{env: e, input: in, Capacity: Capacity, Loc: time.Local, pg: pager.Model{Env: e}}
	t.Live = NewRing(t.Capacity)
	t.Restyle()
	return t
}

func (t *Model) Restyle() {
	s := textinput.DefaultStyles(t.env.Styles.Palette.Dark)
	s.Focused.Prompt = t.env.Styles.Accent
	s.Blurred.Prompt = t.env.Styles.Subtle
	s.Focused.Placeholder = t.env.Styles.Subtle
	s.Cursor.Blink = false
	t.input.SetStyles(s)
	t.refreshHead()
	t.rebuildAttr()
}

func (t *Model) Title() string {
	switch {
	case t.AttrOpen:
		return "flow tail > attribution"
	case t.diagOpen:
		return "flow tail > diagnosis"
	}
	return "flow tail"
}

func (t *Model) Capturing() bool { return t.typing }

// Running reports whether a session is open.
func (t *Model) Running() bool { return t.Spec.ID != 0 }

// Start resets the screen for a new session.
func (t *Model) Start(spec Spec, cancel context.CancelFunc, now time.Time) {
	t.Spec, t.cancel = spec, cancel
	t.State, t.err, t.Name = tailOpening, nil, ""
	t.OpenedAt = now
	t.Live = NewRing(t.Capacity)
	t.Frozen = nil
	t.Cursor, t.offset, t.Follow = 0, 0, true
	t.Total, t.Accept, t.Reject, t.Other, t.Lost, t.Malformed, t.Cut = 0, 0, 0, 0, 0, 0, 0
	t.marks, t.Rate = nil, 0
	t.Diagnosis, t.DiagTone, t.Diag, t.diagErr = nil, ToneWarn, nil, nil
	t.Window = checks.FlowWindow{}
	// A command of the previous session may still read its snapshot.
	t.DiagBusy, t.DiagAgain, t.DiagBuf = false, false, nil
	t.AttrOpen, t.Attr, t.AttrErr = false, nil, nil
	t.diagOpen = false
	t.laidW = -1
	t.relayout()
	t.refreshHead()
}

// Stop ends the session; its batches are dropped from now on.
func (t *Model) Stop() {
	if t.cancel != nil {
		t.cancel()
	}
	t.Spec.ID, t.cancel = 0, nil
	if t.State == tailOpening || t.State == StateLive {
		t.State = StateEnded
	}
}

func (t *Model) Opened(name string, err error) {
	if err != nil {
		t.State, t.err = StateFailed, err
	} else {
		t.State, t.Name = StateLive, name
	}
	t.refreshHead()
}

// Ended notes that the source stopped; err nil means it was exhausted (a
// file read to its end).
func (t *Model) Ended(err error) {
	if err != nil {
		t.State, t.err = StateFailed, err
	} else {
		t.State = StateEnded
	}
	t.refreshHead()
}

// Shown is the list on screen: the paused copy, or the live ring.
func (t *Model) Shown() *Ring {
	if t.Frozen != nil {
		return t.Frozen
	}
	return t.Live
}

// Ingest appends a prepared batch. It is the whole cost of a batch in
// Update: storing pointers to the prepared records in the ring and
// testing the filter.
func (t *Model) Ingest(p Prepared, now time.Time) {
	trimmed := t.Live.Push(p.recs, p.natural, t.filter)
	t.Total += int64(p.Total)
	t.Accept += int64(p.accept)
	t.Reject += int64(p.reject)
	t.Other += int64(p.other)
	t.Lost += int64(p.lost)
	t.Malformed += int64(p.malformed)
	t.Cut += int64(p.cut)
	if p.source != "" {
		t.Name = p.source
	}
	t.marks = append(t.marks, rateMark{at: now, n: p.Total})
	t.measure(now)
	if t.Frozen == nil {
		t.moved(trimmed)
	}
	t.relayout()
	t.refreshHead()
}

// moved keeps the cursor on its record after matches fell off the front,
// or on the newest record while following.
func (t *Model) moved(trimmed int) {
	n := t.Shown().Count()
	if t.Follow {
		t.Cursor = n - 1
	} else {
		t.Cursor -= trimmed
		t.offset -= trimmed
	}
	t.clamp()
}

// measure recomputes records/s over the last rateWindow (less while the
// tail is younger), so the figure falls to 0 when the source goes quiet.
func (t *Model) measure(now time.Time) {
	cut := 0
	for cut < len(t.marks) && now.Sub(t.marks[cut].at) > rateWindow {
		cut++
	}
	t.marks = t.marks[cut:]
	n := 0
	for _, m := range t.marks {
		n += m.n
	}
	span := min(max(now.Sub(t.OpenedAt), time.Second), rateWindow)
	t.Rate = float64(n) / span.Seconds()
}

func (t *Model) Tick(now time.Time) {
	t.measure(now)
	t.refreshHead()
}

// Dropped is every in-scope record no longer kept: overwritten in the
// ring, or beyond the ring's size within one batch.
func (t *Model) Dropped() int64 { return t.Live.evicted + t.Cut }

func (t *Model) togglePause() {
	if t.Frozen != nil {
		t.Frozen = nil
		t.Follow = true
		t.moved(0)
	} else {
		t.Frozen = t.Live.clone()
		t.Follow = false
	}
	t.refreshHead()
}

func (t *Model) SetSize(w, h int) {
	t.w, t.h = w, h
	t.input.SetWidth(max(w-20, 10))
	t.relayout()
	t.refreshHead()
	t.clamp()
	t.pg.SetSize(w, max(h-1, 1))
	t.rebuildAttr()
	t.refreshDiagnosis()
}

// relayout recomputes the columns when the width or the widest cells
// changed.
func (t *Model) relayout() {
	if t.w == t.laidW && t.Live.natural == t.laidN {
		return
	}
	t.laidW, t.laidN = t.w, t.Live.natural
	nat := t.Live.natural
	if t.Live.next == 0 {
		// No record yet: lay out for typical cells rather than titles,
		// so the first batch does not reshuffle the columns.
		for c := range nat {
			nat[c] = tailColumns[c].min
		}
	}
	t.layout = layoutColumns(nat, t.w)
}

func (t *Model) setDiagnosis(lines []string) {
	t.Diagnosis = lines
	t.clamp()
	t.rebuildDiag()
}

// rebuildDiag fills the pager with the whole diagnosis when it is open.
func (t *Model) rebuildDiag() {
	if !t.diagOpen {
		return
	}
	t.pg.SetSize(t.w, max(t.h-1, 1))
	lines := make([]string, len(t.Diagnosis))
	for i, l := range t.Diagnosis {
		lines[i] = cells.Clean(l, t.env.ASCII)
	}
	t.pg.SetLines(lines)
}

// ShowDiagnosis takes a diagnosis of the path's records (or why it
// failed) and formats its lines for the width.
func (t *Model) ShowDiagnosis(d *checks.Diagnosis, err error) {
	t.Diag, t.diagErr = d, err
	t.refreshDiagnosis()
}

// refreshDiagnosis formats the diagnosis again (a new width); lines set
// through setDiagnosis alone are kept as they are.
func (t *Model) refreshDiagnosis() {
	if t.Diag == nil && t.diagErr == nil {
		return
	}
	lines, tone := diagnosisLines(t.env, t.Diag, t.diagErr, t.Window, t.Loc, max(t.w, 1))
	t.DiagTone = tone
	t.setDiagnosis(lines)
}

// refreshHead formats the title and the counters.
func (t *Model) refreshHead() {
	e := t.env
	st := e.Styles
	g := e.Glyphs
	w := max(t.w, 1)
	dot := st.Subtle.Render(" " + g.Dot + " ")
	name := cells.Clean(t.Name, e.ASCII)
	if name == "" {
		name = "flow logs"
	}
	title := st.Accent.Render(name)
	if t.Spec.Target.Label != "" || t.Name != "" {
		title += dot + st.Title.Render(t.Spec.Target.Label)
	}
	var state string
	switch {
	case t.State == StateFailed:
		state = st.Error.Render(g.Fail + " FAILED")
	case t.State == tailOpening:
		state = st.Pending.Render("OPENING" + g.Ellipsis)
	case t.Frozen != nil:
		state = st.Warn.Render("PAUSED")
	case t.State == StateEnded:
		state = st.Subtle.Render("ENDED")
	default:
		state = st.OK.Render("LIVE")
	}
	parts := []string{state, st.Text.Render(fmt.Sprintf("%s rec/s", commas(int64(t.Rate+0.5))))}
	parts = append(parts, st.Text.Render("accept "+commas(t.Accept)))
	rej := "reject " + commas(t.Reject)
	if t.Reject > 0 {
		parts = append(parts, st.Fail.Render(rej))
	} else {
		parts = append(parts, st.Text.Render(rej))
	}
	parts = append(parts, st.Subtle.Render("dropped "+commas(t.Dropped())))
	if !t.filter.empty() {
		parts = append(parts, st.Accent.Render(fmt.Sprintf("shown %s/%s", commas(int64(t.Shown().Count())), commas(int64(t.Shown().Size())))))
	}
	if t.Lost > 0 {
		parts = append(parts, st.Warn.Render("lost "+commas(t.Lost)))
	}
	if t.Malformed > 0 {
		parts = append(parts, st.Warn.Render("malformed "+commas(t.Malformed)))
	}
	if t.Other > 0 {
		parts = append(parts, st.Subtle.Render("other traffic "+commas(t.Other)))
	}
	t.head = []string{cells.Truncate(title, w, g.Ellipsis), cells.Truncate(strings.Join(parts, dot), w, g.Ellipsis)}
}

// listHeight is the rows left for records.
func (t *Model) listHeight() int {
	return max(t.h-len(t.head)-t.diagRoom()-1-t.filterRoom(), 1)
}

// diagRoom is the lines the diagnosis gets above the records: all of it
// when it is short, otherwise a third of the screen, the last line saying
// that e shows the rest.
func (t *Model) diagRoom() int { return min(len(t.Diagnosis), max(t.h/3, 3)) }

// diagLines are the diagnosis lines drawn above the records.
func (t *Model) diagLines() []string {
	room := t.diagRoom()
	lines := t.Diagnosis[:room]
	if room < len(t.Diagnosis) {
		more := fmt.Sprintf("%s %d more lines: e shows the whole diagnosis", t.env.Glyphs.Arrow, len(t.Diagnosis)-room+1)
		lines = append(slices.Clone(lines[:room-1]), more)
	}
	return lines
}

// filterRoom is the lines below the rows: the filter, and why the last
// query was refused.
func (t *Model) filterRoom() int {
	n := 0
	if t.typing || t.FilterText != "" {
		n++
	}
	if t.filterErr != "" {
		n++
	}
	return n
}

func (t *Model) clamp() {
	n := t.Shown().Count()
	t.Cursor = max(min(t.Cursor, n-1), 0)
	lh := t.listHeight()
	if t.Follow {
		t.offset = n - lh
	}
	if t.Cursor < t.offset {
		t.offset = t.Cursor
	}
	if t.Cursor >= t.offset+lh {
		t.offset = t.Cursor - lh + 1
	}
	t.offset = max(min(t.offset, n-lh), 0)
}

// move goes d rows; the bottom row follows the newest record again.
func (t *Model) move(d int) {
	n := t.Shown().Count()
	t.Cursor = max(min(t.Cursor+d, n-1), 0)
	t.Follow = t.Frozen == nil && t.Cursor >= n-1
	t.clamp()
}

// setFilter parses and applies the filter; a query that does not parse
// keeps the previous filter and says why.
func (t *Model) setFilter(q string) {
	t.FilterText = q
	f, err := ParseFilter(q)
	if err != nil {
		t.filterErr = "not applied: " + err.Error()
		t.clamp()
		return
	}
	t.filterErr = ""
	var keep uint64
	had := t.Shown().Count() > 0
	if had {
		keep = t.Shown().RowSeq(t.Cursor)
	}
	t.filter = f
	t.Live.Refilter(f)
	if t.Frozen != nil {
		t.Frozen.Refilter(f)
	}
	if had && !t.Follow {
		t.Cursor = t.Shown().index(keep)
	}
	t.moved(0)
	t.refreshHead()
}

func (t *Model) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	k := t.env.Keys
	if t.typing {
		if km, ok := msg.(tea.KeyPressMsg); ok {
			switch {
			case key.Matches(km, k.Filter.Apply):
				t.typing = false
				t.input.Blur()
				t.clamp()
				return nil, nil
			case key.Matches(km, k.Filter.Clear):
				t.typing = false
				t.input.Blur()
				t.input.SetValue("")
				t.setFilter("")
				return nil, nil
			case km.String() == "up" || km.String() == "down":
				t.move(map[string]int{"up": -1, "down": 1}[km.String()])
				return nil, nil
			}
		}
		var cmd tea.Cmd
		t.input, cmd = t.input.Update(msg)
		if v := t.input.Value(); v != t.FilterText {
			t.setFilter(v)
		}
		return cmd, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	if t.diagOpen {
		if key.Matches(km, k.Global.Back) {
			t.diagOpen = false
		} else {
			t.pg.ScrollKey(km)
		}
		return nil, nil
	}
	if t.AttrOpen {
		switch {
		case key.Matches(km, k.Global.Back):
			t.AttrOpen = false
		case key.Matches(km, k.Evidence.Copy):
			if t.Attr == nil || t.Attr.Fix == "" {
				return nil, screen.Note{Text: "no fix to copy for this record"}
			}
			return nil, screen.CopyText{Text: t.Attr.Fix, What: "the fix"}
		default:
			t.pg.ScrollKey(km)
		}
		return nil, nil
	}
	switch {
	case key.Matches(km, k.Tail.Diagnosis):
		if len(t.Diagnosis) == 0 {
			return nil, screen.Note{Text: "no diagnosis yet: it comes with the records of a path's tail"}
		}
		t.diagOpen = true
		t.rebuildDiag()
		return nil, nil
	case key.Matches(km, k.Tail.Pause):
		t.togglePause()
	case key.Matches(km, k.Tail.Filter):
		t.typing = true
		t.input.SetValue(t.FilterText)
		t.input.CursorEnd()
		return t.input.Focus(), nil
	case key.Matches(km, k.Tail.Enter):
		if t.Shown().Count() == 0 {
			return nil, nil
		}
		return nil, screen.AttributeRecord{Flow: t.Shown().Row(t.Cursor).Flow}
	case key.Matches(km, k.Global.Back):
		if t.FilterText != "" {
			t.input.SetValue("")
			t.setFilter("")
			return nil, nil
		}
		return nil, screen.Back{}
	default:
		t.listKey(km)
	}
	return nil, nil
}

func (t *Model) listKey(km tea.KeyPressMsg) {
	k := t.env.Keys.List
	lh := t.listHeight()
	n := t.Shown().Count()
	switch {
	case key.Matches(km, k.Up):
		t.move(-1)
	case key.Matches(km, k.Down):
		t.move(1)
	case key.Matches(km, k.PageUp):
		t.move(-lh)
	case key.Matches(km, k.PageDown):
		t.move(lh)
	case key.Matches(km, k.Top):
		t.move(-n)
	case key.Matches(km, k.Bottom):
		t.move(n)
	}
}

// ShowAttribution opens the attribution view of a record; the result
// arrives later (attributed) unless there is no network yet.
func (t *Model) ShowAttribution(f checks.Flow, run int, state attrState) {
	t.AttrOpen = true
	t.AttrFlow, t.AttrRun, t.AttrState = f, run, state
	t.Attr, t.AttrErr = nil, nil
	t.pg.Offset = 0
	t.rebuildAttr()
}

func (t *Model) Attributed(msg AttrMsg) {
	if msg.Run != t.AttrRun {
		return // an older enter, or the network changed since
	}
	t.AttrState = AttrDone
	t.Attr, t.AttrErr = &msg.Attr, msg.err
	if msg.err != nil {
		t.Attr = nil
	}
	t.rebuildAttr()
}

func (t *Model) rebuildAttr() {
	if !t.AttrOpen {
		return
	}
	t.pg.SetSize(t.w, max(t.h-1, 1))
	t.pg.SetLines(attributionLines(t.env, t.AttrFlow, t.Attr, t.AttrErr, t.AttrState, t.Catalog, t.Loc, t.w))
}

// View draws exactly h lines: the title, the counters, the diagnosis, the
// column titles, the visible rows and the filter line.
func (t *Model) View() string {
	e := t.env
	st := e.Styles
	if t.diagOpen {
		head := st.Title.Render("diagnosis") + "  " + st.Subtle.Render("what the path's records show "+e.Glyphs.Dot+" esc back")
		return cells.Truncate(head, t.w, e.Glyphs.Ellipsis) + "\n" + t.pg.View()
	}
	if t.AttrOpen {
		head := st.Title.Render("attribution") + "  " + st.Subtle.Render("why the configuration explains this record "+e.Glyphs.Dot+" y copies the fix "+e.Glyphs.Dot+" esc back")
		return cells.Truncate(head, t.w, e.Glyphs.Ellipsis) + "\n" + t.pg.View()
	}
	lines := make([]string, 0, t.h)
	lines = append(lines, t.head...)
	tone := st.Warn
	switch t.DiagTone {
	case toneOK:
		tone = st.OK
	case ToneWait:
		tone = st.Pending
	case toneError:
		tone = st.Error
	}
	for _, d := range t.diagLines() {
		lines = append(lines, tone.Render(cells.Truncate(cells.Clean(d, e.ASCII), t.w, e.Glyphs.Ellipsis)))
	}
	lines = append(lines, header(e, t.layout, t.w))
	l := t.Shown()
	lh := t.listHeight()
	if l.Count() == 0 {
		for _, s := range t.emptyLines() {
			lines = append(lines, cells.Truncate(s, t.w, e.Glyphs.Ellipsis))
		}
	}
	for i := t.offset; i < l.Count() && i < t.offset+lh; i++ {
		lines = append(lines, row(e, l.Row(i), t.layout, t.w, i == t.Cursor, t.Catalog))
	}
	bodyEnd := len(t.head) + t.diagRoom() + 1 + lh
	for len(lines) < bodyEnd {
		lines = append(lines, "")
	}
	lines = lines[:min(len(lines), bodyEnd)]
	if t.filterErr != "" {
		lines = append(lines, cells.Truncate(st.Error.Render(cells.Clean(t.filterErr, e.ASCII)), t.w, e.Glyphs.Ellipsis))
	}
	if t.typing || t.FilterText != "" {
		lines = append(lines, t.filterLine())
	}
	for len(lines) < t.h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:min(len(lines), t.h)], "\n")
}

// emptyLines say why there is no row to draw.
func (t *Model) emptyLines() []string {
	st := t.env.Styles
	switch {
	case t.State == StateFailed && t.err != nil:
		var out []string
		for _, l := range cells.Wrap(cells.FirstLine(cells.FromEngine(t.err.Error(), t.env.ASCII)), max(t.w, 10), "  ") {
			out = append(out, st.Error.Render(l))
		}
		return out
	case t.State == tailOpening:
		return []string{st.Pending.Render("opening the flow logs of " + t.Spec.Target.Label + t.env.Glyphs.Ellipsis)}
	case t.Live.Size() > 0 && !t.filter.empty():
		return []string{st.Subtle.Render(fmt.Sprintf("no record matches %q", t.FilterText))}
	case t.State == StateEnded:
		return []string{st.Subtle.Render("the source ended without a record for this target")}
	}
	return []string{
		st.Subtle.Render("waiting for flow records" + t.env.Glyphs.Ellipsis),
		st.Subtle.Render("flow logs publish each interface's records after their aggregation interval (1 or 10 minutes)"),
	}
}

func (t *Model) filterLine() string {
	st := t.env.Styles
	var f string
	if t.typing {
		f = t.input.View()
	} else {
		f = st.Accent.Render("/" + cells.Clean(t.FilterText, t.env.ASCII))
	}
	return cells.Truncate(f, t.w, t.env.Glyphs.Ellipsis)
}

func (t *Model) ShortHelp() []key.Binding {
	k := t.env.Keys
	switch {
	case t.typing:
		return []key.Binding{k.Filter.Apply, k.Filter.Clear}
	case t.AttrOpen:
		return []key.Binding{k.Global.Help, k.List.Down, k.Evidence.Copy, k.Global.Back}
	case t.diagOpen:
		return []key.Binding{k.Global.Help, k.List.Down, k.Global.Back}
	}
	// The full help spells out the filter's syntax; the key line has no
	// room for it.
	filter := k.Tail.Filter
	filter.SetHelp(filter.Help().Key, "filter")
	return []key.Binding{k.Global.Help, k.Tail.Pause, filter, k.Tail.Enter, k.Tail.Diagnosis, k.List.Bottom, k.Global.Back}
}

func (t *Model) FullHelp() [][]key.Binding {
	k := t.env.Keys
	return [][]key.Binding{
		{k.Tail.Pause, k.Tail.Filter, k.Filter.Apply, k.Filter.Clear, k.Tail.Enter, k.Tail.Diagnosis, k.Evidence.Copy, k.Global.Back},
		k.List.Bindings(),
	}
}
