package demo_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

func demoNetwork(t *testing.T) *checks.Network {
	t.Helper()
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	convert.FlowLogs(inv, n)
	return n
}

var start = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// TestFlowGenerator checks the demo's synthetic stream: reproducible, in
// time order, every record explained by the configuration (every reject by
// the rule the engine names), each interface recorded only as its flow log
// records it.
func TestFlowGenerator(t *testing.T) {
	n := demoNetwork(t)
	gen := func() []checks.Flow {
		return demo.NewFlowGenerator(n, demo.FlowOptions{Seed: 3, Start: start}).Until(start.Add(10*time.Minute), nil)
	}
	flows := gen()
	if !reflect.DeepEqual(flows, gen()) {
		t.Fatal("the same seed gave another stream")
	}
	if !slices.IsSortedFunc(flows, func(a, b checks.Flow) int { return a.End.Compare(b.End) }) {
		t.Error("records are not in time order")
	}
	stagingVPC := "vpc-0a1b2c3d4e5f60002"
	byComponent := map[string]int{}
	for _, f := range flows {
		e := n.ENIs[f.InterfaceID]
		if e == nil {
			t.Fatalf("record of an unknown interface: %+v", f)
		}
		switch e.VPCID {
		case stagingVPC:
			// S3, rejects only, the default format.
			if f.Action != "REJECT" || f.FlowDirection != "" || f.Version != 2 {
				t.Errorf("staging record %+v", f)
			}
		case "vpc-0a1b2c3d4e5f60001":
			// CloudWatch Logs, everything, the custom version 5 format.
			if f.FlowDirection == "" || f.VPCID != e.VPCID || f.SubnetID != e.SubnetID || f.Version != 5 || f.TCPFlags < 0 {
				t.Errorf("prod record %+v", f)
			}
		default:
			t.Errorf("record of an interface no flow log covers: %+v", f)
		}
		if f.AccountID != "111122223333" || f.LogStatus != "OK" || !f.Start.Before(f.End) || f.Packets <= 0 {
			t.Errorf("record %+v", f)
		}
		a := checks.Attribute(n, f)
		if !a.Agrees {
			t.Errorf("record %s %s:%d → %s:%d %s disagrees with the configuration: %s", f.InterfaceID, f.Src, f.SrcPort, f.Dst, f.DstPort, f.Action, a.Detail)
		}
		if f.Action == "REJECT" {
			if a.Component == "" || a.Verdict != checks.Unreachable {
				t.Errorf("unexplained reject %+v: %+v", f, a)
			}
			byComponent[a.Component]++
		}
	}
	// The rejects are the deliberate mistakes and intended rules of
	// PATHS.md that flow logs can see.
	for _, c := range []string{"sg-0e5f6a7b8c9d00014", "acl-0d4e5f6a7b8c90021", "sg-0e5f6a7b8c9d00017"} {
		if byComponent[c] == 0 {
			t.Errorf("no reject attributed to %s: %v", c, byComponent)
		}
	}
	if len(byComponent) != 3 {
		t.Errorf("rejects by component: %v", byComponent)
	}
}

