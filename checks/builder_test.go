// The network builder the package's tests share (twoVPCs, the base world),
// and the helpers that check a path and read its report.

package checks

import (
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// recompile forgets the compiled indexes after a test changed the network.
func recompile(n *Network) {
	n.once = sync.Once{}
	n.index = nil
}

// netBuilder builds small networks for table tests. Every subnet gets an
// allow-all default network ACL unless a test replaces it.
type netBuilder struct {
	n *Network
}

func newNet() *netBuilder { return &netBuilder{n: NewNetwork()} }

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

func (b *netBuilder) vpc(id, cidr string) *VPC {
	v := &VPC{ID: id, CIDRs: []netip.Prefix{pfx(cidr)}, Region: "us-east-1"}
	b.n.VPCs[id] = v
	b.n.RouteTables["rtb-main-"+id] = &RouteTable{ID: "rtb-main-" + id, VPCID: id, Main: true,
		Routes: []Route{{Destination: pfx(cidr), Target: TargetLocal, TargetID: "local", Origin: OriginLocal}}}
	b.n.NetworkACLs["acl-default-"+id] = &NetworkACL{ID: "acl-default-" + id, VPCID: id, IsDefault: true,
		Inbound:  []NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0")}},
		Outbound: []NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0")}}}
	return v
}

func (b *netBuilder) subnet(id, vpc, cidr, az string) *Subnet {
	s := &Subnet{ID: id, VPCID: vpc, CIDR: pfx(cidr), AZ: az}
	b.n.Subnets[id] = s
	return s
}

func (b *netBuilder) eni(id, subnet, ip string, sgs ...string) *ENI {
	s := b.n.Subnets[subnet]
	e := &ENI{ID: id, SubnetID: subnet, VPCID: s.VPCID, AZ: s.AZ, InterfaceType: "interface", Status: "in-use",
		PrivateIPs: []PrivateIP{{Addr: addr(ip), Primary: true}}, SecurityGroupIDs: sgs, SourceDestCheck: true}
	b.n.ENIs[id] = e
	return e
}

// sg adds a group allowing all outbound traffic and the given inbound rules.
func (b *netBuilder) sg(id, vpc string, inbound ...SGRule) *SecurityGroup {
	g := &SecurityGroup{ID: id, VPCID: vpc, Inbound: inbound,
		Outbound: []SGRule{{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("0.0.0.0/0")}}}}
	b.n.SecurityGroups[id] = g
	return g
}

func tcpFrom(port uint16, cidr string) SGRule {
	return SGRule{Protocol: ProtocolTCP, Ports: PortRange{port, port}, Peer: SGPeer{CIDR: pfx(cidr)}}
}

func tcpFromGroup(port uint16, group string) SGRule {
	return SGRule{Protocol: ProtocolTCP, Ports: PortRange{port, port}, Peer: SGPeer{GroupID: group}}
}

func (b *netBuilder) table(id, vpc string, subnets ...string) *RouteTable {
	cidr := b.n.VPCs[vpc].CIDRs[0]
	rt := &RouteTable{ID: id, VPCID: vpc, SubnetIDs: subnets,
		Routes: []Route{{Destination: cidr, Target: TargetLocal, TargetID: "local", Origin: OriginLocal}}}
	b.n.RouteTables[id] = rt
	return rt
}

func (b *netBuilder) route(table, dst string, kind TargetKind, target string) *Route {
	rt := b.n.RouteTables[table]
	r := Route{Target: kind, TargetID: target, Origin: OriginStatic}
	if strings.HasPrefix(dst, "pl-") {
		r.PrefixListID = dst
	} else {
		r.Destination = pfx(dst)
	}
	rt.Routes = append(rt.Routes, r)
	return &rt.Routes[len(rt.Routes)-1]
}

func (b *netBuilder) acl(id, vpc string, subnets []string, inbound, outbound []NACLRule) *NetworkACL {
	a := &NetworkACL{ID: id, VPCID: vpc, SubnetIDs: subnets, Inbound: inbound, Outbound: outbound}
	b.n.NetworkACLs[id] = a
	return a
}

func allowAll(n int) NACLRule {
	return NACLRule{Number: n, Protocol: ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0")}
}

func naclTCP(n int, allow bool, cidr string, from, to uint16) NACLRule {
	return NACLRule{Number: n, Protocol: ProtocolTCP, Allow: allow, CIDR: pfx(cidr), Ports: PortRange{from, to}}
}

func (b *netBuilder) peering(id, a, c string, status string) *Peering {
	p := &Peering{ID: id, Status: status,
		Requester: PeeringSide{VPCID: a, Region: "us-east-1", CIDRs: b.n.VPCs[a].CIDRs},
		Accepter:  PeeringSide{VPCID: c, Region: "us-east-1", CIDRs: b.n.VPCs[c].CIDRs}}
	b.n.Peerings[id] = p
	return p
}

// twoVPCs is the base world of many tests: app (10.0.0.0/16) with subnets
// a (10.0.1.0/24, az a) and b (10.0.2.0/24, az b); data (10.1.0.0/16) with
// subnet d (10.1.1.0/24), peered by pcx-1 with routes both ways. client
// (10.0.1.10, sg-client) and server (10.0.2.20, sg-server admits tcp 443
// from the VPC) and a peer server (10.1.1.30, sg-peer admits 5432 from
// sg-client).
func twoVPCs() *netBuilder {
	b := newNet()
	b.vpc("vpc-app", "10.0.0.0/16")
	b.vpc("vpc-data", "10.1.0.0/16")
	b.subnet("subnet-a", "vpc-app", "10.0.1.0/24", "us-east-1a")
	b.subnet("subnet-b", "vpc-app", "10.0.2.0/24", "us-east-1b")
	b.subnet("subnet-d", "vpc-data", "10.1.1.0/24", "us-east-1a")
	b.sg("sg-client", "vpc-app")
	b.sg("sg-server", "vpc-app", tcpFrom(443, "10.0.0.0/16"))
	b.sg("sg-peer", "vpc-data", tcpFromGroup(5432, "sg-client"))
	b.eni("eni-client", "subnet-a", "10.0.1.10", "sg-client")
	b.eni("eni-server", "subnet-b", "10.0.2.20", "sg-server")
	b.eni("eni-peer", "subnet-d", "10.1.1.30", "sg-peer")
	b.peering("pcx-1", "vpc-app", "vpc-data", "active")
	b.route("rtb-main-vpc-app", "10.1.0.0/16", TargetPeering, "pcx-1")
	b.route("rtb-main-vpc-data", "10.0.0.0/16", TargetPeering, "pcx-1")
	return b
}

func mustQuery(t testing.TB, from, to, proto string, port int) Query {
	t.Helper()
	q, err := NewQuery(from, to, proto, port, 0)
	if err != nil {
		t.Fatalf("NewQuery(%q, %q): %v", from, to, err)
	}
	return q
}

func check(t testing.TB, n *Network, from, to string) Report {
	t.Helper()
	q := mustQuery(t, from, to, "tcp", 0)
	r, err := Evaluate(n, q)
	if err != nil {
		t.Fatalf("Evaluate(%s → %s): %v", from, to, err)
	}
	return r
}

// expect asserts the verdict and, for each layer named, its status.
func expect(t testing.TB, r Report, verdict Verdict, statuses map[string]Status) {
	t.Helper()
	if r.Verdict != verdict {
		t.Errorf("verdict = %s, want %s\n%s", r.Verdict, verdict, dump(r))
	}
	for name, want := range statuses {
		if got := r.Layer(name).Status; got != want {
			t.Errorf("layer %s = %s, want %s\n%s", name, got, want, dump(r))
		}
	}
}

func dump(r Report) string {
	var sb strings.Builder
	for _, l := range r.Layers {
		sb.WriteString("  " + l.Name + " " + string(l.Status) + ": " + l.Summary + "\n")
		for _, f := range l.Findings {
			sb.WriteString("    - " + string(f.Direction) + " " + f.Code + " " + f.Component + " " + f.Rule + " :: " + f.Detail + "\n")
		}
	}
	return sb.String()
}

// finding returns the first finding of the layer with the code, or nil.
func finding(r Report, layer, code string) *Finding {
	for _, f := range r.Layer(layer).Findings {
		if f.Code == code {
			return &f
		}
	}
	return nil
}

// vgw attaches a VPN gateway to vpc with one static-routes-only VPN
// connection to the given on-premises networks.
func (b *netBuilder) vgw(id, vpc string, onPrem ...string) {
	b.n.VPNGateways[id] = &VPNGateway{ID: id, State: "available", VPCIDs: []string{vpc}}
	c := &VPNConnection{ID: "vpn-" + id, VGWID: id, State: "available", StaticRoutesOnly: true, CustomerGatewayID: "cgw-" + id,
		Tunnels: []VPNTunnel{{OutsideIP: "203.0.113.1", Status: "UP"}, {OutsideIP: "203.0.113.2", Status: "UP"}}}
	for _, p := range onPrem {
		c.Routes = append(c.Routes, pfx(p))
	}
	b.n.VPNConnections[c.ID] = c
}
