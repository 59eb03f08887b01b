package aws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// The organisation is seeded once into accounts of their own, after the
// shared server's one reset, and only read after.
var (
	orgOnce sync.Once
	orgTopo *awstest.OrgTopology
	orgErr  error
)

func seededOrganization(t *testing.T) (*awstest.Moto, *awstest.OrgTopology) {
	t.Helper()
	m, _ := seededMoto(t)
	orgOnce.Do(func() { orgTopo, orgErr = awstest.SeedOrganization(context.Background(), m.URL) })
	if orgErr != nil {
		t.Fatal(orgErr)
	}
	return m, orgTopo
}

const orgRoleName = "reach-read"

// loadTestOrganization reads the three accounts in both Regions through
// proxy, with the locked account's role refused.
func loadTestOrganization(t *testing.T, proxy *awstest.Proxy) *Organization {
	t.Helper()
	ctx := context.Background()
	proxy.InjectMatching(AssumeRoleAction, awstest.LockedAccount, awstest.Deny)
	accounts := Accounts{
		IDs:        []string{awstest.WorkloadAccount, awstest.DataAccount, awstest.LockedAccount},
		RoleName:   orgRoleName,
		ExternalID: "bastion-7",
		Regions:    []string{awstest.Region, awstest.SecondRegion},
	}
	res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), accounts, nil)
	if err != nil {
		t.Fatal(err)
	}
	org, err := LoadOrganization(ctx, res, 0, 0, nil, WithRetry(3, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return org
}

type orgPath struct {
	name     string
	from, to string
	port     int
	want     checks.Verdict
	// blocked is the layer that decides an unreachable verdict.
	blocked string
	// mentions are strings the report must hold (the unknown's reason).
	mentions []string
}

func orgPaths(topo *awstest.OrgTopology) []orgPath {
	return []orgPath{
		{name: "across accounts through a peering", from: topo.AppENI, to: topo.DBIP, port: 5432, want: checks.Reachable},
		{name: "across accounts, the database's group refuses", from: topo.AppENI, to: topo.DBIP, port: 22, want: checks.Unreachable, blocked: checks.LayerSecurityGroup},
		{name: "across Regions through a peering", from: topo.DBENI, to: topo.WebIP, port: 443, want: checks.Reachable},
		{name: "across Regions and accounts", from: topo.AppENI, to: topo.WebIP, port: 443, want: checks.Unreachable, blocked: checks.LayerRoute},
		{name: "into the account whose role is refused", from: topo.AppENI, to: topo.LockedIP, port: 443, want: checks.Unknown,
			mentions: []string{awstest.LockedAccount, "role/" + orgRoleName, "AccessDenied"}},
	}
}

// TestOrganizationLive loads three accounts in two Regions through assumed
// roles, one of them refused: the refused account is a named gap and the
// rest loads; paths across accounts and Regions get their verdicts; a
// snapshot saved as accounts/ACCOUNT/REGION/ reads back to the same
// verdicts.
func TestOrganizationLive(t *testing.T) {
	m, topo := seededOrganization(t)
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	org := loadTestOrganization(t, proxy)

	if got, want := org.Accounts(), []string{awstest.WorkloadAccount, awstest.DataAccount}; !slices.Equal(got, want) {
		t.Errorf("accounts loaded %v, want %v", got, want)
	}
	if got, want := org.Regions(), []string{awstest.SecondRegion, awstest.Region}; !slices.Equal(got, want) {
		t.Errorf("regions loaded %v, want %v", got, want)
	}
	if len(org.Failures) != 1 || org.Failures[0].Scope.Account != awstest.LockedAccount || org.Failures[0].Action != AssumeRoleAction {
		t.Fatalf("failures %+v, want the locked account's AssumeRole", org.Failures)
	}
	reason := org.Failures[0].Reason()
	for _, want := range []string{awstest.LockedAccount, "arn:aws:iam::" + awstest.LockedAccount + ":role/" + orgRoleName, "sts:AssumeRole", "AccessDenied"} {
		if !strings.Contains(reason, want) {
			t.Errorf("failure reason %q does not name %q", reason, want)
		}
	}
	for _, a := range proxy.Actions() {
		if !Allowed(a) {
			t.Errorf("called %s, which is not in AllowedActions", a)
		}
	}
	for _, g := range org.Inventory.Gaps {
		if !strings.Contains(g.Reason, "account ") {
			t.Errorf("gap %+v does not name its account", g)
		}
	}

	live, err := convert.Network(org.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "org")
	if err := snapshot.WriteParts(dir, org.Folders(), org.Inventory.Gaps); err != nil {
		t.Fatal(err)
	}
	for _, folder := range []string{"accounts/" + awstest.WorkloadAccount + "/" + awstest.Region, "accounts/" + awstest.DataAccount + "/" + awstest.SecondRegion} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(folder), "describe-vpcs.json")); err != nil {
			t.Errorf("snapshot layout: %v", err)
		}
	}
	readBack, err := snapshot.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := convert.Network(readBack)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range orgPaths(topo) {
		t.Run(p.name, func(t *testing.T) {
			q, err := checks.NewQuery(p.from, p.to, "tcp", p.port, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, src := range []struct {
				name string
				net  *checks.Network
			}{{"live", live}, {"saved", saved}} {
				rep, err := checks.Evaluate(src.net, q)
				if err != nil {
					t.Fatalf("%s: %v", src.name, err)
				}
				if rep.Verdict != p.want {
					t.Errorf("%s: verdict %s, want %s: %s", src.name, rep.Verdict, p.want, summaries(rep))
					continue
				}
				if p.blocked != "" && (rep.BlockedBy == nil || rep.BlockedBy.Layer != p.blocked) {
					t.Errorf("%s: blocked by %+v, want layer %s", src.name, rep.BlockedBy, p.blocked)
				}
				text := reportText(rep)
				for _, want := range p.mentions {
					if !strings.Contains(text, want) {
						t.Errorf("%s: the report does not name %q: %s", src.name, want, text)
					}
				}
			}
		})
	}
}

