package cli

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/reachnet/reach/checks"
)

func TestSweepCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		// out and errOut must each contain every string listed.
		out, errOut []string
	}{
		{"who can reach the database", []string{"--to", "10.0.33.12:5432"}, exitReachable,
			[]string{"who can reach 10.0.33.12:5432/tcp", "4 reachable, 16 unreachable, 0 unknown", "app-1 10.0.16.45",
				"8 interfaces blocked by security-group sg-0e5f6a7b8c9d00014: no inbound rule matches"}, nil},
		{"narrowed to a subnet", []string{"--to", "10.0.33.12:5432", "--from-subnet", "subnet-0b2c3d4e5f6a70013"}, exitUnreachable,
			[]string{"0 reachable"}, nil},
		{"narrowed to a tag", []string{"--to", "10.0.33.12", "--port", "5432", "--from-tag", "Name=app-1"}, exitReachable,
			[]string{"1 reachable, 0 unreachable, 0 unknown", "app-1"}, nil},
		{"what app-1 can reach on two ports", []string{"--from", "app-1", "--ports", "443,5432"}, exitReachable,
			[]string{"what app-1 (10.0.16.45, eni-0f6a7b8c9d0e10012) can reach on 443,5432/tcp", "port 5432"}, nil},
		{"from the internet", []string{"--from", "internet", "--port", "443"}, exitReachable,
			[]string{"1 interface reachable", "web-1 54.210.167.204", "note: the internet is 198.51.100.1"}, nil},
		{"from on-premises", []string{"--from", "on-premises", "--port", "22"}, exitReachable,
			[]string{"what on-premises (172.16.0.1) can reach"}, nil},
		{"every group listed with --all", []string{"--to", "10.0.33.12:5432", "--all", "--ascii"}, exitReachable,
			[]string{"[FAIL]", "eni-0f6a7b8c9d0e10041 sandbox-1"}, nil},
		{"both ends", []string{"--to", "10.0.33.12:5432", "--from", "app-1"}, exitUsage, nil, []string{"exclude each other"}},
		{"no end", nil, exitUsage, nil, []string{"give --to DST[:PORT]"}},
		{"no port", []string{"--to", "10.0.33.12"}, exitUsage, nil, []string{"needs a destination port"}},
		{"ports without from", []string{"--to", "10.0.33.12:5432", "--ports", "1,2"}, exitUsage, nil, []string{"--ports goes with --from"}},
		{"wrong side's filter", []string{"--from", "app-1", "--port", "443", "--from-vpc", "vpc-1"}, exitUsage, nil, []string{"with --from use --to-vpc"}},
		{"bad ports", []string{"--from", "app-1", "--ports", "443,9-1"}, exitUsage, nil, []string{"ends before it starts"}},
		{"too many ports", []string{"--from", "app-1", "--ports", "1-300"}, exitUsage, nil, []string{"more than 256 ports"}},
		{"source with a port", []string{"--from", "app-1:22", "--port", "443"}, exitUsage, nil, []string{"a source takes no port"}},
		{"filter matching nothing", []string{"--to", "10.0.33.12:5432", "--from-vpc", "vpc-nothing"}, exitUsage, nil, []string{"no interface matches VPC vpc-nothing"}},
		{"bad output", []string{"--to", "10.0.33.12:5432", "-o", "xml"}, exitUsage, nil, []string{"expected text, json, markdown or csv"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(append([]string{"sweep", "--demo"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errOut)
			}
			for _, s := range tc.out {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.errOut {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q: %q", s, errOut)
				}
			}
			if tc.code == exitUsage && strings.Count(errOut, "\n") != 1 {
				t.Errorf("bad input must be one line on stderr: %q", errOut)
			}
		})
	}
}

