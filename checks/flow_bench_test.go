package checks_test

import (
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

// BenchmarkAttributeReject explains one rejected record of the demo (the
// security group keeping batch-1 from the database): the cost of a tail
// row's "why".
func BenchmarkAttributeReject(b *testing.B) {
	n := loadWithFlowLogs(b, "testdata/demo")
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var reject checks.Flow
	for _, f := range demo.NewFlowGenerator(n, demo.FlowOptions{Seed: 1, Start: start}).Until(start.Add(5*time.Minute), nil) {
		if f.Action == "REJECT" && f.DstPort == 5432 {
			reject = f
			break
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if a := checks.Attribute(n, reject); a.Component == "" {
			b.Fatal(a)
		}
	}
}

// BenchmarkDiagnoseTenThousand diagnoses one path over a ring of 10,000
// demo records.
func BenchmarkDiagnoseTenThousand(b *testing.B) {
	n := loadWithFlowLogs(b, "testdata/demo")
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	flows := demo.NewFlowGenerator(n, demo.FlowOptions{Seed: 1, Start: start, Rate: 4}).Until(start.Add(time.Hour), nil)
	flows = flows[len(flows)-10_000:]
	q, err := checks.NewQuery("i-01a2b3c4d5e6f0012", "i-01a2b3c4d5e6f0021:8080", "tcp", 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	w := checks.FlowWindow{Since: start, Now: start.Add(time.Hour)}
	b.ReportAllocs()
	for b.Loop() {
		if d := checks.Diagnose(n, q, flows, w); len(d.Findings) == 0 {
			b.Fatal(d)
		}
	}
}