// reportText joins every finding's words.
func reportText(rep checks.Report) string {
	var b strings.Builder
	for _, l := range rep.Layers {
		b.WriteString(l.Summary + "\n")
		for _, f := range l.Findings {
			b.WriteString(f.Code + " " + f.Component + " " + f.Rule + " " + f.Detail + " " + f.Fix + "\n")
		}
	}
	return b.String()
}

// TestOrganizationRoundsDoNotGrow loads the organisation's two readable
// accounts, then the same with more accounts: the sequential rounds stay
// the same, since every account loads at once.
func TestOrganizationRoundsDoNotGrow(t *testing.T) {
	m, _ := seededOrganization(t)
	ctx := context.Background()
	rounds := map[int]int{}
	for _, n := range []int{2, 6} {
		ids := []string{awstest.WorkloadAccount, awstest.DataAccount}
		for i := len(ids); i < n; i++ {
			ids = append(ids, strings.Repeat(string(rune('5'+i-2)), 12))
		}
		res, err := ResolveTargets(ctx, awstest.Config(m.URL), Accounts{IDs: ids, RoleName: orgRoleName}, nil)
		if err != nil {
			t.Fatal(err)
		}
		org, err := LoadOrganization(ctx, res, 0, 0, nil, WithRetry(3, 10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if len(org.Parts) != n || len(org.Failures) != 0 {
			t.Fatalf("%d accounts: %d parts, failures %+v", n, len(org.Parts), org.Failures)
		}
		rounds[n] = org.Stats.Rounds
	}
	if rounds[2] != rounds[6] {
		t.Errorf("rounds grew with the accounts: %v", rounds)
	}
}

// TestMergerConflicts: two parts describing one resource alike merge
// silently; differently (beyond tags), they are a conflict naming both
// folders.
func TestMergerConflicts(t *testing.T) {
	tgw := func(state, name string) *inventory.Inventory {
		inv := inventory.NewInventory()
		inv.TransitGateways = append(inv.TransitGateways, tgwWith("tgw-0shared", state, name))
		inv.Present[checks.KindTransitGateways] = true
		return inv
	}
	cases := []struct {
		name      string
		a, b      *inventory.Inventory
		conflicts int
	}{
		{"the same copy, tags aside", tgw("available", "network"), tgw("available", "shared-from-network"), 0},
		{"two states", tgw("available", "x"), tgw("deleting", "x"), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := inventory.NewMerger()
			m.Add(c.a, "accounts/1/r", nil)
			m.Add(c.b, "accounts/2/r", nil)
			inv := m.Inventory()
			if len(inv.Conflicts) != c.conflicts {
				t.Fatalf("conflicts %+v, want %d", inv.Conflicts, c.conflicts)
			}
			if c.conflicts > 0 && inv.Conflicts[0].Files != [2]string{"accounts/1/r", "accounts/2/r"} {
				t.Errorf("conflict names %v", inv.Conflicts[0].Files)
			}
			if len(inv.TransitGateways) != 2 || len(inv.PresentIn) != 2 {
				t.Errorf("merged %d copies, %d folders", len(inv.TransitGateways), len(inv.PresentIn))
			}
		})
	}
}

func tgwWith(id, state, name string) ec2types.TransitGateway {
	return ec2types.TransitGateway{TransitGatewayId: awssdk.String(id), State: ec2types.TransitGatewayState(state),
		Tags: []ec2types.Tag{{Key: awssdk.String("Name"), Value: awssdk.String(name)}}}
}

// BenchmarkLoadOrganization loads 50 accounts × 2 Regions, each with a
// VPC, a subnet, a group and an instance, through the fault proxy adding
// 50 ms to every call, whole and around one path: the figures of
// docs/PERFORMANCE.md.
//
//	go test ./aws -run '^$' -bench BenchmarkLoadOrganization -benchtime 1x
func BenchmarkLoadOrganization(b *testing.B) {
	m, _ := seededMoto(b)
	ctx := context.Background()
	const accounts = 50
	var ids, enis []string
	for i := range accounts {
		id := fmt.Sprintf("7%011d", i+1)
		ids = append(ids, id)
		for j, region := range []string{awstest.Region, awstest.SecondRegion} {
			eni, err := awstest.SeedAccountVPC(ctx, m.URL, id, region, fmt.Sprintf("10.%d.0.0/16", 100+j))
			if err != nil {
				b.Fatal(err)
			}
			enis = append(enis, eni)
		}
	}
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer proxy.Close()
	a := Accounts{IDs: ids, RoleName: orgRoleName, Regions: []string{awstest.Region, awstest.SecondRegion}}
	// Without latency the wall time is the emulator's own: what the
	// latency adds is the difference. A check reads only its path in each
	// account (LoadOrganizationPath): here from the first account's
	// instance to the second's, both in the first Region.
	from, to := []string{enis[0]}, []string{enis[2] + ":443"}
	for _, load := range []string{"full", "path"} {
		for _, latency := range []time.Duration{50 * time.Millisecond, 0} {
			b.Run(fmt.Sprintf("%s-latency-%s", load, latency), func(b *testing.B) {
				proxy.Reset()
				proxy.SetLatency(latency)
				var org *Organization
				for b.Loop() {
					res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), a, nil)
					if err != nil {
						b.Fatal(err)
					}
					if load == "full" {
						org, err = LoadOrganization(ctx, res, 0, 0, nil, WithRetry(3, 10*time.Millisecond))
					} else {
						org, err = LoadOrganizationPath(ctx, res, 0, 0, from, to, WithRetry(3, 10*time.Millisecond))
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if len(org.Parts) != 2*accounts || len(org.Failures) != 0 {
					b.Fatalf("%d parts, failures %+v", len(org.Parts), org.Failures)
				}
				b.ReportMetric(float64(org.Stats.Calls), "calls/op")
				b.ReportMetric(float64(org.Stats.Rounds), "rounds/op")
				b.ReportMetric(float64(proxy.MaxInFlight()), "max-in-flight")
				b.ReportMetric(org.Stats.Elapsed.Seconds(), "wall-s/op")
			})
		}
	}
}

// TestOrganizationRegionNotEnabled: a Region that answers OptInRequired is
// a named gap for each account in it, and the other Region still loads.
func TestOrganizationRegionNotEnabled(t *testing.T) {
	m, topo := seededOrganization(t)
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.InjectRegion(awstest.SecondRegion, awstest.OptIn)
	ctx := context.Background()
	res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), Accounts{IDs: []string{awstest.WorkloadAccount, awstest.DataAccount}, RoleName: orgRoleName,
		Regions: []string{awstest.Region, awstest.SecondRegion}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	org, err := LoadOrganization(ctx, res, 0, 0, nil, WithRetry(3, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if got := org.Regions(); !slices.Equal(got, []string{awstest.Region}) {
		t.Errorf("regions loaded %v, want only %s", got, awstest.Region)
	}
	if len(org.Failures) != 2 {
		t.Fatalf("failures %+v, want one per account in %s", org.Failures, awstest.SecondRegion)
	}
	for _, f := range org.Failures {
		if r := f.Reason(); f.Scope.Region != awstest.SecondRegion || !strings.Contains(r, "OptInRequired") || !strings.Contains(r, f.Scope.Account) {
			t.Errorf("failure %q", r)
		}
	}
	n, err := convert.Network(org.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		to   string
		port int
		want checks.Verdict
	}{{topo.DBIP, 5432, checks.Reachable}, {topo.WebIP, 443, checks.Unknown}} {
		q, err := checks.NewQuery(topo.DBENI, c.to, "tcp", c.port, 0)
		if err != nil {
			t.Fatal(err)
		}
		if c.to == topo.DBIP {
			q, _ = checks.NewQuery(topo.AppENI, c.to, "tcp", c.port, 0)
		}
		rep, err := checks.Evaluate(n, q)
		if err != nil || rep.Verdict != c.want {
			t.Errorf("to %s: %s (%v), want %s: %s", c.to, rep.Verdict, err, c.want, summaries(rep))
		}
	}
}

// TestMergerKeepsOneCopyOfAGlobalList: Route 53 read in two Regions of one
// account gives a zone's records twice; the merge keeps one list.
func TestMergerKeepsOneCopyOfAGlobalList(t *testing.T) {
	part := func() *inventory.Inventory {
		inv := inventory.NewInventory()
		inv.RecordSets["Z1"] = []r53types.ResourceRecordSet{{Name: awssdk.String("db.internal."), Type: r53types.RRTypeA}}
		return inv
	}
	m := inventory.NewMerger()
	m.Add(part(), "accounts/1/us-east-1", nil)
	m.Add(part(), "accounts/1/eu-west-1", nil)
	if got := len(m.Inventory().RecordSets["Z1"]); got != 1 {
		t.Errorf("%d copies of the zone's records, want 1", got)
	}
}

// TestOrganizationListsItsAccounts: --organization reads the accounts
// organizations:ListAccounts lists (moto: the management account and the
// ones it created), each through the role.
func TestOrganizationListsItsAccounts(t *testing.T) {
	m, _ := seededOrganization(t)
	ctx := context.Background()
	org := organizations.NewFromConfig(awstest.Config(m.URL))
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	created, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: awssdk.String("workload"), Email: awssdk.String("workload@example.invalid")})
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), Accounts{Organization: true, RoleName: orgRoleName}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, target := range res.Targets {
		got = append(got, target.Scope.Account)
		if target.Scope.Role != "arn:aws:iam::"+target.Scope.Account+":role/"+orgRoleName {
			t.Errorf("account %s read through %q", target.Scope.Account, target.Scope.Role)
		}
	}
	want := []string{"123456789012", awssdk.ToString(created.CreateAccountStatus.AccountId)}
	slices.Sort(want)
	if !slices.Equal(got, want) || len(res.Failures) != 0 {
		t.Errorf("accounts %v (failures %+v), want %v", got, res.Failures, want)
	}
	if !slices.Contains(proxy.Actions(), ListAccountsAction) {
		t.Errorf("organizations:ListAccounts was not called: %v", proxy.Actions())
	}
}

