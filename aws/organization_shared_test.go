package aws

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// The shared network is seeded once, behind one Sharing stand-in (see
// awstest.Sharing: moto shares nothing through RAM and refuses references
// to another account's group, so Sharing answers each account as AWS does).
var (
	sharedOnce sync.Once
	sharedNet  *awstest.Sharing
	sharedTopo *awstest.SharedTopology
	sharedErr  error
)

func seededSharedNetwork(t *testing.T) (*awstest.Sharing, *awstest.SharedTopology) {
	t.Helper()
	m, _ := seededMoto(t)
	sharedOnce.Do(func() {
		sharedNet = awstest.NewSharing(m.URL)
		sharedTopo, sharedErr = awstest.SeedSharedNetwork(context.Background(), m.URL, sharedNet)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedNet, sharedTopo
}

// loadSharedNetwork reads the three accounts through their roles, behind
// the fault proxy (which records every call) in front of Sharing.
func loadSharedNetwork(t *testing.T) *Organization {
	t.Helper()
	sharing, _ := seededSharedNetwork(t)
	proxy, err := awstest.NewProxy(sharing.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	ctx := context.Background()
	res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), Accounts{
		IDs:      []string{awstest.NetworkAccount, awstest.ParticipantAccount, awstest.DatabaseAccount},
		RoleName: orgRoleName,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	org, err := LoadOrganization(ctx, res, 0, 0, nil, WithRetry(3, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(org.Failures) != 0 {
		t.Fatalf("failures %+v", org.Failures)
	}
	for _, a := range proxy.Actions() {
		if !Allowed(a) {
			t.Errorf("called %s, which is not in AllowedActions", a)
		}
	}
	return org
}

// liveAndSaved is the organisation's network as loaded, and as read back
// from the snapshot `reach snapshot save` writes of it.
func liveAndSaved(t *testing.T, org *Organization) map[string]*checks.Network {
	t.Helper()
	live, err := convert.Network(org.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "org")
	if err := snapshot.WriteParts(dir, org.Folders(), org.Inventory.Gaps); err != nil {
		t.Fatal(err)
	}
	readBack, err := snapshot.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := convert.Network(readBack)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*checks.Network{"live": live, "saved": saved}
}

// checkOrgPath evaluates p on each network and compares.
func checkOrgPath(t *testing.T, nets map[string]*checks.Network, p orgPath, component string) {
	t.Helper()
	q, err := checks.NewQuery(p.from, p.to, "tcp", p.port, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(nets)) {
		rep, err := checks.Evaluate(nets[name], q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rep.Verdict != p.want {
			t.Errorf("%s: verdict %s, want %s: %s", name, rep.Verdict, p.want, summaries(rep))
			continue
		}
		if p.blocked != "" && (rep.BlockedBy == nil || rep.BlockedBy.Layer != p.blocked || (component != "" && rep.BlockedBy.Component != component)) {
			t.Errorf("%s: blocked by %+v, want layer %s at %q", name, rep.BlockedBy, p.blocked, component)
		}
		text := reportText(rep)
		for _, h := range rep.Hops {
			text += h.Component + "\n"
		}
		for _, want := range p.mentions {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the report does not name %q: %s", name, want, text)
			}
		}
	}
}

// partOf is the inventory the account gave.
func partOf(t *testing.T, org *Organization, account string) Part {
	t.Helper()
	for _, p := range org.Parts {
		if p.Scope.Account == account && p.Inventory != nil {
			return p
		}
	}
	t.Fatalf("no part for account %s", account)
	return Part{}
}

// TestSharedNetworkEachAccountSeesItsShare: what each account's own reads
// give, before any merge, is what AWS shows it: the participant sees the
// shared VPC and subnet as the owner's, with its own instance in them, and
// none of the owner's route tables or network ACLs; the database account
// sees the shared transit gateway and its own attachment, not the transit
// gateway's route tables; the owner sees both attachments, the database's
// owned by the database account.
func TestSharedNetworkEachAccountSeesItsShare(t *testing.T) {
	_, topo := seededSharedNetwork(t)
	org := loadSharedNetwork(t)

	participant := partOf(t, org, awstest.ParticipantAccount).Inventory
	subnetOwner := ""
	for _, s := range participant.Subnets {
		if awssdk.ToString(s.SubnetId) == topo.SharedSubnet {
			subnetOwner = awssdk.ToString(s.OwnerId)
		}
	}
	if subnetOwner != awstest.NetworkAccount {
		t.Errorf("the participant sees the shared subnet owned by %q, want %s", subnetOwner, awstest.NetworkAccount)
	}
	for _, rt := range participant.RouteTables {
		if awssdk.ToString(rt.VpcId) == topo.SharedVPC {
			t.Errorf("the participant sees the shared VPC's route table %s", awssdk.ToString(rt.RouteTableId))
		}
	}
	for _, acl := range participant.NetworkACLs {
		if awssdk.ToString(acl.VpcId) == topo.SharedVPC {
			t.Errorf("the participant sees the shared VPC's network ACL %s", awssdk.ToString(acl.NetworkAclId))
		}
	}
	appInShared := false
	for _, ni := range participant.NetworkInterfaces {
		if awssdk.ToString(ni.NetworkInterfaceId) == topo.AppENI {
			appInShared = awssdk.ToString(ni.SubnetId) == topo.SharedSubnet && awssdk.ToString(ni.VpcId) == topo.SharedVPC &&
				awssdk.ToString(ni.OwnerId) == awstest.ParticipantAccount
		}
	}
	if !appInShared {
		t.Errorf("app-1's interface is not the participant's in the shared subnet")
	}

	database := partOf(t, org, awstest.DatabaseAccount).Inventory
	var tgws []string
	for _, g := range database.TransitGateways {
		tgws = append(tgws, awssdk.ToString(g.TransitGatewayId)+" owned by "+awssdk.ToString(g.OwnerId))
	}
	if want := []string{topo.TransitGateway + " owned by " + awstest.NetworkAccount}; !slices.Equal(tgws, want) {
		t.Errorf("the database account sees transit gateways %v, want %v", tgws, want)
	}
	if n := len(database.TransitGatewayRouteTables); n != 0 {
		t.Errorf("the database account sees %d transit gateway route tables, want none", n)
	}
	var attachments []string
	for _, a := range database.TransitGatewayAttachments {
		attachments = append(attachments, awssdk.ToString(a.TransitGatewayAttachmentId))
	}
	if want := []string{topo.DatabaseAttachment}; !slices.Equal(attachments, want) {
		t.Errorf("the database account sees attachments %v, want %v", attachments, want)
	}

	network := partOf(t, org, awstest.NetworkAccount).Inventory
	owners := map[string]string{}
	for _, a := range network.TransitGatewayAttachments {
		owners[awssdk.ToString(a.TransitGatewayAttachmentId)] = awssdk.ToString(a.ResourceOwnerId)
	}
	if owners[topo.DatabaseAttachment] != awstest.DatabaseAccount || owners[topo.SharedAttachment] != awstest.NetworkAccount {
		t.Errorf("the owner's attachments by resource owner %v", owners)
	}
	if len(network.TransitGatewayPropagations[topo.TGWRouteTable]) != 2 {
		t.Errorf("the owner's transit gateway route table propagates %+v", network.TransitGatewayPropagations[topo.TGWRouteTable])
	}
	if len(org.Inventory.Conflicts) != 0 {
		t.Errorf("the merge found conflicts %+v", org.Inventory.Conflicts)
	}
}

// TestSharedNetworkLive: paths across the shared subnet, the shared
// transit gateway and a reference to another account's group, live and
// from the saved snapshot.
func TestSharedNetworkLive(t *testing.T) {
	_, topo := seededSharedNetwork(t)
	nets := liveAndSaved(t, loadSharedNetwork(t))
	for _, c := range sharedPaths(topo) {
		t.Run(c.name, func(t *testing.T) { checkOrgPath(t, nets, c.orgPath, c.component) })
	}
}

// TestSharedNetworkReferenceRemoved: with the rule that references the
// participant's group revoked (as the database account would revoke it),
// the path it admitted is refused by the database's group, live and from
// the saved snapshot.
func TestSharedNetworkReferenceRemoved(t *testing.T) {
	_, topo := seededSharedNetwork(t)
	ctx := context.Background()
	if err := topo.RevokeWebGroup(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := topo.AllowWebGroup(ctx); err != nil {
			t.Errorf("restore the rule: %v", err)
		}
	}()
	nets := liveAndSaved(t, loadSharedNetwork(t))
	checkOrgPath(t, nets, orgPath{from: topo.WebENI, to: topo.DatabaseIP, port: 8443, want: checks.Unreachable, blocked: checks.LayerSecurityGroup,
		mentions: []string{"# in account " + awstest.DatabaseAccount}}, topo.DatabaseGroup)
}

// sharedPaths are the shared network's cases, with the component that
// must block each unreachable one.
func sharedPaths(topo *awstest.SharedTopology) []struct {
	orgPath
	component string
} {
	return []struct {
		orgPath
		component string
	}{
		{orgPath: orgPath{name: "participant instance in the shared subnet reaches the database through the shared transit gateway",
			from: topo.AppInstance, to: topo.DatabaseIP, port: 5432, want: checks.Reachable,
			mentions: []string{topo.SharedRouteTable, topo.TransitGateway, topo.SharedNetworkACL}}},
		{orgPath: orgPath{name: "the owner's network ACL decides for the participant's instance",
			from: topo.AppInstance, to: topo.DatabaseIP, port: 3306, want: checks.Unreachable, blocked: checks.LayerNACL,
			mentions: []string{"# in account " + awstest.NetworkAccount}}, component: topo.SharedNetworkACL},
		{orgPath: orgPath{name: "a rule referencing the participant's group admits it across the peering",
			from: topo.WebENI, to: topo.DatabaseIP, port: 8443, want: checks.Reachable,
			mentions: []string{awstest.ParticipantAccount + "/" + topo.WebGroup}}},
		{orgPath: orgPath{name: "the reference admits no other group",
			from: topo.AppInstance, to: topo.DatabaseIP, port: 8443, want: checks.Unreachable, blocked: checks.LayerSecurityGroup,
			mentions: []string{"# in account " + awstest.DatabaseAccount}}, component: topo.DatabaseGroup},
	}
}

// TestSharedNetworkPathLoad: reading only what each path needs in each
// account, the owners asked for the shared subnet's VPC and the shared
// transit gateway the other accounts found, gives the verdicts of the full
// load, with fewer calls.
func TestSharedNetworkPathLoad(t *testing.T) {
	sharing, topo := seededSharedNetwork(t)
	full := loadSharedNetwork(t)
	ctx := context.Background()
	for _, c := range sharedPaths(topo) {
		t.Run(c.name, func(t *testing.T) {
			proxy, err := awstest.NewProxy(sharing.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			res, err := ResolveTargets(ctx, awstest.Config(proxy.URL), Accounts{
				IDs:      []string{awstest.NetworkAccount, awstest.ParticipantAccount, awstest.DatabaseAccount},
				RoleName: orgRoleName,
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			org, err := LoadOrganizationPath(ctx, res, 0, 0, []string{c.from}, []string{c.to}, WithRetry(3, 10*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			if len(org.Failures) != 0 {
				t.Fatalf("failures %+v", org.Failures)
			}
			for _, a := range proxy.Actions() {
				if !Allowed(a) {
					t.Errorf("called %s, which is not in AllowedActions", a)
				}
			}
			t.Logf("path load: %d calls in %d rounds; full load: %d calls in %d rounds", org.Stats.Calls, org.Stats.Rounds, full.Stats.Calls, full.Stats.Rounds)
			if org.Stats.Calls >= full.Stats.Calls {
				t.Errorf("the path load made %d calls, the full load %d", org.Stats.Calls, full.Stats.Calls)
			}
			n, err := convert.Network(org.Inventory)
			if err != nil {
				t.Fatal(err)
			}
			checkOrgPath(t, map[string]*checks.Network{"path": n}, c.orgPath, c.component)
		})
	}
}
