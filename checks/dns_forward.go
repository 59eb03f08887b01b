// DNS query paths: the network path a DNS query takes to its resolver
// (forwarding through Resolver endpoints), evaluated like any other path.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// dnsPathResult is one network path a query takes.
type dnsPathResult struct {
	from *ENI
	to   netip.Addr
	port int
	rep  Report
}

// dnsPath evaluates a query's network path like any other path.
func (w *walker) dnsPath(from *ENI, to netip.Addr, port int, proto Protocol) dnsPathResult {
	raw := netip.AddrPortFrom(to, uint16(port)).String()
	q := Query{From: End{Kind: EndENI, ID: from.ID, Raw: from.ID}, To: End{Kind: EndAddress, Addr: to, Raw: raw, Port: port},
		Protocol: proto, Port: port, ICMPType: 8}
	rep, err := evaluateWith(w.n, q, w.brief, w.patch)
	if err != nil {
		rep = Report{Verdict: Unknown, Notes: []string{err.Error()}}
	}
	return dnsPathResult{from: from, to: to, port: port, rep: rep}
}

// blockedText says what blocked or left unknown a path.
func blockedText(rep Report) string {
	if b := rep.BlockedBy; b != nil {
		return fmt.Sprintf("%s %s (%s, %s)", b.Component, b.Rule, b.Layer, b.Direction)
	}
	for _, l := range rep.Layers {
		for _, f := range l.Findings {
			if f.Severity == SeverityUnknown {
				return fmt.Sprintf("%s %s: %s", f.Component, f.Rule, f.Detail)
			}
		}
	}
	if len(rep.Notes) > 0 {
		return rep.Notes[0]
	}
	return string(rep.Verdict)
}

// pathBlocked fails the dns layer with the rule that blocks a query path.
// The finding names the first blocked path; its fix joins the fixes of
// every blocked path given (each opens one path), so applying it opens them
// all.
func (w *walker) pathBlocked(code string, res dnsPathResult, what string, all ...dnsPathResult) {
	b := res.rep.BlockedBy
	var fixes []string
	for _, r := range append([]dnsPathResult{res}, all...) {
		if fix := blockingFix(r.rep); fix != "" && !slices.Contains(fixes, fix) {
			fixes = append(fixes, fix)
		}
	}
	w.dnsFind(Finding{Code: code, Severity: SeverityBlock, Component: b.Component, Direction: b.Direction, Rule: b.Rule,
		Detail: fmt.Sprintf("%s: the path from %s to %s is blocked at %s by %s (%s, %s)", what, res.from.PrimaryIP(), netip.AddrPortFrom(res.to, uint16(res.port)), b.Layer, b.Component, b.Code, b.Direction),
		Fix:    strings.Join(fixes, " && ")})
}

// blockingFix returns the fix of the finding a report's blocked_by names.
func blockingFix(rep Report) string {
	b := rep.BlockedBy
	if b == nil {
		return ""
	}
	for _, l := range rep.Layers {
		for _, f := range l.Findings {
			if l.Name == b.Layer && f.Code == b.Code && f.Component == b.Component && f.Rule == b.Rule {
				return f.Fix
			}
		}
	}
	return ""
}

// inboundEndpointAt returns the inbound endpoint whose interface a query
// path was delivered to.
func (w *walker) inboundEndpointAt(res dnsPathResult) *ResolverEndpoint {
	if res.rep.Destination.ENI != "" {
		if ep := w.ix.dns.endpointENIs[res.rep.Destination.ENI]; ep != nil && strings.EqualFold(ep.Direction, ResolverInbound) {
			return ep
		}
	}
	for k, ep := range w.ix.dns.endpointAddrs {
		if k.addr == res.to && strings.EqualFold(ep.Direction, ResolverInbound) && res.rep.Destination.VPC == ep.VPCID {
			return ep
		}
	}
	return nil
}

