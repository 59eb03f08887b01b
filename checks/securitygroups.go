// Security groups: the stateful filter of an interface, the union of its
// groups' rules, with references to other groups (SEMANTICS.md §6).

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// sgContext says how the packet relates to the interface whose groups are
// evaluated, for security group references.
type sgContext struct {
	flags pathFlags
	// inbound is set for the receiving side: references across a transit
	// gateway work only in inbound rules.
	inbound bool
}

// evalSGs evaluates the union of the security groups on e for a packet in
// one direction. The peer is the packet's source (inbound) or destination.
func (w *walker) evalSGs(e *ENI, inbound bool, p packet, ctx sgContext, step string) {
	peer := p.dst
	side := "outbound"
	if inbound {
		peer, side = p.src, "inbound"
	}
	if len(e.SecurityGroupIDs) == 0 {
		switch {
		case e.InterfaceType == "nat_gateway" || e.InterfaceType == "transit_gateway" || e.InterfaceType == "gateway_load_balancer_endpoint":
			// These interfaces never carry security groups.
			return
		case e.RequesterManaged || e.InterfaceType == "network_load_balancer" || e.InterfaceType == "gateway_load_balancer":
			// Security groups are optional on load balancers and other
			// managed interfaces; without one nothing is filtered there.
			w.decide(LayerSecurityGroup, Decision{Component: e.ID, Step: e.ID + " " + side + " (" + step + ")", Outcome: "allow",
				Rule: "no security groups: " + e.InterfaceType + " interfaces without groups do not filter"})
			return
		}
		w.find(LayerSecurityGroup, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: e.ID, Rule: "no security groups",
			Detail: fmt.Sprintf("%s lists no security groups, which AWS does not allow for an interface of type %q; the data looks incomplete", e.ID, e.InterfaceType)})
		return
	}
	var lines []RuleLine
	var decided string
	var decidedSG string
	maybe := ""
	var maybeRule *SGRule
	for _, gid := range e.SecurityGroupIDs {
		w.hop(gid, "security-group")
		sg := w.securityGroup(gid)
		if _, bad := w.ix.resourceGap(KindSecurityGroups, gid); bad {
			// Its rules cannot be trusted (two sources disagree, or they
			// are malformed): only another group of e may decide.
			w.missingFor(LayerSecurityGroup, KindSecurityGroups, gid, gid, fmt.Sprintf("rules of %s on %s", gid, e.ID))
			maybe = gid
			continue
		}
		if sg == nil {
			if _, ok := w.ix.gap(KindSecurityGroups); ok {
				w.missing(LayerSecurityGroup, KindSecurityGroups, gid, fmt.Sprintf("rules of %s on %s", gid, e.ID))
			} else {
				w.find(LayerSecurityGroup, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: gid, Rule: gid,
					Detail: fmt.Sprintf("security group %s on %s is not in the data (another account's group, or deleted)", gid, e.ID)})
			}
			maybe = gid
			continue
		}
		rules := sg.Outbound
		if inbound {
			rules = sg.Inbound
		}
		texts := w.sgText(sg, inbound)
		for i, r := range rules {
			m := w.sgRuleMatches(r, e, peer, p, ctx)
			if m == matchYes && decided == "" {
				decided, decidedSG = texts[i], gid
			} else if m == matchMaybe && maybe == "" {
				maybe, maybeRule = texts[i], &rules[i]
			}
			if !w.brief {
				lines = append(lines, RuleLine{Text: texts[i], Matched: m == matchYes && decided == texts[i] && decidedSG == gid})
			}
			if w.brief && decided != "" {
				break
			}
		}
		if w.brief && decided != "" {
			break
		}
	}
	var stepText string
	if !w.brief {
		stepText = fmt.Sprintf("%s %s (%s)", e.ID, side, step)
	}
	switch {
	case decided != "":
		w.decide(LayerSecurityGroup, Decision{Component: decidedSG, Step: stepText, Outcome: "allow", Rule: decided, Rules: lines})
	case maybe != "":
		w.decide(LayerSecurityGroup, Decision{Component: e.ID, Step: stepText, Outcome: "unknown", Rule: maybe, Rules: lines})
		switch {
		case maybeRule != nil && maybeRule.Peer.GroupID != "":
			w.missing(LayerSecurityGroup, KindPeerings, e.SecurityGroupIDs[0], fmt.Sprintf("only %q could admit %s %s traffic on %s, through a reference to a group in another VPC, which matches only across an active peering connection", maybe, side, p, e.ID))
		case maybeRule != nil:
			w.find(LayerSecurityGroup, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: e.SecurityGroupIDs[0], Rule: maybe,
				Detail: fmt.Sprintf("only %q could admit %s %s traffic on %s, and its prefix list entries are not in the data", maybe, side, p, e.ID)})
		}
	case w.hypothetical && (w.mayNotArrive || w.sgCouldAdmit(e, inbound, p)):
		w.decide(LayerSecurityGroup, Decision{Component: e.SecurityGroupIDs[0], Step: stepText, Outcome: "unknown", Rule: "no rule matches the packet as sent", Rules: lines})
		w.find(LayerSecurityGroup, Finding{Code: "PATH_UNKNOWN", Severity: SeverityUnknown, Component: e.SecurityGroupIDs[0], Rule: "no " + side + " rule matches the packet as sent",
			Detail: fmt.Sprintf("no %s rule of %s on %s admits %s as sent, but the route to it is unknown (see the route layer): the packet may arrive from another address (through a NAT, an appliance or a peering), or not come this way at all", side, strings.Join(e.SecurityGroupIDs, ", "), e.ID, p)})
	default:
		w.decide(LayerSecurityGroup, Decision{Component: e.SecurityGroupIDs[0], Step: stepText, Outcome: "deny", Rule: "no rule matches", Rules: lines})
		keyed := "to " + p.dst.String()
		if inbound {
			keyed = "from " + p.src.String()
		}
		detail := fmt.Sprintf("no %s rule of %s on %s allows %s %s", side, strings.Join(e.SecurityGroupIDs, ", "), e.ID, protoPortText(p), keyed)
		if ctx.flags.appliance || ctx.flags.natted {
			detail += " (references to security groups do not match traffic that crossed a NAT or middlebox)"
		}
		fix := ""
		if !w.brief {
			fix = w.sgFix(e, inbound, p, peer, ctx)
		}
		w.find(LayerSecurityGroup, Finding{Code: "ENI_SG_RULES_MISMATCH", Severity: SeverityBlock, Component: e.SecurityGroupIDs[0],
			Rule: "no " + side + " rule matches", Detail: detail, Fix: fix})
	}
}

