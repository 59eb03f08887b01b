// On-premises cases: VPN connections and Direct Connect virtual interfaces
// behind a virtual private gateway or a transit gateway, in both
// directions.

package checks

import (
	"strings"
	"testing"
)

func upTunnels(routes int) []VPNTunnel {
	return []VPNTunnel{{OutsideIP: "198.51.100.1", Status: "UP", AcceptedRouteCount: routes}, {OutsideIP: "198.51.100.2", Status: "UP", AcceptedRouteCount: routes}}
}

func downTunnels() []VPNTunnel {
	return []VPNTunnel{{OutsideIP: "198.51.100.1", Status: "DOWN", StatusMessage: "IPSEC IS DOWN"}, {OutsideIP: "198.51.100.2", Status: "DOWN", StatusMessage: "IPSEC IS DOWN"}}
}

// TestOnPremisesLinkState covers the state rules of the links to
// on-premises, on a virtual private gateway and on a transit gateway.
func TestOnPremisesLinkState(t *testing.T) {
	vgwWorld := func(setup func(b *netBuilder)) *netBuilder {
		b := twoVPCs()
		b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
		b.route("rtb-main-vpc-app", "172.16.0.0/12", TargetVGW, "vgw-1")
		setup(b)
		return b
	}
	vpn := func(b *netBuilder) *VPNConnection { return b.n.VPNConnections["vpn-vgw-1"] }
	tgwDXWorld := func(setup func(b *netBuilder)) *netBuilder {
		b := tgwVPNWorld()
		att := b.n.TransitGatewayAttachments["tgw-attach-vpn"]
		att.ResourceType, att.ResourceID = "direct-connect-gateway", "dxgw-1"
		b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{"dxvif-1": {ID: "dxvif-1", Type: "transit", State: "available", DXGatewayID: "dxgw-1"}}
		setup(b)
		return b
	}
	for _, tc := range []struct {
		name      string
		build     func() *netBuilder
		from, to  string
		verdict   Verdict
		code      string
		component string
		dir       Direction
	}{
		{name: "VGW: static VPN, tunnels up", build: func() *netBuilder { return vgwWorld(func(*netBuilder) {}) },
			from: "eni-client", to: "172.16.5.10:22", verdict: Reachable},
		{name: "VGW: every tunnel down", build: func() *netBuilder { return vgwWorld(func(b *netBuilder) { vpn(b).Tunnels = downTunnels() }) },
			from: "eni-client", to: "172.16.5.10:22", verdict: Unreachable, code: "VPN_TUNNEL_DOWN", component: "vpn-vgw-1", dir: Forward},
		{name: "VGW: one tunnel down warns", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) { vpn(b).Tunnels[1] = downTunnels()[1] })
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Reachable, code: "VPN_TUNNEL_REDUNDANCY", component: "vpn-vgw-1", dir: Forward},
		{name: "VGW: telemetry missing", build: func() *netBuilder { return vgwWorld(func(b *netBuilder) { vpn(b).Tunnels = nil }) },
			from: "eni-client", to: "172.16.5.10:22", verdict: Unknown, code: "DATA_MISSING", component: "vpn-vgw-1", dir: Forward},
		{name: "VGW: BGP tunnels up without routes", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) { vpn(b).StaticRoutesOnly = false; vpn(b).Tunnels = upTunnels(0) })
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Unreachable, code: "VPN_NO_ROUTES_ACCEPTED", component: "cgw-vgw-1", dir: Forward},
		{name: "VGW: BGP tunnels up with routes", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) { vpn(b).StaticRoutesOnly = false; vpn(b).Tunnels = upTunnels(3) })
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Reachable},
		{name: "VGW: static route does not cover", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) { b.route("rtb-main-vpc-app", "192.168.0.0/16", TargetVGW, "vgw-1") })
		}, from: "eni-client", to: "192.168.1.1:22", verdict: Unreachable, code: "VPN_NO_ROUTE", component: "vgw-1", dir: Forward},
		{name: "VGW: on-premises source over a dead VPN", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) {
				vpn(b).Tunnels = downTunnels()
				b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, tcpFrom(443, "172.16.0.0/12"))
			})
		}, from: "172.16.5.10", to: "10.0.2.20:443", verdict: Unreachable, code: "VPN_TUNNEL_DOWN", component: "vpn-vgw-1", dir: Forward},
		{name: "VGW: no VPN, Direct Connect not read", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) { delete(b.n.VPNConnections, "vpn-vgw-1") })
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Unknown, code: "VPN_NOT_VISIBLE", component: "vgw-1", dir: Forward},
		{name: "VGW: no VPN, Direct Connect read and empty", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) {
				delete(b.n.VPNConnections, "vpn-vgw-1")
				b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{}
			})
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Unreachable, code: "NO_ON_PREMISES_CONNECTION", component: "vgw-1", dir: Forward},
		{name: "VGW: private VIF on a DX gateway, associations not read", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) {
				delete(b.n.VPNConnections, "vpn-vgw-1")
				b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{"dxvif-1": {ID: "dxvif-1", Type: "private", State: "available", DXGatewayID: "dxgw-1"}}
			})
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Unknown, code: "DATA_MISSING", component: "dxgw-1", dir: Forward},
		{name: "VGW: private VIF on an associated DX gateway", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) {
				delete(b.n.VPNConnections, "vpn-vgw-1")
				b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{"dxvif-1": {ID: "dxvif-1", Type: "private", State: "available", DXGatewayID: "dxgw-1"}}
				b.n.DirectConnectAssociations = map[string]*DirectConnectAssociation{"a-1": {ID: "a-1", DXGatewayID: "dxgw-1", GatewayID: "vgw-1", GatewayType: "virtualPrivateGateway", State: "associated"}}
			})
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Reachable},
		{name: "VGW: dead VPN, available VIF carries it", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) {
				vpn(b).Tunnels = downTunnels()
				b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{"dxvif-1": {ID: "dxvif-1", Type: "private", State: "available", VGWID: "vgw-1"}}
			})
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Reachable},
		{name: "VGW: dead VPN, Direct Connect denied", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) {
				vpn(b).Tunnels = downTunnels()
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindDirectConnectVIFs, Reason: "AccessDenied", Action: "directconnect:DescribeVirtualInterfaces"})
			})
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Unknown, code: "DATA_MISSING", component: "vgw-1", dir: Forward},
		{name: "VGW: dead VPN, Direct Connect not collected", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) { vpn(b).Tunnels = downTunnels() })
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Unreachable, code: "VPN_TUNNEL_DOWN", component: "vpn-vgw-1", dir: Forward},
		{name: "VGW: deleted VIF", build: func() *netBuilder {
			return vgwWorld(func(b *netBuilder) {
				delete(b.n.VPNConnections, "vpn-vgw-1")
				b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{"dxvif-1": {ID: "dxvif-1", Type: "private", State: "deleted", VGWID: "vgw-1"}}
			})
		}, from: "eni-client", to: "172.16.5.10:22", verdict: Unreachable, code: "DIRECT_CONNECT_VIF_DOWN", component: "dxvif-1", dir: Forward},
		{name: "TGW: VPN attachment, tunnels down (coming in)", build: func() *netBuilder {
			b := tgwVPNWorld()
			b.n.VPNConnections["vpn-1"].Tunnels = downTunnels()
			return b
		}, from: "172.16.5.10", to: "10.0.1.20:443", verdict: Unreachable, code: "VPN_TUNNEL_DOWN", component: "vpn-1", dir: Forward},
		{name: "TGW: transit VIF down (coming in)", build: func() *netBuilder {
			return tgwDXWorld(func(b *netBuilder) { b.n.DirectConnectVIFs["dxvif-1"].State = "down" })
		}, from: "172.16.5.10", to: "10.0.1.20:443", verdict: Unreachable, code: "DIRECT_CONNECT_VIF_DOWN", component: "dxvif-1", dir: Forward},
		{name: "TGW: VPN attachment, tunnels down (out)", build: func() *netBuilder {
			b := tgwVPNWorld()
			b.n.VPNConnections["vpn-1"].Tunnels = downTunnels()
			return b
		}, from: "eni-web", to: "172.16.5.10:22", verdict: Unreachable, code: "VPN_TUNNEL_DOWN", component: "vpn-1", dir: Forward},
		{name: "TGW: static route to a BGP VPN without accepted routes still carries", build: func() *netBuilder {
			b := tgwVPNWorld()
			b.n.VPNConnections["vpn-1"].Tunnels = upTunnels(0)
			return b
		}, from: "eni-web", to: "172.16.5.10:22", verdict: Reachable},
		{name: "TGW: VPN telemetry missing", build: func() *netBuilder {
			b := tgwVPNWorld()
			b.n.VPNConnections["vpn-1"].Tunnels = nil
			return b
		}, from: "eni-web", to: "172.16.5.10:22", verdict: Unknown, code: "DATA_MISSING", component: "vpn-1", dir: Forward},
		{name: "TGW: transit VIF down", build: func() *netBuilder {
			return tgwDXWorld(func(b *netBuilder) { b.n.DirectConnectVIFs["dxvif-1"].State = "down" })
		}, from: "eni-web", to: "172.16.5.10:22", verdict: Unreachable, code: "DIRECT_CONNECT_VIF_DOWN", component: "dxvif-1", dir: Forward},
		{name: "TGW: no transit VIF on the DX gateway", build: func() *netBuilder {
			return tgwDXWorld(func(b *netBuilder) { b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{} })
		}, from: "eni-web", to: "172.16.5.10:22", verdict: Unreachable, code: "DIRECT_CONNECT_NO_VIF", component: "tgw-attach-vpn", dir: Forward},
		{name: "TGW: Direct Connect not read", build: func() *netBuilder {
			return tgwDXWorld(func(b *netBuilder) { b.n.DirectConnectVIFs = nil })
		}, from: "eni-web", to: "172.16.5.10:22", verdict: Unknown, code: "DATA_MISSING", component: "tgw-attach-vpn", dir: Forward},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.build()
			recompile(b.n)
			r := check(t, b.n, tc.from, tc.to)
			if r.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s\n%s", r.Verdict, tc.verdict, dump(r))
			}
			if tc.code == "" {
				return
			}
			f := finding(r, LayerRoute, tc.code)
			if f == nil {
				t.Fatalf("no route finding %s\n%s", tc.code, dump(r))
			}
			if f.Component != tc.component || f.Direction != tc.dir {
				t.Errorf("finding %s on %s (%s), want %s (%s)", f.Code, f.Component, f.Direction, tc.component, tc.dir)
			}
		})
	}
}

