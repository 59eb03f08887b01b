package convert_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/internal/genaccount"
)

// assembled hands inv's interfaces to an Assembler in pages of size, as a
// live load does, and assembles the network of the rest.
func assembled(t *testing.T, inv *inventory.Inventory, size int, ok bool) (*convert.Assembler, *inventory.Inventory) {
	t.Helper()
	asm := convert.NewAssembler()
	for start := 0; start < len(inv.NetworkInterfaces); start += size {
		asm.Page(inv.NetworkInterfaces[start:min(start+size, len(inv.NetworkInterfaces))])
	}
	asm.Done(ok)
	rest := *inv
	rest.NetworkInterfaces = nil
	return asm, &rest
}

// The network assembled from interfaces converted page by page is the one
// converting the whole inventory gives: same interfaces, same gaps, same
// errors, on every fixture, the demo, the corpus and a generated account.
func TestAssemblerMatchesNetwork(t *testing.T) {
	type snap struct {
		name string
		inv  *inventory.Inventory
	}
	var snaps []snap
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	snaps = append(snaps, snap{"demo", inv})
	var dirs []string
	for _, pattern := range []string{"../../checks/testdata/*/snapshot", "../../checks/testdata/*/*/snapshot", filepath.Join(corpusDir, "*")} {
		m, _ := filepath.Glob(pattern)
		dirs = append(dirs, m...)
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		inv, err := snapshot.Read(dir)
		if err != nil {
			continue // the readers' own tests cover snapshots that do not read
		}
		snaps = append(snaps, snap{dir, inv})
	}
	gen := t.TempDir()
	if err := genaccount.WriteSnapshot(gen, genaccount.Spec{Interfaces: 3000}); err != nil {
		t.Fatal(err)
	}
	if inv, err = snapshot.Read(gen); err != nil {
		t.Fatal(err)
	}
	snaps = append(snaps, snap{"generated account of 3,000 interfaces", inv})
	if len(snaps) < 10 {
		t.Fatalf("only %d snapshots found", len(snaps))
	}
	t.Logf("%d snapshots", len(snaps))
	for _, s := range snaps {
		for _, size := range []int{1, 7, 1000} {
			want, wantErr := convert.Network(s.inv)
			asm, rest := assembled(t, s.inv, size, true)
			got, gotErr := asm.Network(rest)
			if errString(gotErr) != errString(wantErr) {
				t.Errorf("%s, pages of %d: error\n%v\nwant\n%v", s.name, size, gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, pages of %d: the assembled network differs from the converted inventory's", s.name, size)
			}
			if asm.Interfaces() > len(s.inv.NetworkInterfaces) {
				t.Errorf("%s: %d interfaces from %d entries", s.name, asm.Interfaces(), len(s.inv.NetworkInterfaces))
			}
		}
	}
}

// A listing that fails leaves no interfaces: the network is the one of an
// inventory without them.
func TestAssemblerDropsAFailedListing(t *testing.T) {
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	asm, rest := assembled(t, inv, 3, false)
	got, gotErr := asm.Network(rest)
	want, wantErr := convert.Network(rest)
	if errString(gotErr) != errString(wantErr) || !reflect.DeepEqual(got, want) {
		t.Fatal("a failed listing's pages were kept")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Networks of one load share the converted interfaces: assembling and
// compiling a newer one (which completes interfaces from the instances
// and their VPC from their subnet) never writes into one an older network
// shows, which the terminal reads meanwhile. Run with -race.
func TestAssemblerNetworksDoNotWriteSharedInterfaces(t *testing.T) {
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for i := range inv.NetworkInterfaces {
		if i%3 == 0 {
			// Interfaces without their VPC: compilation fills it in.
			inv.NetworkInterfaces[i].VpcId = nil
		}
	}
	asm, rest := assembled(t, inv, 4, true)
	early := *rest
	early.Reservations, early.Subnets = nil, nil
	older, _ := asm.Network(&early)
	older.Compile()
	done := make(chan string)
	go func() {
		var seen strings.Builder
		for _, e := range older.ENIs {
			fmt.Fprintf(&seen, "%+v", *e)
		}
		done <- seen.String()
	}()
	newer, _ := asm.Network(rest)
	newer.Compile()
	<-done
	want, _ := convert.Network(inv)
	want.Compile()
	if !reflect.DeepEqual(newer.ENIs, want.ENIs) {
		t.Fatal("the newer network's interfaces differ from the converted inventory's")
	}
}
