package checks

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

const (
	legNLB = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef"
	legALB = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"
	legTG  = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/89abcdef01234567"
	legTG2 = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/batch/0123456789abcdef"
)

// withRules gives the listener rules read from describe-rules: those
// given, then the default rule forwarding to group api; group batch holds
// i-web3, whose group admits nothing on 8443.
func withRules(b *netBuilder, rules ...ListenerRule) {
	l := &b.n.LoadBalancers[legALB].Listeners[0]
	l.Rules = append(rules, ListenerRule{Priority: "default", IsDefault: true, OnlySourceIP: true, Actions: []string{"forward"}, TargetGroupARNs: []string{legTG}})
	l.RulesRead = true
	b.n.TargetGroups[legTG].Attributes["load_balancing.cross_zone.enabled"] = "true"
	b.sg("sg-batch", "vpc-app")
	e := b.eni("eni-web3", "subnet-a", "10.0.1.30", "sg-batch")
	e.InstanceID = "i-web3"
	b.n.Instances["i-web3"] = &Instance{ID: "i-web3", State: "running", ENIIDs: []string{"eni-web3"}}
	b.n.TargetGroups[legTG2] = &TargetGroup{ARN: legTG2, Name: "batch", Port: 8443, Protocol: "HTTP", TargetType: "instance", TargetsRead: true,
		Attributes: map[string]string{}, Targets: []Target{{ID: "i-web3", Port: 8443, State: "healthy"}}}
}

// legNet is one VPC in two zones: a client in zone a; a Network Load
// Balancer without security groups with a node in each zone, listening on
// TCP 443 and forwarding to group api (instance targets on 8443); web-1 in
// zone a and web-2 in zone b, both healthy, whose group admits 8443 from
// the VPC. Both attribute outputs are read and set nothing (the defaults).
func legNet() *netBuilder {
	b := newNet()
	b.vpc("vpc-app", "10.0.0.0/16")
	b.subnet("subnet-a", "vpc-app", "10.0.1.0/24", "us-east-1a")
	b.subnet("subnet-b", "vpc-app", "10.0.2.0/24", "us-east-1b")
	b.sg("sg-client", "vpc-app")
	b.sg("sg-web", "vpc-app", tcpFrom(8443, "10.0.0.0/16"))
	b.eni("eni-client", "subnet-a", "10.0.1.10", "sg-client")
	for _, node := range []struct{ id, subnet, ip string }{{"eni-nlb-a", "subnet-a", "10.0.1.100"}, {"eni-nlb-b", "subnet-b", "10.0.2.100"}} {
		e := b.eni(node.id, node.subnet, node.ip)
		e.InterfaceType, e.RequesterManaged, e.Description = "network_load_balancer", true, "ELB net/api/0123456789abcdef"
	}
	for _, web := range []struct{ inst, eni, subnet, ip string }{{"i-web1", "eni-web1", "subnet-a", "10.0.1.20"}, {"i-web2", "eni-web2", "subnet-b", "10.0.2.20"}} {
		e := b.eni(web.eni, web.subnet, web.ip, "sg-web")
		e.InstanceID = web.inst
		b.n.Instances[web.inst] = &Instance{ID: web.inst, State: "running", ENIIDs: []string{web.eni}}
	}
	b.n.LoadBalancers = map[string]*LoadBalancer{legNLB: {ARN: legNLB, Name: "api", Type: "network", Scheme: "internal", VPCID: "vpc-app", State: "active",
		Zones: []string{"us-east-1a", "us-east-1b"}, Attributes: map[string]string{}, ListenersRead: true,
		Listeners: []Listener{{Port: 443, Protocol: "TCP", Actions: []string{"forward"}, TargetGroupARNs: []string{legTG}}}}}
	b.n.TargetGroups = map[string]*TargetGroup{legTG: {ARN: legTG, Name: "api", Port: 8443, Protocol: "TCP", TargetType: "instance", TargetsRead: true,
		Attributes: map[string]string{}, Targets: []Target{{ID: "i-web1", Port: 8443, State: "healthy"}, {ID: "i-web2", Port: 8443, State: "healthy"}}}}
	return b
}

