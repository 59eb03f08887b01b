// Service cases: the state of the destination's instance and interface.

package checks

import "testing"

func TestDestinationState(t *testing.T) {
	stoppedServer := func(b *netBuilder) {
		b.n.ENIs["eni-server"].InstanceID = "i-server"
		b.n.Instances["i-server"] = &Instance{ID: "i-server", State: "stopped", ENIIDs: []string{"eni-server"}}
	}
	runPaths(t, []pathCase{
		{
			name:   "a stopped instance",
			change: stoppedServer,
			from:   "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail, LayerRoute: StatusPass},
			findings: []wantFinding{{layer: LayerService, code: "BAD_STATE", component: "i-server", fixIs: "aws ec2 start-instances --instance-ids i-server"}},
		},
		{
			name: "without instance data the state is unknown, never assumed running",
			change: func(b *netBuilder) {
				stoppedServer(b)
				delete(b.n.Instances, "i-server")
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied", Action: "ec2:DescribeInstances"})
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerService: StatusUnknown},
		},
		{
			name:   "a detached destination interface",
			change: func(b *netBuilder) { b.n.ENIs["eni-server"].Status = "available" },
			from:   "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail, LayerRoute: StatusPass},
		},
	})
}
