package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/flowlogs"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

func runFlowsCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(append([]string{"flows"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestFlowsDemo: `reach flows --demo` needs no account, prints each reject
// with its rule, and diagnoses the demo's three flow-log patterns.
func TestFlowsDemo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		lines []string
	}{
		{"security group", []string{"--from", "batch-1", "--to", "10.0.33.12:5432"}, []string{
			"REJECT  ↳ security-group sg-0e5f6a7b8c9d00014 (forward): no inbound rule",
			"#   rejected-request: ", "(a missing security group rule)",
			"#     fix: aws ec2 authorize-security-group-ingress --group-id sg-0e5f6a7b8c9d00014"}},
		{"NACL return traffic", []string{"--from", "app-1", "--to", "i-01a2b3c4d5e6f0021:8080", "--action", "REJECT"}, []string{
			"10.1.5.20:8080 → 10.0.16.45:", "↳ nacl acl-0d4e5f6a7b8c90021 (return)",
			"#   rejected-reply: ", "requests accepted, but", "network ACL acl-0d4e5f6a7b8c90021 does not admit the return traffic",
			"--port-range From=32768,To=49151"}},
		{"routing miss", []string{"--from", "sandbox-1", "--to", "10.0.1.20:443"}, []string{
			"# 0 records shown", "#   no-records: no record of the path at eni-0f6a7b8c9d0e10011 since", "route rtb-0c3d4e5f6a7b80030"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runFlowsCLI(append([]string{"--demo"}, tc.args...)...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, l := range tc.lines {
				if !strings.Contains(out, l) {
					t.Errorf("output lacks %q:\n%s", l, tail(out, 12))
				}
			}
			if tc.name == "NACL return traffic" && strings.Contains(out, " ACCEPT") {
				t.Error("--action REJECT printed accepted records")
			}
		})
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestFlowsJSONLines: -o json is one JSON object per line: notes, records
// (rejects with their attribution), a summary and a diagnosis.
func TestFlowsJSONLines(t *testing.T) {
	code, out, errOut := runFlowsCLI("--demo", "--from", "batch-1", "--to", "10.0.33.12:5432", "-o", "json", "--ascii")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	kinds := map[string]int{}
	var diag struct {
		Diagnosis checks.Diagnosis `json:"diagnosis"`
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("not JSON: %q", sc.Text())
		}
		kind, _ := obj["kind"].(string)
		kinds[kind]++
		switch kind {
		case "record":
			if obj["action"] == "REJECT" {
				a, _ := obj["attribution"].(map[string]any)
				if a["component"] != "sg-0e5f6a7b8c9d00014" || a["agrees"] != true {
					t.Errorf("reject without its rule: %s", sc.Text())
				}
			}
			if obj["srcaddr"] != "10.0.81.7" && obj["dstaddr"] != "10.0.81.7" {
				t.Errorf("a record of another path: %s", sc.Text())
			}
		case "diagnosis":
			json.Unmarshal(sc.Bytes(), &diag)
		}
	}
	if kinds["record"] == 0 || kinds["summary"] != 1 || kinds["diagnosis"] != 1 || kinds["note"] == 0 {
		t.Errorf("kinds %v", kinds)
	}
	if len(diag.Diagnosis.Findings) == 0 || diag.Diagnosis.Findings[0].Pattern != checks.PatternRejectedRequest {
		t.Errorf("diagnosis %+v", diag.Diagnosis)
	}
}

// demoExport writes the demo stream as S3 would deliver it: the header
// line, then the records in the prod flow log's format, gzip-compressed,
// with one line that is not a record.
func demoExport(t *testing.T) string {
	t.Helper()
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	convert.FlowLogs(inv, n)
	f, err := flowlogs.ParseFormat(n.FlowLogs["fl-08b9c0d1e2f3a0001"].Format)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var plain bytes.Buffer
	plain.WriteString(strings.NewReplacer("${", "", "}", "").Replace(f.String()) + "\n")
	broken := false
	for _, r := range demo.NewFlowGenerator(n, demo.FlowOptions{Seed: 9, Start: start}).Until(start.Add(10*time.Minute), nil) {
		if r.VPCID != "vpc-0a1b2c3d4e5f60001" {
			continue // prod's flow log only: staging's has another format
		}
		plain.Write(f.Append(nil, &r))
		plain.WriteByte('\n')
		if !broken {
			broken = true
			// The same record with a broken destination address.
			bad := strings.Replace(string(f.Append(nil, &r)), " "+r.Dst.String()+" ", " 10.0.999.1 ", 1)
			plain.WriteString(bad + "\n")
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain.Bytes())
	zw.Close()
	path := filepath.Join(t.TempDir(), "111122223333_vpcflowlogs_us-east-1_fl-08b9c0d1e2f3a0001_20261120T1000Z_0a1b.log.gz")
	if err := os.WriteFile(path, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFlowsFile reads an exported file: with the demo as the network the
// records are explained and diagnosed; without a network they are printed
// as they are; a malformed line is shown and counted, never fatal.
func TestFlowsFile(t *testing.T) {
	path := demoExport(t)
	code, out, errOut := runFlowsCLI("--demo", "--file", path, "--from", "batch-1", "--to", "10.0.33.12:5432")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"# source: file " + path, "↳ security-group sg-0e5f6a7b8c9d00014", "#   rejected-request: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, tail(out, 8))
		}
	}
	code, out, errOut = runFlowsCLI("--file", path, "--action", "REJECT", "--ascii")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"# no network given", "# malformed line (field 5 (dstaddr): not an IP address)", "1 malformed line", "10.0.81.7:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, tail(out, 8))
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.ContainsAny(line, "↳→…") || !strings.HasPrefix(line, "#") && strings.Contains(line, " ACCEPT") {
			t.Errorf("--ascii or --action not honoured: %q", line)
		}
	}
}

// TestFlowsBadInput: every bad input is one line on stderr and exit 2.
func TestFlowsBadInput(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--demo", "--snapshot", "x"},
		{"--demo", "--live"},
		{"--demo", "--since", "5m"},
		{"--file", "a", "--live"},
		{"--demo", "-o", "xml"},
		{"--demo", "--action", "DROP"},
		{"--demo", "--eni", "i-0123"},
		{"--demo", "--from", "app-1"},
		{"--demo", "--format", "${version} srcaddr"},
		{"--demo", "--from", "app-1", "--to", "10.0.33.12:99999"},
		{"--demo", "--from", "nosuchname", "--to", "10.0.33.12:5432"},
		{"--demo", "--protocol", "bogus"},
		{"--demo", "--nosuchflag"},
		{"--file", "/nonexistent/flows.log"},
		{"--file", "-", "--from", "app-1", "--to", "db"},
		{"--live", "--region", "us-east-1"},
		{"--snapshot", "x", "--follow", "--file", "y"},
		{"--demo", "--limit", "-1"},
		{"--demo", "--port", "70000"},
	} {
		code, out, errOut := runFlowsCLI(args...)
		if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "reach: flows: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	code, out, _ := runFlowsCLI("--help")
	if code != 0 || !strings.Contains(out, "--live") || !strings.Contains(out, "flow-log records") {
		t.Errorf("--help: %d %q", code, out)
	}
}

// TestFlowsLiveAgainstMoto runs --since (Logs Insights) and --live (which
// falls back to polling: moto has no Live Tail) against moto, after
// discovering the flow log through the read-only loader. Behind
// AWS_ENDPOINT_URL set to an address, Live Tail is asked at that address
// (no "stream-" host prefix), so moto's own answer is what is reported.
func TestFlowsLiveAgainstMoto(t *testing.T) {
	m, err := awstest.Start()
	m = awstest.Require(t, m, err)
	defer m.Stop()
	ctx := context.Background()
	cfg := awstest.Config(m.URL)
	_, _, enis := seedFlowLoggedVPC(t, ctx, cfg, "/vpc/flow-logs/moto", "", "10.9.1.10", "10.9.1.20")
	logs := cloudwatchlogs.NewFromConfig(cfg)
	now := time.Now().Add(-time.Minute).Unix()
	for i, eni := range enis {
		stream := eni + "-all"
		if _, err := logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: awssdk.String("/vpc/flow-logs/moto"), LogStreamName: &stream}); err != nil {
			t.Fatal(err)
		}
		action := []string{"ACCEPT", "REJECT"}[i]
		msg := strings.Join([]string{"2 123456789012", eni, "10.9.1.10 10.9.1.20 40001 5432 6 3 180", itoa(now), itoa(now + 60), action, "OK"}, " ")
		if _, err := logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: awssdk.String("/vpc/flow-logs/moto"), LogStreamName: &stream,
			LogEvents: []cwltypes.InputLogEvent{{Message: &msg, Timestamp: awssdk.Int64(now * 1000)}}}); err != nil {
			t.Fatal(err)
		}
	}
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	pointAtEndpoint(t, proxy.URL)

	// The path's query (with its one-address pre-filter) and the
	// interfaces' live tail (no pattern).
	for _, mode := range [][]string{
		{"--since", "30m", "--from", enis[0], "--to", "10.9.1.20:5432"},
		{"--live", "--for", "3s", "--eni", enis[0] + "," + enis[1]},
	} {
		code, out, errOut := runFlowsCLI(mode...)
		if code != 0 || errOut != "" {
			t.Fatalf("%v: exit %d: %s\n%s", mode, code, errOut, out)
		}
		for _, want := range []string{"flow log fl-", "reach can tail log group /vpc/flow-logs/moto", "10.9.1.10:40001 → 10.9.1.20:5432  tcp  ACCEPT",
			"10.9.1.10:40001 → 10.9.1.20:5432  tcp  REJECT"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q:\n%s", mode, want, out)
			}
		}
		if mode[0] == "--live" && (!strings.Contains(out, "Live Tail is unavailable (") || strings.Contains(out, "cannot reach the endpoint")) {
			t.Errorf("--live did not say it fell back to polling:\n%s", out)
		}
		if mode[0] == "--since" && !strings.Contains(out, "#   rejected-reply: ") && !strings.Contains(out, "# diagnosis of "+enis[0]) {
			t.Errorf("no diagnosis:\n%s", out)
		}
		t.Logf("%v:\n%s", mode, out)
	}

	// The configuration file's profile and Region apply to flows as to
	// check: no AWS_REGION, a profile that names none, and the account
	// loaded is remembered in the inventory cache under both.
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_DEFAULT_PROFILE", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	awsDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(awsDir, "config"), []byte("[profile moto-cfg]\noutput = json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(awsDir, "credentials"), []byte("[moto-cfg]\naws_access_key_id = test\naws_secret_access_key = test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(awsDir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(awsDir, "credentials"))
	writeConfig(t, "profile = \"moto-cfg\"\nregion = \""+awstest.Region+"\"\nascii = true\n")
	code, out, errOut := runFlowsCLI("--live", "--for", "3s", "--eni", enis[0])
	if code != 0 || errOut != "" {
		t.Fatalf("with the configuration file: exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "10.9.1.10:40001 -> 10.9.1.20:5432  tcp  ACCEPT") || strings.Contains(out, "→") {
		t.Errorf("the file's ascii = true did not apply, or no record:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(cache, "reach", cacheFile))
	if err != nil {
		t.Fatalf("flows wrote no inventory cache: %v", err)
	}
	if !strings.HasPrefix(string(b), "# reach inventory: live moto-cfg "+awstest.Region+"\n") || !strings.Contains(string(b), "\n"+enis[0]+"\t") {
		t.Errorf("inventory cache:\n%s", b)
	}
	for _, a := range proxy.Actions() {
		if !aws.Allowed(a) {
			t.Errorf("called %s, which is not on the read-only list", a)
		}
	}
}

// TestFlowsSnapshotWritesTheCache: like check, flows on a snapshot
// remembers its interfaces for completion; on the demo it does not.
func TestFlowsSnapshotWritesTheCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	path := demoExport(t)
	if code, _, errOut := runFlowsCLI("--demo", "--file", path, "--from", "batch-1", "--to", "10.0.33.12:5432"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(cache, "reach", cacheFile)); err == nil {
		t.Error("flows on the demo wrote the cache")
	}
	code, out, errOut := runFlowsCLI("--snapshot", "demo/snapshot", "--file", path, "--from", "batch-1", "--to", "10.0.33.12:5432")
	if code != 0 || !strings.Contains(out, "rejected-request: ") {
		t.Fatalf("snapshot: exit %d: %s\n%s", code, errOut, tail(out, 6))
	}
	b, err := os.ReadFile(filepath.Join(cache, "reach", cacheFile))
	if err != nil || !strings.HasPrefix(string(b), "# reach inventory: snapshot ") || !strings.Contains(string(b), "\neni-0f6a7b8c9d0e10014\t") {
		t.Errorf("cache (%v):\n%.300s", err, b)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFlowsOutputIsInert: flow-log lines are whatever a log holds. A
// malformed line and a record whose interface field carries terminal
// sequences (OSC 0 sets the title, ESC[2J clears the screen, OSC 52 writes
// the clipboard) or bidi overrides reach the terminal inert, in text and
// in JSON Lines.
func TestFlowsOutputIsInert(t *testing.T) {
	hostile := "eni-0a\x1b]0;pwned\x07\x1b[2J\x1b]52;c;aGk=\x07\u202e"
	lines := []string{
		"2 123456789012 " + hostile + " 10.0.81.7 10.0.33.12 40001 5432 6 3 180 1700000000 1700000060 REJECT OK",
		"2 123456789012 eni-0b 10.0.81.7 \x1b[31mnot-an-ip\x1b]0;x\x07 40001 5432 6 3 180 1700000000 1700000060 ACCEPT OK",
	}
	path := filepath.Join(t.TempDir(), "hostile.log")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, output := range []string{"text", "json"} {
		code, out, errOut := runFlowsCLI("--file", path, "-o", output)
		if code != 0 {
			t.Fatalf("-o %s: exit %d: %s", output, code, errOut)
		}
		for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
			if strings.Contains(out, bad) || strings.Contains(errOut, bad) {
				t.Errorf("-o %s wrote %q to the terminal:\n%q", output, bad, out)
			}
		}
		if !strings.Contains(out, "pwned") || !strings.Contains(out, "not-an-ip") {
			t.Errorf("-o %s: the hostile text must stay readable, escaped:\n%s", output, out)
		}
	}
}

// TestFlowsThroughLoadBalancer reads a path to the demo's Network Load
// Balancer: its targets' legs are read too (their records hold the
// target's address, not the load balancer's), shown beside the path's own
// records, and diagnosed by each leg's checklist; other traffic of the
// targets' interfaces is not shown.
func TestFlowsThroughLoadBalancer(t *testing.T) {
	const (
		client = "10.0.81.7"    // batch-1
		node   = "10.0.16.200"  // payment-api-nlb in us-east-1a
		app1   = "10.0.16.45"   // a healthy target, on 8443
		other  = "10.0.250.250" // nothing of the path
	)
	lines := []string{
		"2 111122223333 eni-0f6a7b8c9d0e10023 " + client + " " + node + " 40001 443 6 3 180 1795000000 1795000060 ACCEPT OK",
		"2 111122223333 eni-0f6a7b8c9d0e10012 " + client + " " + app1 + " 40001 8443 6 3 180 1795000000 1795000060 REJECT OK",
		"2 111122223333 eni-0f6a7b8c9d0e10012 " + client + " " + app1 + " 40002 8443 6 3 180 1795000000 1795000060 REJECT OK",
		"2 111122223333 eni-0f6a7b8c9d0e10012 " + other + " " + app1 + " 5555 22 6 1 60 1795000000 1795000060 REJECT OK",
	}
	path := filepath.Join(t.TempDir(), "flows.log")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runFlowsCLI("--demo", "--file", path, "--from", "batch-1", "--to", node+":443")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"# 3 records shown",
		"on the leg from load balancer payment-api-nlb to target i-01a2b3c4d5e6f0012: 2 requests from " + client + " rejected at eni-0f6a7b8c9d0e10012, yet the configuration finds the leg reachable",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, other+":5555") || strings.Contains(out, other+" ") {
		t.Errorf("a record of other traffic of the target's interface is shown:\n%s", out)
	}
}
