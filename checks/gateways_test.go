package checks

import (
	"net/netip"
	"strings"
	"testing"
)

// internetVPC: vpc-app with a public subnet (route 0/0 → igw-1) holding a
// public NAT gateway, and subnet-a/subnet-b private (0/0 → nat-1).
func internetVPC() *netBuilder {
	b := twoVPCs()
	b.subnet("subnet-pub", "vpc-app", "10.0.0.0/24", "us-east-1a")
	b.n.InternetGateways["igw-1"] = &InternetGateway{ID: "igw-1", VPCIDs: []string{"vpc-app"}}
	b.table("rtb-pub", "vpc-app", "subnet-pub")
	b.route("rtb-pub", "0.0.0.0/0", TargetIGW, "igw-1")
	b.n.NATGateways["nat-1"] = &NATGateway{ID: "nat-1", VPCID: "vpc-app", SubnetID: "subnet-pub", State: "available", Public: true,
		ENIID: "eni-nat", PrivateIP: addr("10.0.0.5"), PublicIP: addr("54.0.0.5")}
	nat := b.eni("eni-nat", "subnet-pub", "10.0.0.5")
	nat.InterfaceType, nat.SourceDestCheck, nat.RequesterManaged = "nat_gateway", false, true
	nat.PrivateIPs[0].Public = addr("54.0.0.5")
	b.route("rtb-main-vpc-app", "0.0.0.0/0", TargetNAT, "nat-1")
	b.sg("sg-web", "vpc-app", tcpFrom(443, "0.0.0.0/0"))
	web := b.eni("eni-web", "subnet-pub", "10.0.0.10", "sg-web")
	web.PrivateIPs[0].Public = addr("54.0.0.10")
	return b
}

func TestInternetThroughNATGateway(t *testing.T) {
	b := internetVPC()
	r := check(t, b.n, "eni-client", "93.184.216.34:443")
	expect(t, r, Reachable, map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass, LayerSecurityGroup: StatusPass})
	if r.Exit == nil || r.Exit.Gateway != "igw-1" || r.Exit.Kind != ExitInternet {
		t.Fatalf("exit = %+v", r.Exit)
	}
	var kinds []string
	for _, h := range r.Hops {
		kinds = append(kinds, h.Component)
	}
	if !strings.Contains(strings.Join(kinds, ","), "nat-1") {
		t.Errorf("hops %v should pass nat-1", kinds)
	}
}

func TestNATGatewayReplyNeedsItsOwnSubnetACL(t *testing.T) {
	b := internetVPC()
	// The public subnet admits replies only on 32768-60999 inbound, but the
	// NAT gateway's replies arrive on 1024-65535.
	b.acl("acl-pub", "vpc-app", []string{"subnet-pub"},
		[]NACLRule{naclTCP(100, true, "10.0.0.0/16", 0, 65535), naclTCP(110, true, "0.0.0.0/0", 32768, 60999)},
		[]NACLRule{allowAll(100)})
	r := check(t, b.n, "eni-client", "93.184.216.34:443")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})
	f := finding(r, LayerNACL, "SUBNET_ACL_RESTRICTION")
	if f.Component != "acl-pub" || f.Direction != Return || !strings.Contains(f.Detail, "blocks 1024-32767, 61000-65535") {
		t.Errorf("%s", dump(r))
	}
}

func TestInternetGatewayNeedsPublicIP(t *testing.T) {
	b := internetVPC()
	b.eni("eni-nopub", "subnet-pub", "10.0.0.11", "sg-client")
	r := check(t, b.n, "eni-nopub", "93.184.216.34:443")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	if f := finding(r, LayerRoute, "NO_PUBLIC_IP"); f == nil || f.Component != "igw-1" {
		t.Errorf("%s", dump(r))
	}
	r = check(t, b.n, "eni-web", "93.184.216.34:443")
	expect(t, r, Reachable, nil)
}

