// Package sweeps runs an engine sweep on every core: the interfaces are
// split among workers, each sweeping its share of the one compiled network,
// which is only read, and the results are joined in order. The command
// line and the terminal both sweep through it; the engine itself starts no
// goroutine.
package sweeps

import (
	"runtime"
	"sync"

	"github.com/reachnet/reach/checks"
)

// minShare is the fewest interfaces worth a worker of their own.
const minShare = 256

// Run sweeps spec on up to workers goroutines (every core when workers is
// 0). spec.ENIs nil means every interface.
func Run(n *checks.Network, spec checks.SweepSpec, workers int) []checks.SweepResult {
	n.Compile()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ids := spec.ENIs
	if ids == nil {
		ids = checks.SweepOrder(n)
	}
	workers = max(1, min(workers, len(ids)/minShare))
	if workers == 1 {
		return checks.SweepPaths(n, spec)
	}
	parts := make([][]checks.SweepResult, workers)
	var wg sync.WaitGroup
	share := (len(ids) + workers - 1) / workers
	for i := range workers {
		s := spec
		s.ENIs = ids[i*share : min((i+1)*share, len(ids))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i] = checks.SweepPaths(n, s)
		}()
	}
	wg.Wait()
	var out []checks.SweepResult
	for _, part := range parts {
		out = append(out, part...)
	}
	return out
}
