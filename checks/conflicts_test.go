// A resource two snapshot files describe differently never decides a path.

package checks

import "testing"

func TestConflictingResourcesNeverDecide(t *testing.T) {
	conflict := func(kind DataKind, id string) func(b *netBuilder) {
		return func(b *netBuilder) {
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: kind, Scope: id, Conflict: true, Reason: "a.json and b.json describe " + id + " differently"})
		}
	}
	runPaths(t, []pathCase{
		{
			name:  "a NAT gateway on the path in conflict: not reachable on one copy's word",
			world: internetVPC, change: conflict(KindNATGateways, "nat-1"),
			from: "eni-client", to: "93.184.216.34:443",
			verdict:  Unknown,
			findings: []wantFinding{{layer: LayerRoute, code: "DATA_CONFLICT", component: "nat-1", severity: SeverityUnknown, detail: []string{"a.json and b.json"}}},
		},
		{
			name:  "a block by a resource in conflict does not decide",
			world: internetVPC,
			change: func(b *netBuilder) {
				b.n.NATGateways["nat-1"].State = "deleted"
				conflict(KindNATGateways, "nat-1")(b)
			},
			from: "eni-client", to: "93.184.216.34:443",
			verdict:  Unknown,
			findings: []wantFinding{{layer: LayerRoute, code: "BAD_STATE", component: "nat-1", severity: SeverityUnknown, detail: []string{"is in conflict"}}},
		},
		{
			name:  "the source interface in conflict",
			world: internetVPC, change: conflict(KindNetworkInterfaces, "eni-client"),
			from: "eni-client", to: "93.184.216.34:443",
			verdict:  Unknown,
			findings: []wantFinding{{layer: LayerRoute, code: "DATA_CONFLICT", component: "eni-client"}},
		},
		{
			name:  "a conflict off the path changes nothing",
			world: internetVPC, change: conflict(KindNATGateways, "nat-elsewhere"),
			from: "eni-client", to: "93.184.216.34:443",
			verdict: Reachable,
		},
	})
}
