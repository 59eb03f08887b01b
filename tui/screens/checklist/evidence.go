package checklist

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// Pure renderers of the checklist: rows, the verdict, the hops and the
// evidence of one layer. They take everything they draw as arguments, so
// their golden files pin the output at each width.

const (
	markW = 1
	wordW = 7
	nameW = 17
)

// checklistRow draws one layer: cursor, mark, status word, name, summary,
// and the time it flipped when it did.
func checklistRow(e *screen.Env, r LayerRow, w int, frame int, selected bool) string {
	p := &e.Paint
	cur := "  "
	if selected {
		cur = p.Accent.On(e.Glyphs.Cursor) + " "
	}
	name := cells.Fit(r.Name, nameW, e.Glyphs.Ellipsis)
	switch {
	case selected:
		name = p.Sel.On(name)
	case r.Status == screen.RowStatus(checks.StatusFail):
		name = p.Fail.On(name)
	default:
		name = p.Text.On(name)
	}
	word := e.Word(r.Status)
	word += strings.Repeat(" ", max(wordW-cells.Width(word), 0))
	fixed := 2 + markW + 1 + wordW + 1 + nameW + 1
	rest := max(w-fixed, 0)
	tag := ""
	switch {
	case r.Differs && !r.Changed.IsZero():
		tag = " changed since baseline, flipped " + r.Changed.Format("15:04:05")
	case r.Differs:
		tag = " changed since baseline"
	case !r.Changed.IsZero():
		tag = " changed " + r.Changed.Format("15:04:05")
	}
	summary := cells.FromEngine(r.summary, e.ASCII)
	if r.Status == screen.RowPending && summary == "" {
		summary = "waiting for data"
	}
	sumW := max(rest-cells.Width(tag), 0)
	summary = cells.Truncate(summary, sumW, e.Glyphs.Ellipsis)
	line := cur + e.Mark(r.Status, frame) + " " + word + " " + name + " " + p.Subtle.On(summary)
	if tag != "" {
		line += strings.Repeat(" ", max(sumW-cells.Width(summary), 0)) + p.Changed.On(cells.Truncate(tag, rest, e.Glyphs.Ellipsis))
	}
	return line
}

// verdictLine says where the whole path stands.
func verdictLine(e *screen.Env, rep *checks.Report, evalErr error, rows []LayerRow, pending map[checks.DataKind]bool, frame int, w int, c *catalog.Catalog) string {
	st := e.Styles
	npending := 0
	for _, r := range rows {
		if r.Status == screen.RowPending {
			npending++
		}
	}
	var line string
	switch {
	case npending > 0 && (rep != nil || evalErr == nil || WaitsForData(evalErr, pending)):
		what := "evaluating"
		if len(pending) > 0 {
			what = fmt.Sprintf("waiting for %d kinds of data", len(pending))
		}
		line = e.Mark(screen.RowPending, frame) + " " + st.Pending.Render("CHECKING") + "  " + st.Subtle.Render(what)
	case evalErr != nil:
		line = st.Error.Render(e.Glyphs.Fail+" cannot check: ") + st.Error.Render(cells.FromEngine(evalErr.Error(), e.ASCII))
	case rep == nil:
		line = st.Subtle.Render("no path chosen: press p, or s and d in the ENI list")
	case rep.Verdict == checks.Reachable:
		line = st.OK.Render(e.Glyphs.Pass + " REACHABLE")
	case rep.Verdict == checks.Unreachable:
		line = st.Fail.Render(e.Glyphs.Fail + " UNREACHABLE")
		if b := rep.BlockedBy; b != nil {
			line += "  " + st.Text.Render(fmt.Sprintf("blocked by %s %s (%s)", b.Layer, c.Short(b.Component), b.Direction))
		}
	default:
		line = st.Unknown.Render(e.Glyphs.Unknown+" UNKNOWN") + "  " + st.Subtle.Render("data is missing; see the layers marked ?")
	}
	if rep != nil && rep.Exit != nil && evalErr == nil {
		line += st.Subtle.Render(fmt.Sprintf("  exits via %s (%s)", c.Label(rep.Exit.Gateway), rep.Exit.Kind))
	}
	return cells.Truncate(line, w, e.Glyphs.Ellipsis)
}

