// Benchmarks on a large generated account (compiling, one path, a sweep),
// and the verdicts that account must give.

package checks

import (
	"fmt"
	"net/netip"
	"testing"
)

// largeAccount generates an account of 10 VPCs (10.<v>.0.0/16, all peered
// with the first), 500 subnets, 2,000 security groups and 10,000 ENIs. Every
// subnet has its own route table (local, peering, a NAT default route and a
// handful of on-premises routes) and every tenth subnet its own network ACL
// with a dozen rules.
func largeAccount() *Network {
	n := NewNetwork()
	const vpcs, subnetsPerVPC, groups, enis = 10, 50, 2000, 10000
	for v := 0; v < vpcs; v++ {
		id := fmt.Sprintf("vpc-%04d", v)
		cidr := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), 0, 0}), 16)
		n.VPCs[id] = &VPC{ID: id, CIDRs: []netip.Prefix{cidr}, Region: "us-east-1"}
		n.NetworkACLs["acl-d"+id] = &NetworkACL{ID: "acl-d" + id, VPCID: id, IsDefault: true,
			Inbound:  []NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0")}},
			Outbound: []NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0")}}}
		n.VPNGateways["vgw-"+id] = &VPNGateway{ID: "vgw-" + id, State: "available", VPCIDs: []string{id}}
		n.VPNConnections["vpn-"+id] = &VPNConnection{ID: "vpn-" + id, VGWID: "vgw-" + id, State: "available",
			Tunnels: []VPNTunnel{{OutsideIP: "203.0.113.1", Status: "UP", AcceptedRouteCount: 1}}}
		if v > 0 {
			pid := fmt.Sprintf("pcx-%04d", v)
			n.Peerings[pid] = &Peering{ID: pid, Status: "active",
				Requester: PeeringSide{VPCID: "vpc-0000", Region: "us-east-1", CIDRs: n.VPCs["vpc-0000"].CIDRs},
				Accepter:  PeeringSide{VPCID: id, Region: "us-east-1", CIDRs: []netip.Prefix{cidr}}}
		}
	}
	for v := 0; v < vpcs; v++ {
		vid := fmt.Sprintf("vpc-%04d", v)
		for s := 0; s < subnetsPerVPC; s++ {
			sid := fmt.Sprintf("subnet-%02d%03d", v, s)
			cidr := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(v), byte(s), 0}), 24)
			n.Subnets[sid] = &Subnet{ID: sid, VPCID: vid, CIDR: cidr, AZ: "us-east-1a"}
			rt := &RouteTable{ID: "rtb-" + sid, VPCID: vid, SubnetIDs: []string{sid}, Routes: []Route{
				{Destination: n.VPCs[vid].CIDRs[0], Target: TargetLocal, TargetID: "local", Origin: OriginLocal},
			}}
			for p := 0; p < 8; p++ {
				rt.Routes = append(rt.Routes, Route{Destination: netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(16 + p), 0, 0}), 16),
					Target: TargetVGW, TargetID: "vgw-" + vid, Origin: OriginPropagated})
			}
			if v == 0 {
				for w := 1; w < vpcs; w++ {
					rt.Routes = append(rt.Routes, Route{Destination: n.VPCs[fmt.Sprintf("vpc-%04d", w)].CIDRs[0], Target: TargetPeering,
						TargetID: fmt.Sprintf("pcx-%04d", w), Origin: OriginStatic})
				}
			} else {
				rt.Routes = append(rt.Routes, Route{Destination: n.VPCs["vpc-0000"].CIDRs[0], Target: TargetPeering,
					TargetID: fmt.Sprintf("pcx-%04d", v), Origin: OriginStatic})
			}
			n.RouteTables[rt.ID] = rt
			if s%10 == 0 {
				acl := &NetworkACL{ID: "acl-" + sid, VPCID: vid, SubnetIDs: []string{sid}}
				for r := 0; r < 12; r++ {
					acl.Inbound = append(acl.Inbound, NACLRule{Number: 100 + r*10, Protocol: ProtocolTCP, Allow: r%4 != 3,
						CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(r), 0, 0}), 16), Ports: PortRange{uint16(1000 * r), uint16(1000*r + 999)}})
				}
				acl.Inbound = append(acl.Inbound, NACLRule{Number: 500, Protocol: ProtocolAll, Allow: true, CIDR: pfx("10.0.0.0/8")})
				acl.Outbound = []NACLRule{{Number: 100, Protocol: ProtocolTCP, Allow: true, CIDR: pfx("0.0.0.0/0"), Ports: PortRange{1024, 65535}},
					{Number: 110, Protocol: ProtocolTCP, Allow: true, CIDR: pfx("10.0.0.0/8"), Ports: AllPorts}}
				n.NetworkACLs[acl.ID] = acl
			}
		}
	}
	for g := 0; g < groups; g++ {
		vid := fmt.Sprintf("vpc-%04d", g%vpcs)
		id := fmt.Sprintf("sg-%05d", g)
		sg := &SecurityGroup{ID: id, VPCID: vid, Outbound: []SGRule{{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("0.0.0.0/0")}}}}
		for r := 0; r < 6; r++ {
			port := uint16(8000 + (g+r)%50)
			sg.Inbound = append(sg.Inbound, SGRule{Protocol: ProtocolTCP, Ports: PortRange{port, port},
				Peer: SGPeer{CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(r), byte(g % 50), 0}), 24)}})
		}
		sg.Inbound = append(sg.Inbound, SGRule{Protocol: ProtocolTCP, Ports: PortRange{443, 443}, Peer: SGPeer{GroupID: fmt.Sprintf("sg-%05d", (g+10)%groups)}})
		n.SecurityGroups[id] = sg
	}
	for e := 0; e < enis; e++ {
		v := e % vpcs
		s := (e / vpcs) % subnetsPerVPC
		host := e / (vpcs * subnetsPerVPC)
		id := fmt.Sprintf("eni-%08x", e)
		sid := fmt.Sprintf("subnet-%02d%03d", v, s)
		ip := netip.AddrFrom4([4]byte{10, byte(v), byte(s), byte(10 + host)})
		n.ENIs[id] = &ENI{ID: id, SubnetID: sid, VPCID: fmt.Sprintf("vpc-%04d", v), Status: "in-use", InterfaceType: "interface",
			PrivateIPs:       []PrivateIP{{Addr: ip, Primary: true}},
			SecurityGroupIDs: []string{fmt.Sprintf("sg-%05d", e%groups), fmt.Sprintf("sg-%05d", (e+1)%groups)}, SourceDestCheck: true}
	}
	return n
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		n := largeAccount()
		b.StartTimer()
		n.Compile()
	}
}

