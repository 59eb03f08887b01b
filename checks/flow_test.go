// Flow attribution cases: the rule that explains a flow-log record.

package checks

import (
	"strings"
	"testing"
)

func TestAttributeFlows(t *testing.T) {
	b := twoVPCs()
	b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 1024, 40000)})
	for _, tc := range []struct {
		name      string
		flow      Flow
		verdict   Verdict
		direction Direction
		component string
		agrees    bool
	}{
		{"reject by the security group", Flow{Src: addr("10.0.1.10"), Dst: addr("10.0.2.20"), SrcPort: 40001, DstPort: 22, Protocol: ProtocolTCP, Action: "REJECT", LogStatus: "OK"},
			Unreachable, Forward, "sg-server", true},
		{"reject of the reply on an ephemeral port", Flow{Src: addr("10.0.2.20"), Dst: addr("10.0.1.10"), SrcPort: 443, DstPort: 45000, Protocol: ProtocolTCP, Action: "REJECT", LogStatus: "OK"},
			Unreachable, Return, "acl-b", true},
		{"accepted reply on an allowed port", Flow{Src: addr("10.0.2.20"), Dst: addr("10.0.1.10"), SrcPort: 443, DstPort: 33000, Protocol: ProtocolTCP, Action: "ACCEPT", LogStatus: "OK"},
			Reachable, Return, "", true},
		{"reject the configuration would accept", Flow{Src: addr("10.0.1.10"), Dst: addr("10.0.2.20"), SrcPort: 33000, DstPort: 443, Protocol: ProtocolTCP, Action: "REJECT", LogStatus: "OK"},
			Reachable, Forward, "", false},
		{"NODATA", Flow{LogStatus: "NODATA"}, Unknown, Forward, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Attribute(b.n, tc.flow)
			if a.Verdict != tc.verdict || a.Direction != tc.direction || a.Component != tc.component || a.Agrees != tc.agrees {
				t.Errorf("got %+v", a)
			}
			if a.Detail == "" || strings.Contains(a.Detail, "\n") {
				t.Errorf("detail %q", a.Detail)
			}
		})
	}
}