// hopsLines draws the request's hops as one line of names, wrapped into at
// most maxLines lines.
func hopsLines(e *screen.Env, rep *checks.Report, c *catalog.Catalog, w, maxLines int) []string {
	if rep == nil || len(rep.Hops) == 0 || maxLines <= 0 {
		return nil
	}
	parts := make([]string, len(rep.Hops))
	for i, h := range rep.Hops {
		parts[i] = c.Short(h.Component)
	}
	text := "path: " + strings.Join(parts, " "+e.Glyphs.Arrow+" ")
	lines := cells.Wrap(text, w, "      ")
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		last := lines[maxLines-1]
		lines[maxLines-1] = cells.Truncate(last+" "+e.Glyphs.Ellipsis, w, e.Glyphs.Ellipsis)
	}
	for i := range lines {
		lines[i] = e.Styles.Subtle.Render(lines[i])
	}
	return lines
}

// evidenceLines renders what a layer evaluated: its findings (the plain
// sentence, the code, the fix), then every decision by direction with the
// rules it looked at and the one that decided highlighted, then the
// report's notes.
func evidenceLines(e *screen.Env, rep *checks.Report, row LayerRow, c *catalog.Catalog, w int) []string {
	st := e.Styles
	var out []string
	add := func(s string) { out = append(out, s) }
	if rep == nil {
		if row.Status == screen.RowPending {
			add(st.Pending.Render("waiting for the data this layer reads"))
		}
		return out
	}
	if row.Target != nil {
		return targetEvidence(e, row.Target, w)
	}
	l := rep.Layer(row.Name)
	if l == nil {
		add(st.Subtle.Render(row.Name + " was not evaluated for this path"))
		return out
	}
	for _, s := range cells.Wrap(cells.FromEngine(l.Summary, e.ASCII), w, "  ") {
		add(st.Text.Render(s))
	}
	// What changed since the baseline is the first question after "what
	// blocks": it comes right under the summary.
	out = append(out, baselineLines(e, rep, row.Name, w)...)
	if l.Name == checks.LayerReachabilityAnalyzer && rep.Analyzer != nil {
		return append(out, analyzerLines(e, rep.Analyzer, c, w)...)
	}
	for _, f := range l.Findings {
		add("")
		sev := st.Subtle
		glyph := e.Glyphs.Dot
		switch f.Severity {
		case checks.SeverityBlock:
			sev, glyph = st.Fail, e.Glyphs.Fail
		case checks.SeverityWarn:
			sev, glyph = st.Warn, e.Glyphs.Warn
		case checks.SeverityUnknown:
			sev, glyph = st.Unknown, e.Glyphs.Unknown
		}
		head := fmt.Sprintf("%s %s %s %s (%s)", glyph, f.Severity, f.Code, c.Label(f.Component), f.Direction)
		add(sev.Render(cells.Truncate(cells.FromEngine(head, e.ASCII), w, e.Glyphs.Ellipsis)))
		if f.Rule != "" {
			for _, s := range cells.Wrap("rule: "+cells.FromEngine(f.Rule, e.ASCII), w-2, "  ") {
				add("  " + st.Matched.Render(s))
			}
		}
		for _, s := range cells.Wrap(cells.FromEngine(f.Detail, e.ASCII), w-2, "  ") {
			add("  " + st.Text.Render(s))
		}
		if f.Fix != "" {
			for _, s := range cells.Wrap("fix: "+cells.FromEngine(f.Fix, e.ASCII), w-2, "     ") {
				add("  " + st.Accent.Render(s))
			}
		}
		if f.FixCheck != nil {
			for _, s := range cells.Wrap(cells.FromEngine(f.FixCheck.String(), e.ASCII), w-2, "     ") {
				add("  " + st.Subtle.Render(s))
			}
		}
	}
	var dir checks.Direction
	for _, d := range l.Decisions {
		if d.Direction != dir {
			dir = d.Direction
			label := "request (forward)"
			if dir == checks.Return {
				label = "reply (return)"
			}
			add("")
			add(st.Header.Render(label))
		}
		out = append(out, DecisionLines(e, d, c, w)...)
	}
	if len(rep.Notes) > 0 {
		add("")
		for _, n := range rep.Notes {
			for _, s := range cells.Wrap("note: "+cells.FromEngine(n, e.ASCII), w, "      ") {
				add(st.Subtle.Render(s))
			}
		}
	}
	return out
}

