package awstest

import (
	"context"
	"fmt"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	resolvertypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/reachnet/reach/aws/inventory"
)

// Topology holds the IDs of a seeded account, so tests can assert on them.
//
// VPC A (10.0.0.0/16, IPv6, DNS hostnames on, own DHCP options, flow log)
// has a public subnet routed to an internet gateway, an egress-only
// gateway, a peering to B, the transit gateway (itself peered with a
// second one), a virtual private gateway with a VPN connection and a
// managed prefix list; and a private subnet with its own NACL,
// routed to a NAT gateway, an appliance ENI, an instance and an S3 gateway
// endpoint. VPC B (10.1.0.0/16) is peered with A; VPC C (10.2.0.0/16)
// reaches A through the transit gateway, and routes to a carrier gateway
// and a Gateway Load Balancer endpoint. A private hosted zone names the
// instances, and Route 53 Resolver forwards corp.internal.
type Topology struct {
	VPCA, VPCB, VPCC                            string
	SubnetAPublic, SubnetAPrivate               string
	SubnetB, SubnetC                            string
	IGW, EIGW, NAT, VGW, PCX                    string
	CustomerGateway, VPNConnection              string
	TGWPeer, TGWPeering                         string
	EIPAllocation, EIPPublic                    string
	NATAllocation                               string
	TGW, TGWAttachA, TGWAttachC, TGWRouteTable  string
	RTBPublic, RTBPrivate, RTBMainB, RTBMainC   string
	NACLPrivate                                 string
	SGWeb, SGApp, SGDB, SGC                     string
	PrefixList                                  string
	ENIAppliance                                string
	InstanceWeb, InstanceApp, InstanceDB        string
	InstanceC                                   string
	ENIWeb, ENIApp, ENIDB, ENIC                 string
	EndpointS3, EndpointInterface, EndpointGWLB string
	CarrierGateway                              string
	DHCPOptions, FlowLog                        string
	HostedZone                                  string
	ResolverOutbound, ResolverInbound           string
	ResolverRule, ResolverRuleAssociation       string
	WebIP, AppIP, DBIP, CIP, ApplianceIP        string
	ResolverOutboundIPs, ResolverInboundIPs     []string
	HostedZoneName, ForwardDomain, DBRecordName string
	LoadBalancer, Listener, TargetGroup         string
	ALB, ALBListener, ALBTargetGroup, ALBRule   string
	ENILoadBalancer, LoadBalancerIP             string
	DBInstance                                  string
	DBCluster, DBClusterWriter                  string
}

// Clients holds unguarded SDK clients for seeding (the loader's clients
// refuse every write).
type Clients struct {
	EC2      *ec2.Client
	Route53  *route53.Client
	Resolver *route53resolver.Client
	ELB      *elasticloadbalancingv2.Client
	RDS      *rds.Client
}

// NewClients builds seeding clients for endpoint.
func NewClients(endpoint string) Clients {
	cfg := Config(endpoint)
	return Clients{
		EC2:      ec2.NewFromConfig(cfg),
		Route53:  route53.NewFromConfig(cfg),
		Resolver: route53resolver.NewFromConfig(cfg),
		ELB:      elasticloadbalancingv2.NewFromConfig(cfg),
		RDS:      rds.NewFromConfig(cfg),
	}
}

// seeder runs seeding steps and stops at the first error, naming the step.
type seeder struct {
	ctx context.Context
	c   Clients
	err error
}

func (s *seeder) step(name string, fn func() error) {
	if s.err != nil {
		return
	}
	if err := fn(); err != nil {
		s.err = fmt.Errorf("seed %s: %w", name, err)
	}
}

func tags(name string, t ec2types.ResourceType) []ec2types.TagSpecification {
	return []ec2types.TagSpecification{{ResourceType: t, Tags: []ec2types.Tag{{Key: awssdk.String("Name"), Value: awssdk.String(name)}}}}
}

func str(s string) *string { return awssdk.String(s) }

