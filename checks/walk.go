package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// maxHops bounds a walk so that a routing loop ends as a finding.
const maxHops = 16

// translation is a stateful address translation made on the request that
// the reply must undo where it was made.
type translation struct {
	// at is the address the reply is sent to.
	at netip.Addr
	// original is the address the reply is translated back to.
	original netip.Addr
	// originalPorts is the client's port range before translation.
	originalPorts PortRange
	nat           *NATGateway
	appliance     *ENI
}

// pathFlags records what a walk crossed; security group references stop
// matching after a middlebox or a translation.
type pathFlags struct {
	appliance bool
	natted    bool
	peering   *Peering
	tgwFrom   *TransitGatewayAttachment
	tgwTo     *TransitGatewayAttachment
	// enteredFrom is set for a packet that came into the VPC through a
	// gateway or peering (edge-to-edge routing is not allowed).
	enteredFrom TargetKind
}

// outcome of a walk.
type walkEnd struct {
	delivered *ENI
	exit      *Exit
	// exitGateway is the component the packet leaves through, so the reply
	// can start from it.
	exitVPC string
	// stopped is true when routing dropped the packet or could not decide.
	stopped bool
	pkt     packet
	flags   pathFlags
}

// walker evaluates one query. It collects findings and decisions per layer
// in path order.
type walker struct {
	n      *Network
	ix     *index
	layers map[string]*Layer
	order  int
	hops   []Hop
	notes  []string
	// translations made on the request, undone on the reply.
	translations []translation
	// appliances crossed by the request (their security groups track the
	// connection).
	forwardAppliances map[string]bool
	srcDstFlagged     map[string]bool
	dir               Direction
	brief             bool
	evaluated         map[string]bool
	deferred          []Hop
	tgwDepth          int
	// clientPlatforms holds the ephemeral ranges of a Linux and a Windows
	// client when the source's platform is unknown (no instance data): the
	// reply is checked against both, and only a block of both decides.
	clientPlatforms []PortRange
	// hypothetical is set while the destination's filters are evaluated
	// as if a request arrived whose routing is unknown: the packet may
	// then arrive from another address (a NAT, an appliance), so only a
	// block that no source address could lift decides.
	hypothetical bool
	// mayNotArrive is set with hypothetical when the destination lies in
	// another VPC than the source: with its routing unknown, the packet
	// may leave through a gateway instead, and no filter of the
	// destination decides.
	mayNotArrive bool
	// lastRoute is the route table and the route that last forwarded the
	// packet: the one to blame when a reply goes astray.
	lastRoute routeRef
}

// routeRef names one route of one route table.
type routeRef struct {
	table, route string
}

func newWalker(n *Network) *walker {
	w := &walker{n: n, ix: n.index, dir: Forward, layers: make(map[string]*Layer, len(LayerOrder)), forwardAppliances: map[string]bool{}, srcDstFlagged: map[string]bool{}, evaluated: map[string]bool{}}
	for _, name := range LayerOrder {
		w.layers[name] = &Layer{Name: name, Findings: []Finding{}}
	}
	return w
}

func (w *walker) hop(component, kind string) {
	if w.brief || w.dir != Forward || component == "" {
		return
	}
	if kind != "network-acl" {
		w.flushHops()
	}
	if len(w.hops) > 0 && w.hops[len(w.hops)-1].Component == component {
		return
	}
	w.hops = append(w.hops, Hop{Component: component, Kind: kind})
}

// hopAfterExit records a gateway or appliance the packet goes to; it lands
// in the path after the network ACL of the subnet the packet leaves.
func (w *walker) hopAfterExit(component, kind string) {
	if w.brief || w.dir != Forward || component == "" {
		return
	}
	w.deferred = append(w.deferred, Hop{Component: component, Kind: kind})
}

func (w *walker) flushHops() {
	pending := w.deferred
	w.deferred = nil
	for _, h := range pending {
		w.hop(h.Component, h.Kind)
	}
}

func (w *walker) find(layer string, f Finding) {
	if f.Direction == "" {
		f.Direction = w.dir
	}
	w.order++
	f.hop = w.order
	l := w.layers[layer]
	for _, old := range l.Findings {
		if old.Code == f.Code && old.Component == f.Component && old.Direction == f.Direction && old.Rule == f.Rule {
			return
		}
	}
	l.Findings = append(l.Findings, f)
}

func (w *walker) decide(layer string, d Decision) {
	if w.brief {
		// A sweep reads only verdicts; note that a layer was evaluated.
		w.evaluated[layer] = true
		return
	}
	if d.Direction == "" {
		d.Direction = w.dir
	}
	w.layers[layer].Decisions = append(w.layers[layer].Decisions, d)
}

// missing reports a gap as an unknown finding of the layer.
func (w *walker) missing(layer string, k DataKind, component, what string) {
	w.find(layer, w.missingFinding(k, component, what))
}

// missingFinding is the unknown finding missing records.
func (w *walker) missingFinding(k DataKind, component, what string) Finding {
	g, ok := w.ix.gap(k)
	return gapFinding(k, g, ok, component, what)
}

// missingFor reports the gap of kind k that covers resource id (scoped to
// it, or network-wide) as an unknown finding of the layer.
func (w *walker) missingFor(layer string, k DataKind, id, component, what string) {
	g, ok := w.ix.gapFor(k, id)
	w.find(layer, gapFinding(k, g, ok, component, what))
}

// gapFinding is the unknown finding of a gap: missing data, or two copies
// of it in conflict.
func gapFinding(k DataKind, g Gap, ok bool, component, what string) Finding {
	code := "DATA_MISSING"
	if g.Conflict {
		code = "DATA_CONFLICT"
	}
	return Finding{Code: code, Severity: SeverityUnknown, Component: component, Rule: string(k), Detail: gapDetail(what, k, g, ok), Fix: gapFix(g, ok)}
}

// gapDetail says what is missing, why, and what would bring it: the IAM
// action for a refusal, a retry for a passing failure.
func gapDetail(what string, k DataKind, g Gap, ok bool) string {
	switch {
	case !ok:
		return what
	case g.Conflict:
		return fmt.Sprintf("%s: %s is in conflict (%s), so neither copy decides", what, k, g.Reason)
	}
	return fmt.Sprintf("%s: %s is missing (%s)", what, k, g.Reason) + remedy(g)
}

// remedy is the gap's Remedy after a "; ", or "".
func remedy(g Gap) string {
	if r := g.Remedy(); r != "" {
		return "; " + r
	}
	return ""
}

// Remedy says what would bring the data of a gap: "retry" for a passing
// failure (throttled, a server error, a timeout), else "grant" and the IAM
// action; "" when neither applies.
func (g Gap) Remedy() string {
	switch {
	case g.Retry:
		return "retry"
	case g.Action != "":
		return "grant " + g.Action
	}
	return ""
}

func gapFix(g Gap, ok bool) string {
	switch {
	case ok && g.Conflict:
		return "remove the stale copy from the snapshot (or take the snapshot again), then re-check"
	case ok && g.Retry:
		return "retry: run the check again once the API answers (" + g.Reason + ")"
	case ok && g.Action != "":
		return "grant the IAM action " + g.Action + " to the identity reach runs as, then re-check"
	}
	return ""
}

// subnetOf returns the ENI's subnet, or reports it unknown.
func (w *walker) subnetOf(e *ENI, layer string) *Subnet {
	s := w.n.Subnets[e.SubnetID]
	if s == nil {
		w.missing(layer, KindSubnets, e.ID, fmt.Sprintf("subnet %s of %s is not in the data", e.SubnetID, e.ID))
	}
	return s
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
	acl := w.ix.subnetACL[s.ID]
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
		texts := w.ix.aclText(acl, inbound)
		lines = make([]RuleLine, 0, len(rules)+1)
		for i := range rules {
			lines = append(lines, RuleLine{Text: texts[i], Matched: slices.Contains(v.deciding, i)})
		}
		lines = append(lines, RuleLine{Text: "* deny all traffic (implicit)", Matched: slices.Contains(v.deciding, -1)})
	}
	texts := w.ix.aclText(acl, inbound)
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
			fix = naclFix(acl, inbound, p, peer, v)
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

