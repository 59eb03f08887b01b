package checks_test

import (
	"slices"
	"testing"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/genaccount"
)

// TestFixChecksMatchTheAppliedFix applies, for every blocking finding of
// every scenario case, its fix to a fresh copy of the network as the
// command would, and compares that network's verdict and blocker, and the
// interfaces it newly opens to the destination, with what VerifyFixes
// found on its copy-on-write view of the one changed resource.
func TestFixChecksMatchTheAppliedFix(t *testing.T) {
	verified, applied, notApplied := 0, 0, 0
	forEachScenario(t, loadScenario, func(t *testing.T, net *checks.Network, dir string, c scenarioCase) {
		rep, err := checks.Check(net, checks.CheckArgs{From: c.From, To: c.To, Protocol: c.Protocol, Port: c.Port, SourcePort: c.SourcePort})
		if err != nil {
			t.Fatal(err)
		}
		q, err := checks.NewQuery(c.From, c.To, c.Protocol, c.Port, c.SourcePort)
		if err != nil {
			t.Fatal(err)
		}
		together := loadScenario(t, dir)
		appliedHere := 0
		seen := map[string]bool{}
		for _, l := range rep.Layers {
			for _, f := range l.Findings {
				if f.Severity != checks.SeverityBlock || f.Fix == "" {
					continue
				}
				fc := f.FixCheck
				if fc == nil {
					t.Fatalf("%s %s: fix %q has no check", f.Component, f.Code, f.Fix)
				}
				if !seen[f.Fix] && checks.ApplyFix(together, &rep, f.Fix) {
					appliedHere++
				}
				seen[f.Fix] = true
				fresh := loadScenario(t, dir)
				if !checks.ApplyFix(fresh, &rep, f.Fix) {
					if fc.Applied || fc.Verified {
						t.Errorf("%s: fix reach cannot apply is marked applied: %+v", f.Fix, fc)
					}
					notApplied++
					continue
				}
				applied++
				if fc.Verified {
					verified++
				}
				compareApplied(t, f.Fix, net, fresh, q, rep.Source.ENI, fc)
			}
		}
		switch {
		case appliedHere > 1 && rep.AllFixes == nil:
			t.Errorf("%d fixes apply, and no check of them together", appliedHere)
		case appliedHere > 1:
			compareApplied(t, "every fix", net, together, q, rep.Source.ENI, rep.AllFixes)
		case rep.AllFixes != nil:
			t.Errorf("%d fixes apply, yet a check of them together: %+v", appliedHere, rep.AllFixes)
		}
	})
	t.Logf("%d fixes applied (%d open their path), %d reach cannot apply", applied, verified, notApplied)
	if applied == 0 || verified == 0 {
		t.Error("no fix was verified: the scenarios must exercise verification")
	}
}

// compareApplied compares a fix check with the network that holds the
// fix (after) and the one that does not (before).
func compareApplied(t *testing.T, fix string, before, after *checks.Network, q checks.Query, source string, fc *checks.FixCheck) {
	t.Helper()
	rep, err := checks.Evaluate(after, q)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != fc.StillVerdict || fc.Verified != (rep.Verdict == checks.Reachable) {
		t.Errorf("%s: applied, the path is %s; the check says %s (verified %v)", fix, rep.Verdict, fc.StillVerdict, fc.Verified)
	}
	want := rep.BlockedBy
	if rep.Verdict == checks.Unknown {
		want = checks.UnknownBecause(&rep)
	}
	if !sameBlocked(want, fc.StillBlockedBy) {
		t.Errorf("%s: applied, blocked by %+v; the check says %+v", fix, want, fc.StillBlockedBy)
	}
	if got, want := fc.AlsoOpens.IDs, newlyOpened(before, after, q, source); !slices.Equal(got, want) {
		t.Errorf("%s: also opens %v; applied, %v open", fix, got, want)
	}
}

// newlyOpened lists the interfaces, other than the path's source, that
// reach the destination on after and not on before.
func newlyOpened(before, after *checks.Network, q checks.Query, source string) []string {
	spec := checks.SweepSpec{Fixed: q.To, Protocol: q.Protocol, SourcePort: q.SourcePort}
	if q.Protocol.HasPorts() {
		spec.Ports = []int{q.Port}
	}
	spec.Fixed.Port = q.Port
	was := map[string]bool{}
	for _, r := range checks.SweepPaths(before, spec) {
		was[r.Source] = r.Verdict == checks.Reachable
	}
	var out []string
	for _, r := range checks.SweepPaths(after, spec) {
		if r.Verdict == checks.Reachable && !was[r.Source] && r.Source != source {
			out = append(out, r.Source)
		}
	}
	return out
}

// TestFixChecksOnAGeneratedAccount does the same on a generated account of
// 2,000 interfaces, where fixes name groups with many members and one
// address among many, so that what a fix also opens is counted from the
// group's members alone and must agree with every path evaluated again.
func TestFixChecksOnAGeneratedAccount(t *testing.T) {
	spec := genaccount.Spec{Interfaces: 2000}
	net := genaccount.Network(spec)
	opened := 0
	for _, c := range []struct{ from, to string }{
		{"10.0.0.5", "10.0.0.10:5432"},   // same VPC: a group reference
		{"10.16.0.4", "10.0.0.10:5432"},  // across the peering: one address
		{"10.0.0.5", "10.0.10.10:22"},    // into a subnet with its own ACL
		{"10.32.0.9", "10.16.3.7:8001"},  // spoke to spoke: no route
		{"10.0.1.7", "93.184.216.34:25"}, // the internet
		{"10.48.0.4", "10.0.0.10:3500"},  // a network ACL entry for one source
		{"10.0.0.5", "93.184.216.34:22"}, // a network ACL entry for the destination
	} {
		rep, err := checks.Check(net, checks.CheckArgs{From: c.from, To: c.to})
		if err != nil {
			t.Fatal(err)
		}
		q, err := checks.NewQuery(c.from, c.to, "tcp", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range rep.Layers {
			for _, f := range l.Findings {
				if f.Severity != checks.SeverityBlock || f.FixCheck == nil || !f.FixCheck.Applied {
					continue
				}
				fresh := genaccount.Network(spec)
				if !checks.ApplyFix(fresh, &rep, f.Fix) {
					t.Fatalf("%s: checked as applied, yet not appliable", f.Fix)
				}
				compareApplied(t, f.Fix, net, fresh, q, rep.Source.ENI, f.FixCheck)
				opened += f.FixCheck.AlsoOpens.Count
			}
		}
	}
	if opened == 0 {
		t.Error("no fix opened another interface: the account must exercise the count")
	}
	t.Logf("the fixes also open %d interfaces in all", opened)
}
