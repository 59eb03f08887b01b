// Routing (SEMANTICS.md §2): the walk of a packet from subnet to subnet,
// the route lookup in a subnet's table (longest prefix, then origin), and the
// next hops a route hands packets to.

package checks

import (
	"fmt"
	"net/netip"
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

// routeRef names one route of one route table.
type routeRef struct {
	table, route string
}

// subnetOf returns the ENI's subnet, or reports it unknown.
func (w *walker) subnetOf(e *ENI, layer string) *Subnet {
	s := w.n.Subnets[e.SubnetID]
	if s == nil {
		w.missing(layer, KindSubnets, e.ID, fmt.Sprintf("subnet %s of %s is not in the data", e.SubnetID, e.ID))
	}
	return s
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
		ct := w.tableForSubnet(s)
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

// lookupResult is the outcome of a longest-prefix match.
type lookupResult struct {
	route *compiledRoute
	// ambiguous holds an equal-ranked prefix-list route to another target
	// (AWS picks one at random, then sticks to it).
	ambiguous *compiledRoute
	// unknownList is set when a prefix list with unknown entries could
	// decide the lookup.
	unknownList string
}

func (ct *compiledTable) lookup(dst netip.Addr) lookupResult {
	var res lookupResult
	for i := range ct.routes {
		r := &ct.routes[i]
		if r.prefix.Addr().Is4() != dst.Is4() || !r.prefix.Contains(dst) {
			continue
		}
		if res.route == nil {
			res.route = r
			continue
		}
		if r.prefix.Bits() == res.route.prefix.Bits() && r.rank == res.route.rank && r.rank == rankPrefixList &&
			(r.route.Target != res.route.route.Target || r.route.TargetID != res.route.route.TargetID) {
			res.ambiguous = r
		}
		break
	}
	if len(ct.unknownLists) > 0 {
		// A prefix list whose entries are missing could hold a more
		// specific prefix; only a /32 (or /128) match is safe from it.
		if res.route == nil || res.route.prefix.Bits() < dst.BitLen() {
			res.unknownList = ct.unknownLists[0]
		}
	}
	return res
}
