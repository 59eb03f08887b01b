// The evaluation of one query: the walker that collects each layer's
// findings and decisions in path order, and the runs from an interface and
// from a source outside the account, forward and back.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Evaluate decides every packet-path layer for the query on the network and
// returns the report. It compiles the network on first use. The error is an
// *InputError when the query names something the network does not hold
// while the data to know it is present.
func Evaluate(n *Network, q Query) (Report, error) {
	n.Compile()
	rep, err := evaluate(n, q, false)
	nameFixAccounts(n, &rep)
	return rep, err
}

// evaluate runs one query; brief leaves out the rule listings of each
// decision, which only people read.
func evaluate(n *Network, q Query, brief bool) (Report, error) {
	return evaluateWith(n, q, brief, nil)
}

// evaluateWith runs one query on the network with a fix's patched
// resource in place of the original (none when patch is nil).
func evaluateWith(n *Network, q Query, brief bool, patch *fixPatch) (Report, error) {
	w := newWalker(n)
	w.brief = brief
	w.patch = patch
	rep := Report{Protocol: q.Protocol.String(), Verdict: Unknown}
	src, srcErr := w.resolveSource(q)
	if srcErr != nil {
		return rep, srcErr
	}
	if q.To.Kind == EndHost {
		return evaluateHost(n, q, src, brief, patch), nil
	}
	dst, dstErr := w.resolveDestination(q, src)
	if dstErr != nil {
		return rep, dstErr
	}
	matchFamilies(q, &src, &dst)
	rep.Source, rep.Destination = src.end, dst.end
	w.run(q, src, dst, &rep)
	w.evalService(q, src, dst, &rep)
	w.targetLegs(q, src)
	w.finish(&rep, q, dst)
	rep.fixChanges = w.fixChanges
	return rep, nil
}

// walker evaluates one query. It collects findings and decisions per layer
// in path order.
type walker struct {
	n      *Network
	ix     *index
	layers map[string]*Layer
	order  int
	hops   []Hop
	// returnHops are the components the reply crossed, in the order it
	// crossed them: kept only to set beside the analyzer's return path.
	returnHops []Hop
	notes      []string
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
	// conflicts holds the resources two snapshot files describe
	// differently, by ID; touched, kept only when there are some, the
	// resources the evaluation read (settleConflicts).
	conflicts map[string]Gap
	touched   map[string]bool
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
	// patch holds the resource a fix under verification changes.
	patch *fixPatch
	// changes are the fixes offered, as changes to the model.
	fixChanges map[string]*fixChange
	// arrivedFrom and arrivedPorts are the source address and ports of the
	// request as it reached the destination (after any translation): what
	// a load balancer that preserves the client's address passes on.
	arrivedFrom  netip.Addr
	arrivedPorts PortRange
	// forwarding is set when the destination is a load balancer whose
	// listener forwards; targets holds the verdict of each of its targets
	// (loadbalancer_targets.go).
	forwarding *forwarding
	targets    []TargetVerdict
	// outOfDNS says why the load balancer's DNS name does not answer with
	// the node this path reached ("" when it does).
	outOfDNS string
	// legOf is set on the walker of a load balancer's leg to one target;
	// preservedClient when that leg carries the client's address, whose
	// ports legPorts then are.
	legOf           *forwarding
	preservedClient bool
	legPorts        PortRange
	// chained counts the load balancers this walk is behind: 1 on a leg
	// from a load balancer to its target, 2 on the leg of a load
	// balancer that is itself a target (maxLoadBalancerChain).
	chained int
}

func newWalker(n *Network) *walker {
	w := &walker{n: n, ix: n.index, dir: Forward, layers: make(map[string]*Layer, len(LayerOrder)), forwardAppliances: map[string]bool{}, srcDstFlagged: map[string]bool{}, evaluated: map[string]bool{}}
	for _, name := range LayerOrder {
		w.layers[name] = &Layer{Name: name, Findings: []Finding{}}
	}
	for _, g := range n.Gaps {
		if g.Conflict && g.Scope != "" {
			if w.conflicts == nil {
				w.conflicts, w.touched = map[string]Gap{}, map[string]bool{}
			}
			w.conflicts[g.Scope] = g
		}
	}
	return w
}