// TestFlowGeneratorRecordsAsInterfacesWriteThem checks an hour of the
// stream against what flow logs write. Every reject is explained by
// checks.Attribute, by a rule of the interface that wrote it (its security
// group, or its subnet's network ACL); egress records are written by the
// packet's sender, ingress ones by its receiver. A connection that never
// opens is SYN retransmits (and SYN-ACKs, when they are sent): a few
// packets of 60 bytes, never the flags of an exchange; a request rejected
// at its destination has no reply.
func TestFlowGeneratorRecordsAsInterfacesWriteThem(t *testing.T) {
	n := demoNetwork(t)
	flows := demo.NewFlowGenerator(n, demo.FlowOptions{Seed: 11, Start: start}).Until(start.Add(time.Hour), nil)
	// A connection: its client's address and port, its server, its
	// protocol, and its time (a client port comes back within an hour).
	type conn struct {
		client, server string
		port           uint16
		proto          checks.Protocol
		start          time.Time
	}
	// The client's end of a record: the request's source, the reply's
	// destination (a reply comes from a service port below the client's).
	key := func(f checks.Flow) (conn, bool) {
		if f.SrcPort < f.DstPort {
			return conn{f.Dst.String(), f.Src.String(), f.DstPort, f.Protocol, f.Start}, true
		}
		return conn{f.Src.String(), f.Dst.String(), f.SrcPort, f.Protocol, f.Start}, false
	}
	show := func(recs []checks.Flow) string {
		var b strings.Builder
		for _, f := range recs {
			fmt.Fprintf(&b, "\n  %s %s %s:%d → %s:%d %s %d pkts %d bytes flags %d", f.InterfaceID, f.FlowDirection, f.Src, f.SrcPort, f.Dst, f.DstPort, f.Action, f.Packets, f.Bytes, f.TCPFlags)
		}
		return b.String()
	}
	byConn := map[conn][]checks.Flow{}
	rejects := map[string]int{}
	for _, f := range flows {
		k, _ := key(f)
		byConn[k] = append(byConn[k], f)
		e := n.ENIs[f.InterfaceID]
		if e == nil {
			t.Fatalf("record of an unknown interface: %+v", f)
		}
		switch f.FlowDirection {
		case "egress":
			if !e.Owns(f.Src) {
				t.Errorf("egress record written by %s, which does not send from %s: %+v", f.InterfaceID, f.Src, f)
			}
		case "ingress":
			if !e.Owns(f.Dst) {
				t.Errorf("ingress record written by %s, which does not receive at %s: %+v", f.InterfaceID, f.Dst, f)
			}
		default:
			if !e.Owns(f.Src) && !e.Owns(f.Dst) {
				t.Errorf("record written by %s, which holds neither address: %+v", f.InterfaceID, f)
			}
		}
		if f.Action != "REJECT" {
			continue
		}
		a := checks.Attribute(n, f)
		if !a.Agrees || a.Verdict != checks.Unreachable || a.Component == "" {
			t.Errorf("unexplained reject %+v: %+v", f, a)
			continue
		}
		rejects[a.Component]++
		switch a.Layer {
		case checks.LayerSecurityGroup:
			if !slices.Contains(e.SecurityGroupIDs, a.Component) {
				t.Errorf("reject by %s written by %s, which is not in that group", a.Component, f.InterfaceID)
			}
		case checks.LayerNACL:
			if acl := n.NetworkACLs[a.Component]; acl == nil || !slices.Contains(acl.SubnetIDs, e.SubnetID) {
				t.Errorf("reject by %s written by %s, whose subnet %s it does not guard", a.Component, f.InterfaceID, e.SubnetID)
			}
		}
	}
	if len(rejects) != 3 {
		t.Errorf("rejects by component: %v", rejects)
	}
	failed := 0
	for k, recs := range byConn {
		rejected, requestRejected := false, false
		for _, f := range recs {
			if f.Action == "REJECT" {
				rejected = true
				if _, reply := key(f); !reply && f.FlowDirection != "egress" {
					requestRejected = true
				}
			}
		}
		if !rejected || recs[0].Protocol != checks.ProtocolTCP {
			continue
		}
		failed++
		for _, f := range recs {
			_, reply := key(f)
			want := 2 // SYN
			if reply {
				want = 18 // SYN-ACK
			}
			if f.TCPFlags >= 0 && f.TCPFlags != want || f.Packets < 2 || f.Packets > 5 || f.Bytes != 60*f.Packets {
				t.Errorf("%v never opens, yet %s wrote flags %d, %d packets, %d bytes", k, f.InterfaceID, f.TCPFlags, f.Packets, f.Bytes)
			}
			if reply && requestRejected {
				t.Errorf("%v: a reply to a request rejected at its destination: %+v", k, f)
			}
		}
	}
	if failed == 0 {
		t.Fatal("no connection failed in an hour")
	}

	// The two patterns of the brief, record by record. batch-1's SYNs to
	// the database leave its interface and are rejected by the database's.
	batch, rds := "eni-0f6a7b8c9d0e10014", "eni-0f6a7b8c9d0e10022"
	seen := 0
	for k, recs := range byConn {
		if k.client != "10.0.81.7" || k.server != "10.0.33.12" {
			continue
		}
		seen++
		if len(recs) != 2 || recs[0].InterfaceID != batch || recs[0].FlowDirection != "egress" || recs[0].Action != "ACCEPT" ||
			recs[1].InterfaceID != rds || recs[1].FlowDirection != "ingress" || recs[1].Action != "REJECT" || recs[0].Packets != recs[1].Packets {
			t.Errorf("batch-1 → the database %v:%s", k, show(recs))
		}
	}
	// app-1's connections to staging whose replies the staging subnet's
	// ACL drops: SYNs accepted out of app-1, SYN-ACKs rejected at the
	// staging interface.
	app, stg := "eni-0f6a7b8c9d0e10012", "eni-0f6a7b8c9d0e10031"
	nacl := 0
	for k, recs := range byConn {
		if k.client != "10.0.16.45" || k.server != "10.1.5.20" || recs[len(recs)-1].Action != "REJECT" {
			continue
		}
		nacl++
		req, rep := recs[0], recs[len(recs)-1]
		if len(recs) != 2 || req.InterfaceID != app || req.Action != "ACCEPT" || req.TCPFlags != 2 ||
			rep.InterfaceID != stg || rep.SrcPort != 8080 || rep.Packets != req.Packets {
			t.Errorf("app-1 → staging %v:%s", k, show(recs))
		}
	}
	if seen == 0 || nacl == 0 {
		t.Errorf("%d connections of batch-1 to the database, %d rejected replies from staging", seen, nacl)
	}
}