func spanOf(ranges []PortRange) PortRange {
	out := ranges[0]
	for _, r := range ranges[1:] {
		out = PortRange{min(out.From, r.From), max(out.To, r.To)}
	}
	return out
}

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
		sg := w.n.SecurityGroups[gid]
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
		texts := w.ix.sgText(sg, inbound)
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
		sg := w.n.SecurityGroups[gid]
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

func protoPortText(p packet) string {
	switch {
	case p.proto.HasPorts():
		return fmt.Sprintf("%s %s", p.proto, p.ports)
	case p.proto == ProtocolICMP || p.proto == ProtocolICMPv6:
		return fmt.Sprintf("%s type %d code %d", p.proto, p.icmpType, p.icmpCode)
	}
	return "protocol " + p.proto.String()
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
	if ctx.flags.appliance || ctx.flags.natted || !peer.Is4() {
		return matchNo
	}
	for _, m := range w.ix.sgMembers[ref.GroupID] {
		owns := false
		for _, ip := range m.PrivateIPs {
			if ip.Addr == peer {
				owns = true
				break
			}
		}
		if !owns {
			continue
		}
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

// checkSourceDest flags an interface that sends or receives a packet that
// is not its own while its source/destination check is on.
func (w *walker) checkSourceDest(e *ENI, p packet, receiving bool) {
	var foreign netip.Addr
	if receiving && !e.Owns(p.dst) {
		foreign = p.dst
	} else if !receiving && !e.Owns(p.src) {
		foreign = p.src
	} else {
		return
	}
	w.forwardAppliances[e.ID] = w.forwardAppliances[e.ID] || w.dir == Forward
	key := e.ID + string(w.dir)
	if e.InterfaceType == "nat_gateway" || e.InterfaceType == "gateway_load_balancer_endpoint" || e.InterfaceType == "transit_gateway" {
		return
	}
	if !e.SourceDestCheck {
		if !w.srcDstFlagged[key] {
			w.srcDstFlagged[key] = true
			w.decide(LayerSourceDestCheck, Decision{Component: e.ID, Step: "forwarding interface " + e.ID, Outcome: "allow",
				Rule: "source/destination check disabled", Rules: []RuleLine{{Text: fmt.Sprintf("%s forwards %s (not its own address)", e.ID, foreign), Matched: true}}})
		}
		return
	}
	if w.srcDstFlagged[key] {
		return
	}
	w.srcDstFlagged[key] = true
	verb := "receives"
	if !receiving {
		verb = "sends"
	}
	w.decide(LayerSourceDestCheck, Decision{Component: e.ID, Step: "forwarding interface " + e.ID, Outcome: "deny", Rule: "source/destination check enabled"})
	w.find(LayerSourceDestCheck, Finding{Code: "SOURCE_DEST_CHECK_ENABLED", Severity: SeverityBlock, Component: e.ID, Rule: "SourceDestCheck=true",
		Detail: fmt.Sprintf("%s %s traffic for %s, which is not its own address, and its source/destination check is on, so it drops the packet", e.ID, verb, foreign),
		Fix:    fmt.Sprintf("aws ec2 modify-network-interface-attribute --network-interface-id %s --no-source-dest-check", e.ID)})
}

// walk moves a packet from subnet s (emitted by sender, nil for a gateway)
// until it is delivered to the interface that owns its destination, leaves
// the account, or is dropped.
func (w *walker) walk(s *Subnet, sender *ENI, p packet, flags pathFlags, final *ENI) walkEnd {
	defer w.flushHops()
	for step := 0; step < maxHops; step++ {
		vpc := s.VPCID
		// Same subnet: layer 2, no route table, no network ACL.
		if d := w.ix.eniByVPCAddr[vpcAddr{vpc, p.dst}]; d != nil && d.SubnetID == s.ID && (sender == nil || d.ID != sender.ID) {
			w.decide(LayerRoute, Decision{Component: s.ID, Step: "subnet " + s.ID, Outcome: "forward", Rule: "same subnet: delivered at layer 2 without a route table"})
			w.decide(LayerNACL, Decision{Component: s.ID, Step: "within subnet " + s.ID, Outcome: "skip", Rule: "network ACLs are not evaluated for traffic within a subnet"})
			if next, ok := w.arrive(d, p, &flags, final); ok {
				return walkEnd{delivered: d, pkt: p, flags: flags}
			} else if next != nil {
				s, sender, p = next.subnet, next.sender, next.pkt
				continue
			}
			return walkEnd{stopped: true, pkt: p, flags: flags}
		}
		ct := w.ix.tableForSubnet(s)
		if ct == nil {
			w.missing(LayerRoute, KindRouteTables, s.ID, fmt.Sprintf("no route table is known for subnet %s", s.ID))
			return walkEnd{stopped: true, pkt: p, flags: flags}
		}
		w.hop(ct.table.ID, "route-table")
		if _, bad := w.ix.resourceGap(KindRouteTables, ct.table.ID); bad {
			w.missingFor(LayerRoute, KindRouteTables, ct.table.ID, ct.table.ID, fmt.Sprintf("routes of %s (subnet %s)", ct.table.ID, s.ID))
			return walkEnd{stopped: true, pkt: p, flags: flags}
		}
		res := ct.lookup(p.dst)
		var lines []RuleLine
		if !w.brief {
			lines = routeLines(ct, res.route)
		}
		if res.unknownList != "" {
			w.decide(LayerRoute, Decision{Component: ct.table.ID, Step: "route lookup for " + p.dst.String(), Outcome: "unknown", Rule: "prefix list " + res.unknownList + " unknown", Rules: lines})
			w.missing(LayerRoute, KindPrefixLists, res.unknownList, fmt.Sprintf("route table %s routes prefix list %s, whose entries are not in the data, so the route for %s cannot be chosen", ct.table.ID, res.unknownList, p.dst))
			return walkEnd{stopped: true, pkt: p, flags: flags}
		}
		if res.route == nil {
			w.decide(LayerRoute, Decision{Component: ct.table.ID, Step: "route lookup for " + p.dst.String(), Outcome: "drop", Rule: "no route matches", Rules: lines})
			w.find(LayerRoute, Finding{Code: "NO_ROUTE_TO_DESTINATION", Severity: SeverityBlock, Component: ct.table.ID, Rule: "no route for " + p.dst.String(),
				Detail: fmt.Sprintf("route table %s (subnet %s) has no route that matches %s", ct.table.ID, s.ID, p.dst), Fix: w.routeFix(ct.table, s, p.dst, "")})
			return walkEnd{stopped: true, pkt: p, flags: flags}
		}
		r := res.route.route
		ruleText := routeText(res.route)
		if res.ambiguous != nil {
			w.find(LayerRoute, Finding{Code: "NONDETERMINISTIC_ROUTE", Severity: SeverityWarn, Component: ct.table.ID, Rule: ruleText + " | " + routeText(res.ambiguous),
				Detail: fmt.Sprintf("two prefix lists route %s to different targets; AWS picks one at random and keeps it", res.route.prefix)})
		}
		if r.Blackhole {
			w.decide(LayerRoute, Decision{Component: ct.table.ID, Step: "route lookup for " + p.dst.String(), Outcome: "drop", Rule: ruleText + " (blackhole)", Rules: lines})
			w.find(LayerRoute, Finding{Code: "BAD_STATE_ROUTE", Severity: SeverityBlock, Component: ct.table.ID, Rule: ruleText + " (blackhole)",
				Detail: fmt.Sprintf("the route %s in %s is a blackhole: its target %s no longer exists, and AWS drops the traffic rather than fall back to a less specific route", res.route.prefix, ct.table.ID, r.TargetID),
				Fix:    w.routeFix(ct.table, s, p.dst, res.route.prefix.String())})
			return walkEnd{stopped: true, pkt: p, flags: flags}
		}
		w.decide(LayerRoute, Decision{Component: ct.table.ID, Step: "route lookup for " + p.dst.String(), Outcome: "forward", Rule: ruleText, Rules: lines})
		w.lastRoute = routeRef{ct.table.ID, ruleText}
		next, end := w.followTarget(s, sender, ct, r, p, &flags, final)
		if end != nil {
			end.pkt, end.flags = p, flags
			if end.delivered != nil {
				end.pkt = next.pkt
			}
			return *end
		}
		s, sender, p = next.subnet, next.sender, next.pkt
	}
	w.find(LayerRoute, Finding{Code: "ROUTING_LOOP", Severity: SeverityBlock, Component: s.ID, Rule: fmt.Sprintf("more than %d hops", maxHops),
		Detail: fmt.Sprintf("the packet to %s loops between route tables and never arrives", p.dst)})
	return walkEnd{stopped: true, pkt: p, flags: flags}
}

// position is where a walk continues: a packet in a subnet, emitted by an
// interface (nil for a gateway).
type position struct {
	subnet *Subnet
	sender *ENI
	pkt    packet
}

func routeLines(ct *compiledTable, chosen *compiledRoute) []RuleLine {
	lines := make([]RuleLine, 0, len(ct.routes))
	for i := range ct.routes {
		lines = append(lines, RuleLine{Text: routeText(&ct.routes[i]), Matched: chosen == &ct.routes[i]})
	}
	return lines
}

func routeText(r *compiledRoute) string {
	if r.text != "" {
		return r.text
	}
	return formatRoute(r)
}

func formatRoute(r *compiledRoute) string {
	dst := r.prefix.String()
	if r.route.PrefixListID != "" {
		dst = r.route.PrefixListID + " (" + dst + ")"
	}
	s := fmt.Sprintf("%s → %s", dst, r.route.TargetID)
	switch r.rank {
	case rankPropagated:
		s += " (propagated)"
	case rankLocal:
		if r.route.Target != TargetLocal {
			s += " (local route replaced)"
		}
	}
	return s
}

// arrive delivers p to interface d. It returns ok when d is where the walk
// ends (the final interface, or any owner when final is nil); otherwise a
// translation made on the request is undone and the walk continues from
// the returned position. Both false and nil mean the packet stopped.
func (w *walker) arrive(d *ENI, p packet, flags *pathFlags, final *ENI) (*position, bool) {
	if final == nil || d.ID == final.ID {
		return nil, true
	}
	for _, t := range w.translations {
		if t.at != p.dst {
			continue
		}
		if t.nat != nil && t.nat.ENIID == d.ID || t.appliance != nil && t.appliance.ID == d.ID {
			s := w.n.Subnets[d.SubnetID]
			if s == nil {
				w.subnetOf(d, LayerRoute)
				return nil, false
			}
			np := p
			np.dst, np.ports = t.original, t.originalPorts
			w.hop(d.ID, "network-interface")
			if t.appliance != nil {
				w.checkSourceDest(d, np, false)
			}
			return &position{subnet: s, sender: d, pkt: np}, false
		}
	}
	if d.Owns(p.dst) {
		// Delivered to an interface that owns the address but is not the
		// one the query named: the address is shared or reassigned.
		return nil, true
	}
	return nil, false
}

// deliver hands p to interface d: the walk ends there, or continues where
// a translation made on the request is undone, or stops.
func (w *walker) deliver(d *ENI, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	next, ok := w.arrive(d, p, flags, final)
	switch {
	case ok:
		return position{pkt: p}, &walkEnd{delivered: d}
	case next != nil:
		return *next, nil
	}
	return position{}, &walkEnd{stopped: true}
}

// followTarget applies the semantics of the chosen route's target. It
// returns either the position to continue from or the end of the walk.
func (w *walker) followTarget(s *Subnet, sender *ENI, ct *compiledTable, r *Route, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	vpc := s.VPCID
	switch r.Target {
	case TargetLocal:
		d := w.ix.eniByVPCAddr[vpcAddr{vpc, p.dst}]
		if _, gap := w.ix.gap(KindNetworkInterfaces); d == nil && gap {
			w.missing(LayerRoute, KindNetworkInterfaces, ct.table.ID, fmt.Sprintf("the interface that owns %s in %s", p.dst, vpc))
			return position{}, stop
		}
		if d == nil && w.n.VPCs[vpc] == nil {
			// The Amazon DNS server answers at an address of the VPC's
			// CIDR that no interface owns; without the VPC it is unknown
			// whether the destination is that address.
			w.missingFor(LayerRoute, KindVPCs, vpc, vpc, fmt.Sprintf("VPC %s, whose CIDRs say whether %s is its DNS server", vpc, p.dst))
			return position{}, stop
		}
		if d == nil {
			w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityBlock, Component: ct.table.ID, Rule: "local",
				Detail: fmt.Sprintf("%s is inside %s but no network interface owns it, so the VPC router drops the packet", p.dst, vpc)})
			return position{}, stop
		}
		ds := w.subnetOf(d, LayerRoute)
		if ds == nil {
			return position{}, stop
		}
		w.crossNACLs(s, ds, p, "towards "+d.ID)
		return w.deliver(d, p, flags, final)
	case TargetENI, TargetInstance:
		m := w.applianceENI(r)
		if m == nil {
			if _, gap := w.ix.gap(KindNetworkInterfaces); gap {
				w.missing(LayerRoute, KindNetworkInterfaces, r.TargetID, "the route's target interface")
			} else {
				w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: r.TargetID, Rule: routeTextPlain(r),
					Detail: fmt.Sprintf("the route's target %s does not exist", r.TargetID), Fix: w.routeFix(ct.table, s, p.dst, r.Destination.String())})
			}
			return position{}, stop
		}
		ms := w.subnetOf(m, LayerRoute)
		if ms == nil {
			return position{}, stop
		}
		w.hopAfterExit(m.ID, "network-interface")
		if !w.nextHopAlive(ct.table.ID, routeTextPlain(r), m) {
			return position{}, stop
		}
		w.crossNACLs(s, ms, p, "towards appliance "+m.ID)
		if m.Owns(p.dst) {
			return w.deliver(m, p, flags, final)
		}
		w.checkSourceDest(m, p, true)
		if w.dir == Forward || !w.forwardAppliances[m.ID] {
			w.evalSGs(m, true, p, sgContext{flags: *flags, inbound: true}, "appliance receives")
			w.evalSGs(m, false, p, sgContext{flags: *flags}, "appliance forwards")
		}
		flags.appliance = true
		return position{subnet: ms, sender: m, pkt: p}, nil
	case TargetNAT:
		nat := w.n.NATGateways[r.TargetID]
		if nat == nil {
			w.missingOrGone(KindNATGateways, ct, s, r, p)
			return position{}, stop
		}
		w.hopAfterExit(nat.ID, "nat-gateway")
		if nat.State != "" && nat.State != "available" {
			w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: nat.ID, Rule: "state " + nat.State,
				Detail: fmt.Sprintf("NAT gateway %s is %s, not available", nat.ID, nat.State), Fix: w.routeFix(ct.table, s, p.dst, r.Destination.String())})
			return position{}, stop
		}
		if flags.enteredFrom == TargetPeering || flags.enteredFrom == TargetVGW {
			w.find(LayerRoute, Finding{Code: "NO_EDGE_TO_EDGE", Severity: SeverityBlock, Component: nat.ID, Rule: routeTextPlain(r),
				Detail: "traffic that entered the VPC through a peering connection or a VPN cannot use its NAT gateway (no edge-to-edge routing)"})
			return position{}, stop
		}
		if p.proto != ProtocolTCP && p.proto != ProtocolUDP && p.proto != ProtocolICMP {
			w.find(LayerRoute, Finding{Code: "UNSUPPORTED_PROTOCOL", Severity: SeverityBlock, Component: nat.ID, Rule: "protocol " + p.proto.String(),
				Detail: fmt.Sprintf("NAT gateway %s translates only TCP, UDP and ICMP, not %s", nat.ID, p.proto)})
			return position{}, stop
		}
		ns := w.n.Subnets[nat.SubnetID]
		if ns == nil {
			w.missing(LayerRoute, KindSubnets, nat.ID, "the NAT gateway's subnet "+nat.SubnetID)
			return position{}, stop
		}
		w.crossNACLs(s, ns, p, "towards NAT gateway "+nat.ID)
		if w.dir == Forward {
			w.translations = append(w.translations, translation{at: nat.PrivateIP, original: p.src, originalPorts: p.sports, nat: nat})
			flags.natted = true
			p.src = nat.PrivateIP
			p.sports = natPorts
		}
		natENI := w.n.ENIs[nat.ENIID]
		if natENI == nil {
			natENI = w.ix.natENIs[nat.ID]
		}
		return position{subnet: ns, sender: natENI, pkt: p}, nil
	case TargetIGW:
		return w.viaInternetGateway(s, sender, ct, r, p, flags, final)
	case TargetEIGW:
		if w.n.EgressOnlyInternetGateways[r.TargetID] == nil {
			w.missingOrGone(KindEgressOnlyGateways, ct, s, r, p)
			return position{}, stop
		}
		w.hopAfterExit(r.TargetID, "egress-only-internet-gateway")
		w.crossNACLs(s, nil, p, "towards the internet")
		if !p.dst.Is6() {
			w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityBlock, Component: r.TargetID, Rule: routeTextPlain(r), Detail: "an egress-only internet gateway carries IPv6 only"})
			return position{}, stop
		}
		return position{}, &walkEnd{exit: &Exit{Gateway: r.TargetID, Kind: ExitInternet}, exitVPC: vpc}
	case TargetVGW:
		vgw := w.n.VPNGateways[r.TargetID]
		if vgw == nil {
			w.missingOrGone(KindVPNGateways, ct, s, r, p)
			return position{}, stop
		}
		w.hopAfterExit(vgw.ID, "vpn-gateway")
		if !slices.Contains(vgw.VPCIDs, vpc) || vgw.State != "" && vgw.State != "available" {
			w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: vgw.ID, Rule: routeTextPlain(r),
				Detail: fmt.Sprintf("virtual private gateway %s is not attached to %s (state %q)", vgw.ID, vpc, vgw.State),
				Fix:    fmt.Sprintf("aws ec2 attach-vpn-gateway --vpn-gateway-id %s --vpc-id %s", vgw.ID, vpc)})
			return position{}, stop
		}
		if flags.enteredFrom == TargetPeering || flags.enteredFrom == TargetVGW {
			w.find(LayerRoute, Finding{Code: "NO_EDGE_TO_EDGE", Severity: SeverityBlock, Component: vgw.ID, Rule: routeTextPlain(r),
				Detail: "traffic that entered the VPC through a peering connection or a VPN cannot leave through its VPN gateway (no edge-to-edge routing)"})
			return position{}, stop
		}
		w.crossNACLs(s, nil, p, "towards "+vgw.ID)
		end := &walkEnd{exit: &Exit{Gateway: vgw.ID, Kind: ExitOnPrem}, exitVPC: vpc}
		if !w.vpnCarries(vgw.ID, p.dst) {
			end.stopped = true
		}
		return position{}, end
	case TargetPeering:
		return w.viaPeering(s, ct, r, p, flags, final)
	case TargetTGW:
		return w.viaTransitGateway(s, ct, r, p, flags, final)
	case TargetEndpoint:
		ep := w.n.Endpoints[r.TargetID]
		if ep == nil {
			w.missingOrGone(KindVPCEndpoints, ct, s, r, p)
			return position{}, stop
		}
		w.hopAfterExit(ep.ID, "vpc-endpoint")
		if ep.Type == "GatewayLoadBalancer" {
			w.find(LayerRoute, Finding{Code: "APPLIANCE_NOT_MODELLED", Severity: SeverityUnknown, Component: ep.ID, Rule: routeTextPlain(r),
				Detail: fmt.Sprintf("traffic goes to the appliances behind Gateway Load Balancer endpoint %s, which reach cannot see", ep.ID)})
			return position{}, stop
		}
		if flags.enteredFrom != "" {
			w.find(LayerRoute, Finding{Code: "NO_EDGE_TO_EDGE", Severity: SeverityBlock, Component: ep.ID, Rule: routeTextPlain(r),
				Detail: "a gateway endpoint serves only traffic that starts inside its VPC, not traffic from a peering connection, VPN or transit gateway"})
			return position{}, stop
		}
		if ep.State != "" && !strings.EqualFold(ep.State, "available") {
			w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: ep.ID, Rule: "state " + ep.State, Detail: fmt.Sprintf("endpoint %s is %s", ep.ID, ep.State)})
			return position{}, stop
		}
		w.crossNACLs(s, nil, p, "towards "+ep.ID)
		return position{}, &walkEnd{exit: &Exit{Gateway: ep.ID, Kind: ExitAWSService}, exitVPC: vpc}
	case TargetCarrier, TargetLocalGW, TargetCoreNetwork:
		kind := ExitOnPrem
		if r.Target == TargetCarrier {
			kind = ExitInternet
		}
		w.hopAfterExit(r.TargetID, string(r.Target))
		w.crossNACLs(s, nil, p, "towards "+r.TargetID)
		w.notes = append(w.notes, fmt.Sprintf("the path leaves through %s (%s); reach does not model what lies beyond it", r.TargetID, r.Target))
		return position{}, &walkEnd{exit: &Exit{Gateway: r.TargetID, Kind: kind}, exitVPC: vpc}
	}
	w.find(LayerRoute, Finding{Code: "UNSUPPORTED_TARGET", Severity: SeverityUnknown, Component: ct.table.ID, Rule: routeTextPlain(r),
		Detail: fmt.Sprintf("reach does not model the route target %s", r.TargetID)})
	return position{}, stop
}

