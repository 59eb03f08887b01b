package convert

import (
	"errors"
	"fmt"
	"slices"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

func (c *netConverter) networkACLs() {
	for i, a := range c.inv.NetworkACLs {
		id := awsString(a.NetworkAclId)
		if id == "" {
			c.noID(checks.KindNetworkACLs, "describe-network-acls", fmt.Sprintf("entry %d", i), "NetworkAclId")
			continue
		}
		acl := &checks.NetworkACL{
			ID:        id,
			Name:      nameTagOf(a.Tags),
			VPCID:     awsString(a.VpcId),
			OwnerID:   awsString(a.OwnerId),
			IsDefault: awsBool(a.IsDefault, false),
		}
		for _, as := range a.Associations {
			if s := awsString(as.SubnetId); s != "" && !slices.Contains(acl.SubnetIDs, s) {
				acl.SubnetIDs = append(acl.SubnetIDs, s)
			}
		}
		for j, e := range a.Entries {
			rule, err := convNACLRule(e)
			if err != nil {
				c.problem(checks.KindNetworkACLs, "network ACL", id, "entry %d: %v", j, err)
				continue
			}
			if awsBool(e.Egress, false) {
				acl.Outbound = append(acl.Outbound, rule)
			} else {
				acl.Inbound = append(acl.Inbound, rule)
			}
		}
		mergePut(c.n.NetworkACLs, id, acl)
	}
}

func convNACLRule(e ec2types.NetworkAclEntry) (checks.NACLRule, error) {
	var r checks.NACLRule
	if e.RuleNumber == nil {
		return r, errors.New("no RuleNumber")
	}
	r.Number = int(*e.RuleNumber)
	if e.Protocol == nil {
		return r, errors.New("no Protocol")
	}
	proto, err := parseIPProtocol("Protocol", *e.Protocol)
	if err != nil {
		return r, err
	}
	r.Protocol = proto
	switch e.RuleAction {
	case ec2types.RuleActionAllow:
		r.Allow = true
	case ec2types.RuleActionDeny:
	default:
		return r, fmt.Errorf("RuleAction %q: expected allow or deny", inventory.Clip(string(e.RuleAction)))
	}
	switch {
	case e.CidrBlock != nil:
		r.CIDR, err = parseAWSPrefix("CidrBlock", *e.CidrBlock)
	case e.Ipv6CidrBlock != nil:
		r.CIDR, err = parseAWSPrefix("Ipv6CidrBlock", *e.Ipv6CidrBlock)
	default:
		err = errors.New("no CidrBlock or Ipv6CidrBlock")
	}
	if err != nil {
		return r, err
	}
	r.Ports, r.ICMPType, r.ICMPCode = checks.AllPorts, -1, -1
	if hasPortsProto(proto) && e.PortRange != nil {
		r.Ports, err = parsePortRange("PortRange", e.PortRange.From, e.PortRange.To)
		if err != nil {
			return r, err
		}
	}
	if isICMPProto(proto) && e.IcmpTypeCode != nil {
		r.ICMPType, r.ICMPCode = icmpOrAny(e.IcmpTypeCode.Type), icmpOrAny(e.IcmpTypeCode.Code)
	}
	return r, nil
}
