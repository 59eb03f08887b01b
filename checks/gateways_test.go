// Gateway cases: internet and NAT gateways, NAT instances and appliances,
// transit gateways, VPN gateways, gateway and interface endpoints, and the
// states of gateways and endpoints.

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

// applianceVPC: subnet-a sends subnet-b's traffic through a firewall
// (eni-fw, source/destination check off) in subnet-fw, more specific than
// the local route; the firewall's subnet uses the main table (local).
func applianceVPC() *netBuilder {
	b := twoVPCs()
	b.subnet("subnet-fw", "vpc-app", "10.0.9.0/24", "us-east-1a")
	b.sg("sg-fw", "vpc-app", SGRule{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}})
	fw := b.eni("eni-fw", "subnet-fw", "10.0.9.9", "sg-fw")
	fw.SourceDestCheck = false
	b.table("rtb-a", "vpc-app", "subnet-a")
	b.route("rtb-a", "10.0.2.0/24", TargetENI, "eni-fw")
	return b
}

func TestGateways(t *testing.T) {
	// publicSubnetACL admits replies in the public subnet only on
	// 32768-60999, but the NAT gateway's replies arrive on 1024-65535.
	publicSubnetACL := func(b *netBuilder) {
		b.acl("acl-pub", "vpc-app", []string{"subnet-pub"},
			[]NACLRule{naclTCP(100, true, "10.0.0.0/16", 0, 65535), naclTCP(110, true, "0.0.0.0/0", 32768, 60999)},
			[]NACLRule{allowAll(100)})
	}
	noPublicIP := func(b *netBuilder) { b.eni("eni-nopub", "subnet-pub", "10.0.0.11", "sg-client") }
	onPremises := func(b *netBuilder) {
		b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
		b.route("rtb-main-vpc-app", "172.16.0.0/12", TargetVGW, "vgw-1")
	}
	onPremisesAdmitted := func(b *netBuilder) {
		onPremises(b)
		b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, tcpFrom(443, "172.16.0.0/12"))
	}
	s3Endpoint := func(b *netBuilder) {
		b.n.PrefixLists["pl-s3"] = &PrefixList{ID: "pl-s3", Name: "com.amazonaws.us-east-1.s3", CIDRs: []netip.Prefix{pfx("52.216.0.0/15")}}
		b.n.Endpoints["vpce-s3"] = &Endpoint{ID: "vpce-s3", Type: "Gateway", State: "available", VPCID: "vpc-app", ServiceName: "com.amazonaws.us-east-1.s3"}
		b.route("rtb-main-vpc-app", "pl-s3", TargetEndpoint, "vpce-s3")
	}
	runPaths(t, []pathCase{
		{
			name:  "to the internet through a NAT gateway",
			world: internetVPC,
			from:  "eni-client", to: "93.184.216.34:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass, LayerSecurityGroup: StatusPass},
			exit:     &Exit{Gateway: "igw-1", Kind: ExitInternet},
			hops:     []string{"nat-1"},
		},
		{
			name:  "the NAT gateway's replies need its own subnet's ACL",
			world: internetVPC, change: publicSubnetACL,
			from: "eni-client", to: "93.184.216.34:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail},
			findings: []wantFinding{{layer: LayerNACL, code: "SUBNET_ACL_RESTRICTION", component: "acl-pub", direction: Return,
				detail: []string{"blocks 1024-32767, 61000-65535"}}},
		},
		{
			name:  "an internet gateway needs a public address",
			world: internetVPC, change: noPublicIP,
			from: "eni-nopub", to: "93.184.216.34:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "NO_PUBLIC_IP", component: "igw-1"}},
		},
		{
			name:  "an interface with a public address goes out through the internet gateway",
			world: internetVPC, change: noPublicIP,
			from: "eni-web", to: "93.184.216.34:443",
			verdict: Reachable,
		},
		{
			name:  "from outside to a private address whose subnet routes the reply through a NAT gateway",
			world: internetVPC, change: func(b *netBuilder) { b.n.SecurityGroups["sg-server"].Inbound = []SGRule{tcpFrom(443, "0.0.0.0/0")} },
			from: "203.0.113.9", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "NAT_GATEWAY_NO_INBOUND", component: "rtb-main-vpc-app", detail: []string{"nat-1", "only connections opened from inside"}}},
		},
		{
			name:  "the same NAT route with its NAT gateway not read still decides: the route names it",
			world: internetVPC, change: func(b *netBuilder) { delete(b.n.NATGateways, "nat-1") },
			from: "203.0.113.9", to: "10.0.2.20:443",
			verdict:  Unreachable,
			findings: []wantFinding{{layer: LayerRoute, code: "NAT_GATEWAY_NO_INBOUND", component: "rtb-main-vpc-app"}},
		},
		{
			name:  "from the internet to a public address its group admits",
			world: internetVPC,
			from:  "203.0.113.9", to: "54.0.0.10:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusPass},
		},
		{
			name:  "from the internet to a public address on a port its group refuses",
			world: internetVPC,
			from:  "203.0.113.9", to: "54.0.0.10:22",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
		},
		{
			name:  "a NAT gateway's public address admits no unsolicited connection",
			world: internetVPC,
			from:  "203.0.113.9", to: "54.0.0.5:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
		},
		{
			name:  "a private address is not reachable from the internet",
			world: internetVPC,
			from:  "203.0.113.9", to: "10.0.0.10:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
		},
		{
			name:   "a private NAT gateway cannot use the internet gateway",
			world:  internetVPC,
			change: func(b *netBuilder) { b.n.NATGateways["nat-1"].Public = false },
			from:   "eni-client", to: "93.184.216.34:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "PRIVATE_NAT_TO_IGW"}},
		},
		{
			name:  "a NAT gateway does not translate GRE",
			world: internetVPC,
			from:  "eni-client", to: "93.184.216.34", proto: "47",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
		},
		{
			name:  "a NAT gateway translates ICMP",
			world: internetVPC,
			from:  "eni-client", to: "93.184.216.34", proto: "icmp",
			verdict: Reachable,
		},
		{
			name:  "a NAT instance with its source/destination check on drops the packet",
			world: func() *netBuilder { return natInstance(true) },
			from:  "eni-client", to: "93.184.216.34:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSourceDestCheck: StatusFail, LayerRoute: StatusPass},
			findings: []wantFinding{{layer: LayerSourceDestCheck, code: "SOURCE_DEST_CHECK_ENABLED", component: "eni-natinst",
				fixIs: "aws ec2 modify-network-interface-attribute --network-interface-id eni-natinst --no-source-dest-check"}},
			blocked: &Blocked{Layer: LayerSourceDestCheck},
		},
		{
			name:  "a NAT instance with its source/destination check off forwards",
			world: func() *netBuilder { return natInstance(false) },
			from:  "eni-client", to: "93.184.216.34:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerSourceDestCheck: StatusPass},
		},
		{
			name:  "an appliance route more specific than the local route",
			world: applianceVPC,
			from:  "eni-client", to: "10.0.2.20:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerSourceDestCheck: StatusPass},
			hops:     []string{"eni-fw"},
		},
		{
			name:  "through a transit gateway",
			world: tgwWorld,
			from:  "eni-client", to: "10.1.1.30:5432",
			verdict:  Reachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass},
		},
		{
			name:   "a transit gateway does not serve a zone where its attachment has no subnet",
			world:  tgwWorld,
			change: func(b *netBuilder) { b.eni("eni-clientb", "subnet-b", "10.0.2.21", "sg-client") },
			from:   "eni-clientb", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "TGW_NO_ATTACHMENT_IN_AZ"}},
		},
		{
			name:  "a transit gateway route table without the destination's propagation",
			world: tgwWorld,
			change: func(b *netBuilder) {
				b.n.TransitGatewayRouteTables["tgw-rtb-1"].Propagations = []string{"tgw-attach-app"}
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "NO_ROUTE_TO_DESTINATION", component: "tgw-rtb-1"}},
		},
		{
			name:  "a static transit gateway blackhole beats a propagated route",
			world: tgwWorld,
			change: func(b *netBuilder) {
				tt := b.n.TransitGatewayRouteTables["tgw-rtb-1"]
				tt.Routes = append(tt.Routes, TGWRoute{Destination: pfx("10.1.0.0/16"), Static: true, Blackhole: true})
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "BAD_STATE_ROUTE", component: "tgw-rtb-1"}},
		},
		{
			// The data VPC's attachment lives in its own subnet; that
			// subnet's outbound rules apply to traffic from the transit
			// gateway.
			name:  "the transit gateway attachment subnet's ACL",
			world: tgwWorld,
			change: func(b *netBuilder) {
				b.subnet("subnet-tgw", "vpc-data", "10.1.9.0/28", "us-east-1a")
				b.n.TransitGatewayAttachments["tgw-attach-data"].SubnetIDs = []string{"subnet-tgw"}
				b.acl("acl-tgw", "vpc-data", []string{"subnet-tgw"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 80, 80)})
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail},
			findings: []wantFinding{{layer: LayerNACL, code: "SUBNET_ACL_RESTRICTION", component: "acl-tgw", direction: Forward}},
		},
		{
			name:   "out through a VPN gateway and back",
			change: onPremises,
			from:   "eni-client", to: "172.16.5.10:22",
			verdict: Reachable,
			exit:    &Exit{Gateway: "vgw-1", Kind: ExitOnPrem},
		},
		{
			name: "a detached VPN gateway",
			change: func(b *netBuilder) {
				onPremises(b)
				b.n.VPNGateways["vgw-1"].VPCIDs = nil
			},
			from: "eni-client", to: "172.16.5.10:22",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
		},
		{
			name:   "an on-premises source through the VPN gateway",
			change: onPremisesAdmitted,
			from:   "172.16.5.10", to: "10.0.2.20:443",
			verdict: Reachable,
		},
		{
			name:   "an on-premises source on a port the group refuses",
			change: onPremisesAdmitted,
			from:   "172.16.5.10", to: "10.0.2.20:22",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
		},
		{
			name:   "a gateway endpoint routed by its prefix list",
			change: s3Endpoint,
			from:   "eni-client", to: "52.216.10.10:443",
			verdict: Reachable,
			exit:    &Exit{Gateway: "vpce-s3", Kind: ExitAWSService},
		},
		{
			name:   "other public addresses have no route from a private subnet",
			change: s3Endpoint,
			from:   "eni-client", to: "54.222.57.1:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
		},
		{
			// Out through the NAT gateway, in again through the internet
			// gateway to web's public address; the reply goes to the NAT's
			// Elastic IP and back through the NAT to the client.
			name:  "a hairpin through the internet to the account's own public address",
			world: internetVPC,
			from:  "eni-client", to: "54.0.0.10:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerSecurityGroup: StatusPass},
			verify: func(t *testing.T, r Report) {
				var reply []string
				for _, d := range r.Layer(LayerRoute).Decisions {
					if d.Direction == Return {
						reply = append(reply, d.Component)
					}
				}
				if !strings.Contains(strings.Join(reply, ","), "igw-1") {
					t.Errorf("the reply should come back through igw-1 and the NAT: %v", reply)
				}
			},
		},
	})
}

