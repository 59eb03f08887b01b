package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Ephemeral port ranges clients pick their source port from (SEMANTICS.md
// §5.4). The reply of a connection is addressed to that port, so stateless
// network ACLs must admit the whole range.
var (
	linuxPorts   = PortRange{32768, 60999}
	windowsPorts = PortRange{49152, 65535}
	// NAT gateways, load balancers and Lambda pick from 1024-65535; so do
	// clients reach knows nothing about.
	natPorts = PortRange{1024, 65535}
)

// ClientPortRange returns the ephemeral range the interface's operating
// system or service picks source ports from, with the network's configured
// ranges in place of the defaults.
func (n *Network) ClientPortRange(e *ENI) PortRange {
	r := ClientPortRange(e)
	switch {
	case r == linuxPorts && n.LinuxClientPorts != PortRange{}:
		return n.LinuxClientPorts
	case r == windowsPorts && n.WindowsClientPorts != PortRange{}:
		return n.WindowsClientPorts
	}
	return r
}

// ClientPortRange returns the ephemeral range the interface's operating
// system or service picks source ports from, by AWS's defaults.
func ClientPortRange(e *ENI) PortRange {
	if e == nil {
		return natPorts
	}
	switch e.InterfaceType {
	case "nat_gateway", "network_load_balancer", "lambda", "load_balancer", "gateway_load_balancer":
		return natPorts
	}
	if strings.EqualFold(e.Platform, "windows") {
		return windowsPorts
	}
	if e.RequesterManaged {
		return natPorts
	}
	return linuxPorts
}

// InputError is a query that names something the network does not hold (an
// unknown ENI or instance, an address no interface owns as a source).
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Evaluate decides every packet-path layer for the query on the network and
// returns the report. It compiles the network on first use. The error is an
// *InputError when the query names something the network does not hold
// while the data to know it is present.
func Evaluate(n *Network, q Query) (Report, error) {
	n.Compile()
	return evaluate(n, q, false)
}

// evaluate runs one query; brief leaves out the rule listings of each
// decision, which only people read.
func evaluate(n *Network, q Query, brief bool) (Report, error) {
	w := newWalker(n)
	w.brief = brief
	rep := Report{Protocol: q.Protocol.String(), Verdict: Unknown}
	src, srcErr := w.resolveSource(q)
	if srcErr != nil {
		return rep, srcErr
	}
	if q.To.Kind == EndHost {
		return evaluateHost(n, q, src, brief), nil
	}
	dst, dstErr := w.resolveDestination(q, src)
	if dstErr != nil {
		return rep, dstErr
	}
	matchFamilies(q, &src, &dst)
	rep.Source, rep.Destination = src.end, dst.end
	w.run(q, src, dst, &rep)
	w.evalService(q, src, dst, &rep)
	w.finish(&rep, q, dst)
	return rep, nil
}

// matchFamilies picks, for an end named by its ENI or instance rather than
// an address, the address of the family the other end speaks: an IPv6
// destination is reached from the source's IPv6 address.
func matchFamilies(q Query, src, dst *endpoint) {
	if !src.addr.IsValid() || !dst.addr.IsValid() || src.addr.Is6() == dst.addr.Is6() {
		return
	}
	switch {
	case q.From.Kind != EndAddress && src.eni != nil:
		if a, ok := addrOfFamily(src.eni, dst.addr.Is6()); ok {
			src.addr, src.end.Address = a, a.String()
		}
	case q.To.Kind != EndAddress && dst.eni != nil:
		if a, ok := addrOfFamily(dst.eni, src.addr.Is6()); ok {
			dst.addr, dst.end.Address = a, a.String()
		}
	}
}

func addrOfFamily(e *ENI, v6 bool) (netip.Addr, bool) {
	if v6 {
		if len(e.IPv6) > 0 {
			return e.IPv6[0], true
		}
		return netip.Addr{}, false
	}
	if p := e.PrimaryIP(); p.Is4() {
		return p, true
	}
	return netip.Addr{}, false
}

// endpoint is a resolved path end.
type endpoint struct {
	end  PathEnd
	eni  *ENI
	addr netip.Addr
	// viaPublic is set when the destination was named by a public address
	// that an internet gateway maps onto eni.
	viaPublic bool
	external  bool
	host      bool
}

// eniByID finds the interface an eni-… or i-… end names (an instance by its
// primary interface).
func (w *walker) eniByID(end End, flag string) (*ENI, error) {
	if end.Kind == EndENI {
		if e := w.n.ENIs[end.ID]; e != nil {
			return e, nil
		}
		return nil, w.notFound(flag, end.ID, KindNetworkInterfaces)
	}
	if e := w.instancePrimary(end.ID); e != nil {
		return e, nil
	}
	return nil, w.notFound(flag, end.ID, KindInstances)
}

// describe fills the report's view of a resolved end.
func (w *walker) describe(ep *endpoint, e *ENI) {
	if e != nil {
		ep.eni = e
		ep.end.ENI, ep.end.Instance, ep.end.Subnet, ep.end.VPC, ep.end.Name = e.ID, e.InstanceID, e.SubnetID, e.VPCID, w.nameOf(e)
	}
	ep.end.Address = ep.addr.String()
	ep.end.External = ep.external
}

func (w *walker) resolveSource(q Query) (endpoint, error) {
	ep := endpoint{end: PathEnd{Input: q.From.Raw}}
	var e *ENI
	switch q.From.Kind {
	case EndENI, EndInstance:
		var err error
		if e, err = w.eniByID(q.From, "--from"); err != nil {
			return ep, err
		}
		ep.addr = e.PrimaryIP()
	case EndAddress:
		ep.addr = q.From.Addr
		owners := w.ix.enisByAddr[q.From.Addr]
		if len(owners) > 1 {
			return ep, &InputError{fmt.Sprintf("--from %s: the address belongs to %d interfaces in overlapping VPCs (%s); name the ENI instead", q.From.Addr, len(owners), eniIDs(owners))}
		}
		if len(owners) == 1 {
			e = owners[0]
		} else {
			ep.external = true
		}
	}
	w.describe(&ep, e)
	return ep, nil
}

func (w *walker) resolveDestination(q Query, src endpoint) (endpoint, error) {
	ep := endpoint{end: PathEnd{Input: q.To.Raw, Port: q.Port}}
	var e *ENI
	switch q.To.Kind {
	case EndENI, EndInstance:
		var err error
		if e, err = w.eniByID(q.To, "--to"); err != nil {
			return ep, err
		}
		ep.addr = e.PrimaryIP()
	case EndHost:
		ep.host = true
		ep.end.Name = q.To.Host
		return ep, nil
	case EndAddress:
		ep.addr = q.To.Addr
		owners := w.ix.enisByAddr[q.To.Addr]
		switch {
		case len(owners) == 1:
			e = owners[0]
		case len(owners) > 1:
			for _, o := range owners {
				if src.eni != nil && o.VPCID == src.eni.VPCID {
					e = o
				}
			}
			if e == nil {
				return ep, &InputError{fmt.Sprintf("--to %s: the address belongs to %d interfaces in overlapping VPCs (%s); name the ENI instead", q.To.Addr, len(owners), eniIDs(owners))}
			}
		default:
			if m, ok := w.ix.byPublic[q.To.Addr]; ok && m.eni != nil {
				e, ep.viaPublic = m.eni, true
			} else {
				ep.external = true
			}
		}
	}
	w.describe(&ep, e)
	return ep, nil
}

// nameOf is the ENI's Name tag, else its instance's.
func (w *walker) nameOf(e *ENI) string {
	if e.Name != "" {
		return e.Name
	}
	if inst := w.n.Instances[e.InstanceID]; inst != nil {
		return inst.Name
	}
	return ""
}

func eniIDs(list []*ENI) string {
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	return strings.Join(ids, ", ")
}

func (w *walker) instancePrimary(id string) *ENI {
	if list := w.ix.instanceENIs[id]; len(list) > 0 {
		return list[0]
	}
	if inst := w.n.Instances[id]; inst != nil && len(inst.ENIIDs) > 0 {
		return w.n.ENIs[inst.ENIIDs[0]]
	}
	return nil
}

// notFound is an input error unless the data that would hold the resource
// is missing, in which case the report says unknown.
func (w *walker) notFound(flag, id string, k DataKind) error {
	if g, ok := w.ix.gap(k); ok {
		return newDataError(flag, id, fmt.Sprintf("%s %s: cannot be found because %s is missing (%s)", flag, id, k, g.Reason), g)
	}
	return &InputError{fmt.Sprintf("%s %s: no such resource in the network (check the ID, the account and the region)", flag, id)}
}

// DataError says the query cannot be answered because data is missing; the
// verdict is unknown. UnknownReport turns it into the report of the path.
type DataError struct {
	Msg string
	// Flag is the end that cannot be resolved ("--from" or "--to") and
	// Input what was typed for it.
	Flag, Input string
	// Gap is the missing data: its kind, why, and the IAM action.
	Gap Gap
}

func newDataError(flag, input, msg string, g Gap) *DataError {
	return &DataError{Msg: msg + remedy(g), Flag: flag, Input: input, Gap: g}
}

func (e *DataError) Error() string { return e.Msg }

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

func replyOf(p packet) packet {
	r := p
	r.src, r.dst = p.dst, p.src
	r.ports, r.sports = p.sports, p.ports
	if p.proto == ProtocolICMP && p.icmpType == 8 {
		r.icmpType, r.icmpCode = 0, 0
	}
	if p.proto == ProtocolICMPv6 && p.icmpType == 128 {
		r.icmpType, r.icmpCode = 129, 0
	}
	return r
}

// reply walks the response from the destination interface back to the
// source: security groups pass it (stateful), network ACLs and routes are
// evaluated again, translations are undone where they were made.
func (w *walker) reply(end walkEnd, src endpoint, d *ENI) {
	w.dir = Return
	defer func() { w.dir = Forward }()
	r := replyOf(end.pkt)
	w.decide(LayerSecurityGroup, Decision{Component: d.ID, Step: d.ID + " outbound (reply)", Outcome: "allow", Rule: "security groups are stateful: the reply of an admitted connection is allowed"})
	ds := w.n.Subnets[d.SubnetID]
	if ds == nil {
		return
	}
	w.lastRoute = routeRef{}
	back := w.walk(ds, d, r, pathFlags{}, src.eni)
	w.checkReplyEnd(back, src)
}

func (w *walker) checkReplyEnd(back walkEnd, src endpoint) {
	switch {
	case back.delivered != nil && src.eni != nil && back.delivered.ID == src.eni.ID:
		w.decide(LayerSecurityGroup, Decision{Component: src.eni.ID, Step: src.eni.ID + " inbound (reply)", Outcome: "allow", Rule: "security groups are stateful: the reply of an admitted connection is allowed"})
	case back.delivered != nil:
		w.replyMisrouted(fmt.Sprintf("the reply to %s is delivered to %s, not to the source", back.pkt.dst, back.delivered.ID), back.delivered.ID)
	case back.exit != nil && src.external:
		// The reply leaves towards an outside source: that is its way back.
	case back.exit != nil:
		w.replyMisrouted(fmt.Sprintf("the reply to %s is routed out through %s instead of back to the source (routing is evaluated independently for each direction)", back.pkt.dst, back.exit.Gateway), back.exit.Gateway)
	}
}

// replyMisrouted blames a reply that went astray on the route that sent
// it there: the route table and the route (destination → target), not the
// interface or gateway that received it.
func (w *walker) replyMisrouted(what, reached string) {
	comp, rule := reached, "reply reaches "+reached
	detail := what
	fix := "route the source's address back the way the request came"
	if w.lastRoute.table != "" {
		comp, rule = w.lastRoute.table, w.lastRoute.route
		detail = fmt.Sprintf("%s: route %s in %s sends it there", what, w.lastRoute.route, w.lastRoute.table)
		fix = fmt.Sprintf("change or remove the route %s in %s, so that the source's address is routed back the way the request came", w.lastRoute.route, w.lastRoute.table)
	}
	w.find(LayerRoute, Finding{Code: "REPLY_MISROUTED", Severity: SeverityBlock, Component: comp, Direction: Return, Rule: rule, Detail: detail, Fix: fix})
}

// replyFromExit walks the reply of traffic that left the account from the
// gateway it left through back to the source.
func (w *walker) replyFromExit(end walkEnd, src endpoint) {
	w.dir = Return
	defer func() { w.dir = Forward }()
	r := replyOf(end.pkt)
	flags := pathFlags{}
	w.lastRoute = routeRef{}
	var pos position
	var stop *walkEnd
	switch {
	case strings.HasPrefix(end.exit.Gateway, "igw-") || strings.HasPrefix(end.exit.Gateway, "eigw-"):
		if m, ok := w.ix.byPublic[r.dst]; ok {
			r.dst = m.private
			if m.nat != nil {
				// The NAT gateway's interface receives the reply.
				pos, stop = w.ingressToNAT(end.exit.Gateway, m.nat, r, &flags, src.eni)
				break
			}
		}
		pos, stop = w.ingress(end.exit.Gateway, end.exitVPC, r, &flags, src.eni)
	case strings.HasPrefix(end.exit.Gateway, "tgw-"):
		if end.flags.tgwTo == nil {
			return
		}
		az := ""
		if src.eni != nil {
			if s := w.n.Subnets[src.eni.SubnetID]; s != nil {
				az = s.AZ
			}
		}
		pos, stop = w.transitGatewayFrom(end.flags.tgwTo, az, r, &flags, src.eni)
	default:
		pos, stop = w.ingress(end.exit.Gateway, end.exitVPC, r, &flags, src.eni)
	}
	if stop != nil {
		stop.pkt = r
		if stop.delivered != nil {
			w.checkReplyEnd(*stop, src)
		}
		return
	}
	back := w.walk(pos.subnet, pos.sender, pos.pkt, flags, src.eni)
	w.checkReplyEnd(back, src)
}

func (w *walker) ingressToNAT(gatewayID string, nat *NATGateway, r packet, flags *pathFlags, final *ENI) (position, *walkEnd) {
	natENI := w.n.ENIs[nat.ENIID]
	if natENI == nil {
		natENI = w.ix.natENIs[nat.ID]
	}
	ns := w.n.Subnets[nat.SubnetID]
	if natENI == nil || ns == nil {
		w.missing(LayerRoute, KindNATGateways, nat.ID, "the NAT gateway's interface or subnet")
		return position{}, &walkEnd{stopped: true}
	}
	w.decide(LayerRoute, Decision{Component: gatewayID, Step: "enter " + nat.VPCID + " through " + gatewayID, Outcome: "forward", Rule: "delivered to NAT gateway " + nat.ID})
	w.crossNACLs(nil, ns, r, "from "+gatewayID+" to NAT gateway "+nat.ID)
	if next, ok := w.arrive(natENI, r, flags, final); next != nil {
		return *next, nil
	} else if ok {
		return position{pkt: r}, &walkEnd{delivered: natENI}
	}
	return position{}, &walkEnd{stopped: true}
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
	ct := w.ix.tableForSubnet(ds)
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

// entryVGW picks the VPN gateway that would carry src into the VPC: one
// whose Direct Connect or BGP VPN may have learned it, or whose static VPN
// routes cover it. Without the VPN gateways or connections that would
// decide it, it returns "" and the kind of data that is missing.
func (w *walker) entryVGW(vpc string, src netip.Addr) (string, DataKind) {
	_, vpnUnknown := w.ix.gap(KindVPNConnections)
	if _, gap := w.ix.gap(KindVPNGateways); gap {
		return "", KindVPNGateways
	}
	var attached []string
	for _, id := range sortedKeys(w.n.VPNGateways) {
		g := w.n.VPNGateways[id]
		if !slices.Contains(g.VPCIDs, vpc) || g.State != "" && g.State != "available" {
			continue
		}
		attached = append(attached, id)
		if dx, _ := w.dxForVGW(id); len(dx) > 0 {
			return id, ""
		}
		for _, cid := range sortedKeys(w.n.VPNConnections) {
			c := w.n.VPNConnections[cid]
			if c.VGWID != id || c.State != "" && c.State != "available" {
				continue
			}
			if !c.StaticRoutesOnly {
				return id, ""
			}
			for _, r := range c.Routes {
				if r.Contains(src) {
					return id, ""
				}
			}
		}
	}
	if vpnUnknown && len(attached) > 0 {
		return "", KindVPNConnections
	}
	return "", ""
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

// finish turns the collected findings into layer statuses and the verdict.
func (w *walker) finish(rep *Report, q Query, dst endpoint) {
	dnsLayer := w.layers[LayerDNS]
	if !dst.host && dnsLayer.Summary == "" && len(dnsLayer.Decisions) == 0 && len(dnsLayer.Findings) == 0 {
		dnsLayer.Summary = "the destination is an address; there is no name to resolve"
	}
	if svc := w.layers[LayerService]; svc.Summary == "" && len(svc.Decisions) == 0 && len(svc.Findings) == 0 && !w.evaluated[LayerService] {
		svc.Summary = "no service-specific rule applies to these interfaces"
	}
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
	rep.Notes = w.notes
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
