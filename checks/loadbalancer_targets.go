// The second leg of a path through a load balancer: from the load
// balancer's node that took the connection to each target of the groups
// its listener forwards to. Each target leg is a path evaluation of its
// own (the same walker, from the node's interface to the target), gated
// first by what the load balancer decides before it sends anything:
// health, the Availability Zones it enables, cross-zone load balancing.
//
// The rules, from the Elastic Load Balancing user guides:
//   - "If a target group contains only unhealthy registered targets, the
//     load balancer routes requests to all those targets, regardless of
//     their health status" (target group health checks); otherwise it
//     routes only to healthy ones, and never to draining or unused ones.
//   - "When cross-zone load balancing is off, each load balancer node
//     distributes traffic across only the registered targets in its
//     Availability Zone"; off by default for Network Load Balancers, always
//     on at the load balancer level for Application Load Balancers, and the
//     target group attribute load_balancing.cross_zone.enabled overrides
//     the load balancer's (network/target-group-cross-zone,
//     application/disable-cross-zone).
//   - Client IP preservation (network/edit-target-group-attributes): on by
//     default for instance targets and for IP targets over UDP and
//     TCP_UDP, off by default for IP targets over TCP and TLS, set by
//     preserve_client_ip.enabled; when on, an IPv4 target sees the client's
//     address, otherwise the load balancer's private address. An
//     Application Load Balancer always connects from its own address.
//   - "Referencing the security group associated with your Network Load
//     Balancer in the security groups associated with your targets ensures
//     that your targets accept traffic from your Network Load Balancer even
//     if you enable client IP preservation" (network/load-balancer-security-
//     groups).
//   - NAT loopback (hairpinning) is not supported with client IP
//     preservation: a target that is also the client does not get its own
//     connection (network/load-balancer-troubleshooting).

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The kinds of target data the second leg reads.
const (
	KindTargetGroups           DataKind = "describe-target-groups"
	KindListenerRules          DataKind = "describe-rules"
	KindTargetHealth           DataKind = "describe-target-health"
	KindLoadBalancerAttributes DataKind = "describe-load-balancer-attributes"
	KindTargetGroupAttributes  DataKind = "describe-target-group-attributes"
)

// TargetVerdict is one target's verdict on the leg from the load balancer.
type TargetVerdict struct {
	TargetGroup string `json:"target_group"`
	ID          string `json:"id"`
	// Name is the target instance's Name tag.
	Name string `json:"name,omitempty"`
	Port int    `json:"port,omitempty"`
	AZ   string `json:"az,omitempty"`
	// Health is the target's state in describe-target-health ("unknown"
	// when it was not read).
	Health  string  `json:"health"`
	Verdict Verdict `json:"verdict"`
	// BlockedBy is the first blocker of the target's leg, or the load
	// balancer's own refusal to send to it (health, zone).
	BlockedBy *Blocked `json:"blocked_by"`
	// Reason says in one sentence why the target has its verdict.
	Reason string `json:"reason"`
	// Rule is the listener rule (or rules) the target came from.
	Rule string `json:"rule,omitempty"`
	// Leg is the checklist of the load balancer's interface to the
	// target, when the network was walked; nil when the load balancer
	// sends nothing to it, or the target is not reached over the network.
	Leg *Report `json:"-"`
}

// forwarding is what the first leg leaves for the second: the load
// balancer, the listener that took the connection, and the node (the
// interface) it arrived at.
type forwarding struct {
	lb       *LoadBalancer
	listener Listener
	node     *ENI
}

