package cli

import (
	"io"
	"os"
	"os/exec"
	"testing"
)

// BenchmarkFlowsFile is reach flows --file F --action REJECT on the file
// named by REACH_FLOW_FILE (skipped without it), printing to nowhere: the
// figure docs/PERFORMANCE.md sets beside awk's on the same file.
func BenchmarkFlowsFile(b *testing.B) {
	name := flowFile(b)
	for b.Loop() {
		if code := run([]string{"flows", "--file", name, "--action", "REJECT"}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkAwkSameFile is awk '$13=="REJECT"' on the same file, its output
// to nowhere, so that one run of the benchmarks sets the two side by side
// (make bench-flows alternates them).
func BenchmarkAwkSameFile(b *testing.B) {
	name := flowFile(b)
	awk, err := exec.LookPath("awk")
	if err != nil {
		b.Skip("no awk on this machine")
	}
	for b.Loop() {
		cmd := exec.Command(awk, `$13=="REJECT"`, name)
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

func flowFile(b *testing.B) string {
	name := os.Getenv("REACH_FLOW_FILE")
	if name == "" {
		b.Skip("REACH_FLOW_FILE names a flow-log file to read (go run ./scripts/flowgen > F)")
	}
	return name
}
