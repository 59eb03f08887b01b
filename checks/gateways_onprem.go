// The way to on-premises (SEMANTICS.md §2.5, §4): a virtual private gateway or
// a transit gateway hands traffic to a Site-to-Site VPN connection or a
// Direct Connect virtual interface. The configuration says where the
// traffic goes; only the state of the tunnels and of the virtual
// interfaces says whether anything carries it. Also: which VPN gateway
// brings an on-premises source into a VPC.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// linkState is what one connection to on-premises does with a packet.
type linkState int

const (
	linkDown linkState = iota
	linkUp
	linkUnknown
)

// linkResult is one connection's answer: the decision that passes it, or
// the findings that block it or leave it unknown; warnings go with a
// connection that is up.
type linkResult struct {
	state    linkState
	decision Decision
	findings []Finding
}

// vpnCheck says which of a VPN connection's rules apply where it is used.
type vpnCheck struct {
	// staticRoutes: a static-routes-only connection on a virtual private
	// gateway carries only its own static routes (on a transit gateway
	// the transit gateway route table holds them instead).
	staticRoutes bool
	// learnedRoutes: a BGP connection carries traffic only for what the
	// customer gateway announces. A static transit gateway route hands
	// traffic to the tunnels whatever BGP learned.
	learnedRoutes bool
}

// vpnLink decides whether VPN connection c carries a packet for dst: the
// connection must be available, its telemetry must show a tunnel UP, and
// that tunnel must know a route to dst.
func (w *walker) vpnLink(c *VPNConnection, dst netip.Addr, check vpnCheck) linkResult {
	step := "VPN connection " + c.ID
	if c.VGWID != "" {
		step = "VPN connections of " + c.VGWID
	}
	if c.State != "" && c.State != "available" {
		return linkResult{state: linkDown, findings: []Finding{{Code: "BAD_STATE_VPN", Severity: SeverityBlock, Component: c.ID, Rule: "state " + c.State,
			Detail: fmt.Sprintf("VPN connection %s is %s, not available", c.ID, c.State)}}}
	}
	if c.Tunnels == nil {
		return linkResult{state: linkUnknown, findings: []Finding{{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: c.ID, Rule: "VgwTelemetry",
			Detail: fmt.Sprintf("the state of the tunnels of VPN connection %s (VgwTelemetry of describe-vpn-connections) is not in the data, so whether it carries %s is unknown", c.ID, dst),
			Fix:    fmt.Sprintf("aws ec2 describe-vpn-connections --vpn-connection-ids %s --query 'VpnConnections[0].VgwTelemetry'", c.ID)}}}
	}
	var up, down []VPNTunnel
	for _, t := range c.Tunnels {
		if t.Up() {
			up = append(up, t)
		} else {
			down = append(down, t)
		}
	}
	cgw := c.CustomerGatewayID
	if cgw == "" {
		cgw = "the customer gateway"
	}
	if len(up) == 0 {
		return linkResult{state: linkDown, findings: []Finding{{Code: "VPN_TUNNEL_DOWN", Severity: SeverityBlock, Component: c.ID, Rule: "every tunnel DOWN",
			Detail: fmt.Sprintf("every tunnel of VPN connection %s is DOWN (%s), so it carries nothing to or from on-premises", c.ID, tunnelsText(down)),
			Fix:    fmt.Sprintf("on %s, check IKE (phase 1 and 2: pre-shared key, proposals, the tunnel outside addresses) and, for a BGP connection, the BGP session; the tunnels' logs are in CloudWatch Logs when tunnel logging is on (VPN console, Tunnel details)", cgw)}}}
	}
	upCount := fmt.Sprintf("%d of %d tunnels", len(up), len(c.Tunnels))
	var warn []Finding
	if len(down) > 0 {
		warn = append(warn, Finding{Code: "VPN_TUNNEL_REDUNDANCY", Severity: SeverityWarn, Component: c.ID, Rule: fmt.Sprintf("%d of %d tunnels DOWN", len(down), len(c.Tunnels)),
			Detail: fmt.Sprintf("VPN connection %s carries the traffic over %s, but %s: there is no redundancy, and AWS maintenance on the remaining tunnel interrupts the connection", c.ID, tunnelsText(up), tunnelsText(down)),
			Fix:    fmt.Sprintf("on %s, bring the DOWN tunnel up (IKE phase 1 and 2, BGP); its log is in CloudWatch Logs when tunnel logging is on", cgw)})
	}
	switch {
	case !c.StaticRoutesOnly && check.learnedRoutes:
		accepted := 0
		for _, t := range up {
			accepted += t.AcceptedRouteCount
		}
		if accepted == 0 {
			comp := c.CustomerGatewayID
			if comp == "" {
				comp = c.ID
			}
			return linkResult{state: linkDown, findings: []Finding{{Code: "VPN_NO_ROUTES_ACCEPTED", Severity: SeverityBlock, Component: comp, Rule: c.ID + " AcceptedRouteCount 0",
				Detail: fmt.Sprintf("VPN connection %s learns its routes over BGP, and its UP tunnels (%s) accepted no route from %s, so the gateway has no route to %s over it", c.ID, tunnelsText(up), cgw, dst),
				Fix:    fmt.Sprintf("on %s, announce the on-premises networks (including the one holding %s) over the tunnels' BGP sessions, and check that the sessions are established", cgw, dst)}}}
		}
		return linkResult{state: linkUp, findings: warn, decision: Decision{Component: c.ID, Step: step, Outcome: "forward",
			Rule: fmt.Sprintf("%s: %s UP, %d routes learned over BGP (which ones is not in the data; taken on trust for %s)", c.ID, upCount, accepted, dst)}}
	case c.StaticRoutesOnly && check.staticRoutes:
		for _, r := range c.Routes {
			if r.Contains(dst) {
				return linkResult{state: linkUp, findings: warn, decision: Decision{Component: c.ID, Step: step, Outcome: "forward",
					Rule: fmt.Sprintf("%s static route %s (%s UP)", c.ID, r, upCount)}}
			}
		}
		return linkResult{state: linkDown, findings: []Finding{{Code: "VPN_NO_ROUTE", Severity: SeverityBlock, Component: c.VGWID, Rule: "no VPN route for " + dst.String(),
			Detail: fmt.Sprintf("%s sends %s to its VPN, but no static route of %s covers it, so the gateway drops it", c.VGWID, dst, c.ID),
			Fix:    fmt.Sprintf("aws ec2 create-vpn-connection-route --vpn-connection-id %s --destination-cidr-block <the on-premises network holding %s>", c.ID, dst)}}}
	}
	return linkResult{state: linkUp, findings: warn, decision: Decision{Component: c.ID, Step: step, Outcome: "forward",
		Rule: fmt.Sprintf("%s: %s UP", c.ID, upCount)}}
}

