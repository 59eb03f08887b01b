package demo_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

func demoNetwork(t *testing.T) *checks.Network {
	t.Helper()
	inv, err := aws.ReadSnapshotFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	n, err := aws.Convert(inv)
	if err != nil {
		t.Fatal(err)
	}
	aws.ConvertFlowLogs(inv, n)
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
