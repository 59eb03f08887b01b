package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/snapshot"
)

// TestLiveCheckAndSnapshotReplay runs the binary's commands against moto
// seeded with every kind reach reads: a live check, a snapshot save, and
// the same check on the saved snapshot must give the same report, and
// every AWS action called on the way must be on the read-only list.
func TestLiveCheckAndSnapshotReplay(t *testing.T) {
	m, err := awstest.Start()
	m = awstest.Require(t, m, err)
	defer m.Stop()
	ctx := context.Background()
	clients := awstest.NewClients(m.URL)
	topo, err := awstest.SeedFull(ctx, clients)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	pointAtEndpoint(t, proxy.URL)

	paths := [][]string{
		{"--from", topo.ENIWeb, "--to", topo.AppIP + ":8080"},
		{"--from", topo.ENIApp, "--to", topo.DBIP + ":5432"},
		{"--from", topo.ENIApp, "--to", topo.DBRecordName + ":5432"},
		// A public destination is left out: moto answers the
		// association.public-ip filter of a targeted load with HTTP 500,
		// which reach rightly turns into an unknown.
	}
	live := map[int]string{}
	for i, p := range paths {
		code, out, errOut := runCLI(append([]string{"check", "-o", "json"}, p...)...)
		if code == exitUsage || errOut != "" {
			t.Fatalf("live check %v: exit %d, stderr %q", p, code, errOut)
		}
		live[i] = out
		var rep struct{ Verdict string }
		_ = json.Unmarshal([]byte(out), &rep)
		t.Logf("live %v: %s", p, rep.Verdict)
		if rep.Verdict == "unknown" {
			t.Errorf("live %v is unknown: the seeded account holds everything this path needs\n%s", p, out)
		}
	}
	dir := filepath.Join(t.TempDir(), "snap")
	code, out, errOut := runCLI("snapshot", "save", dir)
	if code != 0 {
		t.Fatalf("snapshot save: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.HasPrefix(out, "saved "+dir) {
		t.Errorf("snapshot save said %q", out)
	}
	switch man, found, err := snapshot.ReadManifest(dir); {
	case err != nil || !found:
		t.Errorf("snapshot save wrote no readable manifest: found %v, %v", found, err)
	case man.Taken.IsZero() || man.Region != awstest.Region || man.Account == "" || man.Version == "" || man.Calls == 0:
		t.Errorf("the manifest misses when, where or by whom: %+v", man)
	}
	for _, a := range proxy.Actions() {
		if !aws.Allowed(a) {
			t.Errorf("called %s, which is not on the read-only list", a)
		}
	}
	if len(proxy.Actions()) == 0 {
		t.Fatal("no AWS action was recorded: the commands did not go through the proxy")
	}
	for i, p := range paths {
		code, out, errOut := runCLI(append([]string{"check", "-o", "json", "--snapshot", dir}, p...)...)
		if code == exitUsage || errOut != "" {
			t.Fatalf("snapshot check %v: exit %d, stderr %q", p, code, errOut)
		}
		if !sameReport(t, live[i], out) {
			t.Errorf("%v: the snapshot's report differs from the live one\nlive:\n%s\nsnapshot:\n%s", p, live[i], out)
		}
	}
	revokeAndCompare(t, ctx, clients, *topo, dir, proxy.URL)
}

// revokeAndCompare revokes the database group's rule for the app subnet
// after the snapshot was saved, and checks the path live against it as a
// baseline: reachable then, unreachable now, and the revoked rule is the
// change on the path.
func revokeAndCompare(t *testing.T, ctx context.Context, clients awstest.Clients, topo awstest.Topology, dir, proxyURL string) {
	t.Helper()
	_, err := clients.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: awssdk.String(topo.SGDB),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: awssdk.String("tcp"), FromPort: awssdk.Int32(5432), ToPort: awssdk.Int32(5432),
			IpRanges: []ec2types.IpRange{{CidrIp: awssdk.String("10.0.2.0/24")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	// CloudTrail recorded the revocation; the stand-in answers
	// LookupEvents and hands every other call on to the proxy.
	target, err := url.Parse(proxyURL)
	if err != nil {
		t.Fatal(err)
	}
	trail := &awstest.CloudTrail{Next: httputil.NewSingleHostReverseProxy(target)}
	trail.Add(awstest.ManagementEvent("ev-revoke", "RevokeSecurityGroupIngress", "AWS::EC2::SecurityGroup", topo.SGDB, time.Now().Add(-time.Hour),
		"arn:aws:iam::123456789012:role/network-admin", "alice", "203.0.113.7", "aws-cli/2.17.0",
		map[string]any{"groupId": topo.SGDB, "ipPermissions": map[string]any{"items": []any{map[string]any{"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
			"ipRanges": map[string]any{"items": []any{map[string]any{"cidrIp": "10.0.2.0/24"}}}}}}}))
	srv := httptest.NewServer(trail)
	defer srv.Close()
	pointAtEndpoint(t, srv.URL)
	defer pointAtEndpoint(t, proxyURL)
	code, out, errOut := runCLI("check", "-o", "json", "--baseline", dir, "--history", "--from", topo.ENIApp, "--to", topo.DBIP+":5432")
	if code != exitUnreachable || errOut != "" {
		t.Fatalf("live check --baseline --history: exit %d, stderr %q\n%s", code, errOut, out)
	}
	calls, _, throttled, shortest := trail.Stats()
	t.Logf("history: %d LookupEvents calls, %d throttled, shortest interval %s", calls, throttled, shortest)
	if calls == 0 || throttled != 0 {
		t.Errorf("%d LookupEvents calls, %d throttled; want some, none throttled", calls, throttled)
	}
	var rep struct {
		History []struct {
			Time, Event, Component, Principal, Detail string
			SourceIP                                  string `json:"source_ip"`
		}
		HistoryGaps []string `json:"history_gaps"`
		Baseline    struct{ Verdict string }
		Changes     []struct {
			Component, What string
			OnPath          bool `json:"on_path"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Baseline.Verdict != "reachable" {
		t.Errorf("the baseline's verdict is %q, want reachable", rep.Baseline.Verdict)
	}
	found := false
	for _, c := range rep.Changes {
		if c.Component == topo.SGDB && c.What == "inbound allow tcp 5432 from 10.0.2.0/24 removed" && c.OnPath {
			found = true
		}
	}
	if !found || len(rep.Changes) != 1 {
		// The snapshot and the live account describe the same resources
		// alike: only the revocation differs.
		t.Errorf("the changes are not exactly the revoked rule, on the path: %+v", rep.Changes)
	}
	if len(rep.HistoryGaps) != 0 || len(rep.History) != 1 {
		t.Fatalf("history %+v, gaps %v; want the one revocation", rep.History, rep.HistoryGaps)
	}
	h := rep.History[0]
	if h.Event != "RevokeSecurityGroupIngress" || h.Component != topo.SGDB || h.SourceIP != "203.0.113.7" ||
		!strings.HasSuffix(h.Principal, "assumed-role/network-admin/alice") || !strings.Contains(h.Detail, "cidrIp 10.0.2.0/24") {
		t.Errorf("history event %+v", h)
	}
	_, text, _ := runCLI("check", "--baseline", dir, "--history=1d", "--from", topo.ENIApp, "--to", topo.DBIP+":5432")
	if lead, _, _ := strings.Cut(text, "\n"); !strings.Contains(lead, "RevokeSecurityGroupIngress by arn:aws:sts::123456789012:assumed-role/network-admin/alice") {
		t.Errorf("the lead does not name who changed the rule: %q", lead)
	}
}

func sameReport(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("live report: %v", err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("snapshot report: %v", err)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}