// targetLegs evaluates the second leg when the first one ended at a
// listener that forwards, and records its outcome on the service layer
// (or, when every target fails the same way, on the layer of that block).
func (w *walker) targetLegs(q Query, src endpoint) {
	f := w.forwarding
	if f == nil {
		return
	}
	client := w.arrivedFrom
	if !client.IsValid() {
		client = src.addr
	}
	plans := w.rulePlans(f, client)
	if plans == nil {
		// Where the connection goes is unknown; rulePlans said why.
		return
	}
	var answers []string
	var verdicts []TargetVerdict
	index := map[string][]int{}
	for _, p := range plans {
		if p.answers {
			if p.certain {
				answers = append(answers, p.label)
			} else {
				// It answers only the requests that match it, which the
				// network cannot tell: the others go on to the targets.
				w.notes = append(w.notes, fmt.Sprintf("%s of %s answers by itself (%s) the requests that match it; the others are forwarded as below", p.label, f.lb.Name, strings.Join(p.actions, ", ")))
			}
			continue
		}
		groups, ok := w.forwardGroups(f, p.groups)
		if !ok {
			return
		}
		for _, tg := range groups {
			if at, seen := index[tg.ARN]; seen {
				for _, i := range at {
					verdicts[i].Rule += "; " + p.label
				}
				continue
			}
			for _, t := range tg.Targets {
				tv := w.targetVerdict(q, src, f, tg, t)
				tv.Rule = p.label
				index[tg.ARN] = append(index[tg.ARN], len(verdicts))
				verdicts = append(verdicts, tv)
			}
		}
	}
	w.outOfDNS = w.zoneOutOfDNS(f, verdicts)
	slices.SortStableFunc(verdicts, func(a, b TargetVerdict) int { return verdictRank(b.Verdict) - verdictRank(a.Verdict) })
	w.targets = verdicts
	w.settleTargets(f, verdicts, answers)
}

// zoneOutOfDNS says why the node's address is not in the load balancer's
// DNS name, or "": "If there are no healthy targets in an enabled
// Availability Zone" for a target group that does not balance across
// zones, "we remove the IP address for the corresponding subnet from DNS";
// when every zone is in that state the load balancer fails open and
// answers with all of them (ELB user guide, target group health checks).
func (w *walker) zoneOutOfDNS(f *forwarding, verdicts []TargetVerdict) string {
	nodeZone := f.node.AZ
	if nodeZone == "" || len(f.lb.Zones) < 2 {
		return ""
	}
	healthyIn := func(zone string) (bool, string) {
		groups := map[string]bool{}
		healthy := map[string]bool{}
		for _, tv := range verdicts {
			groups[tv.TargetGroup] = true
			h := strings.ToLower(tv.Health)
			if (tv.AZ == zone || tv.AZ == "all") && (h == "healthy" || h == "unavailable") {
				healthy[tv.TargetGroup] = true
			}
		}
		for _, arn := range sortedKeys(groups) {
			tg := w.n.TargetGroups[arn]
			if tg == nil {
				return true, ""
			}
			if on, known, _ := crossZone(f.lb, tg); !known || on {
				continue
			}
			if !healthy[arn] {
				return false, tg.Name
			}
		}
		return true, ""
	}
	ok, group := healthyIn(nodeZone)
	if ok {
		return ""
	}
	for _, z := range f.lb.Zones {
		if z != nodeZone {
			if other, _ := healthyIn(z); other {
				return fmt.Sprintf("target group %s has no healthy target in %s and does not balance across zones, so %s's DNS name leaves out the node %s there", group, nodeZone, f.lb.Name, f.node.ID)
			}
		}
	}
	return ""
}

// rulePlan is one place a request may go: a rule's (or the default
// action's) target groups, or an answer the load balancer gives itself.
type rulePlan struct {
	label   string
	groups  []string
	actions []string
	answers bool
	// certain says every connection that reaches this plan takes it:
	// the default, or a rule whose source-ip condition the client
	// matches.
	certain bool
}