func routeTextPlain(r *Route) string {
	dst := r.PrefixListID
	if dst == "" {
		dst = r.Destination.String()
	}
	return fmt.Sprintf("%s → %s", dst, r.TargetID)
}

func (w *walker) missingOrGone(k DataKind, ct *compiledTable, s *Subnet, r *Route, p packet) {
	if _, gap := w.ix.gap(k); gap {
		w.missing(LayerRoute, k, r.TargetID, "the route's target "+r.TargetID)
		return
	}
	w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: r.TargetID, Rule: routeTextPlain(r),
		Detail: fmt.Sprintf("the route's target %s does not exist", r.TargetID), Fix: w.routeFix(ct.table, s, p.dst, r.Destination.String())})
}

// nextHopAlive checks that the interface a route hands packets to can
// take them: it is attached, and the instance it is attached to is
// running. A stopped appliance keeps its interface and its routes (they
// are not blackholed), and the traffic is dropped: "the target network
// interface must be attached to a running instance" (SEMANTICS.md §2.5).
func (w *walker) nextHopAlive(table, route string, m *ENI) bool {
	if m.Status != "" && m.Status != "in-use" {
		w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: table, Rule: route,
			Detail: fmt.Sprintf("the route %s in %s hands the packet to %s, which is %s: attached to no instance, so nothing forwards it", route, table, m.ID, m.Status),
			Fix:    fmt.Sprintf("aws ec2 attach-network-interface --network-interface-id %s --instance-id <the appliance instance> --device-index 1  (or point the route at a working appliance)", m.ID)})
		return false
	}
	if m.InstanceID == "" {
		return true
	}
	inst := w.n.Instances[m.InstanceID]
	if inst == nil {
		// The interface is attached to an instance the data does not hold
		// (not read, or read only in part): its state is unknown.
		w.missing(LayerRoute, KindInstances, m.InstanceID, fmt.Sprintf("the state of instance %s, behind %s, the next hop of %s in %s", m.InstanceID, m.ID, route, table))
		return false
	}
	if inst.State == "" || inst.State == "running" {
		return true
	}
	w.find(LayerRoute, Finding{Code: "INSTANCE_NOT_RUNNING", Severity: SeverityBlock, Component: table, Rule: route,
		Detail: fmt.Sprintf("the route %s in %s hands the packet to %s of instance %s, which is %s, so nothing forwards it and the traffic is dropped (the route stays active)", route, table, m.ID, inst.ID, inst.State),
		Fix:    fmt.Sprintf("aws ec2 start-instances --instance-ids %s  (or point the route at a running appliance)", inst.ID)})
	return false
}

