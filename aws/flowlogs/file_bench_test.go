package flowlogs

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// The benchmarks of this file read the flow-log file named by
// REACH_FLOW_FILE (go run ./scripts/flowgen > F); they are skipped
// without it.

// BenchmarkFileSource reads the file through the file source with an
// action filter, as reach flows --file F --action REJECT does, the records
// discarded.
func BenchmarkFileSource(b *testing.B) {
	data := flowFileData(b)
	for b.Loop() {
		n := 0
		src := NewFileSource(bytes.NewReader(data), "bench", Options{Filter: Filter{Action: "REJECT"}})
		if err := src.Run(context.Background(), func(bt Batch) { n += len(bt.Flows) }); err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatal("no records")
		}
	}
}

// BenchmarkRejectsFast is the one-pass filter alone over the file's
// lines, in memory, on one core.
func BenchmarkRejectsFast(b *testing.B) {
	lines := bytes.SplitAfter(flowFileData(b), []byte("\n"))
	p := NewParser()
	f := Filter{Action: "REJECT"}
	for b.Loop() {
		kept := 0
		for _, l := range lines {
			if drop, ok := rejectsFast(p, &f, l); ok && !drop {
				kept++
			}
		}
		if kept == 0 {
			b.Fatal("nothing kept")
		}
	}
}

func flowFileData(b *testing.B) []byte {
	name := os.Getenv("REACH_FLOW_FILE")
	if name == "" {
		b.Skip("REACH_FLOW_FILE names a flow-log file to read (go run ./scripts/flowgen > F)")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	return data
}
