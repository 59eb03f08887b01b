// Load balancers (Elastic Load Balancing v2): a connection to a load
// balancer is accepted only on a port where one of its listeners listens
// ("Before you start using your load balancer, you must add at least one
// listener. If your load balancer has no listeners, it can't receive
// traffic from clients", ELB user guide, load-balancer-listeners). The
// second leg, from the load balancer to its targets, is not evaluated yet,
// and the report says so rather than imply it.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// The kinds of load balancer data the service layer reads.
const (
	KindLoadBalancers DataKind = "describe-load-balancers"
	KindListeners     DataKind = "describe-listeners"
)

// LoadBalancer is an Elastic Load Balancing v2 load balancer
// (describe-load-balancers) with its listeners (describe-listeners).
type LoadBalancer struct {
	ARN  string
	Name string
	// Type is "application", "network" or "gateway".
	Type string
	// Scheme is "internal" or "internet-facing".
	Scheme  string
	VPCID   string
	State   string
	DNSName string
	// Listeners are the load balancer's listeners; ListenersRead says
	// whether they were read at all (a load balancer without listeners
	// has none, which is not the same as listeners that were not read).
	Listeners     []Listener
	ListenersRead bool
	// Zones are the Availability Zones the load balancer enables, by
	// name; a target elsewhere gets no traffic.
	Zones []string
	// Attributes are describe-load-balancer-attributes by key; nil when
	// they were not read (an empty map when read and none set).
	Attributes map[string]string
}

// Listener is one listener of a load balancer.
type Listener struct {
	ARN  string
	Port int
	// Protocol is the listener's: HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP,
	// GENEVE.
	Protocol string
	// Actions are the types of the default actions, in order: forward,
	// redirect, fixed-response, authenticate-oidc, authenticate-cognito.
	Actions []string
	// TargetGroupARNs are the groups the forward action sends to.
	TargetGroupARNs []string
	// Rules are an Application Load Balancer listener's rules
	// (describe-rules) in priority order, the default rule last;
	// RulesRead says whether they were read. Without them the default
	// actions above stand for every rule.
	Rules     []ListenerRule
	RulesRead bool
}

// ListenerRule is one rule of a listener.
type ListenerRule struct {
	// Priority is AWS's: a number, or "default".
	Priority  string
	IsDefault bool
	// Conditions say what a request must carry to match, one line each
	// ("path-pattern /api/*"); SourceCIDRs are the source-ip condition's
	// ranges, the one condition the network decides.
	Conditions  []string
	SourceCIDRs []netip.Prefix
	// OnlySourceIP says the rule's conditions are all source-ip (or it
	// has none): whether a connection matches it is known.
	OnlySourceIP    bool
	Actions         []string
	TargetGroupARNs []string
}

// TargetGroup is a target group (describe-target-groups) with its targets
// and their health (describe-target-health).
type TargetGroup struct {
	ARN, Name string
	Port      int
	Protocol  string
	// TargetType is "instance", "ip", "lambda" or "alb".
	TargetType string
	Targets    []Target
	// TargetsRead says whether describe-target-health was read for the
	// group (a group without targets has none, which is not the same).
	TargetsRead bool
	// Attributes are describe-target-group-attributes by key; nil when
	// they were not read.
	Attributes map[string]string
}

// Target is one registered target and its health.
type Target struct {
	ID   string
	Port int
	AZ   string
	// State is healthy, unhealthy, initial, draining, unused, unavailable
	// or unhealthy.draining.
	State  string
	Reason string
}

// receivesTraffic reports whether the load balancer sends new connections
// to the target: not to one that is deregistering (draining) or that it
// does not use (unused: its Availability Zone is not enabled, or the
// group is in no listener rule). Unhealthy targets are handled by the
// caller, since a group of unhealthy targets only fails open.
func (t Target) receivesTraffic() bool {
	switch strings.ToLower(t.State) {
	case "draining", "unused", "unhealthy.draining":
		return false
	}
	return true
}

// carries reports whether the listener accepts connections of protocol p.
// HTTP, HTTPS and TLS ride on TCP; TCP_UDP accepts both.
func (l Listener) carries(p Protocol) bool {
	switch strings.ToUpper(l.Protocol) {
	case "HTTP", "HTTPS", "TCP", "TLS":
		return p == ProtocolTCP
	case "UDP":
		return p == ProtocolUDP
	case "TCP_UDP":
		return p == ProtocolTCP || p == ProtocolUDP
	}
	return false
}