// rulePlans returns where a connection from client may be sent. Without
// rules, the listener's default action. With them, in priority order: a
// rule whose conditions are all source-ip decides when it matches and is
// passed over when it does not; a rule with a condition on the request
// (host, path, header, method, query) may match any request, so its groups
// are kept and the search goes on ("rules are evaluated in priority order,
// from the lowest value to the highest value; the default rule is evaluated
// last", ELB user guide, application/listener-update-rules).
func (w *walker) rulePlans(f *forwarding, client netip.Addr) []rulePlan {
	li := f.listener
	if !li.RulesRead && f.lb.Type == "application" {
		// An Application Load Balancer's rules decide which group a
		// connection goes to, the default action only what no rule
		// takes: without them, where it goes is not known, and neither
		// the default's targets passing nor failing may decide.
		w.missingFor(LayerService, KindListenerRules, li.ARN, f.lb.ARN, fmt.Sprintf("the rules of %s's listener %d/%s were not read (aws elbv2 describe-rules --listener-arn %s), and they decide which target group a connection goes to", f.lb.Name, li.Port, strings.ToLower(li.Protocol), li.ARN))
		return nil
	}
	if len(li.Rules) == 0 {
		return []rulePlan{{label: "default action", groups: li.TargetGroupARNs, actions: li.Actions, answers: !slices.Contains(li.Actions, "forward"), certain: true}}
	}
	var plans []rulePlan
	for _, r := range li.Rules {
		label := "rule " + r.Priority
		if r.IsDefault {
			label = "default rule"
		} else if len(r.Conditions) > 0 {
			label += " (" + strings.Join(r.Conditions, "; ") + ")"
		}
		plan := rulePlan{label: label, groups: r.TargetGroupARNs, actions: r.Actions, answers: !slices.Contains(r.Actions, "forward")}
		if r.IsDefault || r.OnlySourceIP && client.IsValid() {
			matches := len(r.SourceCIDRs) == 0
			for _, c := range r.SourceCIDRs {
				matches = matches || c.Contains(client)
			}
			if !r.IsDefault && len(r.SourceCIDRs) > 0 && !matches {
				continue
			}
			plan.certain = true
			plans = append(plans, plan)
			break
		}
		plans = append(plans, plan)
	}
	return plans
}

// forwardGroups returns the target groups named, all read with their
// targets; otherwise the service layer says what is missing and the
// second leg is not evaluated.
func (w *walker) forwardGroups(f *forwarding, arns []string) ([]*TargetGroup, bool) {
	if len(arns) == 0 {
		w.find(LayerService, Finding{Code: "TARGETS_NOT_CHECKED", Severity: SeverityUnknown, Component: f.lb.ARN, Rule: fmt.Sprintf("listener %d/%s", f.listener.Port, strings.ToLower(f.listener.Protocol)),
			Detail: fmt.Sprintf("load balancer %s forwards, but the listener names no target group, so where the connection goes is unknown", f.lb.Name)})
		return nil, false
	}
	if w.n.TargetGroups == nil {
		w.missing(LayerService, KindTargetGroups, f.lb.ARN, fmt.Sprintf("load balancer %s forwards to its target groups, which were not read (aws elbv2 describe-target-groups --load-balancer-arn %s)", f.lb.Name, f.lb.ARN))
		return nil, false
	}
	var groups []*TargetGroup
	for _, arn := range arns {
		tg := w.n.TargetGroups[arn]
		switch {
		case tg == nil:
			w.missingFor(LayerService, KindTargetGroups, arn, arn, fmt.Sprintf("load balancer %s forwards to target group %s, which is not among the target groups read", f.lb.Name, arn))
			return nil, false
		case !tg.TargetsRead:
			w.missingFor(LayerService, KindTargetHealth, arn, arn, fmt.Sprintf("the targets of %s and their health were not read (aws elbv2 describe-target-health --target-group-arn %s)", tg.Name, arn))
			return nil, false
		}
		groups = append(groups, tg)
	}
	return groups, true
}

