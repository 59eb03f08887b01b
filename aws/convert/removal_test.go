package convert_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// Missing data never decides: a snapshot with one file taken away knows less
// than the whole snapshot, so a path may become unknown, but a path that is
// reachable with every file must not become unreachable without one, nor the
// other way round. TestRemovingAFileNeverFlipsAVerdict removes each file of
// every scenario fixture and of every corpus snapshot in turn and re-checks
// every path of that snapshot.

// scenarioFixtures is where the engine's scenario fixtures live, relative to
// this package: every testdata/<name>/ with a snapshot/ folder and a
// cases.json.
var scenarioFixtures = filepath.Join("..", "..", "checks", "testdata")

// demoSnapshot is the demo account the binary embeds, which the demo
// scenario's cases run on.
var demoSnapshot = filepath.Join("..", "..", "demo", "snapshot")

// removalPath is one path through one snapshot.
type removalPath struct {
	name             string
	from, to, proto  string
	port, sourcePort int
	snapshotDir      string
}

// fixtureCase is the part of a scenario's cases.json entry that names the
// path.
type fixtureCase struct {
	Name       string `json:"name"`
	From       string `json:"from"`
	To         string `json:"to"`
	Protocol   string `json:"protocol"`
	Port       int    `json:"port"`
	SourcePort int    `json:"source_port"`
}