// TestGatewayAndEndpointStates covers the states that decide a hop beyond
// its configuration: a transit gateway that is not available, an
// interface endpoint that is not available.
func TestGatewayAndEndpointStates(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(b *netBuilder)
		from, to string
		verdict  Verdict
		layer    string
		code     string
	}{
		{name: "transit gateway available", setup: func(b *netBuilder) {}, from: "eni-client", to: "10.1.1.30:5432", verdict: Reachable},
		{name: "transit gateway modifying keeps forwarding", setup: func(b *netBuilder) { b.n.TransitGateways["tgw-1"].State = "modifying" },
			from: "eni-client", to: "10.1.1.30:5432", verdict: Reachable},
		{name: "transit gateway deleting", setup: func(b *netBuilder) { b.n.TransitGateways["tgw-1"].State = "deleting" },
			from: "eni-client", to: "10.1.1.30:5432", verdict: Unreachable, layer: LayerRoute, code: "BAD_STATE"},
		{name: "interface endpoint available", setup: func(b *netBuilder) { withEndpoint(b, true) },
			from: "eni-client", to: "10.0.2.150:443", verdict: Reachable},
		{name: "interface endpoint pending acceptance", setup: func(b *netBuilder) { withEndpoint(b, true).State = "pendingAcceptance" },
			from: "eni-client", to: "10.0.2.150:443", verdict: Unreachable, layer: LayerService, code: "BAD_STATE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tgwWorld()
			tc.setup(b)
			recompile(b.n)
			r := check(t, b.n, tc.from, tc.to)
			if r.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s\n%s", r.Verdict, tc.verdict, dump(r))
			}
			if tc.code != "" && finding(r, tc.layer, tc.code) == nil {
				t.Errorf("no %s finding %s\n%s", tc.layer, tc.code, dump(r))
			}
		})
	}
}