// SeedFull creates the topology described at Topology through the SDK.
func SeedFull(ctx context.Context, c Clients) (*Topology, error) {
	s := &seeder{ctx: ctx, c: c}
	t := &Topology{HostedZoneName: "internal.example.com", ForwardDomain: "corp.internal", DBRecordName: "db.internal.example.com"}
	e := c.EC2

	vpc := func(name, cidr string, ipv6 bool, out *string) {
		s.step("vpc "+name, func() error {
			o, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: str(cidr), AmazonProvidedIpv6CidrBlock: awssdk.Bool(ipv6), TagSpecifications: tags(name, ec2types.ResourceTypeVpc)})
			if err != nil {
				return err
			}
			*out = *o.Vpc.VpcId
			return nil
		})
	}
	vpc("vpc-a", "10.0.0.0/16", true, &t.VPCA)
	vpc("vpc-b", "10.1.0.0/16", false, &t.VPCB)
	vpc("vpc-c", "10.2.0.0/16", false, &t.VPCC)
	s.step("dns hostnames", func() error {
		_, err := e.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: str(t.VPCA), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: awssdk.Bool(true)}})
		return err
	})

	subnet := func(name, vpcID, cidr, az string, out *string) {
		s.step("subnet "+name, func() error {
			o, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: str(vpcID), CidrBlock: str(cidr), AvailabilityZone: str(az), TagSpecifications: tags(name, ec2types.ResourceTypeSubnet)})
			if err != nil {
				return err
			}
			*out = *o.Subnet.SubnetId
			return nil
		})
	}
	subnet("a-public", t.VPCA, "10.0.1.0/24", "us-east-1a", &t.SubnetAPublic)
	subnet("a-private", t.VPCA, "10.0.2.0/24", "us-east-1b", &t.SubnetAPrivate)
	subnet("b-app", t.VPCB, "10.1.1.0/24", "us-east-1a", &t.SubnetB)
	subnet("c-app", t.VPCC, "10.2.1.0/24", "us-east-1a", &t.SubnetC)

	s.step("dhcp options", func() error {
		o, err := e.CreateDhcpOptions(ctx, &ec2.CreateDhcpOptionsInput{DhcpConfigurations: []ec2types.NewDhcpConfiguration{
			{Key: str("domain-name"), Values: []string{"example.internal"}},
			{Key: str("domain-name-servers"), Values: []string{"AmazonProvidedDNS"}},
		}})
		if err != nil {
			return err
		}
		t.DHCPOptions = *o.DhcpOptions.DhcpOptionsId
		_, err = e.AssociateDhcpOptions(ctx, &ec2.AssociateDhcpOptionsInput{DhcpOptionsId: str(t.DHCPOptions), VpcId: str(t.VPCA)})
		return err
	})

	// Gateways.
	s.step("internet gateway", func() error {
		o, err := e.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{TagSpecifications: tags("igw-a", ec2types.ResourceTypeInternetGateway)})
		if err != nil {
			return err
		}
		t.IGW = *o.InternetGateway.InternetGatewayId
		_, err = e.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: str(t.IGW), VpcId: str(t.VPCA)})
		return err
	})
	s.step("egress-only internet gateway", func() error {
		o, err := e.CreateEgressOnlyInternetGateway(ctx, &ec2.CreateEgressOnlyInternetGatewayInput{VpcId: str(t.VPCA)})
		if err != nil {
			return err
		}
		t.EIGW = *o.EgressOnlyInternetGateway.EgressOnlyInternetGatewayId
		return nil
	})
	s.step("nat gateway", func() error {
		a, err := e.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
		if err != nil {
			return err
		}
		t.NATAllocation = *a.AllocationId
		o, err := e.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: str(t.SubnetAPublic), AllocationId: a.AllocationId, TagSpecifications: tags("nat-a", ec2types.ResourceTypeNatgateway)})
		if err != nil {
			return err
		}
		t.NAT = *o.NatGateway.NatGatewayId
		return nil
	})
	s.step("vpn gateway", func() error {
		o, err := e.CreateVpnGateway(ctx, &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1})
		if err != nil {
			return err
		}
		t.VGW = *o.VpnGateway.VpnGatewayId
		_, err = e.AttachVpnGateway(ctx, &ec2.AttachVpnGatewayInput{VpnGatewayId: str(t.VGW), VpcId: str(t.VPCA)})
		return err
	})
	s.step("vpn connection", func() error {
		cg, err := e.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{Type: ec2types.GatewayTypeIpsec1, PublicIp: str("203.0.113.10"), BgpAsn: awssdk.Int32(65000)})
		if err != nil {
			return err
		}
		t.CustomerGateway = *cg.CustomerGateway.CustomerGatewayId
		o, err := e.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{Type: str("ipsec.1"), CustomerGatewayId: str(t.CustomerGateway), VpnGatewayId: str(t.VGW),
			Options: &ec2types.VpnConnectionOptionsSpecification{StaticRoutesOnly: awssdk.Bool(true)}})
		if err != nil {
			return err
		}
		t.VPNConnection = *o.VpnConnection.VpnConnectionId
		return nil
	})
	s.step("peering", func() error {
		o, err := e.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: str(t.VPCA), PeerVpcId: str(t.VPCB)})
		if err != nil {
			return err
		}
		t.PCX = *o.VpcPeeringConnection.VpcPeeringConnectionId
		_, err = e.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: str(t.PCX)})
		return err
	})
	s.step("transit gateway", func() error {
		o, err := e.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{Description: str("core")})
		if err != nil {
			return err
		}
		t.TGW = *o.TransitGateway.TransitGatewayId
		if o.TransitGateway.Options != nil {
			t.TGWRouteTable = awssdk.ToString(o.TransitGateway.Options.AssociationDefaultRouteTableId)
		}
		for _, a := range []struct {
			vpc, subnet string
			out         *string
		}{{t.VPCA, t.SubnetAPrivate, &t.TGWAttachA}, {t.VPCC, t.SubnetC, &t.TGWAttachC}} {
			at, err := e.CreateTransitGatewayVpcAttachment(ctx, &ec2.CreateTransitGatewayVpcAttachmentInput{TransitGatewayId: str(t.TGW), VpcId: str(a.vpc), SubnetIds: []string{a.subnet}})
			if err != nil {
				return err
			}
			*a.out = *at.TransitGatewayVpcAttachment.TransitGatewayAttachmentId
		}
		if t.TGWRouteTable == "" {
			rt, err := e.CreateTransitGatewayRouteTable(ctx, &ec2.CreateTransitGatewayRouteTableInput{TransitGatewayId: str(t.TGW)})
			if err != nil {
				return err
			}
			t.TGWRouteTable = *rt.TransitGatewayRouteTable.TransitGatewayRouteTableId
		}
		for _, att := range []string{t.TGWAttachA, t.TGWAttachC} {
			if _, err := e.EnableTransitGatewayRouteTablePropagation(ctx, &ec2.EnableTransitGatewayRouteTablePropagationInput{
				TransitGatewayRouteTableId: str(t.TGWRouteTable), TransitGatewayAttachmentId: str(att)}); err != nil {
				return err
			}
		}
		_, err = e.CreateTransitGatewayRoute(ctx, &ec2.CreateTransitGatewayRouteInput{
			TransitGatewayRouteTableId: str(t.TGWRouteTable), DestinationCidrBlock: str("10.2.0.0/16"), TransitGatewayAttachmentId: str(t.TGWAttachC)})
		if err != nil {
			return err
		}
		_, err = e.CreateTransitGatewayRoute(ctx, &ec2.CreateTransitGatewayRouteInput{
			TransitGatewayRouteTableId: str(t.TGWRouteTable), DestinationCidrBlock: str("10.99.0.0/16"), Blackhole: awssdk.Bool(true)})
		if err != nil {
			return err
		}
		// A second transit gateway, peered with the first.
		peer, err := e.CreateTransitGateway(ctx, &ec2.CreateTransitGatewayInput{Description: str("disaster recovery")})
		if err != nil {
			return err
		}
		t.TGWPeer = *peer.TransitGateway.TransitGatewayId
		pa, err := e.CreateTransitGatewayPeeringAttachment(ctx, &ec2.CreateTransitGatewayPeeringAttachmentInput{TransitGatewayId: str(t.TGW),
			PeerTransitGatewayId: str(t.TGWPeer), PeerAccountId: str("123456789012"), PeerRegion: str(Region)})
		if err != nil {
			return err
		}
		t.TGWPeering = *pa.TransitGatewayPeeringAttachment.TransitGatewayAttachmentId
		_, err = e.AcceptTransitGatewayPeeringAttachment(ctx, &ec2.AcceptTransitGatewayPeeringAttachmentInput{TransitGatewayAttachmentId: str(t.TGWPeering)})
		return err
	})
	s.step("managed prefix list", func() error {
		o, err := e.CreateManagedPrefixList(ctx, &ec2.CreateManagedPrefixListInput{
			PrefixListName: str("corp-offices"), AddressFamily: str("IPv4"), MaxEntries: awssdk.Int32(10),
			Entries: []ec2types.AddPrefixListEntry{{Cidr: str("172.16.0.0/12"), Description: str("offices")}, {Cidr: str("198.51.100.0/24"), Description: str("vpn users")}},
		})
		if err != nil {
			return err
		}
		t.PrefixList = *o.PrefixList.PrefixListId
		return nil
	})

	// Security groups: web is open on 443 and to the office prefix list;
	// app takes 8080 from web; db (VPC B) takes 5432 from A's private
	// subnet and from app across the peering.
	sg := func(name, vpcID string, out *string) {
		s.step("security group "+name, func() error {
			o, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: str(name), Description: str(name + " tier"), VpcId: str(vpcID)})
			if err != nil {
				return err
			}
			*out = *o.GroupId
			return nil
		})
	}
	sg("web", t.VPCA, &t.SGWeb)
	sg("app", t.VPCA, &t.SGApp)
	sg("db", t.VPCB, &t.SGDB)
	sg("c", t.VPCC, &t.SGC)
	ingress := func(group string, perms ...ec2types.IpPermission) {
		s.step("ingress "+group, func() error {
			_, err := e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: str(group), IpPermissions: perms})
			return err
		})
	}
	tcp := func(from, to int32) ec2types.IpPermission {
		return ec2types.IpPermission{IpProtocol: str("tcp"), FromPort: awssdk.Int32(from), ToPort: awssdk.Int32(to)}
	}
	withCIDR := func(p ec2types.IpPermission, cidr string) ec2types.IpPermission {
		p.IpRanges = []ec2types.IpRange{{CidrIp: str(cidr), Description: str("from " + cidr)}}
		return p
	}
	withGroup := func(p ec2types.IpPermission, group string) ec2types.IpPermission {
		p.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupId: str(group)}}
		return p
	}
	withPL := func(p ec2types.IpPermission, pl string) ec2types.IpPermission {
		p.PrefixListIds = []ec2types.PrefixListId{{PrefixListId: str(pl)}}
		return p
	}
	ingress(t.SGWeb, withCIDR(tcp(443, 443), "0.0.0.0/0"))
	ingress(t.SGWeb, withPL(tcp(22, 22), t.PrefixList))
	ingress(t.SGApp, withGroup(tcp(8080, 8080), t.SGWeb))
	ingress(t.SGDB, withCIDR(tcp(5432, 5432), "10.0.2.0/24"))
	ingress(t.SGDB, withGroup(tcp(5433, 5433), t.SGApp))
	ingress(t.SGC, withCIDR(ec2types.IpPermission{IpProtocol: str("icmp"), FromPort: awssdk.Int32(8), ToPort: awssdk.Int32(-1)}, "10.0.0.0/16"))

	// Instances and ENIs, at fixed addresses.
	t.WebIP, t.AppIP, t.DBIP, t.CIP, t.ApplianceIP = "10.0.1.10", "10.0.2.10", "10.1.1.10", "10.2.1.10", "10.0.2.50"
	instance := func(name, subnet, sg, ip, ami string, out, eni *string) {
		s.step("instance "+name, func() error {
			o, err := e.RunInstances(ctx, &ec2.RunInstancesInput{
				ImageId: str(ami), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: awssdk.Int32(1), MaxCount: awssdk.Int32(1),
				SubnetId: str(subnet), SecurityGroupIds: []string{sg}, PrivateIpAddress: str(ip),
				TagSpecifications: tags(name, ec2types.ResourceTypeInstance),
			})
			if err != nil {
				return err
			}
			in := o.Instances[0]
			*out = *in.InstanceId
			if len(in.NetworkInterfaces) == 0 {
				return fmt.Errorf("instance %s has no network interface", *out)
			}
			*eni = *in.NetworkInterfaces[0].NetworkInterfaceId
			return nil
		})
	}
	instance("web", t.SubnetAPublic, t.SGWeb, t.WebIP, "ami-12345678", &t.InstanceWeb, &t.ENIWeb)
	instance("app", t.SubnetAPrivate, t.SGApp, t.AppIP, "ami-12345678", &t.InstanceApp, &t.ENIApp)
	// A Windows image: its platform decides the client's ephemeral ports.
	instance("db", t.SubnetB, t.SGDB, t.DBIP, "ami-03cf127a", &t.InstanceDB, &t.ENIDB)
	instance("c", t.SubnetC, t.SGC, t.CIP, "ami-12345678", &t.InstanceC, &t.ENIC)
	s.step("elastic ip", func() error {
		a, err := e.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: ec2types.DomainTypeVpc})
		if err != nil {
			return err
		}
		t.EIPAllocation, t.EIPPublic = *a.AllocationId, *a.PublicIp
		_, err = e.AssociateAddress(ctx, &ec2.AssociateAddressInput{AllocationId: a.AllocationId, InstanceId: str(t.InstanceWeb)})
		return err
	})
	s.step("appliance eni", func() error {
		o, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: str(t.SubnetAPrivate), Groups: []string{t.SGApp}, PrivateIpAddress: str(t.ApplianceIP), Description: str("firewall appliance")})
		if err != nil {
			return err
		}
		t.ENIAppliance = *o.NetworkInterface.NetworkInterfaceId
		_, err = e.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: str(t.ENIAppliance), SourceDestCheck: &ec2types.AttributeBooleanValue{Value: awssdk.Bool(false)}})
		return err
	})

	// Route tables: one target of each kind moto supports.
	rtb := func(name, vpcID, subnet string, out *string) {
		s.step("route table "+name, func() error {
			o, err := e.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: str(vpcID), TagSpecifications: tags(name, ec2types.ResourceTypeRouteTable)})
			if err != nil {
				return err
			}
			*out = *o.RouteTable.RouteTableId
			_, err = e.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: out, SubnetId: str(subnet)})
			return err
		})
	}
	rtb("a-public", t.VPCA, t.SubnetAPublic, &t.RTBPublic)
	rtb("a-private", t.VPCA, t.SubnetAPrivate, &t.RTBPrivate)
	route := func(name string, in ec2.CreateRouteInput) {
		s.step("route "+name, func() error {
			_, err := e.CreateRoute(ctx, &in)
			return err
		})
	}
	route("public default", ec2.CreateRouteInput{RouteTableId: &t.RTBPublic, DestinationCidrBlock: str("0.0.0.0/0"), GatewayId: &t.IGW})
	route("public ipv6 default", ec2.CreateRouteInput{RouteTableId: &t.RTBPublic, DestinationIpv6CidrBlock: str("::/0"), EgressOnlyInternetGatewayId: &t.EIGW})
	route("public to b", ec2.CreateRouteInput{RouteTableId: &t.RTBPublic, DestinationCidrBlock: str("10.1.0.0/16"), VpcPeeringConnectionId: &t.PCX})
	route("public to c", ec2.CreateRouteInput{RouteTableId: &t.RTBPublic, DestinationCidrBlock: str("10.2.0.0/16"), TransitGatewayId: &t.TGW})
	route("public to on-premises", ec2.CreateRouteInput{RouteTableId: &t.RTBPublic, DestinationCidrBlock: str("192.168.0.0/16"), GatewayId: &t.VGW})
	route("public to offices", ec2.CreateRouteInput{RouteTableId: &t.RTBPublic, DestinationPrefixListId: &t.PrefixList, GatewayId: &t.VGW})
	route("private default", ec2.CreateRouteInput{RouteTableId: &t.RTBPrivate, DestinationCidrBlock: str("0.0.0.0/0"), NatGatewayId: &t.NAT})
	route("private to b", ec2.CreateRouteInput{RouteTableId: &t.RTBPrivate, DestinationCidrBlock: str("10.1.0.0/16"), VpcPeeringConnectionId: &t.PCX})
	route("private to c", ec2.CreateRouteInput{RouteTableId: &t.RTBPrivate, DestinationCidrBlock: str("10.2.0.0/16"), TransitGatewayId: &t.TGW})
	route("private to appliance", ec2.CreateRouteInput{RouteTableId: &t.RTBPrivate, DestinationCidrBlock: str("10.50.0.0/16"), NetworkInterfaceId: &t.ENIAppliance})
	route("private to instance", ec2.CreateRouteInput{RouteTableId: &t.RTBPrivate, DestinationCidrBlock: str("10.60.0.0/16"), InstanceId: &t.InstanceWeb})
	mainOf := func(vpcID string, out *string) {
		s.step("main route table of "+vpcID, func() error {
			o, err := e.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{
				{Name: str("vpc-id"), Values: []string{vpcID}}, {Name: str("association.main"), Values: []string{"true"}}}})
			if err != nil {
				return err
			}
			if len(o.RouteTables) != 1 {
				return fmt.Errorf("%d main route tables", len(o.RouteTables))
			}
			*out = *o.RouteTables[0].RouteTableId
			return nil
		})
	}
	mainOf(t.VPCB, &t.RTBMainB)
	mainOf(t.VPCC, &t.RTBMainC)
	route("b to a", ec2.CreateRouteInput{RouteTableId: &t.RTBMainB, DestinationCidrBlock: str("10.0.0.0/16"), VpcPeeringConnectionId: &t.PCX})
	route("c to a", ec2.CreateRouteInput{RouteTableId: &t.RTBMainC, DestinationCidrBlock: str("10.0.0.0/16"), TransitGatewayId: &t.TGW})
	s.step("carrier gateway", func() error {
		o, err := e.CreateCarrierGateway(ctx, &ec2.CreateCarrierGatewayInput{VpcId: str(t.VPCC)})
		if err != nil {
			return err
		}
		t.CarrierGateway = *o.CarrierGateway.CarrierGatewayId
		return nil
	})
	route("c to the carrier", ec2.CreateRouteInput{RouteTableId: &t.RTBMainC, DestinationCidrBlock: str("10.70.0.0/16"), CarrierGatewayId: &t.CarrierGateway})
	s.step("gateway load balancer endpoint", func() error {
		o, err := e.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: str(t.VPCC), VpcEndpointType: ec2types.VpcEndpointTypeGatewayLoadBalancer,
			ServiceName: str("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"), SubnetIds: []string{t.SubnetC}})
		if err != nil {
			return err
		}
		t.EndpointGWLB = *o.VpcEndpoint.VpcEndpointId
		return nil
	})
	route("c to the inspection endpoint", ec2.CreateRouteInput{RouteTableId: &t.RTBMainC, DestinationCidrBlock: str("10.80.0.0/16"), VpcEndpointId: &t.EndpointGWLB})

	// A custom NACL on the private subnet: HTTPS and the app port in,
	// ephemeral ports out, SSH denied before the allow-all.
	s.step("network acl", func() error {
		o, err := e.CreateNetworkAcl(ctx, &ec2.CreateNetworkAclInput{VpcId: str(t.VPCA), TagSpecifications: tags("a-private", ec2types.ResourceTypeNetworkAcl)})
		if err != nil {
			return err
		}
		t.NACLPrivate = *o.NetworkAcl.NetworkAclId
		entries := []ec2.CreateNetworkAclEntryInput{
			{RuleNumber: awssdk.Int32(90), Protocol: str("6"), RuleAction: ec2types.RuleActionDeny, Egress: awssdk.Bool(false), CidrBlock: str("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: awssdk.Int32(22), To: awssdk.Int32(22)}},
			{RuleNumber: awssdk.Int32(100), Protocol: str("6"), RuleAction: ec2types.RuleActionAllow, Egress: awssdk.Bool(false), CidrBlock: str("10.0.0.0/8"), PortRange: &ec2types.PortRange{From: awssdk.Int32(8080), To: awssdk.Int32(8080)}},
			{RuleNumber: awssdk.Int32(110), Protocol: str("6"), RuleAction: ec2types.RuleActionAllow, Egress: awssdk.Bool(false), CidrBlock: str("0.0.0.0/0"), PortRange: &ec2types.PortRange{From: awssdk.Int32(1024), To: awssdk.Int32(65535)}},
			{RuleNumber: awssdk.Int32(120), Protocol: str("1"), RuleAction: ec2types.RuleActionAllow, Egress: awssdk.Bool(false), CidrBlock: str("10.0.0.0/8"), IcmpTypeCode: &ec2types.IcmpTypeCode{Type: awssdk.Int32(-1), Code: awssdk.Int32(-1)}},
			{RuleNumber: awssdk.Int32(100), Protocol: str("-1"), RuleAction: ec2types.RuleActionAllow, Egress: awssdk.Bool(true), CidrBlock: str("0.0.0.0/0")},
		}
		for _, en := range entries {
			en.NetworkAclId = o.NetworkAcl.NetworkAclId
			if _, err := e.CreateNetworkAclEntry(ctx, &en); err != nil {
				return err
			}
		}
		cur, err := e.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []ec2types.Filter{{Name: str("association.subnet-id"), Values: []string{t.SubnetAPrivate}}}})
		if err != nil {
			return err
		}
		for _, acl := range cur.NetworkAcls {
			for _, a := range acl.Associations {
				if awssdk.ToString(a.SubnetId) == t.SubnetAPrivate {
					_, err := e.ReplaceNetworkAclAssociation(ctx, &ec2.ReplaceNetworkAclAssociationInput{AssociationId: a.NetworkAclAssociationId, NetworkAclId: str(t.NACLPrivate)})
					return err
				}
			}
		}
		return fmt.Errorf("no NACL association for %s", t.SubnetAPrivate)
	})

	// Endpoints.
	s.step("gateway endpoint", func() error {
		o, err := e.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: str(t.VPCA), ServiceName: str("com.amazonaws.us-east-1.s3"),
			VpcEndpointType: ec2types.VpcEndpointTypeGateway, RouteTableIds: []string{t.RTBPrivate}})
		if err != nil {
			return err
		}
		t.EndpointS3 = *o.VpcEndpoint.VpcEndpointId
		return nil
	})
	s.step("interface endpoint", func() error {
		o, err := e.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: str(t.VPCA), ServiceName: str("com.amazonaws.us-east-1.sts"),
			VpcEndpointType: ec2types.VpcEndpointTypeInterface, SubnetIds: []string{t.SubnetAPrivate}, SecurityGroupIds: []string{t.SGApp}, PrivateDnsEnabled: awssdk.Bool(true)})
		if err != nil {
			return err
		}
		t.EndpointInterface = *o.VpcEndpoint.VpcEndpointId
		return nil
	})
	s.step("flow log", func() error {
		o, err := e.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{t.VPCA}, ResourceType: ec2types.FlowLogsResourceTypeVpc,
			TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs, LogGroupName: str("/vpc/flow-logs/a"),
			DeliverLogsPermissionArn: str("arn:aws:iam::123456789012:role/flow-logs")})
		if err != nil {
			return err
		}
		if len(o.FlowLogIds) != 1 {
			return fmt.Errorf("%d flow logs created: %v", len(o.FlowLogIds), o.Unsuccessful)
		}
		t.FlowLog = o.FlowLogIds[0]
		return nil
	})

	// Route 53: a private zone for A and B.
	s.step("hosted zone", func() error {
		o, err := c.Route53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: str(t.HostedZoneName), CallerReference: str("reach-test"),
			VPC:              &r53types.VPC{VPCId: str(t.VPCA), VPCRegion: r53types.VPCRegionUsEast1},
			HostedZoneConfig: &r53types.HostedZoneConfig{PrivateZone: true, Comment: str("service discovery")}})
		if err != nil {
			return err
		}
		t.HostedZone = inventory.HostedZoneID(*o.HostedZone.Id)
		if _, err := c.Route53.AssociateVPCWithHostedZone(ctx, &route53.AssociateVPCWithHostedZoneInput{HostedZoneId: str(t.HostedZone),
			VPC: &r53types.VPC{VPCId: str(t.VPCB), VPCRegion: r53types.VPCRegionUsEast1}}); err != nil {
			return err
		}
		rr := func(name string, typ r53types.RRType, value string) r53types.Change {
			return r53types.Change{Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
				Name: str(name), Type: typ, TTL: awssdk.Int64(60), ResourceRecords: []r53types.ResourceRecord{{Value: str(value)}}}}
		}
		_, err = c.Route53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: str(t.HostedZone), ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{
			rr(t.DBRecordName, r53types.RRTypeA, t.DBIP),
			rr("app.internal.example.com", r53types.RRTypeA, t.AppIP),
			rr("api.internal.example.com", r53types.RRTypeCname, "app.internal.example.com"),
		}}})
		return err
	})

	// Route 53 Resolver: outbound endpoint, a forwarding rule for the
	// offices' domain associated with A, and an inbound endpoint.
	endpoint := func(name string, dir resolvertypes.ResolverEndpointDirection, ips []string, out *string) {
		s.step("resolver endpoint "+name, func() error {
			var req []resolvertypes.IpAddressRequest
			for _, ip := range ips {
				sub := t.SubnetAPrivate
				if strings.HasPrefix(ip, "10.0.1.") {
					sub = t.SubnetAPublic
				}
				req = append(req, resolvertypes.IpAddressRequest{SubnetId: str(sub), Ip: str(ip)})
			}
			o, err := c.Resolver.CreateResolverEndpoint(ctx, &route53resolver.CreateResolverEndpointInput{CreatorRequestId: str(name), Name: str(name),
				Direction: dir, SecurityGroupIds: []string{t.SGApp}, IpAddresses: req})
			if err != nil {
				return err
			}
			*out = *o.ResolverEndpoint.Id
			return nil
		})
	}
	t.ResolverOutboundIPs, t.ResolverInboundIPs = []string{"10.0.1.53", "10.0.2.53"}, []string{"10.0.1.54", "10.0.2.54"}
	endpoint("outbound", resolvertypes.ResolverEndpointDirectionOutbound, t.ResolverOutboundIPs, &t.ResolverOutbound)
	endpoint("inbound", resolvertypes.ResolverEndpointDirectionInbound, t.ResolverInboundIPs, &t.ResolverInbound)
	s.step("resolver rule", func() error {
		o, err := c.Resolver.CreateResolverRule(ctx, &route53resolver.CreateResolverRuleInput{CreatorRequestId: str("forward-corp"), Name: str("forward-corp"),
			RuleType: resolvertypes.RuleTypeOptionForward, DomainName: str(t.ForwardDomain), ResolverEndpointId: str(t.ResolverOutbound),
			TargetIps: []resolvertypes.TargetAddress{{Ip: str("192.168.0.53"), Port: awssdk.Int32(53)}}})
		if err != nil {
			return err
		}
		t.ResolverRule = *o.ResolverRule.Id
		a, err := c.Resolver.AssociateResolverRule(ctx, &route53resolver.AssociateResolverRuleInput{ResolverRuleId: str(t.ResolverRule), VPCId: str(t.VPCA), Name: str("a")})
		if err != nil {
			return err
		}
		t.ResolverRuleAssociation = *a.ResolverRuleAssociation.Id
		return nil
	})
	s.step("load balancer", func() error {
		lb, err := c.ELB.CreateLoadBalancer(ctx, &elasticloadbalancingv2.CreateLoadBalancerInput{Name: str("api"), Type: elbtypes.LoadBalancerTypeEnumNetwork,
			Scheme: elbtypes.LoadBalancerSchemeEnumInternal, Subnets: []string{t.SubnetAPrivate}})
		if err != nil {
			return err
		}
		t.LoadBalancer = *lb.LoadBalancers[0].LoadBalancerArn
		tg, err := c.ELB.CreateTargetGroup(ctx, &elasticloadbalancingv2.CreateTargetGroupInput{Name: str("app"), Protocol: elbtypes.ProtocolEnumTcp,
			Port: awssdk.Int32(8443), VpcId: str(t.VPCA), TargetType: elbtypes.TargetTypeEnumInstance})
		if err != nil {
			return err
		}
		t.TargetGroup = *tg.TargetGroups[0].TargetGroupArn
		if _, err := c.ELB.RegisterTargets(ctx, &elasticloadbalancingv2.RegisterTargetsInput{TargetGroupArn: str(t.TargetGroup),
			Targets: []elbtypes.TargetDescription{{Id: str(t.InstanceApp)}}}); err != nil {
			return err
		}
		l, err := c.ELB.CreateListener(ctx, &elasticloadbalancingv2.CreateListenerInput{LoadBalancerArn: str(t.LoadBalancer), Protocol: elbtypes.ProtocolEnumTcp,
			Port: awssdk.Int32(443), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: str(t.TargetGroup)}}})
		if err != nil {
			return err
		}
		t.Listener = *l.Listeners[0].ListenerArn
		// The emulator gives a load balancer no interface; the one ELB
		// would create carries the description that names it.
		_, path, _ := strings.Cut(t.LoadBalancer, ":loadbalancer/")
		t.LoadBalancerIP = "10.0.1.100"
		o, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: str(t.SubnetAPublic), Groups: []string{t.SGWeb},
			PrivateIpAddress: str(t.LoadBalancerIP), Description: str("ELB " + path)})
		if err != nil {
			return err
		}
		t.ENILoadBalancer = *o.NetworkInterface.NetworkInterfaceId
		return nil
	})
	s.step("application load balancer", func() error {
		// An Application Load Balancer's listener has rules beyond its
		// default action: one forwarding /api/* to its own group.
		lb, err := c.ELB.CreateLoadBalancer(ctx, &elasticloadbalancingv2.CreateLoadBalancerInput{Name: str("web"), Type: elbtypes.LoadBalancerTypeEnumApplication,
			Scheme: elbtypes.LoadBalancerSchemeEnumInternal, Subnets: []string{t.SubnetAPublic, t.SubnetAPrivate}, SecurityGroups: []string{t.SGWeb}})
		if err != nil {
			return err
		}
		t.ALB = *lb.LoadBalancers[0].LoadBalancerArn
		tg, err := c.ELB.CreateTargetGroup(ctx, &elasticloadbalancingv2.CreateTargetGroupInput{Name: str("web-api"), Protocol: elbtypes.ProtocolEnumHttp,
			Port: awssdk.Int32(8080), VpcId: str(t.VPCA), TargetType: elbtypes.TargetTypeEnumInstance})
		if err != nil {
			return err
		}
		t.ALBTargetGroup = *tg.TargetGroups[0].TargetGroupArn
		l, err := c.ELB.CreateListener(ctx, &elasticloadbalancingv2.CreateListenerInput{LoadBalancerArn: str(t.ALB), Protocol: elbtypes.ProtocolEnumHttp,
			Port: awssdk.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
				FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: str("404")}}}})
		if err != nil {
			return err
		}
		t.ALBListener = *l.Listeners[0].ListenerArn
		r, err := c.ELB.CreateRule(ctx, &elasticloadbalancingv2.CreateRuleInput{ListenerArn: str(t.ALBListener), Priority: awssdk.Int32(10),
			Conditions: []elbtypes.RuleCondition{{Field: str("path-pattern"), Values: []string{"/api/*"}}},
			Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: str(t.ALBTargetGroup)}}})
		if err != nil {
			return err
		}
		t.ALBRule = *r.Rules[0].RuleArn
		return nil
	})
	s.step("db instance", func() error {
		if _, err := c.RDS.CreateDBSubnetGroup(ctx, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: str("payments"), DBSubnetGroupDescription: str("payments"),
			SubnetIds: []string{t.SubnetAPublic, t.SubnetAPrivate}}); err != nil {
			return err
		}
		o, err := c.RDS.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: str("payments"), DBInstanceClass: str("db.t3.micro"),
			Engine: str("postgres"), AllocatedStorage: awssdk.Int32(20), MasterUsername: str("payments"), MasterUserPassword: str("not-a-secret-1"),
			DBSubnetGroupName: str("payments"), VpcSecurityGroupIds: []string{t.SGApp}, Port: awssdk.Int32(5432), PubliclyAccessible: awssdk.Bool(false)})
		if err != nil {
			return err
		}
		t.DBInstance = *o.DBInstance.DBInstanceIdentifier
		return nil
	})
	s.step("aurora cluster", func() error {
		cl, err := c.RDS.CreateDBCluster(ctx, &rds.CreateDBClusterInput{DBClusterIdentifier: str("orders"), Engine: str("aurora-postgresql"),
			MasterUsername: str("orders"), MasterUserPassword: str("not-a-secret-2"), DBSubnetGroupName: str("payments"), VpcSecurityGroupIds: []string{t.SGApp}})
		if err != nil {
			return err
		}
		t.DBCluster = *cl.DBCluster.DBClusterIdentifier
		o, err := c.RDS.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: str("orders-1"), DBInstanceClass: str("db.r6g.large"),
			Engine: str("aurora-postgresql"), DBClusterIdentifier: str(t.DBCluster)})
		if err != nil {
			return err
		}
		t.DBClusterWriter = *o.DBInstance.DBInstanceIdentifier
		return nil
	})
	if s.err != nil {
		return nil, s.err
	}
	return t, nil
}

