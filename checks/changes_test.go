package checks_test

import (
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// baselinePair is a fixture pair: a base snapshot and the same snapshot
// with one setting changed (testdata/baseline/<name>/changed, made by
// testdata/baseline/make.py), and the change the diff must find.
type baselinePair struct {
	name, base string
	from, to   string
	protocol   string
	// before and after are the verdicts on the base and on the changed
	// snapshot.
	before, after checks.Verdict
	// component, layer and what (a fragment) of the one change, as seen
	// going from the base to the changed snapshot; reversed, removed and
	// added swap.
	component, layer, what string
}

var baselinePairs = []baselinePair{
	{name: "sg-rule", base: "../demo/snapshot", from: "i-01a2b3c4d5e6f0012", to: "10.0.33.12:5432",
		before: checks.Reachable, after: checks.Unreachable,
		component: "sg-0e5f6a7b8c9d00014", layer: checks.LayerSecurityGroup, what: "inbound allow tcp 5432 from 111122223333/sg-0e5f6a7b8c9d00012 removed"},
	{name: "route", base: "../demo/snapshot", from: "i-01a2b3c4d5e6f0012", to: "93.184.216.34:443",
		before: checks.Reachable, after: checks.Unreachable,
		component: "rtb-0c3d4e5f6a7b80012", layer: checks.LayerRoute, what: "route 0.0.0.0/0 via nat-03c4d5e6f7a8b0001 removed"},
	{name: "propagation", base: "testdata/transit-hub/snapshot", from: "10.1.1.10", to: "10.3.1.10:443",
		before: checks.Unreachable, after: checks.Reachable,
		component: "tgw-rtb-3139fd75df41ffa2f", layer: checks.LayerRoute, what: "propagation from tgw-attach-0df25ccb556728d8f added"},
	{name: "source-dest-check", base: "../demo/snapshot", from: "i-01a2b3c4d5e6f0021", to: "1.1.1.1:443",
		before: checks.Unreachable, after: checks.Reachable,
		component: "eni-0f6a7b8c9d0e10032", layer: checks.LayerSourceDestCheck, what: "source/dest check: on → off"},
	{name: "record", base: "../demo/snapshot", from: "i-01a2b3c4d5e6f0012", to: "db.internal.mycompany.com:5432",
		before: checks.Reachable, after: checks.Unreachable,
		component: "Z0354961T7UQXK6LNBPN", layer: checks.LayerDNS, what: "record db.internal.mycompany.com. CNAME"},
}

// loadPair reads the pair's base network and its changed copy.
func loadPair(t testing.TB, p baselinePair) (base, changed *checks.Network) {
	t.Helper()
	files := fstest.MapFS{}
	for _, dir := range []string{p.base, filepath.Join("testdata/baseline", p.name, "changed")} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[e.Name()] = &fstest.MapFile{Data: data}
		}
	}
	return readNetwork(t, os.DirFS(p.base)), readNetwork(t, files)
}

