// Flow diagnosis cases: the patterns a window of flow-log records shows,
// the counts, a path that cannot be evaluated, and a reject by VPC Block
// Public Access.

package checks

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// flowAt is a record written by eni.
func flowAt(eni, src, dst string, sport, dport uint16, action string) Flow {
	return Flow{InterfaceID: eni, Src: addr(src), Dst: addr(dst), SrcPort: sport, DstPort: dport, Protocol: ProtocolTCP,
		Action: action, LogStatus: "OK", TCPFlags: -1, TrafficPath: -1, EncryptionStatus: -1}
}

// TestDiagnosePatterns reads the three classic patterns, and the cases
// around them, on the twoVPCs world: client 10.0.1.10 (eni-client), server
// 10.0.2.20:443 (eni-server).
func TestDiagnosePatterns(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	settled := FlowWindow{Since: t0, Now: t0.Add(10 * time.Minute), Interval: time.Minute, Delay: 5 * time.Minute}
	early := FlowWindow{Since: t0, Now: t0.Add(2 * time.Minute), Interval: time.Minute, Delay: 5 * time.Minute}
	req := func(eni, action string, sport uint16) Flow {
		return flowAt(eni, "10.0.1.10", "10.0.2.20", sport, 443, action)
	}
	rep := func(eni, action string, dport uint16) Flow {
		return flowAt(eni, "10.0.2.20", "10.0.1.10", 443, dport, action)
	}
	noise := flowAt("eni-server", "10.0.9.9", "10.0.2.20", 5555, 443, "REJECT")

	for _, tc := range []struct {
		name      string
		world     func() *netBuilder
		flows     []Flow
		w         FlowWindow
		pattern   string
		component string
		summary   string // a substring
		// disagrees: the finding says the records and the checklist
		// disagree (Agrees false).
		disagrees bool
	}{
		{
			name: "reject of a known-good source: missing security group rule",
			world: func() *netBuilder {
				b := twoVPCs()
				b.n.SecurityGroups["sg-server"].Inbound = nil
				return b
			},
			flows:   []Flow{req("eni-client", "ACCEPT", 40001), req("eni-server", "REJECT", 40001), req("eni-server", "REJECT", 40002), noise},
			w:       settled,
			pattern: PatternRejectedRequest, component: "sg-server", summary: "2 requests from the path's own source 10.0.1.10 rejected at eni-server: security group sg-server has no rule",
		},
		{
			name: "request accepted, reply to an ephemeral port rejected: NACL return traffic",
			world: func() *netBuilder {
				b := twoVPCs()
				b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 49152, 65535)})
				return b
			},
			flows: []Flow{
				req("eni-client", "ACCEPT", 40001), req("eni-server", "ACCEPT", 40001), rep("eni-server", "REJECT", 40001),
				req("eni-client", "ACCEPT", 50001), req("eni-server", "ACCEPT", 50001), rep("eni-server", "ACCEPT", 50001), rep("eni-client", "ACCEPT", 50001),
			},
			w:       settled,
			pattern: PatternRejectedReply, component: "acl-b",
			summary: "2 requests accepted, but 1 reply to ephemeral ports (40001) rejected at eni-server: network ACL acl-b does not admit the return traffic",
		},
		{
			name: "no record at the destination after the wait: routing miss",
			world: func() *netBuilder {
				b := twoVPCs()
				b.table("rtb-a", "vpc-app", "subnet-a")
				b.n.RouteTables["rtb-a"].Routes = nil
				return b
			},
			flows:   []Flow{req("eni-client", "ACCEPT", 40001), req("eni-client", "ACCEPT", 40002)},
			w:       settled,
			pattern: PatternNoRecords, component: "rtb-a",
			summary: "no record of the path at eni-server since 10:00:00Z: the packets never reach the interface, a routing miss; eni-client sent 2 requests (ACCEPT) that never arrived",
		},
		{
			name:    "no record yet: waiting, not a conclusion",
			world:   twoVPCs,
			flows:   []Flow{req("eni-client", "ACCEPT", 40001)},
			w:       early,
			pattern: PatternWaiting, summary: "waits until 10:06:00Z",
		},
		{
			name: "no record yet, the route open: the wait is not for a routing miss",
			world: func() *netBuilder {
				b := twoVPCs()
				b.n.SecurityGroups["sg-server"].Inbound = nil
				return b
			},
			flows:   []Flow{req("eni-client", "ACCEPT", 40001)},
			w:       early,
			pattern: PatternWaiting, summary: "waits until 10:06:00Z before judging the absence",
		},
		{
			name: "no record yet, no route there: the wait is for a routing miss",
			world: func() *netBuilder {
				b := twoVPCs()
				b.table("rtb-a", "vpc-app", "subnet-a")
				b.n.RouteTables["rtb-a"].Routes = nil
				return b
			},
			flows:   []Flow{req("eni-client", "ACCEPT", 40001)},
			w:       early,
			pattern: PatternWaiting, summary: "waits until 10:06:00Z before calling it a routing miss",
		},
		{
			name: "no record, but the query was not confirmed by a broader one: nothing to conclude",
			world: func() *netBuilder {
				b := twoVPCs()
				b.table("rtb-a", "vpc-app", "subnet-a")
				b.n.RouteTables["rtb-a"].Routes = nil
				return b
			},
			flows: []Flow{req("eni-client", "ACCEPT", 40001)},
			w: FlowWindow{Since: t0, Now: t0.Add(10 * time.Minute), Interval: time.Minute, Delay: 5 * time.Minute,
				Unconfirmed: "the broader query of the interface alone failed (ThrottlingException)"},
			pattern: PatternNoCoverage,
			summary: "no record of the path at eni-server, but the broader query of the interface alone failed (ThrottlingException): the absence of records proves nothing",
		},
		{
			name:    "no record although the configuration routes it: something reach does not see",
			world:   twoVPCs,
			flows:   nil,
			w:       settled,
			pattern: PatternNoRecords, summary: "no request is recorded at the source eni-client either",
			disagrees: true,
		},
		{
			name: "no record, the route open and the security group closed: not a routing miss",
			world: func() *netBuilder {
				b := twoVPCs()
				b.n.SecurityGroups["sg-server"].Inbound = nil
				return b
			},
			flows:     []Flow{req("eni-client", "ACCEPT", 40001)},
			w:         settled,
			pattern:   PatternNoRecords,
			summary:   "no records reach eni-server since 10:00:00Z, but the checklist finds the route open: check the flow log's delivery and filter; eni-client sent 1 request (ACCEPT) that never arrived; the checklist blocks the path at security-group sg-server (forward)",
			disagrees: true,
		},
		{
			name:    "the destination's flow log records only rejects: nothing to conclude",
			world:   twoVPCs,
			flows:   []Flow{req("eni-client", "ACCEPT", 40001)},
			w:       FlowWindow{Since: t0, Now: t0.Add(time.Hour), Recorded: func(eni, action string) bool { return eni == "eni-client" || action == "REJECT" }},
			pattern: PatternNoCoverage,
			summary: "its flow log records only rejects",
		},
		{
			name: "replies leave the destination and never arrive: the route back",
			world: func() *netBuilder {
				b := twoVPCs()
				b.table("rtb-b", "vpc-app", "subnet-b")
				b.n.RouteTables["rtb-b"].Routes = nil
				return b
			},
			flows:   []Flow{req("eni-client", "ACCEPT", 40001), req("eni-server", "ACCEPT", 40001), rep("eni-server", "ACCEPT", 40001)},
			w:       settled,
			pattern: PatternReplyLost, component: "rtb-b",
			summary: "eni-server accepts the requests and sends 1 reply, but none is recorded at eni-client",
		},
		{
			name:    "traffic both ways",
			world:   twoVPCs,
			flows:   []Flow{req("eni-client", "ACCEPT", 40001), req("eni-server", "ACCEPT", 40001), rep("eni-server", "ACCEPT", 40001), rep("eni-client", "ACCEPT", 40001)},
			w:       settled,
			pattern: PatternAccepted, summary: "1 request and 1 reply accepted",
		},
		{
			name:    "a reject the configuration admits",
			world:   twoVPCs,
			flows:   []Flow{req("eni-server", "REJECT", 40001)},
			w:       settled,
			pattern: PatternContradiction, summary: "the configuration admits this traffic, yet it was rejected",
			disagrees: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.world().n
			q := mustQuery(t, "10.0.1.10", "10.0.2.20:443", "tcp", 0)
			d := Diagnose(n, q, tc.flows, tc.w)
			if len(d.Findings) == 0 {
				t.Fatalf("no findings: %+v", d)
			}
			f := d.Findings[0]
			if f.Pattern != tc.pattern || f.Component != tc.component || !strings.Contains(f.Summary, tc.summary) || d.Summary != f.Summary {
				t.Errorf("got %s %s %q\nwant %s %s …%q…", f.Pattern, f.Component, f.Summary, tc.pattern, tc.component, tc.summary)
			}
			if f.Agrees == tc.disagrees {
				t.Errorf("agrees %v, want %v: %q", f.Agrees, !tc.disagrees, f.Summary)
			}
			if tc.pattern == PatternNoRecords && tc.component == "" && strings.Contains(f.Summary, "a routing miss") {
				t.Errorf("a routing miss stated while the route layer passes: %q", f.Summary)
			}
			if strings.Contains(f.Summary, "\n") {
				t.Errorf("multi-line summary %q", f.Summary)
			}
			if tc.pattern == PatternRejectedRequest || tc.pattern == PatternRejectedReply {
				if f.Fix == "" || f.Rule == "" || !f.Agrees {
					t.Errorf("finding without its rule or fix: %+v", f)
				}
			}
			if tc.pattern == PatternWaiting && !d.WaitUntil.Equal(t0.Add(6*time.Minute)) {
				t.Errorf("wait until %v", d.WaitUntil)
			}
			if tc.pattern == PatternWaiting && (d.Absence == AbsenceRouteMiss) != strings.Contains(f.Summary, "routing miss") {
				t.Errorf("absence %s, yet the wait says %q", d.Absence, f.Summary)
			}
			if d.Path != "eni-client (10.0.1.10) → 10.0.2.20:443/tcp" {
				t.Errorf("path %q", d.Path)
			}
		})
	}
}

