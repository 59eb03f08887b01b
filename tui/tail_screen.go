package tui

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
	tailLive
	tailEnded
	tailFailed
)

// rateWindow is the span the records/s figure averages over.
const rateWindow = 5 * time.Second

type rateMark struct {
	at time.Time
	n  int
}

// tail is the flow tail screen: the newest records of a path or an
// interface, newest at the bottom, with a filter, pause, and the
// attribution of one record. The root owns its session (ID, context,
// feed) and hands it prepared batches; the screen keeps them in a ring and
// draws the visible rows only.
type tail struct {
	env *screen.Env
	cat *catalog.Catalog

	// The session. spec.id is 0 when no tail is open; cancel ends the
	// source's goroutine.
	spec     tailSpec
	cancel   context.CancelFunc
	seq      int // the last ID handed out
	state    tailState
	err      error
	name     string
	capacity int
	loc      *time.Location
	openedAt time.Time

	live   *flowList
	frozen *flowList // non-nil while paused: the copy on screen

	filter     *flowFilter
	filterText string
	filterErr  string
	input      textinput.Model
	typing     bool

	cursor, offset int
	// follow keeps the cursor on the newest record as batches land; it
	// is off once the user moves up, on again at the bottom.
	follow bool
	w, h   int
	layout []columns.Placed
	laidW  int
	laidN  [numTailCols]int

	total, accept, reject, other, lost, malformed, cut int64
	marks                                              []rateMark
	rate                                               float64

	// diagnosis holds the lines of the path's pattern diagnosis, drawn
	// above the records in diagTone; see Model.diagnoseTail. diag and
	// diagErr are what they were formatted from (nil for an interface's
	// tail, or before the first diagnosis), window the source's time
	// frame, and diagBusy says a diagnosis is running, diagAgain that
	// records landed since it began.
	diagnosis []string
	diagTone  diagTone
	diag      *checks.Diagnosis
	diagErr   error
	window    checks.FlowWindow
	diagBusy  bool
	diagAgain bool
	// diagBuf is the array of the last snapshot of the ring, reused by the
	// next diagnosis of the same session.
	diagBuf []*tailRec

	// head is the title and the counters, formatted when they change.
	head []string

	// The attribution of the record opened with enter.
	attrOpen bool
	// diagOpen shows the whole diagnosis full screen (the pager).
	diagOpen  bool
	attrRun   int
	attrFlow  checks.Flow
	attrState attrState
	attr      *checks.Attribution
	attrErr   error
	pg        pager.Model
}

func newTail(e *screen.Env) *tail {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = filterHint
	t := &tail{env: e, input: in, capacity: tailCapacity, loc: time.Local, pg: pager.Model{Env: e}}
	t.live = newFlowList(t.capacity)
	t.restyle()
	return t
}

func (t *tail) restyle() {
	s := textinput.DefaultStyles(t.env.Styles.Palette.Dark)
	s.Focused.Prompt = t.env.Styles.Accent
	s.Blurred.Prompt = t.env.Styles.Subtle
	s.Focused.Placeholder = t.env.Styles.Subtle
	s.Cursor.Blink = false
	t.input.SetStyles(s)
	t.refreshHead()
	t.rebuildAttr()
}

func (t *tail) Title() string {
	switch {
	case t.attrOpen:
		return "flow tail > attribution"
	case t.diagOpen:
		return "flow tail > diagnosis"
	}
	return "flow tail"
}

func (t *tail) Capturing() bool { return t.typing }

// running reports whether a session is open.
func (t *tail) running() bool { return t.spec.id != 0 }

// start resets the screen for a new session.
func (t *tail) start(spec tailSpec, cancel context.CancelFunc, now time.Time) {
	t.spec, t.cancel = spec, cancel
	t.state, t.err, t.name = tailOpening, nil, ""
	t.openedAt = now
	t.live = newFlowList(t.capacity)
	t.frozen = nil
	t.cursor, t.offset, t.follow = 0, 0, true
	t.total, t.accept, t.reject, t.other, t.lost, t.malformed, t.cut = 0, 0, 0, 0, 0, 0, 0
	t.marks, t.rate = nil, 0
	t.diagnosis, t.diagTone, t.diag, t.diagErr = nil, toneWarn, nil, nil
	t.window = checks.FlowWindow{}
	// A command of the previous session may still read its snapshot.
	t.diagBusy, t.diagAgain, t.diagBuf = false, false, nil
	t.attrOpen, t.attr, t.attrErr = false, nil, nil
	t.diagOpen = false
	t.laidW = -1
	t.relayout()
	t.refreshHead()
}

