package checks_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

// loadWithFlowLogs loads a scenario as loadScenario does, flow logs
// included.
func loadWithFlowLogs(t testing.TB, dir string) *checks.Network {
	t.Helper()
	var inv *inventory.Inventory
	var err error
	if filepath.Base(dir) == "demo" {
		inv, err = snapshot.ReadFS(demo.FS(), ".")
	} else {
		inv, err = snapshot.Read(filepath.Join(dir, "snapshot"))
	}
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatalf("convert %s: %v", dir, err)
	}
	convert.FlowLogs(inv, n)
	return n
}

const (
	app1       = "eni-0f6a7b8c9d0e10012"
	stagingApp = "eni-0f6a7b8c9d0e10031"
	sandbox1   = "eni-0f6a7b8c9d0e10041"
)

// TestDiscoverFlowLogsDemo: the demo's prod VPC logs to CloudWatch Logs,
// staging only its rejects to S3, and the sandbox nothing.
func TestDiscoverFlowLogsDemo(t *testing.T) {
	n := loadWithFlowLogs(t, "testdata/demo")
	d := checks.DiscoverFlowLogs(n, app1, stagingApp, sandbox1, app1)
	if len(d.Coverage) != 2 || d.Unknown != "" || !slices.Equal(d.Uncovered, []string{sandbox1}) {
		t.Fatalf("%+v", d)
	}
	prod, staging := d.Coverage[0], d.Coverage[1]
	if prod.ENI != app1 || prod.FlowLogID != "fl-08b9c0d1e2f3a0001" || prod.Level != checks.CoverageVPC || prod.AttachedTo != "vpc-0a1b2c3d4e5f60001" ||
		prod.DestinationType != checks.FlowLogDestCloudWatchLogs || prod.LogGroup != "/vpc/flow-logs/prod" || prod.TrafficType != "ALL" ||
		prod.IntervalSeconds != 60 || !prod.Tailable || !strings.Contains(prod.Format, "${flow-direction}") ||
		!strings.Contains(strings.Join(prod.Notes, " "), "reach can tail log group /vpc/flow-logs/prod") {
		t.Errorf("prod coverage %+v", prod)
	}
	if prod.FlowLog.LogGroupARN() != "arn:aws:logs:us-east-1:111122223333:log-group:/vpc/flow-logs/prod" {
		t.Errorf("ARN %q", prod.FlowLog.LogGroupARN())
	}
	notes := strings.Join(staging.Notes, "\n")
	if staging.ENI != stagingApp || staging.DestinationType != checks.FlowLogDestS3 || staging.Tailable || staging.TrafficType != "REJECT" || staging.IntervalSeconds != 600 ||
		!strings.Contains(notes, "records go to s3://mycompany-vpc-flow-logs/staging/") || !strings.Contains(notes, "reach cannot read S3") ||
		!strings.Contains(notes, "aws s3 cp --recursive s3://mycompany-vpc-flow-logs/staging/AWSLogs/") || !strings.Contains(notes, "only rejected traffic is recorded") {
		t.Errorf("staging coverage %+v", staging)
	}
	want := "aws ec2 create-flow-logs --resource-type NetworkInterface --resource-ids " + sandbox1 + " " + stagingApp +
		" --traffic-type ALL --max-aggregation-interval 60 --log-destination-type cloud-watch-logs --log-group-name /reach/flow-logs" +
		" --deliver-logs-permission-arn arn:aws:iam::111122223333:role/FLOW_LOGS_DELIVERY_ROLE --log-format '"
	if !strings.HasPrefix(d.CreateCommand, want) || len(d.Notes) != 2 {
		t.Errorf("create command %q\nnotes %q", d.CreateCommand, d.Notes)
	}
	if d.Wait(app1) != 6*time.Minute || d.Wait(stagingApp) != 0 || !d.Covers(app1, "") || d.Covers(stagingApp, "REJECT") {
		t.Errorf("wait %v/%v", d.Wait(app1), d.Wait(stagingApp))
	}
	rec, recAll := d.Recorder(true), d.Recorder(false)
	if !rec(app1, "ACCEPT") || rec(stagingApp, "REJECT") || !recAll(stagingApp, "REJECT") || recAll(stagingApp, "ACCEPT") || recAll(sandbox1, "REJECT") {
		t.Error("recorder")
	}

	n.FlowLogs = nil
	if d := checks.DiscoverFlowLogs(n, app1); d.Unknown == "" || len(d.Coverage) != 0 {
		t.Errorf("unread flow logs: %+v", d)
	}
	n.Gaps = append(n.Gaps, checks.Gap{Kind: "describe-flow-logs", Reason: "AccessDenied", Action: "ec2:DescribeFlowLogs"})
	if d := checks.DiscoverFlowLogs(n, app1); !strings.Contains(d.Unknown, "AccessDenied); grant ec2:DescribeFlowLogs") {
		t.Errorf("denied flow logs: %q", d.Unknown)
	}
}

