package checks_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/reachnet/reach/checks"
)

// TestSweepAgreesWithCheck sweeps, on every scenario under testdata (the
// demo among them), every interface toward each case's destination and
// from each case's source, and compares every path's verdict, blocker and
// reason for unknown with what Check gives for that path alone: a sweep is
// never greener, nor redder, than a check.
func TestSweepAgreesWithCheck(t *testing.T) {
	compared := 0
	forEachScenario(t, loadScenario, func(t *testing.T, net *checks.Network, _ string, c scenarioCase) {
		compared += compareSweeps(t, net, c)
	})
	t.Logf("%d sweep paths compared with a check of the same path", compared)
}

func compareSweeps(t *testing.T, net *checks.Network, c scenarioCase) int {
	t.Helper()
	q, err := checks.NewQuery(c.From, c.To, c.Protocol, c.Port, c.SourcePort)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	args := func(from, to string) checks.CheckArgs {
		return checks.CheckArgs{From: from, To: to, Protocol: c.Protocol, SourcePort: c.SourcePort}
	}
	compared := 0
	toward := checks.SweepSpec{Fixed: q.To, Protocol: q.Protocol, Ports: []int{q.Port}, SourcePort: c.SourcePort}
	for _, r := range checks.SweepPaths(net, toward) {
		a := args(r.Source, c.To)
		a.Port = c.Port
		agree(t, net, a, r)
		compared++
	}
	if q.From.Kind == checks.EndHost {
		return compared
	}
	external := q.From.Kind == checks.EndAddress && len(addressOwners(net, q.From)) == 0
	for _, viaPublic := range []bool{false, true} {
		if viaPublic && !external {
			continue
		}
		from := checks.SweepSpec{Fixed: q.From, FromFixed: true, Protocol: q.Protocol, Ports: []int{q.Port}, SourcePort: c.SourcePort, ViaPublic: viaPublic}
		for _, r := range checks.SweepPaths(net, from) {
			// A destination reached through its public address is named
			// by it, as a check from the internet names it.
			to := r.Source
			if r.Address != net.ENIs[r.Source].PrimaryIP() {
				to = r.Address.String()
			}
			if r.Port != 0 {
				to += ":" + strconv.Itoa(r.Port)
			}
			agree(t, net, args(c.From, to), r)
			compared++
		}
	}
	return compared
}

func addressOwners(net *checks.Network, e checks.End) []string {
	var out []string
	for id, eni := range net.ENIs {
		if eni.Owns(e.Addr) {
			out = append(out, id)
		}
	}
	return out
}

// agree compares one swept path with Check's report of it.
func agree(t *testing.T, net *checks.Network, a checks.CheckArgs, r checks.SweepResult) {
	t.Helper()
	rep, err := checks.Check(net, a)
	if err != nil {
		if r.Verdict != checks.Unknown || r.UnknownBecause == nil || r.UnknownBecause.Code != "PATH_AMBIGUOUS" {
			t.Errorf("%s → %s: check refuses the path (%v); sweep says %s", a.From, a.To, err, r.Verdict)
		}
		return
	}
	if rep.Verdict != r.Verdict {
		t.Errorf("%s → %s: sweep %s, check %s", a.From, a.To, r.Verdict, rep.Verdict)
	}
	if !sameBlocked(rep.BlockedBy, r.BlockedBy) {
		t.Errorf("%s → %s: sweep blocked_by %+v, check %+v", a.From, a.To, r.BlockedBy, rep.BlockedBy)
	}
	if rep.Verdict == checks.Unknown && !sameBlocked(checks.UnknownBecause(&rep), r.UnknownBecause) {
		t.Errorf("%s → %s: sweep unknown because %+v, check %+v", a.From, a.To, r.UnknownBecause, checks.UnknownBecause(&rep))
	}
}

func sameBlocked(a, b *checks.Blocked) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// TestSweepConcurrentReads sweeps the demo from two goroutines at once
// over halves of its interfaces, as the command line does on two cores,
// and compares with one sweep of all; run with -race it shows the compiled
// network is safe to read concurrently.
func TestSweepConcurrentReads(t *testing.T) {
	net := loadScenario(t, "testdata/demo")
	to, err := checks.ParseEnd("10.0.33.12:5432")
	if err != nil {
		t.Fatal(err)
	}
	spec := checks.SweepSpec{Fixed: to, Protocol: checks.ProtocolTCP, Ports: []int{5432}}
	whole := checks.SweepPaths(net, spec)
	ids := checks.SweepOrder(net)
	half := len(ids) / 2
	parts := make([][]checks.SweepResult, 2)
	var wg sync.WaitGroup
	for i, chunk := range [][]string{ids[:half], ids[half:]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := spec
			s.ENIs = chunk
			parts[i] = checks.SweepPaths(net, s)
		}()
	}
	wg.Wait()
	joined := append(parts[0], parts[1]...)
	if len(joined) != len(whole) {
		t.Fatalf("halves hold %d paths, the whole %d", len(joined), len(whole))
	}
	for i := range whole {
		if whole[i].Source != joined[i].Source || whole[i].Verdict != joined[i].Verdict || !sameBlocked(whole[i].BlockedBy, joined[i].BlockedBy) {
			t.Errorf("path %d: whole %+v, halves %+v", i, whole[i], joined[i])
		}
	}
}

// BenchmarkSweepDemo sweeps every interface of the demo account toward
// the database.
func BenchmarkSweepDemo(b *testing.B) {
	net := loadScenario(b, "testdata/demo")
	to, err := checks.ParseEnd("10.0.33.12:5432")
	if err != nil {
		b.Fatal(err)
	}
	spec := checks.SweepSpec{Fixed: to, Protocol: checks.ProtocolTCP, Ports: []int{5432}}
	b.ReportAllocs()
	for b.Loop() {
		_ = checks.SweepPaths(net, spec)
	}
}
