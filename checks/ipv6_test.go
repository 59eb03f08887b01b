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
	b := ipv6World()
	// The server admits 443 over IPv4 only: IPv6 rules are separate.
	r := check(t, b.n, "eni-client", "[2600:1f18:1:2::20]:443")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail, LayerRoute: StatusPass})
	b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, SGRule{Protocol: ProtocolTCP, Ports: PortRange{443, 443}, Peer: SGPeer{CIDR: pfx("2600:1f18:1::/56")}})
	recompile(b.n)
	r = check(t, b.n, "eni-client", "[2600:1f18:1:2::20]:443")
	expect(t, r, Reachable, nil)

	// IPv4 network ACL rules never match IPv6 packets.
	b2 := ipv6World()
	b2.n.SecurityGroups["sg-server"].Inbound = append(b2.n.SecurityGroups["sg-server"].Inbound, SGRule{Protocol: ProtocolTCP, Ports: PortRange{443, 443}, Peer: SGPeer{CIDR: pfx("::/0")}})
	b2.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{allowAll(100)})
	r = check(t, b2.n, "eni-client", "[2600:1f18:1:2::20]:443")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})

	// Out to the internet over IPv6 through the egress-only gateway; IPv4
	// has no route there.
	r = check(t, b.n, "eni-client", "[2606:4700::1111]:443")
	expect(t, r, Reachable, nil)
	if r.Exit == nil || r.Exit.Gateway != "eigw-1" || r.Exit.Kind != ExitInternet {
		t.Errorf("exit %+v", r.Exit)
	}
	q := mustQuery(t, "eni-client", "2606:4700::1111", "icmpv6", 0)
	if q.ICMPType != 128 {
		t.Errorf("an ICMPv6 query is an echo request (128), got type %d", q.ICMPType)
	}
	// A dual-stack source addressed by IPv4 cannot reach an IPv6 address.
	r = check(t, b.n, "10.0.1.10", "[2606:4700::1111]:443")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
}
