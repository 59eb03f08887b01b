package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
)

func TestSessionMarkdown(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 2, 0, 0, time.UTC)
	hostile := "evil\x1b]52;c;aGk=\x07 [click](http://x.example) <b>|pipe|</b> `tick`"
	rep := &checks.Report{
		Source:      checks.PathEnd{Input: "app-1"},
		Destination: checks.PathEnd{Input: "10.0.33.12"},
		Protocol:    "tcp",
		Verdict:     checks.Unreachable,
		Layers: []checks.Layer{
			{Name: "route", Status: checks.StatusPass, Summary: "local"},
			{Name: "security-group", Status: checks.StatusFail, Summary: "no inbound rule of " + hostile,
				Findings: []checks.Finding{{Severity: checks.SeverityBlock, Component: "sg-1", Code: "X", Detail: hostile, Fix: "aws ec2 authorize-security-group-ingress ```"}}},
		},
	}
	s := Session{
		Started: at, Written: at.Add(time.Hour), Source: "snapshot ./incident", Scope: "snapshot ./incident · taken " + hostile,
		Paths: []SessionPath{
			{Path: "app-1 → 10.0.33.12:5432/tcp", First: at, Last: at.Add(time.Minute), Checks: 3, LoadedAt: at, Gaps: []string{"flow-logs: AccessDenied " + hostile},
				Report: rep, Diagnosis: &checks.Diagnosis{Path: "app-1 → 10.0.33.12:5432/tcp", Verdict: checks.Unreachable, Summary: hostile},
				Changes: []SessionChange{{At: at.Add(time.Minute), Layer: "security-group", From: checks.StatusPass, To: checks.StatusFail, Summary: hostile}}},
			{Path: "web-1 → " + hostile, First: at, Checks: 1, Err: "no interface named " + hostile},
		},
	}
	var b bytes.Buffer
	if err := SessionMarkdown(&b, s); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# reach session report",
		"- **Data:** snapshot ./incident",
		"- **Paths checked:** 2",
		"## 1. app-1 → 10.0.33.12:5432/tcp",
		"- **Verdict:** unreachable",
		"last at 2026-12-06 14:03:00 UTC (3 checks)",
		"### reach: app-1 → 10.0.33.12",
		"| security-group | ✗ fail |",
		"**Flow-log diagnosis**",
		"**Changes between re-checks:**",
		"| 2026-12-06 14:03:00 UTC | security-group | pass | fail |",
		"## 2. `` web-1 → evil",
		"- **Verdict:** not checked",
		"> not checked: `` no interface named evil",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Error("a control character reached the report")
	}
	// Each untrusted string is inert: in a code span or an indented code
	// block, with table pipes escaped, so it neither links nor renders.
	for i, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "[click]") {
			continue
		}
		at := strings.Index(line, "[click]")
		inSpan := strings.LastIndex(line[:at], "``") >= 0 && strings.Contains(line[at:], "``")
		if !strings.HasPrefix(line, "    ") && !inSpan {
			t.Errorf("line %d shows an untrusted string outside code: %q", i+1, line)
		}
		if strings.HasPrefix(line, "|") && strings.Contains(line, "<b>|pipe|") {
			t.Errorf("line %d lets an untrusted pipe split the table: %q", i+1, line)
		}
	}
}

func TestLayerChanges(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 2, 0, 0, time.UTC)
	layers := func(sg checks.Status) []checks.Layer {
		return []checks.Layer{{Name: "route", Status: checks.StatusPass}, {Name: "security-group", Status: sg, Summary: "rule"}}
	}
	for _, tc := range []struct {
		name       string
		prev, next *checks.Report
		want       int
	}{
		{"first check", nil, &checks.Report{Layers: layers(checks.StatusPass)}, 0},
		{"nothing changed", &checks.Report{Layers: layers(checks.StatusPass)}, &checks.Report{Layers: layers(checks.StatusPass)}, 0},
		{"a layer flipped", &checks.Report{Layers: layers(checks.StatusPass)}, &checks.Report{Layers: layers(checks.StatusFail)}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := LayerChanges(tc.prev, tc.next, at)
			if len(got) != tc.want {
				t.Fatalf("%d changes, want %d: %+v", len(got), tc.want, got)
			}
			if tc.want == 1 && (got[0].Layer != "security-group" || got[0].From != checks.StatusPass || got[0].To != checks.StatusFail || !got[0].At.Equal(at)) {
				t.Errorf("change = %+v", got[0])
			}
		})
	}
}