// tgwVPNWorld is tgwWorld with a VPN attachment: its route table
// (tgw-rtb-vpn) gets vpc-app's propagation, and tgw-rtb-1 routes
// 172.16.0.0/12 to it; vpc-app routes 172.16.0.0/12 to the transit gateway.
// eni-web (10.0.1.20, us-east-1a) admits 443 from on-premises.
func tgwVPNWorld() *netBuilder {
	b := tgwWorld()
	b.n.TransitGatewayAttachments["tgw-attach-vpn"] = &TransitGatewayAttachment{ID: "tgw-attach-vpn", TGWID: "tgw-1", ResourceType: "vpn", ResourceID: "vpn-1",
		State: "available", RouteTableID: "tgw-rtb-vpn", AssociationState: "associated"}
	b.n.TransitGatewayRouteTables["tgw-rtb-vpn"] = &TransitGatewayRouteTable{ID: "tgw-rtb-vpn", TGWID: "tgw-1", RoutesKnown: true, Propagations: []string{"tgw-attach-app"}}
	rt := b.n.TransitGatewayRouteTables["tgw-rtb-1"]
	rt.Routes = append(rt.Routes, TGWRoute{Destination: pfx("172.16.0.0/12"), AttachmentIDs: []string{"tgw-attach-vpn"}, Static: true})
	b.route("rtb-main-vpc-app", "172.16.0.0/12", TargetTGW, "tgw-1")
	b.sg("sg-web", "vpc-app", tcpFrom(443, "172.16.0.0/12"))
	b.eni("eni-web", "subnet-a", "10.0.1.20", "sg-web")
	b.n.VPNConnections["vpn-1"] = &VPNConnection{ID: "vpn-1", TGWID: "tgw-1", State: "available", CustomerGatewayID: "cgw-1",
		Tunnels: []VPNTunnel{{OutsideIP: "198.51.100.1", Status: "UP", AcceptedRouteCount: 1}, {OutsideIP: "198.51.100.2", Status: "UP", AcceptedRouteCount: 1}}}
	return b
}

