package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

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
