package flowlogs

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkRejectsFast is the one-pass filter alone over the lines of the
// file named by REACH_FLOW_FILE (skipped without it), in memory.
func BenchmarkRejectsFast(b *testing.B) {
	name := os.Getenv("REACH_FLOW_FILE")
	if name == "" {
		b.Skip("REACH_FLOW_FILE names a flow-log file to read")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	p := NewParser()
	f := Filter{Action: "REJECT"}
	b.SetBytes(int64(len(data)))
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
