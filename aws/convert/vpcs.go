package convert

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/checks"
)

func (c *netConverter) vpcs() {
	for i, v := range c.inv.VPCs {
		id := awsString(v.VpcId)
		if id == "" {
			c.noID(checks.KindVPCs, "describe-vpcs", fmt.Sprintf("entry %d", i), "VpcId")
			continue
		}
		vpc := &checks.VPC{
			ID:            id,
			Name:          nameTagOf(v.Tags),
			OwnerID:       awsString(v.OwnerId),
			IsDefault:     awsBool(v.IsDefault, false),
			DHCPOptionsID: awsString(v.DhcpOptionsId),
		}
		if v.CidrBlock != nil {
			p, err := parseAWSPrefix("CidrBlock", *v.CidrBlock)
			if err != nil {
				c.problem(checks.KindVPCs, "vpc", id, "%v", err)
			} else {
				vpc.CIDRs = append(vpc.CIDRs, p)
			}
		}
		for j, a := range v.CidrBlockAssociationSet {
			if a.CidrBlock == nil || (a.CidrBlockState != nil && a.CidrBlockState.State != "" && a.CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated) {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("CidrBlockAssociationSet[%d].CidrBlock", j), *a.CidrBlock)
			if err != nil {
				c.problem(checks.KindVPCs, "vpc", id, "%v", err)
				continue
			}
			if !slices.Contains(vpc.CIDRs, p) {
				vpc.CIDRs = append(vpc.CIDRs, p)
			}
		}
		for j, a := range v.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlock == nil || (a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State != "" && a.Ipv6CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated) {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("Ipv6CidrBlockAssociationSet[%d].Ipv6CidrBlock", j), *a.Ipv6CidrBlock)
			if err != nil {
				c.problem(checks.KindVPCs, "vpc", id, "%v", err)
				continue
			}
			if !slices.Contains(vpc.IPv6CIDRs, p) {
				vpc.IPv6CIDRs = append(vpc.IPv6CIDRs, p)
			}
		}
		if a, ok := c.inv.VPCAttributes[*v.VpcId]; ok {
			vpc.DNSSupport = cloneBool(a.EnableDNSSupport)
			vpc.DNSHostnames = cloneBool(a.EnableDNSHostnames)
		}
		mergePut(c.n.VPCs, id, vpc)
	}
}

func cloneBool(p *bool) *bool {
	if p == nil {
		return nil
	}
	b := *p
	return &b
}

func (c *netConverter) subnets() {
	for i, s := range c.inv.Subnets {
		id := awsString(s.SubnetId)
		if id == "" {
			c.noID(checks.KindSubnets, "describe-subnets", fmt.Sprintf("entry %d", i), "SubnetId")
			continue
		}
		sub := &checks.Subnet{
			ID:      id,
			Name:    nameTagOf(s.Tags),
			VPCID:   awsString(s.VpcId),
			OwnerID: awsString(s.OwnerId),
			AZ:      awsString(s.AvailabilityZone),
			AZID:    awsString(s.AvailabilityZoneId),
		}
		// IPv6-only subnets have no IPv4 block.
		if s.CidrBlock != nil {
			p, err := parseAWSPrefix("CidrBlock", *s.CidrBlock)
			if err != nil {
				c.problem(checks.KindSubnets, "subnet", id, "%v", err)
			} else {
				sub.CIDR = p
			}
		}
		for j, a := range s.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlock == nil || (a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State != "" && a.Ipv6CidrBlockState.State != ec2types.SubnetCidrBlockStateCodeAssociated) {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("Ipv6CidrBlockAssociationSet[%d].Ipv6CidrBlock", j), *a.Ipv6CidrBlock)
			if err != nil {
				c.problem(checks.KindSubnets, "subnet", id, "%v", err)
				continue
			}
			sub.IPv6CIDRs = append(sub.IPv6CIDRs, p)
		}
		mergePut(c.n.Subnets, id, sub)
	}
}

var awsRegionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+`)

// vpcRegions fills each VPC's Region, which describe-vpcs does not print,
// from its subnets' ARNs or zones, or else from a peering that names it.
func (c *netConverter) vpcRegions() {
	for _, s := range c.inv.Subnets {
		vpc := c.n.VPCs[awsString(s.VpcId)]
		if vpc == nil || vpc.Region != "" {
			continue
		}
		if parts := strings.Split(awsString(s.SubnetArn), ":"); len(parts) > 3 && parts[3] != "" {
			vpc.Region = parts[3]
		} else {
			vpc.Region = awsRegionPattern.FindString(awsString(s.AvailabilityZone))
		}
	}
	for _, id := range sortedIDs(c.n.Peerings) {
		p := c.n.Peerings[id]
		for _, side := range []checks.PeeringSide{p.Requester, p.Accepter} {
			if vpc := c.n.VPCs[side.VPCID]; vpc != nil && vpc.Region == "" {
				vpc.Region = side.Region
			}
		}
	}
}