func TestInternetToPublicIP(t *testing.T) {
	b := internetVPC()
	r := check(t, b.n, "203.0.113.9", "54.0.0.10:443")
	expect(t, r, Reachable, map[string]Status{LayerSecurityGroup: StatusPass})
	r = check(t, b.n, "203.0.113.9", "54.0.0.10:22")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
	// The NAT gateway's public address admits no unsolicited connection.
	r = check(t, b.n, "203.0.113.9", "54.0.0.5:443")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	// A private address is not reachable from the internet.
	r = check(t, b.n, "203.0.113.9", "10.0.0.10:443")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
}

func TestSecurityGroupReferenceNeverMatchesPublicTraffic(t *testing.T) {
	b := internetVPC()
	b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(443, "sg-client")}
	// eni-client reaches web's public address through the NAT: the source is
	// the NAT's public address, which no reference matches.
	r := check(t, b.n, "eni-client", "54.0.0.10:443")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
	r = check(t, b.n, "eni-client", "10.0.0.10:443")
	expect(t, r, Reachable, nil)
}

func TestPrivateNATGatewayCannotUseIGW(t *testing.T) {
	b := internetVPC()
	b.n.NATGateways["nat-1"].Public = false
	r := check(t, b.n, "eni-client", "93.184.216.34:443")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	if finding(r, LayerRoute, "PRIVATE_NAT_TO_IGW") == nil {
		t.Errorf("%s", dump(r))
	}
}

func TestNATGatewayProtocols(t *testing.T) {
	b := internetVPC()
	q := mustQuery(t, "eni-client", "93.184.216.34", "47", 0)
	r, _ := Evaluate(b.n, q)
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	q = mustQuery(t, "eni-client", "93.184.216.34", "icmp", 0)
	r, _ = Evaluate(b.n, q)
	expect(t, r, Reachable, nil)
}

// natInstance: the private subnet routes 0/0 to an instance in the public
// subnet that forwards to the internet gateway.
func natInstance(check bool) *netBuilder {
	b := internetVPC()
	rt := b.n.RouteTables["rtb-main-vpc-app"]
	rt.Routes = rt.Routes[:len(rt.Routes)-1]
	b.sg("sg-natinst", "vpc-app", SGRule{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}})
	e := b.eni("eni-natinst", "subnet-pub", "10.0.0.20", "sg-natinst")
	e.InstanceID, e.SourceDestCheck = "i-natinst", check
	e.PrivateIPs[0].Public = addr("54.0.0.20")
	b.n.Instances["i-natinst"] = &Instance{ID: "i-natinst", ENIIDs: []string{"eni-natinst"}, State: "running"}
	r := b.route("rtb-main-vpc-app", "0.0.0.0/0", TargetInstance, "i-natinst")
	r.InstanceID = "i-natinst"
	return b
}

func TestNATInstanceSourceDestCheck(t *testing.T) {
	r := check(t, natInstance(true).n, "eni-client", "93.184.216.34:443")
	expect(t, r, Unreachable, map[string]Status{LayerSourceDestCheck: StatusFail, LayerRoute: StatusPass})
	f := finding(r, LayerSourceDestCheck, "SOURCE_DEST_CHECK_ENABLED")
	if f == nil || f.Component != "eni-natinst" || f.Fix != "aws ec2 modify-network-interface-attribute --network-interface-id eni-natinst --no-source-dest-check" {
		t.Fatalf("%s", dump(r))
	}
	if r.BlockedBy.Layer != LayerSourceDestCheck {
		t.Errorf("blocked_by %+v", r.BlockedBy)
	}
	r = check(t, natInstance(false).n, "eni-client", "93.184.216.34:443")
	expect(t, r, Reachable, map[string]Status{LayerSourceDestCheck: StatusPass})
}