// applianceENI returns the interface a route hands packets to: the ENI, or
// the primary interface of the instance.
func (w *walker) applianceENI(r *Route) *ENI {
	if r.Target == TargetENI {
		return w.n.ENIs[r.TargetID]
	}
	id := r.TargetID
	if r.InstanceID != "" {
		id = r.InstanceID
	}
	if list := w.ix.instanceENIs[id]; len(list) > 0 {
		return list[0]
	}
	return nil
}

func (w *walker) viaInternetGateway(s *Subnet, sender *ENI, ct *compiledTable, r *Route, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	igw := w.n.InternetGateways[r.TargetID]
	if igw == nil {
		w.missingOrGone(KindInternetGateways, ct, s, r, p)
		return position{}, stop
	}
	w.hopAfterExit(igw.ID, "internet-gateway")
	if !slices.Contains(igw.VPCIDs, s.VPCID) {
		w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: igw.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("internet gateway %s is not attached to %s", igw.ID, s.VPCID),
			Fix:    fmt.Sprintf("aws ec2 attach-internet-gateway --internet-gateway-id %s --vpc-id %s", igw.ID, s.VPCID)})
		return position{}, stop
	}
	w.crossNACLs(s, nil, p, "towards the internet")
	if p.src.Is4() {
		// A middlebox that sends others' traffic to the internet must
		// translate it (a NAT instance); assume it does.
		if sender != nil && !sender.Owns(p.src) && w.dir == Forward && sender.InterfaceType != "nat_gateway" {
			w.checkSourceDest(sender, p, false)
			w.translations = append(w.translations, translation{at: sender.PrimaryIP(), original: p.src, originalPorts: p.sports, appliance: sender})
			w.notes = append(w.notes, fmt.Sprintf("assumed: %s translates source addresses (a NAT instance) before the internet gateway", sender.ID))
			p.src = sender.PrimaryIP()
			flags.natted = true
		}
		var public netip.Addr
		if sender != nil {
			public = sender.PublicFor(p.src)
			if nat := w.ix.natByENI[sender.ID]; nat != nil {
				if !nat.Public {
					w.find(LayerRoute, Finding{Code: "PRIVATE_NAT_TO_IGW", Severity: SeverityBlock, Component: nat.ID, Rule: routeTextPlain(r),
						Detail: fmt.Sprintf("%s is a private NAT gateway; the internet gateway drops its traffic", nat.ID)})
					return position{}, stop
				}
				public = nat.PublicIP
			}
		}
		if !public.IsValid() && w.dir == Forward {
			owner := "the packet's source"
			if sender != nil {
				owner = sender.ID
			}
			fix := w.natRouteFix(ct.table, s.VPCID)
			if sender != nil && !sender.RequesterManaged && sender.InterfaceType != "lambda" {
				fix = fmt.Sprintf("aws ec2 allocate-address --domain vpc && aws ec2 associate-address --network-interface-id %s --private-ip-address %s --allocation-id <eipalloc-…>  (or: %s)", sender.ID, p.src, fix)
			}
			w.find(LayerRoute, Finding{Code: "NO_PUBLIC_IP", Severity: SeverityBlock, Component: igw.ID, Rule: routeTextPlain(r),
				Detail: fmt.Sprintf("%s (%s) has no public IPv4 address, so internet gateway %s cannot translate it and drops the packet", p.src, owner, igw.ID), Fix: fix})
			return position{}, stop
		}
		if public.IsValid() {
			// 1:1 NAT both ways: a reply leaves from the public address
			// the connection was made to.
			if w.dir == Forward {
				w.translations = append(w.translations, translation{at: public, original: p.src, originalPorts: p.sports})
			}
			p.src = public
		}
	}
	if m, ok := w.ix.byPublic[p.dst]; ok {
		// The destination is a public address of this account: the packet
		// comes back in through that VPC's internet gateway.
		switch {
		case w.dir == Forward && m.eni != nil:
			return w.enterFromInternet(m, p, flags, final)
		case w.dir == Return:
			return w.replyToPublic(m, p, flags, final)
		}
	}
	return position{}, &walkEnd{exit: &Exit{Gateway: igw.ID, Kind: ExitInternet}, exitVPC: s.VPCID}
}