// TestFlowGeneratorOptions: Rate scales the pace, a fixed source port is
// used, and paths the network cannot hold are skipped.
func TestFlowGeneratorOptions(t *testing.T) {
	n := demoNetwork(t)
	count := func(o demo.FlowOptions) []checks.Flow {
		o.Start = start
		return demo.NewFlowGenerator(n, o).Until(start.Add(5*time.Minute), nil)
	}
	one := count(demo.FlowOptions{Seed: 1})
	ten := count(demo.FlowOptions{Seed: 1, Rate: 10})
	if len(ten) < 5*len(one) {
		t.Errorf("rate 10 gave %d records against %d", len(ten), len(one))
	}
	paths := []demo.FlowPath{
		{Name: "fixed", From: "eni-0f6a7b8c9d0e10015", To: "10.1.5.20", Port: 8080, Protocol: checks.ProtocolTCP, Every: time.Second, SourcePort: 50000},
		{Name: "gone", From: "eni-0ffffffffffffffff", To: "10.1.5.20", Port: 8080, Protocol: checks.ProtocolTCP, Every: time.Second},
		{Name: "bad", From: "eni-0f6a7b8c9d0e10015", To: "not an address", Port: 8080, Protocol: checks.ProtocolTCP, Every: time.Second},
	}
	flows := count(demo.FlowOptions{Paths: paths})
	if len(flows) == 0 {
		t.Fatal("no records")
	}
	for _, f := range flows {
		if f.SrcPort != 50000 && f.DstPort != 50000 || f.Action != "ACCEPT" || !strings.HasPrefix(f.InterfaceID, "eni-0f6a7b8c9d0e1001") {
			t.Errorf("record %+v", f)
		}
	}
	if n := len(demo.NewFlowGenerator(checks.NewNetwork(), demo.FlowOptions{Start: start}).Until(start.Add(time.Hour), nil)); n != 0 {
		t.Errorf("%d records from an empty network", n)
	}
}

// TestFlowPathsArePathsOfPATHS keeps the stream's paths among PATHS.md's.
func TestFlowPathsArePathsOfPATHS(t *testing.T) {
	n := demoNetwork(t)
	for _, p := range demo.FlowPaths {
		if strings.HasPrefix(p.From, "eni-") && n.ENIs[p.From] == nil {
			t.Errorf("%s: %s is not in the demo", p.Name, p.From)
		}
	}
}