func TestApplianceMoreSpecificThanLocal(t *testing.T) {
	b := twoVPCs()
	b.subnet("subnet-fw", "vpc-app", "10.0.9.0/24", "us-east-1a")
	b.sg("sg-fw", "vpc-app", SGRule{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}})
	fw := b.eni("eni-fw", "subnet-fw", "10.0.9.9", "sg-fw")
	fw.SourceDestCheck = false
	// subnet-a sends subnet-b's traffic through the firewall; the firewall's
	// subnet uses the main table (local).
	b.table("rtb-a", "vpc-app", "subnet-a")
	b.route("rtb-a", "10.0.2.0/24", TargetENI, "eni-fw")
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Reachable, map[string]Status{LayerSourceDestCheck: StatusPass})
	var comps []string
	for _, h := range r.Hops {
		comps = append(comps, h.Component)
	}
	if !strings.Contains(strings.Join(comps, ","), "eni-fw") {
		t.Errorf("hops %v should pass eni-fw", comps)
	}
	// Through a middlebox, a reference to the client's group no longer matches.
	b.n.SecurityGroups["sg-server"].Inbound = []SGRule{tcpFromGroup(443, "sg-client")}
	r = check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
}

// tgwWorld: vpc-app and vpc-data attached to tgw-1 (attachment subnets in
// us-east-1a only), one route table with both propagations.
func tgwWorld() *netBuilder {
	b := twoVPCs()
	delete(b.n.Peerings, "pcx-1")
	b.n.RouteTables["rtb-main-vpc-app"].Routes = b.n.RouteTables["rtb-main-vpc-app"].Routes[:1]
	b.n.RouteTables["rtb-main-vpc-data"].Routes = b.n.RouteTables["rtb-main-vpc-data"].Routes[:1]
	b.n.SecurityGroups["sg-peer"].Inbound = []SGRule{tcpFrom(5432, "10.0.0.0/16")}
	b.n.TransitGateways["tgw-1"] = &TransitGateway{ID: "tgw-1", State: "available"}
	b.n.TransitGatewayAttachments["tgw-attach-app"] = &TransitGatewayAttachment{ID: "tgw-attach-app", TGWID: "tgw-1", ResourceType: "vpc", ResourceID: "vpc-app",
		State: "available", RouteTableID: "tgw-rtb-1", AssociationState: "associated", SubnetIDs: []string{"subnet-a"}}
	b.n.TransitGatewayAttachments["tgw-attach-data"] = &TransitGatewayAttachment{ID: "tgw-attach-data", TGWID: "tgw-1", ResourceType: "vpc", ResourceID: "vpc-data",
		State: "available", RouteTableID: "tgw-rtb-1", AssociationState: "associated", SubnetIDs: []string{"subnet-d"}}
	b.n.TransitGatewayRouteTables["tgw-rtb-1"] = &TransitGatewayRouteTable{ID: "tgw-rtb-1", TGWID: "tgw-1", RoutesKnown: true,
		Propagations: []string{"tgw-attach-app", "tgw-attach-data"}}
	b.route("rtb-main-vpc-app", "10.1.0.0/16", TargetTGW, "tgw-1")
	b.route("rtb-main-vpc-data", "10.0.0.0/16", TargetTGW, "tgw-1")
	return b
}

func TestTransitGateway(t *testing.T) {
	b := tgwWorld()
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Reachable, map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass})

	// A source in an AZ where the attachment has no subnet is not served.
	b.eni("eni-clientb", "subnet-b", "10.0.2.21", "sg-client")
	r = check(t, b.n, "eni-clientb", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	if finding(r, LayerRoute, "TGW_NO_ATTACHMENT_IN_AZ") == nil {
		t.Errorf("%s", dump(r))
	}
}

func TestTransitGatewayPropagationMissing(t *testing.T) {
	b := tgwWorld()
	b.n.TransitGatewayRouteTables["tgw-rtb-1"].Propagations = []string{"tgw-attach-app"}
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	f := finding(r, LayerRoute, "NO_ROUTE_TO_DESTINATION")
	if f == nil || f.Component != "tgw-rtb-1" {
		t.Errorf("%s", dump(r))
	}
}