// asALB turns the load balancer into an Application Load Balancer with
// group sg-alb on its nodes.
func asALB(b *netBuilder) {
	lb := b.n.LoadBalancers[legNLB]
	delete(b.n.LoadBalancers, legNLB)
	lb.ARN, lb.Type, lb.Name = legALB, "application", "web"
	lb.Listeners[0].Protocol = "HTTP"
	// Its rules are read: the default rule alone, as describe-rules lists
	// it for a listener without others.
	lb.Listeners[0].ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/0000000000000443"
	lb.Listeners[0].RulesRead = true
	lb.Listeners[0].Rules = []ListenerRule{{Priority: "default", IsDefault: true, OnlySourceIP: true, Actions: []string{"forward"}, TargetGroupARNs: []string{legTG}}}
	b.n.LoadBalancers[legALB] = lb
	b.sg("sg-alb", "vpc-app", tcpFrom(443, "10.0.0.0/16"))
	for _, id := range []string{"eni-nlb-a", "eni-nlb-b"} {
		e := b.n.ENIs[id]
		e.InterfaceType, e.Description, e.SecurityGroupIDs = "interface", "ELB app/web/0123456789abcdef", []string{"sg-alb"}
	}
	b.n.TargetGroups[legTG].Protocol = "HTTP"
}

