package flowlogs

import (
	"context"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
)

func demoPath(t *testing.T, n *checks.Network, from, to string) Path {
	t.Helper()
	q, err := checks.NewQuery(from, to, "tcp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ResolvePath(n, q)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNewDemoTail: what the terminal does on the demo, end to end: a
// path's tail, its records in a ring, their diagnosis.
func TestNewDemoTail(t *testing.T) {
	n := demoNetwork(t)
	p := demoPath(t, n, "i-01a2b3c4d5e6f0014", "10.0.33.12:5432")
	if p.SrcENI != "eni-0f6a7b8c9d0e10014" || p.DstENI != "eni-0f6a7b8c9d0e10022" || p.Client != ip("10.0.81.7") || p.Server != ip("10.0.33.12") {
		t.Fatalf("path %+v", p)
	}
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	tail := NewDemoTail(n, p, DemoOptions{Now: func() time.Time { return now }}, now)
	ring := NewRing(1000)
	if err := tail.Source.Run(context.Background(), ring.Add); err != nil {
		t.Fatal(err)
	}
	if ring.Len() == 0 {
		t.Fatal("no records")
	}
	for i := 0; i < ring.Len(); i++ {
		f := ring.At(i)
		if f.Src != p.Client && f.Dst != p.Client || f.DstPort != 5432 && f.SrcPort != 5432 {
			t.Fatalf("a record of another path: %+v", f)
		}
	}
	d := checks.Diagnose(n, p.Query, ring.Flows(nil), tail.Window)
	if len(d.Findings) == 0 || d.Findings[0].Pattern != checks.PatternRejectedRequest || d.Findings[0].Component != "sg-0e5f6a7b8c9d00014" {
		t.Errorf("diagnosis %+v", d)
	}
}

// TestNewLiveTail: a live tail of a demo path asks Live Tail for the prod
// log group by ARN and the path's streams; a path no readable flow log
// covers gets the discovery that says so.
func TestNewLiveTail(t *testing.T) {
	n := demoNetwork(t)
	srv := &liveTailServer{t: t}
	srv.scripts = append(srv.scripts, func(send func(string, any), exc func(string, string)) {
		send("sessionUpdate", map[string]any{"sessionResults": []any{
			logEvent(appENI+"-all", "2 111122223333 "+appENI+" 10.0.16.45 10.0.33.12 40512 5432 6 12 2880 1763632800 1763632860 ACCEPT OK vpc-0a1b2c3d4e5f60001 subnet-0b2c3d4e5f6a70012 27 egress"),
		}})
		time.Sleep(time.Hour)
	})
	ts := httptest.NewUnstartedServer(srv)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	p := demoPath(t, n, "i-01a2b3c4d5e6f0012", "10.0.33.12:5432")
	tail, err := NewLiveTail(n, p, newTestLogsClient(ts.URL, ts.Client()), "us-east-1", PollOptions{Options: Options{FlushInterval: 20 * time.Millisecond}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if tail.Window.Interval != time.Minute || tail.Window.Delay != checks.CloudWatchLogsDeliveryDelay {
		t.Errorf("window %+v", tail.Window)
	}
	all := runUntil(t, tail.Source, func(b Batch) bool { return len(b.Flows) > 0 }, nil)
	if len(all.Flows) != 1 || all.Flows[0].FlowDirection != "egress" {
		t.Errorf("flows %+v", all.Flows)
	}
	srv.mu.Lock()
	in := srv.inputs[0]
	srv.mu.Unlock()
	if !equalJSON(in["logGroupIdentifiers"], []string{groupARN}) || !equalJSON(in["logStreamNamePrefixes"], []string{appENI, dbENI}) ||
		in["logEventFilterPattern"] != `"10.0.16.45"` {
		t.Errorf("request %v", in)
	}

	sandbox := demoPath(t, n, "i-01a2b3c4d5e6f0031", "10.2.3.99:22")
	tail, err = NewLiveTail(n, sandbox, nil, "us-east-1", PollOptions{}, time.Now())
	if err == nil || tail == nil || len(tail.Discovery.Uncovered) != 1 || !strings.Contains(tail.Discovery.CreateCommand, "create-flow-logs") {
		t.Errorf("uncovered path: %v %+v", err, tail)
	}
}

// TestPathThroughLoadBalancer: a path to the demo's Network Load Balancer
// holds a leg per target it sends to over the network; its filter reads
// every interface of the path and its legs, and Match keeps the path's
// records and its legs' only.
func TestPathThroughLoadBalancer(t *testing.T) {
	n := demoNetwork(t)
	p := demoPath(t, n, "i-01a2b3c4d5e6f0014", "10.0.16.200:443")
	if len(p.Legs) == 0 {
		t.Fatal("no legs on a path to a load balancer with targets")
	}
	var app1 *Leg
	for i := range p.Legs {
		if p.Legs[i].TargetENI == "eni-0f6a7b8c9d0e10012" {
			app1 = &p.Legs[i]
		}
	}
	if app1 == nil || app1.Port != 8443 || app1.Target.String() != "10.0.16.45" {
		t.Fatalf("legs %+v: want app-1's, 10.0.16.45:8443", p.Legs)
	}
	f := p.Filter()
	if f.Hosts != nil || f.Port != 0 || !containsString(f.ENIs, "eni-0f6a7b8c9d0e10012") || !containsString(f.ENIs, "eni-0f6a7b8c9d0e10023") {
		t.Errorf("filter %+v: want no hosts or port, and the node's and the targets' interfaces", f)
	}
	if p.QueryHosts() != nil {
		t.Errorf("query hosts %v: a path with legs must not narrow a query by its two addresses", p.QueryHosts())
	}
	rec := func(src, dst string, sport, dport uint16) *checks.Flow {
		return &checks.Flow{Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sport, DstPort: dport, Protocol: checks.ProtocolTCP, Action: "ACCEPT", LogStatus: "OK"}
	}
	for _, tc := range []struct {
		name string
		r    *checks.Flow
		want bool
	}{
		{"the request to the node", rec("10.0.81.7", "10.0.16.200", 40001, 443), true},
		{"the preserved client to the target", rec("10.0.81.7", "10.0.16.45", 40001, 8443), true},
		{"the target's reply to the preserved client", rec("10.0.16.45", "10.0.81.7", 8443, 40001), true},
		{"the node to the target", rec("10.0.16.200", "10.0.16.45", 40001, 8443), true},
		{"the client to the target on another port", rec("10.0.81.7", "10.0.16.45", 40001, 22), false},
		{"another host to the target", rec("10.0.250.250", "10.0.16.45", 40001, 8443), false},
	} {
		if got := p.Match(tc.r); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
	}
}