func TestTransitGatewayStaticBlackholeBeatsPropagated(t *testing.T) {
	b := tgwWorld()
	tt := b.n.TransitGatewayRouteTables["tgw-rtb-1"]
	tt.Routes = append(tt.Routes, TGWRoute{Destination: pfx("10.1.0.0/16"), Static: true, Blackhole: true})
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	if f := finding(r, LayerRoute, "BAD_STATE_ROUTE"); f == nil || f.Component != "tgw-rtb-1" {
		t.Errorf("%s", dump(r))
	}
}

func TestTransitGatewayAttachmentSubnetACL(t *testing.T) {
	b := tgwWorld()
	// The data VPC's attachment lives in its own subnet; that subnet's
	// outbound rules apply to traffic from the transit gateway.
	b.subnet("subnet-tgw", "vpc-data", "10.1.9.0/28", "us-east-1a")
	b.n.TransitGatewayAttachments["tgw-attach-data"].SubnetIDs = []string{"subnet-tgw"}
	b.acl("acl-tgw", "vpc-data", []string{"subnet-tgw"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 80, 80)})
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})
	if f := finding(r, LayerNACL, "SUBNET_ACL_RESTRICTION"); f == nil || f.Component != "acl-tgw" || f.Direction != Forward {
		t.Errorf("%s", dump(r))
	}
}

func TestTransitGatewaySecurityGroupReferencing(t *testing.T) {
	b := tgwWorld()
	b.n.SecurityGroups["sg-peer"].Inbound = []SGRule{tcpFromGroup(5432, "sg-client")}
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
	b.n.TransitGateways["tgw-1"].SGReferencing = true
	for _, a := range b.n.TransitGatewayAttachments {
		a.SGReferencing = true
	}
	r = check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Reachable, nil)
}

func TestVPNExitAndReturn(t *testing.T) {
	b := twoVPCs()
	b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
	b.route("rtb-main-vpc-app", "172.16.0.0/12", TargetVGW, "vgw-1")
	r := check(t, b.n, "eni-client", "172.16.5.10:22")
	expect(t, r, Reachable, nil)
	if r.Exit == nil || r.Exit.Kind != ExitOnPrem || r.Exit.Gateway != "vgw-1" {
		t.Errorf("exit %+v", r.Exit)
	}
	// Detached gateway.
	b.n.VPNGateways["vgw-1"].VPCIDs = nil
	recompile(b.n)
	r = check(t, b.n, "eni-client", "172.16.5.10:22")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
}

func TestOnPremisesSourceThroughVGW(t *testing.T) {
	b := twoVPCs()
	b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
	b.route("rtb-main-vpc-app", "172.16.0.0/12", TargetVGW, "vgw-1")
	b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, tcpFrom(443, "172.16.0.0/12"))
	r := check(t, b.n, "172.16.5.10", "10.0.2.20:443")
	expect(t, r, Reachable, nil)
	r = check(t, b.n, "172.16.5.10", "10.0.2.20:22")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
}

func TestGatewayEndpointPrefixList(t *testing.T) {
	b := twoVPCs()
	b.n.PrefixLists["pl-s3"] = &PrefixList{ID: "pl-s3", Name: "com.amazonaws.us-east-1.s3", CIDRs: []netip.Prefix{pfx("52.216.0.0/15")}}
	b.n.Endpoints["vpce-s3"] = &Endpoint{ID: "vpce-s3", Type: "Gateway", State: "available", VPCID: "vpc-app", ServiceName: "com.amazonaws.us-east-1.s3"}
	b.route("rtb-main-vpc-app", "pl-s3", TargetEndpoint, "vpce-s3")
	r := check(t, b.n, "eni-client", "52.216.10.10:443")
	expect(t, r, Reachable, nil)
	if r.Exit == nil || r.Exit.Kind != ExitAWSService || r.Exit.Gateway != "vpce-s3" {
		t.Errorf("exit %+v", r.Exit)
	}
	// Other public addresses have no route from this private subnet.
	r = check(t, b.n, "eni-client", "54.222.57.1:443")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
}