func TestOnPremisesThroughTransitGateway(t *testing.T) {
	directConnect := func(b *netBuilder) {
		b.n.TransitGatewayAttachments["tgw-attach-vpn"].ResourceType = "direct-connect-gateway"
		b.n.TransitGatewayAttachments["tgw-attach-vpn"].ResourceID = "dxgw-1"
		b.n.DirectConnectVIFs = map[string]*DirectConnectVIF{"dxvif-1": {ID: "dxvif-1", Type: "transit", State: "available", DXGatewayID: "dxgw-1"}}
	}
	runPaths(t, []pathCase{
		{
			name:  "in from on-premises through the VPN attachment",
			world: tgwVPNWorld,
			from:  "172.16.5.10", to: "10.0.1.20:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerSecurityGroup: StatusPass},
			verify: func(t *testing.T, r Report) {
				if hops := hopComponents(r); !strings.Contains(strings.Join(hops, ","), "tgw-1,tgw-attach-vpn,tgw-rtb-vpn") {
					t.Errorf("hops %v", hops)
				}
			},
		},
		{
			name:  "out through the transit gateway",
			world: tgwVPNWorld,
			from:  "eni-web", to: "172.16.5.10:22",
			verdict: Reachable,
			exit:    &Exit{Gateway: "tgw-1", Kind: ExitOnPrem},
		},
		{
			// The reply has no way back from a zone without an attachment
			// subnet.
			name:  "to a destination in a zone without an attachment subnet",
			world: tgwVPNWorld,
			change: func(b *netBuilder) {
				b.sg("sg-webb", "vpc-app", tcpFrom(443, "172.16.0.0/12"))
				b.eni("eni-webb", "subnet-b", "10.0.2.30", "sg-webb")
			},
			from: "172.16.5.10", to: "10.0.2.30:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			findings: []wantFinding{{layer: LayerRoute, code: "TGW_NO_ATTACHMENT_IN_AZ", direction: Return}},
		},
		{
			name:   "the VPN attachment's table does not route to the VPC",
			world:  tgwVPNWorld,
			change: func(b *netBuilder) { b.n.TransitGatewayRouteTables["tgw-rtb-vpn"].Propagations = nil },
			from:   "172.16.5.10", to: "10.0.1.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusFail},
			blocked:  &Blocked{Component: "tgw-rtb-vpn", Code: "NO_ROUTE_TO_DESTINATION"},
		},
		{
			name:   "no VPN or Direct Connect attachment at all: reach cannot tell",
			world:  tgwVPNWorld,
			change: func(b *netBuilder) { delete(b.n.TransitGatewayAttachments, "tgw-attach-vpn") },
			from:   "172.16.5.10", to: "10.0.1.20:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerRoute: StatusUnknown},
			findings: []wantFinding{{layer: LayerRoute, code: "ON_PREMISES_VIA_TGW"}},
		},
		{
			name:   "a Direct Connect gateway attachment over an available transit virtual interface",
			world:  tgwVPNWorld,
			change: directConnect,
			from:   "172.16.5.10", to: "10.0.1.20:443",
			verdict: Reachable,
		},
		{
			name:  "without the virtual interfaces the reply's way out is unknown",
			world: tgwVPNWorld,
			change: func(b *netBuilder) {
				directConnect(b)
				b.n.DirectConnectVIFs = nil
			},
			from: "172.16.5.10", to: "10.0.1.20:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerRoute: StatusUnknown},
		},
	})
}