// stop ends the session; its batches are dropped from now on.
func (t *tail) stop() {
	if t.cancel != nil {
		t.cancel()
	}
	t.spec.id, t.cancel = 0, nil
	if t.state == tailOpening || t.state == tailLive {
		t.state = tailEnded
	}
}

func (t *tail) opened(name string, err error) {
	if err != nil {
		t.state, t.err = tailFailed, err
	} else {
		t.state, t.name = tailLive, name
	}
	t.refreshHead()
}

// ended notes that the source stopped; err nil means it was exhausted (a
// file read to its end).
func (t *tail) ended(err error) {
	if err != nil {
		t.state, t.err = tailFailed, err
	} else {
		t.state = tailEnded
	}
	t.refreshHead()
}

// shown is the list on screen: the paused copy, or the live ring.
func (t *tail) shown() *flowList {
	if t.frozen != nil {
		return t.frozen
	}
	return t.live
}

// ingest appends a prepared batch. It is the whole cost of a batch in
// Update: storing pointers to the prepared records in the ring and
// testing the filter.
func (t *tail) ingest(p prepared, now time.Time) {
	trimmed := t.live.push(p.recs, p.natural, t.filter)
	t.total += int64(p.total)
	t.accept += int64(p.accept)
	t.reject += int64(p.reject)
	t.other += int64(p.other)
	t.lost += int64(p.lost)
	t.malformed += int64(p.malformed)
	t.cut += int64(p.cut)
	if p.source != "" {
		t.name = p.source
	}
	t.marks = append(t.marks, rateMark{at: now, n: p.total})
	t.measure(now)
	if t.frozen == nil {
		t.moved(trimmed)
	}
	t.relayout()
	t.refreshHead()
}

// moved keeps the cursor on its record after matches fell off the front,
// or on the newest record while following.
func (t *tail) moved(trimmed int) {
	n := t.shown().count()
	if t.follow {
		t.cursor = n - 1
	} else {
		t.cursor -= trimmed
		t.offset -= trimmed
	}
	t.clamp()
}

// measure recomputes records/s over the last rateWindow (less while the
// tail is younger), so the figure falls to 0 when the source goes quiet.
func (t *tail) measure(now time.Time) {
	cut := 0
	for cut < len(t.marks) && now.Sub(t.marks[cut].at) > rateWindow {
		cut++
	}
	t.marks = t.marks[cut:]
	n := 0
	for _, m := range t.marks {
		n += m.n
	}
	span := min(max(now.Sub(t.openedAt), time.Second), rateWindow)
	t.rate = float64(n) / span.Seconds()
}

func (t *tail) tick(now time.Time) {
	t.measure(now)
	t.refreshHead()
}

// dropped is every in-scope record no longer kept: overwritten in the
// ring, or beyond the ring's size within one batch.
func (t *tail) dropped() int64 { return t.live.evicted + t.cut }

func (t *tail) togglePause() {
	if t.frozen != nil {
		t.frozen = nil
		t.follow = true
		t.moved(0)
	} else {
		t.frozen = t.live.clone()
		t.follow = false
	}
	t.refreshHead()
}

