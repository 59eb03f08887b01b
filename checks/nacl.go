// Network ACLs (SEMANTICS.md §5): the stateless filter at a subnet's edge,
// evaluated rule by rule in number order, in both directions of a
// connection.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// naclVerdict is the outcome of one network ACL for one packet.
type naclVerdict struct {
	allowed, blocked portSet
	// deciding lists the indexes of the rules that decided some ports; -1
	// stands for the implicit deny.
	deciding []int
}

// evalNACL walks the rules in number order, first match wins, and tracks
// which ports of the packet's range each rule decides.
func evalNACL(rules []NACLRule, peer netip.Addr, p packet) naclVerdict {
	var v naclVerdict
	remaining := portSet{p.ports}
	if !p.proto.HasPorts() {
		remaining = portSet{{0, 0}}
	}
	for i, r := range rules {
		if len(remaining) == 0 {
			break
		}
		if !r.CIDR.IsValid() || r.CIDR.Addr().Is4() != peer.Is4() || !r.CIDR.Contains(peer) {
			continue
		}
		m := matchProtocol(r.Protocol, p, !r.Allow)
		var covered portSet
		switch m {
		case protoNone:
			continue
		case protoAll:
			covered = remaining
		case protoPorts:
			if p.proto.HasPorts() {
				covered = remaining.intersect(r.Ports)
			} else if icmpMatches(r.ICMPType, r.ICMPCode, p) || r.Protocol == ProtocolICMPv6 && r.CIDR.Addr().Is4() {
				covered = remaining
			}
		}
		if len(covered) == 0 {
			continue
		}
		v.deciding = append(v.deciding, i)
		if r.Allow {
			v.allowed = append(v.allowed, covered...)
		} else {
			v.blocked = append(v.blocked, covered...)
		}
		for _, c := range covered {
			remaining = remaining.subtract(c)
		}
	}
	if len(remaining) > 0 {
		v.blocked = append(v.blocked, remaining...)
		v.deciding = append(v.deciding, -1)
	}
	return v
}

func (r NACLRule) String() string {
	action := "deny"
	if r.Allow {
		action = "allow"
	}
	return fmt.Sprintf("#%d %s %s %s", r.Number, action, ruleProtoPorts(r.Protocol, r.Ports, r.ICMPType, r.ICMPCode), r.CIDR)
}

// crossNACLs evaluates the network ACLs a packet meets when it leaves
// subnet from and enters subnet to: from's outbound rules keyed on the
// destination, to's inbound rules keyed on the source. Within one subnet no
// network ACL applies. A nil from or to skips that side (gateways have no
// network ACL).
func (w *walker) crossNACLs(from, to *Subnet, p packet, why string) {
	if from != nil && to != nil && from.ID == to.ID {
		w.decide(LayerNACL, Decision{Component: from.ID, Step: "within subnet " + from.ID, Outcome: "skip", Rule: "network ACLs are not evaluated for traffic within a subnet"})
		w.flushHops()
		return
	}
	if from != nil {
		w.evalSubnetACL(from, false, p, why)
	}
	w.flushHops()
	if to != nil {
		w.evalSubnetACL(to, true, p, why)
	}
}