func DecisionLines(e *screen.Env, d checks.Decision, c *catalog.Catalog, w int) []string {
	st := e.Styles
	var out []string
	outcome := st.Subtle
	switch d.Outcome {
	case "allow", "forward":
		outcome = st.OK
	case "deny", "drop":
		outcome = st.Fail
	case "unknown":
		outcome = st.Unknown
	}
	head := c.Label(d.Component)
	if d.Step != "" {
		head += "  " + cells.FromEngine(d.Step, e.ASCII)
	}
	out = append(out, " "+st.Accent.Render(cells.Truncate(head, w-1, e.Glyphs.Ellipsis)))
	verdict := fmt.Sprintf("   %-7s ", d.Outcome)
	rule := c.GroupNames(cells.FromEngine(d.Rule, e.ASCII))
	for i, s := range cells.Wrap(rule, max(w-len(verdict), 1), "  ") {
		if i == 0 {
			out = append(out, outcome.Render(verdict)+st.Text.Render(s))
		} else {
			out = append(out, strings.Repeat(" ", len(verdict))+st.Text.Render(s))
		}
	}
	// Rules wrap rather than truncate: two rules that differ only at
	// their end must not look the same at 80 columns.
	for _, r := range d.Rules {
		text := c.GroupNames(cells.FromEngine(r.Text, e.ASCII))
		style, mark := st.Subtle, "  "
		if r.Matched {
			style, mark = st.Matched, e.Glyphs.Match+" "
		}
		for i, s := range cells.Wrap(mark+text, max(w-5, 1), "    ") {
			if i > 0 {
				s = strings.TrimPrefix(s, "  ")
			}
			out = append(out, "     "+style.Render(s))
		}
	}
	return out
}

// fixOf returns the fix to copy for a layer: the first blocking finding's,
// else the first finding's that has one.
func fixOf(rep *checks.Report, layer string) string {
	if rep == nil {
		return ""
	}
	l := rep.Layer(layer)
	if l == nil {
		return ""
	}
	for _, f := range l.Findings {
		if f.Severity == checks.SeverityBlock && f.Fix != "" {
			return f.Fix
		}
	}
	for _, f := range l.Findings {
		if f.Fix != "" {
			return f.Fix
		}
	}
	return ""
}

// decided is what a layer said: its status and the rule that decided it.
// A layer changed only when one of them did.
type decided struct {
	status screen.RowStatus
	rule   string
}

// flips compares what each layer decided before and after a report and
// sets the time of each change on the rows, carried over or now.
func flips(prev map[string]decided, changed map[string]time.Time, rows []LayerRow, now time.Time) {
	for i := range rows {
		r := &rows[i]
		if r.Status == screen.RowPending || r.Status == screen.RowNone {
			r.Changed = changed[r.Name]
			continue
		}
		d := decided{status: r.Status, rule: r.summary}
		if p, ok := prev[r.Name]; ok && p != d {
			changed[r.Name] = now
		}
		prev[r.Name] = d
		r.Changed = changed[r.Name]
	}
}