func (t *tail) SetSize(w, h int) {
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
func (t *tail) relayout() {
	if t.w == t.laidW && t.live.natural == t.laidN {
		return
	}
	t.laidW, t.laidN = t.w, t.live.natural
	nat := t.live.natural
	if t.live.next == 0 {
		// No record yet: lay out for typical cells rather than titles,
		// so the first batch does not reshuffle the columns.
		for c := range nat {
			nat[c] = tailColumns[c].min
		}
	}
	t.layout = layoutTailColumns(nat, t.w)
}

func (t *tail) setDiagnosis(lines []string) {
	t.diagnosis = lines
	t.clamp()
	t.rebuildDiag()
}

// rebuildDiag fills the pager with the whole diagnosis when it is open.
func (t *tail) rebuildDiag() {
	if !t.diagOpen {
		return
	}
	t.pg.SetSize(t.w, max(t.h-1, 1))
	lines := make([]string, len(t.diagnosis))
	for i, l := range t.diagnosis {
		lines[i] = cells.Clean(l, t.env.ASCII)
	}
	t.pg.SetLines(lines)
}

// showDiagnosis takes a diagnosis of the path's records (or why it
// failed) and formats its lines for the width.
func (t *tail) showDiagnosis(d *checks.Diagnosis, err error) {
	t.diag, t.diagErr = d, err
	t.refreshDiagnosis()
}

// refreshDiagnosis formats the diagnosis again (a new width); lines set
// through setDiagnosis alone are kept as they are.
func (t *tail) refreshDiagnosis() {
	if t.diag == nil && t.diagErr == nil {
		return
	}
	lines, tone := diagnosisLines(t.env, t.diag, t.diagErr, t.window, t.loc, max(t.w, 1))
	t.diagTone = tone
	t.setDiagnosis(lines)
}

// refreshHead formats the title and the counters.
func (t *tail) refreshHead() {
	e := t.env
	st := e.Styles
	g := e.Glyphs
	w := max(t.w, 1)
	dot := st.Subtle.Render(" " + g.Dot + " ")
	name := cells.Clean(t.name, e.ASCII)
	if name == "" {
		name = "flow logs"
	}
	title := st.Accent.Render(name)
	if t.spec.target.Label != "" || t.name != "" {
		title += dot + st.Title.Render(t.spec.target.Label)
	}
	var state string
	switch {
	case t.state == tailFailed:
		state = st.Error.Render(g.Fail + " FAILED")
	case t.state == tailOpening:
		state = st.Pending.Render("OPENING" + g.Ellipsis)
	case t.frozen != nil:
		state = st.Warn.Render("PAUSED")
	case t.state == tailEnded:
		state = st.Subtle.Render("ENDED")
	default:
		state = st.OK.Render("LIVE")
	}
	parts := []string{state, st.Text.Render(fmt.Sprintf("%s rec/s", commas(int64(t.rate+0.5))))}
	parts = append(parts, st.Text.Render("accept "+commas(t.accept)))
	rej := "reject " + commas(t.reject)
	if t.reject > 0 {
		parts = append(parts, st.Fail.Render(rej))
	} else {
		parts = append(parts, st.Text.Render(rej))
	}
	parts = append(parts, st.Subtle.Render("dropped "+commas(t.dropped())))
	if !t.filter.empty() {
		parts = append(parts, st.Accent.Render(fmt.Sprintf("shown %s/%s", commas(int64(t.shown().count())), commas(int64(t.shown().size())))))
	}
	if t.lost > 0 {
		parts = append(parts, st.Warn.Render("lost "+commas(t.lost)))
	}
	if t.malformed > 0 {
		parts = append(parts, st.Warn.Render("malformed "+commas(t.malformed)))
	}
	if t.other > 0 {
		parts = append(parts, st.Subtle.Render("other traffic "+commas(t.other)))
	}
	t.head = []string{cells.Truncate(title, w, g.Ellipsis), cells.Truncate(strings.Join(parts, dot), w, g.Ellipsis)}
}

// listHeight is the rows left for records.
func (t *tail) listHeight() int {
	return max(t.h-len(t.head)-t.diagRoom()-1-t.filterRoom(), 1)
}

// diagRoom is the lines the diagnosis gets above the records: all of it
// when it is short, otherwise a third of the screen, the last line saying
// that e shows the rest.
func (t *tail) diagRoom() int { return min(len(t.diagnosis), max(t.h/3, 3)) }

// diagLines are the diagnosis lines drawn above the records.
func (t *tail) diagLines() []string {
	room := t.diagRoom()
	lines := t.diagnosis[:room]
	if room < len(t.diagnosis) {
		more := fmt.Sprintf("%s %d more lines: e shows the whole diagnosis", t.env.Glyphs.Arrow, len(t.diagnosis)-room+1)
		lines = append(slices.Clone(lines[:room-1]), more)
	}
	return lines
}

// filterRoom is the lines below the rows: the filter, and why the last
// query was refused.
func (t *tail) filterRoom() int {
	n := 0
	if t.typing || t.filterText != "" {
		n++
	}
	if t.filterErr != "" {
		n++
	}
	return n
}

func (t *tail) clamp() {
	n := t.shown().count()
	t.cursor = max(min(t.cursor, n-1), 0)
	lh := t.listHeight()
	if t.follow {
		t.offset = n - lh
	}
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if t.cursor >= t.offset+lh {
		t.offset = t.cursor - lh + 1
	}
	t.offset = max(min(t.offset, n-lh), 0)
}

// move goes d rows; the bottom row follows the newest record again.
func (t *tail) move(d int) {
	n := t.shown().count()
	t.cursor = max(min(t.cursor+d, n-1), 0)
	t.follow = t.frozen == nil && t.cursor >= n-1
	t.clamp()
}

// setFilter parses and applies the filter; a query that does not parse
// keeps the previous filter and says why.
func (t *tail) setFilter(q string) {
	t.filterText = q
	f, err := parseFlowFilter(q)
	if err != nil {
		t.filterErr = "not applied: " + err.Error()
		t.clamp()
		return
	}
	t.filterErr = ""
	var keep uint64
	had := t.shown().count() > 0
	if had {
		keep = t.shown().rowSeq(t.cursor)
	}
	t.filter = f
	t.live.refilter(f)
	if t.frozen != nil {
		t.frozen.refilter(f)
	}
	if had && !t.follow {
		t.cursor = t.shown().index(keep)
	}
	t.moved(0)
	t.refreshHead()
}

func (t *tail) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
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
		if v := t.input.Value(); v != t.filterText {
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
	if t.attrOpen {
		switch {
		case key.Matches(km, k.Global.Back):
			t.attrOpen = false
		case key.Matches(km, k.Evidence.Copy):
			if t.attr == nil || t.attr.Fix == "" {
				return nil, screen.Note{Text: "no fix to copy for this record"}
			}
			return nil, screen.CopyText{Text: t.attr.Fix, What: "the fix"}
		default:
			t.pg.ScrollKey(km)
		}
		return nil, nil
	}
	switch {
	case key.Matches(km, k.Tail.Diagnosis):
		if len(t.diagnosis) == 0 {
			return nil, screen.Note{Text: "no diagnosis yet: it comes with the records of a path's tail"}
		}
		t.diagOpen = true
		t.rebuildDiag()
		return nil, nil
	case key.Matches(km, k.Tail.Pause):
		t.togglePause()
	case key.Matches(km, k.Tail.Filter):
		t.typing = true
		t.input.SetValue(t.filterText)
		t.input.CursorEnd()
		return t.input.Focus(), nil
	case key.Matches(km, k.Tail.Enter):
		if t.shown().count() == 0 {
			return nil, nil
		}
		return nil, screen.AttributeRecord{Flow: t.shown().row(t.cursor).flow}
	case key.Matches(km, k.Global.Back):
		if t.filterText != "" {
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

func (t *tail) listKey(km tea.KeyPressMsg) {
	k := t.env.Keys.List
	lh := t.listHeight()
	n := t.shown().count()
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

// showAttribution opens the attribution view of a record; the result
// arrives later (attributed) unless there is no network yet.
func (t *tail) showAttribution(f checks.Flow, run int, state attrState) {
	t.attrOpen = true
	t.attrFlow, t.attrRun, t.attrState = f, run, state
	t.attr, t.attrErr = nil, nil
	t.pg.Offset = 0
	t.rebuildAttr()
}

func (t *tail) attributed(msg tailAttrMsg) {
	if msg.run != t.attrRun {
		return // an older enter, or the network changed since
	}
	t.attrState = attrDone
	t.attr, t.attrErr = &msg.attr, msg.err
	if msg.err != nil {
		t.attr = nil
	}
	t.rebuildAttr()
}

func (t *tail) rebuildAttr() {
	if !t.attrOpen {
		return
	}
	t.pg.SetSize(t.w, max(t.h-1, 1))
	t.pg.SetLines(attributionLines(t.env, t.attrFlow, t.attr, t.attrErr, t.attrState, t.cat, t.loc, t.w))
}

// View draws exactly h lines: the title, the counters, the diagnosis, the
// column titles, the visible rows and the filter line.
func (t *tail) View() string {
	e := t.env
	st := e.Styles
	if t.diagOpen {
		head := st.Title.Render("diagnosis") + "  " + st.Subtle.Render("what the path's records show "+e.Glyphs.Dot+" esc back")
		return cells.Truncate(head, t.w, e.Glyphs.Ellipsis) + "\n" + t.pg.View()
	}
	if t.attrOpen {
		head := st.Title.Render("attribution") + "  " + st.Subtle.Render("why the configuration explains this record "+e.Glyphs.Dot+" y copies the fix "+e.Glyphs.Dot+" esc back")
		return cells.Truncate(head, t.w, e.Glyphs.Ellipsis) + "\n" + t.pg.View()
	}
	lines := make([]string, 0, t.h)
	lines = append(lines, t.head...)
	tone := st.Warn
	switch t.diagTone {
	case toneOK:
		tone = st.OK
	case toneWait:
		tone = st.Pending
	case toneError:
		tone = st.Error
	}
	for _, d := range t.diagLines() {
		lines = append(lines, tone.Render(cells.Truncate(cells.Clean(d, e.ASCII), t.w, e.Glyphs.Ellipsis)))
	}
	lines = append(lines, tailHeader(e, t.layout, t.w))
	l := t.shown()
	lh := t.listHeight()
	if l.count() == 0 {
		for _, s := range t.emptyLines() {
			lines = append(lines, cells.Truncate(s, t.w, e.Glyphs.Ellipsis))
		}
	}
	for i := t.offset; i < l.count() && i < t.offset+lh; i++ {
		lines = append(lines, tailRow(e, l.row(i), t.layout, t.w, i == t.cursor, t.cat))
	}
	bodyEnd := len(t.head) + t.diagRoom() + 1 + lh
	for len(lines) < bodyEnd {
		lines = append(lines, "")
	}
	lines = lines[:min(len(lines), bodyEnd)]
	if t.filterErr != "" {
		lines = append(lines, cells.Truncate(st.Error.Render(cells.Clean(t.filterErr, e.ASCII)), t.w, e.Glyphs.Ellipsis))
	}
	if t.typing || t.filterText != "" {
		lines = append(lines, t.filterLine())
	}
	for len(lines) < t.h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:min(len(lines), t.h)], "\n")
}

// emptyLines say why there is no row to draw.
func (t *tail) emptyLines() []string {
	st := t.env.Styles
	switch {
	case t.state == tailFailed && t.err != nil:
		var out []string
		for _, l := range cells.Wrap(cells.FirstLine(cells.FromEngine(t.err.Error(), t.env.ASCII)), max(t.w, 10), "  ") {
			out = append(out, st.Error.Render(l))
		}
		return out
	case t.state == tailOpening:
		return []string{st.Pending.Render("opening the flow logs of " + t.spec.target.Label + t.env.Glyphs.Ellipsis)}
	case t.live.size() > 0 && !t.filter.empty():
		return []string{st.Subtle.Render(fmt.Sprintf("no record matches %q", t.filterText))}
	case t.state == tailEnded:
		return []string{st.Subtle.Render("the source ended without a record for this target")}
	}
	return []string{
		st.Subtle.Render("waiting for flow records" + t.env.Glyphs.Ellipsis),
		st.Subtle.Render("flow logs publish each interface's records after their aggregation interval (1 or 10 minutes)"),
	}
}

func (t *tail) filterLine() string {
	st := t.env.Styles
	var f string
	if t.typing {
		f = t.input.View()
	} else {
		f = st.Accent.Render("/" + cells.Clean(t.filterText, t.env.ASCII))
	}
	return cells.Truncate(f, t.w, t.env.Glyphs.Ellipsis)
}

func (t *tail) ShortHelp() []key.Binding {
	k := t.env.Keys
	switch {
	case t.typing:
		return []key.Binding{k.Filter.Apply, k.Filter.Clear}
	case t.attrOpen:
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

func (t *tail) FullHelp() [][]key.Binding {
	k := t.env.Keys
	return [][]key.Binding{
		{k.Tail.Pause, k.Tail.Filter, k.Filter.Apply, k.Filter.Clear, k.Tail.Enter, k.Tail.Diagnosis, k.Evidence.Copy, k.Global.Back},
		k.List.Bindings(),
	}
}
