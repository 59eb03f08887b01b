package checklist

import (
	"slices"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// layerChanges are the changes since the baseline on the path that belong
// to layer.
func layerChanges(rep *checks.Report, layer string) []checks.Change {
	if rep == nil {
		return nil
	}
	var out []checks.Change
	for _, c := range rep.Changes {
		if c.OnPath && c.Layer == layer {
			out = append(out, c)
		}
	}
	return out
}

// baselineLines are the evidence lines of a layer's changes since the
// baseline: the baseline's verdict, then one line per change.
func baselineLines(e *screen.Env, rep *checks.Report, layer string, w int) []string {
	if rep == nil || rep.Baseline == nil {
		return nil
	}
	st := e.Styles
	changes := layerChanges(rep, layer)
	head := "baseline " + rep.Baseline.Snapshot + ": " + string(rep.Baseline.Verdict)
	if rep.Baseline.Taken != nil {
		head += " at " + rep.Baseline.Taken.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	out := []string{"", st.Subtle.Render(cells.Truncate(cells.FromEngine(head, e.ASCII), w, e.Glyphs.Ellipsis))}
	if len(changes) == 0 {
		return append(out, st.Subtle.Render("  no change on this layer's resources since the baseline"))
	}
	for _, c := range changes {
		for _, s := range cells.Wrap(cells.FromEngine(c.Change+" "+c.Component+": "+c.What, e.ASCII), w-2, "    ") {
			out = append(out, "  "+e.Paint.Changed.On(s))
		}
	}
	return out
}

// LayerComponents are the resources a layer's verdict rests on: the
// components of its blocking findings first, then those of its other
// findings and its decisions, without repeats. The history pane looks
// them up.
func LayerComponents(rep *checks.Report, layer string) []string {
	if rep == nil {
		return nil
	}
	l := rep.Layer(layer)
	if l == nil {
		return nil
	}
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, f := range l.Findings {
		if f.Severity == checks.SeverityBlock {
			add(f.Component)
		}
	}
	for _, f := range l.Findings {
		add(f.Component)
	}
	for _, d := range l.Decisions {
		add(d.Component)
	}
	for _, c := range layerChanges(rep, layer) {
		add(c.Component)
	}
	return out
}