// TestDiagnoseCounts: only the path's records count, NODATA and SKIPDATA
// of its interfaces are counted apart, and ports are listed once each.
func TestDiagnoseCounts(t *testing.T) {
	b := twoVPCs()
	b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 49152, 65535)})
	flows := []Flow{
		flowAt("eni-server", "10.0.2.20", "10.0.1.10", 443, 40001, "REJECT"),
		flowAt("eni-server", "10.0.2.20", "10.0.1.10", 443, 40001, "REJECT"),
		flowAt("eni-server", "10.0.2.20", "10.0.1.10", 443, 33000, "REJECT"),
		flowAt("eni-server", "10.0.2.20", "10.0.1.10", 22, 40001, "REJECT"),  // another port
		flowAt("eni-server", "10.0.2.20", "10.0.1.11", 443, 40001, "REJECT"), // another client
		{InterfaceID: "eni-server", LogStatus: "NODATA"},
		{InterfaceID: "eni-client", LogStatus: "SKIPDATA"},
		{InterfaceID: "eni-other", LogStatus: "NODATA"},
	}
	d := Diagnose(b.n, mustQuery(t, "10.0.1.10", "10.0.2.20:443", "tcp", 0), flows, FlowWindow{})
	c := d.Counts
	// Three records, two connections: the client's port 40001 twice.
	if c.Records != 3 || c.RepliesRejected != 2 || c.AtDestination != 3 || c.NoData != 1 || c.SkipData != 1 {
		t.Errorf("counts %+v", c)
	}
	if f := d.Findings[0]; f.Pattern != PatternRejectedReply || len(f.Ports) != 2 || f.Ports[0] != 33000 {
		t.Errorf("finding %+v", f)
	}
	if !strings.Contains(d.Summary, "SKIPDATA") {
		t.Errorf("summary does not warn of SKIPDATA: %q", d.Summary)
	}
	// DiagnoseRecords reads the same records in place.
	ptrs := make([]*Flow, len(flows))
	for i := range flows {
		ptrs[i] = &flows[i]
	}
	if dr := DiagnoseRecords(b.n, mustQuery(t, "10.0.1.10", "10.0.2.20:443", "tcp", 0), ptrs, FlowWindow{}); !reflect.DeepEqual(dr, d) {
		t.Errorf("DiagnoseRecords\n got %+v\nwant %+v", dr, d)
	}
}

func TestDiagnoseBadPath(t *testing.T) {
	d := Diagnose(twoVPCs().n, mustQuery(t, "eni-nothere", "10.0.2.20:443", "tcp", 0), nil, FlowWindow{})
	if d.Verdict != Unknown || !strings.Contains(d.Summary, "cannot evaluate") {
		t.Errorf("%+v", d)
	}
}

// TestAttributeRejectReason: a reject by VPC Block Public Access is named
// as such, not blamed on a rule.
func TestAttributeRejectReason(t *testing.T) {
	b := twoVPCs()
	f := flowAt("eni-server", "198.51.100.7", "10.0.2.20", 40000, 443, "REJECT")
	f.RejectReason, f.VPCID = "BPA", "vpc-app"
	a := Attribute(b.n, f)
	if !a.Agrees || a.Code != "BLOCK_PUBLIC_ACCESS" || !strings.Contains(a.Detail, "Block Public Access") || !strings.Contains(a.Fix, "--vpc-id vpc-app") {
		t.Errorf("%+v", a)
	}
}
