package checklist

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
)

func init() {
	// -update rewrites the golden files (tuitest.Golden); the flag is
	// registered by teatest where a package imports it.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

// throughLoadBalancer is a report of a path to a load balancer with three
// targets: one blocked on its leg, one draining, one reachable.
func throughLoadBalancer() *checks.Report {
	layer := func(name string, st checks.Status, summary string) checks.Layer {
		return checks.Layer{Name: name, Status: st, Summary: summary, Findings: []checks.Finding{}}
	}
	leg := func(dst string, verdict checks.Verdict, sg checks.Status, blocked *checks.Blocked) *checks.Report {
		return &checks.Report{Source: checks.PathEnd{Input: "eni-0alb", ENI: "eni-0alb"}, Destination: checks.PathEnd{Input: dst, ENI: "eni-" + dst, Port: 8080},
			Protocol: "tcp", Verdict: verdict, BlockedBy: blocked, Layers: []checks.Layer{
				layer(checks.LayerRoute, checks.StatusPass, "request: rtb-1 10.0.0.0/16 → local"),
				layer(checks.LayerNACL, checks.StatusPass, "within subnet"),
				layer(checks.LayerSecurityGroup, sg, "forward sg-batch: no inbound rule matches"),
			}}
	}
	blocked := &checks.Blocked{Layer: checks.LayerSecurityGroup, Component: "sg-batch", Code: "ENI_SG_RULES_MISMATCH", Direction: checks.Forward, Rule: "no inbound rule matches"}
	return &checks.Report{
		Source: checks.PathEnd{Input: "app-1", ENI: "eni-0app"},
		Destination: checks.PathEnd{Input: "10.0.16.210:80", Address: "10.0.16.210", Port: 80, ENI: "eni-0alb", Targets: []checks.TargetVerdict{
			{TargetGroup: "tg-orders", ID: "i-0batch", Name: "batch-1", Port: 8080, AZ: "us-east-1b", Health: "healthy", Verdict: checks.Unreachable, BlockedBy: blocked,
				Reason: "eni-0alb → i-0batch:8080 is blocked at security-group sg-batch", Rule: "default action", Leg: leg("i-0batch", checks.Unreachable, checks.StatusFail, blocked)},
			{TargetGroup: "tg-orders", ID: "i-0app2", Name: "app-2", Port: 8080, Health: "draining", Verdict: checks.Unreachable,
				BlockedBy: &checks.Blocked{Layer: checks.LayerService, Component: "i-0app2", Code: "TARGET_NOT_IN_SERVICE"}, Reason: "i-0app2 is draining: no new connections"},
			{TargetGroup: "tg-orders", ID: "i-0app1", Name: "app-1", Port: 8080, Health: "healthy", Verdict: checks.Reachable,
				Reason: "eni-0alb → i-0app1:8080 is open", Leg: leg("i-0app1", checks.Reachable, checks.StatusPass, nil)},
		}},
		Protocol: "tcp", Verdict: checks.Reachable,
		Layers: []checks.Layer{
			layer(checks.LayerRoute, checks.StatusPass, "same subnet"), layer(checks.LayerNACL, checks.StatusPass, "within subnet"),
			layer(checks.LayerSecurityGroup, checks.StatusPass, "request: sg-alb allow tcp 80"), layer(checks.LayerSourceDestCheck, checks.StatusSkip, ""),
			layer(checks.LayerDNS, checks.StatusSkip, ""), layer(checks.LayerService, checks.StatusWarn, "TARGETS_PARTLY_UNREACHABLE"),
		},
		Hops: []checks.Hop{},
	}
}

// TestTargetRows: after the layers, a row per target with its verdict;
// its evidence is its leg, and enter opens that leg as its own checklist.
func TestTargetRows(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		e := tuitest.Env(ascii, themes.ANSI16)
		c := New(e)
		c.SetSize(80, 24)
		c.Reset(screen.PathSpec{From: "app-1", To: "10.0.16.210", Port: 80})
		c.Result(throughLoadBalancer(), nil, nil, e.Now())
		var names []string
		for _, r := range c.Rows[len(checks.LayerOrder):] {
			names = append(names, fmt.Sprintf("%s %s", r.Name, r.Status))
		}
		arrow := "→ "
		if ascii {
			arrow = "-> "
		}
		if want := []string{arrow + "batch-1 fail", arrow + "app-2 fail", arrow + "app-1 pass"}; fmt.Sprint(names) != fmt.Sprint(want) {
			t.Fatalf("target rows %v, want %v", names, want)
		}
		name := "checklist-targets-80x24"
		if ascii {
			name += "-ascii"
			tuitest.AssertASCII(t, name, c.View())
		}
		tuitest.Golden(t, name, c.View(), 80)

		c.select_(len(checks.LayerOrder))
		ev := strings.Join(c.Evidence.Lines, "\n")
		for _, want := range []string{"target i-0batch (batch-1) port 8080", "leg eni-0alb", "security-group", "blocked by: security-group sg-batch"} {
			if !strings.Contains(ev, want) {
				t.Errorf("evidence of batch-1 lacks %q:\n%s", want, ev)
			}
		}
		_, intent := c.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		cp, ok := intent.(screen.CheckPath)
		if want := (screen.PathSpec{From: "eni-0alb", To: "eni-i-0batch", Port: 8080, Protocol: "tcp"}); !ok || cp.Path != want {
			t.Errorf("enter on batch-1: %#v, want CheckPath %+v", intent, want)
		}
		c.select_(len(checks.LayerOrder) + 1)
		if _, intent := c.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); intent != nil {
			t.Errorf("enter on a draining target (no leg): %#v, want the evidence full screen", intent)
		}
	}
}
