package genaccount

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/reachnet/reach/checks"
)

// The engine's costs as the account grows: compiling, one path, and a
// sweep of every interface as the source, at 10k and 100k interfaces, and
// 1M with REACH_BENCH_1M=1 (make bench). Run with -benchtime 1x: a sweep of
// 100,000 sources is one operation of seconds.
func sizes() []int {
	out := []int{10_000, 100_000}
	if os.Getenv("REACH_BENCH_1M") != "" {
		out = append(out, 1_000_000)
	}
	return out
}

func BenchmarkCompile(b *testing.B) {
	for _, size := range sizes() {
		b.Run(fmt.Sprintf("%d", size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				n := Network(Spec{Interfaces: size})
				b.StartTimer()
				n.Compile()
			}
		})
	}
}

// BenchmarkMemoryPerInterface reports the live heap of the compiled
// network divided by its interfaces.
func BenchmarkMemoryPerInterface(b *testing.B) {
	for _, size := range sizes() {
		b.Run(fmt.Sprintf("%d", size), func(b *testing.B) {
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				n := Network(Spec{Interfaces: size})
				n.Compile()
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(size), "B/interface")
				runtime.KeepAlive(n)
			}
		})
	}
}

func BenchmarkEvaluatePath(b *testing.B) {
	for _, size := range sizes() {
		b.Run(fmt.Sprintf("%d", size), func(b *testing.B) {
			n := Network(Spec{Interfaces: size})
			n.Compile()
			// From a spoke across the peering into the hub's first subnet,
			// which has its own network ACL.
			q, err := checks.NewQuery(eniID(1), "10.0.0.10:8001", "tcp", 0, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := checks.Evaluate(n, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyFixes is the cost of checking a report's fixes: the
// path again with each fix, and what the fix would also open: counted
// from the members of the group or the owner of the address a security
// group rule names, or, for a network ACL entry or a route, from every
// interface evaluated again.
func BenchmarkVerifyFixes(b *testing.B) {
	for _, c := range []struct{ name, from, to string }{
		{"group-rule", eniID(1), "10.0.0.10:5432"},
		{"address-rule", "10.16.0.4", "10.0.0.10:5432"},
		{"acl-entry", "10.48.0.4", "10.0.0.10:3500"},
	} {
		for _, size := range sizes() {
			b.Run(fmt.Sprintf("%s/%d", c.name, size), func(b *testing.B) {
				n := Network(Spec{Interfaces: size})
				n.Compile()
				q, err := checks.NewQuery(c.from, c.to, "tcp", 0, 0)
				if err != nil {
					b.Fatal(err)
				}
				rep, err := checks.Evaluate(n, q)
				if err != nil || rep.Verdict != checks.Unreachable {
					b.Fatalf("the benchmark's path must be blocked: %s %v", rep.Verdict, err)
				}
				for b.Loop() {
					r := rep
					r.Layers = cloneLayers(rep.Layers)
					checks.VerifyFixes(n, q, &r)
				}
			})
		}
	}
}

func cloneLayers(ls []checks.Layer) []checks.Layer {
	out := make([]checks.Layer, len(ls))
	for i, l := range ls {
		l.Findings = append([]checks.Finding(nil), l.Findings...)
		out[i] = l
	}
	return out
}

func BenchmarkSweepSources(b *testing.B) {
	for _, size := range sizes() {
		b.Run(fmt.Sprintf("%d", size), func(b *testing.B) {
			n := Network(Spec{Interfaces: size})
			n.Compile()
			to, _ := checks.ParseEnd("10.0.0.10:8001")
			spec := checks.SweepSpec{Fixed: to, Protocol: checks.ProtocolTCP, Ports: []int{8001}}
			b.ReportAllocs()
			for b.Loop() {
				if res := checks.SweepPaths(n, spec); len(res) != size-1 {
					b.Fatalf("swept %d sources", len(res))
				}
			}
		})
	}
}
