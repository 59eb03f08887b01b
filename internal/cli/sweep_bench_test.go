package cli

import (
	"fmt"
	"testing"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/genaccount"
	"github.com/reachnet/reach/internal/sweeps"
)

// BenchmarkSweepWorkers sweeps every interface of a generated account of
// 100,000 toward one destination with one worker and with two, as reach
// sweep splits the interfaces among the cores (-benchtime 1x).
func BenchmarkSweepWorkers(b *testing.B) {
	n := genaccount.Network(genaccount.Spec{Interfaces: 100_000})
	n.Compile()
	to, _ := checks.ParseEnd("10.0.0.10:443")
	spec := checks.SweepSpec{Fixed: to, Protocol: checks.ProtocolTCP, Ports: []int{443}, ENIs: checks.SweepOrder(n)}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				res := sweeps.Run(n, spec, workers)
				if len(res) != 99_999 {
					b.Fatalf("swept %d", len(res))
				}
			}
		})
	}
}