// replyToPublic brings a reply addressed to a public address of this
// account (a NAT gateway's or an interface's, when both ends of a
// connection are in the account) back in through that VPC's internet
// gateway.
func (w *walker) replyToPublic(m publicMapping, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	vpc := ""
	switch {
	case m.nat != nil:
		vpc = m.nat.VPCID
	case m.eni != nil:
		vpc = m.eni.VPCID
	}
	igw := w.igwOf(vpc)
	if _, gap := w.ix.gap(KindInternetGateways); igw == nil && gap {
		w.missing(LayerRoute, KindInternetGateways, vpc, "the internet gateway of "+vpc+", through which the reply to "+p.dst.String()+" comes back")
		return position{}, &walkEnd{stopped: true}
	}
	if igw == nil {
		w.find(LayerRoute, Finding{Code: "NO_INTERNET_GATEWAY", Severity: SeverityBlock, Component: vpc, Rule: "no internet gateway attached",
			Detail: fmt.Sprintf("the reply goes to %s, a public address in %s, which has no internet gateway", p.dst, vpc)})
		return position{}, &walkEnd{stopped: true}
	}
	p.dst = m.private
	if m.nat != nil {
		return w.ingressToNAT(igw.ID, m.nat, p, flags, final)
	}
	return w.ingress(igw.ID, vpc, p, flags, final)
}

// igwOf returns the internet gateway attached to a VPC, or nil.
func (w *walker) igwOf(vpc string) *InternetGateway {
	for _, id := range sortedKeys(w.n.InternetGateways) {
		if slices.Contains(w.n.InternetGateways[id].VPCIDs, vpc) {
			return w.n.InternetGateways[id]
		}
	}
	return nil
}