// TestOrganizationProgress: the load tells of each account and Region as
// it lands, with the network so far: the parts still loading are pending
// gaps of their account, so a path that needs one of them is unknown until
// it lands (never decided without it; a path within one Region needs no
// other Region's part), and the last step is the whole
// organisation, nothing pending.
func TestOrganizationProgress(t *testing.T) {
	m, topo := seededOrganization(t)
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.InjectMatching(AssumeRoleAction, awstest.LockedAccount, awstest.Deny)
	ctx := context.Background()
	res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), Accounts{
		IDs: []string{awstest.WorkloadAccount, awstest.DataAccount, awstest.LockedAccount}, RoleName: orgRoleName,
		Regions: []string{awstest.Region, awstest.SecondRegion}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := checks.NewQuery(topo.AppENI, topo.DBIP, "tcp", 5432, 0)
	if err != nil {
		t.Fatal(err)
	}
	var steps []Progress
	_, err = LoadOrganization(ctx, res, 0, 0, func(p Progress) { steps = append(steps, p) }, WithRetry(3, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != len(res.Targets) {
		t.Fatalf("%d steps for %d parts", len(steps), len(res.Targets))
	}
	for i, p := range steps {
		if p.Done != i+1 || p.Total != len(res.Targets) {
			t.Errorf("step %d: %d of %d", i, p.Done, p.Total)
		}
		pendingAccounts := map[string]bool{}
		so := p.Organization()
		for _, g := range so.Inventory.Gaps {
			if g.Pending {
				pendingAccounts[g.Account] = true
				if !strings.Contains(g.Reason, "still loading") {
					t.Errorf("step %d: pending gap %+v does not say it is loading", i, g)
				}
			}
		}
		if got := len(so.Parts); got != p.Done {
			t.Errorf("step %d: %d parts so far, want %d", i, got, p.Done)
		}
		if len(so.Failures) != 1 {
			t.Errorf("step %d: failures %+v, want the locked account's from the start", i, so.Failures)
		}
		n, err := convert.Network(so.Inventory)
		if err != nil {
			t.Fatal(err)
		}
		rep, evalErr := checks.Evaluate(n, q)
		landed := map[string]bool{}
		for _, part := range so.Parts {
			landed[part.Scope.Folder()] = true
		}
		want := checks.Reachable
		for _, needed := range []string{awstest.WorkloadAccount, awstest.DataAccount} {
			if !landed["accounts/"+needed+"/"+awstest.Region] {
				want = checks.Unknown
			}
		}
		switch {
		case evalErr != nil && want == checks.Unknown && strings.Contains(evalErr.Error(), "still loading"):
			// The source's account and Region have not landed: the path
			// cannot be asked yet, and the refusal says why.
		case evalErr != nil:
			t.Errorf("step %d (landed %v): %v", i, landed, evalErr)
		case rep.Verdict != want:
			t.Errorf("step %d (landed %v): verdict %s, want %s: %s", i, landed, rep.Verdict, want, summaries(rep))
		}
		if i == len(steps)-1 && len(pendingAccounts) != 0 {
			t.Errorf("the last step has pending accounts %v", pendingAccounts)
		}
	}
}

// TestOrganizationPathLoadMatchesFull: reading only each path in every
// account gives the verdict, the blocking layer and every layer's status
// the whole load gives, with fewer calls: paths across accounts and
// Regions, into the refused account, and to addresses no interface has
// behind peerings (read by the account on the peering's other side).
func TestOrganizationPathLoadMatchesFull(t *testing.T) {
	m, topo := seededOrganization(t)
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	full := loadTestOrganization(t, proxy)
	fullNet, err := convert.Network(full.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	paths := append(orgPaths(topo), []orgPath{
		{name: "to an address without an interface across a peering", from: topo.AppENI, to: "10.20.1.99", port: 5432},
		{name: "to an address without an interface across Regions", from: topo.DBENI, to: "10.30.1.99", port: 443},
		{name: "to an address behind the refused account's peering", from: topo.AppENI, to: "10.40.1.99", port: 443},
		{name: "to the internet", from: topo.AppENI, to: "8.8.8.8", port: 443},
	}...)
	ctx := context.Background()
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			proxy.InjectMatching(AssumeRoleAction, awstest.LockedAccount, awstest.Deny)
			res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), Accounts{
				IDs: []string{awstest.WorkloadAccount, awstest.DataAccount, awstest.LockedAccount}, RoleName: orgRoleName,
				Regions: []string{awstest.Region, awstest.SecondRegion}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			org, err := LoadOrganizationPath(ctx, res, 0, 0, []string{p.from}, []string{fmt.Sprintf("%s:%d", p.to, p.port)}, WithRetry(3, 10*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			if org.Stats.Calls >= full.Stats.Calls {
				t.Errorf("the path load made %d calls, the whole load %d", org.Stats.Calls, full.Stats.Calls)
			}
			pathNet, err := convert.Network(org.Inventory)
			if err != nil {
				t.Fatal(err)
			}
			q, err := checks.NewQuery(p.from, p.to, "tcp", p.port, 0)
			if err != nil {
				t.Fatal(err)
			}
			want, err := checks.Evaluate(fullNet, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := checks.Evaluate(pathNet, q)
			if err != nil {
				t.Fatal(err)
			}
			if p.want != "" && want.Verdict != p.want {
				t.Fatalf("the whole load's verdict %s, want %s", want.Verdict, p.want)
			}
			if got.Verdict != want.Verdict || fmt.Sprint(got.BlockedBy) != fmt.Sprint(want.BlockedBy) || layerStatuses(got) != layerStatuses(want) {
				t.Errorf("path load: %s %v %s\nwhole load: %s %v %s", got.Verdict, got.BlockedBy, summaries(got), want.Verdict, want.BlockedBy, summaries(want))
			}
		})
	}
}

func layerStatuses(rep checks.Report) string {
	var b strings.Builder
	for _, l := range rep.Layers {
		b.WriteString(l.Name + "=" + string(l.Status) + " ")
	}
	return b.String()
}
