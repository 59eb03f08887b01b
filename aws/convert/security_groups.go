package convert

import (
	"errors"
	"fmt"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/checks"
)

func (c *netConverter) securityGroups() {
	for i, g := range c.inv.SecurityGroups {
		id := awsString(g.GroupId)
		if id == "" {
			c.noID(checks.KindSecurityGroups, "describe-security-groups", fmt.Sprintf("entry %d", i), "GroupId")
			continue
		}
		sg := &checks.SecurityGroup{
			ID:          id,
			Name:        awsString(g.GroupName),
			Description: awsString(g.Description),
			VPCID:       awsString(g.VpcId),
			OwnerID:     awsString(g.OwnerId),
		}
		sg.Inbound = c.sgRules(id, "IpPermissions", g.IpPermissions)
		sg.Outbound = c.sgRules(id, "IpPermissionsEgress", g.IpPermissionsEgress)
		mergePut(c.n.SecurityGroups, id, sg)
	}
}

// sgRules flattens IpPermissions into one rule per peer: a CIDR, an IPv6
// CIDR, a prefix list or a group.
func (c *netConverter) sgRules(sgID, field string, perms []ec2types.IpPermission) []checks.SGRule {
	var rules []checks.SGRule
	for i, p := range perms {
		at := fmt.Sprintf("%s[%d]", field, i)
		bad := func(err error) { c.problem(checks.KindSecurityGroups, "security group", sgID, "%s: %v", at, err) }
		if p.IpProtocol == nil {
			bad(errors.New("no IpProtocol"))
			continue
		}
		proto, err := parseIPProtocol("IpProtocol", *p.IpProtocol)
		if err != nil {
			bad(err)
			continue
		}
		base := checks.SGRule{Protocol: proto, Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1}
		switch {
		case hasPortsProto(proto):
			base.Ports, err = parsePortRange("FromPort-ToPort", p.FromPort, p.ToPort)
			if err != nil {
				bad(err)
				continue
			}
		case isICMPProto(proto):
			// For ICMP, FromPort is the type and ToPort the code.
			base.ICMPType, base.ICMPCode = icmpOrAny(p.FromPort), icmpOrAny(p.ToPort)
		}
		for j, r := range p.IpRanges {
			if r.CidrIp == nil {
				continue
			}
			cidr, err := parseAWSPrefix(fmt.Sprintf("IpRanges[%d].CidrIp", j), *r.CidrIp)
			if err != nil {
				bad(err)
				continue
			}
			rule := base
			rule.Peer.CIDR, rule.Description = cidr, awsString(r.Description)
			rules = append(rules, rule)
		}
		for j, r := range p.Ipv6Ranges {
			if r.CidrIpv6 == nil {
				continue
			}
			cidr, err := parseAWSPrefix(fmt.Sprintf("Ipv6Ranges[%d].CidrIpv6", j), *r.CidrIpv6)
			if err != nil {
				bad(err)
				continue
			}
			rule := base
			rule.Peer.CIDR, rule.Description = cidr, awsString(r.Description)
			rules = append(rules, rule)
		}
		for _, r := range p.PrefixListIds {
			pl := awsString(r.PrefixListId)
			if pl == "" {
				continue
			}
			c.referencedPLs[pl] = true
			rule := base
			rule.Peer.PrefixListID, rule.Description = pl, awsString(r.Description)
			rules = append(rules, rule)
		}
		for _, r := range p.UserIdGroupPairs {
			gid := awsString(r.GroupId)
			if gid == "" {
				continue
			}
			rule := base
			rule.Peer = checks.SGPeer{
				GroupID:      gid,
				GroupOwnerID: awsString(r.UserId),
				GroupVPCID:   awsString(r.VpcId),
				PeeringID:    awsString(r.VpcPeeringConnectionId),
			}
			rule.Description = awsString(r.Description)
			rules = append(rules, rule)
		}
	}
	return rules
}
