// Route cases: delivery within a VPC and a subnet, missing routes either
// way, peering states, blackholes, route priority, prefix lists, and
// missing interfaces.

package checks

import (
	"net/netip"
	"strings"
	"testing"
)

func TestRoutes(t *testing.T) {
	// twoRoutesToData: a propagated 10.1.0.0/16 to a VPN gateway ties with
	// the static peering route.
	twoRoutesToData := func(b *netBuilder) {
		b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
		rt := b.n.RouteTables["rtb-main-vpc-app"]
		rt.Routes = append([]Route{{Destination: pfx("10.1.0.0/16"), Target: TargetVGW, TargetID: "vgw-1", Origin: OriginPropagated}}, rt.Routes...)
	}
	dataByPrefixList := func(entries ...netip.Prefix) func(b *netBuilder) {
		return func(b *netBuilder) {
			b.n.PrefixLists["pl-data"] = &PrefixList{ID: "pl-data", CIDRs: entries}
			rt := b.n.RouteTables["rtb-main-vpc-app"]
			rt.Routes = rt.Routes[:1]
			b.route("rtb-main-vpc-app", "pl-data", TargetPeering, "pcx-1")
		}
	}
	runPaths(t, []pathCase{
		{
			name: "within a VPC",
			from: "eni-client", to: "10.0.2.20:443",
			verdict: Reachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass, LayerSecurityGroup: StatusPass,
				LayerSourceDestCheck: StatusSkip, LayerDNS: StatusSkip},
			verify: func(t *testing.T, r Report) {
				if r.BlockedBy != nil || r.Exit != nil {
					t.Errorf("blocked_by %v exit %v, want both nil", r.BlockedBy, r.Exit)
				}
				if r.ExitCode() != 0 {
					t.Errorf("exit code %d", r.ExitCode())
				}
				want := []string{"eni-client", "sg-client", "rtb-main-vpc-app", "acl-default-vpc-app", "sg-server", "eni-server"}
				if got := hopComponents(r); strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("hops = %v, want %v", got, want)
				}
			},
		},
		{
			name: "within a subnet: no route table, no network ACL",
			change: func(b *netBuilder) {
				b.eni("eni-neighbour", "subnet-a", "10.0.1.12", "sg-server")
				// A network ACL that denies everything must not matter.
				b.acl("acl-closed", "vpc-app", []string{"subnet-a"}, nil, nil)
				b.n.RouteTables["rtb-main-vpc-app"].Routes = nil
			},
			from: "eni-client", to: "10.0.1.12:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass},
		},
		{
			name: "no route to the destination",
			change: func(b *netBuilder) {
				rt := b.n.RouteTables["rtb-main-vpc-app"]
				rt.Routes = rt.Routes[:1]
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "NO_ROUTE_TO_DESTINATION", component: "rtb-main-vpc-app", direction: Forward,
				fix: []string{"create-route --route-table-id rtb-main-vpc-app --destination-cidr-block 10.1.0.0/16 --vpc-peering-connection-id pcx-1"}}},
		},
		{
			name: "no route back",
			change: func(b *netBuilder) {
				rt := b.n.RouteTables["rtb-main-vpc-data"]
				rt.Routes = rt.Routes[:1]
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail, LayerSecurityGroup: StatusPass},
			blocked:  &Blocked{Direction: Return, Component: "rtb-main-vpc-data"},
		},
		{
			name:   "a peering connection that is not active",
			change: func(b *netBuilder) { b.n.Peerings["pcx-1"].Status = "pending-acceptance" },
			from:   "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "BAD_STATE", fix: []string{"accept-vpc-peering-connection --vpc-peering-connection-id pcx-1"}}},
		},
		{
			name: "no transitive peering",
			change: func(b *netBuilder) {
				b.vpc("vpc-third", "10.2.0.0/16")
				b.subnet("subnet-t", "vpc-third", "10.2.1.0/24", "us-east-1a")
				b.sg("sg-third", "vpc-third", tcpFrom(443, "0.0.0.0/0"))
				b.eni("eni-third", "subnet-t", "10.2.1.40", "sg-third")
				b.peering("pcx-2", "vpc-data", "vpc-third", "active")
				// app sends 10.2/16 to data over pcx-1; data would forward to third.
				b.route("rtb-main-vpc-app", "10.2.0.0/16", TargetPeering, "pcx-1")
				b.route("rtb-main-vpc-data", "10.2.0.0/16", TargetPeering, "pcx-2")
			},
			from: "eni-client", to: "10.2.1.40:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "NO_TRANSITIVE_PEERING"}},
		},
		{
			name: "a blackhole does not fall back to a less specific route",
			change: func(b *netBuilder) {
				b.route("rtb-main-vpc-app", "0.0.0.0/0", TargetNAT, "nat-gone")
				b.route("rtb-main-vpc-app", "10.1.1.0/24", TargetPeering, "pcx-old").Blackhole = true
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "BAD_STATE_ROUTE",
				fix: []string{"replace-route --route-table-id rtb-main-vpc-app --destination-cidr-block 10.1.1.0/24 --vpc-peering-connection-id pcx-1"}}},
		},
		{
			name:   "a static route beats a propagated one of the same prefix",
			change: twoRoutesToData,
			from:   "eni-client", to: "10.1.1.30:5432",
			verdict: Reachable,
		},
		{
			name: "a more specific propagated route beats a static one",
			change: func(b *netBuilder) {
				twoRoutesToData(b)
				rt := b.n.RouteTables["rtb-main-vpc-app"]
				rt.Routes = append(rt.Routes, Route{Destination: pfx("10.1.1.0/24"), Target: TargetVGW, TargetID: "vgw-1", Origin: OriginPropagated})
			},
			from: "eni-client", to: "10.1.1.30:5432",
			// The VPN's static routes do not cover the address, so the
			// path stops at the VPN gateway the /24 chose.
			verdict: Unreachable,
			exit:    &Exit{Gateway: "vgw-1", Kind: ExitOnPrem},
		},
		{
			name:   "a route to a prefix list",
			change: dataByPrefixList(pfx("10.1.0.0/16")),
			from:   "eni-client", to: "10.1.1.30:5432",
			verdict: Reachable,
		},
		{
			name:   "a route to a prefix list whose entries are unknown cannot be chosen",
			change: dataByPrefixList(),
			from:   "eni-client", to: "10.1.1.30:5432",
			verdict:  Unknown,
			statuses: map[string]Status{LayerRoute: StatusUnknown},
		},
		{
			// 93.184.216.34 could be an address of an interface that did
			// not load.
			name:  "without the interfaces, never reachable",
			world: internetVPC,
			change: func(b *netBuilder) {
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkInterfaces, Reason: "AccessDenied", Action: "ec2:DescribeNetworkInterfaces"})
			},
			from: "eni-client", to: "93.184.216.34:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerRoute: StatusUnknown},
		},
	})
}