func readNetwork(t testing.TB, fsys fs.FS) *checks.Network {
	t.Helper()
	inv, err := snapshot.ReadFS(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func checkOn(t testing.TB, n *checks.Network, p baselinePair) checks.Report {
	t.Helper()
	rep, err := checks.Check(n, checks.CheckArgs{From: p.from, To: p.to, Protocol: p.protocol})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestBaselinePairs checks every fixture pair in both directions: the
// verdicts swap, the diff holds exactly the one change (added and removed
// swapping with the direction), on the path, in its layer, and it is the
// change that explains the difference.
func TestBaselinePairs(t *testing.T) {
	taken := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	for _, p := range baselinePairs {
		base, changed := loadPair(t, p)
		for _, dir := range []struct {
			name           string
			then, now      *checks.Network
			verdictThen    checks.Verdict
			verdictNow     checks.Verdict
			fromTo, backTo string
		}{
			{"forward", base, changed, p.before, p.after, "removed", "added"},
			{"reverse", changed, base, p.after, p.before, "added", "removed"},
		} {
			t.Run(p.name+"/"+dir.name, func(t *testing.T) {
				then, now := checkOn(t, dir.then, p), checkOn(t, dir.now, p)
				if then.Verdict != dir.verdictThen || now.Verdict != dir.verdictNow {
					t.Fatalf("verdicts then %s, now %s; want %s, %s", then.Verdict, now.Verdict, dir.verdictThen, dir.verdictNow)
				}
				checks.CompareBaseline(&now, then, dir.then, dir.now, "snap", &taken)
				if now.Baseline.Verdict != dir.verdictThen || now.Baseline.Snapshot != "snap" || !now.Baseline.Taken.Equal(taken) {
					t.Errorf("baseline %+v", now.Baseline)
				}
				for _, nc := range now.Baseline.NotCompared {
					if !strings.Contains(nc, "read in neither") {
						t.Errorf("a kind one side lacks: %s", nc)
					}
				}
				want := p.what
				if dir.name == "reverse" {
					want = swapChange(want)
				}
				if len(now.Changes) != 1 {
					t.Fatalf("%d changes, want 1: %+v", len(now.Changes), now.Changes)
				}
				c := now.Changes[0]
				if c.Component != p.component || c.Layer != p.layer || c.Change != checks.ChangeModified || !c.OnPath || !strings.Contains(c.What, want) {
					t.Errorf("change %+v; want %s %s modified on the path, what %q", c, p.component, p.layer, want)
				}
				if ex, ok := now.ExplainingChange(); !ok || ex != c {
					t.Errorf("explaining change %+v, %v; want %+v", ex, ok, c)
				}
			})
		}
	}
}

// swapChange turns a change seen one way into the same change seen the
// other way.
func swapChange(what string) string {
	switch {
	case strings.HasSuffix(what, " removed"):
		return strings.TrimSuffix(what, " removed") + " added"
	case strings.HasSuffix(what, " added"):
		return strings.TrimSuffix(what, " added") + " removed"
	case strings.Contains(what, ": "):
		key, val, _ := strings.Cut(what, ": ")
		from, to, _ := strings.Cut(val, " → ")
		return key + ": " + to + " → " + from
	}
	return what
}

// TestDiffNetworks covers what the fixture pairs do not: resources that
// appear or disappear, modified fields, and data one side lacks, which
// must never read as a change.
func TestDiffNetworks(t *testing.T) {
	acl := func(allow bool) *checks.NetworkACL {
		return &checks.NetworkACL{ID: "acl-1", Inbound: []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolTCP, Allow: allow,
			CIDR: netip.MustParsePrefix("10.0.0.0/16"), Ports: checks.PortRange{From: 443, To: 443}}}}
	}
	sg := &checks.SecurityGroup{ID: "sg-1", Inbound: []checks.SGRule{{Protocol: checks.ProtocolTCP, Ports: checks.PortRange{From: 22, To: 22}, Peer: checks.SGPeer{CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}}
	zone := func(records []checks.Record) *checks.HostedZone {
		return &checks.HostedZone{ID: "Z1", Name: "corp", Private: true, Records: records}
	}
	rec := checks.Record{Name: "db.corp.", Type: "A", TTL: 60, Values: []string{"10.0.1.5"}}
	cases := []struct {
		name        string
		before, now func(n *checks.Network)
		want        []string // "component change what"
		notCompared string
	}{
		{name: "identical", before: func(n *checks.Network) { n.SecurityGroups["sg-1"] = sg }, now: func(n *checks.Network) { n.SecurityGroups["sg-1"] = sg }},
		{name: "network ACL entry turned to deny", before: func(n *checks.Network) { n.NetworkACLs["acl-1"] = acl(true) }, now: func(n *checks.Network) { n.NetworkACLs["acl-1"] = acl(false) },
			want: []string{"acl-1 modified inbound #100: allow tcp 443 10.0.0.0/16 → deny tcp 443 10.0.0.0/16"}},
		{name: "security group deleted", before: func(n *checks.Network) { n.SecurityGroups["sg-1"] = sg }, now: func(*checks.Network) {},
			want: []string{"sg-1 removed removed: security-group (inbound allow tcp 22 from 0.0.0.0/0)"}},
		{name: "security group created", before: func(*checks.Network) {}, now: func(n *checks.Network) { n.SecurityGroups["sg-1"] = sg },
			want: []string{"sg-1 added added: security-group (inbound allow tcp 22 from 0.0.0.0/0)"}},
		{name: "security groups not read now", before: func(n *checks.Network) { n.SecurityGroups["sg-1"] = sg },
			now: func(n *checks.Network) {
				n.Gaps = append(n.Gaps, checks.Gap{Kind: checks.KindSecurityGroups, Reason: "AccessDenied"})
			},
			notCompared: "security-group: not read now (describe-security-groups AccessDenied)"},
		{name: "records not read in the baseline", before: func(n *checks.Network) { n.HostedZones["Z1"] = zone(nil) }, now: func(n *checks.Network) { n.HostedZones["Z1"] = zone([]checks.Record{rec}) }},
		{name: "record value changed", before: func(n *checks.Network) { n.HostedZones["Z1"] = zone([]checks.Record{rec}) },
			now: func(n *checks.Network) {
				r := rec
				r.Values = []string{"10.0.1.6"}
				n.HostedZones["Z1"] = zone([]checks.Record{r})
			},
			want: []string{"Z1 modified record db.corp. A: 10.0.1.5 (TTL 60) → 10.0.1.6 (TTL 60)"}},
		{name: "a copy in conflict is not compared", before: func(n *checks.Network) { n.SecurityGroups["sg-1"] = sg },
			now: func(n *checks.Network) {
				n.Gaps = append(n.Gaps, checks.Gap{Kind: checks.KindSecurityGroups, Scope: "sg-1", Conflict: true, Reason: "two copies"})
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, now := checks.NewNetwork(), checks.NewNetwork()
			c.before(before)
			c.now(now)
			changes, notCompared := checks.DiffNetworks(before, now)
			var got []string
			for _, ch := range changes {
				got = append(got, ch.Component+" "+ch.Change+" "+ch.What)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if c.notCompared != "" && !slices.Contains(notCompared, c.notCompared) {
				t.Errorf("not compared %q, want it to hold %q", notCompared, c.notCompared)
			}
		})
	}
}

// BenchmarkBaselineDemo is what --baseline adds to a check on the demo:
// the same path on the baseline and the diff of the two networks.
func BenchmarkBaselineDemo(b *testing.B) {
	p := baselinePairs[0]
	base, changed := loadPair(b, p)
	now := checkOn(b, changed, p)
	b.ReportAllocs()
	for b.Loop() {
		rep := now
		then := checkOn(b, base, p)
		checks.CompareBaseline(&rep, then, base, changed, "snap", nil)
	}
}
