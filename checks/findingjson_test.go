package checks

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestFindingJSON: a finding's fix is an object in JSON (the command and
// what it does applied in the model), read back as it was, and a report
// whose fix is the bare command still reads.
func TestFindingJSON(t *testing.T) {
	checked := Finding{Code: "ENI_SG_RULES_MISMATCH", Severity: SeverityBlock, Component: "sg-1", Direction: Forward, Rule: "no inbound rule matches", Detail: "d",
		Fix: "aws ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.0.5/32}]' && echo <done>",
		FixCheck: &FixCheck{Verified: false, Applied: true, StillBlockedBy: &Blocked{Layer: LayerNACL, Component: "acl-1", Code: "SUBNET_ACL_RESTRICTION", Direction: Forward, Rule: "#90 deny"},
			StillVerdict: Unreachable, AlsoOpens: &AlsoOpens{Count: 3, Groups: []AlsoOpensGroup{{VPC: "vpc-1", Subnet: "subnet-1", Count: 3}}}}}
	for _, tc := range []struct {
		name     string
		finding  Finding
		wantJSON []string
	}{
		{"a checked fix", checked, []string{`"fix":{"command":"aws ec2`, `&& echo <done>"`, `"verified":false`, `"applied":true`, `"still_blocked_by":{"layer":"nacl"`, `"verdict_after":"unreachable"`, `"also_opens":{"count":3`}},
		{"a blocking finding's fix not checked", Finding{Code: "X", Severity: SeverityBlock, Fix: "do it"}, []string{`"fix":{"command":"do it","verified":false,"applied":false,"still_blocked_by":null,"also_opens":null,"note":"not checked in the model"}`}},
		{"a fix for missing data", Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Fix: "grant it"}, []string{`"note":"not applied in the model: it gives reach the data it lacks`}},
		{"a warning's fix", Finding{Code: "W", Severity: SeverityWarn, Fix: "tidy"}, []string{`"note":"not applied in the model: this finding does not block the path"`}},
		{"no fix", Finding{Code: "Y", Severity: SeverityInfo}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// As the report's writer encodes it (render.WriteJSON).
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(tc.finding); err != nil {
				t.Fatal(err)
			}
			b := bytes.TrimSpace(buf.Bytes())
			for _, want := range tc.wantJSON {
				if !strings.Contains(string(b), want) {
					t.Errorf("JSON %s\nwants %s", b, want)
				}
			}
			if strings.Contains(string(b), "fix_check") || (tc.finding.Fix == "") != !strings.Contains(string(b), `"fix"`) {
				t.Errorf("JSON %s: the fix is not where it belongs", b)
			}
			var back Finding
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			back.hop = tc.finding.hop
			if !reflect.DeepEqual(back, tc.finding) {
				t.Errorf("read back %+v\nwant %+v", back, tc.finding)
			}
		})
	}
	var old Finding
	if err := json.Unmarshal([]byte(`{"code":"X","severity":"block","fix":"aws ec2 do-it"}`), &old); err != nil || old.Fix != "aws ec2 do-it" || old.FixCheck != nil {
		t.Errorf("a bare command as the fix: %+v, %v", old, err)
	}
	if err := json.Unmarshal([]byte(`{"code":"X","fix":7}`), &old); err == nil {
		t.Error("a number as the fix was read without an error")
	}
}