// forward follows a FORWARD rule: the query leaves from the outbound
// endpoint's interfaces to the target servers, over UDP (TCP when the
// answer is truncated); each pair is a network path. Servers inside the
// account that are inbound endpoints resolve the name as their VPC would;
// any other server's answer is out of sight.
func (w *walker) forward(ctx *dnsCtx, rule *ResolverRule, name string) []netip.Addr {
	ep := w.n.ResolverEndpoints[rule.EndpointID]
	if ep == nil {
		what := fmt.Sprintf("outbound endpoint %s of Resolver rule %s", rule.EndpointID, rule.ID)
		if _, gap := w.ix.gap(KindResolverEndpoints); !gap {
			what += ", not in the data (a rule shared from another account forwards through that account's endpoint)"
		}
		w.dnsMissing(KindResolverEndpoints, rule.EndpointID, rule.ID, what)
		return nil
	}
	if len(rule.TargetIPs) == 0 {
		w.dnsFind(Finding{Code: "DNS_FORWARD_NO_TARGET", Severity: SeverityUnknown, Component: rule.ID, Rule: "FORWARD " + dotted(normName(rule.DomainName)),
			Detail: fmt.Sprintf("Resolver rule %s forwards %s but lists no target servers", rule.ID, name)})
		return nil
	}
	if ep.IPs == nil {
		w.dnsMissing(KindResolverEndpointIPs, ep.ID, rule.ID, "the addresses of outbound endpoint "+ep.ID)
		return nil
	}
	if ep.Status != "" && !strings.EqualFold(ep.Status, "OPERATIONAL") && !strings.EqualFold(ep.Status, "UPDATING") {
		w.dnsFind(Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: ep.ID, Rule: "status " + ep.Status,
			Detail: fmt.Sprintf("outbound endpoint %s, through which rule %s forwards %s, is %s", ep.ID, rule.ID, name, ep.Status)})
		return nil
	}
	var udpOK, tcpOK []dnsPathResult
	var udpBlocked, tcpBlocked, unknown []dnsPathResult
	var lines []RuleLine
	missingENI := false
	for _, ip := range ep.IPs {
		e := w.n.ENIs[ip.ENIID]
		if e == nil {
			e = w.ix.eniByVPCAddr[vpcAddr{ep.VPCID, ip.Addr}]
		}
		if e == nil {
			missingENI = true
			continue
		}
		for _, t := range rule.TargetIPs {
			port := t.Port
			if port == 0 {
				port = 53
			}
			for _, proto := range []Protocol{ProtocolUDP, ProtocolTCP} {
				res := w.dnsPath(e, t.Addr, port, proto)
				outcome := "allow"
				switch res.rep.Verdict {
				case Reachable:
					if proto == ProtocolUDP {
						udpOK = append(udpOK, res)
					} else {
						tcpOK = append(tcpOK, res)
					}
				case Unreachable:
					outcome = "deny"
					if proto == ProtocolUDP {
						udpBlocked = append(udpBlocked, res)
					} else {
						tcpBlocked = append(tcpBlocked, res)
					}
				default:
					outcome = "unknown"
					unknown = append(unknown, res)
				}
				if !w.brief {
					text := fmt.Sprintf("%s (%s) → %s %s: %s", e.ID, ip.Addr, targetText(TargetIP{Addr: t.Addr, Port: port}), proto, res.rep.Verdict)
					if res.rep.BlockedBy != nil || res.rep.Verdict == Unknown {
						text += ", " + blockedText(res.rep)
					} else if res.rep.Exit != nil {
						text += " through " + res.rep.Exit.Gateway
					}
					lines = append(lines, RuleLine{Text: text, Matched: outcome == "deny"})
				}
			}
		}
	}
	outcome := "forward"
	if len(udpOK) == 0 {
		outcome = "drop"
	}
	w.dnsDecide(Decision{Component: rule.ID, Step: "forwarding path of " + rule.ID + " through " + ep.ID, Outcome: outcome,
		Rule:  fmt.Sprintf("%d of %d UDP paths and %d of %d TCP paths open", len(udpOK), len(udpOK)+len(udpBlocked)+countProto(unknown, ProtocolUDP), len(tcpOK), len(tcpOK)+len(tcpBlocked)+countProto(unknown, ProtocolTCP)),
		Rules: lines})
	if missingENI {
		w.dnsMissing(KindNetworkInterfaces, "", ep.ID, "the interfaces of outbound endpoint "+ep.ID+", where forwarded queries start")
	}
	what := fmt.Sprintf("Resolver rule %s forwards %s from outbound endpoint %s", rule.ID, dotted(normName(rule.DomainName)), ep.ID)
	switch {
	case len(udpOK) == 0 && len(udpBlocked) > 0 && len(unknown) == 0 && !missingENI:
		w.pathBlocked("DNS_FORWARDING_BLOCKED", udpBlocked[0], what+" over UDP, and every forwarding path is blocked", udpBlocked[1:]...)
		return nil
	case len(udpOK) == 0:
		if len(unknown) > 0 {
			w.dnsFind(Finding{Code: "DNS_FORWARDING_UNKNOWN", Severity: SeverityUnknown, Component: rule.ID, Rule: "forwarding path of " + rule.ID,
				Detail: fmt.Sprintf("%s; whether its queries reach the servers is unknown: %s", what, blockedText(unknown[0].rep))})
		}
		return nil
	case len(udpBlocked) > 0:
		b := udpBlocked[0]
		w.dnsFind(Finding{Code: "DNS_FORWARDING_PARTLY_BLOCKED", Severity: SeverityWarn, Component: b.rep.BlockedBy.Component, Direction: b.rep.BlockedBy.Direction, Rule: b.rep.BlockedBy.Rule,
			Detail: fmt.Sprintf("%s; %d of its UDP paths are blocked (%s → %s by %s), so some queries time out and are retried elsewhere", what, len(udpBlocked), b.from.PrimaryIP(), b.to, b.rep.BlockedBy.Component)})
	}
	if len(tcpBlocked) > 0 && len(tcpOK) == 0 {
		b := tcpBlocked[0]
		w.dnsFind(Finding{Code: "DNS_FORWARDING_TCP_BLOCKED", Severity: SeverityWarn, Component: b.rep.BlockedBy.Component, Direction: b.rep.BlockedBy.Direction, Rule: b.rep.BlockedBy.Rule,
			Detail: fmt.Sprintf("%s; UDP passes but TCP 53 is blocked (%s), so answers too large for UDP fail", what, blockedText(b.rep))})
	}
	// Servers that are inbound endpoints answer as their VPC would.
	var inbound *ResolverEndpoint
	allInbound := true
	for _, res := range udpOK {
		ib := w.inboundEndpointAt(res)
		if ib == nil || inbound != nil && ib.VPCID != inbound.VPCID {
			allInbound = false
			break
		}
		inbound = ib
	}
	if allInbound && inbound != nil {
		if inbound.VPCID == ctx.vpcID || slices.Contains(ctx.forwarded, inbound.VPCID+" "+name) {
			w.dnsFind(Finding{Code: "DNS_FORWARDING_LOOP", Severity: SeverityBlock, Component: rule.ID, Rule: "FORWARD " + dotted(normName(rule.DomainName)) + " → " + inbound.ID,
				Detail: fmt.Sprintf("%s to inbound endpoint %s, whose VPC %s sends the name back the same way: the query loops and fails", what, inbound.ID, inbound.VPCID)})
			return nil
		}
		w.dnsDecide(Decision{Component: inbound.ID, Step: "forwarded to inbound endpoint " + inbound.ID, Outcome: "forward", Rule: "resolved as " + inbound.VPCID + " would"})
		inner := *ctx
		inner.forwarded = append(slices.Clip(ctx.forwarded), ctx.vpcID+" "+name)
		// Another resolver starts over: the chain of names restarts, the
		// depth keeps counting.
		inner.vpcID, inner.client, inner.chain = inbound.VPCID, nil, nil
		return w.resolveAmazon(&inner, name, "inbound endpoint "+inbound.ID)
	}
	var targets []string
	for _, t := range rule.TargetIPs {
		targets = append(targets, t.Addr.String())
	}
	w.dnsFind(Finding{Code: "DNS_FORWARDED", Severity: SeverityUnknown, Component: rule.ID, Rule: "FORWARD " + dotted(normName(rule.DomainName)) + " → " + strings.Join(targets, ", "),
		Detail: fmt.Sprintf("%s to %s; the forwarding path is open, but the answer lives on those servers, which reach cannot see", what, strings.Join(targets, ", ")),
		Fix:    fmt.Sprintf("ask the servers (dig @%s %s) and check the address: reach check --from SOURCE --to ADDRESS", targets[0], name)})
	return nil
}

func countProto(list []dnsPathResult, proto Protocol) int {
	n := 0
	for _, r := range list {
		if r.rep.Protocol == proto.String() {
			n++
		}
	}
	return n
}
