package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/aws/snapshot"
)

// changedDemo copies the demo snapshot into a new directory with the
// files of one fixture pair's changed/ folder on top.
func changedDemo(t *testing.T, pair string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), pair)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"demo/snapshot", filepath.Join("checks/testdata/baseline", pair, "changed")} {
		entries, err := os.ReadDir(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestCheckBaseline runs check --baseline on the demo against a copy with
// one setting changed, both ways: the exit status is the current
// verdict's, the JSON carries the baseline and the change on the path, and
// text and Markdown lead with the line that explains the difference.
func TestCheckBaseline(t *testing.T) {
	changed := changedDemo(t, "sg-rule")
	taken := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	if err := snapshot.WriteManifest(changed, snapshot.Manifest{Taken: taken, Account: "111122223333", Region: "us-east-1", Version: "test"}); err != nil {
		t.Fatal(err)
	}
	path := []string{"--from", "app-1", "--to", "10.0.33.12:5432"}
	cases := []struct {
		name               string
		args               []string
		code               int
		verdictThen, taken string
		lead               string
	}{
		{"rule removed since", []string{"--snapshot", changed, "--baseline", "demo/snapshot"}, exitUnreachable, "reachable", "",
			"reachable in the baseline of unknown date, unreachable now: sg-0e5f6a7b8c9d00014: inbound allow tcp 5432 from 111122223333/sg-0e5f6a7b8c9d00012 removed"},
		{"rule added since", []string{"--demo", "--baseline", changed}, exitReachable, "unreachable", "2026-12-05T09:00:00Z",
			"unreachable at 2026-12-05 09:00 UTC, reachable now: sg-0e5f6a7b8c9d00014: inbound allow tcp 5432 from 111122223333/sg-0e5f6a7b8c9d00012 added"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append(append([]string{"check"}, c.args...), path...)
			code, out, errOut := runCLI(append(args, "-o", "json")...)
			if code != c.code || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want %d", code, errOut, c.code)
			}
			var rep struct {
				Baseline *struct {
					Snapshot  string          `json:"snapshot"`
					Taken     *string         `json:"taken"`
					Verdict   string          `json:"verdict"`
					BlockedBy json.RawMessage `json:"blocked_by"`
				} `json:"baseline"`
				Changes []map[string]any `json:"changes"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Baseline == nil || rep.Baseline.Verdict != c.verdictThen || rep.Baseline.BlockedBy == nil {
				t.Fatalf("baseline %+v", rep.Baseline)
			}
			switch {
			case c.taken == "" && rep.Baseline.Taken != nil:
				t.Errorf("taken %q for a snapshot without a manifest", *rep.Baseline.Taken)
			case c.taken != "" && (rep.Baseline.Taken == nil || *rep.Baseline.Taken != c.taken):
				t.Errorf("taken %v, want %s", rep.Baseline.Taken, c.taken)
			}
			if len(rep.Changes) != 1 {
				t.Fatalf("changes %v", rep.Changes)
			}
			for _, key := range []string{"component", "kind", "change", "what", "layer", "on_path"} {
				if _, ok := rep.Changes[0][key]; !ok {
					t.Errorf("a change lacks %q: %v", key, rep.Changes[0])
				}
			}
			if rep.Changes[0]["on_path"] != true {
				t.Errorf("the change is not on the path: %v", rep.Changes[0])
			}
			for _, format := range []string{"text", "markdown"} {
				_, out, _ := runCLI(append(args, "-o", format)...)
				first, _, _ := strings.Cut(out, "\n")
				if format == "markdown" {
					first = strings.ReplaceAll(strings.Trim(first, "*"), `\`, "")
				}
				if first != c.lead {
					t.Errorf("%s leads with\n%q\nwant\n%q", format, first, c.lead)
				}
			}
		})
	}
}

func TestCheckBaselineBadInput(t *testing.T) {
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "describe-vpcs.json"), []byte(`{"Vpcs":[{"VpcId":"vpc-0ther","CidrBlock":"10.9.0.0/16"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, baseline, want string
	}{
		{"no such directory", filepath.Join(other, "missing"), "does not exist"},
		{"another account", other, "shares no VPC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI("check", "--demo", "--baseline", c.baseline, "--from", "app-1", "--to", "10.0.33.12:5432")
			if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", code, out, errOut, c.want)
			}
		})
	}
}

func TestCheckHistoryBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"on the demo", []string{"--demo", "--history"}, "needs a live account"},
		{"on a snapshot", []string{"--snapshot", "demo/snapshot", "--history=3d"}, "needs a live account"},
		{"not a duration", []string{"--profile", "none", "--history=soon"}, `"soon": expected a duration`},
		{"beyond CloudTrail's 90 days", []string{"--profile", "none", "--history=120d"}, "keeps 90 days"},
		{"negative", []string{"--profile", "none", "--history=-1h"}, "must be positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append(append([]string{"check"}, c.args...), "--from", "app-1", "--to", "10.0.33.12:5432")
			code, out, errOut := runCLI(args...)
			if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line saying %q", code, out, errOut, c.want)
			}
		})
	}
}
