package genaccount

import (
	"testing"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// TestSnapshotIsTheNetwork reads the written snapshot back and sweeps it
// and the directly built network toward several destinations: every
// verdict and blocker must agree, so that whole-process measurements on
// the snapshot and engine benchmarks on the network speak of one account.
func TestSnapshotIsTheNetwork(t *testing.T) {
	spec := Spec{Interfaces: 2000}
	dir := t.TempDir()
	if err := WriteSnapshot(dir, spec); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	read, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	built := Network(spec)
	if len(read.ENIs) != 2000 || len(built.ENIs) != 2000 || len(read.Gaps) != 0 {
		t.Fatalf("read %d interfaces (gaps %v), built %d", len(read.ENIs), read.Gaps, len(built.ENIs))
	}
	counts := map[checks.Verdict]int{}
	for _, dst := range []string{"10.0.0.4:443", "10.16.0.10:8001", "10.32.1.50:8003", "172.16.5.5:22", "93.184.216.34:443", "10.0.2.8:5000"} {
		to, err := checks.ParseEnd(dst)
		if err != nil {
			t.Fatal(err)
		}
		spec := checks.SweepSpec{Fixed: to, Protocol: checks.ProtocolTCP, Ports: []int{to.Port}}
		a, b := checks.SweepPaths(read, spec), checks.SweepPaths(built, spec)
		if len(a) != len(b) {
			t.Fatalf("%s: %d paths read, %d built", dst, len(a), len(b))
		}
		for i := range a {
			counts[a[i].Verdict]++
			if a[i].Source != b[i].Source || a[i].Verdict != b[i].Verdict || !sameBlocked(a[i].BlockedBy, b[i].BlockedBy) || !sameBlocked(a[i].UnknownBecause, b[i].UnknownBecause) {
				t.Fatalf("%s from %s: snapshot %s %+v %+v, network %s %+v %+v", dst, a[i].Source, a[i].Verdict, a[i].BlockedBy, a[i].UnknownBecause, b[i].Verdict, b[i].BlockedBy, b[i].UnknownBecause)
			}
		}
	}
	if counts[checks.Reachable] == 0 || counts[checks.Unreachable] == 0 {
		t.Errorf("a realistic account has both verdicts: %v", counts)
	}
	t.Logf("verdicts over six sweeps: %v", counts)
}

func sameBlocked(a, b *checks.Blocked) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