// loadBalancerOf finds the load balancer whose interface e is, by the
// description ELB gives it ("ELB net/NAME/ID" ends the ARN
// "…:loadbalancer/net/NAME/ID").
func (n *Network) loadBalancerOf(e *ENI) *LoadBalancer {
	rest, ok := strings.CutPrefix(e.Description, "ELB ")
	if !ok || strings.Count(rest, "/") != 2 {
		return nil
	}
	suffix := ":loadbalancer/" + rest
	for _, arn := range sortedKeys(n.LoadBalancers) {
		if strings.HasSuffix(arn, suffix) {
			return n.LoadBalancers[arn]
		}
	}
	return nil
}

// loadBalancerDestination decides whether the load balancer behind e
// accepts the connection: a listener on the port and protocol.
func (w *walker) loadBalancerDestination(q Query, dst endpoint) {
	e := dst.eni
	name, l, parsed := parseELBDescription(e.Description)
	what := "a load balancer"
	if parsed {
		what = fmt.Sprintf("%s load balancer %s", map[string]string{"net": "network", "app": "application", "gwy": "gateway", "classic": "Classic"}[l.kind], name)
	}
	if parsed && (l.kind == "classic" || l.kind == "gwy") {
		// A Classic Load Balancer's listeners come from another API, and a
		// Gateway Load Balancer is reached through its endpoints: neither
		// is modelled, so neither may pass.
		w.find(LayerService, Finding{Code: "LOAD_BALANCER_NOT_MODELLED", Severity: SeverityUnknown, Component: e.ID, Rule: what,
			Detail: fmt.Sprintf("%s is an interface of %s; reach does not model %s load balancers, so whether it accepts and forwards this connection is unknown", e.ID, what, map[string]string{"classic": "Classic", "gwy": "Gateway"}[l.kind])})
		return
	}
	if w.n.LoadBalancers == nil {
		w.missing(LayerService, KindLoadBalancers, e.ID, fmt.Sprintf("%s is an interface of %s, which accepts connections only on its listeners' ports; the load balancers were not read (aws elbv2 describe-load-balancers)", e.ID, what))
		return
	}
	lb := w.n.loadBalancerOf(e)
	if lb == nil {
		w.missing(LayerService, KindLoadBalancers, e.ID, fmt.Sprintf("%s is an interface of %s, which is not among the load balancers read", e.ID, what))
		return
	}
	if !lb.ListenersRead {
		w.missingFor(LayerService, KindListeners, lb.ARN, lb.ARN, fmt.Sprintf("%s accepts connections only on its listeners' ports, and its listeners were not read (aws elbv2 describe-listeners --load-balancer-arn %s)", lb.ARN, lb.ARN))
		return
	}
	port := q.Port
	if port == 0 {
		port = dst.end.Port
	}
	var ports []string
	for _, li := range lb.Listeners {
		ports = append(ports, strconv.Itoa(li.Port)+"/"+strings.ToLower(li.Protocol))
	}
	slices.Sort(ports)
	ports = slices.Compact(ports)
	listening := "no listeners"
	if len(ports) > 0 {
		listening = "listeners on " + strings.Join(ports, ", ")
	}
	if !q.Protocol.HasPorts() || port == 0 {
		w.find(LayerService, Finding{Code: "LOAD_BALANCER_LISTENER_PORT_RESTRICTION", Severity: SeverityBlock, Component: lb.ARN, Rule: listening,
			Detail: fmt.Sprintf("load balancer %s accepts only connections to its listeners (%s); %s with no port is not one of them", lb.Name, listening, q.Protocol)})
		return
	}
	for _, li := range lb.Listeners {
		if li.Port != port || !li.carries(q.Protocol) {
			continue
		}
		rule := fmt.Sprintf("listener %d/%s", li.Port, strings.ToLower(li.Protocol))
		w.decide(LayerService, Decision{Component: lb.ARN, Step: "listener of " + lb.Name, Outcome: "allow", Rule: rule + " (" + strings.Join(li.Actions, ", ") + ")"})
		if li.RulesRead && len(li.Rules) > 0 {
			// The rules decide where the request goes (targetLegs).
			w.forwarding = &forwarding{lb: lb, listener: li, node: e}
			return
		}
		if slices.Contains(li.Actions, "forward") {
			if w.noTargetTakesIt(lb, li) {
				return
			}
			// The second leg runs once the first is complete
			// (targetLegs), from the node the connection arrived at.
			w.forwarding = &forwarding{lb: lb, listener: li, node: e}
		}
		return
	}
	w.decide(LayerService, Decision{Component: lb.ARN, Step: "listener of " + lb.Name, Outcome: "deny", Rule: listening})
	w.find(LayerService, Finding{Code: "LOAD_BALANCER_LISTENER_PORT_RESTRICTION", Severity: SeverityBlock, Component: lb.ARN, Rule: listening,
		Detail: fmt.Sprintf("load balancer %s has %s, none for %d/%s, so it refuses the connection", lb.Name, listening, port, q.Protocol),
		Fix:    fmt.Sprintf("connect to a port it listens on, or add a listener: aws elbv2 create-listener --load-balancer-arn %s --protocol <protocol> --port %d --default-actions Type=forward,TargetGroupArn=<target group ARN>", lb.ARN, port)})
}

