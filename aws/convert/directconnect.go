package convert

import (
	"fmt"
	"strings"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// directConnect converts the Direct Connect virtual interfaces and gateway
// associations; each stays nil in the network when it was not read.
func (c *netConverter) directConnect() {
	if c.inv.Present[inventory.KindDXVirtualInterfaces] {
		c.n.DirectConnectVIFs = map[string]*checks.DirectConnectVIF{}
	}
	for i, v := range c.inv.DXVirtualInterfaces {
		id := inventory.Sanitize(awsString(v.VirtualInterfaceId))
		if id == "" {
			c.noID(inventory.KindDXVirtualInterfaces, "describe-virtual-interfaces", fmt.Sprintf("entry %d", i), "virtualInterfaceId")
			continue
		}
		c.n.DirectConnectVIFs[id] = &checks.DirectConnectVIF{ID: id, Name: inventory.Sanitize(awsString(v.VirtualInterfaceName)),
			Type: strings.ToLower(inventory.Sanitize(awsString(v.VirtualInterfaceType))), State: strings.ToLower(inventory.Sanitize(string(v.VirtualInterfaceState))),
			VGWID: inventory.Sanitize(awsString(v.VirtualGatewayId)), DXGatewayID: inventory.Sanitize(awsString(v.DirectConnectGatewayId))}
	}
	if c.inv.Present[inventory.KindDXAssociations] {
		c.n.DirectConnectAssociations = map[string]*checks.DirectConnectAssociation{}
	}
	for i, a := range c.inv.DXAssociations {
		assoc := &checks.DirectConnectAssociation{ID: inventory.Sanitize(awsString(a.AssociationId)), DXGatewayID: inventory.Sanitize(awsString(a.DirectConnectGatewayId)),
			State: strings.ToLower(inventory.Sanitize(string(a.AssociationState)))}
		if g := a.AssociatedGateway; g != nil {
			assoc.GatewayID, assoc.GatewayType = inventory.Sanitize(awsString(g.Id)), inventory.Sanitize(string(g.Type))
		}
		if assoc.GatewayID == "" && a.VirtualGatewayId != nil {
			assoc.GatewayID, assoc.GatewayType = inventory.Sanitize(awsString(a.VirtualGatewayId)), "virtualPrivateGateway"
		}
		if assoc.DXGatewayID == "" || assoc.GatewayID == "" {
			c.noID(inventory.KindDXAssociations, "describe-direct-connect-gateway-associations", fmt.Sprintf("entry %d", i), "directConnectGatewayId or associatedGateway.id")
			continue
		}
		if assoc.ID == "" {
			assoc.ID = assoc.DXGatewayID + "/" + assoc.GatewayID
		}
		for j, p := range a.AllowedPrefixesToDirectConnectGateway {
			prefix, err := parseAWSPrefix(fmt.Sprintf("allowedPrefixesToDirectConnectGateway[%d].cidr", j), awsString(p.Cidr))
			if err != nil {
				c.problem(inventory.KindDXAssociations, "Direct Connect gateway association", assoc.ID, "%v", err)
				continue
			}
			assoc.AllowedPrefixes = append(assoc.AllowedPrefixes, prefix)
		}
		c.n.DirectConnectAssociations[assoc.ID] = assoc
	}
}
