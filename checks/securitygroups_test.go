// Security group cases: missing rules in either direction, references to
// other groups (across a peering, a transit gateway, a middlebox, public
// traffic), protocols, and missing groups.

package checks

import (
	"strings"
	"testing"
)

func TestSecurityGroups(t *testing.T) {
	// referenceOnly: the server admits only members of sg-client, and
	// eni-other in sg-other sits beside the client.
	referenceOnly := func(b *netBuilder) {
		b.n.SecurityGroups["sg-server"].Inbound = []SGRule{tcpFromGroup(443, "sg-client")}
		b.sg("sg-other", "vpc-app")
		b.eni("eni-other", "subnet-a", "10.0.1.11", "sg-other")
	}
	tgwReference := func(b *netBuilder) {
		b.n.SecurityGroups["sg-peer"].Inbound = []SGRule{tcpFromGroup(5432, "sg-client")}
	}
	runPaths(t, []pathCase{
		{
			name: "ingress missing: the destination's group blocks, and the fix admits the source's group",
			from: "eni-client", to: "10.0.2.20:22",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass, LayerSecurityGroup: StatusFail},
			blocked:  &Blocked{Component: "sg-server", Code: "ENI_SG_RULES_MISMATCH", Direction: Forward},
			findings: []wantFinding{{layer: LayerSecurityGroup, code: "ENI_SG_RULES_MISMATCH",
				fix: []string{"authorize-security-group-ingress --group-id sg-server", "GroupId=sg-client", "FromPort=22,ToPort=22"}}},
			verify: wantExitCode(1),
		},
		{
			name: "egress missing: the source's group blocks first",
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-client"].Outbound = []SGRule{tcpFrom(80, "0.0.0.0/0")}
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
			// Egress comes before ingress.
			blocked: &Blocked{Component: "sg-client"},
			findings: []wantFinding{{layer: LayerSecurityGroup, code: "ENI_SG_RULES_MISMATCH",
				fix: []string{"authorize-security-group-egress --group-id sg-client"}}},
		},
		{
			name: "a reference matches across an active peering in the same Region",
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Reachable,
			statuses: map[string]Status{LayerRoute: StatusPass, LayerSecurityGroup: StatusPass},
			verify: func(t *testing.T, r Report) {
				if s := r.Layer(LayerRoute).Summary; !strings.Contains(s, "pcx-1") {
					t.Errorf("route summary %q should name pcx-1", s)
				}
			},
		},
		{
			name: "a reference never matches across an inter-Region peering",
			change: func(b *netBuilder) {
				b.n.Peerings["pcx-1"].Accepter.Region = "eu-west-1"
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail, LayerRoute: StatusPass},
		},
		{
			name:   "a reference refuses a non-member",
			change: referenceOnly,
			from:   "eni-other", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
		},
		{
			name:   "a reference admits a member",
			change: referenceOnly,
			from:   "eni-client", to: "10.0.2.20:443",
			verdict: Reachable,
		},
		{
			name: "a reference admits a member's secondary private address",
			change: func(b *netBuilder) {
				referenceOnly(b)
				b.n.ENIs["eni-client"].PrivateIPs = append(b.n.ENIs["eni-client"].PrivateIPs, PrivateIP{Addr: addr("10.0.1.99")})
			},
			from: "10.0.1.99", to: "10.0.2.20:443",
			verdict: Reachable,
		},
		{
			name:  "a reference never matches public traffic: through the NAT the source is its public address",
			world: internetVPC,
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(443, "sg-client")}
			},
			from: "eni-client", to: "54.0.0.10:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
		},
		{
			name:  "the same reference matches the private address",
			world: internetVPC,
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-web"].Inbound = []SGRule{tcpFromGroup(443, "sg-client")}
			},
			from: "eni-client", to: "10.0.0.10:443",
			verdict: Reachable,
		},
		{
			name:   "a reference across a transit gateway without referencing support",
			world:  tgwWorld,
			change: tgwReference,
			from:   "eni-client", to: "10.1.1.30:5432",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
		},
		{
			name:  "a reference across a transit gateway with referencing on the gateway and both attachments",
			world: tgwWorld,
			change: func(b *netBuilder) {
				tgwReference(b)
				b.n.TransitGateways["tgw-1"].SGReferencing = true
				for _, a := range b.n.TransitGatewayAttachments {
					a.SGReferencing = true
				}
			},
			from: "eni-client", to: "10.1.1.30:5432",
			verdict: Reachable,
		},
		{
			name:  "a reference no longer matches through a middlebox",
			world: applianceVPC,
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-server"].Inbound = []SGRule{tcpFromGroup(443, "sg-client")}
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
		},
		{
			name: "all protocols need an all-protocol rule",
			from: "eni-client", to: "10.0.2.20", proto: "all",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerSecurityGroup: StatusFail},
		},
		{
			name: "an all-protocol rule admits all protocols",
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-server"].Inbound = []SGRule{{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}}}
			},
			from: "eni-client", to: "10.0.2.20", proto: "all",
			verdict: Reachable,
		},
		{
			name: "a protocol without ports ignores the rule's ports",
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-server"].Inbound = []SGRule{{Protocol: 50, Ports: PortRange{1, 1}, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}}}
			},
			from: "eni-client", to: "10.0.2.20", proto: "50",
			verdict: Reachable,
		},
		{
			name: "a group that did not load is unknown",
			change: func(b *netBuilder) {
				delete(b.n.SecurityGroups, "sg-server")
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindSecurityGroups, Reason: "throttled", Action: "ec2:DescribeSecurityGroups"})
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerSecurityGroup: StatusUnknown},
		},
	})
}