// SeedENIs adds n network interfaces spread over subnets of one new VPC,
// for load benchmarks, with a few security groups between them.
func SeedENIs(ctx context.Context, c Clients, n int) (vpcID string, eniIDs []string, err error) {
	e := c.EC2
	v, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: str("10.100.0.0/16")})
	if err != nil {
		return "", nil, fmt.Errorf("seed bench vpc: %w", err)
	}
	vpcID = *v.Vpc.VpcId
	var subnets, groups []string
	for i := range 8 {
		sn, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: str(fmt.Sprintf("10.100.%d.0/22", i*4))})
		if err != nil {
			return "", nil, fmt.Errorf("seed bench subnet: %w", err)
		}
		subnets = append(subnets, *sn.Subnet.SubnetId)
		g, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: str(fmt.Sprintf("bench-%d", i)), Description: str("bench"), VpcId: v.Vpc.VpcId})
		if err != nil {
			return "", nil, fmt.Errorf("seed bench group: %w", err)
		}
		groups = append(groups, *g.GroupId)
	}
	for i := range n {
		o, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: str(subnets[i%len(subnets)]), Groups: []string{groups[i%len(groups)]}})
		if err != nil {
			return "", nil, fmt.Errorf("seed bench eni %d: %w", i, err)
		}
		eniIDs = append(eniIDs, *o.NetworkInterface.NetworkInterfaceId)
	}
	return vpcID, eniIDs, nil
}
