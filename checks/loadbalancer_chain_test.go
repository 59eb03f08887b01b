package checks

import (
	"fmt"
	"testing"
)

const (
	innerALB = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/inner/0123456789abcdef"
	innerTG  = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/inner/0123456789abcdef"
)

// withInnerALB puts Application Load Balancer inner behind the Network
// Load Balancer of legNet: the NLB's group api becomes an alb target
// group on port 80 holding inner, whose nodes (10.0.1.110 in zone a,
// 10.0.2.110 in zone b, group sg-inner admitting 80 from the VPC) listen
// on HTTP 80 and forward to group inner: web-1 and web-2 on 8443, whose
// group admits 8443 from sg-inner only. Both attribute outputs are read
// and state nothing.
func withInnerALB(b *netBuilder) {
	b.sg("sg-inner", "vpc-app", tcpFrom(80, "10.0.0.0/16"))
	for _, node := range []struct{ id, subnet, ip string }{{"eni-inner-a", "subnet-a", "10.0.1.110"}, {"eni-inner-b", "subnet-b", "10.0.2.110"}} {
		e := b.eni(node.id, node.subnet, node.ip, "sg-inner")
		e.InterfaceType, e.RequesterManaged, e.Description = "interface", true, "ELB app/inner/0123456789abcdef"
	}
	b.n.LoadBalancers[innerALB] = &LoadBalancer{ARN: innerALB, Name: "inner", Type: "application", Scheme: "internal", VPCID: "vpc-app", State: "active",
		Zones: []string{"us-east-1a", "us-east-1b"}, Attributes: map[string]string{}, ListenersRead: true,
		Listeners: []Listener{{Port: 80, Protocol: "HTTP", Actions: []string{"forward"}, TargetGroupARNs: []string{innerTG}, RulesRead: true,
			Rules: []ListenerRule{{Priority: "default", IsDefault: true, OnlySourceIP: true, Actions: []string{"forward"}, TargetGroupARNs: []string{innerTG}}}}}}
	b.n.TargetGroups[innerTG] = &TargetGroup{ARN: innerTG, Name: "inner", Port: 8443, Protocol: "HTTP", TargetType: "instance", TargetsRead: true,
		Attributes: map[string]string{}, Targets: []Target{{ID: "i-web1", Port: 8443, State: "healthy"}, {ID: "i-web2", Port: 8443, State: "healthy"}}}
	b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(8443, "sg-inner")}
	api := b.n.TargetGroups[legTG]
	api.TargetType, api.Port, api.Targets = "alb", 80, []Target{{ID: innerALB, Port: 80, State: "healthy"}}
}

