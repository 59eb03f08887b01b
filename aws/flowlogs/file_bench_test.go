package flowlogs

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// BenchmarkFileSource reads the file named by REACH_FLOW_FILE (skipped
// without it) through the file source with an action filter, as
// reach flows --file F --action REJECT does, the records discarded.
func BenchmarkFileSource(b *testing.B) {
	name := os.Getenv("REACH_FLOW_FILE")
	if name == "" {
		b.Skip("REACH_FLOW_FILE names a flow-log file to read")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
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
