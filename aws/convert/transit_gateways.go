package convert

import (
	"fmt"
	"slices"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

func (c *netConverter) transitGateways() {
	for i, g := range c.inv.TransitGateways {
		id := awsString(g.TransitGatewayId)
		if id == "" {
			c.noID(checks.KindTransitGateways, "describe-transit-gateways", fmt.Sprintf("entry %d", i), "TransitGatewayId")
			continue
		}
		tgw := &checks.TransitGateway{ID: id, Name: nameTagOf(g.Tags), OwnerID: awsString(g.OwnerId), State: inventory.Sanitize(string(g.State))}
		if o := g.Options; o != nil {
			tgw.DefaultAssociationRTID = awsString(o.AssociationDefaultRouteTableId)
			tgw.DefaultPropagationRTID = awsString(o.PropagationDefaultRouteTableId)
			tgw.SGReferencing = o.SecurityGroupReferencingSupport == ec2types.SecurityGroupReferencingSupportValueEnable
		}
		mergePut(c.n.TransitGateways, id, tgw)
	}
	c.tgwAttachments()
	c.tgwRouteTables()
}

// tgwAttachments merges the generic attachments output with the VPC and
// peering attachments outputs, which alone carry subnets, options and the
// peer.
func (c *netConverter) tgwAttachments() {
	for i, a := range c.inv.TransitGatewayAttachments {
		id := awsString(a.TransitGatewayAttachmentId)
		if id == "" {
			c.noID(checks.KindTransitGatewayAttachments, "describe-transit-gateway-attachments", fmt.Sprintf("entry %d", i), "TransitGatewayAttachmentId")
			continue
		}
		att := &checks.TransitGatewayAttachment{
			ID:           id,
			TGWID:        awsString(a.TransitGatewayId),
			ResourceType: inventory.Sanitize(string(a.ResourceType)),
			ResourceID:   awsString(a.ResourceId),
			State:        inventory.Sanitize(string(a.State)),
		}
		if as := a.Association; as != nil {
			att.RouteTableID = awsString(as.TransitGatewayRouteTableId)
			att.AssociationState = inventory.Sanitize(string(as.State))
		}
		switch ec2types.TransitGatewayAttachmentResourceType(att.ResourceType) {
		case ec2types.TransitGatewayAttachmentResourceTypePeering, ec2types.TransitGatewayAttachmentResourceTypeTgwPeering:
			// A peering attachment's resource is the transit gateway on
			// the other side. The deprecated name is folded into the one
			// the model lists.
			att.ResourceType = string(ec2types.TransitGatewayAttachmentResourceTypePeering)
			att.PeerTGWID = att.ResourceID
		}
		if old, ok := c.n.TransitGatewayAttachments[id]; ok && old.TGWID != att.TGWID && att.TGWID != "" && old.TGWID != "" {
			// The other account's view of a peering attachment: its
			// transit gateway is this side's peer, and its association
			// is the peer's route table for traffic arriving over it.
			if old.PeerTGWID == "" {
				old.PeerTGWID = att.TGWID
			}
			if old.PeerRouteTableID == "" {
				old.PeerRouteTableID, old.PeerAssociationState = att.RouteTableID, att.AssociationState
			}
			continue
		}
		mergePut(c.n.TransitGatewayAttachments, id, att)
	}
	for i, a := range c.inv.TransitGatewayVPCAttachments {
		id := awsString(a.TransitGatewayAttachmentId)
		if id == "" {
			c.noID(checks.KindTransitGatewayAttachments, "describe-transit-gateway-vpc-attachments", fmt.Sprintf("entry %d", i), "TransitGatewayAttachmentId")
			continue
		}
		att := &checks.TransitGatewayAttachment{
			ID:           id,
			TGWID:        awsString(a.TransitGatewayId),
			ResourceType: string(ec2types.TransitGatewayAttachmentResourceTypeVpc),
			ResourceID:   awsString(a.VpcId),
			State:        inventory.Sanitize(string(a.State)),
		}
		for _, s := range a.SubnetIds {
			if s := inventory.Sanitize(s); s != "" && !slices.Contains(att.SubnetIDs, s) {
				att.SubnetIDs = append(att.SubnetIDs, s)
			}
		}
		if o := a.Options; o != nil {
			att.ApplianceMode = o.ApplianceModeSupport == ec2types.ApplianceModeSupportValueEnable
			att.SGReferencing = o.SecurityGroupReferencingSupport == ec2types.SecurityGroupReferencingSupportValueEnable
		}
		if old, ok := c.n.TransitGatewayAttachments[id]; ok {
			// The options live only in the VPC attachment's output.
			old.ApplianceMode = old.ApplianceMode || att.ApplianceMode
			old.SGReferencing = old.SGReferencing || att.SGReferencing
		}
		mergePut(c.n.TransitGatewayAttachments, id, att)
	}
	for _, p := range c.inv.TransitGatewayPeerings {
		id := awsString(p.TransitGatewayAttachmentId)
		att := c.n.TransitGatewayAttachments[id]
		if att == nil || p.RequesterTgwInfo == nil || p.AccepterTgwInfo == nil {
			continue
		}
		req, acc := awsString(p.RequesterTgwInfo.TransitGatewayId), awsString(p.AccepterTgwInfo.TransitGatewayId)
		switch att.TGWID {
		case req:
			att.PeerTGWID = acc
		case acc:
			att.PeerTGWID = req
		}
	}
	// A snapshot of several accounts in which one capture lacks the
	// attachments' subnets may lack exactly the ones that matter.
	if !c.inv.Present[inventory.KindTransitGatewayVPCAttachments] || c.folderLacking(inventory.KindTransitGatewayVPCAttachments) != "" {
		for _, id := range sortedIDs(c.n.TransitGatewayAttachments) {
			if att := c.n.TransitGatewayAttachments[id]; att.ResourceType == "vpc" && len(att.SubnetIDs) == 0 {
				c.scoped = append(c.scoped, checks.Gap{
					Kind: checks.KindTransitGatewayAttachments, Scope: id,
					Reason: "attachment subnets not read (describe-transit-gateway-vpc-attachments)",
					Action: "ec2:DescribeTransitGatewayVpcAttachments",
				})
			}
		}
	}
}

func (c *netConverter) tgwRouteTables() {
	for i, t := range c.inv.TransitGatewayRouteTables {
		id := awsString(t.TransitGatewayRouteTableId)
		if id == "" {
			c.noID(checks.KindTransitGatewayRouteTables, "describe-transit-gateway-route-tables", fmt.Sprintf("entry %d", i), "TransitGatewayRouteTableId")
			continue
		}
		mergePut(c.n.TransitGatewayRouteTables, id, &checks.TransitGatewayRouteTable{ID: id, TGWID: awsString(t.TransitGatewayId), Name: nameTagOf(t.Tags)})
	}
	// Routes and propagations may name tables describe-transit-gateway-
	// route-tables did not list (another account's, a partial snapshot).
	for _, raw := range sortedIDs(c.inv.TransitGatewayRoutes) {
		if id := inventory.Sanitize(raw); c.n.TransitGatewayRouteTables[id] == nil {
			c.n.TransitGatewayRouteTables[id] = &checks.TransitGatewayRouteTable{ID: id}
		}
	}
	for _, raw := range sortedIDs(c.inv.TransitGatewayPropagations) {
		if id := inventory.Sanitize(raw); c.n.TransitGatewayRouteTables[id] == nil {
			c.n.TransitGatewayRouteTables[id] = &checks.TransitGatewayRouteTable{ID: id}
		}
	}
	for _, raw := range sortedIDs(c.inv.TransitGatewayRoutes) {
		t := c.n.TransitGatewayRouteTables[inventory.Sanitize(raw)]
		t.RoutesKnown = true
		t.StaticOnly = c.inv.TransitGatewayRoutesStaticOnly[raw]
		for j, r := range c.inv.TransitGatewayRoutes[raw] {
			route, err := c.tgwRoute(r)
			if err != nil {
				c.problem(checks.KindTransitGatewayRouteTables, "transit gateway route table", t.ID, "route %d: %v", j, err)
				continue
			}
			if route != nil {
				t.Routes = append(t.Routes, *route)
			}
		}
	}
	for _, raw := range sortedIDs(c.inv.TransitGatewayPropagations) {
		t := c.n.TransitGatewayRouteTables[inventory.Sanitize(raw)]
		for _, p := range c.inv.TransitGatewayPropagations[raw] {
			if a := awsString(p.TransitGatewayAttachmentId); a != "" && p.State == ec2types.TransitGatewayPropagationStateEnabled && !slices.Contains(t.Propagations, a) {
				t.Propagations = append(t.Propagations, a)
			}
		}
	}
	for _, id := range sortedIDs(c.n.TransitGatewayRouteTables) {
		t := c.n.TransitGatewayRouteTables[id]
		if t.TGWID == "" {
			t.TGWID = c.tgwOfRouteTable(id)
		}
		_, propagationsRead := c.inv.TransitGatewayPropagations[id]
		if t.RoutesKnown && !propagationsRead && !slices.ContainsFunc(t.Routes, func(r checks.TGWRoute) bool { return !r.Static }) {
			// The routes read list no propagated route: either there is
			// none, or the routes came from a source that leaves them out,
			// and only the propagations would tell.
			t.PropagationsUnknown = true
			if !t.StaticOnly {
				g := checks.Gap{Kind: checks.KindTransitGatewayRouteTables, Scope: id,
					Reason: "propagations not read (get-transit-gateway-route-table-propagations)",
					Action: "ec2:GetTransitGatewayRouteTablePropagations"}
				if lg, ok := c.inventoryGap(inventory.KindTransitGatewayPropagations, id); ok {
					g.Reason, g.Retry = "propagations not read (get-transit-gateway-route-table-propagations: "+lg.Reason+")", lg.Retry
				}
				c.scoped = append(c.scoped, g)
			}
		}
		switch {
		case !t.RoutesKnown:
			g := checks.Gap{
				Kind: checks.KindTransitGatewayRouteTables, Scope: id,
				Reason: "routes not in the snapshot (search-transit-gateway-routes)",
				Action: "ec2:SearchTransitGatewayRoutes",
			}
			if lg, ok := c.inventoryGap(inventory.KindTransitGatewayRoutes, id); ok {
				g.Reason, g.Retry = "routes not read (search-transit-gateway-routes: "+lg.Reason+")", lg.Retry
			}
			c.scoped = append(c.scoped, g)
		case c.inv.TransitGatewayRoutesStaticOnly[id] && !propagationsRead:
			g := checks.Gap{
				Kind: checks.KindTransitGatewayRouteTables, Scope: id,
				Reason: "only static routes, and no propagations, in the snapshot (get-transit-gateway-route-table-propagations)",
				Action: "ec2:GetTransitGatewayRouteTablePropagations",
			}
			if lg, ok := c.inventoryGap(inventory.KindTransitGatewayPropagations, id); ok {
				g.Reason, g.Retry = "only static routes, and no propagations (get-transit-gateway-route-table-propagations: "+lg.Reason+")", lg.Retry
			}
			c.scoped = append(c.scoped, g)
		}
	}
}

// tgwOfRouteTable finds a route table's transit gateway from the attachments
// associated with it, for tables that were not described.
func (c *netConverter) tgwOfRouteTable(rtb string) string {
	for _, id := range sortedIDs(c.n.TransitGatewayAttachments) {
		if a := c.n.TransitGatewayAttachments[id]; a.RouteTableID == rtb && a.TGWID != "" {
			return a.TGWID
		}
	}
	for _, id := range sortedIDs(c.n.TransitGateways) {
		if g := c.n.TransitGateways[id]; g.DefaultAssociationRTID == rtb || g.DefaultPropagationRTID == rtb {
			return id
		}
	}
	return ""
}

// tgwRoute converts one searched route; it returns nil for routes that no
// longer exist (state deleted or deleting).
func (c *netConverter) tgwRoute(r ec2types.TransitGatewayRoute) (*checks.TGWRoute, error) {
	switch r.State {
	case ec2types.TransitGatewayRouteStateDeleted, ec2types.TransitGatewayRouteStateDeleting:
		return nil, nil
	}
	out := &checks.TGWRoute{
		Static:    r.Type != ec2types.TransitGatewayRouteTypePropagated,
		Blackhole: r.State == ec2types.TransitGatewayRouteStateBlackhole,
	}
	dst, pl, err := c.routeDestination(
		awsField{"PrefixListId", r.PrefixListId},
		awsField{"DestinationCidrBlock", r.DestinationCidrBlock})
	if err != nil {
		return nil, err
	}
	out.Destination, out.PrefixListID = dst, pl
	for _, a := range r.TransitGatewayAttachments {
		if id := awsString(a.TransitGatewayAttachmentId); id != "" && !slices.Contains(out.AttachmentIDs, id) {
			out.AttachmentIDs = append(out.AttachmentIDs, id)
		}
	}
	return out, nil
}
