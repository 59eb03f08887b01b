package aws

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/checks"
)

// TestSlowEndpointBecomesGaps: an endpoint that answers too slowly never
// holds a load: each attempt has its deadline, the load its budget, and
// what did not arrive is a gap that says why and what to do.
func TestSlowEndpointBecomesGaps(t *testing.T) {
	m, _ := seededMoto(t)
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	cases := []struct {
		name       string
		call, load time.Duration
		reason     string
	}{
		{"every attempt times out", time.Second, time.Minute, "timed out: no answer within 1s, 3 attempts"},
		{"the load's budget runs out", time.Minute, 2 * time.Second, "not read: the load's time budget of 2s ran out"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			proxy.Reset()
			proxy.Inject("ec2:DescribeNetworkAcls", awstest.Hang, -1)
			// A broken deadline would hang the test; this fails it instead.
			ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
			defer cancel()
			inv, _, err := testLoader(proxy.URL, withoutRateLimit, WithTimeouts(c.call, c.load)).LoadAll(ctx, nil)
			if ctx.Err() != nil {
				t.Fatal("the load outlived its own deadlines")
			}
			if err != nil {
				t.Fatalf("a stalled call is a gap, not an error of the load: %v", err)
			}
			var acl []checks.Gap
			for _, g := range inv.Gaps {
				if g.Kind == checks.KindNetworkACLs {
					acl = append(acl, g)
				} else if g.Scope == "" {
					t.Errorf("only the stalled call is missing, yet %s is: %s", g.Kind, g.Reason)
				}
			}
			if len(acl) != 1 || !strings.HasPrefix(acl[0].Reason, c.reason) || !acl[0].Retry {
				t.Errorf("network ACL gaps %+v, want one with reason %q", acl, c.reason)
			}
			if !inv.Present[checks.KindSecurityGroups] {
				t.Error("the calls that answered must still load")
			}
		})
	}
}
