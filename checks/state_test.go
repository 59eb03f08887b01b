package checks

import "testing"

// TestGatewayAndEndpointStates covers the states that decide a hop beyond
// its configuration: a transit gateway that is not available, an
// interface endpoint that is not available.
func TestGatewayAndEndpointStates(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(b *netBuilder)
		from, to string
		verdict  Verdict
		layer    string
		code     string
	}{
		{name: "transit gateway available", setup: func(b *netBuilder) {}, from: "eni-client", to: "10.1.1.30:5432", verdict: Reachable},
		{name: "transit gateway modifying keeps forwarding", setup: func(b *netBuilder) { b.n.TransitGateways["tgw-1"].State = "modifying" },
			from: "eni-client", to: "10.1.1.30:5432", verdict: Reachable},
		{name: "transit gateway deleting", setup: func(b *netBuilder) { b.n.TransitGateways["tgw-1"].State = "deleting" },
			from: "eni-client", to: "10.1.1.30:5432", verdict: Unreachable, layer: LayerRoute, code: "BAD_STATE"},
		{name: "interface endpoint available", setup: func(b *netBuilder) { withEndpoint(b, true) },
			from: "eni-client", to: "10.0.2.150:443", verdict: Reachable},
		{name: "interface endpoint pending acceptance", setup: func(b *netBuilder) { withEndpoint(b, true).State = "pendingAcceptance" },
			from: "eni-client", to: "10.0.2.150:443", verdict: Unreachable, layer: LayerService, code: "BAD_STATE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tgwWorld()
			tc.setup(b)
			recompile(b.n)
			r := check(t, b.n, tc.from, tc.to)
			if r.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s\n%s", r.Verdict, tc.verdict, dump(r))
			}
			if tc.code != "" && finding(r, tc.layer, tc.code) == nil {
				t.Errorf("no %s finding %s\n%s", tc.layer, tc.code, dump(r))
			}
		})
	}
}
