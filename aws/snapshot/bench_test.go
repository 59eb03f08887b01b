package snapshot

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/reachnet/reach/internal/genaccount"
)

// BenchmarkRead reads a generated account's snapshot with the direct
// decoder and through the careful path alone. 10,000 interfaces always;
// 100,000 only with REACH_BENCH_100K set (make bench), never in CI.
func BenchmarkRead(b *testing.B) {
	sizes := []int{10_000}
	if os.Getenv("REACH_BENCH_100K") != "" {
		sizes = append(sizes, 100_000)
	}
	for _, n := range sizes {
		dir := filepath.Join(b.TempDir(), "snapshot")
		if err := genaccount.WriteSnapshot(dir, genaccount.Spec{Interfaces: n}); err != nil {
			b.Fatal(err)
		}
		size, err := genaccount.Size(dir)
		if err != nil {
			b.Fatal(err)
		}
		for _, way := range []struct {
			name   string
			direct bool
		}{{"direct", true}, {"careful", false}} {
			b.Run(fmt.Sprintf("%d/%s", n, way.name), func(b *testing.B) {
				b.SetBytes(size)
				for b.Loop() {
					inv, err := readSnapshot(os.DirFS(dir), ".", dir, func(p string) string { return p }, way.direct)
					if err != nil || len(inv.NetworkInterfaces) != n {
						b.Fatalf("read %v", err)
					}
				}
			})
		}
	}
}
