// Missing-data cases: a gap never decides a layer, and a path whose end is
// hidden by a gap gets an unknown report, not an error.

package checks

import (
	"strings"
	"testing"
)

// TestMissingDataNeverDecides covers the rules that keep a gap from turning
// into a pass or a fail: each case removes one kind of data from a world
// whose complete answer is known, and the layer that needs it says unknown.
func TestMissingDataNeverDecides(t *testing.T) {
	for _, tc := range []struct {
		name     string
		change   func(b *netBuilder)
		from, to string
		verdict  Verdict
		statuses map[string]Status
		// says must appear in the layer's findings.
		layer, says string
	}{
		{
			name: "a group reference across a peering without the peerings",
			change: func(b *netBuilder) {
				b.n.Peerings = map[string]*Peering{}
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindPeerings, Reason: "AccessDenied", Action: "ec2:DescribeVpcPeeringConnections"})
			},
			from: "eni-client", to: "10.1.1.30:5432", verdict: Unknown,
			statuses: map[string]Status{LayerSecurityGroup: StatusUnknown, LayerRoute: StatusUnknown},
			layer:    LayerSecurityGroup, says: "grant ec2:DescribeVpcPeeringConnections",
		},
		{
			name: "a failing call asks for a retry, not a grant",
			change: func(b *netBuilder) {
				b.n.Peerings = map[string]*Peering{}
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindPeerings, Reason: "server error (HTTP 500) after 3 attempts", Action: "ec2:DescribeVpcPeeringConnections", Retry: true})
			},
			from: "eni-client", to: "10.1.1.30:5432", verdict: Unknown,
			statuses: map[string]Status{LayerSecurityGroup: StatusUnknown},
			layer:    LayerSecurityGroup, says: "server error (HTTP 500) after 3 attempts); retry",
		},
		{
			name: "an address no loaded interface owns, without the interfaces",
			change: func(b *netBuilder) {
				delete(b.n.ENIs, "eni-server")
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkInterfaces, Reason: "AccessDenied", Action: "ec2:DescribeNetworkInterfaces"})
			},
			from: "eni-client", to: "10.0.2.20:443", verdict: Unknown,
			statuses: map[string]Status{LayerRoute: StatusUnknown},
			layer:    LayerRoute, says: "ec2:DescribeNetworkInterfaces",
		},
		{
			name: "a destination group that refuses the port from every address still decides behind an unknown route",
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-server"].Inbound = []SGRule{tcpFrom(22, "10.0.0.0/16")}
				delete(b.n.RouteTables, "rtb-main-vpc-app")
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindRouteTables, Reason: "AccessDenied", Action: "ec2:DescribeRouteTables"})
			},
			from: "eni-client", to: "10.0.2.20:443", verdict: Unreachable,
			statuses: map[string]Status{LayerRoute: StatusUnknown, LayerSecurityGroup: StatusFail},
		},
		{
			name: "a destination group that admits the port from other addresses is unknown behind an unknown route",
			change: func(b *netBuilder) {
				b.n.SecurityGroups["sg-server"].Inbound = []SGRule{tcpFrom(443, "10.9.0.0/16")}
				delete(b.n.RouteTables, "rtb-main-vpc-app")
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindRouteTables, Reason: "AccessDenied", Action: "ec2:DescribeRouteTables"})
			},
			from: "eni-client", to: "10.0.2.20:443", verdict: Unknown,
			statuses: map[string]Status{LayerRoute: StatusUnknown, LayerSecurityGroup: StatusUnknown},
			layer:    LayerSecurityGroup, says: "PATH_UNKNOWN",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			tc.change(b)
			r := check(t, b.n, tc.from, tc.to)
			expect(t, r, tc.verdict, tc.statuses)
			if tc.layer == "" {
				return
			}
			var all []string
			for _, f := range r.Layer(tc.layer).Findings {
				all = append(all, f.Code+" "+f.Detail+" "+f.Fix)
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.says) {
				t.Errorf("layer %s does not say %q:\n%s", tc.layer, tc.says, dump(r))
			}
		})
	}
}

// TestCheckResolvesEndsOrReportsUnknown: a path whose end cannot be found
// for want of data gets an unknown report naming the IAM action; bad input
// stays an error.
func TestCheckResolvesEndsOrReportsUnknown(t *testing.T) {
	withName := func(b *netBuilder) {
		b.n.Instances["i-client"] = &Instance{ID: "i-client", Name: "client", State: "running", ENIIDs: []string{"eni-client"}}
		b.n.ENIs["eni-client"].InstanceID = "i-client"
	}
	for _, tc := range []struct {
		name    string
		change  func(b *netBuilder)
		args    CheckArgs
		verdict Verdict
		// inputError is set for bad input.
		inputError bool
		says       string
	}{
		{name: "a Name tag resolves", change: withName, args: CheckArgs{From: "client", To: "10.0.2.20:443"}, verdict: Reachable},
		{name: "an unknown Name tag with every instance read is bad input", change: withName, args: CheckArgs{From: "nobody", To: "10.0.2.20:443"}, inputError: true},
		{name: "a Name tag without the instances is unknown", change: func(b *netBuilder) {
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied", Action: "ec2:DescribeInstances"})
		}, args: CheckArgs{From: "client", To: "10.0.2.20:443"}, verdict: Unknown, says: "ec2:DescribeInstances"},
		{name: "an interface ID without the interfaces is unknown", change: func(b *netBuilder) {
			delete(b.n.ENIs, "eni-server")
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkInterfaces, Reason: "AccessDenied", Action: "ec2:DescribeNetworkInterfaces"})
		}, args: CheckArgs{From: "eni-client", To: "eni-server", Port: 443}, verdict: Unknown, says: "ec2:DescribeNetworkInterfaces"},
		{name: "a throttled load asks for a retry", change: func(b *netBuilder) {
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "throttled (RequestLimitExceeded) after 6 attempts", Action: "ec2:DescribeInstances", Retry: true})
		}, args: CheckArgs{From: "client", To: "10.0.2.20:443"}, verdict: Unknown, says: "retry"},
		{name: "a malformed port is bad input", args: CheckArgs{From: "eni-client", To: "10.0.2.20:http"}, inputError: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			if tc.change != nil {
				tc.change(b)
			}
			rep, err := Check(b.n, tc.args)
			if tc.inputError {
				if err == nil {
					t.Fatalf("no error; verdict %s", rep.Verdict)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != tc.verdict || len(rep.Layers) != len(LayerOrder) || rep.Hops == nil {
				t.Fatalf("verdict %s, %d layers:\n%s", rep.Verdict, len(rep.Layers), dump(rep))
			}
			if rep.Source.Input != tc.args.From || rep.Destination.Input != tc.args.To {
				t.Errorf("inputs %q → %q, want %q → %q", rep.Source.Input, rep.Destination.Input, tc.args.From, tc.args.To)
			}
			if tc.says != "" {
				f := finding(rep, LayerRoute, "DATA_MISSING")
				if f == nil || !strings.Contains(f.Detail+" "+f.Fix, tc.says) {
					t.Errorf("the route layer does not say %q:\n%s", tc.says, dump(rep))
				}
				if strings.Contains(tc.says, "retry") && strings.Contains(f.Detail+f.Fix, "grant") {
					t.Errorf("a passing failure asks for a grant:\n%s", dump(rep))
				}
			}
		})
	}
}
