// Package sweeps runs an engine sweep on every core: the interfaces are
// split among workers, each sweeping its share of the one compiled network,
// which is only read, and the results are joined in order. The command
// line and the terminal both sweep through it; the engine itself starts no
// goroutine.
package sweeps

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/reachnet/reach/checks"
)

// minShare is the fewest interfaces worth a worker of their own, and
// chunksPerWorker how many pieces each worker's share is cut into.
const (
	minShare        = 256
	chunksPerWorker = 16
)

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
	// Each evaluation leaves a few kilobytes of garbage and nothing else:
	// collecting less often during the sweep spares marking the whole
	// network again for every few hundred megabytes of it.
	defer collectLessOften()()
	workers = max(1, min(workers, len(ids)/minShare))
	if workers == 1 {
		return checks.SweepPaths(n, spec)
	}
	// The interfaces go in chunks to whichever worker is free, so that a
	// core busy with something else (another process, the completion
	// cache being written) does not leave the other waiting at the end.
	chunk := max(minShare, len(ids)/(workers*chunksPerWorker))
	parts := make([][]checks.SweepResult, (len(ids)+chunk-1)/chunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(parts) {
					return
				}
				s := spec
				s.ENIs = ids[i*chunk : min((i+1)*chunk, len(ids))]
				parts[i] = checks.SweepPaths(n, s)
			}
		})
	}
	wg.Wait()
	out := make([]checks.SweepResult, 0, len(ids))
	for _, part := range parts {
		out = append(out, part...)
	}
	return out
}

// sweepsUnderWay counts the sweeps under way (the terminal may run two), so
// that the collector's setting is restored when the last one ends.
var (
	sweepsUnderWay int
	gcPercentSaved int
	sweepsMu       sync.Mutex
)

// collectLessOften raises the collector's target for the time of a sweep
// and returns the function that restores it.
func collectLessOften() (restore func()) {
	sweepsMu.Lock()
	defer sweepsMu.Unlock()
	if sweepsUnderWay == 0 {
		gcPercentSaved = debug.SetGCPercent(200)
	}
	sweepsUnderWay++
	return func() {
		sweepsMu.Lock()
		defer sweepsMu.Unlock()
		sweepsUnderWay--
		if sweepsUnderWay == 0 {
			debug.SetGCPercent(gcPercentSaved)
		}
	}
}