// TestDiagnoseDemoStream reads ten minutes of the demo's synthetic stream
// for several demo paths: each deliberate mistake shows as its pattern,
// named by the rule PATHS.md names.
func TestDiagnoseDemoStream(t *testing.T) {
	n := loadWithFlowLogs(t, "testdata/demo")
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	end := start.Add(10 * time.Minute)
	flows := demo.NewFlowGenerator(n, demo.FlowOptions{Seed: 42, Start: start}).Until(end, nil)
	d := checks.DiscoverFlowLogs(n, slices.Collect(func(yield func(string) bool) {
		for id := range n.ENIs {
			if !yield(id) {
				return
			}
		}
	})...)
	// The demo stream holds the staging records as if exported from S3.
	w := checks.FlowWindow{Since: start, Now: end, Interval: time.Minute, Recorded: d.Recorder(false)}
	for _, c := range []struct {
		name, from, to, proto     string
		pattern, component, words string
	}{
		{"batch-to-db", "i-01a2b3c4d5e6f0014", "10.0.33.12:5432", "tcp", checks.PatternRejectedRequest, "sg-0e5f6a7b8c9d00014", "missing security group rule"},
		{"prod-to-staging", "i-01a2b3c4d5e6f0012", "i-01a2b3c4d5e6f0021:8080", "tcp", checks.PatternRejectedReply, "acl-0d4e5f6a7b8c90021", "connections fail only when the client picks a blocked port"},
		{"sandbox-to-prod", "i-01a2b3c4d5e6f0031", "10.0.1.20:443", "tcp", checks.PatternNoRecords, "rtb-0c3d4e5f6a7b80030", "a routing miss"},
		{"resolver-forwarding-udp", "10.0.16.10", "172.16.0.53:53", "udp", checks.PatternRejectedRequest, "sg-0e5f6a7b8c9d00017", "missing security group rule"},
		{"lambda-to-internet", "eni-0f6a7b8c9d0e10025", "93.184.216.34:443", "tcp", checks.PatternNoReply, "igw-02b3c4d5e6f7a0001", "no reply came back"},
		{"staging-to-db", "i-01a2b3c4d5e6f0021", "10.0.33.12:5432", "tcp", checks.PatternAccepted, "rtb-0c3d4e5f6a7b80013", "loses the replies on the way back"},
		{"app-to-db", "i-01a2b3c4d5e6f0012", "10.0.33.12:5432", "tcp", checks.PatternAccepted, "", "the path carries traffic"},
		{"internet-to-web", "203.0.113.50", "54.210.167.204:443", "tcp", checks.PatternAccepted, "", "the path carries traffic"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := checks.NewQuery(c.from, c.to, c.proto, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			diag := checks.Diagnose(n, q, flows, w)
			if len(diag.Findings) == 0 {
				t.Fatalf("no findings: %+v", diag)
			}
			f := diag.Findings[0]
			if f.Pattern != c.pattern || f.Component != c.component || !strings.Contains(f.Summary, c.words) {
				t.Errorf("got %s %s %q\nwant %s %s …%s…", f.Pattern, f.Component, f.Summary, c.pattern, c.component, c.words)
			}
			t.Log(f.Summary)
		})
	}
}