// TestLoadBalancerBehindLoadBalancer: an Application Load Balancer as the
// target of a Network Load Balancer (network/application-load-balancer-
// target), followed to the ALB's own targets.
func TestLoadBalancerBehindLoadBalancer(t *testing.T) {
	api := func(b *netBuilder) *TargetGroup { return b.n.TargetGroups[legTG] }
	for _, tc := range []struct {
		name    string
		setup   func(b *netBuilder)
		verdict Verdict
		targets map[string]string
		blocked string
	}{
		{"the ALB takes the connection and reaches its targets", nil,
			Reachable, map[string]string{innerALB: "reachable"}, ""},
		{"the ALB's group refuses the client and the NLB's node alike", func(b *netBuilder) {
			b.n.SecurityGroups["sg-inner"].Inbound = []SGRule{tcpFrom(80, "192.168.0.0/16")}
		}, Unreachable, map[string]string{innerALB: "unreachable ENI_SG_RULES_MISMATCH"}, "security-group ENI_SG_RULES_MISMATCH"},
		{"preservation not stated and the ALB admits only the NLB's nodes: unknown", func(b *netBuilder) {
			b.n.SecurityGroups["sg-inner"].Inbound = []SGRule{tcpFrom(80, "10.0.1.100/32"), tcpFrom(80, "10.0.2.100/32")}
		}, Unknown, map[string]string{innerALB: "unknown"}, ""},
		{"preservation stated off: the NLB's node is admitted", func(b *netBuilder) {
			b.n.SecurityGroups["sg-inner"].Inbound = []SGRule{tcpFrom(80, "10.0.1.100/32"), tcpFrom(80, "10.0.2.100/32")}
			api(b).Attributes["preserve_client_ip.enabled"] = "false"
		}, Reachable, map[string]string{innerALB: "reachable"}, ""},
		{"the ALB's targets do not admit it", func(b *netBuilder) {
			b.n.SecurityGroups["sg-web"].Inbound = nil
		}, Unreachable, map[string]string{innerALB: "unreachable ENI_SG_RULES_MISMATCH"}, "security-group ENI_SG_RULES_MISMATCH"},
		{"the ALB has no listener on the group's port", func(b *netBuilder) {
			api(b).Port, api(b).Targets[0].Port = 81, 81
			b.n.SecurityGroups["sg-inner"].Inbound = append(b.n.SecurityGroups["sg-inner"].Inbound, tcpFrom(81, "10.0.0.0/16"))
		}, Unreachable, map[string]string{innerALB: "unreachable LOAD_BALANCER_LISTENER_PORT_RESTRICTION"}, "service LOAD_BALANCER_LISTENER_PORT_RESTRICTION"},
		{"the ALB was not read: unknown", func(b *netBuilder) {
			delete(b.n.LoadBalancers, innerALB)
		}, Unknown, map[string]string{innerALB: "unknown"}, ""},
		{"the ALB has no node in the NLB node's zone and cross-zone is off: unknown", func(b *netBuilder) {
			delete(b.n.ENIs, "eni-inner-a")
		}, Unknown, map[string]string{innerALB: "unknown"}, ""},
		{"the interfaces not all read: unknown, however open the leg", func(b *netBuilder) {
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkInterfaces, Reason: "AccessDenied"})
		}, Unknown, map[string]string{innerALB: "unknown"}, ""},
		{"an address target that is the ALB's node: its targets are followed", func(b *netBuilder) {
			api(b).TargetType = "ip"
			api(b).Targets = []Target{{ID: "10.0.1.110", Port: 80, State: "healthy"}}
			b.n.SecurityGroups["sg-web"].Inbound = nil
		}, Unreachable, map[string]string{"10.0.1.110": "unreachable ENI_SG_RULES_MISMATCH"}, "security-group ENI_SG_RULES_MISMATCH"},
		{"a loop of load balancers ends, unknown", func(b *netBuilder) {
			inner := b.n.TargetGroups[innerTG]
			inner.TargetType, inner.Port = "ip", 443
			inner.Targets = []Target{{ID: "10.0.1.100", Port: 443, State: "healthy"}}
			b.n.SecurityGroups["sg-client"].Inbound = nil
		}, Unknown, map[string]string{innerALB: "unknown"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := legNet()
			withInnerALB(b)
			if tc.setup != nil {
				tc.setup(b)
			}
			r := check(t, b.n, "eni-client", "10.0.1.100:443")
			got := map[string]string{}
			for _, tv := range r.Destination.Targets {
				v := string(tv.Verdict)
				if tv.Verdict == Unreachable && tv.BlockedBy != nil {
					v += " " + tv.BlockedBy.Code
				}
				got[tv.ID] = v
			}
			blocked := ""
			if r.BlockedBy != nil {
				blocked = r.BlockedBy.Layer + " " + r.BlockedBy.Code
			}
			if r.Verdict != tc.verdict || fmt.Sprint(got) != fmt.Sprint(tc.targets) || blocked != tc.blocked {
				t.Fatalf("verdict %s, targets %v, blocked by %q; want %s, %v, %q\n%s%s", r.Verdict, got, blocked, tc.verdict, tc.targets, tc.blocked, dump(r), reasons(r))
			}
			if tc.verdict == Reachable {
				leg := r.Destination.Targets[0].Leg
				if leg == nil || len(leg.Destination.Targets) != 2 {
					t.Fatalf("the ALB's leg %+v, want its two targets inside", leg)
				}
			}
		})
	}
}