// enterFromInternet delivers a packet addressed to a public address through
// the owning VPC's internet gateway.
func (w *walker) enterFromInternet(m publicMapping, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	d := m.eni
	ds := w.subnetOf(d, LayerRoute)
	if ds == nil {
		return position{}, stop
	}
	igw := w.igwOf(d.VPCID)
	if _, gap := w.ix.gap(KindInternetGateways); igw == nil && gap {
		w.missing(LayerRoute, KindInternetGateways, d.VPCID, "the internet gateway of "+d.VPCID+", through which "+d.ID+" is reached from the internet")
		return position{}, stop
	}
	if igw == nil {
		w.find(LayerRoute, Finding{Code: "NO_INTERNET_GATEWAY", Severity: SeverityBlock, Component: d.VPCID, Rule: "no internet gateway attached",
			Detail: fmt.Sprintf("%s has a public address but its VPC %s has no internet gateway", d.ID, d.VPCID)})
		return position{}, stop
	}
	w.hop(igw.ID, "internet-gateway")
	p.dst = m.private
	flags.enteredFrom = TargetIGW
	if m.nat == nil && d.InterfaceType == "nat_gateway" {
		// The interface's type alone says a NAT gateway owns it, with or
		// without describe-nat-gateways.
		w.find(LayerRoute, Finding{Code: "NAT_UNSOLICITED", Severity: SeverityBlock, Component: d.ID, Rule: "no session",
			Detail: fmt.Sprintf("%s is the public address of %s, a NAT gateway's interface; a NAT gateway drops connections it did not start", d.PublicFor(m.private), d.ID)})
		return position{}, stop
	}
	if m.nat != nil {
		w.find(LayerRoute, Finding{Code: "NAT_UNSOLICITED", Severity: SeverityBlock, Component: m.nat.ID, Rule: "no session",
			Detail: fmt.Sprintf("%s is the public address of NAT gateway %s, which drops connections it did not start", m.nat.PublicIP, m.nat.ID)})
		return position{}, stop
	}
	return w.ingress(igw.ID, d.VPCID, p, flags, final)
}

// ingress delivers a packet that enters a VPC through a gateway: through the
// gateway's edge route table when it has one, else straight to the owner of
// the destination address.
func (w *walker) ingress(gatewayID, vpc string, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	if et := w.ix.edgeTable[gatewayID]; et != nil {
		w.hop(et.table.ID, "route-table")
		res := et.lookup(p.dst)
		if res.route != nil && res.route.route.Target != TargetLocal {
			w.decide(LayerRoute, Decision{Component: et.table.ID, Step: "gateway route table of " + gatewayID, Outcome: "forward", Rule: routeText(res.route), Rules: routeLines(et, res.route)})
			w.lastRoute = routeRef{et.table.ID, routeText(res.route)}
			r := res.route.route
			if r.Target == TargetENI || r.Target == TargetInstance {
				m := w.applianceENI(r)
				if m == nil {
					w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: r.TargetID, Rule: routeText(res.route), Detail: "the gateway route's target interface does not exist"})
					return position{}, stop
				}
				ms := w.subnetOf(m, LayerRoute)
				if ms == nil {
					return position{}, stop
				}
				w.hop(m.ID, "network-interface")
				if !w.nextHopAlive(et.table.ID, routeText(res.route), m) {
					return position{}, stop
				}
				w.crossNACLs(nil, ms, p, "from "+gatewayID+" to appliance "+m.ID)
				w.checkSourceDest(m, p, true)
				if w.dir == Forward || !w.forwardAppliances[m.ID] {
					w.evalSGs(m, true, p, sgContext{flags: *flags, inbound: true}, "appliance receives")
					w.evalSGs(m, false, p, sgContext{flags: *flags}, "appliance forwards")
				}
				flags.appliance = true
				return position{subnet: ms, sender: m, pkt: p}, nil
			}
			w.find(LayerRoute, Finding{Code: "UNSUPPORTED_TARGET", Severity: SeverityUnknown, Component: et.table.ID, Rule: routeText(res.route),
				Detail: "reach does not model this gateway route table target"})
			return position{}, stop
		}
		if res.route != nil {
			w.decide(LayerRoute, Decision{Component: et.table.ID, Step: "gateway route table of " + gatewayID, Outcome: "forward", Rule: routeText(res.route), Rules: routeLines(et, res.route)})
		}
	}
	d := w.ix.eniByVPCAddr[vpcAddr{vpc, p.dst}]
	if _, gap := w.ix.gap(KindNetworkInterfaces); d == nil && gap {
		w.missing(LayerRoute, KindNetworkInterfaces, gatewayID, fmt.Sprintf("the interface that owns %s in %s", p.dst, vpc))
		return position{}, stop
	}
	if d == nil {
		w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityBlock, Component: gatewayID, Rule: "local",
			Detail: fmt.Sprintf("no network interface in %s owns %s", vpc, p.dst)})
		return position{}, stop
	}
	w.decide(LayerRoute, Decision{Component: gatewayID, Step: "enter " + vpc + " through " + gatewayID, Outcome: "forward", Rule: "delivered by the VPC router to " + d.ID})
	ds := w.subnetOf(d, LayerRoute)
	if ds == nil {
		return position{}, stop
	}
	w.crossNACLs(nil, ds, p, "from "+gatewayID)
	return w.deliver(d, p, flags, final)
}

func (w *walker) viaPeering(s *Subnet, ct *compiledTable, r *Route, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	pcx := w.n.Peerings[r.TargetID]
	if pcx == nil {
		w.missingOrGone(KindPeerings, ct, s, r, p)
		return position{}, stop
	}
	w.hopAfterExit(pcx.ID, "vpc-peering-connection")
	if !pcx.Active() {
		fix := fmt.Sprintf("aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id %s", pcx.ID)
		if pcx.Status != "pending-acceptance" {
			fix = fmt.Sprintf("aws ec2 create-vpc-peering-connection --vpc-id %s --peer-vpc-id %s  (the connection is %s)", pcx.Requester.VPCID, pcx.Accepter.VPCID, pcx.Status)
		}
		w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: pcx.ID, Rule: "status " + pcx.Status,
			Detail: fmt.Sprintf("peering connection %s is %s, not active", pcx.ID, pcx.Status), Fix: fix})
		return position{}, stop
	}
	var peer PeeringSide
	switch s.VPCID {
	case pcx.Requester.VPCID:
		peer = pcx.Accepter
	case pcx.Accepter.VPCID:
		peer = pcx.Requester
	default:
		w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityBlock, Component: pcx.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("peering connection %s does not connect %s", pcx.ID, s.VPCID)})
		return position{}, stop
	}
	if flags.enteredFrom != "" {
		w.find(LayerRoute, Finding{Code: "NO_EDGE_TO_EDGE", Severity: SeverityBlock, Component: pcx.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("the packet entered %s through %s; a peering connection carries only traffic that starts in the peered VPCs (no transitive or edge-to-edge routing)", s.VPCID, flags.enteredFrom)})
		return position{}, stop
	}
	v4, v6 := peer.CIDRs, peer.IPv6CIDRs
	if v := w.n.VPCs[peer.VPCID]; v != nil && len(v.CIDRs) > 0 {
		v4, v6 = v.CIDRs, v.IPv6CIDRs
	}
	inPeer := false
	for _, list := range [][]netip.Prefix{v4, v6} {
		for _, c := range list {
			if c.Contains(p.dst) {
				inPeer = true
			}
		}
	}
	if !inPeer {
		code, why := "NO_EDGE_TO_EDGE", "the peer VPC's gateways (internet, NAT, VPN, endpoints) serve only traffic that starts inside it"
		if v := w.vpcContaining(p.dst); v != nil {
			code, why = "NO_TRANSITIVE_PEERING", fmt.Sprintf("it lies in %s, and peering is not transitive", v.ID)
		}
		w.find(LayerRoute, Finding{Code: code, Severity: SeverityBlock, Component: pcx.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s is not inside the peer VPC %s, and a peering connection delivers only to addresses of the peer VPC: %s", p.dst, peer.VPCID, why)})
		return position{}, stop
	}
	d := w.ix.eniByVPCAddr[vpcAddr{peer.VPCID, p.dst}]
	if d == nil {
		if _, gap := w.ix.gap(KindNetworkInterfaces); gap || w.n.VPCs[peer.VPCID] == nil {
			w.find(LayerRoute, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: peer.VPCID, Rule: routeTextPlain(r),
				Detail: fmt.Sprintf("the peer VPC %s (account %s) is not in the data, so reach cannot follow the packet past %s", peer.VPCID, peer.OwnerID, pcx.ID)})
			return position{}, stop
		}
		if w.dir == Return {
			// The reply's own route sent it to a VPC that does not hold the
			// source: blame that route, not the peering.
			w.replyMisrouted(fmt.Sprintf("the reply to %s crosses %s into %s, where no network interface owns %s", p.dst, pcx.ID, peer.VPCID, p.dst), pcx.ID)
			return position{}, stop
		}
		w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityBlock, Component: pcx.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("no network interface in %s owns %s", peer.VPCID, p.dst)})
		return position{}, stop
	}
	ds := w.subnetOf(d, LayerRoute)
	if ds == nil {
		return position{}, stop
	}
	flags.peering = pcx
	w.crossNACLs(s, ds, p, "across "+pcx.ID)
	entered := *flags
	entered.enteredFrom = TargetPeering
	if next, ok := w.arrive(d, p, &entered, final); ok {
		*flags = entered
		return position{pkt: p}, &walkEnd{delivered: d}
	} else if next != nil {
		*flags = entered
		return *next, nil
	}
	return position{}, stop
}

