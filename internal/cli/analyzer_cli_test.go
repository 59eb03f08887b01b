package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/awstest"
)

// analyzerJSON is the part of the check contract --analyzer adds.
type analyzerJSON struct {
	Verdict  string `json:"verdict"`
	Layers   []struct{ Name, Status string }
	Analyzer *struct {
		Status       string `json:"status"`
		PathFound    *bool  `json:"path_found"`
		Agrees       bool   `json:"agrees"`
		AnalysisID   string `json:"analysis_id"`
		Explanations []struct {
			Code, Direction, Layer, Component string
		} `json:"explanations"`
		Differences []struct{ Layer, Local, Analyzer string } `json:"differences"`
		CleanedUp   bool                                      `json:"cleaned_up"`
		Message     string                                    `json:"message"`
		Hops        []struct {
			Direction, Component, Layer string
			OnLocalPath                 *bool `json:"on_local_path"`
		} `json:"hops"`
	} `json:"analyzer"`
	Hops []struct{ Component string } `json:"hops"`
}

// TestCheckAnalyzer runs `reach check --analyzer` against moto with the
// network-insights stand-in in front: every outcome, the cleanup, and that
// neither the verdict nor the exit status ever moves. Without --analyzer,
// and in `snapshot save`, no network-insights action is called at all.
func TestCheckAnalyzer(t *testing.T) {
	m, topo, proxy := seededBehindProxy(t)
	path := []string{"check", "-o", "json", "--from", topo.ENIWeb, "--to", topo.AppIP + ":8080"}

	baseCode, baseOut, baseErr := runCLI(path...)
	var base analyzerJSON
	if err := json.Unmarshal([]byte(baseOut), &base); err != nil || baseErr != "" {
		t.Fatalf("check without --analyzer: %v %s", err, baseErr)
	}
	if base.Analyzer != nil || strings.Contains(baseOut, "reachability-analyzer") {
		t.Errorf("a check without --analyzer printed an analyzer:\n%s", baseOut)
	}
	if code, out, errOut := runCLI("snapshot", "save", filepath.Join(t.TempDir(), "snap")); code != 0 {
		t.Fatalf("snapshot save: %d %s %s", code, out, errOut)
	}
	for _, a := range proxy.Actions() {
		if aws.AnalyzerAction(a) {
			t.Errorf("%s was called without --analyzer", a)
		}
	}
	if calls := m.Insights.Calls(); len(calls) > 0 {
		t.Errorf("network-insights calls without --analyzer: %v", calls)
	}

	// A local reachable path; the verdict's own disagreements depend on it.
	localReachable := base.Verdict == "reachable"
	cases := []struct {
		name      string
		script    awstest.InsightsScript
		deny      string
		extra     []string
		status    string
		found     *bool
		agrees    bool
		diffLayer string
		message   string
		cleaned   bool
	}{
		{name: "path found", script: awstest.InsightsScript{Outcome: awstest.PathFound, RunningPolls: 1}, status: "succeeded", found: ptr(true), agrees: localReachable, cleaned: true},
		{
			name: "no path: the security group is blamed",
			script: awstest.InsightsScript{Outcome: awstest.NoPath, Explanations: []awstest.InsightsExplanation{
				{Code: "ENI_SG_RULES_MISMATCH", Direction: "ingress", SecurityGroups: []string{"sg-0a1b2c3d4e5f60009"}},
			}},
			status: "succeeded", found: ptr(false), agrees: !localReachable, diffLayer: "security-group", cleaned: true,
		},
		{name: "failed", script: awstest.InsightsScript{Outcome: awstest.AnalysisFails, StatusMessage: "The network configuration is not supported"}, status: "failed", message: "not supported", cleaned: true},
		{name: "timed out", script: awstest.InsightsScript{Outcome: awstest.NeverFinishes}, extra: []string{"--analyzer-timeout", "1s"}, status: "timed-out", message: "--analyzer-timeout", cleaned: true},
		{name: "denied", deny: "ec2:CreateNetworkInsightsPath", status: "denied", message: "UnauthorizedOperation", cleaned: true},
		{name: "path left behind", script: awstest.InsightsScript{Outcome: awstest.PathFound}, deny: "ec2:DeleteNetworkInsightsPath", status: "succeeded", found: ptr(true), agrees: localReachable, message: "could not delete path", cleaned: false},
	}
	// Each case runs in process and through the binary (the test binary as
	// main, exec'd with the environment pointing at the stand-in).
	binDir, _, _ := strings.Cut(reachOnPath(t), string(os.PathListSeparator))
	viaBinary := func(args ...string) (int, string, string) {
		cmd := exec.Command(filepath.Join(binDir, "reach"), args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			return exit.ExitCode(), stdout.String(), stderr.String()
		case err != nil:
			t.Fatal(err)
		}
		return 0, stdout.String(), stderr.String()
	}
	for _, via := range []struct {
		name string
		run  func(...string) (int, string, string)
	}{{"in process", runCLI}, {"binary", viaBinary}} {
		for _, tc := range cases {
			t.Run(via.name+"/"+tc.name, func(t *testing.T) {
				m.Insights.Reset()
				m.Insights.Script(tc.script)
				proxy.Reset()
				if tc.deny != "" {
					proxy.Inject(tc.deny, awstest.Deny, -1)
				}
				code, out, errOut := via.run(append(append(path, "--analyzer"), tc.extra...)...)
				if code != baseCode {
					t.Errorf("exit %d, want %d as without --analyzer", code, baseCode)
				}
				var got analyzerJSON
				if err := json.Unmarshal([]byte(out), &got); err != nil || got.Analyzer == nil {
					t.Fatalf("no analyzer object (%v):\n%s\n%s", err, out, errOut)
				}
				a := got.Analyzer
				if got.Verdict != base.Verdict {
					t.Errorf("verdict %s, want %s as without --analyzer", got.Verdict, base.Verdict)
				}
				if a.Status != tc.status || a.CleanedUp != tc.cleaned || !strings.Contains(a.Message, tc.message) {
					t.Errorf("status %s cleaned_up %v message %q; want %s %v %q", a.Status, a.CleanedUp, a.Message, tc.status, tc.cleaned, tc.message)
				}
				if (a.PathFound == nil) != (tc.found == nil) || (a.PathFound != nil && *a.PathFound != *tc.found) {
					t.Errorf("path_found %v, want %v", a.PathFound, tc.found)
				}
				if a.Agrees != tc.agrees {
					t.Errorf("agrees %v, want %v: %+v", a.Agrees, tc.agrees, a.Differences)
				}
				if tc.diffLayer != "" && localReachable && (len(a.Differences) == 0 || a.Differences[0].Layer != tc.diffLayer) {
					t.Errorf("differences %+v, want one on %s", a.Differences, tc.diffLayer)
				}
				if last := got.Layers[len(got.Layers)-1]; last.Name != "reachability-analyzer" {
					t.Errorf("the last layer is %s", last.Name)
				}
				if tc.cleaned && len(m.Insights.Left()) > 0 {
					t.Errorf("left in the account: %v", m.Insights.Left())
				}
				if !tc.cleaned && !strings.Contains(errOut, "could not delete") {
					t.Errorf("stderr does not say what was left: %q", errOut)
				}
				for _, a := range proxy.Actions() {
					if !aws.Allowed(a) && !aws.AnalyzerAction(a) {
						t.Errorf("called %s", a)
					}
				}
			})
		}
	}

	t.Run("text and markdown show the section", func(t *testing.T) {
		m.Insights.Reset()
		m.Insights.Script(awstest.InsightsScript{Outcome: awstest.NoPath, Explanations: []awstest.InsightsExplanation{{Code: "SUBNET_ACL_RESTRICTION", Direction: "egress", Components: map[string]string{"acl": "acl-0a1b2c3d4e5f60003"}}}})
		proxy.Reset()
		for _, format := range []string{"text", "markdown"} {
			args := []string{"check", "-o", format, "--analyzer", "--from", topo.ENIWeb, "--to", topo.AppIP + ":8080"}
			_, out, _ := runCLI(args...)
			out = strings.ReplaceAll(out, `\_`, "_")
			if !strings.Contains(out, "SUBNET_ACL_RESTRICTION") || !strings.Contains(out, "acl-0a1b2c3d4e5f60003") || !strings.Contains(out, "Reachability Analyzer") && !strings.Contains(out, "reachability analyzer") {
				t.Errorf("%s output lacks the analyzer section:\n%s", format, out)
			}
		}
	})

	t.Run("the analyzer's path is set beside reach's hop by hop", func(t *testing.T) {
		if !localReachable {
			t.Skip("the seeded path is not reachable locally: no path to compare")
		}
		var local []string
		for _, h := range base.Hops {
			local = append(local, h.Component)
		}
		// The analyzer crosses reach's own components, and one route
		// table more on the request.
		forward := append(slices.Clone(local), "rtb-0elsewhere")
		m.Insights.Reset()
		m.Insights.Script(awstest.InsightsScript{Outcome: awstest.PathFound, ForwardPath: forward, ReturnPath: []string{topo.ENIWeb}})
		proxy.Reset()
		code, out, errOut := runCLI(append(path, "--analyzer")...)
		if code != baseCode {
			t.Errorf("exit %d, want %d as without --analyzer", code, baseCode)
		}
		var got analyzerJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil || got.Analyzer == nil {
			t.Fatalf("no analyzer object (%v):\n%s\n%s", err, out, errOut)
		}
		a := got.Analyzer
		if a.Agrees || len(a.Differences) != 1 || a.Differences[0].Layer != "route" || !strings.Contains(a.Differences[0].Analyzer, "rtb-0elsewhere") {
			t.Errorf("differences %+v, want one on route naming rtb-0elsewhere", a.Differences)
		}
		if len(a.Hops) != len(forward)+1 {
			t.Fatalf("%d hops mapped, want %d: %+v", len(a.Hops), len(forward)+1, a.Hops)
		}
		for i, h := range a.Hops[:len(forward)] {
			want := i < len(local)
			if h.Direction != "forward" || h.OnLocalPath == nil || *h.OnLocalPath != want {
				t.Errorf("hop %s: direction %s on_local_path %v, want forward %v", h.Component, h.Direction, h.OnLocalPath, want)
			}
		}
		if last := a.Hops[len(a.Hops)-1]; last.Direction != "return" {
			t.Errorf("the return path's component is mapped as %+v", last)
		}
	})

	t.Run("snapshot save --analyzer replays offline", func(t *testing.T) {
		m.Insights.Reset()
		m.Insights.Script(awstest.InsightsScript{Outcome: awstest.NoPath, RunningPolls: 1, Explanations: []awstest.InsightsExplanation{
			{Code: "ENI_SG_RULES_MISMATCH", Direction: "ingress", SecurityGroups: []string{"sg-0a1b2c3d4e5f60009"}},
		}})
		proxy.Reset()
		dir := filepath.Join(t.TempDir(), "snap")
		code, out, errOut := runCLI("snapshot", "save", dir, "--analyzer", "--from", topo.ENIWeb, "--to", topo.AppIP+":8080")
		if code != 0 || !strings.Contains(out, "saved Reachability Analyzer analysis nia-") || errOut != "" {
			t.Fatalf("snapshot save --analyzer: exit %d\n%s\n%s", code, out, errOut)
		}
		if left := m.Insights.Left(); len(left) > 0 {
			t.Errorf("left in the account: %v", left)
		}
		calls := len(proxy.Calls())
		code, out, errOut = runCLI("check", "-o", "json", "--snapshot", dir, "--analyzer", "--from", topo.ENIWeb, "--to", topo.AppIP+":8080")
		var got analyzerJSON
		if err := json.Unmarshal([]byte(out), &got); err != nil || got.Analyzer == nil {
			t.Fatalf("replay: exit %d %v\n%s\n%s", code, err, out, errOut)
		}
		a := got.Analyzer
		if a.Status != "succeeded" || a.PathFound == nil || *a.PathFound || len(a.Explanations) != 1 || a.Explanations[0].Component != "sg-0a1b2c3d4e5f60009" || !a.CleanedUp || !strings.Contains(a.Message, "replayed") {
			t.Errorf("replayed analyzer %+v", *a)
		}
		if code != baseCode {
			t.Errorf("replay exit %d, want %d", code, baseCode)
		}
		if len(proxy.Calls()) != calls {
			t.Errorf("a replay called AWS: %v", proxy.Calls()[calls:])
		}
		_, out, _ = runCLI("check", "-o", "json", "--snapshot", dir, "--analyzer", "--from", topo.ENIWeb, "--to", topo.AppIP+":9999")
		if !strings.Contains(out, "another path") {
			t.Errorf("an analysis of another path was replayed:\n%s", out)
		}
		other := t.TempDir()
		if code, _, errOut := runCLI("snapshot", "save", other); code != 0 {
			t.Fatal(errOut)
		}
		_, out, _ = runCLI("check", "-o", "json", "--snapshot", other, "--analyzer", "--from", topo.ENIWeb, "--to", topo.AppIP+":8080")
		if !strings.Contains(out, "holds no Reachability Analyzer analysis") {
			t.Errorf("a snapshot without an analysis did not say so:\n%s", out)
		}
	})

	t.Run("Ctrl-C cleans up and exits 130", func(t *testing.T) {
		m.Insights.Reset()
		m.Insights.Script(awstest.InsightsScript{Outcome: awstest.NeverFinishes})
		proxy.Reset()
		bin, _, _ := strings.Cut(reachOnPath(t), string(os.PathListSeparator))
		cmd := exec.Command(filepath.Join(bin, "reach"), append(path, "--analyzer")...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for len(m.Insights.Calls()) < 3 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		_ = cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
			t.Errorf("exit %v, want %d; stderr %s", err, exitInterrupted, stderr.String())
		}
		if left := m.Insights.Left(); len(left) > 0 {
			t.Errorf("left in the account after Ctrl-C: %v (calls %v)", left, m.Insights.Calls())
		}
	})
}

// TestAnalyzerBadInput: --analyzer on the demo, or a save whose path and
// --analyzer do not go together, is bad input said on one line before
// anything is loaded.
func TestAnalyzerBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"demo", []string{"check", "--demo", "--analyzer", "--from", "app-1", "--to", "10.0.33.12:5432"}},
		{"no timeout", []string{"check", "--demo", "--analyzer-timeout", "0", "--analyzer", "--from", "app-1", "--to", "10.0.33.12:5432"}},
		{"save without a path", []string{"snapshot", "save", t.TempDir(), "--analyzer"}},
		{"save with a path and no analyzer", []string{"snapshot", "save", t.TempDir(), "--from", "eni-1", "--to", "10.0.0.1:443"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d stdout %q stderr %q", code, out, errOut)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
