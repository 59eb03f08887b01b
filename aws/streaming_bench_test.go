package aws

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// BenchmarkLiveLoad100k is the terminal's full live load of a region of
// 100,000 interfaces and 50,000 instances (5,000 of them with a second
// interface only describe-instances lists), served by the paged EC2
// stand-in, with a consumer that does what the terminal does with each
// update: build the newest network (older undelivered ones are skipped)
// and compile it; seven kinds land after the interfaces. Reported: the
// largest live heap after any update was built (a collection forced
// there) and the heap the final network holds alone, both above the heap
// before the load; the CPU time spent converting, summed over the load,
// beside one conversion of the final inventory; and how many networks were
// built.
//
//	go test ./aws -run '^$' -bench LiveLoad100k -benchtime 1x
func BenchmarkLiveLoad100k(b *testing.B) {
	const interfaces = 100_000
	stand, srv := newPagedEC2(b, interfaces)
	stand.instances = interfaces / 2
	// Seven kinds land after the interfaces, one event each.
	stand.late = []string{"DescribeVpnGateways", "DescribeRouteTables", "DescribeNetworkAcls", "DescribeSecurityGroups", "DescribeNatGateways", "DescribeVpcEndpoints", "DescribeFlowLogs"}
	stand.lateEvery = 400 * time.Millisecond
	for _, mode := range []string{"whole inventory per update", "pages converted as they arrive"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				stand.lastServed, stand.lastServedOnce = make(chan struct{}), sync.Once{}
				runtime.GC()
				base := heapObjects()
				var peakBytes uint64
				var converting time.Duration
				var builds int
				var final *checks.Network
				deliver := newest(func(build func() (*checks.Network, time.Duration)) {
					n, spent := build()
					converting += spent
					builds++
					n.Compile()
					final = n
					// The live heap with this network shown and the
					// loader's state as it is: what a collection now
					// cannot free.
					runtime.GC()
					peakBytes = max(peakBytes, heapObjects())
				})
				l := testLoader(srv.URL)
				var inv *inventory.Inventory
				var err error
				var sink *timedSink
				if mode == "whole inventory per update" {
					inv, _, err = l.LoadAll(context.Background(), func(ev Event) {
						deliver.put(func() (n *checks.Network, spent time.Duration) {
							spent = threadCPU(func() { n, _ = convert.Network(ev.Inventory) })
							return n, spent
						})
					})
				} else {
					sink = &timedSink{asm: convert.NewAssembler()}
					inv, _, err = l.LoadAllStreaming(context.Background(), sink, func(ev Event) {
						deliver.put(func() (n *checks.Network, spent time.Duration) {
							spent = threadCPU(func() { n, _ = sink.asm.Network(ev.Inventory) })
							return n, spent
						})
					})
				}
				if err != nil {
					b.Fatal(err)
				}
				deliver.wait()
				if sink != nil {
					b.ReportMetric(time.Duration(sink.spent.Load()).Seconds(), "pages-s")
					b.ReportMetric(converting.Seconds(), "assemble-s")
					converting += time.Duration(sink.spent.Load())
				}
				runtime.GC()
				// The load returned its inventory and the terminal holds
				// the final network.
				peakBytes = max(peakBytes, heapObjects())
				var once time.Duration
				if mode == "whole inventory per update" {
					once = threadCPU(func() { _, _ = convert.Network(inv) })
				}
				inv = nil
				runtime.GC()
				held := heapObjects() - base
				if len(final.ENIs) != interfaces+interfaces/20 {
					b.Fatalf("%d interfaces", len(final.ENIs))
				}
				runtime.KeepAlive(final)
				b.ReportMetric(float64(peakBytes-base)/(1<<20), "peak-MB")
				b.ReportMetric(float64(held)/(1<<20), "network-MB")
				b.ReportMetric(float64(builds), "builds")
				b.ReportMetric(converting.Seconds(), "convert-s")
				if once > 0 {
					b.ReportMetric(once.Seconds(), "one-convert-s")
				}
			}
		})
	}
}

// timedSink counts the CPU time the pages' conversion takes.
type timedSink struct {
	asm   *convert.Assembler
	spent atomic.Int64
}

func (s *timedSink) InterfacesPage(p []ec2types.NetworkInterface) {
	s.spent.Add(int64(threadCPU(func() { s.asm.InterfacesPage(p) })))
}

func (s *timedSink) InstancesPage(p []ec2types.Reservation) {
	s.spent.Add(int64(threadCPU(func() { s.asm.InstancesPage(p) })))
}

func (s *timedSink) Done(kind checks.DataKind, ok bool) { s.asm.Done(kind, ok) }

// newest runs the newest build handed to it on one goroutine, skipping
// those a newer one replaced, as the terminal's source does.
type newestBuild struct {
	mu      sync.Mutex
	latest  func() (*checks.Network, time.Duration)
	wake    chan struct{}
	done    chan struct{}
	closing atomic.Bool
}

func newest(run func(func() (*checks.Network, time.Duration))) *newestBuild {
	nb := &newestBuild{wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(nb.done)
		for range nb.wake {
			for {
				nb.mu.Lock()
				f := nb.latest
				nb.latest = nil
				nb.mu.Unlock()
				if f == nil {
					break
				}
				run(f)
			}
			if nb.closing.Load() {
				nb.mu.Lock()
				pending := nb.latest != nil
				nb.mu.Unlock()
				if !pending {
					return
				}
			}
		}
	}()
	return nb
}

func (nb *newestBuild) put(f func() (*checks.Network, time.Duration)) {
	nb.mu.Lock()
	nb.latest = f
	nb.mu.Unlock()
	select {
	case nb.wake <- struct{}{}:
	default:
	}
}

func (nb *newestBuild) wait() {
	nb.closing.Store(true)
	select {
	case nb.wake <- struct{}{}:
	default:
	}
	<-nb.done
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
