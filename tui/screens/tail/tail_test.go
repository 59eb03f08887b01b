package tail

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
)

func TestFlowFeedMergesAndBounds(t *testing.T) {
	target := FlowTarget{From: []netip.Addr{netip.MustParseAddr("10.0.16.7")}, Protocol: checks.ProtocolAll}
	f := NewFeed(target, 5)
	other := tcpFlow("10.0.16.45", 40001, "10.0.33.12", 5432, "ACCEPT")
	f.emit(FlowBatch{Flows: append(batchToDBFlows(3, 0), other), Malformed: 1, Dropped: 2})
	f.emit(FlowBatch{Flows: batchToDBFlows(4, 3), Source: "polling FilterLogEvents every 5s (Live Tail denied)", Note: "n"})
	p, has, done, _ := f.take()
	if !has || done || len(p.flows) != 5 || p.total != 7 || p.overflow != 2 || p.other != 1 || p.lost != 2 || p.malformed != 1 ||
		p.accept+p.reject != 7 || p.source == "" || p.note != "n" {
		t.Fatalf("merged: %d flows, %+v", len(p.flows), p)
	}
	if p.flows[0].Start != flowT0.Add(2*time.Millisecond) {
		t.Fatal("the feed keeps the newest records")
	}
	if pr := p.prepare(3, false, time.UTC); len(pr.recs) != 3 || pr.cut != 2+2 || pr.Total != 7 {
		t.Fatalf("prepared for a ring of 3: %d rows, cut %d", len(pr.recs), pr.cut)
	}
	f.emit(FlowBatch{Flows: batchToDBFlows(1, 0)})
	f.finish(nil)
	f.emit(FlowBatch{Flows: batchToDBFlows(1, 0)}) // after the end: ignored
	p, has, done, err := f.take()
	if !has || !done || err != nil || len(p.flows) != 1 {
		t.Fatalf("after finish: has %v done %v flows %d", has, done, len(p.flows))
	}
	if _, has, done, _ = f.take(); has || !done {
		t.Fatal("nothing pending after the last take")
	}
}

func TestFlowFilterTerms(t *testing.T) {
	f := tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "REJECT")
	f.TCPFlags = 18
	v6 := tcpFlow("10.0.16.7", 40001, "10.0.33.12", 5432, "ACCEPT")
	v6.Src = netip.MustParseAddr("fe80::1")
	for _, tc := range []struct {
		q    string
		flow checks.Flow
		want bool
	}{
		{"", f, true},
		{"reject", f, true},
		{"accept", f, false},
		{"-accept", f, true},
		{"!reject", f, false},
		{"REJECT tcp", f, true},
		{"udp", f, false},
		{"proto:6", f, true},
		{"port:5432", f, true},
		{"port:40001", f, true},
		{"port:40000-40010", f, true},
		{"dport:40001", f, false},
		{"sport:40001", f, true},
		{"10.0.33.12", f, true},
		{"10.0.16.0/20", f, true},
		{"src:10.0.33.12", f, false},
		{"dst:10.0.33.12", f, true},
		{"eni-0d", f, true},
		{"eni-0a", f, false},
		{"in", f, true},
		{"out", f, false},
		{"syn ack", f, true},
		{"rst", f, false},
		{"fe80::1", v6, true},
		{"src:fe80::1", v6, true},
		{"action:accept", v6, true},
		{"nodata", checks.Flow{LogStatus: "NODATA"}, true},
	} {
		ff, err := ParseFilter(tc.q)
		if err != nil {
			t.Errorf("%q: %v", tc.q, err)
			continue
		}
		if got := ff.match(&tc.flow); got != tc.want {
			t.Errorf("%q on %s: %v, want %v", tc.q, newRecord(tc.flow, false, time.UTC).cells, got, tc.want)
		}
	}
	for _, bad := range []string{"rejct", "port:x", "port:9-1", "src:10.0.0.300", "proto:tcpx", "10.0.0.0/33"} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("%q should not parse", bad)
		}
	}
}

// TestRingSnapshotIsOldestFirst: the diagnosis reads the ring's records in
// their order, across the ring's wrap, into a reused array.
func TestRingSnapshotIsOldestFirst(t *testing.T) {
	l := NewRing(5)
	push := func(first, n int) {
		recs := make([]Record, n)
		for i, f := range batchToDBFlows(n, first) {
			recs[i] = Record{Flow: f}
		}
		l.Push(recs, [NumColumns]int{}, nil)
	}
	ports := func(s RingSnapshot) string {
		var out []string
		for _, f := range s.flows() {
			out = append(out, fmt.Sprint(f.SrcPort-32768))
		}
		return strings.Join(out, ",")
	}
	push(0, 3)
	if got := ports(l.Snapshot(nil)); got != "0,1,2" {
		t.Fatalf("before the wrap: %s", got)
	}
	push(3, 4)
	buf := make([]*Record, 0, 5)
	s := l.Snapshot(buf)
	if got := ports(s); got != "2,3,4,5,6" || &s.Recs[0] != &buf[:1][0] {
		t.Fatalf("after the wrap: %s (array reused: %v)", got, &s.Recs[0] == &buf[:1][0])
	}
}
