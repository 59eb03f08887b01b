// Network ACL cases: denies on the way there and back, rule order, the
// client's ephemeral ports, ICMP types, all protocols, and what missing data
// leaves unknown.

package checks

import (
	"strings"
	"testing"
)

func TestNetworkACLs(t *testing.T) {
	// repliesUpTo40000: subnet-b lets replies out only to ports 1024-40000.
	repliesUpTo40000 := func(b *netBuilder) {
		b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 1024, 40000)})
	}
	// icmpEcho: echo requests in, echo replies out of subnet-b.
	icmpEcho := func(b *netBuilder) {
		b.n.SecurityGroups["sg-server"].Inbound = []SGRule{{Protocol: ProtocolICMP, ICMPType: 8, ICMPCode: -1, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}}}
		b.acl("acl-b", "vpc-app", []string{"subnet-b"},
			[]NACLRule{{Number: 100, Protocol: ProtocolICMP, Allow: true, CIDR: pfx("0.0.0.0/0"), ICMPType: 8, ICMPCode: -1}},
			[]NACLRule{{Number: 100, Protocol: ProtocolICMP, Allow: true, CIDR: pfx("0.0.0.0/0"), ICMPType: 0, ICMPCode: -1}})
	}
	// linuxRepliesOnly: replies allowed only to Linux's range, from a
	// client with an instance.
	linuxRepliesOnly := func(b *netBuilder) {
		b.n.ENIs["eni-client"].InstanceID = "i-client"
		b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 32768, 60999)})
	}
	noACLs := func(b *netBuilder) {
		for id := range b.n.NetworkACLs {
			delete(b.n.NetworkACLs, id)
		}
		b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkACLs, Reason: "AccessDenied", Action: "ec2:DescribeNetworkAcls"})
	}
	runPaths(t, []pathCase{
		{
			name: "a deny on the way there, and the fix numbered before it",
			change: func(b *netBuilder) {
				b.acl("acl-b", "vpc-app", []string{"subnet-b"},
					[]NACLRule{naclTCP(90, false, "10.0.1.0/24", 443, 443), allowAll(100)},
					[]NACLRule{allowAll(100)})
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail, LayerSecurityGroup: StatusPass},
			findings: []wantFinding{{layer: LayerNACL, code: "SUBNET_ACL_RESTRICTION", component: "acl-b", direction: Forward,
				rule: []string{"#90 deny tcp 443 10.0.1.0/24"},
				fix:  []string{"create-network-acl-entry --network-acl-id acl-b --ingress --rule-number 89 --protocol tcp --port-range From=443,To=443 --cidr-block 10.0.1.10/32 --rule-action allow"}}},
		},
		{
			// Listed out of order: the deny (50) must win over the allow (100).
			name: "rules apply in number order, not list order",
			change: func(b *netBuilder) {
				b.acl("acl-b", "vpc-app", []string{"subnet-b"},
					[]NACLRule{allowAll(100), naclTCP(50, false, "0.0.0.0/0", 0, 65535)},
					[]NACLRule{allowAll(100)})
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail},
		},
		{
			name:   "replies allowed to part of the client's ephemeral range",
			change: repliesUpTo40000,
			from:   "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail, LayerSecurityGroup: StatusPass, LayerRoute: StatusPass},
			findings: []wantFinding{{layer: LayerNACL, code: "SUBNET_ACL_RESTRICTION", direction: Return,
				detail: []string{"allows only ports 32768-40000", "blocks 40001-60999"},
				fix:    []string{"--egress", "From=40001,To=60999"}}},
		},
		{
			name:   "a client port fixed inside the allowed part",
			change: repliesUpTo40000,
			from:   "eni-client", to: "10.0.2.20:443", sourcePort: 33000,
			verdict: Reachable,
		},
		{
			// A Windows client picks 49152-65535: entirely blocked.
			name: "a Windows client's range entirely blocked",
			change: func(b *netBuilder) {
				repliesUpTo40000(b)
				b.n.ENIs["eni-client"].Platform = "windows"
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			findings: []wantFinding{{layer: LayerNACL, code: "SUBNET_ACL_RESTRICTION", detail: []string{"denies tcp to 10.0.1.10 on 49152-65535"}}},
		},
		{
			name: "configured client ports replace the default range",
			change: func(b *netBuilder) {
				repliesUpTo40000(b)
				// Linux clients tuned to 32768-40000 never pick a blocked port.
				b.n.LinuxClientPorts = PortRange{32768, 40000}
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict: Reachable,
		},
		{
			name:   "every blocker is reported, the request's first",
			change: func(b *netBuilder) { b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, nil) },
			from:   "eni-client", to: "10.0.2.20:22",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail, LayerSecurityGroup: StatusFail},
			// The request's security group comes before the reply's
			// network ACL.
			blocked: &Blocked{Layer: LayerSecurityGroup},
		},
		{
			name:   "ICMP echo requests in, echo replies out",
			change: icmpEcho,
			from:   "eni-client", to: "10.0.2.20", proto: "icmp",
			verdict: Reachable,
		},
		{
			name: "ICMP echo replies denied on the way out",
			change: func(b *netBuilder) {
				icmpEcho(b)
				b.n.NetworkACLs["acl-b"].Outbound[0].ICMPType = 3
			},
			from: "eni-client", to: "10.0.2.20", proto: "icmp",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail},
		},
		{
			name: "a deny of one protocol ahead of an allow-all blocks part of all protocols",
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-server"].Inbound = []SGRule{{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}}}
				b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{naclTCP(50, false, "0.0.0.0/0", 22, 22), allowAll(100)}, []NACLRule{allowAll(100)})
			},
			from: "eni-client", to: "10.0.2.20", proto: "all",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail},
		},
		{
			name:   "without the network ACLs, unknown, never pass",
			change: noACLs,
			from:   "eni-client", to: "10.0.2.20:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerNACL: StatusUnknown, LayerRoute: StatusPass, LayerSecurityGroup: StatusPass},
			verify: func(t *testing.T, r Report) {
				if !strings.Contains(dump(r), "ec2:DescribeNetworkAcls") {
					t.Errorf("the gap must name the IAM action:\n%s", dump(r))
				}
				wantExitCode(3)(t, r)
			},
		},
		{
			name:   "unknown network ACLs never hide a definite block",
			change: noACLs,
			from:   "eni-client", to: "10.0.2.20:22",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail, LayerNACL: StatusUnknown},
		},
		{
			name:   "replies allowed to Linux's range from a Linux client",
			change: linuxRepliesOnly,
			from:   "eni-client", to: "10.0.2.20:443",
			verdict: Reachable,
		},
		{
			// Without the instance a Linux client (passes) and a Windows
			// client (fails) are both possible: the missing data decides
			// nothing.
			name: "replies allowed to Linux's range from a client of unknown platform",
			change: func(b *netBuilder) {
				linuxRepliesOnly(b)
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied"})
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerNACL: StatusUnknown},
			findings: []wantFinding{{layer: LayerNACL, code: "DATA_MISSING", ruleIs: string(KindInstances)}},
		},
		{
			name: "replies allowed to neither range fail whatever the platform",
			change: func(b *netBuilder) {
				b.n.ENIs["eni-client"].InstanceID = "i-client"
				b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 50000, 65535)})
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied"})
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerNACL: StatusFail},
		},
	})
}
