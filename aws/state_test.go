package aws

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// blockedBy evaluates a path and returns its verdict and blocked_by as
// "layer component code direction".
func blockedBy(t *testing.T, n *checks.Network, from, to string, port int) (checks.Verdict, string) {
	t.Helper()
	q, err := checks.NewQuery(from, to, "tcp", port, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := checks.Evaluate(n, q)
	if err != nil {
		t.Fatalf("%s → %s: %v", from, to, err)
	}
	if b := rep.BlockedBy; b != nil {
		return rep.Verdict, strings.Join([]string{b.Layer, b.Component, b.Code, string(b.Direction)}, " ")
	}
	return rep.Verdict, ""
}

// TestLiveStateDecides seeds moto, in a Region of its own, with a stopped
// NAT instance and a detached interface as route targets and a peering
// whose accepter lets the requester resolve its public DNS hostnames, and
// checks that a live load reads the states and the option, and the engine
// honours them.
func TestLiveStateDecides(t *testing.T) {
	m := moto(t)
	ctx := context.Background()
	const region = "ap-southeast-2"
	cfg := awstest.Config(m.URL)
	cfg.Region = region
	e := ec2.NewFromConfig(cfg)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	str := awssdk.String
	vpc := func(cidr string) string {
		o, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: str(cidr)})
		must("vpc", err)
		_, err = e.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: o.Vpc.VpcId, EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: awssdk.Bool(true)}})
		must("dns hostnames", err)
		return *o.Vpc.VpcId
	}
	subnet := func(vpcID, cidr string) string {
		o, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: str(vpcID), CidrBlock: str(cidr), AvailabilityZone: str(region + "a")})
		must("subnet", err)
		return *o.Subnet.SubnetId
	}
	group := func(vpcID, name string) string {
		o, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: str(vpcID), GroupName: str(name), Description: str(name)})
		must("group", err)
		_, err = e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: o.GroupId,
			IpPermissions: []ec2types.IpPermission{{IpProtocol: str("-1"), IpRanges: []ec2types.IpRange{{CidrIp: str("10.0.0.0/8")}}}}})
		must("ingress", err)
		return *o.GroupId
	}
	instance := func(subnetID, ip, sg string, public bool) (string, string) {
		o, err := e.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: str("ami-1e749f67"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: awssdk.Int32(1), MaxCount: awssdk.Int32(1),
			NetworkInterfaces: []ec2types.InstanceNetworkInterfaceSpecification{{DeviceIndex: awssdk.Int32(0), SubnetId: str(subnetID), PrivateIpAddress: str(ip),
				Groups: []string{sg}, AssociatePublicIpAddress: awssdk.Bool(public)}}})
		must("instance", err)
		return *o.Instances[0].InstanceId, *o.Instances[0].NetworkInterfaces[0].NetworkInterfaceId
	}
	vpcA, vpcB := vpc("10.80.0.0/16"), vpc("10.81.0.0/16")
	subA, subB := subnet(vpcA, "10.80.1.0/24"), subnet(vpcB, "10.81.1.0/24")
	sgA, sgB := group(vpcA, "a"), group(vpcB, "b")
	app, _ := instance(subA, "10.80.1.10", sgA, false)
	nat, natENI := instance(subA, "10.80.1.20", sgA, false)
	_, err := e.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{nat}})
	must("stop", err)
	spare, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: str(subA), PrivateIpAddress: str("10.80.1.30"), Groups: []string{sgA}})
	must("spare interface", err)
	_, svcENI := instance(subB, "10.81.1.10", sgB, true)
	pcx, err := e.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: str(vpcA), PeerVpcId: str(vpcB)})
	must("peering", err)
	pcxID := pcx.VpcPeeringConnection.VpcPeeringConnectionId
	_, err = e.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: pcxID})
	must("accept", err)
	_, err = e.ModifyVpcPeeringConnectionOptions(ctx, &ec2.ModifyVpcPeeringConnectionOptionsInput{VpcPeeringConnectionId: pcxID,
		AccepterPeeringConnectionOptions: &ec2types.PeeringConnectionOptionsRequest{AllowDnsResolutionFromRemoteVpc: awssdk.Bool(true)}})
	must("peering options", err)
	table := func(vpcID, subnetID string, routes ...ec2.CreateRouteInput) string {
		o, err := e.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: str(vpcID)})
		must("route table", err)
		for _, r := range routes {
			r.RouteTableId = o.RouteTable.RouteTableId
			_, err := e.CreateRoute(ctx, &r)
			must("route", err)
		}
		_, err = e.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: o.RouteTable.RouteTableId, SubnetId: str(subnetID)})
		must("associate", err)
		return *o.RouteTable.RouteTableId
	}
	rtA := table(vpcA, subA,
		ec2.CreateRouteInput{DestinationCidrBlock: str("0.0.0.0/0"), NetworkInterfaceId: str(natENI)},
		ec2.CreateRouteInput{DestinationCidrBlock: str("192.168.0.0/16"), NetworkInterfaceId: spare.NetworkInterface.NetworkInterfaceId},
		ec2.CreateRouteInput{DestinationCidrBlock: str("10.81.0.0/16"), VpcPeeringConnectionId: pcxID})
	table(vpcB, subB, ec2.CreateRouteInput{DestinationCidrBlock: str("10.80.0.0/16"), VpcPeeringConnectionId: pcxID})

	inv, _, err := NewLoader(cfg, WithRetry(3, 10*time.Millisecond)).LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	if p := n.Peerings[*pcxID]; p == nil || !p.Accepter.AllowDNSFromRemote || p.Requester.AllowDNSFromRemote {
		t.Fatalf("peering options not read: %+v", p)
	}
	svc := n.ENIs[svcENI]
	if svc == nil || !svc.PrivateIPs[0].Public.IsValid() {
		t.Fatalf("svc-1 has no public address: %+v", svc)
	}
	publicName := fmt.Sprintf("ec2-%s.%s.compute.amazonaws.com", strings.ReplaceAll(svc.PrivateIPs[0].Public.String(), ".", "-"), region)
	// A targeted load reads the instance behind the route's interface too.
	pathInv, _, err := NewLoader(cfg, WithRetry(3, 10*time.Millisecond)).LoadPath(ctx, []string{app}, []string{"93.184.216.34"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pathNet, err := convert.Network(pathInv)
	if err != nil {
		t.Fatal(err)
	}
	if verdict, blocked := blockedBy(t, pathNet, app, "93.184.216.34", 443); blocked != "route "+rtA+" INSTANCE_NOT_RUNNING forward" {
		t.Errorf("targeted load through the stopped NAT instance: %s %q", verdict, blocked)
	}
	for _, c := range []struct {
		name, to string
		verdict  checks.Verdict
		blocked  string
	}{
		{"through the stopped NAT instance", "93.184.216.34", checks.Unreachable, "route " + rtA + " INSTANCE_NOT_RUNNING forward"},
		{"through the detached interface", "192.168.1.1", checks.Unreachable, "route " + rtA + " BAD_STATE forward"},
		{"the peer's public name, resolved privately", publicName, checks.Reachable, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			verdict, blocked := blockedBy(t, n, app, c.to, 443)
			if verdict != c.verdict || blocked != c.blocked {
				t.Errorf("verdict %s, blocked_by %q; want %s, %q", verdict, blocked, c.verdict, c.blocked)
			}
		})
	}
}