// removalSnapshots gathers the snapshots and their paths: every scenario
// fixture with a snapshot folder and every corpus snapshot corpusFlows uses.
func removalSnapshots(t *testing.T) map[string][]removalPath {
	t.Helper()
	out := map[string][]removalPath{}
	casesFiles, err := filepath.Glob(filepath.Join(scenarioFixtures, "*", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, casesFile := range casesFiles {
		dir := filepath.Dir(casesFile)
		snap := filepath.Join(dir, "snapshot")
		if filepath.Base(dir) == "demo" {
			// The demo scenario's snapshot is the embedded demo account.
			snap = demoSnapshot
		}
		if info, err := os.Stat(snap); err != nil || !info.IsDir() {
			continue
		}
		raw, err := os.ReadFile(casesFile)
		if err != nil {
			t.Fatal(err)
		}
		var cases []fixtureCase
		if err := json.Unmarshal(raw, &cases); err != nil {
			t.Fatalf("%s: %v", casesFile, err)
		}
		key := "fixture/" + filepath.Base(dir)
		for _, c := range cases {
			out[key] = append(out[key], removalPath{name: c.Name, from: c.From, to: c.To, proto: c.Protocol, port: c.Port, sourcePort: c.SourcePort, snapshotDir: snap})
		}
	}
	if _, err := os.Stat(corpusDir); err == nil {
		for _, f := range corpusFlows {
			key := "corpus/" + f.snapshot
			out[key] = append(out[key], removalPath{name: f.name, from: f.from, to: f.to, proto: f.proto, snapshotDir: filepath.Join(corpusDir, f.snapshot, "aws_configs")})
		}
	}
	return out
}

// heldOutPaths are paths no case names, drawn from the snapshot itself so
// that the removals meet more of the engine: between instances, from each
// instance to the internet, to on-premises and to its VPC's DNS server, and
// from the internet to each public address.
func heldOutPaths(net *checks.Network) []removalPath {
	const maxSources, maxDestinations = 6, 8
	var sources, destinations []*checks.ENI
	var publics []string
	for _, id := range slices.Sorted(maps.Keys(net.ENIs)) {
		e := net.ENIs[id]
		if len(e.PrivateIPs) == 0 {
			continue
		}
		if e.InstanceID != "" && len(sources) < maxSources {
			sources = append(sources, e)
		}
		if len(destinations) < maxDestinations {
			destinations = append(destinations, e)
		}
		for _, ip := range e.PrivateIPs {
			if ip.Public.IsValid() {
				publics = append(publics, ip.Public.String())
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(net.NATGateways)) {
		if a := net.NATGateways[id].PublicIP; a.IsValid() && !slices.Contains(publics, a.String()) {
			publics = append(publics, a.String())
		}
	}
	var out []removalPath
	add := func(from, to, proto string) {
		out = append(out, removalPath{name: "held out: " + from + " to " + to + " " + proto, from: from, to: to, proto: proto})
	}
	for _, src := range sources {
		for _, dst := range destinations {
			if dst.ID != src.ID {
				add(src.ID, dst.PrimaryIP().String()+":22", "")
				add(src.ID, dst.PrimaryIP().String()+":443", "")
			}
		}
		if len(destinations) > 0 && destinations[0].ID != src.ID {
			add(src.ID, destinations[0].PrimaryIP().String(), "icmp")
		}
		for _, pub := range publics {
			add(src.ID, pub+":443", "")
		}
		add(src.ID, "93.184.216.34:443", "")
		add(src.ID, "172.16.5.10:22", "")
		if v := net.VPCs[src.VPCID]; v != nil && len(v.CIDRs) > 0 {
			add(src.ID, v.CIDRs[0].Masked().Addr().Next().Next().String()+":53", "udp")
		}
	}
	for _, pub := range publics {
		add("203.0.113.50", pub+":443", "")
		add("203.0.113.50", pub+":22", "")
	}
	for _, dst := range destinations {
		add("172.16.5.10", dst.PrimaryIP().String()+":22", "")
	}
	return out
}

// snapshotFiles reads every .json file of a snapshot directory into memory.
func snapshotFiles(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	files := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// verdictOn is what a path gets: its verdict and blocker, or the error.
func verdictOn(net *checks.Network, p removalPath) (string, error) {
	q, err := checks.NewQuery(p.from, p.to, p.proto, p.port, p.sourcePort)
	if err != nil {
		return "", fmt.Errorf("query: %w", err)
	}
	rep, err := checks.Evaluate(net, q)
	var dataErr *checks.DataError
	switch {
	case errors.As(err, &dataErr):
		return string(checks.Unknown), nil
	case err != nil:
		return "", err
	}
	return string(rep.Verdict) + blockedText(&rep), nil
}

func blockedText(rep *checks.Report) string {
	if rep.BlockedBy == nil {
		return ""
	}
	b := rep.BlockedBy
	return fmt.Sprintf(" (%s %s %s %s)", b.Layer, b.Component, b.Code, b.Direction)
}

// opposite says whether verdict after is the opposite of before.
func opposite(before, after string) bool {
	verdict := func(s string) string { v, _, _ := strings.Cut(s, " "); return v }
	b, a := verdict(before), verdict(after)
	return (b == string(checks.Reachable) && a == string(checks.Unreachable)) ||
		(b == string(checks.Unreachable) && a == string(checks.Reachable))
}

func TestRemovingAFileNeverFlipsAVerdict(t *testing.T) {
	snapshots := removalSnapshots(t)
	if len(snapshots) == 0 {
		t.Skip("no snapshots with paths")
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range snapshots {
			if !yield(k) {
				return
			}
		}
	})
	runs, flips := 0, 0
	for _, name := range names {
		paths := snapshots[name]
		t.Run(name, func(t *testing.T) {
			all := snapshotFiles(t, paths[0].snapshotDir)
			before := make([]string, len(paths))
			{
				inv, err := snapshot.ReadFS(all, ".")
				if err != nil {
					t.Fatalf("read: %v", err)
				}
				net, err := convert.Network(inv)
				if err != nil {
					t.Fatalf("convert: %v", err)
				}
				for i, p := range paths {
					v, err := verdictOn(net, p)
					if err != nil {
						t.Fatalf("%s on the whole snapshot: %v", p.name, err)
					}
					before[i] = v
				}
				for _, p := range heldOutPaths(net) {
					if v, err := verdictOn(net, p); err == nil {
						paths = append(paths, p)
						before = append(before, v)
					}
				}
			}
			files := slices.Sorted(func(yield func(string) bool) {
				for k := range all {
					if strings.EqualFold(path.Ext(k), ".json") && !yield(k) {
						return
					}
				}
			})
			for _, removed := range files {
				less := make(fstest.MapFS, len(all)-1)
				for k, v := range all {
					if k != removed {
						less[k] = v
					}
				}
				inv, err := snapshot.ReadFS(less, ".")
				if err != nil {
					// A snapshot of one useful file cannot lose it.
					continue
				}
				net, err := convert.Network(inv)
				if err != nil {
					t.Errorf("without %s: convert: %v", removed, err)
					continue
				}
				for i, p := range paths {
					runs++
					after, err := verdictOn(net, p)
					switch {
					case err != nil:
						flips++
						t.Errorf("without %s: %s: %s before, error after: %v", removed, p.name, before[i], err)
					case opposite(before[i], after):
						flips++
						t.Errorf("without %s: %s: %s before, %s after", removed, p.name, before[i], after)
					}
				}
			}
		})
	}
	t.Logf("%d snapshots, %d runs, %d flips", len(names), runs, flips)
}
