// Package checklist is the screen of one path: the verdict, one row per
// layer turning from pending to its status as data arrives, and the
// evidence (rules, hops, the fix) of the selected layer.
package checklist

import (
	"slices"
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

// Model shows one path: the verdict, one row per layer in the
// contract's order, the hops, and the evidence of the selected layer below
// (or full screen after enter).
type Model struct {
	env     *screen.Env
	Catalog *catalog.Catalog
	path    screen.PathSpec
	// Rep is the newest report for path; evalErr the newest error.
	Report  *checks.Report
	EvalErr error
	// Evaluating is true from the moment a run starts until its result.
	Evaluating bool
	Pending    map[checks.DataKind]bool
	Rows       []LayerRow
	prev       map[string]decided
	changed    map[string]time.Time
	Cursor     int
	// moved is true once the user chose a layer; until then the cursor
	// follows the first failing layer as results arrive.
	moved bool
	// settled is true once a report with every layer decided arrived;
	// from then on the cursor stays where it is when a re-check flips the
	// verdict, so watch mode never moves it under the user.
	settled  bool
	full     bool
	Evidence pager.Model
	// base is the newest report as the engine gave it; Report is base
	// with the second opinion, when there is one, diffed in.
	base *checks.Report
	// analyzer is Reachability Analyzer's answer for this path;
	// analyzerRunning is true while it is being asked.
	analyzer        *checks.AnalyzerResult
	analyzerRunning bool
	Frame           int
	w, h            int
}

func New(e *screen.Env) *Model {
	c := &Model{env: e, Evidence: pager.Model{Env: e}}
	c.Reset(screen.PathSpec{})
	return c
}

func (c *Model) Title() string {
	if c.full && c.Cursor < len(c.Rows) {
		return "evidence: " + c.Rows[c.Cursor].Name
	}
	return "checklist"
}

func (c *Model) Capturing() bool { return c.Evidence.Typing }

// Reset starts over for a new path: old results and flip marks belong to
// the old path.
func (c *Model) Reset(p screen.PathSpec) {
	c.path = p
	c.Report, c.EvalErr, c.base = nil, nil, nil
	c.analyzer, c.analyzerRunning = nil, false
	c.Evaluating = false
	c.prev = map[string]decided{}
	c.settled = false
	c.changed = map[string]time.Time{}
	c.Cursor, c.moved, c.full = 0, false, false
	c.Evidence.Offset = 0
	c.Refresh()
}

// Started notes that a run began with the given pending kinds.
func (c *Model) Started(pending map[checks.DataKind]bool) {
	c.Evaluating = true
	c.Pending = pending
	c.Refresh()
}

// Result takes the outcome of a run; the root has already dropped stale
// ones.
func (c *Model) Result(rep *checks.Report, err error, pending map[checks.DataKind]bool, now time.Time) {
	c.Evaluating = false
	c.Pending = pending
	c.base, c.EvalErr = rep, err
	if err != nil {
		c.base = nil
	}
	c.withAnalyzer()
	c.Refresh()
	flips(c.prev, c.changed, c.Rows, now)
	if !c.moved && !c.settled {
		for i, r := range c.Rows {
			if r.Status == screen.RowStatus(checks.StatusFail) {
				c.Cursor = i
				break
			}
		}
	}
	c.settled = c.settled || c.Report != nil && !c.PendingAny()
	c.rebuildEvidence()
}

// AnalyzerStarted shows the analyzer's row as pending until its answer.
func (c *Model) AnalyzerStarted() {
	c.analyzerRunning = true
	c.Refresh()
}

// SetAnalyzer takes Reachability Analyzer's answer for this path; every
// later report of the path is diffed against it too.
func (c *Model) SetAnalyzer(res checks.AnalyzerResult) {
	c.analyzer, c.analyzerRunning = &res, false
	c.withAnalyzer()
	c.Refresh()
}

// AnalyzerRunning reports whether the analyzer is being asked.
func (c *Model) AnalyzerRunning() bool { return c.analyzerRunning }

// withAnalyzer derives Report from base: a copy with the analyzer's row
// and diff, never a change to the engine's report.
func (c *Model) withAnalyzer() {
	if c.base == nil || c.analyzer == nil {
		c.Report = c.base
		return
	}
	rep := *c.base
	rep.Layers = slices.Clone(c.base.Layers)
	res := *c.analyzer
	checks.CompareAnalyzer(&rep, &res)
	c.Report = &rep
}

func (c *Model) toHost() bool {
	// A Name tag ("app-1") parses as a host too, but names a resource;
	// only a dotted name goes to DNS.
	host, _, _ := strings.Cut(c.path.To, ":")
	e, err := checks.ParseEnd(host)
	return err == nil && e.Kind == checks.EndHost && strings.Contains(host, ".")
}

func (c *Model) Refresh() {
	rep, err := c.Report, c.EvalErr
	if c.Evaluating && rep == nil && err == nil {
		c.Rows = layerRows(nil, nil, c.Pending, c.toHost(), c.env.ASCII)
	} else {
		c.Rows = layerRows(rep, err, c.Pending, c.toHost(), c.env.ASCII)
	}
	if c.analyzerRunning && !slices.ContainsFunc(c.Rows, func(r LayerRow) bool { return r.Name == checks.LayerReachabilityAnalyzer }) {
		c.Rows = append(c.Rows, LayerRow{Name: checks.LayerReachabilityAnalyzer, Status: screen.RowPending, summary: "asking Reachability Analyzer"})
	}
	for i := range c.Rows {
		c.Rows[i].Changed = c.changed[c.Rows[i].Name]
		c.Rows[i].Differs = len(layerChanges(c.Report, c.Rows[i].Name)) > 0
	}
	c.Cursor = max(min(c.Cursor, len(c.Rows)-1), 0)
	c.rebuildEvidence()
}

func (c *Model) PendingAny() bool {
	for _, r := range c.Rows {
		if r.Status == screen.RowPending {
			return true
		}
	}
	return c.Evaluating
}

// layout splits the height: the header block (path, verdict, rows, hops)
// and the evidence pane below it.
func (c *Model) headerHeight() int {
	return 2 + len(c.Rows) + c.hopsRoom() + 1
}

func (c *Model) hopsRoom() int {
	if c.h >= 20 {
		return 2
	}
	return 1
}

func (c *Model) SetSize(w, h int) {
	c.w, c.h = w, h
	c.rebuildEvidence()
}

func (c *Model) rebuildEvidence() {
	if c.full {
		c.Evidence.SetSize(c.w, max(c.h-1, 1))
	} else {
		c.Evidence.SetSize(c.w, max(c.h-c.headerHeight(), 1))
	}
	if c.Cursor >= len(c.Rows) {
		c.Evidence.SetLines(nil)
		return
	}
	c.Evidence.SetLines(evidenceLines(c.env, c.Report, c.Rows[c.Cursor], c.Catalog, c.w))
}

func (c *Model) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	// / filters the evidence, in the pane and full screen alike.
	if cmd, ok := c.Evidence.FilterKey(km); ok {
		return cmd, nil
	}
	k := c.env.Keys
	switch {
	case key.Matches(km, k.Global.Back):
		if c.Evidence.ClearFilter() {
			return nil, nil
		}
		if c.full {
			c.full = false
			c.rebuildEvidence()
			return nil, nil
		}
		return nil, screen.Back{}
	case key.Matches(km, k.Checklist.Copy):
		if c.Cursor >= len(c.Rows) {
			return nil, nil
		}
		fix := fixOf(c.Report, c.Rows[c.Cursor].Name)
		if fix == "" {
			return nil, screen.Note{Text: "no fix to copy for " + c.Rows[c.Cursor].Name}
		}
		return nil, screen.CopyText{Text: fix, What: "the fix for " + c.Rows[c.Cursor].Name}
	case key.Matches(km, k.Tail.Open):
		return nil, screen.OpenTail{}
	case key.Matches(km, k.Checklist.Analyzer):
		return nil, screen.AskAnalyzer{}
	case key.Matches(km, k.Checklist.History):
		if c.Cursor >= len(c.Rows) || c.Report == nil {
			return nil, screen.Note{Text: "wait for the checklist's verdict, then press " + k.Checklist.History.Help().Key + " again"}
		}
		layer := c.Rows[c.Cursor].Name
		ids := LayerComponents(c.Report, layer)
		if len(ids) == 0 {
			return nil, screen.Note{Text: "no resource decides " + layer + " on this path: no history to read"}
		}
		return nil, screen.OpenHistory{Layer: layer, Components: ids}
	case key.Matches(km, k.Checklist.Enter):
		if p, ok := c.targetPath(); ok && !c.full {
			return nil, screen.CheckPath{Path: p}
		}
		if !c.full {
			c.full = true
			c.Evidence.Offset = 0
			c.rebuildEvidence()
		}
		return nil, nil
	}
	if c.full {
		c.Evidence.ScrollKey(km)
		return nil, nil
	}
	l := k.List
	switch {
	case key.Matches(km, l.Up):
		c.select_(c.Cursor - 1)
	case key.Matches(km, l.Down):
		c.select_(c.Cursor + 1)
	case key.Matches(km, l.Top):
		c.select_(0)
	case key.Matches(km, l.Bottom):
		c.select_(len(c.Rows) - 1)
	case key.Matches(km, l.PageDown), key.Matches(km, l.PageUp):
		c.Evidence.ScrollKey(km)
	}
	return nil, nil
}

