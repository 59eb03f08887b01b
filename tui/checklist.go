package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/components/pager"
	"github.com/reachnet/reach/tui/screen"
)

// checklist shows one path: the verdict, one row per layer in the
// contract's order, the hops, and the evidence of the selected layer below
// (or full screen after enter).
type checklist struct {
	env  *screen.Env
	cat  *catalog.Catalog
	path screen.PathSpec
	// rep is the newest report for path; evalErr the newest error.
	rep     *checks.Report
	evalErr error
	// evaluating is true from the moment a run starts until its result.
	evaluating bool
	pending    map[checks.DataKind]bool
	rows       []layerRow
	prev       map[string]decided
	changed    map[string]time.Time
	cursor     int
	// moved is true once the user chose a layer; until then the cursor
	// follows the first failing layer as results arrive.
	moved bool
	// settled is true once a report with every layer decided arrived;
	// from then on the cursor stays where it is when a re-check flips the
	// verdict, so watch mode never moves it under the user.
	settled bool
	full    bool
	ev      pager.Model
	frame   int
	w, h    int
}

func newChecklist(e *screen.Env) *checklist {
	c := &checklist{env: e, ev: pager.Model{Env: e}}
	c.reset(screen.PathSpec{})
	return c
}

func (c *checklist) Title() string {
	if c.full && c.cursor < len(c.rows) {
		return "evidence: " + c.rows[c.cursor].name
	}
	return "checklist"
}

func (c *checklist) Capturing() bool { return c.ev.Typing }

// reset starts over for a new path: old results and flip marks belong to
// the old path.
func (c *checklist) reset(p screen.PathSpec) {
	c.path = p
	c.rep, c.evalErr = nil, nil
	c.evaluating = false
	c.prev = map[string]decided{}
	c.settled = false
	c.changed = map[string]time.Time{}
	c.cursor, c.moved, c.full = 0, false, false
	c.ev.Offset = 0
	c.refresh()
}

// started notes that a run began with the given pending kinds.
func (c *checklist) started(pending map[checks.DataKind]bool) {
	c.evaluating = true
	c.pending = pending
	c.refresh()
}

// result takes the outcome of a run; the root has already dropped stale
// ones.
func (c *checklist) result(rep *checks.Report, err error, pending map[checks.DataKind]bool, now time.Time) {
	c.evaluating = false
	c.pending = pending
	c.rep, c.evalErr = rep, err
	if err != nil {
		c.rep = nil
	}
	c.refresh()
	flips(c.prev, c.changed, c.rows, now)
	if !c.moved && !c.settled {
		for i, r := range c.rows {
			if r.status == screen.RowStatus(checks.StatusFail) {
				c.cursor = i
				break
			}
		}
	}
	c.settled = c.settled || c.rep != nil && !c.pendingAny()
	c.rebuildEvidence()
}

func (c *checklist) toHost() bool {
	// A Name tag ("app-1") parses as a host too, but names a resource;
	// only a dotted name goes to DNS.
	host, _, _ := strings.Cut(c.path.To, ":")
	e, err := checks.ParseEnd(host)
	return err == nil && e.Kind == checks.EndHost && strings.Contains(host, ".")
}

func (c *checklist) refresh() {
	rep, err := c.rep, c.evalErr
	if c.evaluating && rep == nil && err == nil {
		c.rows = layerRows(nil, nil, c.pending, c.toHost(), c.env.ASCII)
	} else {
		c.rows = layerRows(rep, err, c.pending, c.toHost(), c.env.ASCII)
	}
	for i := range c.rows {
		c.rows[i].changed = c.changed[c.rows[i].name]
	}
	c.cursor = max(min(c.cursor, len(c.rows)-1), 0)
	c.rebuildEvidence()
}

func (c *checklist) pendingAny() bool {
	for _, r := range c.rows {
		if r.status == screen.RowPending {
			return true
		}
	}
	return c.evaluating
}

// layout splits the height: the header block (path, verdict, rows, hops)
// and the evidence pane below it.
func (c *checklist) headerHeight() int {
	return 2 + len(c.rows) + c.hopsRoom() + 1
}

func (c *checklist) hopsRoom() int {
	if c.h >= 20 {
		return 2
	}
	return 1
}

func (c *checklist) SetSize(w, h int) {
	c.w, c.h = w, h
	c.rebuildEvidence()
}

func (c *checklist) rebuildEvidence() {
	if c.full {
		c.ev.SetSize(c.w, max(c.h-1, 1))
	} else {
		c.ev.SetSize(c.w, max(c.h-c.headerHeight(), 1))
	}
	if c.cursor >= len(c.rows) {
		c.ev.SetLines(nil)
		return
	}
	c.ev.SetLines(evidenceLines(c.env, c.rep, c.rows[c.cursor], c.cat, c.w))
}

