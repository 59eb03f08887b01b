package awstest

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// The accounts of the shared network, apart from the organisation's
// others so that each test reads only what it seeded.
const (
	// NetworkAccount owns the shared VPC and subnet, their route table and
	// network ACL, and the transit gateway.
	NetworkAccount = "333333333333"
	// ParticipantAccount runs app-1 in the network account's shared subnet,
	// and web-1 in a VPC of its own peered with the database's.
	ParticipantAccount = "131313131313"
	// DatabaseAccount holds the database, in a VPC attached to the shared
	// transit gateway.
	DatabaseAccount = "232323232323"
)

// SharedTopology holds the IDs of the shared network SeedSharedNetwork
// builds.
//
// The network account's VPC 10.50.0.0/16 has subnet 10.50.1.0/24, shared
// with the participant account; its route table sends 10.60.0.0/16 to the
// transit gateway, and its network ACL denies TCP 3306 out to 10.60.0.0/16.
// The transit gateway (the network account's, shared with the database
// account) routes 10.50.0.0/16 to the shared VPC's attachment and
// 10.60.0.0/16 to the database VPC's. The participant's app-1 (10.50.1.10)
// runs in the shared subnet; its web-1 (10.70.1.10) in its own VPC
// 10.70.0.0/16, peered with the database VPC 10.60.0.0/16. The database
// (10.60.1.20) admits TCP 5432 and 3306 from 10.50.0.0/16, and 8443 from
// the participant's web group (ParticipantAccount/WebGroup) across the
// peering.
type SharedTopology struct {
	SharedVPC, SharedSubnet  string
	SharedRouteTable         string
	SharedNetworkACL         string
	TransitGateway           string
	TGWRouteTable            string
	SharedAttachment         string
	DatabaseAttachment       string
	AppInstance, AppENI      string
	AppIP                    string
	WebENI, WebIP, WebGroup  string
	DatabaseENI, DatabaseIP  string
	DatabaseGroup, Peering   string
	DatabaseVPC, WorkloadVPC string
	databaseStandInGroup     string
	databaseClient           *ec2.Client
}

