package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// TestOrganizationCheckAndSnapshot runs check and snapshot save across
// three accounts in two Regions against moto, one account's role refused:
// the refused account is named on stderr and in the report of the path
// that needs it, the others get their verdicts, the configuration file
// names the organisation as the flags do, and the saved snapshot
// (accounts/ACCOUNT/REGION/) gives the same reports.
func TestOrganizationCheckAndSnapshot(t *testing.T) {
	m, err := awstest.Start()
	m = awstest.Require(t, m, err)
	defer m.Stop()
	topo, err := awstest.SeedOrganization(context.Background(), m.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.InjectMatching(aws.AssumeRoleAction, awstest.LockedAccount, awstest.Deny)
	pointAtEndpoint(t, proxy.URL)
	t.Setenv("REACH_CONFIG", filepath.Join(t.TempDir(), "none.toml"))
	if err := os.WriteFile(os.Getenv("REACH_CONFIG"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	org := []string{"--accounts", strings.Join([]string{awstest.WorkloadAccount, awstest.DataAccount, awstest.LockedAccount}, ","),
		"--role-name", "reach-read", "--external-id", "bastion-7", "--regions", awstest.Region + "," + awstest.SecondRegion}

	paths := []struct {
		name     string
		args     []string
		verdict  string
		exit     int
		mentions string
	}{
		{"across accounts", []string{"--from", topo.AppENI, "--to", topo.DBIP + ":5432"}, "reachable", 0, ""},
		{"across accounts, refused by the group", []string{"--from", topo.AppENI, "--to", topo.DBIP + ":22"}, "unreachable", 1, ""},
		{"across Regions", []string{"--from", topo.DBENI, "--to", topo.WebIP + ":443"}, "reachable", 0, ""},
		{"into the refused account", []string{"--from", topo.AppENI, "--to", topo.LockedIP + ":443"}, "unknown", 3, "role/reach-read"},
		{"from an interface no loaded account has", []string{"--from", "eni-0123456789abcdef0", "--to", topo.DBIP + ":5432"}, "unknown", 3, awstest.LockedAccount},
	}
	live := map[string]string{}
	for _, p := range paths {
		code, out, errOut := runCLI(append(append([]string{"check", "-o", "json"}, org...), p.args...)...)
		if code != p.exit {
			t.Errorf("%s: exit %d, want %d\n%s\n%s", p.name, code, p.exit, out, errOut)
			continue
		}
		if !strings.Contains(errOut, "unreadable: account "+awstest.LockedAccount) {
			t.Errorf("%s: stderr does not name the refused account: %q", p.name, errOut)
		}
		var rep struct{ Verdict string }
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Verdict != p.verdict {
			t.Errorf("%s: verdict %q (%v), want %s\n%s", p.name, rep.Verdict, err, p.verdict, out)
		}
		if p.mentions != "" && !strings.Contains(out, p.mentions) {
			t.Errorf("%s: the report does not name %q\n%s", p.name, p.mentions, out)
		}
		live[p.name] = out
	}

	// The same organisation named in the configuration file.
	conf := "accounts = [\"" + awstest.WorkloadAccount + "\", \"" + awstest.DataAccount + "\", \"" + awstest.LockedAccount + "\"]\n" +
		"role_name = \"reach-read\"\nexternal_id = \"bastion-7\"\nregions = [\"" + awstest.Region + "\", \"" + awstest.SecondRegion + "\"]\n"
	if err := os.WriteFile(os.Getenv("REACH_CONFIG"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(append([]string{"check", "-o", "json"}, paths[0].args...)...)
	if code != 0 || !sameReport(t, live[paths[0].name], out) {
		t.Errorf("from the configuration file: exit %d\n%s\n%s", code, out, errOut)
	}

	dir := filepath.Join(t.TempDir(), "org")
	code, out, errOut = runCLI(append([]string{"snapshot", "save", dir}, org...)...)
	if code != 0 {
		t.Fatalf("snapshot save: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "2 accounts · 2 Regions · failed: "+awstest.LockedAccount) {
		t.Errorf("snapshot save said %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "accounts", awstest.DataAccount, awstest.SecondRegion, "describe-network-interfaces.json")); err != nil {
		t.Errorf("snapshot layout: %v", err)
	}
	if err := os.WriteFile(os.Getenv("REACH_CONFIG"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		code, out, errOut := runCLI(append([]string{"check", "-o", "json", "--snapshot", dir}, p.args...)...)
		if code != p.exit || errOut != "" {
			t.Errorf("%s from the snapshot: exit %d, stderr %q", p.name, code, errOut)
			continue
		}
		if !sameReport(t, live[p.name], out) {
			t.Errorf("%s: the snapshot's report differs from the live one\nlive:\n%s\nsnapshot:\n%s", p.name, live[p.name], out)
		}
	}

	// The terminal's source: progress in the header, then the network and
	// the accounts that loaded and failed.
	src := sourceFlags{org: aws.Accounts{IDs: []string{awstest.WorkloadAccount, awstest.DataAccount, awstest.LockedAccount}, RoleName: "reach-read",
		ExternalID: "bastion-7", Regions: []string{awstest.Region, awstest.SecondRegion}}}
	var scopes []string
	var enis int
	for u := range tuiSource(src, nil, nil).Load(context.Background()) {
		if u.Err != nil {
			t.Fatalf("terminal source: %v", u.Err)
		}
		if u.Scope != "" {
			scopes = append(scopes, u.Scope)
		}
		switch {
		case u.Network != nil:
			enis = len(u.Network.ENIs)
		case u.Build != nil:
			built, err := u.Build()
			if err != nil {
				t.Fatal(err)
			}
			enis = len(built.Network.ENIs)
		}
	}
	if len(scopes) == 0 || scopes[len(scopes)-1] != "2 accounts · 2 Regions · failed: "+awstest.LockedAccount || enis != 3 {
		t.Errorf("terminal source: scopes %q, %d interfaces", scopes, enis)
	}

	// One profile per account, each with a session of its account's role
	// (the SDK's own role_arn profiles call the real STS, not the
	// emulator); the fix names the profile to run it with.
	profiles := "[default]\naws_access_key_id = test\naws_secret_access_key = test\n"
	for name, account := range map[string]string{"work": awstest.WorkloadAccount, "data": awstest.DataAccount} {
		creds, err := sts.NewFromConfig(awstest.Config(m.URL)).AssumeRole(context.Background(), &sts.AssumeRoleInput{
			RoleArn: sdkaws.String("arn:aws:iam::" + account + ":role/reach-read"), RoleSessionName: sdkaws.String("test")})
		if err != nil {
			t.Fatal(err)
		}
		c := creds.Credentials
		profiles += "[profile " + name + "]\naws_access_key_id = " + *c.AccessKeyId + "\naws_secret_access_key = " + *c.SecretAccessKey +
			"\naws_session_token = " + *c.SessionToken + "\n"
	}
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	// Keys in the environment would win over every profile's.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	code, out, errOut = runCLI(append([]string{"check", "-o", "json", "--profiles", "work,data", "--regions", awstest.Region + "," + awstest.SecondRegion}, paths[1].args...)...)
	if code != exitUnreachable || errOut != "" || !strings.Contains(out, "--profile data") {
		t.Errorf("--profiles: exit %d, stderr %q, want unreachable and a fix with --profile data\n%s", code, errOut, out)
	}

	for _, a := range proxy.Actions() {
		if !aws.Allowed(a) {
			t.Errorf("called %s, which is not on the read-only list", a)
		}
	}
}

// TestOrganizationFlagsRefuseBadInput: bad account IDs, a role without
// accounts, profiles with accounts: one line, exit 2, before any call.
func TestOrganizationFlagsRefuseBadInput(t *testing.T) {
	pointAtEndpoint(t, "http://127.0.0.1:1")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"not an account ID", []string{"--accounts", "12345", "--role-name", "r"}, "not an account ID"},
		{"accounts without a role", []string{"--accounts", "111111111111"}, "need --role-name"},
		{"a role without accounts", []string{"--role-name", "r"}, "needs --accounts or --organization"},
		{"profiles and accounts", []string{"--profiles", "a", "--accounts", "111111111111", "--role-name", "r"}, "excludes --accounts"},
		{"a bad Region", []string{"--regions", "mars-1", "--accounts", "111111111111", "--role-name", "r"}, "not a Region"},
		{"all among others", []string{"--regions", "all,us-east-1", "--accounts", "111111111111", "--role-name", "r"}, "not a Region"},
		{"with the demo", []string{"--demo", "--accounts", "111111111111", "--role-name", "r"}, "exclude each other"},
		{"the analyzer across accounts", []string{"--analyzer", "--accounts", "111111111111", "--role-name", "r"}, "--analyzer asks Reachability Analyzer in one account"},
		{"the history across accounts", []string{"--history", "--accounts", "111111111111", "--role-name", "r"}, "--history reads one account"},
		{"the analyzer across Regions", []string{"--analyzer", "--regions", "us-east-1,eu-west-1"}, "--analyzer asks Reachability Analyzer in one account"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(append([]string{"check", "--from", "eni-1", "--to", "10.0.0.1:22"}, c.args...)...)
			if code != exitUsage || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, errOut, c.want)
			}
		})
	}
}

// TestFixWithProfiles: a fix that must run in an account read through a
// profile names the profile; one read through a role keeps the account.
func TestFixWithProfiles(t *testing.T) {
	fix := "aws ec2 authorize-security-group-ingress --group-id sg-1"
	rep := checks.Report{Layers: []checks.Layer{{Name: checks.LayerSecurityGroup, Findings: []checks.Finding{
		{Fix: fix + checks.FixAccountMarker + "222222222222"},
		{Fix: fix + checks.FixAccountMarker + "333333333333"},
		{Fix: fix},
	}}}}
	fixWithProfiles(&rep, map[string]string{"222222222222": "data"})
	want := []string{fix + " --profile data", fix + checks.FixAccountMarker + "333333333333", fix}
	for i, f := range rep.Layers[0].Findings {
		if f.Fix != want[i] {
			t.Errorf("fix %d: %q, want %q", i, f.Fix, want[i])
		}
	}
}

// TestOrgScope: the header says how many accounts and Regions loaded and
// which failed.
func TestOrgScope(t *testing.T) {
	org := &aws.Organization{
		Parts: []aws.Part{{Scope: aws.Scope{Account: "111111111111", Region: "us-east-1"}, Inventory: inventory.NewInventory()},
			{Scope: aws.Scope{Account: "111111111111", Region: "eu-west-1"}, Inventory: inventory.NewInventory()},
			{Scope: aws.Scope{Account: "222222222222", Region: "us-east-1"}, Inventory: inventory.NewInventory()},
			{Scope: aws.Scope{Account: "222222222222", Region: "eu-west-1"}}},
		Failures: []aws.ScopeFailure{{Scope: aws.Scope{Account: "444444444444"}}, {Scope: aws.Scope{Account: "222222222222", Region: "eu-west-1"}},
			{Scope: aws.Scope{Profile: "gone", Region: "us-east-1"}}},
	}
	if got, want := orgScope(org), "2 accounts · 2 Regions · failed: 222222222222 eu-west-1, 444444444444, profile gone us-east-1"; got != want {
		t.Errorf("scope %q, want %q", got, want)
	}
	progress := aws.Progress{Done: 4, Total: 6, Parts: org.Parts, Failures: org.Failures}
	if got, want := orgProgressScope(progress), "2 accounts · 2 Regions · failed: 222222222222 eu-west-1, 444444444444, profile gone us-east-1 · 4 of 6 accounts and Regions read"; got != want {
		t.Errorf("progress scope %q, want %q", got, want)
	}
}

// TestConfigOrganizationNamedByOneAccountCommands: a command that reads one
// account says so when the configuration file names several, rather than
// read the profile's account as if it were the organisation; the demo and
// commands that read the organisation say nothing.
func TestConfigOrganizationNamedByOneAccountCommands(t *testing.T) {
	pointAtEndpoint(t, "http://127.0.0.1:1")
	t.Setenv("REACH_CONFIG", filepath.Join(t.TempDir(), "org.toml"))
	if err := os.WriteFile(os.Getenv("REACH_CONFIG"), []byte("accounts = [\"111111111111\"]\nrole_name = \"reach-read\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const note = "reads one account and Region (the profile's); the accounts and Regions of the configuration file are not read"
	cases := []struct {
		name string
		args []string
		note bool
	}{
		{"sweep", []string{"sweep", "--to", "10.0.0.1:22", "--call-timeout", "1s", "--load-timeout", "2s"}, true},
		{"report", []string{"report", "--from", "eni-1", "--to", "10.0.0.1:22", "--call-timeout", "1s", "--load-timeout", "2s"}, true},
		{"flows", []string{"flows", "--from", "eni-1", "--to", "10.0.0.1:22", "--since", "5m"}, true},
		{"sweep on the demo", []string{"sweep", "--demo", "--to", "10.0.33.12:5432"}, false},
		{"check, which reads the organisation", []string{"check", "--from", "eni-1", "--to", "10.0.0.1:22", "--call-timeout", "1s", "--load-timeout", "2s"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, errOut := runCLI(c.args...)
			if got := strings.Contains(errOut, note); got != c.note {
				t.Errorf("note %v, want %v; stderr %q", got, c.note, errOut)
			}
		})
	}
}
