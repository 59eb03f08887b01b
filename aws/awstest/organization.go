package awstest

import (
	"context"
	"fmt"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The accounts of the seeded organisation. moto keeps a separate state for
// each account whose role is assumed.
const (
	// WorkloadAccount runs the application.
	WorkloadAccount = "111111111111"
	// DataAccount holds the database in Region, peered with the workload
	// account, and a web tier in SecondRegion, peered across Regions.
	DataAccount = "222222222222"
	// LockedAccount is peered with the workload account; the tests deny
	// the assumption of its role.
	LockedAccount = "444444444444"
	// SecondRegion is the other Region of the organisation.
	SecondRegion = "eu-west-1"
)

// OrgTopology holds the IDs of the seeded organisation.
//
// The workload account's VPC (10.10.0.0/16) is peered with the data
// account's (10.20.0.0/16) and the locked account's (10.40.0.0/16); the
// data account's VPC is peered across Regions with its own VPC in
// SecondRegion (10.30.0.0/16). The database admits 5432 from the workload
// VPC; the web tier admits 443 from the data VPC; the locked account admits
// everything from the workload VPC.
type OrgTopology struct {
	AppENI, AppIP       string
	DBENI, DBIP         string
	WebENI, WebIP       string
	LockedIP            string
	PeeringWorkloadData string
	PeeringDataRegions  string
	PeeringLocked       string
}

// AccountClients returns seeding clients that act as account in region,
// through a role assumed in it.
func AccountClients(ctx context.Context, endpoint, account, region string) (Clients, error) {
	out, err := sts.NewFromConfig(Config(endpoint)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         awssdk.String("arn:aws:iam::" + account + ":role/seed"),
		RoleSessionName: awssdk.String("seed"),
	})
	if err != nil {
		return Clients{}, fmt.Errorf("assume a role in %s: %w", account, err)
	}
	c := out.Credentials
	cfg := Config(endpoint)
	cfg.Region = region
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	return Clients{
		EC2:      ec2.NewFromConfig(cfg),
		Route53:  route53.NewFromConfig(cfg),
		Resolver: route53resolver.NewFromConfig(cfg),
		ELB:      elasticloadbalancingv2.NewFromConfig(cfg),
		RDS:      rds.NewFromConfig(cfg),
	}, nil
}

// orgVPC is one seeded VPC with one subnet and one interface.
type orgVPC struct {
	c                     *ec2.Client
	vpc, subnet, eni, rtb string
	group, instance       string
}

func seedOrgVPC(ctx context.Context, c *ec2.Client, name, cidr, subnet, ip string, ingress []ec2types.IpPermission) (*orgVPC, error) {
	s := &seeder{ctx: ctx}
	v := &orgVPC{c: c}
	s.step(name+" vpc", func() error {
		out, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: str(cidr), TagSpecifications: tags(name, ec2types.ResourceTypeVpc)})
		if err == nil {
			v.vpc = *out.Vpc.VpcId
		}
		return err
	})
	s.step(name+" subnet", func() error {
		out, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: str(v.vpc), CidrBlock: str(subnet)})
		if err == nil {
			v.subnet = *out.Subnet.SubnetId
		}
		return err
	})
	s.step(name+" group", func() error {
		out, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: str(name), Description: str(name), VpcId: str(v.vpc)})
		if err == nil {
			v.group = *out.GroupId
		}
		return err
	})
	if len(ingress) > 0 {
		s.step(name+" ingress", func() error {
			_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: str(v.group), IpPermissions: ingress})
			return err
		})
	}
	s.step(name+" instance", func() error {
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: str("ami-12345678"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: awssdk.Int32(1), MaxCount: awssdk.Int32(1),
			SubnetId: str(v.subnet), SecurityGroupIds: []string{v.group}, PrivateIpAddress: str(ip),
			TagSpecifications: tags(name, ec2types.ResourceTypeInstance),
		})
		if err == nil && (len(out.Instances) != 1 || len(out.Instances[0].NetworkInterfaces) == 0) {
			err = fmt.Errorf("the instance has no network interface")
		}
		if err == nil {
			v.eni = *out.Instances[0].NetworkInterfaces[0].NetworkInterfaceId
			v.instance = *out.Instances[0].InstanceId
		}
		return err
	})
	s.step(name+" main route table", func() error {
		out, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{
			{Name: str("vpc-id"), Values: []string{v.vpc}}, {Name: str("association.main"), Values: []string{"true"}}}})
		if err == nil && len(out.RouteTables) != 1 {
			err = fmt.Errorf("%d main route tables", len(out.RouteTables))
		}
		if err == nil {
			v.rtb = *out.RouteTables[0].RouteTableId
		}
		return err
	})
	return v, s.err
}

func (v *orgVPC) route(ctx context.Context, cidr, pcx string) error {
	_, err := v.c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: str(v.rtb), DestinationCidrBlock: str(cidr), VpcPeeringConnectionId: str(pcx)})
	return err
}