// TestSweepJSONContract holds the JSON of the contract in docs/check.md:
// the fixed end, protocol and port, one row per interface, the counts and
// the groups; each row agrees with reach check of its path.
func TestSweepJSONContract(t *testing.T) {
	code, out, errOut := runCLI("sweep", "--demo", "--to", "10.0.33.12:5432", "-o", "json")
	if code != exitReachable {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Destination map[string]any `json:"destination"`
		Protocol    string         `json:"protocol"`
		Port        int            `json:"port"`
		Sources     []struct {
			ENI       string          `json:"eni"`
			Name      *string         `json:"name"`
			Address   string          `json:"address"`
			Verdict   string          `json:"verdict"`
			BlockedBy json.RawMessage `json:"blocked_by"`
		} `json:"sources"`
		Counts map[string]int `json:"counts"`
		Groups []struct {
			Verdict, Layer, Component, Code string
			Count                           int
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Protocol != "tcp" || got.Port != 5432 || got.Destination["eni"] != "eni-0f6a7b8c9d0e10022" {
		t.Errorf("header %+v %s %d", got.Destination, got.Protocol, got.Port)
	}
	if len(got.Sources) != 20 || got.Counts["reachable"]+got.Counts["unreachable"]+got.Counts["unknown"] != 20 {
		t.Fatalf("%d sources, counts %v", len(got.Sources), got.Counts)
	}
	total := 0
	for _, g := range got.Groups {
		total += g.Count
	}
	if total != 20 || got.Groups[0].Verdict != "reachable" {
		t.Errorf("groups %+v", got.Groups)
	}
	for _, row := range got.Sources {
		if row.Name == nil || row.Address == "" || len(row.BlockedBy) == 0 {
			t.Errorf("row lacks a field of the contract: %+v", row)
		}
		var check struct {
			Verdict   string          `json:"verdict"`
			BlockedBy json.RawMessage `json:"blocked_by"`
		}
		code, cout, _ := runCLI("check", "--demo", "--from", row.ENI, "--to", "10.0.33.12:5432", "-o", "json")
		if err := json.Unmarshal([]byte(cout), &check); err != nil {
			t.Fatal(err)
		}
		if check.Verdict != row.Verdict || compactJSON(t, check.BlockedBy) != compactJSON(t, row.BlockedBy) {
			t.Errorf("%s: sweep %s %s, check %s %s (exit %d)", row.ENI, row.Verdict, row.BlockedBy, check.Verdict, check.BlockedBy, code)
		}
	}
}

func compactJSON(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSweepCSVAndMarkdown(t *testing.T) {
	code, out, _ := runCLI("sweep", "--demo", "--from", "app-1", "--ports", "443,5432", "-o", "csv")
	if code != exitReachable {
		t.Fatalf("exit %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "eni,name,address,port,verdict,layer,component,code,direction,rule" || len(recs) != 1+2*20 {
		t.Errorf("%d records, header %v", len(recs), recs[0])
	}
	code, out, _ = runCLI("sweep", "--demo", "--to", "10.0.33.12:5432", "-o", "markdown")
	if code != exitReachable || !strings.Contains(out, "| verdict | count | layer | component | rule | code |") || !strings.Contains(out, "`sg-0e5f6a7b8c9d00014`") {
		t.Errorf("markdown (exit %d):\n%s", code, out)
	}
}

// FuzzSweepPorts: any --ports value is a list of valid ports or one error,
// never a panic, and never more than the bound.
func FuzzSweepPorts(f *testing.F) {
	for _, s := range []string{"22,443", "8000-8010", "1-256", "0", "65536", "9-1", ",", "-", "1--2", " 22 , 443 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ports, err := sweepPorts(checks.ProtocolTCP, 0, s)
		if err != nil {
			return
		}
		if len(ports) == 0 || len(ports) > maxSweepPorts {
			t.Fatalf("%q: %d ports", s, len(ports))
		}
		for _, p := range ports {
			if p < 1 || p > 65535 {
				t.Fatalf("%q: port %d", s, p)
			}
		}
	})
}
