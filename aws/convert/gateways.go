package convert

import (
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

func attachedState(state string) bool { return state == "available" || state == "attached" }

func (c *netConverter) gateways() {
	for i, g := range c.inv.InternetGateways {
		id := awsString(g.InternetGatewayId)
		if id == "" {
			c.noID(checks.KindInternetGateways, "describe-internet-gateways", fmt.Sprintf("entry %d", i), "InternetGatewayId")
			continue
		}
		igw := &checks.InternetGateway{ID: id, Name: nameTagOf(g.Tags)}
		for _, a := range g.Attachments {
			if v := awsString(a.VpcId); v != "" && attachedState(string(a.State)) {
				igw.VPCIDs = append(igw.VPCIDs, v)
			}
		}
		mergePut(c.n.InternetGateways, id, igw)
	}
	for i, g := range c.inv.EgressOnlyInternetGateways {
		id := awsString(g.EgressOnlyInternetGatewayId)
		if id == "" {
			c.noID(checks.KindEgressOnlyGateways, "describe-egress-only-internet-gateways", fmt.Sprintf("entry %d", i), "EgressOnlyInternetGatewayId")
			continue
		}
		eigw := &checks.EgressOnlyInternetGateway{ID: id}
		for _, a := range g.Attachments {
			if v := awsString(a.VpcId); v != "" && attachedState(string(a.State)) {
				eigw.VPCIDs = append(eigw.VPCIDs, v)
			}
		}
		mergePut(c.n.EgressOnlyInternetGateways, id, eigw)
	}
	for i, g := range c.inv.NATGateways {
		id := awsString(g.NatGatewayId)
		if id == "" {
			c.noID(checks.KindNATGateways, "describe-nat-gateways", fmt.Sprintf("entry %d", i), "NatGatewayId")
			continue
		}
		nat := &checks.NATGateway{
			ID:       id,
			Name:     nameTagOf(g.Tags),
			VPCID:    awsString(g.VpcId),
			SubnetID: awsString(g.SubnetId),
			State:    inventory.Sanitize(string(g.State)),
			// Outputs from before private NAT gateways have no
			// ConnectivityType; those gateways are public.
			Public: g.ConnectivityType != ec2types.ConnectivityTypePrivate,
		}
		if addr, at, ok := primaryNATAddress(g.NatGatewayAddresses); ok {
			nat.ENIID = awsString(addr.NetworkInterfaceId)
			if addr.PrivateIp != nil {
				if a, err := parseAWSAddr(at+".PrivateIp", *addr.PrivateIp); err != nil {
					c.problem(checks.KindNATGateways, "NAT gateway", id, "%v", err)
				} else {
					nat.PrivateIP = a
				}
			}
			if addr.PublicIp != nil && *addr.PublicIp != "" {
				if a, err := parseAWSAddr(at+".PublicIp", *addr.PublicIp); err != nil {
					c.problem(checks.KindNATGateways, "NAT gateway", id, "%v", err)
				} else {
					nat.PublicIP = a
				}
			}
		}
		mergePut(c.n.NATGateways, id, nat)
	}
	for i, g := range c.inv.VPNGateways {
		id := awsString(g.VpnGatewayId)
		if id == "" {
			c.noID(checks.KindVPNGateways, "describe-vpn-gateways", fmt.Sprintf("entry %d", i), "VpnGatewayId")
			continue
		}
		vgw := &checks.VPNGateway{ID: id, Name: nameTagOf(g.Tags), State: inventory.Sanitize(string(g.State))}
		for _, a := range g.VpcAttachments {
			if v := awsString(a.VpcId); v != "" && a.State == ec2types.AttachmentStatusAttached {
				vgw.VPCIDs = append(vgw.VPCIDs, v)
			}
		}
		mergePut(c.n.VPNGateways, id, vgw)
	}
	c.directConnect()
	for i, v := range c.inv.VPNConnections {
		id := awsString(v.VpnConnectionId)
		if id == "" {
			c.noID(checks.KindVPNConnections, "describe-vpn-connections", fmt.Sprintf("entry %d", i), "VpnConnectionId")
			continue
		}
		conn := &checks.VPNConnection{ID: id, VGWID: awsString(v.VpnGatewayId), TGWID: awsString(v.TransitGatewayId),
			CustomerGatewayID: inventory.Sanitize(awsString(v.CustomerGatewayId)), State: inventory.Sanitize(string(v.State))}
		for _, t := range v.VgwTelemetry {
			conn.Tunnels = append(conn.Tunnels, checks.VPNTunnel{OutsideIP: inventory.Sanitize(awsString(t.OutsideIpAddress)), Status: inventory.Sanitize(string(t.Status)),
				StatusMessage: inventory.Sanitize(awsString(t.StatusMessage)), AcceptedRouteCount: int(awssdk.ToInt32(t.AcceptedRouteCount))})
		}
		if v.Options != nil {
			conn.StaticRoutesOnly = awsBool(v.Options.StaticRoutesOnly, false)
		}
		for j, r := range v.Routes {
			if r.State == ec2types.VpnStateDeleted || r.State == ec2types.VpnStateDeleting {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("Routes[%d].DestinationCidrBlock", j), awsString(r.DestinationCidrBlock))
			if err != nil {
				c.problem(checks.KindVPNConnections, "VPN connection", id, "%v", err)
				continue
			}
			conn.Routes = append(conn.Routes, p)
		}
		mergePut(c.n.VPNConnections, id, conn)
	}
}

func primaryNATAddress(addrs []ec2types.NatGatewayAddress) (ec2types.NatGatewayAddress, string, bool) {
	for i, a := range addrs {
		if awsBool(a.IsPrimary, false) {
			return a, fmt.Sprintf("NatGatewayAddresses[%d]", i), true
		}
	}
	if len(addrs) > 0 {
		return addrs[0], "NatGatewayAddresses[0]", true
	}
	return ec2types.NatGatewayAddress{}, "", false
}
