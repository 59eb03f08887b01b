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
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/internal/genaccount"
)

// assembled hands inv's interfaces and instances to an Assembler in pages
// of size, as a live load does, and returns it with the rest.
func assembled(t *testing.T, inv *inventory.Inventory, size int, ok bool) (*convert.Assembler, *inventory.Inventory) {
	t.Helper()
	asm := convert.NewAssembler()
	// The instances' pages arrive before, during and after the
	// interfaces' listing.
	enis, res := inv.NetworkInterfaces, inv.Reservations
	half := len(res) / 2
	for start := 0; start < half; start += size {
		asm.InstancesPage(res[start:min(start+size, half)])
	}
	for start := 0; start < len(enis); start += size {
		asm.InterfacesPage(enis[start:min(start+size, len(enis))])
	}
	asm.Done(checks.KindNetworkInterfaces, ok)
	for start := half; start < len(res); start += size {
		asm.InstancesPage(res[start:min(start+size, len(res))])
	}
	asm.Done(checks.KindInstances, ok)
	rest := *inv
	rest.NetworkInterfaces, rest.Reservations = nil, nil
	return asm, &rest
}

// The network assembled from interfaces and instances converted page by
// page is the one converting the whole inventory gives: same interfaces,
// instances, gaps and errors, on every fixture, the demo, the corpus and a
// generated account.
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
	// Entries without their ID in later pages: the errors name them by
	// their index in the whole output.
	broken, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	last := &broken.Reservations[len(broken.Reservations)-1]
	last.Instances[len(last.Instances)-1].InstanceId = nil
	broken.NetworkInterfaces[len(broken.NetworkInterfaces)-1].NetworkInterfaceId = nil
	snaps = append(snaps, snap{"demo with entries without their ID", broken})
	unlisted, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	unlisted.NetworkInterfaces = nil
	snaps = append(snaps, snap{"demo whose interfaces only the instances list", unlisted})
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
			if s.name == "demo with entries without their ID" && (!strings.Contains(errString(wantErr), "Reservations[") || !strings.Contains(errString(wantErr), "entry ")) {
				t.Fatalf("the broken demo converts without the errors it is for: %v", wantErr)
			}
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

// Listings that fail leave nothing: the network is the one of an
// inventory without their kinds.
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
	dirs, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
	for _, dir := range append([]string{"demo", "demo without its listing of interfaces"}, dirs...) {
		var inv *inventory.Inventory
		var err error
		if strings.HasPrefix(dir, "demo") {
			inv, err = snapshot.ReadFS(demo.FS(), ".")
			if err == nil && dir != "demo" {
				// Every interface then comes from the instances'
				// copies.
				inv.NetworkInterfaces = nil
			}
		} else if fi, statErr := os.Stat(dir); statErr == nil && fi.IsDir() {
			inv, err = snapshot.Read(dir)
		} else {
			continue
		}
		if err != nil {
			continue
		}
		for i := range inv.NetworkInterfaces {
			if i%3 == 0 {
				// Interfaces without their VPC: compilation fills it in.
				inv.NetworkInterfaces[i].VpcId = nil
			}
		}
		for _, r := range inv.Reservations {
			for _, in := range r.Instances {
				for i := range in.NetworkInterfaces {
					in.NetworkInterfaces[i].VpcId = nil
				}
			}
		}
		asm, rest := assembled(t, inv, 4, true)
		early := *rest
		early.Subnets = nil
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
			t.Fatalf("%s: the newer network's interfaces differ from the converted inventory's", dir)
		}
	}
}

// Before both listings ended, a network holds what has: the interfaces
// without the instances, or the instances (and the interfaces they list)
// without the listing of interfaces.
func TestAssemblerBeforeEveryListingEnded(t *testing.T) {
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	rest := *inv
	rest.NetworkInterfaces, rest.Reservations = nil, nil
	for _, tc := range []struct {
		name string
		feed func(*convert.Assembler)
		want func(inventory.Inventory) inventory.Inventory
	}{
		{"only the interfaces", func(a *convert.Assembler) {
			a.InstancesPage(inv.Reservations[:1])
			a.InterfacesPage(inv.NetworkInterfaces)
			a.Done(checks.KindNetworkInterfaces, true)
		}, func(i inventory.Inventory) inventory.Inventory { i.Reservations = nil; return i }},
		{"only the instances", func(a *convert.Assembler) {
			a.InterfacesPage(inv.NetworkInterfaces[:1])
			a.InstancesPage(inv.Reservations)
			a.Done(checks.KindInstances, true)
		}, func(i inventory.Inventory) inventory.Inventory { i.NetworkInterfaces = nil; return i }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asm := convert.NewAssembler()
			tc.feed(asm)
			got, gotErr := asm.Network(&rest)
			partial := tc.want(*inv)
			want, wantErr := convert.Network(&partial)
			if errString(gotErr) != errString(wantErr) || !reflect.DeepEqual(got, want) {
				t.Fatalf("the network differs from the converted inventory's: %d interfaces, want %d", len(got.ENIs), len(want.ENIs))
			}
		})
	}
}
