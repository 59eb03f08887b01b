package convert

import (
	"fmt"
	"net/netip"
	"slices"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

func (c *netConverter) peerings() {
	for i, p := range c.inv.Peerings {
		id := awsString(p.VpcPeeringConnectionId)
		if id == "" {
			c.noID(checks.KindPeerings, "describe-vpc-peering-connections", fmt.Sprintf("entry %d", i), "VpcPeeringConnectionId")
			continue
		}
		pcx := &checks.Peering{ID: id, Name: nameTagOf(p.Tags)}
		if p.Status != nil {
			pcx.Status = inventory.Sanitize(string(p.Status.Code))
		}
		bad := func(err error) { c.problem(checks.KindPeerings, "peering", id, "%v", err) }
		pcx.Requester = convPeeringSide("RequesterVpcInfo", p.RequesterVpcInfo, bad)
		pcx.Accepter = convPeeringSide("AccepterVpcInfo", p.AccepterVpcInfo, bad)
		mergePut(c.n.Peerings, id, pcx)
	}
}

func convPeeringSide(field string, info *ec2types.VpcPeeringConnectionVpcInfo, bad func(error)) checks.PeeringSide {
	var s checks.PeeringSide
	if info == nil {
		return s
	}
	s.VPCID, s.OwnerID, s.Region = awsString(info.VpcId), awsString(info.OwnerId), awsString(info.Region)
	add := func(dst *[]netip.Prefix, at string, v *string) {
		if v == nil {
			return
		}
		p, err := parseAWSPrefix(at, *v)
		if err != nil {
			bad(err)
			return
		}
		if !slices.Contains(*dst, p) {
			*dst = append(*dst, p)
		}
	}
	if info.PeeringOptions != nil {
		s.AllowDNSFromRemote = awsBool(info.PeeringOptions.AllowDnsResolutionFromRemoteVpc, false)
	}
	add(&s.CIDRs, field+".CidrBlock", info.CidrBlock)
	for i, b := range info.CidrBlockSet {
		add(&s.CIDRs, fmt.Sprintf("%s.CidrBlockSet[%d].CidrBlock", field, i), b.CidrBlock)
	}
	for i, b := range info.Ipv6CidrBlockSet {
		add(&s.IPv6CIDRs, fmt.Sprintf("%s.Ipv6CidrBlockSet[%d].Ipv6CidrBlock", field, i), b.Ipv6CidrBlock)
	}
	return s
}