// touch notes a resource the evaluation read, when some resource is in
// conflict: settleConflicts then knows whether the conflict matters.
func (w *walker) touch(id string) {
	if w.touched != nil && id != "" {
		w.touched[id] = true
	}
}

func (w *walker) hop(component, kind string) {
	w.touch(component)
	if w.brief || component == "" {
		return
	}
	if w.dir == Return {
		w.returnHops = append(w.returnHops, Hop{Component: component, Kind: kind})
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
	if w.brief || component == "" {
		return
	}
	if w.dir == Return {
		w.returnHops = append(w.returnHops, Hop{Component: component, Kind: kind})
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
	w.touch(f.Component)
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
	w.touch(d.Component)
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

func (w *walker) run(q Query, src, dst endpoint, rep *Report) {
	p := packet{src: src.addr, dst: dst.addr, proto: q.Protocol, icmpType: q.ICMPType, icmpCode: q.ICMPCode}
	p.ports = PortRange{uint16(q.Port), uint16(q.Port)}
	p.sports = w.n.ClientPortRange(src.eni)
	if src.external {
		p.sports = natPorts
	}
	if _, gap := w.ix.gap(KindInstances); gap && src.eni != nil && src.eni.InstanceID != "" && src.eni.Platform == "" {
		// Without the instance its operating system is unknown: check the
		// ports of Linux and Windows clients both.
		linux, windows := w.n.ClientPortRange(&ENI{}), w.n.ClientPortRange(&ENI{Platform: "windows"})
		w.clientPlatforms = []PortRange{linux, windows}
		p.sports = spanOf(w.clientPlatforms)
	}
	if _, gap := w.ix.gap(KindNetworkInterfaces); gap {
		// Any address of the path may belong to an interface that did
		// not load: where the packet goes cannot be known.
		comp := dst.end.Address
		if src.eni != nil {
			comp = src.eni.ID
		}
		w.missing(LayerRoute, KindNetworkInterfaces, comp, "the network interfaces, which decide where addresses are delivered")
	}
	if w.legPorts != (PortRange{}) {
		p.sports = w.legPorts
	}
	if q.SourcePort != 0 {
		p.sports = PortRange{uint16(q.SourcePort), uint16(q.SourcePort)}
	}
	if q.SourcePort == 0 && q.Protocol.HasPorts() {
		w.notes = append(w.notes, fmt.Sprintf("the reply is checked against the client's whole ephemeral port range %s (set --source-port to check one port)", p.sports))
	}
	if dst.host {
		// Names are resolved by evaluateHost, which runs one path per
		// address; a name never reaches the walker.
		return
	}
	if w.runToResolver(p, src, dst) {
		return
	}
	if dst.addr.Is4() != src.addr.Is4() {
		w.find(LayerRoute, Finding{Code: "ADDRESS_FAMILY_MISMATCH", Severity: SeverityBlock, Component: dst.end.Address, Rule: "IPv4 vs IPv6",
			Detail: fmt.Sprintf("%s and %s are of different address families; AWS routes IPv4 and IPv6 independently", src.addr, dst.addr)})
		return
	}
	if src.eni != nil {
		w.runFromENI(p, src, dst, rep)
		return
	}
	w.runFromOutside(p, src, dst, rep)
}

func (w *walker) runFromENI(p packet, src, dst endpoint, rep *Report) {
	w.dir = Forward
	s := w.subnetOf(src.eni, LayerRoute)
	w.hop(src.eni.ID, "network-interface")
	if src.eni.Status != "" && src.eni.Status != "in-use" {
		w.find(LayerRoute, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: src.eni.ID, Rule: "status " + src.eni.Status,
			Detail: fmt.Sprintf("%s is %s, not attached to a running resource, so it sends nothing", src.eni.ID, src.eni.Status)})
	}
	var end walkEnd
	if s != nil {
		end = w.walk(s, src.eni, p, pathFlags{}, dst.eni)
	} else {
		end = walkEnd{stopped: true, pkt: p}
	}
	// The source's outbound security group rules come first on the path;
	// they are evaluated last because references depend on what the walk
	// crossed.
	w.evalSourceEgress(src.eni, p, end.flags)
	w.finishForward(end, p, src, dst, rep)
}

func (w *walker) evalSourceEgress(e *ENI, p packet, flags pathFlags) {
	savedOrder, savedHops := w.order, w.hops
	savedDecisions := w.layers[LayerSecurityGroup].Decisions
	w.order, w.hops, w.layers[LayerSecurityGroup].Decisions = -1000, nil, nil
	w.evalSGs(e, false, p, sgContext{flags: flags}, "source sends")
	egressHops, egressDecisions := w.hops, w.layers[LayerSecurityGroup].Decisions
	w.order = savedOrder
	w.layers[LayerSecurityGroup].Decisions = append(egressDecisions, savedDecisions...)
	if len(savedHops) > 0 {
		w.hops = append(append(slices.Clone(savedHops[:1]), egressHops...), savedHops[1:]...)
	} else {
		w.hops = egressHops
	}
}

func (w *walker) finishForward(end walkEnd, p packet, src, dst endpoint, rep *Report) {
	switch {
	case end.delivered != nil:
		w.hop(end.delivered.ID, "network-interface")
		// Security groups on the destination, then the reply.
		dw := end.delivered
		var destHops []Hop
		saved := w.hops
		w.hops = nil
		w.evalSGs(dw, true, end.pkt, sgContext{flags: end.flags, inbound: true}, "destination receives")
		w.arrivedFrom, w.arrivedPorts = end.pkt.src, end.pkt.sports
		destHops = w.hops
		w.hops = saved
		if len(w.hops) > 0 {
			last := w.hops[len(w.hops)-1]
			w.hops = append(append(w.hops[:len(w.hops)-1], destHops...), last)
		}
		w.reply(end, src, dw)
	case end.exit != nil:
		rep.Exit = end.exit
		w.replyFromExit(end, src)
	default:
		// Routing stopped. Still evaluate the filters at the far end when
		// the destination is known, so every blocking rule is reported.
		if dst.eni != nil && !dst.viaPublic {
			w.assumeArrival(p, src, dst)
		}
	}
}

// assumeArrival evaluates the destination's filters as if the request had
// arrived directly, after routing stopped short of it.
func (w *walker) assumeArrival(p packet, src, dst endpoint) {
	ds := w.n.Subnets[dst.eni.SubnetID]
	if ds == nil {
		return
	}
	if !w.layerBlocks(LayerRoute) && w.layerLacksData(LayerRoute) {
		w.hypothetical = true
		w.mayNotArrive = src.eni == nil || src.eni.VPCID != dst.eni.VPCID
		defer func() { w.hypothetical, w.mayNotArrive = false, false }()
	}
	w.dir = Forward
	if src.eni == nil || src.eni.SubnetID != ds.ID {
		w.evalSubnetACL(ds, true, p, "if the request arrived")
	}
	w.evalSGs(dst.eni, true, p, sgContext{inbound: true}, "if the request arrived")
	w.dir = Return
	r := replyOf(p)
	w.evalSubnetACL(ds, false, r, "reply, if the request arrived")
	if src.eni != nil && src.eni.SubnetID != ds.ID {
		if ss := w.n.Subnets[src.eni.SubnetID]; ss != nil {
			w.evalSubnetACL(ss, true, r, "reply, if the request arrived")
		}
	}
	w.dir = Forward
}

// layerBlocks says whether a layer has a blocking finding so far.
func (w *walker) layerBlocks(layer string) bool {
	for _, f := range w.layers[layer].Findings {
		if f.Severity == SeverityBlock {
			return true
		}
	}
	return false
}

// layerLacksData says whether a layer is unknown for want of data (rather
// than for something reach does not model, where the destination's filters
// keep deciding as they always have).
func (w *walker) layerLacksData(layer string) bool {
	for _, f := range w.layers[layer].Findings {
		if f.Code == "DATA_MISSING" || f.Code == "DATA_CONFLICT" {
			return true
		}
	}
	return false
}

// runFromOutside evaluates a source outside the account: it enters through
// the gateway the destination's VPC would route it to.
func (w *walker) runFromOutside(p packet, src, dst endpoint, rep *Report) {
	w.dir = Forward
	if dst.eni == nil {
		if _, gap := w.ix.gap(KindNetworkInterfaces); gap {
			return
		}
		if v := w.vpcContaining(dst.addr); v != nil {
			// Inside a VPC but owned by no interface: the VPC router has
			// nowhere to deliver it, whichever gateway it came through.
			w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityBlock, Component: v.ID, Rule: "local",
				Detail: fmt.Sprintf("%s is inside %s but no network interface owns it, so the VPC router drops traffic to it", dst.addr, v.ID)})
			return
		}
		w.find(LayerRoute, Finding{Code: "OUTSIDE_TO_OUTSIDE", Severity: SeverityUnknown, Component: dst.end.Address, Rule: "both ends outside the account",
			Detail: fmt.Sprintf("neither %s nor %s belongs to an interface in the network", src.addr, dst.addr)})
		return
	}
	ds := w.subnetOf(dst.eni, LayerRoute)
	if ds == nil {
		return
	}
	if dst.viaPublic {
		m := w.ix.byPublic[dst.addr]
		pos, end := w.enterFromInternet(m, p, &pathFlags{}, dst.eni)
		w.finishOutside(pos, end, p, src, dst)
		return
	}
	// Which gateway would carry the source's traffic: the one the
	// destination routes the source's address to.
	ct := w.tableForSubnet(ds)
	if ct == nil {
		w.missing(LayerRoute, KindRouteTables, ds.ID, "no route table is known for subnet "+ds.ID)
		return
	}
	res := ct.lookup(src.addr)
	if res.route == nil || res.route.route.Blackhole {
		w.find(LayerRoute, Finding{Code: "NO_ROUTE_TO_DESTINATION", Severity: SeverityBlock, Component: ct.table.ID, Rule: "no route for " + src.addr.String(),
			Detail: fmt.Sprintf("%s has no route back to %s, so no gateway carries traffic between them", ct.table.ID, src.addr), Fix: w.routeFix(ct.table, ds, src.addr, "")})
		return
	}
	r := res.route.route
	flags := pathFlags{}
	var pos position
	var end *walkEnd
	switch r.Target {
	case TargetIGW:
		// An internet gateway delivers only to public addresses. A private
		// address is reached from outside through the VPC's VPN gateway,
		// whose reply then takes whatever route the subnet has.
		vgw, missing := w.entryVGW(ds.VPCID, src.addr)
		if vgw == "" && missing != "" {
			w.missing(LayerRoute, missing, ds.VPCID, fmt.Sprintf("the VPN gateways and connections of %s, which decide whether %s comes in over a VPN", ds.VPCID, src.addr))
			return
		}
		if vgw != "" {
			w.hop(vgw, "vpn-gateway")
			if !w.vgwAccepts(vgw, src.addr) {
				return
			}
			flags.enteredFrom = TargetVGW
			pos, end = w.ingress(vgw, ds.VPCID, p, &flags, dst.eni)
			break
		}
		w.hop(r.TargetID, "internet-gateway")
		w.find(LayerRoute, Finding{Code: "NO_PUBLIC_IP", Severity: SeverityBlock, Component: r.TargetID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s has no public address mapped to it; traffic from the internet reaches an interface only through its public IP address", dst.addr)})
		return
	case TargetVGW:
		w.hop(r.TargetID, "vpn-gateway")
		if !w.vgwAccepts(r.TargetID, src.addr) {
			return
		}
		flags.enteredFrom = TargetVGW
		pos, end = w.ingress(r.TargetID, ds.VPCID, p, &flags, dst.eni)
	case TargetTGW:
		w.hop(r.TargetID, "transit-gateway")
		var ok bool
		if pos, end, ok = w.enterFromTGW(r, ds, p, &flags, dst.eni); !ok {
			return
		}
	case TargetNAT:
		// However the request came in, the reply goes to the NAT
		// gateway, which sends it on from its own address: "instances in
		// a private subnet can connect to services outside your VPC but
		// external services cannot initiate a connection with those
		// instances" (VPC user guide, NAT gateways).
		w.find(LayerRoute, Finding{Code: "NAT_GATEWAY_NO_INBOUND", Severity: SeverityBlock, Component: ct.table.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s routes %s through NAT gateway %s, which carries only connections opened from inside the VPC: a connection from %s cannot be opened to %s (its reply would leave with the NAT gateway's address)", ct.table.ID, src.addr, r.TargetID, src.addr, dst.addr),
			Fix:    fmt.Sprintf("to serve %s from outside, put it behind an internet-facing load balancer, or give it a public address in a subnet whose route to %s is an internet gateway (or a VPN or transit gateway, for a private network)", dst.eni.ID, src.addr)})
		return
	case TargetEIGW:
		w.find(LayerRoute, Finding{Code: "EGRESS_ONLY_NO_INBOUND", Severity: SeverityBlock, Component: ct.table.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s routes %s through egress-only internet gateway %s, which \"prevents the internet from initiating an IPv6 connection with your instances\" (VPC user guide)", ct.table.ID, src.addr, r.TargetID),
			Fix:    fmt.Sprintf("to serve %s from the internet over IPv6, route %s to an internet gateway instead (aws ec2 replace-route --route-table-id %s --destination-ipv6-cidr-block %s --gateway-id <igw-…>)", dst.eni.ID, src.addr, ct.table.ID, r.Destination)})
		return
	default:
		w.find(LayerRoute, Finding{Code: "UNSUPPORTED_TARGET", Severity: SeverityUnknown, Component: ct.table.ID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s routes %s to %s; reach cannot tell how traffic from there enters the VPC", ct.table.ID, src.addr, r.TargetID)})
		return
	}
	w.finishOutside(pos, end, p, src, dst)
}

// vpcContaining returns the one VPC whose CIDRs hold addr, or nil.
func (w *walker) vpcContaining(addr netip.Addr) *VPC {
	var found *VPC
	for _, id := range sortedKeys(w.n.VPCs) {
		v := w.n.VPCs[id]
		for _, c := range append(slices.Clone(v.CIDRs), v.IPv6CIDRs...) {
			if c.Contains(addr) {
				if found != nil && found != v {
					return nil
				}
				found = v
			}
		}
	}
	return found
}

func (w *walker) finishOutside(pos position, end *walkEnd, p packet, src, dst endpoint) {
	var fin walkEnd
	switch {
	case end != nil && end.delivered != nil:
		fin = *end
		fin.pkt = pos.pkt
	case end != nil:
		return
	default:
		fin = w.walk(pos.subnet, pos.sender, pos.pkt, pathFlags{enteredFrom: TargetVGW}, dst.eni)
	}
	if fin.delivered == nil {
		return
	}
	w.evalSGs(fin.delivered, true, fin.pkt, sgContext{flags: fin.flags, inbound: true}, "destination receives")
	w.arrivedFrom, w.arrivedPorts = fin.pkt.src, fin.pkt.sports
	w.hop(fin.delivered.ID, "network-interface")
	w.dir = Return
	defer func() { w.dir = Forward }()
	r := replyOf(fin.pkt)
	ds := w.n.Subnets[fin.delivered.SubnetID]
	if ds == nil {
		return
	}
	w.lastRoute = routeRef{}
	back := w.walk(ds, fin.delivered, r, pathFlags{}, nil)
	if back.exit == nil {
		if back.delivered != nil {
			w.replyMisrouted(fmt.Sprintf("the reply to %s is delivered to %s instead of leaving the account", r.dst, back.delivered.ID), back.delivered.ID)
		}
		return
	}
	if dst.viaPublic && !strings.HasPrefix(back.exit.Gateway, "igw-") {
		w.replyMisrouted(fmt.Sprintf("the reply to %s leaves through %s, not the internet gateway it came in through, so the public address is not translated back", r.dst, back.exit.Gateway), back.exit.Gateway)
	}
}