// targetVerdict decides one target: whether the node sends to it at all,
// then its leg over the network.
func (w *walker) targetVerdict(q Query, src endpoint, f *forwarding, tg *TargetGroup, t Target) TargetVerdict {
	tv := TargetVerdict{TargetGroup: tg.ARN, ID: t.ID, Port: t.Port, AZ: t.AZ, Health: t.State, Verdict: Unknown}
	if tv.Port == 0 {
		tv.Port = tg.Port
	}
	var target *ENI
	isInstance := tg.TargetType == "instance" || tg.TargetType == "" && strings.HasPrefix(t.ID, "i-")
	if isInstance {
		target = w.instancePrimary(t.ID)
	}
	if target != nil {
		tv.Name = w.nameOf(target)
	}
	if tv.AZ == "" && target != nil {
		tv.AZ = target.AZ
		if s := w.n.Subnets[target.SubnetID]; tv.AZ == "" && s != nil {
			tv.AZ = s.AZ
		}
	}
	refuse := func(code, rule, reason string) TargetVerdict {
		tv.Verdict, tv.Reason = Unreachable, reason
		tv.BlockedBy = &Blocked{Layer: LayerService, Component: t.ID, Code: code, Direction: Forward, Rule: rule}
		return tv
	}
	unknown := func(reason string) TargetVerdict {
		tv.Verdict, tv.Reason = Unknown, reason
		return tv
	}
	state := strings.ToLower(t.State)
	switch {
	case state == "unknown" || state == "":
		return unknown(fmt.Sprintf("the health of %s in %s is not known, so whether the load balancer sends to it is unknown", t.ID, tg.Name))
	case !t.receivesTraffic():
		return refuse("TARGET_NOT_IN_SERVICE", "state "+t.State, fmt.Sprintf("%s is %s in %s: the load balancer sends it no new connections", t.ID, t.State, tg.Name))
	case (state == "unhealthy" || state == "initial") && groupHasHealthy(tg):
		tv = refuse("TARGET_UNHEALTHY", "state "+t.State, fmt.Sprintf("%s is %s in %s while other targets are healthy: the load balancer routes only to healthy targets", t.ID, t.State, tg.Name))
		if target != nil || tg.TargetType == "ip" {
			// Its leg may say why its health checks fail: they come
			// from the load balancer's nodes over the same network.
			leg := w.networkLeg(q, src, f, tg, TargetVerdict{ID: t.ID, Port: tv.Port}, target)
			tv.Leg = leg.Leg
			if leg.Verdict == Unreachable && leg.BlockedBy != nil {
				tv.Reason += fmt.Sprintf("; and its leg from the load balancer is blocked at %s %s (%s), which would fail its health checks too", leg.BlockedBy.Layer, leg.BlockedBy.Component, leg.BlockedBy.Code)
			}
		}
		return tv
	}
	if tv.AZ != "" && tv.AZ != "all" && len(f.lb.Zones) > 0 && !slices.Contains(f.lb.Zones, tv.AZ) {
		return refuse("TARGET_ZONE_NOT_ENABLED", "zones "+strings.Join(f.lb.Zones, ", "), fmt.Sprintf("%s is in %s, which load balancer %s does not enable (%s): it gets no traffic", t.ID, tv.AZ, f.lb.Name, strings.Join(f.lb.Zones, ", ")))
	}
	switch tg.TargetType {
	case "lambda":
		tv.Verdict = Reachable
		tv.Reason = fmt.Sprintf("the load balancer invokes Lambda function %s through the Lambda API: no network path of the account's is crossed, so no route, network ACL or security group applies", t.ID)
		return tv
	case "alb":
		return w.albTarget(q, src, f, tg, tv)
	}
	nodeZone := f.node.AZ
	if s := w.n.Subnets[f.node.SubnetID]; nodeZone == "" && s != nil {
		nodeZone = s.AZ
	}
	if tv.AZ == "" && tg.TargetType == "ip" {
		// An address in the load balancer's VPC is in its interface's
		// zone.
		if a, err := netip.ParseAddr(t.ID); err == nil {
			for _, e := range w.ix.enisByAddr[a] {
				if e.VPCID == f.node.VPCID {
					tv.AZ = e.AZ
				}
			}
		}
	}
	if tv.AZ == "" || nodeZone == "" {
		if on, known, why := crossZone(f.lb, tg); !on {
			if !known {
				why = "whether cross-zone load balancing is on is unknown: " + why
			}
			return unknown(fmt.Sprintf("the zone of %s or of the node %s is unknown, and %s, so whether this node sends to it is unknown", t.ID, f.node.ID, why))
		}
	}
	if tv.AZ != "" && tv.AZ != "all" && nodeZone != "" && tv.AZ != nodeZone {
		on, known, why := crossZone(f.lb, tg)
		switch {
		case !known:
			return unknown(fmt.Sprintf("%s is in %s and the load balancer's node %s in %s; %s, so whether this node sends to it is unknown", t.ID, tv.AZ, f.node.ID, nodeZone, why))
		case !on:
			return refuse("CROSS_ZONE_DISABLED", why, fmt.Sprintf("cross-zone load balancing is off (%s): the node %s in %s sends only to targets in %s, and %s is in %s", why, f.node.ID, nodeZone, nodeZone, t.ID, tv.AZ))
		}
	}
	if isInstance && target == nil {
		if _, gap := w.ix.gap(KindInstances); gap {
			return unknown(fmt.Sprintf("instance %s is not among the instances read, so its interface is unknown", t.ID))
		}
		return unknown(fmt.Sprintf("instance %s is registered in %s but is not among the interfaces read", t.ID, tg.Name))
	}
	return w.networkLeg(q, src, f, tg, tv, target)
}