// TestAttributeScenarioFlows generates flow records for every path of every
// scenario under testdata (as the demo generator does, with a flow log on
// every VPC), and checks that each reject is attributed to the component
// the scenario's report blocks at, and that the records' diagnosis reads
// the pattern the blocker implies.
func TestAttributeScenarioFlows(t *testing.T) {
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	// Each scenario with a flow log on every VPC.
	load := func(t testing.TB, dir string) *checks.Network {
		n := loadWithFlowLogs(t, dir)
		n.FlowLogs = map[string]*checks.FlowLog{}
		for id := range n.VPCs {
			n.FlowLogs["fl-"+id] = &checks.FlowLog{ID: "fl-" + id, ResourceID: id, TrafficType: "ALL", DestinationType: checks.FlowLogDestCloudWatchLogs,
				LogGroupName: "/test", Format: checks.DefaultFlowLogFormat + " ${flow-direction}", MaxAggregationInterval: 60}
		}
		return n
	}
	forEachScenario(t, load, func(t *testing.T, n *checks.Network, _ string, c scenarioCase) { attributeCase(t, n, c, start) })
}

func attributeCase(t *testing.T, n *checks.Network, c scenarioCase, start time.Time) {
	q, err := checks.NewQuery(c.From, c.To, c.Protocol, c.Port, c.SourcePort)
	if err != nil {
		t.Fatal(err)
	}
	if q.To.Kind == checks.EndHost {
		t.Skip("a name: the records are of the addresses it resolves to")
	}
	rep, err := checks.Evaluate(n, q)
	if err != nil || rep.Verdict == checks.Unknown {
		t.Skipf("not a decided path: %v %s", err, rep.Verdict)
	}
	if bb := rep.BlockedBy; bb != nil && len(rep.Destination.Targets) > 0 && bb.Layer != checks.LayerService {
		// The block is on the leg from a load balancer to its targets,
		// whose records the generator does not make from this path.
		t.Skip("blocked beyond the load balancer, on the leg to its targets")
	}
	from := rep.Source.ENI
	if from == "" {
		from = rep.Source.Address
	}
	proto := q.Protocol
	p := demo.FlowPath{Name: c.Name, From: from, To: rep.Destination.Address, Port: q.Port, Protocol: proto, Every: time.Second, SourcePort: q.SourcePort}
	end := start.Add(5 * time.Minute)
	flows := demo.NewFlowGenerator(n, demo.FlowOptions{Seed: 1, Start: start, Paths: []demo.FlowPath{p}}).Until(end, nil)
	if len(flows) == 0 {
		t.Skip("no interface of the path records anything")
	}
	var blockedComponent string
	if c.BlockedBy != "" {
		blockedComponent = strings.Fields(c.BlockedBy)[1]
	}
	server := map[string]bool{rep.Destination.Address: true}
	if e := n.ENIs[rep.Destination.ENI]; e != nil {
		server[e.PrimaryIP().String()] = true
	}
	for _, f := range flows {
		// The path says which records are replies, which a record without
		// ports (ICMP) cannot say by itself.
		a := checks.Attribute(n, f)
		if server[f.Src.String()] {
			a = checks.AttributeReply(n, f)
		}
		if !a.Agrees {
			t.Errorf("record %s %s:%d → %s:%d %s disagrees with the configuration: %+v", f.InterfaceID, f.Src, f.SrcPort, f.Dst, f.DstPort, f.Action, a)
		}
		if f.Action == "REJECT" && a.Component != blockedComponent {
			t.Errorf("reject at %s attributed to %s, the report blocks at %s", f.InterfaceID, a.Component, blockedComponent)
		}
	}
	d := checks.Diagnose(n, q, flows, checks.FlowWindow{Since: start, Now: end})
	want := checks.PatternAccepted
	if bb := rep.BlockedBy; bb != nil {
		external := rep.Destination.ENI == ""
		switch {
		case bb.Layer == checks.LayerSecurityGroup || bb.Layer == checks.LayerNACL && bb.Direction == checks.Forward:
			want = checks.PatternRejectedRequest
		case bb.Layer == checks.LayerNACL:
			want = checks.PatternRejectedReply
		case external:
			want = checks.PatternNoReply
		case bb.Direction == checks.Forward:
			want = checks.PatternNoRecords
		default:
			want = checks.PatternReplyLost
		}
	}
	if len(d.Findings) == 0 || d.Findings[0].Pattern != want {
		t.Errorf("diagnosis %q, want %s (blocked by %s)", d.Summary, want, c.BlockedBy)
	}
}