// noTargetTakesIt fails the service layer when the listener forwards only
// to target groups, all read, none of whose targets receives traffic: no
// target registered, or every one draining or unused. "If a target group
// contains only unhealthy registered targets, the load balancer routes
// requests to all those targets, regardless of their health status" (ELB
// user guides, target group health checks): that is a warning, not a
// block. It reports whether it failed the layer.
func (w *walker) noTargetTakesIt(lb *LoadBalancer, li Listener) bool {
	if w.n.TargetGroups == nil || len(li.TargetGroupARNs) == 0 {
		return false
	}
	var groups []*TargetGroup
	for _, arn := range li.TargetGroupARNs {
		tg := w.n.TargetGroups[arn]
		if tg == nil || !tg.TargetsRead {
			return false
		}
		groups = append(groups, tg)
	}
	var states []string
	receiving, healthy := 0, 0
	for _, tg := range groups {
		for _, t := range tg.Targets {
			states = append(states, t.ID+" "+t.State)
			if t.receivesTraffic() {
				receiving++
				if !strings.EqualFold(t.State, "unhealthy") {
					healthy++
				}
			}
		}
	}
	component := groups[0].ARN
	switch {
	case receiving == 0:
		what := "has no registered targets"
		if len(states) > 0 {
			what = "has no target that receives traffic (" + strings.Join(states, ", ") + "): draining and unused targets get no new connections"
		}
		w.decide(LayerService, Decision{Component: component, Step: "targets of " + lb.Name, Outcome: "deny", Rule: what})
		w.find(LayerService, Finding{Code: "TARGET_GROUP_NO_TARGETS", Severity: SeverityBlock, Component: component, Rule: what,
			Detail: fmt.Sprintf("load balancer %s listens on %d/%s, but the target group it forwards to %s, so the connection has nowhere to go", lb.Name, li.Port, strings.ToLower(li.Protocol), what),
			Fix:    fmt.Sprintf("aws elbv2 register-targets --target-group-arn %s --targets Id=<instance or address>", component)})
		return true
	case healthy == 0:
		w.find(LayerService, Finding{Code: "TARGETS_ALL_UNHEALTHY", Severity: SeverityWarn, Component: component, Rule: strings.Join(states, ", "),
			Detail: fmt.Sprintf("every target behind load balancer %s is unhealthy (%s); the load balancer then fails open and sends to all of them, so connections arrive but the targets are failing their health checks", lb.Name, strings.Join(states, ", ")),
			Fix:    fmt.Sprintf("aws elbv2 describe-target-health --target-group-arn %s  (the Reason and Description say why each fails)", component)})
	}
	return false
}

// LoadBalancerEnd turns a destination named by a load balancer's ARN or
// name (with an optional :PORT) into its DNS name, so that the path is
// resolved as the source would resolve it (internal schemes to private
// addresses, internet-facing ones to public addresses from outside) and
// every node it answers with is evaluated. It reports false when typed
// names no load balancer read, a name two of them share, or a Name tag of
// an instance or interface.
func (n *Network) LoadBalancerEnd(typed string) (string, bool) {
	host, port := typed, ""
	if i := strings.LastIndex(typed, ":"); i > 0 && isDigits(typed[i+1:]) {
		host, port = typed[:i], typed[i:]
	}
	var found *LoadBalancer
	if strings.HasPrefix(host, "arn:") {
		found = n.LoadBalancers[host]
	} else {
		for _, inst := range n.Instances {
			if inst.Name == host {
				// A Name tag names what it tags first.
				return "", false
			}
		}
		for _, e := range n.ENIs {
			if e.Name == host {
				return "", false
			}
		}
		for _, arn := range sortedKeys(n.LoadBalancers) {
			if lb := n.LoadBalancers[arn]; lb.Name == host {
				if found != nil {
					return "", false
				}
				found = lb
			}
		}
	}
	if found == nil || found.DNSName == "" {
		return "", false
	}
	return found.DNSName + port, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
