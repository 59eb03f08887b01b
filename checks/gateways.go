// Gateways (SEMANTICS.md §3, §8): following a route's target (NAT gateways,
// egress-only and internet gateways, VPN gateways, endpoints, other edges),
// entering a VPC through a gateway (its edge route table, a NAT gateway's
// interface) or a peering connection.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

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
				Detail: fmt.Sprintf("the peer VPC %s (account %s) is not in the data, so reach cannot follow the packet past %s", peer.VPCID, peer.OwnerID, pcx.ID) + w.ix.accountReason(KindVPCs, peer.OwnerID)})
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
