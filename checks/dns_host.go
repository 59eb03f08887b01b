// Host-name queries: evaluating a path to each address a name resolves to,
// and the verdict of the worst one.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// dnsSummary is the dns layer's line when the name resolved.
func dnsSummary(name string, addrs []netip.Addr) string {
	if len(addrs) == 0 {
		return name + " did not resolve"
	}
	return name + " → " + addrList(addrs)
}

// verdictRank orders verdicts from best to worst.
func verdictRank(v Verdict) int {
	switch v {
	case Reachable:
		return 0
	case Unknown:
		return 1
	}
	return 2
}

// evaluateHost evaluates a path to a name. The name is resolved once; each
// address it resolves to is evaluated as its own path, with the same dns
// layer. The report is the worst of them (unreachable, then unknown, then
// reachable; the first such address in answer order): its packet layers
// are that address's, so the blocking rule shown is the one that matters,
// and the notes give every other address's verdict. Merging the findings
// of several paths into one checklist would mix rules of different hops
// and make blocked_by ambiguous.
func evaluateHost(n *Network, q Query, src endpoint, brief bool, patch *fixPatch) Report {
	dw := newWalker(n)
	dw.brief = brief
	dw.patch = patch
	dw.dir = Forward
	dw.order = dnsOrderBase
	addrs := dw.resolveHost(q, src)
	if len(addrs) > maxAnswers {
		dw.dnsFind(Finding{Code: "DNS_TOO_MANY_ANSWERS", Severity: SeverityUnknown, Component: q.To.Host, Rule: fmt.Sprintf("%d addresses", len(addrs)),
			Detail: fmt.Sprintf("%s resolves to %d addresses; reach evaluates the first %d, so the verdict cannot speak for all", q.To.Host, len(addrs), maxAnswers)})
		addrs = addrs[:maxAnswers]
	}
	dnsLayer := *dw.layers[LayerDNS]
	dnsEvaluated := dw.evaluated[LayerDNS]
	if !brief && len(addrs) > 0 {
		dnsLayer.Summary = dnsSummary(q.To.Host, addrs)
	}
	dst := endpoint{end: PathEnd{Input: q.To.Raw, Name: q.To.Host, Port: q.Port}, host: true}
	if len(addrs) == 0 {
		rep := Report{Protocol: q.Protocol.String(), Verdict: Unknown, Source: src.end, Destination: dst.end}
		for _, l := range LayerOrder {
			if l != LayerDNS {
				dw.layers[l].Summary = "not evaluated: " + q.To.Host + " did not resolve to an address"
			}
		}
		dw.finish(&rep, q, dst)
		return rep
	}
	var worst Report
	var verdicts, outOfDNS []string
	chosen := false
	for _, a := range addrs {
		w := newWalker(n)
		w.brief = brief
		w.patch = patch
		l := w.layers[LayerDNS]
		l.Findings = slices.Clone(dnsLayer.Findings)
		l.Decisions = slices.Clone(dnsLayer.Decisions)
		l.Summary = dnsLayer.Summary
		w.evaluated[LayerDNS] = dnsEvaluated
		w.notes = slices.Clone(dw.notes)
		aq := q
		aq.To = End{Kind: EndAddress, Raw: q.To.Raw, Addr: a, Port: q.To.Port}
		rep := Report{Protocol: q.Protocol.String(), Verdict: Unknown}
		d, err := w.resolveDestination(aq, src)
		if err != nil {
			w.find(LayerRoute, Finding{Code: "DESTINATION_AMBIGUOUS", Severity: SeverityUnknown, Component: a.String(), Rule: "address " + a.String(), Detail: err.Error()})
			d = endpoint{end: PathEnd{Input: q.To.Raw, Address: a.String(), Port: q.Port}, addr: a}
		} else {
			w.run(aq, src, d, &rep)
			w.evalService(aq, src, d, &rep)
			w.targetLegs(aq, src)
		}
		d.end.Input, d.end.Name = q.To.Raw, q.To.Host
		rep.Source, rep.Destination = src.end, d.end
		w.finish(&rep, aq, d)
		rep.fixChanges = w.fixChanges
		if w.outOfDNS != "" && len(addrs) > 1 {
			// The load balancer's name does not answer with this node
			// while its zone is unhealthy; it decides only if every node
			// is left out (the name then fails open).
			outOfDNS = append(outOfDNS, fmt.Sprintf("%s (%s)", a, w.outOfDNS))
			if !chosen && (worst.Verdict == "" || verdictRank(rep.Verdict) > verdictRank(worst.Verdict)) {
				worst = rep
			}
			continue
		}
		verdicts = append(verdicts, fmt.Sprintf("%s %s", a, rep.Verdict))
		if !chosen || verdictRank(rep.Verdict) > verdictRank(worst.Verdict) {
			worst, chosen = rep, true
		}
	}
	if len(verdicts) > 1 && !brief {
		worst.Notes = append(worst.Notes, fmt.Sprintf("%s resolves to %d addresses; each was evaluated (%s) and this report shows %s, the first with the worst verdict", q.To.Host, len(verdicts), strings.Join(verdicts, ", "), worst.Destination.Address))
	}
	if len(outOfDNS) > 0 && chosen && !brief {
		worst.Notes = append(worst.Notes, "left out of the load balancer's DNS answer while their zone has no healthy target, so not evaluated: "+strings.Join(outOfDNS, "; "))
	}
	return worst
}