func (w *walker) viaTransitGateway(s *Subnet, ct *compiledTable, r *Route, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	tgwID := r.TargetID
	if w.n.TransitGateways[tgwID] == nil {
		if _, gap := w.ix.gap(KindTransitGateways); gap {
			w.missing(LayerRoute, KindTransitGateways, tgwID, "the route's transit gateway")
			return position{}, stop
		}
	}
	w.hopAfterExit(tgwID, "transit-gateway")
	if tgw := w.n.TransitGateways[tgwID]; tgw != nil && tgw.State != "" && tgw.State != "available" && tgw.State != "modifying" {
		// A transit gateway being created or deleted forwards nothing;
		// one being modified keeps forwarding.
		w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: tgwID, Rule: "state " + tgw.State,
			Detail: fmt.Sprintf("transit gateway %s is %s, not available", tgwID, tgw.State)})
		return position{}, stop
	}
	var att *TransitGatewayAttachment
	for _, a := range w.ix.tgwAttachByVPC[s.VPCID] {
		if a.TGWID == tgwID {
			att = a
			break
		}
	}
	if att == nil {
		if _, gap := w.ix.gap(KindTransitGatewayAttachments); gap {
			w.missing(LayerRoute, KindTransitGatewayAttachments, tgwID, "the VPC's transit gateway attachment")
			return position{}, stop
		}
		w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: tgwID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s routes to %s but the VPC has no attachment to it", ct.table.ID, tgwID),
			Fix:    fmt.Sprintf("aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id %s --vpc-id %s --subnet-ids <one subnet per AZ>", tgwID, s.VPCID)})
		return position{}, stop
	}
	w.hopAfterExit(att.ID, "transit-gateway-attachment")
	if att.State != "" && att.State != "available" {
		w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: att.ID, Rule: "state " + att.State,
			Detail: fmt.Sprintf("transit gateway attachment %s is %s", att.ID, att.State)})
		return position{}, stop
	}
	attSubnet := w.attachmentSubnetInAZ(att, s.AZ)
	if _, gap := w.ix.gapFor(KindTransitGatewayAttachments, att.ID); attSubnet == nil && gap {
		w.missingFor(LayerRoute, KindTransitGatewayAttachments, att.ID, att.ID, fmt.Sprintf("the subnets of %s, which decide whether it takes traffic from %s", att.ID, s.AZ))
		return position{}, stop
	}
	if attSubnet == nil {
		w.find(LayerRoute, Finding{Code: "TGW_NO_ATTACHMENT_IN_AZ", Severity: SeverityBlock, Component: att.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("attachment %s has no subnet in %s, the Availability Zone of %s, so the transit gateway does not take the traffic", att.ID, s.AZ, s.ID),
			Fix:    fmt.Sprintf("aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id %s --add-subnet-ids <a subnet of %s in %s>", att.ID, s.VPCID, s.AZ)})
		return position{}, stop
	}
	// Leaving towards the transit gateway: the sender's subnet outbound
	// rules and the attachment subnet's inbound rules (SEMANTICS.md §4.4).
	if attSubnet.ID == s.ID {
		w.evalSubnetACL(s, false, p, "towards "+att.ID)
		w.evalSubnetACL(s, true, p, "into "+att.ID)
	} else {
		w.crossNACLs(s, attSubnet, p, "towards "+att.ID)
	}
	flags.tgwFrom = att
	return w.transitGatewayFrom(att, s.AZ, p, flags, final)
}

func (w *walker) attachmentSubnetInAZ(att *TransitGatewayAttachment, az string) *Subnet {
	var first *Subnet
	for _, id := range att.SubnetIDs {
		sub := w.n.Subnets[id]
		if sub == nil {
			continue
		}
		if sub.AZ == az {
			return sub
		}
		if first == nil {
			first = sub
		}
	}
	if az == "" {
		return first
	}
	return nil
}