// targetPath is the leg of the selected target as a path of its own,
// from the load balancer's interface to the target.
func (c *Model) targetPath() (screen.PathSpec, bool) {
	if c.Cursor >= len(c.Rows) || c.Rows[c.Cursor].Target == nil || c.Rows[c.Cursor].Target.Leg == nil {
		return screen.PathSpec{}, false
	}
	t := c.Rows[c.Cursor].Target
	leg := t.Leg
	to := leg.Destination.ENI
	if to == "" {
		to = leg.Destination.Address
	}
	if leg.Source.ENI == "" || to == "" {
		return screen.PathSpec{}, false
	}
	return screen.PathSpec{From: leg.Source.ENI, To: to, Port: t.Port, Protocol: leg.Protocol}, true
}

func (c *Model) select_(i int) {
	i = max(min(i, len(c.Rows)-1), 0)
	if i != c.Cursor {
		c.Cursor = i
		c.moved = true
		c.Evidence.Offset = 0
		c.rebuildEvidence()
	}
}

func (c *Model) View() string {
	e := c.env
	st := e.Styles
	if c.full {
		head := ""
		if c.Cursor < len(c.Rows) {
			r := c.Rows[c.Cursor]
			head = e.Mark(r.Status, c.Frame) + " " + st.Title.Render(r.Name) + "  " + st.Subtle.Render("evidence "+e.Glyphs.Dot+" y copies the fix "+e.Glyphs.Dot+" esc back")
		}
		return cells.Truncate(head, c.w, e.Glyphs.Ellipsis) + "\n" + c.Evidence.View()
	}
	lines := make([]string, 0, c.h)
	lines = append(lines, cells.Truncate(st.Title.Render(c.pathTitle()), c.w, e.Glyphs.Ellipsis))
	lines = append(lines, verdictLine(e, c.Report, c.EvalErr, c.Rows, c.Pending, c.Frame, c.w, c.Catalog))
	for i, r := range c.Rows {
		lines = append(lines, checklistRow(e, r, c.w, c.Frame, i == c.Cursor))
	}
	hops := hopsLines(e, c.Report, c.Catalog, c.w, c.hopsRoom())
	lines = append(lines, hops...)
	for range c.hopsRoom() - len(hops) {
		lines = append(lines, "")
	}
	sel := ""
	if c.Cursor < len(c.Rows) {
		sel = c.Rows[c.Cursor].Name
	}
	rule := e.Glyphs.Rule + e.Glyphs.Rule + " evidence: " + sel + " (enter: full screen, y: copy fix) "
	rule += strings.Repeat(e.Glyphs.Rule, max(c.w-cells.Width(rule), 0))
	lines = append(lines, st.Border.Render(cells.Truncate(rule, c.w, e.Glyphs.Ellipsis)))
	if len(lines) >= c.h {
		return strings.Join(lines[:c.h], "\n")
	}
	return strings.Join(lines, "\n") + "\n" + c.Evidence.View()
}

// pathTitle is the path with the names of its ends.
func (c *Model) pathTitle() string {
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

func (c *Model) endHint(v string) string {
	if c.Catalog == nil {
		return ""
	}
	if n, ok := c.Catalog.Names[v]; ok {
		return n
	}
	if ids, ok := c.Catalog.ByName[v]; ok && len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func (c *Model) ShortHelp() []key.Binding {
	k := c.env.Keys
	if c.full {
		return []key.Binding{k.Global.Help, k.List.Down, k.Evidence.Copy, k.Global.Back}
	}
	return []key.Binding{k.Global.Help, k.Checklist.Enter, k.Tail.Open, k.Checklist.Copy, k.Global.Refresh, k.Global.Watch, k.Global.Pick, k.Global.Back}
}

func (c *Model) FullHelp() [][]key.Binding {
	k := c.env.Keys
	return [][]key.Binding{{k.Checklist.Enter, k.Checklist.Copy, k.Tail.Open, k.Checklist.History, k.Checklist.Analyzer, k.Evidence.Filter, k.Global.Back}, k.List.Bindings()}
}