// SeedSharedNetwork builds SharedTopology in moto at endpoint and tells
// sharing how each account sees it.
func SeedSharedNetwork(ctx context.Context, endpoint string, sharing *Sharing) (*SharedTopology, error) {
	network, err := AccountClients(ctx, endpoint, NetworkAccount, Region)
	if err != nil {
		return nil, err
	}
	participant, err := AccountClients(ctx, endpoint, ParticipantAccount, Region)
	if err != nil {
		return nil, err
	}
	database, err := AccountClients(ctx, endpoint, DatabaseAccount, Region)
	if err != nil {
		return nil, err
	}
	// The database account's writes that name the participant's group go
	// through sharing, as they would go to AWS.
	databaseShared, err := AccountClients(ctx, sharing.URL, DatabaseAccount, Region)
	if err != nil {
		return nil, err
	}
	t := &SharedTopology{AppIP: "10.50.1.10", WebIP: "10.70.1.10", DatabaseIP: "10.60.1.20", databaseClient: databaseShared.EC2}
	n := network.EC2
	s := &seeder{ctx: ctx}

	// The network account: the shared VPC, its subnet, route table and
	// network ACL, and the transit gateway.
	s.step("shared vpc", func() error {
		out, err := n.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: str("10.50.0.0/16"), TagSpecifications: tags("shared", ec2types.ResourceTypeVpc)})
		if err == nil {
			t.SharedVPC = *out.Vpc.VpcId
		}
		return err
	})
	s.step("shared subnet", func() error {
		out, err := n.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: str(t.SharedVPC), CidrBlock: str("10.50.1.0/24"), AvailabilityZone: str(Region + "a"),
			TagSpecifications: tags("shared-app", ec2types.ResourceTypeSubnet)})
		if err == nil {
			t.SharedSubnet = *out.Subnet.SubnetId
		}
		return err
	})
	db, err := seedOrgVPC(ctx, database.EC2, "database", "10.60.0.0/16", "10.60.1.0/24", t.DatabaseIP, []ec2types.IpPermission{
		ingressFrom("tcp", 5432, 5432, "10.50.0.0/16")[0], ingressFrom("tcp", 3306, 3306, "10.50.0.0/16")[0]})
	if err != nil {
		return nil, err
	}
	t.DatabaseENI, t.DatabaseGroup, t.DatabaseVPC = db.eni, db.group, db.vpc
	s.step("transit gateway", func() error {
		out, err := n.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{Description: str("hub")})
		if err != nil {
			return err
		}
		t.TransitGateway = *out.TransitGateway.TransitGatewayId
		if out.TransitGateway.Options != nil {
			t.TGWRouteTable = awssdk.ToString(out.TransitGateway.Options.AssociationDefaultRouteTableId)
		}
		if t.TGWRouteTable == "" {
			rt, err := n.CreateTransitGatewayRouteTable(ctx, &ec2.CreateTransitGatewayRouteTableInput{TransitGatewayId: str(t.TransitGateway)})
			if err != nil {
				return err
			}
			t.TGWRouteTable = *rt.TransitGatewayRouteTable.TransitGatewayRouteTableId
		}
		// The database account attaches its VPC to the shared transit
		// gateway; the attachment lives in the owner's state (see Sharing).
		for _, a := range []struct {
			vpc, subnet string
			out         *string
		}{{t.SharedVPC, t.SharedSubnet, &t.SharedAttachment}, {db.vpc, db.subnet, &t.DatabaseAttachment}} {
			at, err := n.CreateTransitGatewayVpcAttachment(ctx, &ec2.CreateTransitGatewayVpcAttachmentInput{TransitGatewayId: str(t.TransitGateway), VpcId: str(a.vpc), SubnetIds: []string{a.subnet}})
			if err != nil {
				return err
			}
			*a.out = *at.TransitGatewayVpcAttachment.TransitGatewayAttachmentId
			if _, err := n.EnableTransitGatewayRouteTablePropagation(ctx, &ec2.EnableTransitGatewayRouteTablePropagationInput{
				TransitGatewayRouteTableId: str(t.TGWRouteTable), TransitGatewayAttachmentId: a.out}); err != nil {
				return err
			}
		}
		return nil
	})
	s.step("shared route table", func() error {
		out, err := n.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: str(t.SharedVPC), TagSpecifications: tags("shared-app", ec2types.ResourceTypeRouteTable)})
		if err != nil {
			return err
		}
		t.SharedRouteTable = *out.RouteTable.RouteTableId
		if _, err := n.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: str(t.SharedRouteTable), DestinationCidrBlock: str("10.60.0.0/16"), TransitGatewayId: str(t.TransitGateway)}); err != nil {
			return err
		}
		_, err = n.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: str(t.SharedRouteTable), SubnetId: str(t.SharedSubnet)})
		return err
	})
	s.step("shared network ACL", func() error {
		out, err := n.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: str(t.SharedVPC), TagSpecifications: tags("shared-app", ec2types.ResourceTypeNetworkAcl)})
		if err != nil {
			return err
		}
		t.SharedNetworkACL = *out.NetworkAcl.NetworkAclId
		for _, e := range []ec2.CreateNetworkAclEntryInput{
			{RuleNumber: awssdk.Int32(90), Egress: awssdk.Bool(true), RuleAction: ec2types.RuleActionDeny, Protocol: str("6"), CidrBlock: str("10.60.0.0/16"),
				PortRange: &ec2types.PortRange{From: awssdk.Int32(3306), To: awssdk.Int32(3306)}},
			{RuleNumber: awssdk.Int32(100), Egress: awssdk.Bool(true), RuleAction: ec2types.RuleActionAllow, Protocol: str("-1"), CidrBlock: str("0.0.0.0/0")},
			{RuleNumber: awssdk.Int32(100), Egress: awssdk.Bool(false), RuleAction: ec2types.RuleActionAllow, Protocol: str("-1"), CidrBlock: str("0.0.0.0/0")},
		} {
			e.NetworkAclId = str(t.SharedNetworkACL)
			if _, err := n.CreateNetworkAclEntry(ctx, &e); err != nil {
				return err
			}
		}
		acls, err := n.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{{Name: str("association.subnet-id"), Values: []string{t.SharedSubnet}}}})
		if err != nil {
			return err
		}
		for _, acl := range acls.NetworkAcls {
			for _, as := range acl.Associations {
				if awssdk.ToString(as.SubnetId) == t.SharedSubnet {
					_, err := n.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: as.NetworkAclAssociationId, NetworkAclId: str(t.SharedNetworkACL)})
					return err
				}
			}
		}
		return fmt.Errorf("the shared subnet has no network ACL association")
	})
	if s.err != nil {
		return nil, s.err
	}

	// The participant: app-1 in a stand-in for the shared subnet, web-1
	// in a VPC of its own, peered with the database's.
	standIn, err := seedOrgVPC(ctx, participant.EC2, "app", "10.50.0.0/16", "10.50.1.0/24", t.AppIP, nil)
	if err != nil {
		return nil, err
	}
	t.AppENI, t.AppInstance = standIn.eni, standIn.instance
	web, err := seedOrgVPC(ctx, participant.EC2, "web", "10.70.0.0/16", "10.70.1.0/24", t.WebIP, nil)
	if err != nil {
		return nil, err
	}
	t.WebENI, t.WebGroup, t.WorkloadVPC = web.eni, web.group, web.vpc
	if t.Peering, err = peer(ctx, web, db, DatabaseAccount, ""); err != nil {
		return nil, fmt.Errorf("seed the workload-database peering: %w", err)
	}
	if err := web.route(ctx, "10.60.0.0/16", t.Peering); err != nil {
		return nil, err
	}
	if err := db.route(ctx, "10.70.0.0/16", t.Peering); err != nil {
		return nil, err
	}
	hidden, err := madeFor(ctx, participant.EC2, standIn.vpc)
	if err != nil {
		return nil, err
	}
	sharing.StandIn(ParticipantAccount, standIn.vpc, t.SharedVPC)
	sharing.StandIn(ParticipantAccount, standIn.subnet, t.SharedSubnet)
	sharing.Hide(ParticipantAccount, append(hidden, standIn.vpc, standIn.subnet)...)
	sharing.Share(NetworkAccount, []string{t.SharedVPC, t.SharedSubnet}, ParticipantAccount)

	// The database account: its route to the shared transit gateway goes
	// through a stand-in (moto routes only to its own account's).
	d := database.EC2
	s.step("stand-in transit gateway", func() error {
		out, err := d.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{Description: str("stand-in for the shared hub")})
		if err != nil {
			return err
		}
		tgw := *out.TransitGateway.TransitGatewayId
		rts, err := d.DescribeTransitGatewayRouteTables(ctx, &ec2.DescribeTransitGatewayRouteTablesInput{Filters: []ec2types.Filter{{Name: str("transit-gateway-id"), Values: []string{tgw}}}})
		if err != nil {
			return err
		}
		sharing.Hide(DatabaseAccount, tgw)
		for _, rt := range rts.TransitGatewayRouteTables {
			sharing.Hide(DatabaseAccount, awssdk.ToString(rt.TransitGatewayRouteTableId))
		}
		sharing.StandIn(DatabaseAccount, tgw, t.TransitGateway)
		_, err = d.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: str(db.rtb), DestinationCidrBlock: str("10.50.0.0/16"), TransitGatewayId: str(tgw)})
		return err
	})
	sharing.Share(NetworkAccount, []string{t.TransitGateway, t.DatabaseAttachment}, DatabaseAccount)
	sharing.AttachmentOwner(t.DatabaseAttachment, DatabaseAccount)

	// The database admits 8443 from the participant's web group, across
	// the peering, written as AWS takes it: the group with its account.
	s.step("stand-in for the participant's web group", func() error {
		out, err := d.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: str("stand-in-web"), Description: str("stand-in"), VpcId: str(db.vpc)})
		if err != nil {
			return err
		}
		t.databaseStandInGroup = *out.GroupId
		sharing.StandIn(DatabaseAccount, t.databaseStandInGroup, t.WebGroup)
		sharing.Hide(DatabaseAccount, t.databaseStandInGroup)
		sharing.ReferencedGroup(t.WebGroup, GroupRef{Owner: ParticipantAccount, VPCID: t.WorkloadVPC, PeeringID: t.Peering})
		return t.AllowWebGroup(ctx)
	})
	return t, s.err
}

