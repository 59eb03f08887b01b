package render

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
)

func TestFlowRecord(t *testing.T) {
	reject := checks.Flow{
		Start: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), InterfaceID: "eni-0a", FlowDirection: "ingress",
		Src: netip.MustParseAddr("10.0.81.7"), Dst: netip.MustParseAddr("10.0.33.12"), SrcPort: 40512, DstPort: 5432,
		Protocol: checks.ProtocolTCP, Action: "REJECT", LogStatus: "OK", TCPFlags: -1,
	}
	why := &checks.Attribution{Layer: "security-group", Component: "sg-0b", Direction: "forward", Detail: "no inbound rule", Agrees: true}
	for _, tc := range []struct {
		name  string
		flow  checks.Flow
		why   *checks.Attribution
		ascii bool
		want  string
	}{
		{"a reject with its rule", reject, why, false,
			"2026-11-20T10:00:00Z  eni-0a ingress  10.0.81.7:40512 → 10.0.33.12:5432  tcp  REJECT  ↳ security-group sg-0b (forward): no inbound rule"},
		{"in ASCII", reject, why, true,
			"2026-11-20T10:00:00Z  eni-0a ingress  10.0.81.7:40512 -> 10.0.33.12:5432  tcp  REJECT  > security-group sg-0b (forward): no inbound rule"},
		{"without an explanation", reject, nil, false,
			"2026-11-20T10:00:00Z  eni-0a ingress  10.0.81.7:40512 → 10.0.33.12:5432  tcp  REJECT"},
		{"no data", checks.Flow{InterfaceID: "eni-0a", LogStatus: "NODATA"}, nil, false, "-  eni-0a  NODATA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FlowRecord(&tc.flow, tc.why, tc.ascii); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestFlowCoverageWording(t *testing.T) {
	s3 := checks.FlowLogCoverage{ENI: "eni-0a", FlowLogID: "fl-1", DestinationType: "s3", Destination: "arn:aws:s3:::logs"}
	cw := checks.FlowLogCoverage{ENI: "eni-0a", FlowLogID: "fl-2", DestinationType: "cloud-watch-logs", LogGroup: "vpc-flow", Tailable: true}
	for _, tc := range []struct {
		name          string
		d             checks.FlowLogDiscovery
		none, partial string
	}{
		{"only S3", checks.FlowLogDiscovery{Coverage: []checks.FlowLogCoverage{s3}, CreateCommand: "aws ec2 create-flow-logs …"},
			"no flow log reach can read records eni-0a or eni-0b (reach tails CloudWatch Logs; it cannot tail S3 or Firehose destinations); to create one: aws ec2 create-flow-logs …",
			"no flow log reach can read records eni-0a or eni-0b: only the other end's records will show; to create one: aws ec2 create-flow-logs …"},
		{"one end readable", checks.FlowLogDiscovery{Coverage: []checks.FlowLogCoverage{cw}},
			"", "no flow log reach can read records eni-0b: only the other end's records will show"},
		{"configuration unreadable", checks.FlowLogDiscovery{Unknown: "DescribeFlowLogs: access denied"},
			"the flow logs of eni-0a and eni-0b cannot be found: DescribeFlowLogs: access denied",
			"no flow log reach can read records eni-0a or eni-0b: only the other end's records will show"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enis := []string{"eni-0a", "eni-0b"}
			if got := NoFlowCoverage(tc.d, enis); got != tc.none {
				t.Errorf("NoFlowCoverage:\n got  %q\n want %q", got, tc.none)
			}
			if got := PartialFlowCoverage(tc.d, enis); got != tc.partial {
				t.Errorf("PartialFlowCoverage:\n got  %q\n want %q", got, tc.partial)
			}
		})
	}
	lines := FlowCoverage(checks.FlowLogDiscovery{Coverage: []checks.FlowLogCoverage{s3}, CreateCommand: "aws ec2 create-flow-logs …"})
	if len(lines) != 2 || !strings.Contains(lines[0], "to s3 arn:aws:s3:::logs") || lines[1] != "to create one: aws ec2 create-flow-logs …" {
		t.Errorf("FlowCoverage: %q", lines)
	}
}