// groupHasHealthy reports whether some target of the group is healthy
// and receives traffic: then the unhealthy ones get none.
func groupHasHealthy(tg *TargetGroup) bool {
	for _, t := range tg.Targets {
		switch strings.ToLower(t.State) {
		case "healthy", "unavailable":
			// Unavailable: health checks are off, and the target counts
			// as in service.
			return true
		}
	}
	return false
}

// crossZone says whether the group's targets take traffic from nodes in
// other zones: the group's attribute when it sets one, else the load
// balancer's (always on for an Application Load Balancer).
func crossZone(lb *LoadBalancer, tg *TargetGroup) (on, known bool, why string) {
	const key = "load_balancing.cross_zone.enabled"
	if tg.Attributes == nil {
		return false, false, fmt.Sprintf("the attributes of %s were not read (its %s may override the load balancer's)", tg.Name, key)
	}
	switch v := tg.Attributes[key]; v {
	case "true", "false":
		return v == "true", true, fmt.Sprintf("%s %s=%s", tg.Name, key, v)
	}
	if lb.Type == "application" {
		return true, true, "an Application Load Balancer always balances across zones"
	}
	if lb.Attributes == nil {
		return false, false, fmt.Sprintf("the attributes of %s were not read (%s is off by default for a Network Load Balancer)", lb.Name, key)
	}
	v, set := lb.Attributes[key]
	if !set {
		return false, true, fmt.Sprintf("%s leaves %s at its default, off", lb.Name, key)
	}
	return v == "true", true, fmt.Sprintf("%s %s=%s", lb.Name, key, v)
}

// clientIPPreserved says whether the target sees the client's address:
// never behind an Application Load Balancer; behind a Network Load
// Balancer the group's attribute, or its default by target type and
// protocol.
func clientIPPreserved(lb *LoadBalancer, tg *TargetGroup) (on, known bool, why string) {
	const key = "preserve_client_ip.enabled"
	if lb.Type != "network" {
		return false, true, "an Application Load Balancer connects to its targets from its own addresses"
	}
	proto := strings.ToUpper(tg.Protocol)
	if proto == "UDP" || proto == "TCP_UDP" {
		return true, true, "client IP preservation is always on for " + proto + " target groups"
	}
	def := tg.TargetType != "ip"
	if tg.TargetType == "alb" {
		// "When the target group type is alb, you can't modify the target
		// group attributes. These attributes always use their default
		// values" (network/application-load-balancer-target), and the
		// guide does not say what the default is for this type: only a
		// value the attributes output states decides.
		if v, set := tg.Attributes[key]; set {
			return v == "true", true, fmt.Sprintf("%s %s=%s", tg.Name, key, v)
		}
		return def, false, fmt.Sprintf("whether %s (an Application Load Balancer target group) preserves the client's address is not stated in its attributes", tg.Name)
	}
	if tg.Attributes == nil {
		return def, false, fmt.Sprintf("the attributes of %s were not read (%s defaults to %t for %s targets over %s)", tg.Name, key, def, tg.TargetType, proto)
	}
	if v, set := tg.Attributes[key]; set {
		return v == "true", true, fmt.Sprintf("%s %s=%s", tg.Name, key, v)
	}
	return def, true, fmt.Sprintf("%s leaves %s at its default for %s targets, %t", tg.Name, key, tg.TargetType, def)
}

