package checks

import (
	"strings"
	"testing"
	"time"
)

// TestDiagnoseTargetLegs: rejects on a load balancer's leg to a target
// are explained by the leg's checklist, not by the direct path between
// the record's addresses.
func TestDiagnoseTargetLegs(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	w := FlowWindow{Since: t0, Now: t0.Add(10 * time.Minute), Interval: time.Minute, Delay: 5 * time.Minute}
	toNode := flowAt("eni-nlb-a", "10.0.1.10", "10.0.1.100", 40001, 443, "ACCEPT")
	for _, tc := range []struct {
		name    string
		setup   func(b *netBuilder)
		flows   []Flow
		pattern string
		summary string
		agrees  bool
	}{
		{"the target's group admits only the node, and the client's address is preserved", func(b *netBuilder) {
			b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFrom(8443, "10.0.1.100/32"), tcpFrom(8443, "10.0.2.100/32")}
		}, []Flow{toNode, flowAt("eni-web1", "10.0.1.10", "10.0.1.20", 40001, 8443, "REJECT"), flowAt("eni-web1", "10.0.1.10", "10.0.1.20", 40002, 8443, "REJECT")},
			PatternRejectedRequest, "on the leg from load balancer api to target i-web1: 2 requests from 10.0.1.10 rejected at eni-web1: security-group sg-web decides", true},
		{"the target's network ACL refuses the reply to the preserved client", func(b *netBuilder) {
			// web-2, in the other zone (cross-zone on), whose subnet lets
			// out only replies within it.
			b.n.TargetGroups[legTG].Attributes["load_balancing.cross_zone.enabled"] = "true"
			b.acl("acl-web", "vpc-app", []string{"subnet-b"},
				[]NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("0.0.0.0/0")}},
				[]NACLRule{{Number: 100, Protocol: ProtocolAll, Allow: true, CIDR: pfx("10.0.2.0/24")}})
		}, []Flow{toNode, flowAt("eni-web2", "10.0.1.10", "10.0.2.20", 40001, 8443, "ACCEPT"), flowAt("eni-web2", "10.0.2.20", "10.0.1.10", 8443, 40001, "REJECT")},
			PatternRejectedReply, "on the leg from load balancer api to target i-web2: 1 reply to 10.0.1.10 rejected at eni-web2: nacl acl-web decides", true},
		{"a reject the configuration does not explain", nil,
			[]Flow{toNode, flowAt("eni-web1", "10.0.1.10", "10.0.1.20", 40001, 8443, "REJECT")},
			PatternContradiction, "yet the configuration finds the leg reachable", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := legNet()
			if tc.setup != nil {
				tc.setup(b)
			}
			q := mustQuery(t, "eni-client", "10.0.1.100:443", "tcp", 0)
			d := Diagnose(b.n, q, tc.flows, w)
			for _, f := range d.Findings {
				if strings.Contains(f.Summary, tc.summary) {
					if f.Pattern != tc.pattern || f.Agrees != tc.agrees {
						t.Fatalf("finding %+v: pattern %s, agrees %v; want %s, %v", f, f.Pattern, f.Agrees, tc.pattern, tc.agrees)
					}
					return
				}
			}
			t.Fatalf("no finding says %q:\n%+v", tc.summary, d.Findings)
		})
	}
}
