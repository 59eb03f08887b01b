// The verdict: each layer's status and summary from its findings and
// decisions, and the report's verdict and first blocker.

package checks

import (
	"fmt"
	"slices"
	"strings"
)

// finish turns the collected findings into layer statuses and the verdict.
func (w *walker) finish(rep *Report, q Query, dst endpoint) {
	dnsLayer := w.layers[LayerDNS]
	if !dst.host && dnsLayer.Summary == "" && len(dnsLayer.Decisions) == 0 && len(dnsLayer.Findings) == 0 {
		dnsLayer.Summary = "the destination is an address; there is no name to resolve"
	}
	if svc := w.layers[LayerService]; svc.Summary == "" && len(svc.Decisions) == 0 && len(svc.Findings) == 0 && !w.evaluated[LayerService] {
		svc.Summary = "no service-specific rule applies to these interfaces"
	}
	w.settleConflicts()
	var first *Finding
	anyBlock, anyUnknown := false, false
	for _, name := range LayerOrder {
		l := w.layers[name]
		block, unknown, warn := false, false, false
		for i := range l.Findings {
			f := &l.Findings[i]
			switch f.Severity {
			case SeverityBlock:
				block = true
				if first == nil || f.hop < first.hop {
					first = f
				}
			case SeverityUnknown:
				unknown = true
			case SeverityWarn:
				warn = true
			}
		}
		slices.SortStableFunc(l.Findings, func(a, b Finding) int { return a.hop - b.hop })
		switch {
		case block:
			l.Status = StatusFail
		case unknown:
			l.Status = StatusUnknown
		case warn:
			l.Status = StatusWarn
		case len(l.Decisions) > 0 || w.evaluated[name]:
			l.Status = StatusPass
		default:
			l.Status = StatusSkip
		}
		if !w.brief && (l.Summary == "" || l.Status == StatusFail || l.Status == StatusUnknown) {
			l.Summary = summarize(l)
		}
		anyBlock = anyBlock || block
		anyUnknown = anyUnknown || unknown
		rep.Layers = append(rep.Layers, *l)
	}
	// Hops spliced in from the source's and destination's groups may
	// repeat their neighbour (one group on both ends).
	rep.Hops = slices.CompactFunc(w.hops, func(a, b Hop) bool { return a.Component == b.Component })
	if rep.Hops == nil {
		rep.Hops = []Hop{}
	}
	rep.returnHops = slices.CompactFunc(w.returnHops, func(a, b Hop) bool { return a.Component == b.Component })
	rep.Notes = w.notes
	if w.targets != nil {
		rep.Destination.Targets = w.targets
	}
	switch {
	case anyBlock:
		rep.Verdict = Unreachable
		rep.BlockedBy = &Blocked{Layer: layerOf(rep, first), Component: first.Component, Code: first.Code, Direction: first.Direction, Rule: first.Rule}
	case anyUnknown:
		rep.Verdict = Unknown
	case w.layers[LayerRoute].Status == StatusPass || w.layers[LayerRoute].Status == StatusWarn && !routeAmbiguous(w.layers[LayerRoute]):
		// A warning is a path that works now but is fragile (a VPN with
		// one tunnel left). An ambiguous route is not: the other target,
		// which AWS may have picked, was not followed.
		rep.Verdict = Reachable
	default:
		rep.Verdict = Unknown
	}
}

// routeAmbiguous reports whether the route layer followed one of two routes
// AWS chooses between at random.
func routeAmbiguous(l *Layer) bool {
	return slices.ContainsFunc(l.Findings, func(f Finding) bool { return f.Code == "NONDETERMINISTIC_ROUTE" })
}

func layerOf(rep *Report, f *Finding) string {
	for _, l := range rep.Layers {
		for _, g := range l.Findings {
			if g.hop == f.hop && g.Code == f.Code {
				return l.Name
			}
		}
	}
	return ""
}

// summarize is the one line a layer shows in the checklist: the deciding
// rule of a failure, or of the request's path when everything passed.
func summarize(l *Layer) string {
	for _, sev := range []Severity{SeverityBlock, SeverityUnknown, SeverityWarn} {
		for _, f := range l.Findings {
			if f.Severity == sev {
				return fmt.Sprintf("%s %s: %s (%s)", f.Direction, f.Component, f.Rule, f.Code)
			}
		}
	}
	// The request's deciding rule: for security groups the destination's
	// (the last one asked), for the others the source's (the first).
	var parts []string
	pick := func(dir Direction, label string, last bool) {
		var chosen *Decision
		for i := range l.Decisions {
			d := &l.Decisions[i]
			if d.Direction != dir || d.Outcome == "skip" && len(l.Decisions) > 1 {
				continue
			}
			if chosen == nil || last {
				chosen = d
			}
		}
		if chosen == nil {
			return
		}
		text := chosen.Rule
		if !strings.HasPrefix(text, chosen.Component) {
			text = chosen.Component + " " + text
		}
		parts = append(parts, label+": "+text)
	}
	if l.Name == LayerSecurityGroup {
		pick(Forward, "request", true)
	} else {
		pick(Forward, "request", false)
		pick(Return, "reply", false)
	}
	if len(parts) == 0 && len(l.Decisions) > 0 {
		return l.Decisions[0].Rule
	}
	if len(parts) == 0 {
		if l.Name == LayerSourceDestCheck {
			return "no interface on the path forwards traffic that is not its own"
		}
		return "nothing to evaluate on this path"
	}
	return strings.Join(parts, "; ")
}

// settleConflicts keeps a resource described twice with different content
// (two snapshot files that disagree) from deciding the path anywhere: a
// block by it turns unknown, and a path that read it without a finding of
// its own gets one, in the layer of its kind. The layers that read security
// groups, network ACLs and route tables say so themselves; this covers the
// rest (interfaces, subnets, VPCs, gateways, attachments).
func (w *walker) settleConflicts() {
	if len(w.conflicts) == 0 {
		return
	}
	reported := map[string]bool{}
	for _, name := range LayerOrder {
		l := w.layers[name]
		for i := range l.Findings {
			f := &l.Findings[i]
			g, ok := w.conflicts[f.Component]
			switch {
			case !ok:
			case f.Code == "DATA_CONFLICT":
				reported[f.Component] = true
			case f.Severity == SeverityBlock:
				f.Severity = SeverityUnknown
				f.Detail += fmt.Sprintf("; but %s is in conflict (%s), so this does not decide", f.Component, g.Reason)
				reported[f.Component] = true
			}
		}
	}
	for _, id := range sortedKeys(w.conflicts) {
		if !w.touched[id] || reported[id] {
			continue
		}
		g := w.conflicts[id]
		layer := LayerRoute
		switch g.Kind {
		case KindSecurityGroups:
			layer = LayerSecurityGroup
		case KindNetworkACLs:
			layer = LayerNACL
		}
		w.find(layer, gapFinding(g.Kind, g, true, id, fmt.Sprintf("%s, which this path reads", id)))
	}
}