// networkLeg walks the network from the node to the target. When whether
// the client's address is preserved is unknown, both legs are walked: they
// decide only when they agree.
func (w *walker) networkLeg(q Query, src endpoint, f *forwarding, tg *TargetGroup, tv TargetVerdict, target *ENI) TargetVerdict {
	preserved, known, why := clientIPPreserved(f.lb, tg)
	client := w.arrivedFrom
	if !client.IsValid() {
		client = src.addr
	}
	node := f.node.PrimaryIP()
	leg := func(keep bool) (Report, string) {
		from := node
		if keep && client.IsValid() && client.Is4() == node.Is4() {
			from = client
		}
		return w.walkTargetLeg(q, f, tg, tv, target, from, keep)
	}
	rep, reason := leg(preserved)
	if !known {
		other, _ := leg(!preserved)
		if other.Verdict != rep.Verdict {
			tv.Verdict, tv.Leg = Unknown, &rep
			tv.Reason = fmt.Sprintf("%s; with client IP preservation the leg is %s, without it %s", why, verdictOf(preserved, rep, other), verdictOf(!preserved, rep, other))
			return tv
		}
		reason += fmt.Sprintf(", and %s without it; %s, which therefore does not matter", other.Verdict, why)
	}
	tv.Verdict, tv.BlockedBy, tv.Leg = rep.Verdict, rep.BlockedBy, &rep
	tv.Reason = reason
	return tv
}

func verdictOf(preserved bool, first, second Report) Verdict {
	if preserved {
		return first.Verdict
	}
	return second.Verdict
}

// walkTargetLeg evaluates node → target as a path of its own: from the
// node's interface, with the client's address as the source when it is
// preserved, to the target's interface (instance) or address (IP), on the
// target's port.
func (w *walker) walkTargetLeg(q Query, f *forwarding, tg *TargetGroup, tv TargetVerdict, target *ENI, from netip.Addr, preserved bool) (Report, string) {
	tw := newWalker(w.n)
	tw.brief = w.brief
	// A fix under verification changes the network for the legs too, and
	// the fixes a leg offers are the path's to verify.
	tw.patch = w.patch
	defer func() {
		for fix, c := range tw.fixChanges {
			if w.fixChanges == nil {
				w.fixChanges = map[string]*fixChange{}
			}
			if _, ok := w.fixChanges[fix]; !ok {
				w.fixChanges[fix] = c
			}
		}
	}()
	tw.legOf = f
	tw.chained = w.chained + 1
	tw.preservedClient = preserved && from != f.node.PrimaryIP()
	proto := q.Protocol
	switch strings.ToUpper(tg.Protocol) {
	case "HTTP", "HTTPS", "TCP", "TLS":
		proto = ProtocolTCP
	case "UDP":
		proto = ProtocolUDP
	}
	tq := Query{From: End{Kind: EndENI, ID: f.node.ID, Raw: f.node.ID}, Protocol: proto, Port: tv.Port}
	if target != nil {
		tq.To = End{Kind: EndENI, ID: target.ID, Raw: tv.ID, Port: tv.Port}
	} else {
		a, err := netip.ParseAddr(tv.ID)
		if err != nil {
			return Report{Verdict: Unknown}, fmt.Sprintf("target %s of %s is neither an instance nor an address", tv.ID, tg.Name)
		}
		tq.To = End{Kind: EndAddress, Addr: a, Raw: tv.ID, Port: tv.Port}
	}
	if tw.preservedClient {
		tw.legPorts = w.arrivedPorts
	}
	rep := Report{Protocol: proto.String(), Verdict: Unknown}
	s := endpoint{end: PathEnd{Input: f.node.ID}, addr: from}
	tw.describe(&s, f.node)
	s.addr, s.end.Address = from, from.String()
	d, err := tw.resolveDestination(tq, s)
	if err != nil {
		return rep, err.Error()
	}
	if tw.preservedClient && d.eni != nil && d.eni.Owns(from) {
		tw.find(LayerService, Finding{Code: "CLIENT_IP_PRESERVATION_LOOPBACK", Severity: SeverityBlock, Component: tg.ARN, Rule: "preserve_client_ip.enabled",
			Detail: fmt.Sprintf("the client %s is itself target %s, and with client IP preservation on the load balancer does not send a client's connection back to it (NAT loopback is not supported)", from, tv.ID),
			Fix:    fmt.Sprintf("aws elbv2 modify-target-group-attributes --target-group-arn %s --attributes Key=preserve_client_ip.enabled,Value=false", tg.ARN)})
	}
	tw.run(tq, s, d, &rep)
	tw.evalService(tq, s, d, &rep)
	tw.chainedLegs(tq, s)
	rep.Source, rep.Destination = s.end, d.end
	tw.finish(&rep, tq, d)
	how := "from the load balancer's address " + from.String()
	if tw.preservedClient {
		how = "with the client's address " + from.String() + " preserved"
	}
	switch rep.Verdict {
	case Reachable:
		return rep, fmt.Sprintf("%s → %s:%d is open %s", f.node.ID, tv.ID, tv.Port, how)
	case Unreachable:
		b := rep.BlockedBy
		return rep, fmt.Sprintf("%s → %s:%d (%s) is blocked at %s %s (%s)", f.node.ID, tv.ID, tv.Port, how, b.Layer, b.Component, b.Code)
	}
	return rep, fmt.Sprintf("%s → %s:%d (%s) is unknown: %s", f.node.ID, tv.ID, tv.Port, how, firstUnknownDetail(&rep))
}