func (w *walker) evalSubnetACL(s *Subnet, inbound bool, p packet, why string) {
	acl := w.subnetACL(s.ID)
	side := "outbound"
	if inbound {
		side = "inbound"
	}
	if acl == nil {
		w.missing(LayerNACL, KindNetworkACLs, s.ID, fmt.Sprintf("no network ACL is known for subnet %s (%s)", s.ID, side))
		return
	}
	if _, bad := w.ix.resourceGap(KindNetworkACLs, acl.ID); bad {
		w.hop(acl.ID, "network-acl")
		w.missingFor(LayerNACL, KindNetworkACLs, acl.ID, acl.ID, fmt.Sprintf("rules of %s (%s of %s)", acl.ID, side, s.ID))
		return
	}
	rules, peer := acl.Outbound, p.dst
	if inbound {
		rules, peer = acl.Inbound, p.src
	}
	w.hop(acl.ID, "network-acl")
	v := evalNACL(rules, peer, p)
	var lines []RuleLine
	if !w.brief {
		texts := w.aclText(acl, inbound)
		lines = make([]RuleLine, 0, len(rules)+1)
		for i := range rules {
			lines = append(lines, RuleLine{Text: texts[i], Matched: slices.Contains(v.deciding, i)})
		}
		lines = append(lines, RuleLine{Text: "* deny all traffic (implicit)", Matched: slices.Contains(v.deciding, -1)})
	}
	texts := w.aclText(acl, inbound)
	decidingText := make([]string, 0, len(v.deciding))
	for _, i := range v.deciding {
		if i < 0 {
			decidingText = append(decidingText, "* implicit deny")
		} else {
			decidingText = append(decidingText, texts[i])
		}
	}
	rule := strings.Join(decidingText, "; ")
	var step string
	if !w.brief {
		step = fmt.Sprintf("%s %s (%s)", s.ID, side, why)
	}
	switch {
	case len(v.blocked) == 0:
		w.decide(LayerNACL, Decision{Component: acl.ID, Step: step, Outcome: "allow", Rule: rule, Rules: lines})
	case w.hypothetical && (w.mayNotArrive || naclCouldAllow(rules, p)):
		w.decide(LayerNACL, Decision{Component: acl.ID, Step: step, Outcome: "unknown", Rule: rule, Rules: lines})
		w.find(LayerNACL, Finding{Code: "PATH_UNKNOWN", Severity: SeverityUnknown, Component: acl.ID, Rule: rule,
			Detail: fmt.Sprintf("network ACL %s (%s of %s) would block %s if it arrived as sent, but the route to it is unknown (see the route layer): the packet may arrive from another address, or not come this way at all", acl.ID, side, s.ID, p)})
	case w.someClientPasses(rules, peer, p):
		w.decide(LayerNACL, Decision{Component: acl.ID, Step: step, Outcome: "unknown", Rule: rule, Rules: lines})
		w.missing(LayerNACL, KindInstances, acl.ID, fmt.Sprintf("network ACL %s (%s of %s) blocks replies to ports %s, which only some clients use; the source's operating system, which decides its ephemeral ports, is unknown", acl.ID, side, s.ID, v.blocked))
	default:
		w.decide(LayerNACL, Decision{Component: acl.ID, Step: step, Outcome: "deny", Rule: rule, Rules: lines})
		var detail string
		partial := len(v.allowed) > 0 && p.proto.HasPorts()
		keyed := "to " + p.dst.String()
		if inbound {
			keyed = "from " + p.src.String()
		}
		switch {
		case partial:
			detail = fmt.Sprintf("network ACL %s (%s of %s) allows only ports %s of %s %s and blocks %s (%d of %d ports): connections fail intermittently, whenever the client picks a blocked port",
				acl.ID, side, s.ID, v.allowed, p.proto, keyed, v.blocked, v.blocked.count(), portSet{p.ports}.count())
		case p.proto.HasPorts():
			detail = fmt.Sprintf("network ACL %s (%s of %s) denies %s %s on %s", acl.ID, side, s.ID, p.proto, keyed, v.blocked)
		default:
			detail = fmt.Sprintf("network ACL %s (%s of %s) denies %s %s", acl.ID, side, s.ID, p.proto, keyed)
		}
		if w.dir == Return {
			detail += " (the reply of the connection; network ACLs are stateless)"
		}
		fix := ""
		if !w.brief {
			var change *fixChange
			fix, change = naclFix(acl, inbound, p, peer, v)
			w.offer(fix, change)
		}
		w.find(LayerNACL, Finding{Code: "SUBNET_ACL_RESTRICTION", Severity: SeverityBlock, Component: acl.ID, Rule: rule, Detail: detail, Fix: fix})
	}
}

// someClientPasses says whether a reply that the ACL blocks for some of the
// ports of an unknown client platform passes for every port of one
// platform: the platform, and so the verdict, is then unknown.
func (w *walker) someClientPasses(rules []NACLRule, peer netip.Addr, p packet) bool {
	if len(w.clientPlatforms) == 0 || !p.proto.HasPorts() || p.ports != spanOf(w.clientPlatforms) {
		return false
	}
	for _, r := range w.clientPlatforms {
		one := p
		one.ports = r
		if len(evalNACL(rules, peer, one).blocked) == 0 {
			return true
		}
	}
	return false
}

// naclCouldAllow says whether an allow rule of the ACL admits the packet's
// protocol and some of its ports from some address.
func naclCouldAllow(rules []NACLRule, p packet) bool {
	for _, r := range rules {
		if !r.Allow {
			continue
		}
		switch matchProtocol(r.Protocol, p, false) {
		case protoAll:
			return true
		case protoPorts:
			if !p.proto.HasPorts() || r.Ports.From <= p.ports.To && p.ports.From <= r.Ports.To {
				return true
			}
		}
	}
	return false
}