func (c *checklist) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	// / filters the evidence, in the pane and full screen alike.
	if cmd, ok := c.ev.FilterKey(km); ok {
		return cmd, nil
	}
	k := c.env.Keys
	switch {
	case key.Matches(km, k.Global.Back):
		if c.ev.ClearFilter() {
			return nil, nil
		}
		if c.full {
			c.full = false
			c.rebuildEvidence()
			return nil, nil
		}
		return nil, screen.Back{}
	case key.Matches(km, k.Checklist.Copy):
		if c.cursor >= len(c.rows) {
			return nil, nil
		}
		fix := fixOf(c.rep, c.rows[c.cursor].name)
		if fix == "" {
			return nil, screen.Note{Text: "no fix to copy for " + c.rows[c.cursor].name}
		}
		return nil, screen.CopyText{Text: fix, What: "the fix for " + c.rows[c.cursor].name}
	case key.Matches(km, k.Tail.Open):
		return nil, screen.OpenTail{}
	case key.Matches(km, k.Checklist.Enter):
		if !c.full {
			c.full = true
			c.ev.Offset = 0
			c.rebuildEvidence()
		}
		return nil, nil
	}
	if c.full {
		c.ev.ScrollKey(km)
		return nil, nil
	}
	l := k.List
	switch {
	case key.Matches(km, l.Up):
		c.select_(c.cursor - 1)
	case key.Matches(km, l.Down):
		c.select_(c.cursor + 1)
	case key.Matches(km, l.Top):
		c.select_(0)
	case key.Matches(km, l.Bottom):
		c.select_(len(c.rows) - 1)
	case key.Matches(km, l.PageDown), key.Matches(km, l.PageUp):
		c.ev.ScrollKey(km)
	}
	return nil, nil
}

func (c *checklist) select_(i int) {
	i = max(min(i, len(c.rows)-1), 0)
	if i != c.cursor {
		c.cursor = i
		c.moved = true
		c.ev.Offset = 0
		c.rebuildEvidence()
	}
}

func (c *checklist) View() string {
	e := c.env
	st := e.Styles
	if c.full {
		head := ""
		if c.cursor < len(c.rows) {
			r := c.rows[c.cursor]
			head = e.Mark(r.status, c.frame) + " " + st.Title.Render(r.name) + "  " + st.Subtle.Render("evidence "+e.Glyphs.Dot+" y copies the fix "+e.Glyphs.Dot+" esc back")
		}
		return cells.Truncate(head, c.w, e.Glyphs.Ellipsis) + "\n" + c.ev.View()
	}
	lines := make([]string, 0, c.h)
	lines = append(lines, cells.Truncate(st.Title.Render(c.pathTitle()), c.w, e.Glyphs.Ellipsis))
	lines = append(lines, verdictLine(e, c.rep, c.evalErr, c.rows, c.pending, c.frame, c.w, c.cat))
	for i, r := range c.rows {
		lines = append(lines, checklistRow(e, r, c.w, c.frame, i == c.cursor))
	}
	hops := hopsLines(e, c.rep, c.cat, c.w, c.hopsRoom())
	lines = append(lines, hops...)
	for range c.hopsRoom() - len(hops) {
		lines = append(lines, "")
	}
	sel := ""
	if c.cursor < len(c.rows) {
		sel = c.rows[c.cursor].name
	}
	rule := e.Glyphs.Rule + e.Glyphs.Rule + " evidence: " + sel + " (enter: full screen, y: copy fix) "
	rule += strings.Repeat(e.Glyphs.Rule, max(c.w-cells.Width(rule), 0))
	lines = append(lines, st.Border.Render(cells.Truncate(rule, c.w, e.Glyphs.Ellipsis)))
	if len(lines) >= c.h {
		return strings.Join(lines[:c.h], "\n")
	}
	return strings.Join(lines, "\n") + "\n" + c.ev.View()
}

// pathTitle is the path with the names of its ends.
func (c *checklist) pathTitle() string {
	if c.path.Empty() {
		return "no path"
	}
	p := c.path
	from := p.From
	if h := c.endHint(p.From); h != "" {
		from += " (" + h + ")"
	}
	to := p.To
	if p.Port != 0 && !strings.Contains(to, ":") {
		to += ":" + strconv.Itoa(p.Port)
	}
	host, _, _ := strings.Cut(p.To, ":")
	if h := c.endHint(host); h != "" {
		to += " (" + h + ")"
	}
	return cells.Clean(from+" "+c.env.Glyphs.Arrow+" "+to+" "+p.Proto(), c.env.ASCII)
}

func (c *checklist) endHint(v string) string {
	if c.cat == nil {
		return ""
	}
	if n, ok := c.cat.Names[v]; ok {
		return n
	}
	if ids, ok := c.cat.ByName[v]; ok && len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func (c *checklist) ShortHelp() []key.Binding {
	k := c.env.Keys
	if c.full {
		return []key.Binding{k.Global.Help, k.List.Down, k.Evidence.Copy, k.Global.Back}
	}
	return []key.Binding{k.Global.Help, k.Checklist.Enter, k.Tail.Open, k.Checklist.Copy, k.Global.Refresh, k.Global.Watch, k.Global.Pick, k.Global.Back}
}

func (c *checklist) FullHelp() [][]key.Binding {
	k := c.env.Keys
	return [][]key.Binding{{k.Checklist.Enter, k.Checklist.Copy, k.Tail.Open, k.Evidence.Filter, k.Global.Back}, k.List.Bindings()}
}
