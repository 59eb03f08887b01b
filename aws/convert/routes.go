package convert

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

func (c *netConverter) routeTables() {
	for i, rt := range c.inv.RouteTables {
		id := awsString(rt.RouteTableId)
		if id == "" {
			c.noID(checks.KindRouteTables, "describe-route-tables", fmt.Sprintf("entry %d", i), "RouteTableId")
			continue
		}
		t := &checks.RouteTable{ID: id, Name: nameTagOf(rt.Tags), VPCID: awsString(rt.VpcId), OwnerID: awsString(rt.OwnerId)}
		for _, a := range rt.Associations {
			if a.AssociationState != nil {
				switch a.AssociationState.State {
				case ec2types.RouteTableAssociationStateCodeDisassociated, ec2types.RouteTableAssociationStateCodeFailed:
					continue
				}
			}
			if awsBool(a.Main, false) {
				t.Main = true
			}
			if s := awsString(a.SubnetId); s != "" && !slices.Contains(t.SubnetIDs, s) {
				t.SubnetIDs = append(t.SubnetIDs, s)
			}
			if g := awsString(a.GatewayId); g != "" && !slices.Contains(t.GatewayIDs, g) {
				t.GatewayIDs = append(t.GatewayIDs, g)
			}
		}
		for j, r := range rt.Routes {
			route, err := c.route(r)
			if err != nil {
				c.problem(checks.KindRouteTables, "route table", id, "route %d: %v", j, err)
				continue
			}
			t.Routes = append(t.Routes, route)
		}
		mergePut(c.n.RouteTables, id, t)
	}
}

func (c *netConverter) route(r ec2types.Route) (checks.Route, error) {
	var out checks.Route
	dst, pl, err := c.routeDestination(
		awsField{"DestinationPrefixListId", r.DestinationPrefixListId},
		awsField{"DestinationCidrBlock", r.DestinationCidrBlock},
		awsField{"DestinationIpv6CidrBlock", r.DestinationIpv6CidrBlock})
	if err != nil {
		return out, err
	}
	out.Destination, out.PrefixListID = dst, pl
	out.Target, out.TargetID, out.InstanceID = vpcRouteTarget(r)
	out.Origin = checks.RouteOrigin(inventory.Sanitize(string(r.Origin)))
	out.Blackhole = r.State == ec2types.RouteStateBlackhole
	return out, nil
}

// awsField is a field of an AWS output with its name, for messages.
type awsField struct {
	name  string
	value *string
}

// routeDestination reads the destination of a VPC or transit gateway
// route: the first of the CIDR fields that is set, or else the prefix list,
// which is noted so that prefixLists converts it. A route without any is a
// problem naming the fields it lacks.
func (c *netConverter) routeDestination(prefixList awsField, cidrs ...awsField) (netip.Prefix, string, error) {
	for _, f := range cidrs {
		if f.value != nil {
			p, err := parseAWSPrefix(f.name, *f.value)
			return p, "", err
		}
	}
	if prefixList.value != nil && *prefixList.value != "" {
		id := awsString(prefixList.value)
		c.referencedPLs[id] = true
		return netip.Prefix{}, id, nil
	}
	names := make([]string, 0, len(cidrs))
	for _, f := range cidrs {
		names = append(names, f.name)
	}
	return netip.Prefix{}, "", fmt.Errorf("no %s or %s", strings.Join(names, ", "), prefixList.name)
}

// vpcRouteTarget classifies a route's target. A route names exactly one; a
// route whose target is gone (blackhole) may name none.
func vpcRouteTarget(r ec2types.Route) (checks.TargetKind, string, string) {
	set := func(p *string) bool { return p != nil && *p != "" }
	switch {
	case set(r.GatewayId):
		id := awsString(r.GatewayId)
		switch {
		case id == "local":
			return checks.TargetLocal, id, ""
		case strings.HasPrefix(id, "igw-"):
			return checks.TargetIGW, id, ""
		case strings.HasPrefix(id, "vgw-"):
			return checks.TargetVGW, id, ""
		case strings.HasPrefix(id, "vpce-"):
			return checks.TargetEndpoint, id, ""
		case strings.HasPrefix(id, "eigw-"):
			return checks.TargetEIGW, id, ""
		}
		return checks.TargetOther, id, ""
	case set(r.NatGatewayId):
		return checks.TargetNAT, awsString(r.NatGatewayId), ""
	case set(r.NetworkInterfaceId):
		return checks.TargetENI, awsString(r.NetworkInterfaceId), awsString(r.InstanceId)
	case set(r.InstanceId):
		return checks.TargetInstance, awsString(r.InstanceId), awsString(r.InstanceId)
	case set(r.TransitGatewayId):
		return checks.TargetTGW, awsString(r.TransitGatewayId), ""
	case set(r.VpcPeeringConnectionId):
		return checks.TargetPeering, awsString(r.VpcPeeringConnectionId), ""
	case set(r.EgressOnlyInternetGatewayId):
		return checks.TargetEIGW, awsString(r.EgressOnlyInternetGatewayId), ""
	case set(r.CarrierGatewayId):
		return checks.TargetCarrier, awsString(r.CarrierGatewayId), ""
	case set(r.LocalGatewayId):
		return checks.TargetLocalGW, awsString(r.LocalGatewayId), ""
	case set(r.CoreNetworkArn):
		return checks.TargetCoreNetwork, awsString(r.CoreNetworkArn), ""
	case set(r.IpAddress):
		return checks.TargetOther, awsString(r.IpAddress), ""
	case set(r.OdbNetworkArn):
		return checks.TargetOther, awsString(r.OdbNetworkArn), ""
	}
	return checks.TargetOther, "", ""
}
