package sweeps

import (
	"testing"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/genaccount"
)

// TestWorkersAgree: the sweep split among workers (run under -race in CI's
// race job, or by hand) gives the very results of one worker, in order.
func TestWorkersAgree(t *testing.T) {
	n := genaccount.Network(genaccount.Spec{Interfaces: 3000})
	to, err := checks.ParseEnd("10.0.0.10:443")
	if err != nil {
		t.Fatal(err)
	}
	spec := checks.SweepSpec{Fixed: to, Protocol: checks.ProtocolTCP, Ports: []int{443}}
	one := Run(n, spec, 1)
	for _, workers := range []int{2, 3, 0} {
		many := Run(n, spec, workers)
		if len(many) != len(one) {
			t.Fatalf("%d workers: %d results, one worker %d", workers, len(many), len(one))
		}
		for i := range one {
			a, b := one[i], many[i]
			if a.Source != b.Source || a.Verdict != b.Verdict || (a.BlockedBy == nil) != (b.BlockedBy == nil) || a.BlockedBy != nil && *a.BlockedBy != *b.BlockedBy {
				t.Fatalf("%d workers, path %d: %+v, one worker %+v", workers, i, b, a)
			}
		}
	}
}
