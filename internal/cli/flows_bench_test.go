package cli

import (
	"io"
	"os"
	"testing"
)

// BenchmarkFlowsFile is reach flows --file F --action REJECT on the file
// named by REACH_FLOW_FILE (skipped without it), printing to nowhere: the
// figure docs/PERFORMANCE.md sets beside awk's on the same file.
func BenchmarkFlowsFile(b *testing.B) {
	name := os.Getenv("REACH_FLOW_FILE")
	if name == "" {
		b.Skip("REACH_FLOW_FILE names a flow-log file to read")
	}
	for b.Loop() {
		if code := run([]string{"flows", "--file", name, "--action", "REJECT"}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