// TestLiveDirectConnect loads the seeded topology's Direct Connect data
// from the front server's emulation of the Direct Connect API, and checks
// what a denial of it leaves.
func TestLiveDirectConnect(t *testing.T) {
	m, topo := seededMoto(t)
	ctx := context.Background()
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()

	inv, _, err := testLoader(proxy.URL).LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	up, down := n.DirectConnectVIFs[awstest.SeedVIFUp], n.DirectConnectVIFs[awstest.SeedVIFDown]
	if up == nil || up.State != "available" || up.VGWID != topo.VGW || down == nil || down.State != "down" || down.DXGatewayID != awstest.SeedDXGateway {
		t.Fatalf("virtual interfaces: %+v", n.DirectConnectVIFs)
	}
	var assoc *checks.DirectConnectAssociation
	for _, a := range n.DirectConnectAssociations {
		assoc = a
	}
	if len(n.DirectConnectAssociations) != 1 || assoc.GatewayID != topo.VGW || assoc.State != "associated" || assoc.DXGatewayID != awstest.SeedDXGateway {
		t.Fatalf("associations: %+v", n.DirectConnectAssociations)
	}
	// The VPN has no telemetry in moto; the available virtual interface
	// carries the path.
	if verdict, blocked := blockedBy(t, n, topo.ENIWeb, "192.168.10.5", 443); verdict != checks.Reachable {
		t.Errorf("web to on-premises: %s %s", verdict, blocked)
	}

	proxy.Inject("directconnect:DescribeVirtualInterfaces", awstest.Deny, -1)
	inv, _, err = testLoader(proxy.URL).LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	gaps := map[checks.DataKind]checks.Gap{}
	for _, g := range inv.Gaps {
		gaps[g.Kind] = g
	}
	if g := gaps[inventory.KindDXVirtualInterfaces]; g.Action != "directconnect:DescribeVirtualInterfaces" || g.Reason != "AccessDenied" {
		t.Errorf("virtual interfaces gap: %+v", g)
	}
	if g, ok := gaps[inventory.KindDXAssociations]; !ok || !strings.HasPrefix(g.Reason, "not loaded: needs describe-virtual-interfaces") {
		t.Errorf("associations gap: %+v", g)
	}
	n, err = convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	if n.DirectConnectVIFs != nil || n.DirectConnectAssociations != nil {
		t.Error("denied Direct Connect data converted as read")
	}
	// Without Direct Connect the VPN decides, and its telemetry is not in
	// moto's output: unknown, never reachable.
	if verdict, _ := blockedBy(t, n, topo.ENIWeb, "192.168.10.5", 443); verdict != checks.Unknown {
		t.Errorf("web to on-premises with Direct Connect denied: %s, want unknown", verdict)
	}
}