// sgCouldAdmit says whether a rule of e's groups admits the packet's
// protocol and port from some address.
func (w *walker) sgCouldAdmit(e *ENI, inbound bool, p packet) bool {
	for _, gid := range e.SecurityGroupIDs {
		sg := w.securityGroup(gid)
		if sg == nil {
			continue
		}
		rules := sg.Outbound
		if inbound {
			rules = sg.Inbound
		}
		for _, r := range rules {
			if sgRuleCoversPacket(r, p) {
				return true
			}
		}
	}
	return false
}

type match int

const (
	matchNo match = iota
	matchYes
	matchMaybe
)

// sgRuleMatches decides whether one rule admits the packet from or to peer.
func (w *walker) sgRuleMatches(r SGRule, e *ENI, peer netip.Addr, p packet, ctx sgContext) match {
	if !sgRuleCoversPacket(r, p) {
		return matchNo
	}
	switch {
	case r.Peer.CIDR.IsValid():
		if r.Peer.CIDR.Addr().Is4() == peer.Is4() && r.Peer.CIDR.Contains(peer) {
			return matchYes
		}
		return matchNo
	case r.Peer.PrefixListID != "":
		pl := w.n.PrefixLists[r.Peer.PrefixListID]
		if pl == nil || pl.CIDRs == nil {
			return matchMaybe
		}
		for _, c := range pl.CIDRs {
			if c.Addr().Is4() == peer.Is4() && c.Contains(peer) {
				return matchYes
			}
		}
		return matchNo
	case r.Peer.GroupID != "":
		return w.groupReferenceMatches(r.Peer, e, peer, ctx)
	}
	return matchNo
}

