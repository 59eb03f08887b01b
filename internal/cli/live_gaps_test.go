package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reachnet/reach/aws/awstest"
)

// gapReport is the part of a check report these tests read.
type gapReport struct {
	Verdict string `json:"verdict"`
	Layers  []struct {
		Name     string `json:"name"`
		Status   string `json:"status"`
		Findings []struct {
			Code   string `json:"code"`
			Detail string `json:"detail"`
			Fix    struct {
				Command string `json:"command"`
			} `json:"fix"`
		} `json:"findings"`
	} `json:"layers"`
}

func (r gapReport) status(layer string) string {
	for _, l := range r.Layers {
		if l.Name == layer {
			return l.Status
		}
	}
	return ""
}

// TestLiveGapsNeverDecide checks paths of a live account (moto behind the
// fault proxy) with one API refused or failing: the layers that need the
// data say unknown, the verdict is unknown (exit 3), -o json prints the
// report, and the report names the IAM action for a refusal and asks for a
// retry for a passing failure (throttling takes the same way as a server
// error; aws's TestRetriedFaults checks that both ask for a retry, without
// the adaptive retryer's waits).
func TestLiveGapsNeverDecide(t *testing.T) {
	_, topo, proxy := seededBehindProxy(t)

	// app (VPC A) to db (VPC B) on 5433: db's group admits app's group,
	// a reference that matches only across the active peering.
	acrossPeering := []string{"--from", topo.ENIApp, "--to", topo.DBIP + ":5433"}
	code, out, errOut := runCLI(append([]string{"check", "-o", "json"}, acrossPeering...)...)
	var full gapReport
	if err := json.Unmarshal([]byte(out), &full); err != nil || code == exitUsage {
		t.Fatalf("complete data: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if full.status("security-group") != "pass" {
		t.Fatalf("complete data: the group reference across the peering must pass, got %s\n%s", full.status("security-group"), out)
	}

	for _, tc := range []struct {
		name   string
		action string
		fault  awstest.FaultKind
		args   []string
		// unknownLayer must say unknown.
		unknownLayer string
		// says must appear in the report; never must not.
		says, never []string
	}{
		{name: "peering refused: the group reference is unknown, not a CIDR fix", action: "ec2:DescribeVpcPeeringConnections", fault: awstest.Deny,
			args: acrossPeering, unknownLayer: "security-group", says: []string{"grant ec2:DescribeVpcPeeringConnections"}, never: []string{"CidrIp", "ENI_SG_RULES_MISMATCH"}},
		{name: "peering failing with 5xx: unknown, and retry", action: "ec2:DescribeVpcPeeringConnections", fault: awstest.ServerError,
			args: acrossPeering, unknownLayer: "security-group", says: []string{"retry"}, never: []string{"CidrIp", "ENI_SG_RULES_MISMATCH", "grant"}},
		{name: "instances refused: a Name tag end is unknown, not bad input", action: "ec2:DescribeInstances", fault: awstest.Deny,
			args: []string{"--from", "app", "--to", topo.DBIP + ":5433"}, unknownLayer: "route", says: []string{"ec2:DescribeInstances"}},
		{name: "interfaces refused: the report names the IAM action", action: "ec2:DescribeNetworkInterfaces", fault: awstest.Deny,
			args: acrossPeering, unknownLayer: "route", says: []string{"ec2:DescribeNetworkInterfaces"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy.Reset()
			proxy.Inject(tc.action, tc.fault, -1)
			code, out, errOut := runCLI(append([]string{"check", "-o", "json"}, tc.args...)...)
			if code != exitUnknown || errOut != "" {
				t.Errorf("exit %d, stderr %q; want exit %d and a report alone", code, errOut, exitUnknown)
			}
			var rep gapReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("-o json printed no report: %v\n%q", err, out)
			}
			if rep.Verdict != "unknown" {
				t.Errorf("verdict %s, want unknown", rep.Verdict)
			}
			if got := rep.status(tc.unknownLayer); got != "unknown" {
				t.Errorf("layer %s is %s, want unknown", tc.unknownLayer, got)
			}
			for _, s := range tc.says {
				if !strings.Contains(out, s) {
					t.Errorf("the report does not say %q", s)
				}
			}
			for _, s := range tc.never {
				if strings.Contains(out, s) {
					t.Errorf("the report says %q", s)
				}
			}
			if t.Failed() {
				t.Logf("report:\n%s", out)
			}
		})
	}
}
