package render

import (
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
)

func TestBaselineLead(t *testing.T) {
	taken := time.Date(2026, 12, 5, 9, 7, 0, 0, time.UTC)
	sg := checks.Change{Component: "sg-0abc", Kind: "security-group", Change: checks.ChangeModified, What: "inbound allow tcp 5432 from sg-0app removed", Layer: checks.LayerSecurityGroup, OnPath: true}
	rt := checks.Change{Component: "rtb-0abc", Kind: "route-table", Change: checks.ChangeModified, What: "route 0.0.0.0/0 via nat-0a removed", Layer: checks.LayerRoute, OnPath: true}
	off := checks.Change{Component: "acl-0zzz", Kind: "network-acl", Change: checks.ChangeModified, What: "inbound #100 removed", Layer: checks.LayerNACL}
	blockedSG := &checks.Blocked{Layer: checks.LayerSecurityGroup, Component: "sg-0abc"}
	cases := []struct {
		name string
		rep  checks.Report
		want string
	}{
		{"no baseline", checks.Report{Verdict: checks.Reachable}, ""},
		{"broke: the blocker's change explains it, with who",
			checks.Report{Verdict: checks.Unreachable, BlockedBy: blockedSG, Changes: []checks.Change{rt, sg},
				Baseline: &checks.Baseline{Verdict: checks.Reachable, Taken: &taken},
				History:  []checks.HistoryEvent{{Time: taken.Add(time.Hour), Event: "RevokeSecurityGroupIngress", Component: "sg-0abc", Principal: "arn:aws:iam::111122223333:user/bob"}}},
			"reachable at 2026-12-05 09:07 UTC, unreachable now: sg-0abc: inbound allow tcp 5432 from sg-0app removed (RevokeSecurityGroupIngress by arn:aws:iam::111122223333:user/bob at 2026-12-05 10:07:00Z)"},
		{"fixed: the change that blocked then",
			checks.Report{Verdict: checks.Reachable, Changes: []checks.Change{sg}, Baseline: &checks.Baseline{Verdict: checks.Unreachable, BlockedBy: blockedSG}},
			"unreachable in the baseline of unknown date, reachable now: sg-0abc: inbound allow tcp 5432 from sg-0app removed"},
		{"broke with no change on the path",
			checks.Report{Verdict: checks.Unreachable, Changes: []checks.Change{off}, Baseline: &checks.Baseline{Verdict: checks.Reachable, Taken: &taken}},
			"reachable at 2026-12-05 09:07 UTC, unreachable now: no change on the path explains it"},
		{"broke while kinds were not compared",
			checks.Report{Verdict: checks.Unknown, Baseline: &checks.Baseline{Verdict: checks.Reachable, NotCompared: []string{"security-group: not read now (AccessDenied)"}}},
			"reachable in the baseline of unknown date, unknown now: no compared change on the path explains it (some kinds were not compared)"},
		{"the same verdict, two changes on the path",
			checks.Report{Verdict: checks.Reachable, Changes: []checks.Change{rt, sg, off}, Baseline: &checks.Baseline{Verdict: checks.Reachable, Taken: &taken}},
			"reachable at 2026-12-05 09:07 UTC, and reachable now; 2 changes on the path, first rtb-0abc: route 0.0.0.0/0 via nat-0a removed"},
		{"the same verdict, nothing on the path",
			checks.Report{Verdict: checks.Unreachable, Changes: []checks.Change{off}, Baseline: &checks.Baseline{Verdict: checks.Unreachable, Taken: &taken}},
			"unreachable at 2026-12-05 09:07 UTC, and unreachable now; no change on the path (1 elsewhere)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := BaselineLead(&c.rep); got != c.want {
				t.Errorf("lead\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

// TestChangesAndHistoryAreInert: strings from AWS in changes and history
// (a record's value, a user agent, request parameters) reach the terminal
// inert in text and escaped in Markdown.
func TestChangesAndHistoryAreInert(t *testing.T) {
	rep := checks.Report{Verdict: checks.Unreachable,
		Baseline: &checks.Baseline{Snapshot: "snap", Verdict: checks.Reachable},
		Changes:  []checks.Change{{Component: "Z1", Kind: "hosted-zone", Change: checks.ChangeModified, Layer: checks.LayerDNS, OnPath: true, What: "record db. TXT: \x1b[31mred\x1b[0m removed"}},
		History:  []checks.HistoryEvent{{Event: "ChangeResourceRecordSets", Component: "Z1", UserAgent: "evil\x1b]52;c;aGk=\x07", Detail: "name *db*|x"}},
	}
	var text, md strings.Builder
	if err := Text(&text, &rep, false); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, &rep); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s carries a control character:\n%q", name, out)
		}
	}
	if strings.Contains(md.String(), "*db*|x") {
		t.Errorf("markdown did not escape the detail:\n%s", md.String())
	}
}