func tunnelsText(ts []VPNTunnel) string {
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		s := fmt.Sprintf("tunnel %s %s", t.OutsideIP, strings.ToUpper(t.Status))
		if t.StatusMessage != "" {
			s += ": " + t.StatusMessage
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// vifLink decides whether a Direct Connect virtual interface carries
// traffic: only an available one does. Its BGP routes are taken on trust.
func vifLink(v *DirectConnectVIF, gateway string) linkResult {
	if v.State == "available" {
		return linkResult{state: linkUp, decision: Decision{Component: v.ID, Step: "Direct Connect of " + gateway, Outcome: "forward",
			Rule: fmt.Sprintf("%s (%s virtual interface) available; the routes it learns over BGP are taken on trust", v.ID, v.Type)}}
	}
	return linkResult{state: linkDown, findings: []Finding{{Code: "DIRECT_CONNECT_VIF_DOWN", Severity: SeverityBlock, Component: v.ID, Rule: "virtualInterfaceState " + v.State,
		Detail: fmt.Sprintf("Direct Connect %s virtual interface %s, through which %s reaches on-premises, is %s, not available, so it carries nothing", v.Type, v.ID, gateway, v.State),
		Fix:    fmt.Sprintf("check the Direct Connect connection and the BGP session on the on-premises router (aws directconnect describe-virtual-interfaces --virtual-interface-id %s)", v.ID)}}}
}

// dxAssociations returns the Direct Connect gateways associated with a
// virtual private or transit gateway, and the results of associations in
// another state.
func (w *walker) dxAssociations(gateway string) (associated []string, others []linkResult) {
	for _, id := range sortedKeys(w.n.DirectConnectAssociations) {
		a := w.n.DirectConnectAssociations[id]
		if a.GatewayID != gateway {
			continue
		}
		if a.State == "" || a.State == "associated" {
			associated = append(associated, a.DXGatewayID)
			continue
		}
		others = append(others, linkResult{state: linkDown, findings: []Finding{{Code: "DIRECT_CONNECT_ASSOCIATION_STATE", Severity: SeverityBlock, Component: a.DXGatewayID, Rule: "associationState " + a.State,
			Detail: fmt.Sprintf("the association of Direct Connect gateway %s with %s is %s, not associated", a.DXGatewayID, gateway, a.State)}}})
	}
	return associated, others
}

// dxForVGW returns the Direct Connect links of a virtual private gateway:
// private virtual interfaces on it, and those on a Direct Connect gateway
// associated with it. read is false when the virtual interfaces were not
// read.
func (w *walker) dxForVGW(vgwID string) (links []linkResult, read bool) {
	if w.n.DirectConnectVIFs == nil {
		return nil, false
	}
	var associated []string
	if w.n.DirectConnectAssociations != nil {
		var others []linkResult
		associated, others = w.dxAssociations(vgwID)
		links = append(links, others...)
	}
	for _, id := range sortedKeys(w.n.DirectConnectVIFs) {
		v := w.n.DirectConnectVIFs[id]
		if v.Type != "" && v.Type != "private" {
			continue
		}
		switch {
		case v.VGWID == vgwID:
			links = append(links, vifLink(v, vgwID))
		case v.DXGatewayID != "" && w.n.DirectConnectAssociations == nil:
			links = append(links, linkResult{state: linkUnknown, findings: []Finding{w.missingFinding(KindDirectConnectAssociations, v.DXGatewayID,
				fmt.Sprintf("whether Direct Connect gateway %s (of virtual interface %s) is associated with %s", v.DXGatewayID, v.ID, vgwID))}})
		case v.DXGatewayID != "" && slices.Contains(associated, v.DXGatewayID):
			links = append(links, vifLink(v, vgwID+" (through Direct Connect gateway "+v.DXGatewayID+")"))
		}
	}
	return links, true
}

// dxForTGW returns the Direct Connect links of a transit gateway's Direct
// Connect gateway attachment: the transit virtual interfaces on that
// Direct Connect gateway.
func (w *walker) dxForTGW(att *TransitGatewayAttachment) linkResult {
	dxgw := att.ResourceID
	if w.n.DirectConnectVIFs == nil {
		return linkResult{state: linkUnknown, findings: []Finding{w.missingFinding(KindDirectConnectVIFs, att.ID,
			fmt.Sprintf("the virtual interfaces of Direct Connect gateway %s, which decide whether attachment %s carries anything to on-premises", dxgw, att.ID))}}
	}
	var links []linkResult
	if w.n.DirectConnectAssociations != nil {
		associated, others := w.dxAssociations(att.TGWID)
		if len(others) > 0 && !slices.Contains(associated, dxgw) {
			links = append(links, others...)
		}
	}
	for _, id := range sortedKeys(w.n.DirectConnectVIFs) {
		if v := w.n.DirectConnectVIFs[id]; v.DXGatewayID == dxgw && (v.Type == "" || v.Type == "transit") {
			links = append(links, vifLink(v, att.TGWID+" (through Direct Connect gateway "+dxgw+")"))
		}
	}
	if len(links) == 0 {
		return linkResult{state: linkDown, findings: []Finding{{Code: "DIRECT_CONNECT_NO_VIF", Severity: SeverityBlock, Component: att.ID, Rule: "no transit virtual interface on " + dxgw,
			Detail: fmt.Sprintf("transit gateway attachment %s leads to Direct Connect gateway %s, which has no transit virtual interface, so nothing carries the traffic on to on-premises", att.ID, dxgw),
			Fix:    fmt.Sprintf("aws directconnect create-transit-virtual-interface --connection-id <dxcon-…> --new-transit-virtual-interface directConnectGatewayId=%s,…", dxgw)}}}
	}
	return w.combineLinks(links)
}

// combineLinks: traffic goes through when one link is up; it is unknown
// when none is up and one is unknown; it is blocked when every link is
// down.
func (w *walker) combineLinks(links []linkResult) linkResult {
	var unknown, down []Finding
	for _, l := range links {
		switch l.state {
		case linkUp:
			return l
		case linkUnknown:
			unknown = append(unknown, l.findings...)
		default:
			down = append(down, l.findings...)
		}
	}
	if len(unknown) > 0 {
		return linkResult{state: linkUnknown, findings: unknown}
	}
	return linkResult{state: linkDown, findings: down}
}

// applyLink records a link's answer in the route layer and reports whether
// the packet goes on.
func (w *walker) applyLink(l linkResult) bool {
	for _, f := range l.findings {
		w.find(LayerRoute, f)
	}
	if l.state == linkUp {
		w.decide(LayerRoute, l.decision)
	}
	return l.state == linkUp
}

// vpnCarries decides whether a virtual private gateway hands a packet for
// dst on to on-premises, over one of its VPN connections or Direct Connect
// virtual interfaces.
func (w *walker) vpnCarries(vgwID string, dst netip.Addr) bool {
	if _, gap := w.ix.gap(KindVPNConnections); gap {
		w.missing(LayerRoute, KindVPNConnections, vgwID, "the VPN connections of "+vgwID+", which decide whether it carries "+dst.String())
		return false
	}
	var links []linkResult
	for _, id := range sortedKeys(w.n.VPNConnections) {
		c := w.n.VPNConnections[id]
		if c.VGWID != vgwID || c.State == "deleted" || c.State == "deleting" {
			continue
		}
		links = append(links, w.vpnLink(c, dst, vpnCheck{staticRoutes: true, learnedRoutes: true}))
	}
	dx, dxRead := w.dxForVGW(vgwID)
	links = append(links, dx...)
	links = w.dxUnreadLink(links, dxRead, vgwID, dst)
	if len(links) == 0 {
		if !dxRead {
			what := fmt.Sprintf("%s has no VPN connection; a Direct Connect virtual interface may carry %s, and describe-virtual-interfaces is not in the data", vgwID, dst)
			if g, ok := w.ix.gap(KindDirectConnectVIFs); ok {
				what += " (" + g.Reason + ")"
			}
			w.find(LayerRoute, Finding{Code: "VPN_NOT_VISIBLE", Severity: SeverityUnknown, Component: vgwID, Rule: "no VPN connection", Detail: what,
				Fix: gapFix(w.ix.gap(KindDirectConnectVIFs))})
			return false
		}
		w.decide(LayerRoute, Decision{Component: vgwID, Step: "connections of " + vgwID, Outcome: "drop", Rule: "no VPN connection and no Direct Connect virtual interface"})
		w.find(LayerRoute, Finding{Code: "NO_ON_PREMISES_CONNECTION", Severity: SeverityBlock, Component: vgwID, Rule: "no VPN connection and no Direct Connect virtual interface",
			Detail: fmt.Sprintf("virtual private gateway %s has no VPN connection and no Direct Connect virtual interface, so nothing carries %s on to on-premises", vgwID, dst),
			Fix:    fmt.Sprintf("aws ec2 create-vpn-connection --type ipsec.1 --customer-gateway-id <cgw-…> --vpn-gateway-id %s", vgwID)})
		return false
	}
	l := w.combineLinks(links)
	if l.state == linkDown {
		w.decide(LayerRoute, Decision{Component: vgwID, Step: "connections of " + vgwID, Outcome: "drop", Rule: "no VPN connection or virtual interface carries " + dst.String()})
	}
	return w.applyLink(l)
}

// tgwVPNCarries decides whether a transit gateway's VPN attachment carries
// a packet on to on-premises; static says whether the transit gateway
// route that chose the attachment is static.
func (w *walker) tgwVPNCarries(att *TransitGatewayAttachment, dst netip.Addr, static bool) bool {
	c := w.n.VPNConnections[att.ResourceID]
	if c == nil {
		if _, gap := w.ix.gap(KindVPNConnections); gap {
			w.missing(LayerRoute, KindVPNConnections, att.ResourceID, "VPN connection "+att.ResourceID+" of attachment "+att.ID+", whose tunnels decide whether it carries "+dst.String())
			return false
		}
		w.find(LayerRoute, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: att.ID, Rule: "VPN connection " + att.ResourceID,
			Detail: fmt.Sprintf("attachment %s leads to VPN connection %s, which is not in the data (another account's, or describe-vpn-connections was read elsewhere), so whether its tunnels are up is unknown", att.ID, att.ResourceID)})
		return false
	}
	return w.applyLink(w.vpnLink(c, dst, vpnCheck{learnedRoutes: !static}))
}

// vgwAccepts decides whether traffic from an on-premises source can come
// in through a virtual private gateway: over a VPN connection with a tunnel
// UP, or an available Direct Connect virtual interface. Without any
// connection in the data it lets the packet in; the reply's way out
// through the gateway then says what is missing.
func (w *walker) vgwAccepts(vgwID string, src netip.Addr) bool {
	var links []linkResult
	for _, id := range sortedKeys(w.n.VPNConnections) {
		c := w.n.VPNConnections[id]
		if c.VGWID != vgwID || c.State == "deleted" || c.State == "deleting" {
			continue
		}
		links = append(links, w.vpnLink(c, src, vpnCheck{}))
	}
	dx, dxRead := w.dxForVGW(vgwID)
	links = append(links, dx...)
	links = w.dxUnreadLink(links, dxRead, vgwID, src)
	if len(links) == 0 {
		return true
	}
	return w.applyLink(w.combineLinks(links))
}

// dxUnreadLink adds an unknown link for Direct Connect when reading it
// failed (denied, throttled): a virtual interface may then carry what a
// dead VPN connection on the same gateway does not, so the VPN alone
// cannot fail the path. Direct Connect data that was simply not collected
// (a snapshot without it) leaves the VPN connections to decide, as they
// are the gateway's connections the data shows.
func (w *walker) dxUnreadLink(links []linkResult, read bool, vgwID string, peer netip.Addr) []linkResult {
	if read || len(links) == 0 {
		return links
	}
	if _, gap := w.ix.gap(KindDirectConnectVIFs); !gap {
		return links
	}
	return append(links, linkResult{state: linkUnknown, findings: []Finding{w.missingFinding(KindDirectConnectVIFs, vgwID,
		fmt.Sprintf("the Direct Connect virtual interfaces of %s, one of which may carry %s where its VPN does not", vgwID, peer))}})
}

// entryVGW picks the VPN gateway that would carry src into the VPC: one
// whose Direct Connect or BGP VPN may have learned it, or whose static VPN
// routes cover it. Without the VPN gateways or connections that would
// decide it, it returns "" and the kind of data that is missing.
func (w *walker) entryVGW(vpc string, src netip.Addr) (string, DataKind) {
	_, vpnUnknown := w.ix.gap(KindVPNConnections)
	if _, gap := w.ix.gap(KindVPNGateways); gap {
		return "", KindVPNGateways
	}
	var attached []string
	for _, id := range sortedKeys(w.n.VPNGateways) {
		g := w.n.VPNGateways[id]
		if !slices.Contains(g.VPCIDs, vpc) || g.State != "" && g.State != "available" {
			continue
		}
		attached = append(attached, id)
		if dx, _ := w.dxForVGW(id); len(dx) > 0 {
			return id, ""
		}
		for _, cid := range sortedKeys(w.n.VPNConnections) {
			c := w.n.VPNConnections[cid]
			if c.VGWID != id || c.State != "" && c.State != "available" {
				continue
			}
			if !c.StaticRoutesOnly {
				return id, ""
			}
			for _, r := range c.Routes {
				if r.Contains(src) {
					return id, ""
				}
			}
		}
	}
	if vpnUnknown && len(attached) > 0 {
		return "", KindVPNConnections
	}
	return "", ""
}