// firstUnknownDetail is the first unknown finding's detail of a report.
func firstUnknownDetail(r *Report) string {
	for _, l := range r.Layers {
		for _, f := range l.Findings {
			if f.Severity == SeverityUnknown {
				return f.Detail
			}
		}
	}
	return "no layer decided"
}

// settleTargets turns the targets' verdicts into the path's: reachable
// when one target is; when none is and every one is blocked the same way,
// that block decides the path; otherwise the service layer fails (or is
// unknown) at the load balancer, naming each target's fate.
func (w *walker) settleTargets(f *forwarding, verdicts []TargetVerdict, answers []string) {
	comp := f.lb.ARN
	rule := fmt.Sprintf("listener %d/%s", f.listener.Port, strings.ToLower(f.listener.Protocol))
	var reachable, blocked, unknown []TargetVerdict
	for _, tv := range verdicts {
		switch tv.Verdict {
		case Reachable:
			reachable = append(reachable, tv)
		case Unreachable:
			blocked = append(blocked, tv)
		default:
			unknown = append(unknown, tv)
		}
	}
	list := func(vs []TargetVerdict) string {
		parts := make([]string, len(vs))
		for i, tv := range vs {
			parts[i] = tv.ID + ": " + tv.Reason
		}
		return strings.Join(parts, "; ")
	}
	switch {
	case len(reachable) > 0 || len(answers) > 0:
		what := fmt.Sprintf("%d of %d targets take the connection from %s", len(reachable), len(verdicts), f.node.ID)
		if len(answers) > 0 {
			what += "; the load balancer answers by itself under " + strings.Join(answers, ", ")
		}
		w.decide(LayerService, Decision{Component: comp, Step: "targets of " + f.lb.Name, Outcome: "allow", Rule: what})
		var broken []TargetVerdict
		for _, tv := range blocked {
			if tv.Leg != nil && tv.Leg.Verdict == Unreachable {
				broken = append(broken, tv)
			}
		}
		if len(broken) > 0 {
			// The load balancer sends to these, and they cannot answer:
			// part of the traffic fails until their health checks do.
			w.find(LayerService, Finding{Code: "TARGETS_PARTLY_UNREACHABLE", Severity: SeverityWarn, Component: comp, Rule: rule,
				Detail: fmt.Sprintf("load balancer %s reaches %d of %d targets; %s", f.lb.Name, len(reachable), len(verdicts), list(broken))})
		}
	case len(verdicts) == 0:
		w.decide(LayerService, Decision{Component: comp, Step: "targets of " + f.lb.Name, Outcome: "deny", Rule: "no target registered"})
		w.find(LayerService, Finding{Code: "TARGET_GROUP_NO_TARGETS", Severity: SeverityBlock, Component: comp, Rule: rule,
			Detail: fmt.Sprintf("load balancer %s accepts the connection, but the target groups its rules forward to have no registered targets", f.lb.Name)})
	case len(unknown) > 0:
		w.find(LayerService, Finding{Code: "TARGETS_UNKNOWN", Severity: SeverityUnknown, Component: comp, Rule: rule,
			Detail: fmt.Sprintf("no target of load balancer %s is known to take the connection: %s", f.lb.Name, list(verdicts))})
	case len(blocked) > 0:
		if fd, layer, same := commonBlock(blocked); same {
			fd.Detail = fmt.Sprintf("on the leg from load balancer %s to its targets (%s): %s", f.lb.Name, targetIDs(blocked), fd.Detail)
			fd.hop = 0
			w.find(layer, fd)
			return
		}
		code := "NO_TARGET_REACHABLE"
		if c := blocked[0].BlockedBy.Code; !slices.ContainsFunc(blocked, func(tv TargetVerdict) bool { return tv.Leg != nil || tv.BlockedBy.Code != c }) {
			// The load balancer itself sends to none of them, for one
			// reason (all in other zones, all unhealthy beside healthy
			// ones of another group, ...): that reason decides.
			code = c
		}
		w.decide(LayerService, Decision{Component: comp, Step: "targets of " + f.lb.Name, Outcome: "deny", Rule: "no target takes the connection"})
		w.find(LayerService, Finding{Code: code, Severity: SeverityBlock, Component: comp, Rule: rule,
			Detail: fmt.Sprintf("load balancer %s accepts the connection but no target takes it: %s", f.lb.Name, list(blocked))})
	}
}