// transitGatewayFrom routes a packet that entered the transit gateway from
// attachment att, in the route table associated with att.
func (w *walker) transitGatewayFrom(att *TransitGatewayAttachment, originAZ string, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	if _, gap := w.ix.gapFor(KindTransitGatewayAttachments, att.ID); gap && att.RouteTableID == "" {
		w.missingFor(LayerRoute, KindTransitGatewayAttachments, att.ID, att.ID, "the route table associated with "+att.ID)
		return position{}, stop
	}
	if att.RouteTableID == "" || (att.AssociationState != "" && att.AssociationState != "associated") {
		w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: att.ID, Rule: "no associated route table",
			Detail: fmt.Sprintf("attachment %s is not associated with a transit gateway route table, so the transit gateway drops its traffic", att.ID),
			Fix:    fmt.Sprintf("aws ec2 associate-transit-gateway-route-table --transit-gateway-route-table-id <tgw-rtb-…> --transit-gateway-attachment-id %s", att.ID)})
		return position{}, stop
	}
	tt := w.ix.tgwTables[att.RouteTableID]
	if tt == nil {
		w.missing(LayerRoute, KindTransitGatewayRouteTables, att.RouteTableID, "transit gateway route table "+att.RouteTableID)
		return position{}, stop
	}
	w.hop(tt.table.ID, "transit-gateway-route-table")
	res := tt.lookup(p.dst)
	lines := make([]RuleLine, 0, len(tt.routes))
	for i := range tt.routes {
		lines = append(lines, RuleLine{Text: tgwRouteText(&tt.routes[i]), Matched: res.route == &tt.routes[i]})
	}
	if res.unknownList != "" {
		w.missing(LayerRoute, KindPrefixLists, res.unknownList, "a prefix list routed by "+tt.table.ID)
		return position{}, stop
	}
	if tt.learnedUnknown != "" && (res.route == nil || res.route.prefix.Bits() < p.dst.BitLen()) {
		// Routes propagated from VPN or Direct Connect are learned over
		// BGP; with only the static routes at hand, a learned route may
		// be the one that decides.
		w.decide(LayerRoute, Decision{Component: tt.table.ID, Step: "transit gateway route lookup for " + p.dst.String(), Outcome: "unknown", Rule: "learned routes unknown", Rules: lines})
		w.find(LayerRoute, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: tt.table.ID, Rule: "routes propagated from " + tt.learnedUnknown,
			Detail: fmt.Sprintf("%s learns routes from %s, and only its static routes are in the data (search-transit-gateway-routes lists them all), so the route for %s cannot be chosen", tt.table.ID, tt.learnedUnknown, p.dst)})
		return position{}, stop
	}
	if !tt.table.RoutesKnown {
		// Static routes, blackholes among them, are listed only by the
		// routes output: without it no lookup is decided.
		w.decide(LayerRoute, Decision{Component: tt.table.ID, Step: "transit gateway route lookup for " + p.dst.String(), Outcome: "unknown", Rule: "routes unknown", Rules: lines})
		w.missingFor(LayerRoute, KindTransitGatewayRouteTables, tt.table.ID, tt.table.ID, "routes of "+tt.table.ID+", which decide where the transit gateway sends "+p.dst.String())
		return position{}, stop
	}
	if (tt.table.PropagationsUnknown || tt.propagatedUnknown != "") && (res.route == nil || res.route.prefix.Bits() < p.dst.BitLen()) {
		// A propagated route the data does not hold may be the longest
		// match; only a host route is safe from it.
		w.decide(LayerRoute, Decision{Component: tt.table.ID, Step: "transit gateway route lookup for " + p.dst.String(), Outcome: "unknown", Rule: "propagated routes unknown", Rules: lines})
		if tt.propagatedUnknown != "" && !tt.table.PropagationsUnknown {
			att := w.n.TransitGatewayAttachments[tt.propagatedUnknown]
			w.missingFor(LayerRoute, KindVPCs, att.ResourceID, tt.table.ID, fmt.Sprintf("%s propagates into %s the CIDRs of %s, which are not in the data, so the route for %s cannot be chosen", att.ID, tt.table.ID, att.ResourceID, p.dst))
		} else {
			w.missingFor(LayerRoute, KindTransitGatewayRouteTables, tt.table.ID, tt.table.ID, fmt.Sprintf("the propagations of %s are not in the data, so the route for %s cannot be chosen", tt.table.ID, p.dst))
		}
		return position{}, stop
	}
	if res.route == nil {
		w.decide(LayerRoute, Decision{Component: tt.table.ID, Step: "transit gateway route lookup for " + p.dst.String(), Outcome: "drop", Rule: "no route matches", Rules: lines})
		w.find(LayerRoute, Finding{Code: "NO_ROUTE_TO_DESTINATION", Severity: SeverityBlock, Component: tt.table.ID, Rule: "no route for " + p.dst.String(),
			Detail: fmt.Sprintf("transit gateway route table %s (associated with %s) has no route for %s: the destination attachment does not propagate to it and no static route covers it", tt.table.ID, att.ID, p.dst),
			Fix:    fmt.Sprintf("aws ec2 enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id %s --transit-gateway-attachment-id <the destination's attachment>", tt.table.ID)})
		return position{}, stop
	}
	if res.route.route.Blackhole {
		w.decide(LayerRoute, Decision{Component: tt.table.ID, Step: "transit gateway route lookup for " + p.dst.String(), Outcome: "drop", Rule: tgwRouteText(res.route), Rules: lines})
		w.find(LayerRoute, Finding{Code: "BAD_STATE_ROUTE", Severity: SeverityBlock, Component: tt.table.ID, Rule: tgwRouteText(res.route),
			Detail: fmt.Sprintf("transit gateway route %s in %s is a blackhole and drops the traffic", res.route.prefix, tt.table.ID),
			Fix:    fmt.Sprintf("aws ec2 delete-transit-gateway-route --transit-gateway-route-table-id %s --destination-cidr-block %s", tt.table.ID, res.route.prefix)})
		return position{}, stop
	}
	w.decide(LayerRoute, Decision{Component: tt.table.ID, Step: "transit gateway route lookup for " + p.dst.String(), Outcome: "forward", Rule: tgwRouteText(res.route), Rules: lines})
	w.lastRoute = routeRef{tt.table.ID, tgwRouteText(res.route)}
	if len(res.route.route.AttachmentIDs) == 0 {
		w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityUnknown, Component: tt.table.ID, Rule: tgwRouteText(res.route), Detail: "the route names no attachment"})
		return position{}, stop
	}
	to := w.n.TransitGatewayAttachments[res.route.route.AttachmentIDs[0]]
	if to == nil {
		w.missing(LayerRoute, KindTransitGatewayAttachments, res.route.route.AttachmentIDs[0], "the route's attachment")
		return position{}, stop
	}
	w.hop(to.ID, "transit-gateway-attachment")
	if to.State != "" && to.State != "available" {
		w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: to.ID, Rule: "state " + to.State, Detail: fmt.Sprintf("attachment %s is %s", to.ID, to.State)})
		return position{}, stop
	}
	flags.tgwTo = to
	switch to.ResourceType {
	case "vpc":
		sub := w.attachmentSubnetInAZ(to, originAZ)
		if sub == nil {
			sub = w.attachmentSubnetInAZ(to, "")
		}
		if sub == nil {
			w.missing(LayerRoute, KindSubnets, to.ID, "the subnets of attachment "+to.ID)
			return position{}, stop
		}
		flags.enteredFrom = TargetTGW
		return position{subnet: sub, sender: nil, pkt: p}, nil
	case "vpn", "direct-connect-gateway", "connect":
		end := &walkEnd{exit: &Exit{Gateway: to.TGWID, Kind: ExitOnPrem}}
		switch to.ResourceType {
		case "vpn":
			end.stopped = !w.tgwVPNCarries(to, p.dst, res.route.route.Static)
		case "direct-connect-gateway":
			end.stopped = !w.applyLink(w.dxForTGW(to))
		}
		return position{}, end
	case "peering":
		return w.acrossTGWPeering(att, to, originAZ, p, flags, final)
	}
	w.find(LayerRoute, Finding{Code: "UNSUPPORTED_TARGET", Severity: SeverityUnknown, Component: to.ID, Rule: tgwRouteText(res.route),
		Detail: fmt.Sprintf("the route leads to a %s attachment, which reach does not follow", to.ResourceType)})
	return position{}, stop
}

// acrossTGWPeering hands a packet to the transit gateway on the other side
// of a peering attachment, which looks it up in the route table it
// associates with the same attachment.
func (w *walker) acrossTGWPeering(from, peering *TransitGatewayAttachment, originAZ string, p packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	stop := &walkEnd{stopped: true}
	w.tgwDepth++
	if w.tgwDepth > 4 {
		w.find(LayerRoute, Finding{Code: "ROUTING_LOOP", Severity: SeverityBlock, Component: peering.ID, Rule: "transit gateway peering loop",
			Detail: fmt.Sprintf("the packet to %s goes round transit gateway peerings without arriving", p.dst)})
		return position{}, stop
	}
	// The attachment has one ID on both transit gateways; the far side is
	// whichever is not the one the packet is in.
	far := TransitGatewayAttachment{ID: peering.ID, ResourceType: "peering", TGWID: peering.PeerTGWID,
		RouteTableID: peering.PeerRouteTableID, AssociationState: peering.PeerAssociationState, PeerTGWID: peering.TGWID,
		PeerRouteTableID: peering.RouteTableID, PeerAssociationState: peering.AssociationState}
	if peering.TGWID != from.TGWID {
		far = *peering
	}
	w.hop(far.TGWID, "transit-gateway")
	if far.RouteTableID == "" && w.n.TransitGateways[far.TGWID] == nil {
		w.find(LayerRoute, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: peering.ID, Rule: "peer transit gateway " + far.TGWID,
			Detail: fmt.Sprintf("the packet crosses peering attachment %s to transit gateway %s, whose configuration (another account's or Region's) is not in the data", peering.ID, far.TGWID)})
		return position{}, stop
	}
	return w.transitGatewayFrom(&far, originAZ, p, flags, final)
}

func tgwRouteText(r *compiledTGWRoute) string {
	dst := r.prefix.String()
	if r.route.PrefixListID != "" {
		dst = r.route.PrefixListID + " (" + dst + ")"
	}
	kind := "propagated"
	if r.route.Static {
		kind = "static"
	}
	if r.route.Blackhole {
		return fmt.Sprintf("%s → blackhole (%s)", dst, kind)
	}
	return fmt.Sprintf("%s → %s (%s)", dst, strings.Join(r.route.AttachmentIDs, ", "), kind)
}