func BenchmarkEvaluatePath(b *testing.B) {
	n := largeAccount()
	n.Compile()
	// Across a peering connection into a subnet with its own network ACL.
	q, err := NewQuery("eni-00000001", "10.0.10.10:8001", "tcp", 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Evaluate(n, q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Evaluate(n, q)
	}
}

func BenchmarkSweepSources(b *testing.B) {
	n := largeAccount()
	n.Compile()
	to, _ := ParseEnd("10.0.10.10:8001")
	b.ReportAllocs()
	for b.Loop() {
		res := Sweep(n, to, ProtocolTCP, 8001)
		if len(res) != len(n.ENIs)-1 {
			b.Fatalf("swept %d sources", len(res))
		}
	}
}

func TestLargeAccountVerdicts(t *testing.T) {
	n := largeAccount()
	to, _ := ParseEnd("10.0.10.10:8001")
	res := Sweep(n, to, ProtocolTCP, 8001)
	counts := map[Verdict]int{}
	for _, r := range res {
		counts[r.Verdict]++
	}
	if counts[Reachable] == 0 || counts[Unreachable] == 0 {
		t.Errorf("a realistic sweep has both verdicts: %v", counts)
	}
	if counts[Unknown] != 0 {
		t.Errorf("complete data gives no unknown verdicts: %v", counts)
	}
}

// BenchmarkDiffNetworks compares the large account with a copy that lost
// one inbound rule: every resource of both is described and compared.
func BenchmarkDiffNetworks(b *testing.B) {
	before, after := largeAccount(), largeAccount()
	sg := after.SecurityGroups["sg-00000"]
	if sg == nil || len(sg.Inbound) == 0 {
		b.Fatal("the large account has no sg-00000 with inbound rules")
	}
	sg.Inbound = sg.Inbound[1:]
	changes, _ := DiffNetworks(before, after)
	if len(changes) != 1 {
		b.Fatalf("%d changes, want 1: %+v", len(changes), changes)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = DiffNetworks(before, after)
	}
}
