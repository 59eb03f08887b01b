// A load balancer behind another: an Application Load Balancer registered
// as the target of a Network Load Balancer (target type alb), and an
// address target that is another load balancer's node. The rules, from
// the Elastic Load Balancing user guide for Network Load Balancers
// (network/application-load-balancer-target):
//   - "the Application Load Balancer takes over the load balancing
//     decision as soon as traffic reaches it": the Network Load Balancer's
//     node connects to a node of the Application Load Balancer on the
//     target group's port, which must be one of its listeners' ports, and
//     the Application Load Balancer's listener and rules then forward to
//     its own targets, as for any client;
//   - "the load balancers must be in the same VPC within the same
//     account";
//   - "When the target group type is alb, you can't modify the target
//     group attributes. These attributes always use their default
//     values": whether the client's address is preserved is decided only
//     by a value the attributes output states; otherwise both legs are
//     walked and decide only when they agree (networkLeg).

package checks

import (
	"fmt"
	"slices"
	"strings"
)

// maxLoadBalancerChain bounds load balancers behind load balancers. An
// NLB in front of an ALB is two; address targets could name another load
// balancer's node over and over, and such a loop must end.
const maxLoadBalancerChain = 3

// albTarget is the leg from a Network Load Balancer's node to the
// Application Load Balancer registered in an alb target group, and from
// there the ALB's own legs to its targets.
func (w *walker) albTarget(q Query, src endpoint, f *forwarding, tg *TargetGroup, tv TargetVerdict) TargetVerdict {
	unknown := func(reason string) TargetVerdict {
		tv.Verdict, tv.Reason = Unknown, reason
		return tv
	}
	inner := w.n.LoadBalancers[tv.ID]
	switch {
	case inner == nil:
		return unknown(fmt.Sprintf("%s, registered in %s, is not among the load balancers read, so what it does with the connection is unknown", tv.ID, tg.Name))
	case inner.Type != "application":
		return unknown(fmt.Sprintf("%s is registered in %s, an alb target group, but is a %s load balancer", tv.ID, tg.Name, inner.Type))
	case inner.VPCID != f.lb.VPCID:
		return unknown(fmt.Sprintf("Application Load Balancer %s is in %s and %s in %s; an alb target must be in the same VPC, so these outputs disagree", inner.Name, inner.VPCID, f.lb.Name, f.lb.VPCID))
	}
	tv.Name = inner.Name
	nodes := w.nodesOf(inner)
	if len(nodes) == 0 {
		return unknown(fmt.Sprintf("no interface of Application Load Balancer %s was read (its nodes are requester-managed interfaces described \"ELB app/%s/…\")", inner.Name, inner.Name))
	}
	nodeZone := w.zoneOf(f.node)
	var sameZone []*ENI
	for _, e := range nodes {
		if z := w.zoneOf(e); z != "" && z == nodeZone {
			sameZone = append(sameZone, e)
		}
	}
	candidates := sameZone
	if len(candidates) == 0 {
		// Which of the ALB's nodes a node of another zone sends to is
		// not documented: only walking every one of them, with all
		// agreeing, can decide.
		on, known, why := crossZone(f.lb, tg)
		if !known || !on {
			return unknown(fmt.Sprintf("Application Load Balancer %s has no node read in %s, the zone of %s's node %s, and %s, so which of its nodes takes the connection is unknown", inner.Name, orUnknown(nodeZone), f.lb.Name, f.node.ID, why))
		}
		candidates = nodes
	}
	var legs []TargetVerdict
	for _, node := range candidates {
		leg := tv
		leg.AZ = w.zoneOf(node)
		legs = append(legs, w.networkLeg(q, src, f, tg, leg, node))
	}
	first := legs[0]
	if i := slices.IndexFunc(legs, func(l TargetVerdict) bool { return l.Verdict != first.Verdict }); i >= 0 {
		parts := make([]string, len(legs))
		for j, l := range legs {
			parts[j] = fmt.Sprintf("through %s: %s (%s)", candidates[j].ID, l.Verdict, l.Reason)
		}
		return unknown(fmt.Sprintf("the nodes of %s that %s may send to disagree: %s", inner.Name, f.lb.Name, strings.Join(parts, "; ")))
	}
	if first.Verdict == Reachable && first.Leg != nil && len(first.Leg.Destination.Targets) > 0 {
		reachable := 0
		for _, t := range first.Leg.Destination.Targets {
			if t.Verdict == Reachable {
				reachable++
			}
		}
		first.Reason += fmt.Sprintf("; %s reaches %d of its %d targets", inner.Name, reachable, len(first.Leg.Destination.Targets))
	}
	return first
}

// chainedLegs follows, on a target's leg, the destination that is itself a
// load balancer: the Application Load Balancer behind a Network Load
// Balancer, or an address target that is a load balancer's node.
func (w *walker) chainedLegs(q Query, src endpoint) {
	f := w.forwarding
	if f == nil {
		return
	}
	if w.chained+1 >= maxLoadBalancerChain {
		w.find(LayerService, Finding{Code: "LOAD_BALANCER_CHAIN_TOO_DEEP", Severity: SeverityUnknown, Component: f.lb.ARN, Rule: fmt.Sprintf("%d load balancers in a row", w.chained+1),
			Detail: fmt.Sprintf("load balancer %s is the target of a load balancer that is itself a target; reach follows at most %d load balancers in a row, so where this connection ends is unknown", f.lb.Name, maxLoadBalancerChain-1)})
		return
	}
	w.targetLegs(q, src)
}

// nodesOf is the load balancer's interfaces (its nodes), in ID order: a
// scan of the interfaces, made only for an alb target.
func (w *walker) nodesOf(lb *LoadBalancer) []*ENI {
	var nodes []*ENI
	for _, id := range w.ix.eniOrder {
		e := w.n.ENIs[id]
		if e.VPCID == lb.VPCID && strings.HasPrefix(e.Description, "ELB ") && w.n.loadBalancerOf(e) == lb {
			nodes = append(nodes, e)
		}
	}
	return nodes
}

// zoneOf is an interface's Availability Zone, or its subnet's.
func (w *walker) zoneOf(e *ENI) string {
	if e.AZ != "" {
		return e.AZ
	}
	if s := w.n.Subnets[e.SubnetID]; s != nil {
		return s.AZ
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown zone"
	}
	return s
}
