package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnresolvedEndPrintsAReport: a path end that cannot be found for want
// of data is an unknown report in every output of check and flows, with
// exit 3; only bad input is a stderr line and exit 2.
func TestUnresolvedEndPrintsAReport(t *testing.T) {
	// The demo account without describe-instances: Name tags of instances
	// cannot be resolved.
	snap := t.TempDir()
	entries, err := os.ReadDir(filepath.Join("demo", "snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "describe-instances.json" {
			continue
		}
		data, err := os.ReadFile(filepath.Join("demo", "snapshot", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(snap, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	records := filepath.Join(t.TempDir(), "flows.log")
	if err := os.WriteFile(records, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		run  func() (int, string, string)
		// json says the output must hold a report with verdict unknown,
		// reportKey the key it sits under ("" at the top).
		json      bool
		reportKey string
		code      int
		says      string
	}{
		{name: "check -o json", run: func() (int, string, string) {
			return runCLI("check", "--snapshot", snap, "--from", "app-1", "--to", "10.0.33.12:5432", "-o", "json")
		}, json: true, code: exitUnknown, says: "ec2:DescribeInstances"},
		{name: "check -o text", run: func() (int, string, string) {
			return runCLI("check", "--snapshot", snap, "--from", "app-1", "--to", "10.0.33.12:5432")
		}, code: exitUnknown, says: "UNKNOWN"},
		{name: "check -o markdown", run: func() (int, string, string) {
			return runCLI("check", "--snapshot", snap, "--from", "app-1", "--to", "10.0.33.12:5432", "-o", "markdown")
		}, code: exitUnknown, says: "grant the IAM action ec2:DescribeInstances"},
		{name: "flows -o json", run: func() (int, string, string) {
			return runFlowsCLI("--snapshot", snap, "--file", records, "--from", "app-1", "--to", "10.0.33.12:5432", "-o", "json")
		}, json: true, reportKey: "report", code: exitUnknown, says: "ec2:DescribeInstances"},
		{name: "flows -o text", run: func() (int, string, string) {
			return runFlowsCLI("--snapshot", snap, "--file", records, "--from", "app-1", "--to", "10.0.33.12:5432")
		}, code: exitUnknown, says: "ec2:DescribeInstances"},
		{name: "bad input stays a stderr line", run: func() (int, string, string) {
			return runCLI("check", "--snapshot", snap, "--from", "eni-0f6a7b8c9d0e10012", "--to", "10.0.33.12:http", "-o", "json")
		}, code: exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := tc.run()
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if tc.code == exitUsage {
				if out != "" || strings.Count(errOut, "\n") != 1 {
					t.Errorf("bad input: stdout %q, stderr %q; want one stderr line alone", out, errOut)
				}
				return
			}
			if errOut != "" {
				t.Errorf("stderr %q; the report says it all", errOut)
			}
			if !strings.Contains(out, tc.says) {
				t.Errorf("the output does not say %q:\n%s", tc.says, out)
			}
			if !tc.json {
				return
			}
			var doc map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("not one JSON document: %v\n%s", err, out)
			}
			raw := []byte(out)
			if tc.reportKey != "" {
				raw = doc[tc.reportKey]
			}
			var rep struct {
				Verdict string `json:"verdict"`
				Layers  []struct {
					Status string `json:"status"`
				} `json:"layers"`
			}
			if err := json.Unmarshal(raw, &rep); err != nil || rep.Verdict != "unknown" || len(rep.Layers) == 0 {
				t.Errorf("report %s: verdict %q, %d layers, %v", raw, rep.Verdict, len(rep.Layers), err)
			}
		})
	}
}
