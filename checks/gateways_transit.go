// Transit gateways (SEMANTICS.md §4): the attachment subnet in the sender's
// zone, the lookup in the associated transit gateway route table, peering
// between transit gateways, and entry into a VPC from a transit gateway.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

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

type tgwLookupResult struct {
	route       *compiledTGWRoute
	unknownList string
}

func (ct *compiledTGWTable) lookup(dst netip.Addr) tgwLookupResult {
	var res tgwLookupResult
	for i := range ct.routes {
		r := &ct.routes[i]
		if r.prefix.Addr().Is4() != dst.Is4() || !r.prefix.Contains(dst) {
			continue
		}
		res.route = r
		break
	}
	if len(ct.unknownLists) > 0 && (res.route == nil || res.route.prefix.Bits() < dst.BitLen()) {
		res.unknownList = ct.unknownLists[0]
	}
	return res
}

// edgeAttachment reports whether a transit gateway attachment leads outside
// AWS (Site-to-Site VPN, Direct Connect, Connect over either).
func edgeAttachment(a *TransitGatewayAttachment) bool {
	switch a.ResourceType {
	case "vpn", "direct-connect-gateway", "connect":
		return true
	}
	return false
}

// enterFromTGW starts the path of a source outside the account whose
// traffic the destination's VPC routes to a transit gateway: it enters the
// transit gateway on the VPN or Direct Connect attachment whose route table
// leads to the destination VPC's attachment, and is routed from there like
// any traffic arriving on that attachment. ok is false when the path ends
// here (a finding says why).
func (w *walker) enterFromTGW(r *Route, ds *Subnet, p packet, flags *pathFlags, final *ENI) (pos position, end *walkEnd, ok bool) {
	tgwID := r.TargetID
	var edges []*TransitGatewayAttachment
	for _, id := range sortedKeys(w.n.TransitGatewayAttachments) {
		if a := w.n.TransitGatewayAttachments[id]; a.TGWID == tgwID && edgeAttachment(a) {
			edges = append(edges, a)
		}
	}
	if len(edges) == 0 {
		if _, gap := w.ix.gap(KindTransitGatewayAttachments); gap {
			w.missing(LayerRoute, KindTransitGatewayAttachments, tgwID, "the attachments of "+tgwID+", through which "+p.src.String()+" would enter")
			return pos, nil, false
		}
		w.find(LayerRoute, Finding{Code: "ON_PREMISES_VIA_TGW", Severity: SeverityUnknown, Component: tgwID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s routes %s to transit gateway %s, which has no VPN or Direct Connect attachment; the source would come through a peering or another attachment reach does not follow", ds.VPCID, p.src, tgwID)})
		return pos, nil, false
	}
	var vpcAtt *TransitGatewayAttachment
	for _, a := range w.ix.tgwAttachByVPC[ds.VPCID] {
		if a.TGWID == tgwID {
			vpcAtt = a
			break
		}
	}
	if vpcAtt == nil {
		w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: tgwID, Rule: routeTextPlain(r),
			Detail: fmt.Sprintf("%s routes %s to %s but has no attachment to it, so nothing arrives from there", ds.VPCID, p.src, tgwID),
			Fix:    fmt.Sprintf("aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id %s --vpc-id %s --subnet-ids <one subnet per AZ>", tgwID, ds.VPCID)})
		return pos, nil, false
	}
	var chosen []*TransitGatewayAttachment
	var unknownTable string
	var firstTable string
	for _, a := range edges {
		if a.State != "" && a.State != "available" || a.RouteTableID == "" || a.AssociationState != "" && a.AssociationState != "associated" {
			continue
		}
		tt := w.ix.tgwTables[a.RouteTableID]
		if tt == nil || tt.lookup(p.dst).unknownList != "" || !tt.table.RoutesKnown && len(tt.routes) == 0 {
			if unknownTable == "" {
				unknownTable = a.RouteTableID
			}
			continue
		}
		if firstTable == "" {
			firstTable = tt.table.ID
		}
		res := tt.lookup(p.dst)
		if res.route != nil && !res.route.route.Blackhole && slices.Contains(res.route.route.AttachmentIDs, vpcAtt.ID) {
			chosen = append(chosen, a)
		}
	}
	if len(chosen) == 0 {
		if unknownTable != "" {
			w.missing(LayerRoute, KindTransitGatewayRouteTables, unknownTable, "routes of "+unknownTable+", the route table of a VPN or Direct Connect attachment of "+tgwID)
			return pos, nil, false
		}
		if firstTable == "" {
			w.find(LayerRoute, Finding{Code: "BAD_STATE_ATTACHMENT", Severity: SeverityBlock, Component: edges[0].ID, Rule: "state " + edges[0].State,
				Detail: fmt.Sprintf("no VPN or Direct Connect attachment of %s is available and associated with a route table", tgwID)})
			return pos, nil, false
		}
		w.find(LayerRoute, Finding{Code: "NO_ROUTE_TO_DESTINATION", Severity: SeverityBlock, Component: firstTable, Rule: "no route for " + p.dst.String(),
			Detail: fmt.Sprintf("traffic from %s enters %s on a VPN or Direct Connect attachment, whose route table %s has no route for %s to %s (%s)", p.src, tgwID, firstTable, p.dst, vpcAtt.ID, ds.VPCID),
			Fix:    fmt.Sprintf("aws ec2 enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id %s --transit-gateway-attachment-id %s", firstTable, vpcAtt.ID)})
		return pos, nil, false
	}
	// Traffic from on-premises comes in only over a working connection: a
	// VPN with a tunnel UP, or an available transit virtual interface.
	var links []linkResult
	pick := -1
	for i, c := range chosen {
		l := w.entryLink(c, p.src)
		if l.state == linkUp {
			pick = i
			if l.decision.Component != "" {
				w.decide(LayerRoute, l.decision)
			}
			for _, f := range l.findings {
				w.find(LayerRoute, f)
			}
			break
		}
		links = append(links, l)
	}
	if pick < 0 {
		w.hop(chosen[0].ID, "transit-gateway-attachment")
		w.applyLink(w.combineLinks(links))
		return pos, nil, false
	}
	chosen[0], chosen[pick] = chosen[pick], chosen[0]
	a := chosen[0]
	w.hop(a.ID, "transit-gateway-attachment")
	w.decide(LayerRoute, Decision{Component: a.ID, Step: "enter " + tgwID + " from outside", Outcome: "forward",
		Rule: fmt.Sprintf("%s arrives on %s attachment %s (%s)", p.src, a.ResourceType, a.ID, a.ResourceID)})
	if len(chosen) > 1 {
		var ids []string
		for _, c := range chosen[1:] {
			ids = append(ids, c.ID)
		}
		w.notes = append(w.notes, fmt.Sprintf("assumed: %s enters %s on %s; %s route to %s as well, and on-premises routing decides which one carries it", p.src, tgwID, a.ID, strings.Join(ids, ", "), ds.VPCID))
	}
	flags.tgwFrom = a
	pos, end = w.transitGatewayFrom(a, ds.AZ, p, flags, final)
	if end != nil && end.exit != nil {
		// The route table sent it back out: it never reaches the VPC.
		w.find(LayerRoute, Finding{Code: "CANNOT_ROUTE", Severity: SeverityBlock, Component: a.RouteTableID, Rule: "route back out",
			Detail: fmt.Sprintf("the route table of %s sends %s out of the account again", a.ID, p.dst)})
		return pos, nil, false
	}
	return pos, end, true
}

// entryLink is the state of the connection behind a transit gateway's VPN
// or Direct Connect attachment, for traffic coming in from on-premises.
// Other attachments (Connect) are taken as up.
func (w *walker) entryLink(a *TransitGatewayAttachment, src netip.Addr) linkResult {
	switch a.ResourceType {
	case "vpn":
		c := w.n.VPNConnections[a.ResourceID]
		if c == nil {
			return linkResult{state: linkUnknown, findings: []Finding{w.missingFinding(KindVPNConnections, a.ID,
				fmt.Sprintf("VPN connection %s of attachment %s, whose tunnels decide whether %s can come in", a.ResourceID, a.ID, src))}}
		}
		return w.vpnLink(c, src, vpnCheck{})
	case "direct-connect-gateway":
		return w.dxForTGW(a)
	}
	return linkResult{state: linkUp}
}