func TestICMPEchoAndNACLTypes(t *testing.T) {
	b := twoVPCs()
	b.n.SecurityGroups["sg-server"].Inbound = []SGRule{{Protocol: ProtocolICMP, ICMPType: 8, ICMPCode: -1, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}}}
	b.acl("acl-b", "vpc-app", []string{"subnet-b"},
		[]NACLRule{{Number: 100, Protocol: ProtocolICMP, Allow: true, CIDR: pfx("0.0.0.0/0"), ICMPType: 8, ICMPCode: -1}},
		[]NACLRule{{Number: 100, Protocol: ProtocolICMP, Allow: true, CIDR: pfx("0.0.0.0/0"), ICMPType: 0, ICMPCode: -1}})
	q := mustQuery(t, "eni-client", "10.0.2.20", "icmp", 0)
	r, _ := Evaluate(b.n, q)
	expect(t, r, Reachable, nil)
	// Echo replies (type 0) denied on the way out.
	b.n.NetworkACLs["acl-b"].Outbound[0].ICMPType = 3
	recompile(b.n)
	r, _ = Evaluate(b.n, q)
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})
}

func TestAllProtocolsNeedsAllProtocolRules(t *testing.T) {
	b := twoVPCs()
	q := mustQuery(t, "eni-client", "10.0.2.20", "all", 0)
	r, _ := Evaluate(b.n, q)
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
	b.n.SecurityGroups["sg-server"].Inbound = []SGRule{{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}}}
	r, _ = Evaluate(b.n, q)
	expect(t, r, Reachable, nil)
	// A deny of one protocol ahead of an allow-all blocks part of "all".
	b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{naclTCP(50, false, "0.0.0.0/0", 22, 22), allowAll(100)}, []NACLRule{allowAll(100)})
	recompile(b.n)
	r, _ = Evaluate(b.n, q)
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})
}

func TestOtherProtocolIgnoresPorts(t *testing.T) {
	b := twoVPCs()
	b.n.SecurityGroups["sg-server"].Inbound = []SGRule{{Protocol: 50, Ports: PortRange{1, 1}, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}}}
	q := mustQuery(t, "eni-client", "10.0.2.20", "50", 0)
	r, _ := Evaluate(b.n, q)
	expect(t, r, Reachable, nil)
}

func TestInputErrors(t *testing.T) {
	b := twoVPCs()
	for _, tc := range []struct{ from, to string }{
		{"eni-nothere", "10.0.2.20:443"},
		{"eni-client", "eni-nothere:443"},
		{"i-nothere", "10.0.2.20:443"},
	} {
		q := mustQuery(t, tc.from, tc.to, "tcp", 0)
		if _, err := Evaluate(b.n, q); err == nil {
			t.Errorf("%s → %s: want an input error", tc.from, tc.to)
		} else if _, ok := err.(*InputError); !ok {
			t.Errorf("%s → %s: %T %v", tc.from, tc.to, err, err)
		}
	}
	// Missing data turns the same into a data error (unknown, not bad input).
	b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkInterfaces, Reason: "AccessDenied"})
	recompile(b.n)
	if _, err := Evaluate(b.n, mustQuery(t, "eni-nothere", "10.0.2.20:443", "tcp", 0)); err == nil {
		t.Error("want an error")
	} else if _, ok := err.(*DataError); !ok {
		t.Errorf("%T %v", err, err)
	}
}

func TestHairpinThroughTheInternetToOwnPublicIP(t *testing.T) {
	b := internetVPC()
	// Out through the NAT gateway, in again through the internet gateway
	// to web's public address; the reply goes to the NAT's Elastic IP and
	// back through the NAT to the client.
	r := check(t, b.n, "eni-client", "54.0.0.10:443")
	expect(t, r, Reachable, map[string]Status{LayerRoute: StatusPass, LayerSecurityGroup: StatusPass})
	var reply []string
	for _, d := range r.Layer(LayerRoute).Decisions {
		if d.Direction == Return {
			reply = append(reply, d.Component)
		}
	}
	if !strings.Contains(strings.Join(reply, ","), "igw-1") {
		t.Errorf("the reply should come back through igw-1 and the NAT: %v", reply)
	}
}