// commonBlock returns the blocking finding every target shares (the same
// layer, component, code and direction), when they share one.
func commonBlock(blocked []TargetVerdict) (Finding, string, bool) {
	var first Finding
	var layer string
	for i, tv := range blocked {
		b := tv.BlockedBy
		if b == nil || tv.Leg == nil {
			return Finding{}, "", false
		}
		if i == 0 {
			fd, ok := findingOf(tv.Leg, b)
			if !ok {
				return Finding{}, "", false
			}
			first, layer = fd, b.Layer
			continue
		}
		if b.Layer != layer || b.Component != first.Component || b.Code != first.Code || b.Direction != first.Direction {
			return Finding{}, "", false
		}
	}
	return first, layer, layer != ""
}

// findingOf is the report's finding a blocker names.
func findingOf(r *Report, b *Blocked) (Finding, bool) {
	if l := r.Layer(b.Layer); l != nil {
		for _, f := range l.Findings {
			if f.Severity == SeverityBlock && f.Component == b.Component && f.Code == b.Code && f.Direction == b.Direction {
				return f, true
			}
		}
	}
	return Finding{}, false
}

func targetIDs(vs []TargetVerdict) string {
	ids := make([]string, len(vs))
	for i, tv := range vs {
		ids[i] = tv.ID
	}
	return strings.Join(ids, ", ")
}

// replyThroughLoadBalancer is the reply of a target that saw the client's
// address: the load balancer tracks the connection and takes the reply
// back at its node, so the reply crosses the target's and the node's
// network ACLs towards the client's address and no route to the client
// is needed. Outside the load balancer's VPC that return is not modelled.
func (w *walker) replyThroughLoadBalancer(end walkEnd, ds *Subnet, d *ENI) {
	node := w.legOf.node
	r := replyOf(end.pkt)
	if d.VPCID != node.VPCID {
		w.find(LayerRoute, Finding{Code: "CLIENT_IP_PRESERVED_OUTSIDE_VPC", Severity: SeverityUnknown, Component: d.ID, Rule: "preserve_client_ip.enabled",
			Detail: fmt.Sprintf("target %s is outside the load balancer's VPC %s and sees the client's address %s; reach does not model how its reply finds its way back to the load balancer", d.ID, node.VPCID, r.dst)})
		return
	}
	ns := w.n.Subnets[node.SubnetID]
	if ns == nil {
		w.subnetOf(node, LayerNACL)
		return
	}
	w.decide(LayerRoute, Decision{Component: node.ID, Step: "reply to " + r.dst.String(), Outcome: "forward",
		Rule: "the load balancer tracks the connection: the reply to the client's preserved address returns through its node " + node.ID})
	w.crossNACLs(ds, ns, r, "reply to the client's preserved address, back through the load balancer")
}
