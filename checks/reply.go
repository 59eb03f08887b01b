// The return path: the reply of an admitted request, walked back from the
// destination (or from the gateway the request left through) with
// translations undone; security groups pass it, routes and network ACLs are
// evaluated again.

package checks

import (
	"fmt"
	"strings"
)

func replyOf(p packet) packet {
	r := p
	r.src, r.dst = p.dst, p.src
	r.ports, r.sports = p.sports, p.ports
	if p.proto == ProtocolICMP && p.icmpType == 8 {
		r.icmpType, r.icmpCode = 0, 0
	}
	if p.proto == ProtocolICMPv6 && p.icmpType == 128 {
		r.icmpType, r.icmpCode = 129, 0
	}
	return r
}

// reply walks the response from the destination interface back to the
// source: security groups pass it (stateful), network ACLs and routes are
// evaluated again, translations are undone where they were made.
func (w *walker) reply(end walkEnd, src endpoint, d *ENI) {
	w.dir = Return
	defer func() { w.dir = Forward }()
	r := replyOf(end.pkt)
	w.decide(LayerSecurityGroup, Decision{Component: d.ID, Step: d.ID + " outbound (reply)", Outcome: "allow", Rule: "security groups are stateful: the reply of an admitted connection is allowed"})
	ds := w.n.Subnets[d.SubnetID]
	if ds == nil {
		return
	}
	if w.preservedClient {
		w.replyThroughLoadBalancer(end, ds, d)
		return
	}
	w.lastRoute = routeRef{}
	back := w.walk(ds, d, r, pathFlags{}, src.eni)
	w.checkReplyEnd(back, src)
}

func (w *walker) checkReplyEnd(back walkEnd, src endpoint) {
	switch {
	case back.delivered != nil && src.eni != nil && back.delivered.ID == src.eni.ID:
		w.decide(LayerSecurityGroup, Decision{Component: src.eni.ID, Step: src.eni.ID + " inbound (reply)", Outcome: "allow", Rule: "security groups are stateful: the reply of an admitted connection is allowed"})
	case back.delivered != nil:
		w.replyMisrouted(fmt.Sprintf("the reply to %s is delivered to %s, not to the source", back.pkt.dst, back.delivered.ID), back.delivered.ID)
	case back.exit != nil && src.external:
		// The reply leaves towards an outside source: that is its way back.
	case back.exit != nil:
		w.replyMisrouted(fmt.Sprintf("the reply to %s is routed out through %s instead of back to the source (routing is evaluated independently for each direction)", back.pkt.dst, back.exit.Gateway), back.exit.Gateway)
	}
}

// replyMisrouted blames a reply that went astray on the route that sent
// it there: the route table and the route (destination → target), not the
// interface or gateway that received it.
func (w *walker) replyMisrouted(what, reached string) {
	comp, rule := reached, "reply reaches "+reached
	detail := what
	fix := "route the source's address back the way the request came"
	if w.lastRoute.table != "" {
		comp, rule = w.lastRoute.table, w.lastRoute.route
		detail = fmt.Sprintf("%s: route %s in %s sends it there", what, w.lastRoute.route, w.lastRoute.table)
		fix = fmt.Sprintf("change or remove the route %s in %s, so that the source's address is routed back the way the request came", w.lastRoute.route, w.lastRoute.table)
	}
	w.find(LayerRoute, Finding{Code: "REPLY_MISROUTED", Severity: SeverityBlock, Component: comp, Direction: Return, Rule: rule, Detail: detail, Fix: fix})
}

// replyFromExit walks the reply of traffic that left the account from the
// gateway it left through back to the source.
func (w *walker) replyFromExit(end walkEnd, src endpoint) {
	w.dir = Return
	defer func() { w.dir = Forward }()
	r := replyOf(end.pkt)
	flags := pathFlags{}
	w.lastRoute = routeRef{}
	var pos position
	var stop *walkEnd
	switch {
	case strings.HasPrefix(end.exit.Gateway, "igw-") || strings.HasPrefix(end.exit.Gateway, "eigw-"):
		if m, ok := w.ix.byPublic[r.dst]; ok {
			r.dst = m.private
			if m.nat != nil {
				// The NAT gateway's interface receives the reply.
				pos, stop = w.ingressToNAT(end.exit.Gateway, m.nat, r, &flags, src.eni)
				break
			}
		}
		pos, stop = w.ingress(end.exit.Gateway, end.exitVPC, r, &flags, src.eni)
	case strings.HasPrefix(end.exit.Gateway, "tgw-"):
		if end.flags.tgwTo == nil {
			return
		}
		az := ""
		if src.eni != nil {
			if s := w.n.Subnets[src.eni.SubnetID]; s != nil {
				az = s.AZ
			}
		}
		pos, stop = w.transitGatewayFrom(end.flags.tgwTo, az, r, &flags, src.eni)
	default:
		pos, stop = w.ingress(end.exit.Gateway, end.exitVPC, r, &flags, src.eni)
	}
	if stop != nil {
		stop.pkt = r
		if stop.delivered != nil {
			w.checkReplyEnd(*stop, src)
		}
		return
	}
	back := w.walk(pos.subnet, pos.sender, pos.pkt, flags, src.eni)
	w.checkReplyEnd(back, src)
}
