package convert

import (
	"fmt"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

func (c *netConverter) endpoints() {
	for i, e := range c.inv.VPCEndpoints {
		id := awsString(e.VpcEndpointId)
		if id == "" {
			c.noID(checks.KindVPCEndpoints, "describe-vpc-endpoints", fmt.Sprintf("entry %d", i), "VpcEndpointId")
			continue
		}
		ep := &checks.Endpoint{
			ID:                id,
			Type:              inventory.Sanitize(string(e.VpcEndpointType)),
			ServiceName:       awsString(e.ServiceName),
			VPCID:             awsString(e.VpcId),
			State:             inventory.Sanitize(string(e.State)),
			RouteTableIDs:     sanitizeAll(e.RouteTableIds),
			SubnetIDs:         sanitizeAll(e.SubnetIds),
			ENIIDs:            sanitizeAll(e.NetworkInterfaceIds),
			PrivateDNSEnabled: awsBool(e.PrivateDnsEnabled, false),
			PolicyDocument:    awsString(e.PolicyDocument),
		}
		for _, g := range e.Groups {
			if gid := awsString(g.GroupId); gid != "" {
				ep.SecurityGroupIDs = append(ep.SecurityGroupIDs, gid)
			}
		}
		for _, d := range e.DnsEntries {
			if name := awsString(d.DnsName); name != "" {
				ep.DNSNames = append(ep.DNSNames, name)
			}
		}
		mergePut(c.n.Endpoints, id, ep)
	}
}
