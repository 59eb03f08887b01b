package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reachnet/reach/aws/awstest"
)

// TestLiveSweep sweeps moto's seeded account live, then the snapshot saved
// from it: the same rows, verdicts and groups. With the security groups
// denied, no row is reachable: each is unknown, naming the missing data,
// and the exit status is 3.
func TestLiveSweep(t *testing.T) {
	_, topo, proxy := seededBehindProxy(t)

	args := []string{"sweep", "--to", topo.DBIP + ":5432", "-o", "json"}
	code, live, errOut := runCLI(args...)
	if code == exitUsage || errOut != "" {
		t.Fatalf("live sweep: exit %d, stderr %q", code, errOut)
	}
	var got struct {
		Sources []struct{ Verdict string }
		Counts  map[string]int
	}
	if err := json.Unmarshal([]byte(live), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Sources) == 0 || got.Counts["unknown"] != 0 {
		t.Fatalf("live sweep: %d rows, counts %v", len(got.Sources), got.Counts)
	}
	dir := filepath.Join(t.TempDir(), "snap")
	if code, out, errOut := runCLI("snapshot", "save", dir); code != 0 {
		t.Fatalf("snapshot save: exit %d\n%s\n%s", code, out, errOut)
	}
	code2, saved, _ := runCLI(append(args, "--snapshot", dir)...)
	if code2 != code || !sameReport(t, live, saved) {
		t.Errorf("the snapshot's sweep differs from the live one (exit %d, %d)\nlive:\n%s\nsnapshot:\n%s", code, code2, live, saved)
	}

	proxy.Inject("ec2:DescribeSecurityGroups", awstest.Deny, -1)
	code, denied, errOut := runCLI(args...)
	if code != exitUnknown {
		t.Fatalf("with the groups denied: exit %d, want %d; stderr %q\n%s", code, exitUnknown, errOut, denied)
	}
	var rows struct {
		Sources []struct {
			Verdict        string
			UnknownBecause *struct{ Code, Rule string } `json:"unknown_because"`
		}
	}
	if err := json.Unmarshal([]byte(denied), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows.Sources {
		if r.Verdict == "reachable" {
			t.Fatalf("a row is reachable without the security groups:\n%s", denied)
		}
		if r.Verdict == "unknown" && (r.UnknownBecause == nil || !strings.Contains(r.UnknownBecause.Rule+r.UnknownBecause.Code, "security")) {
			t.Errorf("an unknown row must name the missing security groups: %+v", r.UnknownBecause)
		}
	}
}