// groupReferenceMatches applies SEMANTICS.md §6.3: a reference matches the
// private IPv4 addresses of interfaces in the group, in the same VPC, in an
// actively peered VPC of the same Region, or (inbound only, both switches
// on) across a transit gateway; never public addresses, never after a
// middlebox or a translation.
func (w *walker) groupReferenceMatches(ref SGPeer, e *ENI, peer netip.Addr, ctx sgContext) match {
	if w.preservedClient && ctx.inbound && slices.Contains(w.legOf.node.SecurityGroupIDs, ref.GroupID) {
		// A target's rule that names the load balancer's group admits
		// the load balancer's traffic even when it carries the client's
		// address (ELB user guide, load-balancer-security-groups).
		return matchYes
	}
	if ctx.flags.appliance || ctx.flags.natted || !peer.Is4() {
		return matchNo
	}
	for _, ma := range w.ix.sgMemberAddrs[ref.GroupID] {
		if ma.addr != peer {
			continue
		}
		m := ma.member
		if m.VPCID == e.VPCID {
			return matchYes
		}
		if _, gap := w.ix.gap(KindPeerings); gap {
			// A member in another VPC matches across an active peering,
			// which the data cannot show.
			return matchMaybe
		}
		for _, pcx := range w.ix.peeringsByVPC[e.VPCID] {
			if !pcx.Active() {
				continue
			}
			other := pcx.Accepter
			if other.VPCID == e.VPCID {
				other = pcx.Requester
			}
			if other.VPCID == m.VPCID && (pcx.Requester.Region == pcx.Accepter.Region) {
				return matchYes
			}
		}
		if ctx.inbound && ctx.flags.tgwFrom != nil && ctx.flags.tgwTo != nil {
			tgw := w.n.TransitGateways[ctx.flags.tgwFrom.TGWID]
			if tgw != nil && tgw.SGReferencing && ctx.flags.tgwFrom.SGReferencing && ctx.flags.tgwTo.SGReferencing {
				return matchYes
			}
		}
		return matchNo
	}
	return matchNo
}

func (r SGRule) peerString() string {
	switch {
	case r.Peer.CIDR.IsValid():
		return r.Peer.CIDR.String()
	case r.Peer.PrefixListID != "":
		return r.Peer.PrefixListID
	case r.Peer.GroupID != "":
		if r.Peer.GroupOwnerID != "" {
			return r.Peer.GroupOwnerID + "/" + r.Peer.GroupID
		}
		return r.Peer.GroupID
	}
	return "?"
}

func (r SGRule) describe(inbound bool) string {
	dir := "to"
	if inbound {
		dir = "from"
	}
	return fmt.Sprintf("allow %s %s %s", ruleProtoPorts(r.Protocol, r.Ports, r.ICMPType, r.ICMPCode), dir, r.peerString())
}

// sgRuleCoversPacket reports whether the rule's protocol and ports admit the
// packet (the peer is matched separately).
func sgRuleCoversPacket(r SGRule, p packet) bool {
	switch matchProtocol(r.Protocol, p, false) {
	case protoAll:
		return true
	case protoPorts:
		if p.proto.HasPorts() {
			return r.Ports.From <= p.ports.From && p.ports.To <= r.Ports.To
		}
		return icmpMatches(r.ICMPType, r.ICMPCode, p)
	}
	return false
}