// TestTargetLegs: the leg from the load balancer's node to each target,
// by the rules of the ELB user guides that loadbalancer_targets.go quotes.
func TestTargetLegs(t *testing.T) {
	tg := func(b *netBuilder) *TargetGroup { return b.n.TargetGroups[legTG] }
	for _, tc := range []struct {
		name  string
		setup func(b *netBuilder)
		to    string
		// verdict of the path; targets: each target's verdict and, when
		// unreachable, its blocker's code.
		verdict Verdict
		targets map[string]string
		// blocked is "layer code" of the path's blocked_by.
		blocked string
	}{
		{"cross-zone off by default on an NLB: the node in zone a sends only to web-1", nil, "10.0.1.100:443",
			Reachable, map[string]string{"i-web1": "reachable", "i-web2": "unreachable CROSS_ZONE_DISABLED"}, ""},
		{"the node in zone b sends only to web-2", nil, "10.0.2.100:443",
			Reachable, map[string]string{"i-web1": "unreachable CROSS_ZONE_DISABLED", "i-web2": "reachable"}, ""},
		{"the group turns cross-zone on over the load balancer's default", func(b *netBuilder) {
			tg(b).Attributes["load_balancing.cross_zone.enabled"] = "true"
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "reachable"}, ""},
		{"the group turns cross-zone off over the load balancer's on", func(b *netBuilder) {
			b.n.LoadBalancers[legNLB].Attributes["load_balancing.cross_zone.enabled"] = "true"
			tg(b).Attributes["load_balancing.cross_zone.enabled"] = "false"
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "unreachable CROSS_ZONE_DISABLED"}, ""},
		{"load balancer attributes not read: the other zone's target is unknown", func(b *netBuilder) {
			b.n.LoadBalancers[legNLB].Attributes = nil
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "unknown"}, ""},
		{"the only target is in the other zone and cross-zone is off", func(b *netBuilder) {
			tg(b).Targets = tg(b).Targets[1:]
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web2": "unreachable CROSS_ZONE_DISABLED"}, "service CROSS_ZONE_DISABLED"},
		{"client IP preserved (instance default): a group admitting only the node's address refuses the client", func(b *netBuilder) {
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFrom(8443, "10.0.1.100/32"), tcpFrom(8443, "10.0.2.100/32")}
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web1": "unreachable ENI_SG_RULES_MISMATCH", "i-web2": "unreachable CROSS_ZONE_DISABLED"}, "service NO_TARGET_REACHABLE"},
		{"preservation off by attribute: the node's address is admitted", func(b *netBuilder) {
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFrom(8443, "10.0.1.100/32"), tcpFrom(8443, "10.0.2.100/32")}
			tg(b).Attributes["preserve_client_ip.enabled"] = "false"
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "unreachable CROSS_ZONE_DISABLED"}, ""},
		{"group attributes not read: the two legs disagree, unknown", func(b *netBuilder) {
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFrom(8443, "10.0.1.100/32")}
			tg(b).Attributes = nil
			tg(b).Targets = tg(b).Targets[:1]
		}, "10.0.1.100:443", Unknown, map[string]string{"i-web1": "unknown"}, ""},
		{"group attributes not read: both legs open decide", func(b *netBuilder) {
			tg(b).Attributes = nil
			tg(b).Targets = tg(b).Targets[:1]
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable"}, ""},
		{"an NLB with a group that the target's group references admits the preserved client", func(b *netBuilder) {
			b.sg("sg-nlb", "vpc-app", tcpFrom(443, "10.0.0.0/16"))
			b.n.ENIs["eni-nlb-a"].SecurityGroupIDs = []string{"sg-nlb"}
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(8443, "sg-nlb")}
			tg(b).Targets = tg(b).Targets[:1]
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable"}, ""},
		{"the target's network ACL refuses the preserved client's address", func(b *netBuilder) {
			b.acl("acl-web", "vpc-app", []string{"subnet-b"},
				[]NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("10.0.2.0/24")}},
				[]NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0")}})
			tg(b).Attributes["load_balancing.cross_zone.enabled"] = "true"
			tg(b).Targets = tg(b).Targets[1:]
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web2": "unreachable SUBNET_ACL_RESTRICTION"}, "nacl SUBNET_ACL_RESTRICTION"},
		{"a draining target gets no new connections", func(b *netBuilder) {
			tg(b).Targets[1].State = "draining"
			tg(b).Attributes["load_balancing.cross_zone.enabled"] = "true"
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "unreachable TARGET_NOT_IN_SERVICE"}, ""},
		{"an unhealthy target beside a healthy one gets nothing", func(b *netBuilder) {
			tg(b).Targets[0].State = "unhealthy"
			tg(b).Attributes["load_balancing.cross_zone.enabled"] = "true"
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "unreachable TARGET_UNHEALTHY", "i-web2": "reachable"}, ""},
		{"every target unhealthy: the load balancer fails open", func(b *netBuilder) {
			tg(b).Targets[0].State, tg(b).Targets[1].State = "unhealthy", "unhealthy"
			tg(b).Attributes["load_balancing.cross_zone.enabled"] = "true"
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "reachable"}, ""},
		{"a target in a zone the load balancer does not enable", func(b *netBuilder) {
			b.n.LoadBalancers[legNLB].Zones = []string{"us-east-1a"}
			tg(b).Targets = tg(b).Targets[1:]
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web2": "unreachable TARGET_ZONE_NOT_ENABLED"}, "service TARGET_ZONE_NOT_ENABLED"},
		{"health not read: unknown, never green", func(b *netBuilder) {
			tg(b).Targets[0].State, tg(b).Targets[1].State = "unknown", "unknown"
		}, "10.0.1.100:443", Unknown, map[string]string{"i-web1": "unknown", "i-web2": "unknown"}, ""},
		{"the client is its own target with client IP preserved: no loopback", func(b *netBuilder) {
			tg(b).Targets = []Target{{ID: "i-client", Port: 8443, State: "healthy"}}
			b.n.ENIs["eni-client"].InstanceID = "i-client"
			b.n.Instances["i-client"] = &Instance{ID: "i-client", State: "running", ENIIDs: []string{"eni-client"}}
			b.n.SecurityGroups["sg-client"].Inbound = []SGRule{tcpFrom(8443, "10.0.0.0/16")}
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-client": "unreachable CLIENT_IP_PRESERVATION_LOOPBACK"}, "service CLIENT_IP_PRESERVATION_LOOPBACK"},
		{"a stopped instance target", func(b *netBuilder) {
			b.n.Instances["i-web1"].State = "stopped"
			tg(b).Targets = tg(b).Targets[:1]
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web1": "unreachable BAD_STATE"}, "service BAD_STATE"},
		{"ALB: always cross-zone, connects from its own address", func(b *netBuilder) {
			asALB(b)
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(8443, "sg-alb")}
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "reachable"}, ""},
		{"ALB: its listener's rules not read, where a connection goes is unknown", func(b *netBuilder) {
			asALB(b)
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(8443, "sg-alb")}
			li := &b.n.LoadBalancers[legALB].Listeners[0]
			li.RulesRead, li.Rules = false, nil
		}, "10.0.1.100:443", Unknown, map[string]string{}, ""},
		{"ALB: its group lets nothing out to the targets", func(b *netBuilder) {
			asALB(b)
			b.n.SecurityGroups["sg-alb"].Outbound = []SGRule{tcpFrom(80, "0.0.0.0/0")}
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web1": "unreachable ENI_SG_RULES_MISMATCH", "i-web2": "unreachable ENI_SG_RULES_MISMATCH"}, "security-group ENI_SG_RULES_MISMATCH"},
		{"ALB: the targets' group does not admit the load balancer", func(b *netBuilder) {
			asALB(b)
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFrom(8443, "10.0.1.10/32")}
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web1": "unreachable ENI_SG_RULES_MISMATCH", "i-web2": "unreachable ENI_SG_RULES_MISMATCH"}, "security-group ENI_SG_RULES_MISMATCH"},
		{"ALB: a Lambda target is invoked, not connected to", func(b *netBuilder) {
			asALB(b)
			tg(b).TargetType = "lambda"
			tg(b).Targets = []Target{{ID: "arn:aws:lambda:us-east-1:111122223333:function:api", State: "unavailable"}}
		}, "10.0.1.100:443", Reachable, map[string]string{"arn:aws:lambda:us-east-1:111122223333:function:api": "reachable"}, ""},
		{"ALB: an IP target in a peered VPC", func(b *netBuilder) {
			asALB(b)
			b.vpc("vpc-data", "10.1.0.0/16")
			b.subnet("subnet-d", "vpc-data", "10.1.1.0/24", "us-east-1a")
			b.sg("sg-data", "vpc-data", tcpFrom(8443, "10.0.0.0/16"))
			b.eni("eni-data", "subnet-d", "10.1.1.30", "sg-data")
			b.peering("pcx-1", "vpc-app", "vpc-data", "active")
			b.route("rtb-main-vpc-app", "10.1.0.0/16", TargetPeering, "pcx-1")
			b.route("rtb-main-vpc-data", "10.0.0.0/16", TargetPeering, "pcx-1")
			tg(b).TargetType = "ip"
			tg(b).Targets = []Target{{ID: "10.1.1.30", Port: 8443, AZ: "all", State: "healthy"}}
		}, "10.0.1.100:443", Reachable, map[string]string{"10.1.1.30": "reachable"}, ""},
		{"ALB: an IP target in a peered VPC without a route back", func(b *netBuilder) {
			asALB(b)
			b.vpc("vpc-data", "10.1.0.0/16")
			b.subnet("subnet-d", "vpc-data", "10.1.1.0/24", "us-east-1a")
			b.sg("sg-data", "vpc-data", tcpFrom(8443, "10.0.0.0/16"))
			b.eni("eni-data", "subnet-d", "10.1.1.30", "sg-data")
			b.peering("pcx-1", "vpc-app", "vpc-data", "active")
			b.route("rtb-main-vpc-app", "10.1.0.0/16", TargetPeering, "pcx-1")
			tg(b).TargetType = "ip"
			tg(b).Targets = []Target{{ID: "10.1.1.30", Port: 8443, AZ: "all", State: "healthy"}}
		}, "10.0.1.100:443", Unreachable, map[string]string{"10.1.1.30": "unreachable NO_ROUTE_TO_DESTINATION"}, "route NO_ROUTE_TO_DESTINATION"},
		{"ALB rules: a path rule and the default rule may both take a request", func(b *netBuilder) {
			asALB(b)
			withRules(b, ListenerRule{Priority: "10", Conditions: []string{"path-pattern /api/*"}, Actions: []string{"forward"}, TargetGroupARNs: []string{legTG2}})
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(8443, "sg-alb")}
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "reachable", "i-web3": "unreachable ENI_SG_RULES_MISMATCH"}, ""},
		{"ALB rules: a source-ip rule that matches the client decides alone", func(b *netBuilder) {
			asALB(b)
			withRules(b, ListenerRule{Priority: "5", Conditions: []string{"source-ip 10.0.1.0/24"}, SourceCIDRs: []netip.Prefix{pfx("10.0.1.0/24")}, OnlySourceIP: true,
				Actions: []string{"forward"}, TargetGroupARNs: []string{legTG2}})
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web3": "unreachable ENI_SG_RULES_MISMATCH"}, "security-group ENI_SG_RULES_MISMATCH"},
		{"ALB rules: a source-ip rule that does not match is passed over", func(b *netBuilder) {
			asALB(b)
			withRules(b, ListenerRule{Priority: "5", Conditions: []string{"source-ip 192.168.0.0/16"}, SourceCIDRs: []netip.Prefix{pfx("192.168.0.0/16")}, OnlySourceIP: true,
				Actions: []string{"forward"}, TargetGroupARNs: []string{legTG2}})
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(8443, "sg-alb")}
		}, "10.0.1.100:443", Reachable, map[string]string{"i-web1": "reachable", "i-web2": "reachable"}, ""},
		{"ALB rules: a rule that answers by itself only some requests does not open the path", func(b *netBuilder) {
			asALB(b)
			withRules(b, ListenerRule{Priority: "1", Conditions: []string{"host-header maintenance.example.com"}, Actions: []string{"fixed-response"}})
			b.n.SecurityGroups["sg-web"].Inbound = nil
		}, "10.0.1.100:443", Unreachable, map[string]string{"i-web1": "unreachable ENI_SG_RULES_MISMATCH", "i-web2": "unreachable ENI_SG_RULES_MISMATCH"}, "security-group ENI_SG_RULES_MISMATCH"},
		{"ALB rules: a source-ip rule the client matches answers by itself", func(b *netBuilder) {
			asALB(b)
			withRules(b, ListenerRule{Priority: "1", Conditions: []string{"source-ip 10.0.0.0/16"}, SourceCIDRs: []netip.Prefix{pfx("10.0.0.0/16")}, OnlySourceIP: true, Actions: []string{"redirect"}})
			b.n.SecurityGroups["sg-web"].Inbound = nil
		}, "10.0.1.100:443", Reachable, map[string]string{}, ""},
		{"an IP target in the VPC is in its interface's zone", func(b *netBuilder) {
			tg(b).TargetType = "ip"
			tg(b).Targets = []Target{{ID: "10.0.2.20", Port: 8443, State: "healthy"}}
		}, "10.0.1.100:443", Unreachable, map[string]string{"10.0.2.20": "unreachable CROSS_ZONE_DISABLED"}, "service CROSS_ZONE_DISABLED"},
		{"an IP target of unknown zone with cross-zone off: unknown", func(b *netBuilder) {
			tg(b).TargetType = "ip"
			tg(b).Targets = []Target{{ID: "10.0.2.99", Port: 8443, State: "healthy"}}
		}, "10.0.1.100:443", Unknown, map[string]string{"10.0.2.99": "unknown"}, ""},
		{"a fixed-response listener answers by itself: no second leg", func(b *netBuilder) {
			asALB(b)
			l := &b.n.LoadBalancers[legALB].Listeners[0]
			l.Actions, l.TargetGroupARNs = []string{"fixed-response"}, nil
			l.Rules[0].Actions, l.Rules[0].TargetGroupARNs = l.Actions, nil
			b.n.SecurityGroups["sg-web"].Inbound = nil
		}, "10.0.1.100:443", Reachable, map[string]string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := legNet()
			if tc.setup != nil {
				tc.setup(b)
			}
			r := check(t, b.n, "eni-client", tc.to)
			got := map[string]string{}
			for _, tv := range r.Destination.Targets {
				v := string(tv.Verdict)
				if tv.Verdict == Unreachable && tv.BlockedBy != nil {
					v += " " + tv.BlockedBy.Code
				}
				got[tv.ID] = v
				if tv.Reason == "" || tv.Rule == "" {
					t.Errorf("target %s has no reason or no rule: %+v", tv.ID, tv)
				}
			}
			blocked := ""
			if r.BlockedBy != nil {
				blocked = r.BlockedBy.Layer + " " + r.BlockedBy.Code
			}
			if r.Verdict != tc.verdict || fmt.Sprint(got) != fmt.Sprint(tc.targets) || blocked != tc.blocked {
				t.Fatalf("verdict %s, targets %v, blocked by %q; want %s, %v, %q\n%s%s", r.Verdict, got, blocked, tc.verdict, tc.targets, tc.blocked, dump(r), reasons(r))
			}
		})
	}
}

func reasons(r Report) string {
	var b strings.Builder
	for _, tv := range r.Destination.Targets {
		fmt.Fprintf(&b, "  target %s: %s\n", tv.ID, tv.Reason)
	}
	return b.String()
}

// TestTargetLegsOrder: failing targets first, and every target keeps its
// own checklist, the leg from the node.
func TestTargetLegsOrder(t *testing.T) {
	b := legNet()
	r := check(t, b.n, "eni-client", "10.0.1.100:443")
	if len(r.Destination.Targets) != 2 || r.Destination.Targets[0].ID != "i-web2" {
		t.Fatalf("targets %+v, want i-web2 (refused) first", r.Destination.Targets)
	}
	leg := r.Destination.Targets[1].Leg
	if leg == nil || leg.Source.ENI != "eni-nlb-a" || leg.Destination.ENI != "eni-web1" || leg.Destination.Port != 8443 {
		t.Fatalf("web-1's leg %+v, want eni-nlb-a → eni-web1:8443", leg)
	}
}

// BenchmarkPathThroughLoadBalancer: a client to an NLB node whose group
// holds N instance targets spread over two zones, cross-zone on, client IP
// preserved: one path and N target legs, full evidence.
func BenchmarkPathThroughLoadBalancer(b *testing.B) {
	for _, targets := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("targets=%d", targets), func(b *testing.B) {
			nb := legNet()
			tg := nb.n.TargetGroups[legTG]
			tg.Attributes["load_balancing.cross_zone.enabled"] = "true"
			tg.Targets = nil
			for i := range targets {
				subnet := []string{"subnet-a", "subnet-b"}[i%2]
				id := fmt.Sprintf("i-bench%04d", i)
				e := nb.eni(fmt.Sprintf("eni-bench%04d", i), subnet, fmt.Sprintf("10.0.%d.%d", 1+i%2, 30+i/2), "sg-web")
				e.InstanceID = id
				nb.n.Instances[id] = &Instance{ID: id, State: "running", ENIIDs: []string{e.ID}}
				tg.Targets = append(tg.Targets, Target{ID: id, Port: 8443, State: "healthy"})
			}
			q := mustQuery(b, "eni-client", "10.0.1.100:443", "tcp", 0)
			r, err := Evaluate(nb.n, q)
			if err != nil || r.Verdict != Reachable || len(r.Destination.Targets) != targets {
				b.Fatalf("verdict %s with %d targets (%v), want reachable with %d", r.Verdict, len(r.Destination.Targets), err, targets)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Evaluate(nb.n, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
