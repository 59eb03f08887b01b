package convert

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// convertFiles reads the files as a snapshot and converts it; Network must
// not fail.
func convertFiles(t *testing.T, files map[string]string) *checks.Network {
	t.Helper()
	n, err := Network(mustSnapshot(t, files))
	if err != nil {
		t.Fatalf("Network: %v", err)
	}
	return n
}

// mustSnapshot reads files placed under the directory "snap" of a MapFS.
func mustSnapshot(t *testing.T, files map[string]string) *inventory.Inventory {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys["snap/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	inv, err := snapshot.ReadFS(fsys, "snap")
	if err != nil {
		t.Fatalf("ReadFS: %v", err)
	}
	return inv
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"web-1":                "web-1",
		"a\x1b[31mred\x1b[0m":  "a[31mred[0m",
		"tab\there\nnewline\r": "tabherenewline",
		"del\x7f":              "del",
		"c1\u0085\u009bx":      "c1x",
		"naïve 日本 \u00a0space": "naïve 日本 \u00a0space",
		"\x00nul":              "nul",
	} {
		if got := inventory.Sanitize(in); got != want {
			t.Errorf("inventory.Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConvertSanitizesNames(t *testing.T) {
	n := convertFiles(t, map[string]string{
		"v.json": `{"Vpcs": [{"VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "prod\u001b]0;pwned\u0007\u009b"}]}]}`,
		"s.json": `{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web\n", "Description": "ok\u007f", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh\r\n"}]}]}]}`,
	})
	if got := n.VPCs["vpc-1"].Name; got != "prod]0;pwned" {
		t.Errorf("VPC name = %q", got)
	}
	sg := n.SecurityGroups["sg-1"]
	if sg.Name != "web" || sg.Description != "ok" || sg.Inbound[0].Description != "ssh" {
		t.Errorf("security group = %+v", sg)
	}
}

func TestConvertRouteTargets(t *testing.T) {
	n := convertFiles(t, map[string]string{"rt.json": `{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "OwnerId": "111",
		"Tags": [{"Key": "Name", "Value": "main"}],
		"Associations": [
			{"Main": true, "RouteTableAssociationId": "rtbassoc-0", "AssociationState": {"State": "associated"}},
			{"Main": false, "SubnetId": "subnet-1", "AssociationState": {"State": "associated"}},
			{"Main": false, "SubnetId": "subnet-gone", "AssociationState": {"State": "disassociated"}},
			{"Main": false, "GatewayId": "igw-1"}
		],
		"Routes": [
			{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"},
			{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation", "State": "active"},
			{"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.1.0.0/16", "NatGatewayId": "nat-1", "Origin": "CreateRoute", "State": "blackhole"},
			{"DestinationCidrBlock": "10.2.0.0/16", "NetworkInterfaceId": "eni-1", "InstanceId": "i-1", "InstanceOwnerId": "111", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.3.0.0/16", "InstanceId": "i-2", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.4.0.0/16", "TransitGatewayId": "tgw-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.5.0.0/16", "VpcPeeringConnectionId": "pcx-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.6.0.0/16", "CarrierGatewayId": "cagw-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.7.0.0/16", "LocalGatewayId": "lgw-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.8.0.0/16", "CoreNetworkArn": "arn:aws:networkmanager::111:core-network/core-network-1", "Origin": "CreateRoute", "State": "active"},
			{"DestinationCidrBlock": "10.9.0.0/16", "Origin": "CreateRoute", "State": "blackhole"}
		]}]}`})
	rt := n.RouteTables["rtb-1"]
	if rt.Name != "main" || rt.VPCID != "vpc-1" || rt.OwnerID != "111" || !rt.Main ||
		!slices.Equal(rt.SubnetIDs, []string{"subnet-1"}) || !slices.Equal(rt.GatewayIDs, []string{"igw-1"}) {
		t.Errorf("route table = %+v", rt)
	}
	want := []checks.Route{
		{Destination: pfx("10.0.0.0/16"), Target: checks.TargetLocal, TargetID: "local", Origin: checks.OriginLocal},
		{Destination: pfx("0.0.0.0/0"), Target: checks.TargetIGW, TargetID: "igw-1", Origin: checks.OriginStatic},
		{Destination: pfx("172.16.0.0/12"), Target: checks.TargetVGW, TargetID: "vgw-1", Origin: checks.OriginPropagated},
		{PrefixListID: "pl-s3", Target: checks.TargetEndpoint, TargetID: "vpce-1", Origin: checks.OriginStatic},
		{Destination: pfx("10.1.0.0/16"), Target: checks.TargetNAT, TargetID: "nat-1", Origin: checks.OriginStatic, Blackhole: true},
		{Destination: pfx("10.2.0.0/16"), Target: checks.TargetENI, TargetID: "eni-1", InstanceID: "i-1", Origin: checks.OriginStatic},
		{Destination: pfx("10.3.0.0/16"), Target: checks.TargetInstance, TargetID: "i-2", InstanceID: "i-2", Origin: checks.OriginStatic},
		{Destination: pfx("10.4.0.0/16"), Target: checks.TargetTGW, TargetID: "tgw-1", Origin: checks.OriginStatic},
		{Destination: pfx("10.5.0.0/16"), Target: checks.TargetPeering, TargetID: "pcx-1", Origin: checks.OriginStatic},
		{Destination: pfx("::/0"), Target: checks.TargetEIGW, TargetID: "eigw-1", Origin: checks.OriginStatic},
		{Destination: pfx("10.6.0.0/16"), Target: checks.TargetCarrier, TargetID: "cagw-1", Origin: checks.OriginStatic},
		{Destination: pfx("10.7.0.0/16"), Target: checks.TargetLocalGW, TargetID: "lgw-1", Origin: checks.OriginStatic},
		{Destination: pfx("10.8.0.0/16"), Target: checks.TargetCoreNetwork, TargetID: "arn:aws:networkmanager::111:core-network/core-network-1", Origin: checks.OriginStatic},
		{Destination: pfx("10.9.0.0/16"), Target: checks.TargetOther, Origin: checks.OriginStatic, Blackhole: true},
	}
	if len(rt.Routes) != len(want) {
		t.Fatalf("got %d routes, want %d", len(rt.Routes), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(rt.Routes[i], want[i]) {
			t.Errorf("route %d\n got %+v\nwant %+v", i, rt.Routes[i], want[i])
		}
	}
	// The referenced prefix list was never read: a gap scoped to it.
	if pl := n.PrefixLists["pl-s3"]; pl == nil || pl.CIDRs != nil {
		t.Errorf("pl-s3 = %+v", pl)
	}
	if !hasGap(n, checks.KindPrefixLists, "pl-s3") {
		t.Errorf("no gap for pl-s3 in %+v", n.Gaps)
	}
}

func hasGap(n *checks.Network, kind checks.DataKind, scope string) bool {
	return slices.ContainsFunc(n.Gaps, func(g checks.Gap) bool { return g.Kind == kind && g.Scope == scope })
}

func TestConvertBadCIDRNamesResourceAndField(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{"rt.json": `{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [
		{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
		{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
		{"DestinationCidrBlock": "10.0.0.0/33", "NatGatewayId": "nat-1"},
		{"GatewayId": "igw-1"}
	]}]}`})
	n, err := Network(inv)
	if err == nil {
		t.Fatal("no error")
	}
	want := "route table rtb-1: route 2: DestinationCidrBlock \"10.0.0.0/33\": invalid prefix\n" +
		"route table rtb-1: route 3: no DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId"
	if err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
	if n == nil || len(n.RouteTables["rtb-1"].Routes) != 2 {
		t.Fatalf("the good routes must survive: %+v", n)
	}
	if !hasGap(n, checks.KindRouteTables, "rtb-1") {
		t.Errorf("no gap scoped to rtb-1: %+v", n.Gaps)
	}
}

func TestConvertNACL(t *testing.T) {
	n := convertFiles(t, map[string]string{"acl.json": `{"NetworkAcls": [{"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "OwnerId": "111",
		"Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-1", "SubnetId": "subnet-1"}, {"SubnetId": "subnet-2"}],
		"Entries": [
			{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 22, "To": 22}},
			{"RuleNumber": 110, "Protocol": "17", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}},
			{"RuleNumber": 120, "Protocol": "1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Type": 3, "Code": 4}},
			{"RuleNumber": 130, "Protocol": "1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Type": -1, "Code": -1}},
			{"RuleNumber": 140, "Protocol": "58", "RuleAction": "allow", "Egress": false, "Ipv6CidrBlock": "::/0", "IcmpTypeCode": {"Type": 128}},
			{"RuleNumber": 150, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8"},
			{"RuleNumber": 160, "Protocol": "50", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 1, "To": 2}},
			{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
			{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}
		]}]}`})
	acl := n.NetworkACLs["acl-1"]
	if acl.VPCID != "vpc-1" || !acl.IsDefault || acl.OwnerID != "111" || !slices.Equal(acl.SubnetIDs, []string{"subnet-1", "subnet-2"}) {
		t.Errorf("acl = %+v", acl)
	}
	want := []checks.NACLRule{
		{Number: 100, Protocol: checks.ProtocolTCP, Allow: true, CIDR: pfx("10.0.0.0/8"), Ports: checks.PortRange{From: 22, To: 22}, ICMPType: -1, ICMPCode: -1},
		{Number: 110, Protocol: checks.ProtocolUDP, CIDR: pfx("0.0.0.0/0"), Ports: checks.PortRange{From: 1024, To: 65535}, ICMPType: -1, ICMPCode: -1},
		{Number: 120, Protocol: checks.ProtocolICMP, Allow: true, CIDR: pfx("0.0.0.0/0"), Ports: checks.AllPorts, ICMPType: 3, ICMPCode: 4},
		{Number: 130, Protocol: checks.ProtocolICMP, Allow: true, CIDR: pfx("0.0.0.0/0"), Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1},
		{Number: 140, Protocol: checks.ProtocolICMPv6, Allow: true, CIDR: pfx("::/0"), Ports: checks.AllPorts, ICMPType: 128, ICMPCode: -1},
		{Number: 150, Protocol: checks.ProtocolTCP, Allow: true, CIDR: pfx("10.0.0.0/8"), Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1},
		{Number: 160, Protocol: 50, Allow: true, CIDR: pfx("10.0.0.0/8"), Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1},
		{Number: 32767, Protocol: checks.ProtocolAll, CIDR: pfx("0.0.0.0/0"), Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1},
	}
	if !reflect.DeepEqual(acl.Inbound, want) {
		t.Errorf("inbound\n got %+v\nwant %+v", acl.Inbound, want)
	}
	wantOut := []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0"), Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1}}
	if !reflect.DeepEqual(acl.Outbound, wantOut) {
		t.Errorf("outbound\n got %+v\nwant %+v", acl.Outbound, wantOut)
	}

	_, err := Network(mustSnapshot(t, map[string]string{"acl.json": `{"NetworkAcls": [{"NetworkAclId": "acl-2", "Entries": [
		{"RuleNumber": 100, "Protocol": "tcpx", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"},
		{"RuleNumber": 110, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 10, "To": 70000}},
		{"RuleNumber": 120, "Protocol": "6", "RuleAction": "maybe", "CidrBlock": "0.0.0.0/0"}
	]}]}`}))
	for _, want := range []string{
		`network ACL acl-2: entry 0: Protocol "tcpx": expected tcp, udp, icmp, icmpv6, -1 or a number from 0 to 255`,
		`network ACL acl-2: entry 1: PortRange 10-70000: expected ports from 0 to 65535`,
		`network ACL acl-2: entry 2: RuleAction "maybe": expected allow or deny`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	}
}

func TestConvertSecurityGroupFlattening(t *testing.T) {
	n := convertFiles(t, map[string]string{"sg.json": `{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web", "Description": "web tier", "VpcId": "vpc-1", "OwnerId": "111",
		"IpPermissions": [
			{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
			 "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "corp"}, {"CidrIp": "192.0.2.0/24"}],
			 "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
			 "PrefixListIds": [{"PrefixListId": "pl-1", "Description": "office"}],
			 "UserIdGroupPairs": [
				{"GroupId": "sg-2", "UserId": "111"},
				{"GroupId": "sg-9", "UserId": "222", "VpcId": "vpc-9", "VpcPeeringConnectionId": "pcx-1", "PeeringStatus": "active", "Description": "peer"}
			 ]},
			{"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
			{"IpProtocol": "icmpv6", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
			{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "111"}]},
			{"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
			{"IpProtocol": "50", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
		],
		"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
	}]}`,
		"pl.json":           `{"PrefixLists": [{"PrefixListId": "pl-1", "PrefixListName": "office", "OwnerId": "111", "AddressFamily": "IPv4"}]}`,
		"entries.pl-1.json": `{"Entries": [{"Cidr": "198.51.100.0/24"}, {"Cidr": "203.0.113.0/24"}]}`,
	})
	sg := n.SecurityGroups["sg-1"]
	if sg.Name != "web" || sg.Description != "web tier" || sg.VPCID != "vpc-1" || sg.OwnerID != "111" {
		t.Errorf("sg = %+v", sg)
	}
	https := checks.SGRule{Protocol: checks.ProtocolTCP, Ports: checks.PortRange{From: 443, To: 443}, ICMPType: -1, ICMPCode: -1}
	with := func(r checks.SGRule, peer checks.SGPeer, desc string) checks.SGRule {
		r.Peer, r.Description = peer, desc
		return r
	}
	all := checks.SGRule{Protocol: checks.ProtocolAll, Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1}
	want := []checks.SGRule{
		with(https, checks.SGPeer{CIDR: pfx("10.0.0.0/8")}, "corp"),
		with(https, checks.SGPeer{CIDR: pfx("192.0.2.0/24")}, ""),
		with(https, checks.SGPeer{CIDR: pfx("2001:db8::/32")}, ""),
		with(https, checks.SGPeer{PrefixListID: "pl-1"}, "office"),
		with(https, checks.SGPeer{GroupID: "sg-2", GroupOwnerID: "111"}, ""),
		with(https, checks.SGPeer{GroupID: "sg-9", GroupOwnerID: "222", GroupVPCID: "vpc-9", PeeringID: "pcx-1"}, "peer"),
		{Protocol: checks.ProtocolICMP, Ports: checks.AllPorts, ICMPType: 8, ICMPCode: -1, Peer: checks.SGPeer{CIDR: pfx("0.0.0.0/0")}},
		{Protocol: checks.ProtocolICMPv6, Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1, Peer: checks.SGPeer{CIDR: pfx("::/0")}},
		with(all, checks.SGPeer{GroupID: "sg-1", GroupOwnerID: "111"}, ""),
		{Protocol: checks.ProtocolUDP, Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1, Peer: checks.SGPeer{CIDR: pfx("10.0.0.0/8")}},
		{Protocol: 50, Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1, Peer: checks.SGPeer{CIDR: pfx("10.0.0.0/8")}},
	}
	if len(sg.Inbound) != len(want) {
		t.Fatalf("got %d inbound rules, want %d: %+v", len(sg.Inbound), len(want), sg.Inbound)
	}
	for i := range want {
		if !reflect.DeepEqual(sg.Inbound[i], want[i]) {
			t.Errorf("inbound %d\n got %+v\nwant %+v", i, sg.Inbound[i], want[i])
		}
	}
	wantOut := []checks.SGRule{with(all, checks.SGPeer{CIDR: pfx("0.0.0.0/0")}, ""), with(all, checks.SGPeer{CIDR: pfx("::/0")}, "")}
	if !reflect.DeepEqual(sg.Outbound, wantOut) {
		t.Errorf("outbound\n got %+v\nwant %+v", sg.Outbound, wantOut)
	}
	if pl := n.PrefixLists["pl-1"]; pl == nil || pl.Name != "office" || !slices.Equal(pl.CIDRs, []netip.Prefix{pfx("198.51.100.0/24"), pfx("203.0.113.0/24")}) {
		t.Errorf("pl-1 = %+v", pl)
	}
	if hasGap(n, checks.KindPrefixLists, "pl-1") {
		t.Error("gap for a prefix list whose entries were read")
	}
}

func TestConvertENIsAndInstances(t *testing.T) {
	n := convertFiles(t, map[string]string{
		"eni.json": `{"NetworkInterfaces": [{
			"NetworkInterfaceId": "eni-1", "Description": "primary", "OwnerId": "111", "SubnetId": "subnet-1", "VpcId": "vpc-1",
			"AvailabilityZone": "us-east-1a", "InterfaceType": "interface", "RequesterId": "AIDA", "RequesterManaged": false, "Status": "in-use",
			"SourceDestCheck": false, "PrivateIpAddress": "10.0.1.10",
			"Association": {"PublicIp": "203.0.113.10", "IpOwnerId": "amazon"},
			"PrivateIpAddresses": [
				{"PrivateIpAddress": "10.0.1.11", "Primary": false, "Association": {"PublicIp": "203.0.113.11"}},
				{"PrivateIpAddress": "10.0.1.10", "Primary": true}
			],
			"Ipv6Addresses": [{"Ipv6Address": "2001:db8::10"}],
			"Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.32/28"}],
			"Ipv6Prefixes": [{"Ipv6Prefix": "2001:db8:0:1::/80"}],
			"Groups": [{"GroupId": "sg-1", "GroupName": "web"}, {"GroupId": "sg-2"}],
			"Attachment": {"InstanceId": "i-1", "DeviceIndex": 0, "AttachTime": "2020-01-01 00:00:00+00:00"},
			"TagSet": [{"Key": "Name", "Value": "web-eni"}]
		}, {
			"NetworkInterfaceId": "eni-nat", "SubnetId": "subnet-1", "VpcId": "vpc-1", "InterfaceType": "nat_gateway",
			"RequesterManaged": true, "SourceDestCheck": false, "PrivateIpAddress": "10.0.1.5",
			"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.5", "Primary": true}]
		}]}`,
		"inst.json": `{"Reservations": [{"ReservationId": "r-1", "OwnerId": "111", "Instances": [{
			"InstanceId": "i-1", "Platform": "windows", "State": {"Code": 16, "Name": "running"}, "SourceDestCheck": false,
			"LaunchTime": "2020-01-01T00:00:00.000Z", "Placement": {"AvailabilityZone": "us-east-1a"},
			"Tags": [{"Key": "Name", "Value": "web"}],
			"NetworkInterfaces": [
				{"NetworkInterfaceId": "eni-2", "SubnetId": "subnet-2", "VpcId": "vpc-1", "OwnerId": "111", "Status": "in-use",
				 "PrivateIpAddress": "10.0.2.20", "SourceDestCheck": true,
				 "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.20", "Primary": true, "Association": {"PublicIp": "198.51.100.20"}}],
				 "Groups": [{"GroupId": "sg-3"}], "Attachment": {"DeviceIndex": 1, "AttachTime": "2020-01-01 00:00:00+00:00"}},
				{"NetworkInterfaceId": "eni-1", "Attachment": {"DeviceIndex": 0}}
			]}]}]}`,
	})
	e := n.ENIs["eni-1"]
	want := &checks.ENI{
		ID: "eni-1", Name: "web-eni", Description: "primary", OwnerID: "111", SubnetID: "subnet-1", VPCID: "vpc-1",
		AZ: "us-east-1a", InterfaceType: "interface", RequesterID: "AIDA", Status: "in-use",
		PrivateIPs: []checks.PrivateIP{
			{Addr: addr("10.0.1.10"), Primary: true, Public: addr("203.0.113.10")},
			{Addr: addr("10.0.1.11"), Public: addr("203.0.113.11")},
		},
		IPv6:             []netip.Addr{addr("2001:db8::10")},
		IPv4Prefixes:     []netip.Prefix{pfx("10.0.1.32/28")},
		IPv6Prefixes:     []netip.Prefix{pfx("2001:db8:0:1::/80")},
		SecurityGroupIDs: []string{"sg-1", "sg-2"},
		InstanceID:       "i-1",
		Platform:         "windows",
		Tags:             map[string]string{"Name": "web-eni"},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("eni-1\n got %+v\nwant %+v", e, want)
	}
	// eni-2 is only in describe-instances.
	e2 := n.ENIs["eni-2"]
	want2 := &checks.ENI{
		ID: "eni-2", OwnerID: "111", SubnetID: "subnet-2", VPCID: "vpc-1", AZ: "us-east-1a", InterfaceType: "interface", Status: "in-use",
		PrivateIPs:       []checks.PrivateIP{{Addr: addr("10.0.2.20"), Primary: true, Public: addr("198.51.100.20")}},
		SecurityGroupIDs: []string{"sg-3"}, SourceDestCheck: true, InstanceID: "i-1", DeviceIndex: 1, Platform: "windows",
	}
	if !reflect.DeepEqual(e2, want2) {
		t.Errorf("eni-2\n got %+v\nwant %+v", e2, want2)
	}
	if nat := n.ENIs["eni-nat"]; nat.InterfaceType != "nat_gateway" || !nat.RequesterManaged || nat.SourceDestCheck || nat.Platform != "" {
		t.Errorf("eni-nat = %+v", nat)
	}
	inst := n.Instances["i-1"]
	wantInst := &checks.Instance{ID: "i-1", Name: "web", State: "running", Platform: "windows", ENIIDs: []string{"eni-1", "eni-2"}, Tags: map[string]string{"Name": "web"}}
	if !reflect.DeepEqual(inst, wantInst) {
		t.Errorf("instance\n got %+v\nwant %+v", inst, wantInst)
	}
}

func TestConvertVPCsAndSubnets(t *testing.T) {
	n := convertFiles(t, map[string]string{
		"vpc.json": `{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111", "CidrBlock": "10.0.0.0/16", "IsDefault": false, "DhcpOptionsId": "dopt-1",
			"CidrBlockAssociationSet": [
				{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
				{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
				{"CidrBlock": "10.2.0.0/16", "CidrBlockState": {"State": "disassociated"}}
			],
			"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::/56", "Ipv6CidrBlockState": {"State": "associated"}}]}]}`,
		"subnet.json": `{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "OwnerId": "111", "CidrBlock": "10.1.0.0/24",
			"AvailabilityZone": "us-west-2-lax-1a", "AvailabilityZoneId": "usw2-lax1-az1",
			"Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::/64", "Ipv6CidrBlockState": {"State": "associated"}}],
			"Tags": [{"Key": "Name", "Value": "edge"}]}]}`,
	})
	v := n.VPCs["vpc-1"]
	if !slices.Equal(v.CIDRs, []netip.Prefix{pfx("10.0.0.0/16"), pfx("10.1.0.0/16")}) ||
		!slices.Equal(v.IPv6CIDRs, []netip.Prefix{pfx("2001:db8::/56")}) || v.Region != "us-west-2" || v.DHCPOptionsID != "dopt-1" {
		t.Errorf("vpc = %+v", v)
	}
	s := n.Subnets["subnet-1"]
	want := &checks.Subnet{ID: "subnet-1", Name: "edge", VPCID: "vpc-1", OwnerID: "111", AZ: "us-west-2-lax-1a", AZID: "usw2-lax1-az1",
		CIDR: pfx("10.1.0.0/24"), IPv6CIDRs: []netip.Prefix{pfx("2001:db8::/64")}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("subnet\n got %+v\nwant %+v", s, want)
	}
}

func TestConvertGatewaysAndPeerings(t *testing.T) {
	n := convertFiles(t, map[string]string{
		"igw.json":  `{"InternetGateways": [{"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": "vpc-1"}, {"State": "detaching", "VpcId": "vpc-2"}], "Tags": [{"Key": "Name", "Value": "gw"}]}]}`,
		"eigw.json": `{"EgressOnlyInternetGateways": [{"EgressOnlyInternetGatewayId": "eigw-1", "Attachments": [{"State": "attached", "VpcId": "vpc-1"}]}]}`,
		"nat.json": `{"NatGateways": [
			{"NatGatewayId": "nat-1", "VpcId": "vpc-1", "SubnetId": "subnet-1", "State": "available", "ConnectivityType": "public",
			 "NatGatewayAddresses": [{"NetworkInterfaceId": "eni-s", "PrivateIp": "10.0.0.6", "IsPrimary": false},
				{"NetworkInterfaceId": "eni-p", "PrivateIp": "10.0.0.5", "PublicIp": "203.0.113.5", "IsPrimary": true}]},
			{"NatGatewayId": "nat-2", "State": "available", "ConnectivityType": "private", "NatGatewayAddresses": [{"NetworkInterfaceId": "eni-q", "PrivateIp": "10.0.0.7"}]}]}`,
		"vgw.json": `{"VpnGateways": [{"VpnGatewayId": "vgw-1", "State": "available", "Type": "ipsec.1", "AmazonSideAsn": 64512,
			"VpcAttachments": [{"State": "attached", "VpcId": "vpc-1"}, {"State": "detached", "VpcId": "vpc-2"}]}]}`,
		"pcx.json": `{"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active", "Message": "Active"},
			"RequesterVpcInfo": {"VpcId": "vpc-1", "OwnerId": "111", "Region": "us-east-1", "CidrBlock": "10.0.0.0/16",
				"CidrBlockSet": [{"CidrBlock": "10.0.0.0/16"}, {"CidrBlock": "10.1.0.0/16"}], "Ipv6CidrBlockSet": [{"Ipv6CidrBlock": "2001:db8::/56"}]},
			"AccepterVpcInfo": {"VpcId": "vpc-9", "OwnerId": "222", "Region": "eu-west-1", "CidrBlock": "172.16.0.0/16"}}]}`,
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-9"}]}`,
	})
	if g := n.InternetGateways["igw-1"]; g.Name != "gw" || !slices.Equal(g.VPCIDs, []string{"vpc-1"}) {
		t.Errorf("igw = %+v", g)
	}
	if g := n.EgressOnlyInternetGateways["eigw-1"]; !slices.Equal(g.VPCIDs, []string{"vpc-1"}) {
		t.Errorf("eigw = %+v", g)
	}
	want := &checks.NATGateway{ID: "nat-1", VPCID: "vpc-1", SubnetID: "subnet-1", State: "available", Public: true,
		ENIID: "eni-p", PrivateIP: addr("10.0.0.5"), PublicIP: addr("203.0.113.5")}
	if g := n.NATGateways["nat-1"]; !reflect.DeepEqual(g, want) {
		t.Errorf("nat-1\n got %+v\nwant %+v", g, want)
	}
	if g := n.NATGateways["nat-2"]; g.Public || g.ENIID != "eni-q" || g.PublicIP.IsValid() {
		t.Errorf("nat-2 = %+v", g)
	}
	if g := n.VPNGateways["vgw-1"]; g.State != "available" || !slices.Equal(g.VPCIDs, []string{"vpc-1"}) {
		t.Errorf("vgw = %+v", g)
	}
	p := n.Peerings["pcx-1"]
	wantP := &checks.Peering{ID: "pcx-1", Status: "active",
		Requester: checks.PeeringSide{VPCID: "vpc-1", OwnerID: "111", Region: "us-east-1",
			CIDRs: []netip.Prefix{pfx("10.0.0.0/16"), pfx("10.1.0.0/16")}, IPv6CIDRs: []netip.Prefix{pfx("2001:db8::/56")}},
		Accepter: checks.PeeringSide{VPCID: "vpc-9", OwnerID: "222", Region: "eu-west-1", CIDRs: []netip.Prefix{pfx("172.16.0.0/16")}},
	}
	if !reflect.DeepEqual(p, wantP) {
		t.Errorf("peering\n got %+v\nwant %+v", p, wantP)
	}
	if v := n.VPCs["vpc-9"]; v.Region != "eu-west-1" {
		t.Errorf("region of vpc-9 from the peering = %q", v.Region)
	}
}

func TestConvertTransitGateways(t *testing.T) {
	n := convertFiles(t, map[string]string{
		"tgw.json": `{"TransitGateways": [{"TransitGatewayId": "tgw-1", "OwnerId": "111", "State": "available",
			"Options": {"AssociationDefaultRouteTableId": "tgw-rtb-1", "PropagationDefaultRouteTableId": "tgw-rtb-2", "SecurityGroupReferencingSupport": "enable", "AmazonSideAsn": 64512}}]}`,
		"att.json": `{"TransitGatewayAttachments": [
			{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-1", "State": "available",
			 "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}},
			{"TransitGatewayAttachmentId": "tgw-attach-2", "TransitGatewayId": "tgw-1", "ResourceType": "peering", "ResourceId": "tgw-9", "State": "available"}]}`,
		"vpcatt.json": `{"TransitGatewayVpcAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "VpcId": "vpc-1", "State": "available",
			"SubnetIds": ["subnet-1", "subnet-2"], "Options": {"ApplianceModeSupport": "enable", "SecurityGroupReferencingSupport": "enable", "DnsSupport": "enable"}}]}`,
		"rtbs.json": `{"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1", "Tags": [{"Key": "Name", "Value": "spokes"}]},
			{"TransitGatewayRouteTableId": "tgw-rtb-2", "TransitGatewayId": "tgw-1"}]}`,
		"search-transit-gateway-routes.tgw-rtb-1.json": `{"Routes": [
			{"DestinationCidrBlock": "10.0.0.0/16", "Type": "propagated", "State": "active", "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "ResourceType": "vpc"}]},
			{"DestinationCidrBlock": "0.0.0.0/0", "Type": "static", "State": "blackhole"},
			{"PrefixListId": "pl-9", "Type": "static", "State": "active", "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-2"}]},
			{"DestinationCidrBlock": "10.9.0.0/16", "Type": "static", "State": "deleted"}]}`,
		"get-transit-gateway-route-table-propagations.tgw-rtb-1.json": `{"TransitGatewayRouteTablePropagations": [
			{"TransitGatewayAttachmentId": "tgw-attach-1", "State": "enabled"}, {"TransitGatewayAttachmentId": "tgw-attach-2", "State": "disabled"}]}`,
	})
	if g := n.TransitGateways["tgw-1"]; g.DefaultAssociationRTID != "tgw-rtb-1" || g.DefaultPropagationRTID != "tgw-rtb-2" || !g.SGReferencing || g.OwnerID != "111" {
		t.Errorf("tgw = %+v", g)
	}
	want := &checks.TransitGatewayAttachment{ID: "tgw-attach-1", TGWID: "tgw-1", ResourceType: "vpc", ResourceID: "vpc-1", State: "available",
		RouteTableID: "tgw-rtb-1", AssociationState: "associated", SubnetIDs: []string{"subnet-1", "subnet-2"}, ApplianceMode: true, SGReferencing: true}
	if a := n.TransitGatewayAttachments["tgw-attach-1"]; !reflect.DeepEqual(a, want) {
		t.Errorf("attachment\n got %+v\nwant %+v", a, want)
	}
	if a := n.TransitGatewayAttachments["tgw-attach-2"]; a.PeerTGWID != "tgw-9" {
		t.Errorf("peering attachment = %+v", a)
	}
	rt := n.TransitGatewayRouteTables["tgw-rtb-1"]
	wantRoutes := []checks.TGWRoute{
		{Destination: pfx("10.0.0.0/16"), AttachmentIDs: []string{"tgw-attach-1"}},
		{Destination: pfx("0.0.0.0/0"), Static: true, Blackhole: true},
		{PrefixListID: "pl-9", AttachmentIDs: []string{"tgw-attach-2"}, Static: true},
	}
	if rt.Name != "spokes" || rt.TGWID != "tgw-1" || !rt.RoutesKnown || !reflect.DeepEqual(rt.Routes, wantRoutes) ||
		!slices.Equal(rt.Propagations, []string{"tgw-attach-1"}) {
		t.Errorf("route table = %+v", rt)
	}
	if rt2 := n.TransitGatewayRouteTables["tgw-rtb-2"]; rt2.RoutesKnown || !hasGap(n, checks.KindTransitGatewayRouteTables, "tgw-rtb-2") {
		t.Errorf("tgw-rtb-2 without routes: %+v, gaps %+v", rt2, n.Gaps)
	}
	if !hasGap(n, checks.KindPrefixLists, "pl-9") {
		t.Errorf("no gap for pl-9: %+v", n.Gaps)
	}

	// Batfish's static-routes wrapper without the propagations: the
	// propagated routes cannot be derived.
	n = convertFiles(t, map[string]string{
		"static.json": `{"TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": []}]}`,
		"att.json":    `{"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1", "TransitGatewayId": "tgw-1", "ResourceType": "vpc", "ResourceId": "vpc-1", "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}}]}`,
	})
	if rt := n.TransitGatewayRouteTables["tgw-rtb-1"]; !rt.RoutesKnown || rt.TGWID != "tgw-1" {
		t.Errorf("route table = %+v", rt)
	}
	if !hasGap(n, checks.KindTransitGatewayRouteTables, "tgw-rtb-1") || !hasGap(n, checks.KindTransitGatewayAttachments, "tgw-attach-1") {
		t.Errorf("gaps = %+v", n.Gaps)
	}
}

func TestConvertEndpoints(t *testing.T) {
	n := convertFiles(t, map[string]string{"vpce.json": `{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface",
		"VpcId": "vpc-1", "ServiceName": "com.amazonaws.us-east-1.kinesis-streams", "State": "available",
		"PolicyDocument": "{\"Statement\":[]}", "RouteTableIds": [], "SubnetIds": ["subnet-1"],
		"Groups": [{"GroupId": "sg-1", "GroupName": "ep"}], "PrivateDnsEnabled": true, "RequesterManaged": false,
		"NetworkInterfaceIds": ["eni-e1"], "DnsEntries": [{"DnsName": "vpce-1.kinesis.us-east-1.vpce.amazonaws.com", "HostedZoneId": "Z7"}],
		"CreationTimestamp": "2020-05-29 19:50:55+00:00", "OwnerId": "111"}]}`})
	want := &checks.Endpoint{ID: "vpce-1", Type: "Interface", ServiceName: "com.amazonaws.us-east-1.kinesis-streams", VPCID: "vpc-1",
		State: "available", SubnetIDs: []string{"subnet-1"}, ENIIDs: []string{"eni-e1"}, SecurityGroupIDs: []string{"sg-1"},
		PrivateDNSEnabled: true, PolicyDocument: `{"Statement":[]}`, DNSNames: []string{"vpce-1.kinesis.us-east-1.vpce.amazonaws.com"}}
	if e := n.Endpoints["vpce-1"]; !reflect.DeepEqual(e, want) {
		t.Errorf("endpoint\n got %+v\nwant %+v", e, want)
	}
}

func TestConvertGaps(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{"v.json": `{"Vpcs": []}`, "n.json": `{"NetworkAcls": []}`})
	inv.Gaps = append(inv.Gaps, checks.Gap{Kind: checks.KindSecurityGroups, Reason: "AccessDenied", Action: "ec2:DescribeSecurityGroups"})
	n, err := Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	got := map[checks.DataKind]string{}
	for _, g := range n.Gaps {
		// Only the packet-path kinds: DNS kinds are another converter's.
		if g.Scope == "" && slices.ContainsFunc(kindActions, func(k kindAction) bool {
			return k.kind == g.Kind
		}) {
			if _, dup := got[g.Kind]; dup {
				t.Errorf("two gaps for %s", g.Kind)
			}
			got[g.Kind] = g.Reason
		}
	}
	if _, ok := got[checks.KindVPCs]; ok {
		t.Error("gap for describe-vpcs, which was read (empty)")
	}
	if got[checks.KindSecurityGroups] != "AccessDenied" {
		t.Errorf("inventory gap not carried: %q", got[checks.KindSecurityGroups])
	}
	if got[checks.KindSubnets] != "not in the snapshot" || got[checks.KindInstances] != "not in the snapshot" {
		t.Errorf("gaps = %v", got)
	}
	if len(got) != len(kindActions)-2 {
		t.Errorf("got %d whole-kind gaps, want %d: %v", len(got), len(kindActions)-2, got)
	}
	for _, g := range n.Gaps {
		if g.Kind == checks.KindSubnets && g.Action != "ec2:DescribeSubnets" {
			t.Errorf("subnet gap action = %q", g.Action)
		}
	}
	if _, err := Network(nil); err == nil {
		t.Error("Network(nil) gave no error")
	}
}

func TestConvertMergesAccountCopies(t *testing.T) {
	n := convertFiles(t, map[string]string{
		"a/tgw.json": `{"TransitGateways": [{"TransitGatewayId": "tgw-1", "OwnerId": "111", "State": "available"}]}`,
		"b/tgw.json": `{"TransitGateways": [{"TransitGatewayId": "tgw-1", "OwnerId": "111", "State": "available", "Tags": [{"Key": "Name", "Value": "hub"}]}]}`,
	})
	if len(n.TransitGateways) != 1 || n.TransitGateways["tgw-1"].Name != "hub" {
		t.Errorf("transit gateways = %+v", n.TransitGateways)
	}
}

func TestConvertMissingIDs(t *testing.T) {
	n, err := Network(mustSnapshot(t, map[string]string{"v.json": `{"Vpcs": [{"CidrBlock": "10.0.0.0/16"}, {"VpcId": "vpc-1"}, {}]}`}))
	if err == nil || err.Error() != "describe-vpcs entry 0: no VpcId\ndescribe-vpcs entry 2: no VpcId" {
		t.Errorf("err = %v", err)
	}
	// Nothing can name an entry without an ID, so the whole kind is
	// incomplete; the entries that do have one are kept.
	var gaps []checks.Gap
	for _, g := range n.Gaps {
		if g.Kind == checks.KindVPCs {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) != 1 || gaps[0].Scope != "" || len(n.VPCs) != 1 {
		t.Errorf("VPC gaps = %+v, VPCs = %v", gaps, n.VPCs)
	}
}

func TestConvertSecurityGroupProblems(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{"sg.json": `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
		{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
		{"IpProtocol": "gre", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
		{"IpProtocol": "tcp", "FromPort": 90, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
		{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.300/32"}, {"CidrIp": "10.0.0.3/32"}]}
	]}]}`})
	n, err := Network(inv)
	want := `security group sg-1: IpPermissions[1]: IpProtocol "gre": expected tcp, udp, icmp, icmpv6, -1 or a number from 0 to 255
security group sg-1: IpPermissions[2]: FromPort-ToPort 90-80: expected ports from 0 to 65535, the first no higher than the last
security group sg-1: IpPermissions[3]: IpRanges[0].CidrIp "10.0.0.300/32": invalid prefix`
	if err == nil || err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
	// The good rules stay, and the group's layer cannot pass on a guess.
	if sg := n.SecurityGroups["sg-1"]; len(sg.Inbound) != 2 || sg.Inbound[1].Peer.CIDR != pfx("10.0.0.3/32") {
		t.Errorf("inbound = %+v", sg.Inbound)
	}
	if !hasGap(n, checks.KindSecurityGroups, "sg-1") {
		t.Errorf("no gap scoped to sg-1: %+v", n.Gaps)
	}
}