// webGroupRule is the database's rule that references the participant's
// web group.
func (t *SharedTopology) webGroupRule() []ec2types.IpPermission {
	return []ec2types.IpPermission{{IpProtocol: str("tcp"), FromPort: awssdk.Int32(8443), ToPort: awssdk.Int32(8443),
		UserIdGroupPairs: []ec2types.UserIdGroupPair{{UserId: str(ParticipantAccount), GroupId: str(t.WebGroup)}}}}
}

// AllowWebGroup authorizes the database's rule that admits 8443 from the
// participant's web group, as the database account would, through Sharing.
func (t *SharedTopology) AllowWebGroup(ctx context.Context) error {
	_, err := t.databaseClient.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: str(t.DatabaseGroup), IpPermissions: t.webGroupRule()})
	return err
}

// RevokeWebGroup removes that rule.
func (t *SharedTopology) RevokeWebGroup(ctx context.Context) error {
	_, err := t.databaseClient.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: str(t.DatabaseGroup), IpPermissions: t.webGroupRule()})
	return err
}

// madeFor lists what moto made with a VPC: its main route table, default
// network ACL and default security group.
func madeFor(ctx context.Context, c *ec2.Client, vpc string) ([]string, error) {
	byVPC := []ec2types.Filter{{Name: str("vpc-id"), Values: []string{vpc}}}
	var ids []string
	rts, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: byVPC})
	if err != nil {
		return nil, err
	}
	for _, rt := range rts.RouteTables {
		ids = append(ids, awssdk.ToString(rt.RouteTableId))
	}
	acls, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: byVPC})
	if err != nil {
		return nil, err
	}
	for _, a := range acls.NetworkAcls {
		ids = append(ids, awssdk.ToString(a.NetworkAclId))
	}
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: append(byVPC, ec2types.Filter{Name: str("group-name"), Values: []string{"default"}})})
	if err != nil {
		return nil, err
	}
	for _, g := range sgs.SecurityGroups {
		ids = append(ids, awssdk.ToString(g.GroupId))
	}
	return ids, nil
}