// analyzerLines is the evidence of the second opinion: how it ended, what
// was left in the account, each explanation on reach's layer, and each
// difference with both sides.
func analyzerLines(e *screen.Env, a *checks.AnalyzerResult, c *catalog.Catalog, w int) []string {
	st := e.Styles
	var out []string
	wrap := func(style lipgloss.Style, text, indent string) {
		for _, s := range cells.Wrap(cells.FromEngine(text, e.ASCII), w, indent) {
			out = append(out, style.Render(s))
		}
	}
	out = append(out, "")
	head := "status " + string(a.Status)
	if a.AnalysisID != "" {
		head += ", analysis " + a.AnalysisID
	}
	if a.CleanedUp {
		wrap(st.Subtle, head+"; cleaned up", "  ")
	} else {
		wrap(st.Fail, head+"; NOT cleaned up", "  ")
	}
	if a.Message != "" {
		wrap(st.Text, a.Message, "  ")
	}
	if len(a.Explanations) > 0 {
		out = append(out, "", st.Header.Render("explanations"))
		for _, x := range a.Explanations {
			layer := x.Layer
			if layer == "" {
				layer = "(no reach layer)"
			}
			wrap(st.Text, fmt.Sprintf("%s %s %s %s", x.Code, x.Direction, layer, c.Label(x.Component)), "    ")
		}
	}
	if len(a.Differences) > 0 {
		out = append(out, "", st.Header.Render("differences"))
		for _, d := range a.Differences {
			wrap(st.Warn, e.Glyphs.Warn+" "+d.Layer, "  ")
			wrap(st.Text, "  reach: "+d.Local, "         ")
			wrap(st.Text, "  analyzer: "+d.Analyzer, "            ")
		}
	}
	if fwd, ret := a.AnalyzerPath(string(checks.Forward)), a.AnalyzerPath(string(checks.Return)); fwd != "" || ret != "" {
		out = append(out, "", st.Header.Render("the analyzer's path"))
		if fwd != "" {
			wrap(st.Text, "forward: "+fwd, "           ")
		}
		if ret != "" {
			wrap(st.Text, "return: "+ret, "          ")
		}
		if a.AnalyzerPathMarked() {
			wrap(st.Subtle, "* not on reach's path", "  ")
		}
	}
	return out
}

// targetEvidence is a load balancer target's side of the path: what the
// load balancer decides about it, then its own leg layer by layer.
func targetEvidence(e *screen.Env, t *checks.TargetVerdict, w int) []string {
	st := e.Styles
	var out []string
	add := func(s string) { out = append(out, s) }
	head := "target " + t.ID
	if t.Name != "" {
		head += " (" + t.Name + ")"
	}
	if t.Port != 0 {
		head += " port " + strconv.Itoa(t.Port)
	}
	if t.AZ != "" {
		head += ", " + t.AZ
	}
	head += ", " + t.Health
	if t.Rule != "" && t.Rule != "default action" {
		head += ", by " + t.Rule
	}
	for _, s := range cells.Wrap(cells.FromEngine(head, e.ASCII), w, "  ") {
		add(st.Title.Render(s))
	}
	for _, s := range cells.Wrap(cells.FromEngine(t.Reason, e.ASCII), w, "  ") {
		add(st.Text.Render(s))
	}
	leg := t.Leg
	if leg == nil {
		add(st.Subtle.Render(cells.FromEngine("the load balancer sends nothing to it over the network, so there is no leg to walk", e.ASCII)))
		return out
	}
	add("")
	dst := leg.Destination.Address
	if leg.Destination.ENI != "" {
		dst = leg.Destination.ENI
	}
	add(st.Title.Render(cells.FromEngine("leg "+leg.Source.ENI+" "+e.Glyphs.Arrow+" "+dst+":"+strconv.Itoa(t.Port)+": "+string(leg.Verdict), e.ASCII)))
	for _, l := range leg.Layers {
		line := e.Mark(screen.StatusOf(l.Status), 0) + " " + cells.Fit(l.Name, nameW, e.Glyphs.Ellipsis) + " " + cells.FromEngine(l.Summary, e.ASCII)
		add(cells.Truncate(line, w, e.Glyphs.Ellipsis))
	}
	if b := leg.BlockedBy; b != nil {
		for _, s := range cells.Wrap(cells.FromEngine("blocked by: "+b.Layer+" "+b.Component+" ("+b.Code+", "+string(b.Direction)+"): "+b.Rule, e.ASCII), w, "  ") {
			add(st.Fail.Render(s))
		}
	}
	add(st.Subtle.Render("enter opens this leg as its own checklist"))
	return out
}