func ingressFrom(proto string, from, to int32, cidr string) []ec2types.IpPermission {
	return []ec2types.IpPermission{{IpProtocol: str(proto), FromPort: awssdk.Int32(from), ToPort: awssdk.Int32(to), IpRanges: []ec2types.IpRange{{CidrIp: str(cidr)}}}}
}

// peer requests a peering from requester to accepter and accepts it.
func peer(ctx context.Context, requester, accepter *orgVPC, accepterAccount, accepterRegion string) (string, error) {
	in := &ec2.CreateVpcPeeringConnectionInput{VpcId: str(requester.vpc), PeerVpcId: str(accepter.vpc), PeerOwnerId: str(accepterAccount)}
	if accepterRegion != "" {
		in.PeerRegion = str(accepterRegion)
	}
	out, err := requester.c.CreateVpcPeeringConnection(ctx, in)
	if err != nil {
		return "", err
	}
	id := *out.VpcPeeringConnection.VpcPeeringConnectionId
	if _, err := accepter.c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: str(id)}); err != nil {
		return "", err
	}
	return id, nil
}

// SeedOrganization creates the organisation described at OrgTopology in
// moto at endpoint.
func SeedOrganization(ctx context.Context, endpoint string) (*OrgTopology, error) {
	work, err := AccountClients(ctx, endpoint, WorkloadAccount, Region)
	if err != nil {
		return nil, err
	}
	data, err := AccountClients(ctx, endpoint, DataAccount, Region)
	if err != nil {
		return nil, err
	}
	dataWest, err := AccountClients(ctx, endpoint, DataAccount, SecondRegion)
	if err != nil {
		return nil, err
	}
	locked, err := AccountClients(ctx, endpoint, LockedAccount, Region)
	if err != nil {
		return nil, err
	}
	t := &OrgTopology{AppIP: "10.10.1.10", DBIP: "10.20.1.20", WebIP: "10.30.1.30", LockedIP: "10.40.1.40"}
	app, err := seedOrgVPC(ctx, work.EC2, "workload-app", "10.10.0.0/16", "10.10.1.0/24", t.AppIP, nil)
	if err != nil {
		return nil, err
	}
	db, err := seedOrgVPC(ctx, data.EC2, "data-db", "10.20.0.0/16", "10.20.1.0/24", t.DBIP, ingressFrom("tcp", 5432, 5432, "10.10.0.0/16"))
	if err != nil {
		return nil, err
	}
	web, err := seedOrgVPC(ctx, dataWest.EC2, "data-web", "10.30.0.0/16", "10.30.1.0/24", t.WebIP, ingressFrom("tcp", 443, 443, "10.20.0.0/16"))
	if err != nil {
		return nil, err
	}
	hidden, err := seedOrgVPC(ctx, locked.EC2, "locked", "10.40.0.0/16", "10.40.1.0/24", t.LockedIP, ingressFrom("-1", 0, 0, "10.10.0.0/16"))
	if err != nil {
		return nil, err
	}
	t.AppENI, t.DBENI, t.WebENI = app.eni, db.eni, web.eni
	if t.PeeringWorkloadData, err = peer(ctx, app, db, DataAccount, ""); err != nil {
		return nil, fmt.Errorf("seed the workload-data peering: %w", err)
	}
	if t.PeeringDataRegions, err = peer(ctx, db, web, DataAccount, SecondRegion); err != nil {
		return nil, fmt.Errorf("seed the inter-Region peering: %w", err)
	}
	if t.PeeringLocked, err = peer(ctx, app, hidden, LockedAccount, ""); err != nil {
		return nil, fmt.Errorf("seed the locked account's peering: %w", err)
	}
	for _, r := range []struct {
		v         *orgVPC
		cidr, pcx string
	}{
		{app, "10.20.0.0/16", t.PeeringWorkloadData},
		{app, "10.40.0.0/16", t.PeeringLocked},
		{db, "10.10.0.0/16", t.PeeringWorkloadData},
		{db, "10.30.0.0/16", t.PeeringDataRegions},
		{web, "10.20.0.0/16", t.PeeringDataRegions},
		{hidden, "10.10.0.0/16", t.PeeringLocked},
	} {
		if err := r.v.route(ctx, r.cidr, r.pcx); err != nil {
			return nil, fmt.Errorf("seed a route to %s: %w", r.cidr, err)
		}
	}
	return t, nil
}

// SeedAccountVPC gives account one VPC in region (cidr, a /16) with a
// subnet, a security group and an instance: the small topology of the
// load-cost benchmark across many accounts. It returns the instance's
// interface.
func SeedAccountVPC(ctx context.Context, endpoint, account, region, cidr string) (string, error) {
	c, err := AccountClients(ctx, endpoint, account, region)
	if err != nil {
		return "", err
	}
	prefix := strings.TrimSuffix(cidr, ".0.0/16")
	v, err := seedOrgVPC(ctx, c.EC2, "bench-"+account, cidr, prefix+".1.0/24", prefix+".1.10", ingressFrom("tcp", 443, 443, "10.0.0.0/8"))
	if err != nil {
		return "", err
	}
	return v.eni, nil
}
