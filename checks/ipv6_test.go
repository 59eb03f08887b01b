// IPv6 cases: separate IPv6 rules, the egress-only internet gateway, and
// ICMPv6 queries.

package checks

import (
	"net/netip"
	"testing"
)

// ipv6World: vpc-app with 2600:1f18:1::/56; subnets a and b carry /64s,
// the client and server dual-stack; subnet a routes ::/0 to an egress-only
// internet gateway and 0.0.0.0/0 nowhere.
func ipv6World() *netBuilder {
	b := twoVPCs()
	v := b.n.VPCs["vpc-app"]
	v.IPv6CIDRs = []netip.Prefix{pfx("2600:1f18:1::/56")}
	b.n.Subnets["subnet-a"].IPv6CIDRs = []netip.Prefix{pfx("2600:1f18:1:1::/64")}
	b.n.Subnets["subnet-b"].IPv6CIDRs = []netip.Prefix{pfx("2600:1f18:1:2::/64")}
	b.n.ENIs["eni-client"].IPv6 = []netip.Addr{addr("2600:1f18:1:1::10")}
	b.n.ENIs["eni-server"].IPv6 = []netip.Addr{addr("2600:1f18:1:2::20")}
	rt := b.n.RouteTables["rtb-main-vpc-app"]
	rt.Routes = append(rt.Routes, Route{Destination: pfx("2600:1f18:1::/56"), Target: TargetLocal, TargetID: "local", Origin: OriginLocal},
		Route{Destination: pfx("::/0"), Target: TargetEIGW, TargetID: "eigw-1", Origin: OriginStatic})
	b.n.EgressOnlyInternetGateways["eigw-1"] = &EgressOnlyInternetGateway{ID: "eigw-1", VPCIDs: []string{"vpc-app"}}
	acl := b.n.NetworkACLs["acl-default-vpc-app"]
	acl.Inbound = append(acl.Inbound, NACLRule{Number: 101, Protocol: ProtocolAll, Allow: true, CIDR: pfx("::/0")})
	acl.Outbound = append(acl.Outbound, NACLRule{Number: 101, Protocol: ProtocolAll, Allow: true, CIDR: pfx("::/0")})
	b.n.SecurityGroups["sg-client"].Outbound = append(b.n.SecurityGroups["sg-client"].Outbound, SGRule{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("::/0")}})
	return b
}

func TestIPv6(t *testing.T) {
	// serverAdmits adds an inbound IPv6 rule for 443 to the server's group.
	serverAdmits := func(cidr string) func(b *netBuilder) {
		return func(b *netBuilder) {
			b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, SGRule{Protocol: ProtocolTCP, Ports: PortRange{443, 443}, Peer: SGPeer{CIDR: pfx(cidr)}})
		}
	}
	runPaths(t, []pathCase{
		{
			name:  "IPv6 rules are separate: the server admits 443 over IPv4 only",
			world: ipv6World,
			from:  "eni-client", to: "[2600:1f18:1:2::20]:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail, LayerRoute: StatusPass},
		},
		{
			name:  "an IPv6 rule admits IPv6",
			world: ipv6World, change: serverAdmits("2600:1f18:1::/56"),
			from: "eni-client", to: "[2600:1f18:1:2::20]:443",
			verdict: Reachable,
		},
		{
			name:  "IPv4 network ACL rules never match IPv6 packets",
			world: ipv6World,
			change: func(b *netBuilder) {
				serverAdmits("::/0")(b)
				b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{allowAll(100)})
			},
			from: "eni-client", to: "[2600:1f18:1:2::20]:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail},
		},
		{
			// IPv4 has no route there.
			name:  "out to the internet over IPv6 through the egress-only gateway",
			world: ipv6World, change: serverAdmits("2600:1f18:1::/56"),
			from: "eni-client", to: "[2606:4700::1111]:443",
			verdict: Reachable,
			exit:    &Exit{Gateway: "eigw-1", Kind: ExitInternet},
		},
		{
			name:  "the internet cannot open an IPv6 connection through an egress-only gateway",
			world: ipv6World, change: serverAdmits("::/0"),
			from: "2606:4700::1111", to: "[2600:1f18:1:2::20]:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "EGRESS_ONLY_NO_INBOUND", component: "rtb-main-vpc-app", detail: []string{"eigw-1"}}},
		},
		{
			name:  "a dual-stack source addressed by IPv4 cannot reach an IPv6 address",
			world: ipv6World, change: serverAdmits("2600:1f18:1::/56"),
			from: "10.0.1.10", to: "[2606:4700::1111]:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
		},
	})
}

func TestICMPv6QueryIsAnEchoRequest(t *testing.T) {
	q := mustQuery(t, "eni-client", "2606:4700::1111", "icmpv6", 0)
	if q.ICMPType != 128 {
		t.Errorf("an ICMPv6 query is an echo request (128), got type %d", q.ICMPType)
	}
}
