package aws

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// One moto_server serves every test of the package: it starts on first use
// and stops when the tests end.
var (
	motoOnce sync.Once
	motoSrv  *awstest.Moto
	motoErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedNet != nil {
		sharedNet.Close()
	}
	motoSrv.Stop()
	os.Exit(code)
}

// moto returns the shared server.
func moto(tb testing.TB) *awstest.Moto {
	tb.Helper()
	motoOnce.Do(func() { motoSrv, motoErr = awstest.Start() })
	return awstest.Require(tb, motoSrv, motoErr)
}

// The full topology is seeded once, in us-east-1, and only read after:
// tests that need an empty account use another region.
var (
	seedOnce sync.Once
	seedTopo *awstest.Topology
	seedErr  error
)

// seededMoto returns the shared server holding the full topology.
func seededMoto(tb testing.TB) (*awstest.Moto, *awstest.Topology) {
	tb.Helper()
	m := moto(tb)
	seedOnce.Do(func() {
		ctx := context.Background()
		if seedErr = m.Reset(ctx); seedErr == nil {
			seedTopo, seedErr = awstest.SeedFull(ctx, awstest.NewClients(m.URL))
		}
		if seedErr == nil {
			awstest.SeedDirectConnect(m.DirectConnect, seedTopo)
		}
	})
	if seedErr != nil {
		tb.Fatal(seedErr)
	}
	return m, seedTopo
}

// testLoader is a loader for endpoint with fast retries.
func testLoader(endpoint string, opts ...Option) *Loader {
	return NewLoader(awstest.Config(endpoint), append([]Option{WithRetry(3, 10*time.Millisecond)}, opts...)...)
}

// withoutRateLimit keeps the adaptive retryer but makes its client-side
// rate limit free, so that injected throttling does not make the loader
// sleep for seconds (the behaviour a real account gets, and one test keeps).
func withoutRateLimit(o *loaderOptions) {
	o.retryer = func() awssdk.Retryer {
		return retry.NewAdaptiveMode(func(a *retry.AdaptiveModeOptions) {
			a.RequestCost = 0
			a.StandardOptions = append(a.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = 3
				so.MaxBackoff = 10 * time.Millisecond
			})
		})
	}
}

// seeded returns the seeded server with a full live load of it.
func seeded(t *testing.T) (*awstest.Moto, *awstest.Topology, *inventory.Inventory) {
	t.Helper()
	m, topo := seededMoto(t)
	inv, _, err := testLoader(m.URL).LoadAll(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, topo, inv
}

// TestLoadPathAgreesWithLoadAll checks paths of every kind the seeded
// topology has (same subnet tier, across the peering, through the transit
// gateway, to the internet, to on-premises, by hostname) twice: on a full
// load and on a targeted load. The targeted load must take at most three
// rounds (five with a hostname) and give the same report, layer by layer.
func TestLoadPathAgreesWithLoadAll(t *testing.T) {
	m, topo, all := seeded(t)
	full, err := convert.Network(all)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to, proto string
		port, maxRounds       int
		// motoGap is the address whose lookup moto 5 cannot answer (it
		// lacks the association.public-ip filter): the load must then say
		// unknown for that lookup, never pass.
		motoGap string
	}{
		{"web to app", topo.ENIWeb, topo.AppIP, "tcp", 8080, 3, ""},
		{"app to db across the peering", topo.InstanceApp, topo.DBIP, "tcp", 5432, 3, ""},
		{"app to db on a port the group refuses", topo.AppIP, topo.ENIDB, "tcp", 22, 3, ""},
		{"db to app, back across the peering", topo.InstanceDB, topo.AppIP, "tcp", 8080, 3, ""},
		{"app to c through the transit gateway", topo.ENIApp, topo.CIP, "icmp", 0, 3, ""},
		{"web to the internet", topo.InstanceWeb, "93.184.216.34", "tcp", 443, 3, "93.184.216.34"},
		{"web to on-premises", topo.ENIWeb, "192.168.10.5", "tcp", 443, 3, ""},
		{"app to the db by name", topo.InstanceApp, topo.DBRecordName, "tcp", 5432, 5, ""},
		{"app out through the NAT gateway", topo.InstanceApp, "172.31.5.5", "tcp", 443, 3, ""},
		{"app through the appliance", topo.ENIApp, "10.50.1.1", "tcp", 443, 3, ""},
		{"app through an instance route", topo.ENIApp, "10.60.0.1", "udp", 53, 3, ""},
		{"on-premises client to web", "192.168.10.5", topo.ENIWeb, "tcp", 443, 3, ""},
		// Two more rounds: the load balancer behind the interface, then
		// its listeners and target groups, then the targets' health.
		{"app to a load balancer's interface on its listener port", topo.ENIApp, topo.LoadBalancerIP, "tcp", 443, 5, ""},
		{"app to a load balancer's interface where nothing listens", topo.ENIApp, topo.LoadBalancerIP, "tcp", 8443, 5, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := checks.NewQuery(c.from, c.to, c.proto, c.port, 0)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []checks.DataKind
			inv, stats, err := testLoader(m.URL).LoadPath(context.Background(), []string{c.from}, []string{c.to}, func(ev Event) {
				kinds = append(kinds, ev.Kind)
			})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Rounds > c.maxRounds {
				t.Errorf("%d rounds, want at most %d", stats.Rounds, c.maxRounds)
			}
			if c.motoGap != "" {
				want := []checks.Gap{{Kind: checks.KindNetworkInterfaces, Reason: "server error (HTTP 500) after 3 attempts", Action: "ec2:DescribeNetworkInterfaces", Retry: true}}
				if !slices.Equal(inv.Gaps, want) {
					t.Fatalf("gaps: %+v, want %+v", inv.Gaps, want)
				}
				targeted, err := convert.Network(inv)
				if err != nil {
					t.Fatal(err)
				}
				if inv.Present[checks.KindNetworkInterfaces] {
					t.Error("describe-network-interfaces is marked present although a lookup failed")
				}
				// Whether the address is an interface of the account is
				// unknown, so the verdict is unknown.
				rep, err := checks.Evaluate(targeted, q)
				if err != nil || rep.Verdict != checks.Unknown {
					t.Errorf("verdict with describe-network-interfaces missing: %s (%v), want unknown", rep.Verdict, err)
				}
				return
			}
			if len(inv.Gaps) > 0 {
				t.Errorf("gaps: %+v", inv.Gaps)
			}
			if len(kinds) == 0 {
				t.Error("no events")
			}
			t.Logf("%d calls in %d rounds", stats.Calls, stats.Rounds)
			targeted, err := convert.Network(inv)
			if err != nil {
				t.Fatal(err)
			}
			want, err := checks.Evaluate(full, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := checks.Evaluate(targeted, q)
			if err != nil {
				t.Fatal(err)
			}
			if want.Verdict != got.Verdict {
				t.Errorf("verdict %s from the targeted load, %s from the full load", got.Verdict, want.Verdict)
			}
			for i := range want.Layers {
				if i < len(got.Layers) && want.Layers[i].Status != got.Layers[i].Status {
					t.Errorf("layer %s: %s from the targeted load (%s), %s from the full load (%s)", want.Layers[i].Name,
						got.Layers[i].Status, got.Layers[i].Summary, want.Layers[i].Status, want.Layers[i].Summary)
				}
			}
			t.Logf("verdict %s: %s", want.Verdict, summaries(want))
		})
	}
}

// TestLoadPathReadsTheLoadBalancer: a path to a load balancer's interface
// reads that load balancer, its listeners, target groups and their health,
// and nothing of other load balancers.
func TestLoadPathReadsTheLoadBalancer(t *testing.T) {
	m, topo := seededMoto(t)
	inv, _, err := testLoader(m.URL).LoadPath(context.Background(), []string{topo.ENIApp}, []string{topo.LoadBalancerIP}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Gaps) > 0 {
		t.Errorf("gaps: %+v", inv.Gaps)
	}
	if len(inv.LoadBalancers) != 1 || awssdk.ToString(inv.LoadBalancers[0].LoadBalancerArn) != topo.LoadBalancer {
		t.Errorf("load balancers: %d, want %s alone", len(inv.LoadBalancers), topo.LoadBalancer)
	}
	if len(inv.Listeners) != 1 || awssdk.ToString(inv.Listeners[0].ListenerArn) != topo.Listener {
		t.Errorf("listeners: %d, want %s alone", len(inv.Listeners), topo.Listener)
	}
	if h, ok := inv.TargetHealth[topo.TargetGroup]; !ok || len(h) != 1 || awssdk.ToString(h[0].Target.Id) != topo.InstanceApp {
		t.Errorf("target health of %s: %+v, want %s", topo.TargetGroup, h, topo.InstanceApp)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	lb := n.LoadBalancers[topo.LoadBalancer]
	if lb == nil || !lb.ListenersRead || len(lb.Listeners) != 1 || lb.Listeners[0].Port != 443 {
		t.Errorf("converted load balancer: %+v", lb)
	}
}

// TestLoadAllReadsDBInstances: the DB instance seeded in the emulator
// converts with what the service layer needs to single it out and judge it.
func TestLoadAllReadsDBInstances(t *testing.T) {
	_, topo, all := seeded(t)
	n, err := convert.Network(all)
	if err != nil {
		t.Fatal(err)
	}
	db := n.DBInstances[topo.DBInstance]
	if db == nil {
		t.Fatalf("DB instance %s not converted: %+v", topo.DBInstance, n.DBInstances)
	}
	if db.Port != 5432 || db.PubliclyAccessible || db.VPCID != topo.VPCA || !slices.Contains(db.SubnetIDs, topo.SubnetAPrivate) ||
		!slices.Equal(db.SecurityGroupIDs, []string{topo.SGApp}) {
		t.Errorf("DB instance %+v", db)
	}
	cl := n.DBClusters[topo.DBCluster]
	if cl == nil || cl.Endpoint == "" || cl.ReaderEndpoint == "" || !slices.Equal(cl.Writers, []string{topo.DBClusterWriter}) {
		t.Errorf("Aurora cluster %s: %+v, want its endpoints and writer %s", topo.DBCluster, cl, topo.DBClusterWriter)
	}
}

func TestLoadPathNotFound(t *testing.T) {
	m, topo, _ := seeded(t)
	inv, _, err := testLoader(m.URL).LoadPath(context.Background(), []string{"eni-0123456789abcdef0"}, []string{topo.ENIApp}, nil)
	var nf *NotFoundError
	if !errors.As(err, &nf) || !slices.Equal(nf.IDs, []string{"eni-0123456789abcdef0"}) {
		t.Fatalf("err = %v, want NotFoundError for the missing ENI", err)
	}
	if !slices.ContainsFunc(inv.NetworkInterfaces, func(n ec2types.NetworkInterface) bool { return *n.NetworkInterfaceId == topo.ENIApp }) {
		t.Error("the other end was not loaded")
	}
	if got := Explain(err); !strings.Contains(got, "not found in region us-east-1") {
		t.Errorf("Explain = %q", got)
	}
}

// allKinds is every kind a full load reads.
var allKinds = []checks.DataKind{
	checks.KindVPCs, checks.KindSubnets, checks.KindNetworkInterfaces, checks.KindInstances, checks.KindRouteTables,
	checks.KindNetworkACLs, checks.KindSecurityGroups, checks.KindPrefixLists, checks.KindPeerings, checks.KindInternetGateways,
	checks.KindEgressOnlyGateways, checks.KindNATGateways, checks.KindVPNGateways, checks.KindTransitGateways,
	checks.KindTransitGatewayAttachments, checks.KindTransitGatewayRouteTables, checks.KindVPCEndpoints, checks.KindVPNConnections, inventory.KindTransitGatewayPeerings,
	inventory.KindVPCAttribute, inventory.KindTransitGatewayVPCAttachments, inventory.KindTransitGatewayRoutes, inventory.KindTransitGatewayPropagations,
	inventory.KindPrefixListEntries, inventory.KindDHCPOptions, inventory.KindFlowLogs, inventory.KindAddresses, inventory.KindHostedZones, inventory.KindHostedZone, inventory.KindRecordSets,
	inventory.KindResolverEndpoints, inventory.KindResolverEndpointIPs, inventory.KindResolverRules, inventory.KindResolverRuleAssociations,
	inventory.KindDXVirtualInterfaces, inventory.KindDXAssociations,
	checks.KindLoadBalancers, checks.KindListeners, inventory.KindListenerRules, inventory.KindLoadBalancerAttributes,
	inventory.KindTargetGroups, inventory.KindTargetHealth, inventory.KindTargetGroupAttributes, checks.KindDBInstances, checks.KindDBClusters,
}

// TestLoadAllSeededInventory checks that a full load reads every kind
// completely and reports each kind once, with pending gaps for the rest.
func TestLoadAllSeededInventory(t *testing.T) {
	m, topo := seededMoto(t)
	ctx := context.Background()
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.SetLatency(20 * time.Millisecond)
	var events []Event
	inv, stats, err := testLoader(proxy.URL).LoadAll(ctx, func(ev Event) { events = append(events, ev) })
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Gaps) > 0 {
		t.Errorf("gaps: %+v", inv.Gaps)
	}
	for _, k := range allKinds {
		if !inv.Present[k] {
			t.Errorf("%s not present", k)
		}
	}
	if stats.Rounds != 3 {
		// An Application Load Balancer listener's rules can be asked
		// for only by the listener's ARN, read per load balancer.
		t.Errorf("%d rounds, want 3 (listings, what is read per parent, then each Application Load Balancer listener's rules)", stats.Rounds)
	}
	if stats.Calls != len(proxy.Calls()) || stats.Attempts != stats.Calls {
		t.Errorf("stats count %d calls and %d attempts; the proxy saw %d requests", stats.Calls, stats.Attempts, len(proxy.Calls()))
	}
	if got := proxy.MaxInFlight(); got > DefaultConcurrency {
		t.Errorf("%d requests in flight at once, want at most %d", got, DefaultConcurrency)
	}

	// First an event that says what is in flight (every kind pending), then
	// one event per kind; each snapshot holds its kind and marks the kinds
	// still loading as pending; the last has nothing pending.
	if len(events) == 0 || events[0].Kind != "" {
		t.Fatalf("the first event must say what is in flight before anything lands: %d events", len(events))
	}
	start := 0
	for _, g := range events[0].Inventory.Gaps {
		if g.Pending {
			start++
		}
	}
	if start != len(allKinds) {
		t.Errorf("the first event has %d kinds in flight, want all %d", start, len(allKinds))
	}
	events = events[1:]
	seen := map[checks.DataKind]bool{}
	for i, ev := range events {
		if seen[ev.Kind] {
			t.Errorf("event %d: %s reported twice", i, ev.Kind)
		}
		seen[ev.Kind] = true
		if !ev.Inventory.Present[ev.Kind] {
			t.Errorf("event %d: %s not present in its own snapshot", i, ev.Kind)
		}
		pending := 0
		for _, g := range ev.Inventory.Gaps {
			if g.Pending {
				pending++
				if seen[g.Kind] {
					t.Errorf("event %d: %s pending after it was reported", i, g.Kind)
				}
			}
		}
		if want := len(allKinds) - len(seen); pending != want {
			t.Errorf("event %d (%s): %d kinds pending, want %d", i, ev.Kind, pending, want)
		}
	}
	if len(seen) != len(allKinds) {
		t.Errorf("%d kinds reported, want %d", len(seen), len(allKinds))
	}

	// Spot checks that the data is the seeded topology's.
	has := func(what string, ok bool) {
		if !ok {
			t.Errorf("missing %s", what)
		}
	}
	has("VPC A", slices.ContainsFunc(inv.VPCs, func(v ec2types.Vpc) bool { return *v.VpcId == topo.VPCA }))
	has("DNS hostnames of A", inv.VPCAttributes[topo.VPCA].EnableDNSHostnames != nil && *inv.VPCAttributes[topo.VPCA].EnableDNSHostnames)
	has("prefix list entries", len(inv.PrefixListEntries[topo.PrefixList]) == 2)
	has("TGW routes", len(inv.TransitGatewayRoutes[topo.TGWRouteTable]) >= 2)
	has("TGW propagations", len(inv.TransitGatewayPropagations[topo.TGWRouteTable]) == 2)
	has("records", len(inv.RecordSets[topo.HostedZone]) >= 5)
	has("zone VPCs", len(inv.HostedZoneVPCs[topo.HostedZone]) == 2)
	has("resolver addresses", len(inv.ResolverIPs[topo.ResolverOutbound]) == 2)
	has("instances", len(loadedInstances(inv)) == 4)

	net, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Gaps) > 0 {
		t.Errorf("network gaps: %+v", net.Gaps)
	}
	for what, ok := range map[string]bool{
		"web ENI":          net.ENIs[topo.ENIWeb] != nil,
		"appliance ENI":    net.ENIs[topo.ENIAppliance] != nil && !net.ENIs[topo.ENIAppliance].SourceDestCheck,
		"private NACL":     net.NetworkACLs[topo.NACLPrivate] != nil,
		"peering":          net.Peerings[topo.PCX] != nil,
		"TGW route table":  net.TransitGatewayRouteTables[topo.TGWRouteTable] != nil,
		"gateway endpoint": net.Endpoints[topo.EndpointS3] != nil,
		"prefix list":      net.PrefixLists[topo.PrefixList] != nil && len(net.PrefixLists[topo.PrefixList].CIDRs) == 2,
		"ALB listener rules": func() bool {
			lb := net.LoadBalancers[topo.ALB]
			if lb == nil || len(lb.Listeners) != 1 || !lb.Listeners[0].RulesRead {
				return false
			}
			for _, r := range lb.Listeners[0].Rules {
				if r.Priority == "10" && slices.Equal(r.TargetGroupARNs, []string{topo.ALBTargetGroup}) && slices.Equal(r.Conditions, []string{"path-pattern /api/*"}) {
					return true
				}
			}
			return false
		}(),
	} {
		has(what+" in the network", ok)
	}
}

// TestDenyEachAction denies one allowed action at a time: the load goes on,
// the inventory records a gap that names exactly that action with reason
// AccessDenied, and every other kind is complete (kinds read per parent of
// the denied listing are missing too, and their gaps name the same action).
func TestDenyEachAction(t *testing.T) {
	m, topo := seededMoto(t)
	ctx := context.Background()
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	l := testLoader(proxy.URL)
	all, _, err := l.LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	full, err := convert.Network(all)
	if err != nil {
		t.Fatal(err)
	}
	paths := deniedPaths(topo)
	before := make([]checks.Verdict, len(paths))
	for i, q := range paths {
		before[i] = verdictOf(full, q)
	}
	for _, action := range AllowedActions {
		if FlowLogAction(action) || action == IdentityAction || action == HistoryAction || OrganizationAction(action) {
			// The inventory load never calls the flow-log sources'
			// actions (aws/flowlogs tests their denial), nor asks who it
			// runs as (which AWS never denies), nor reads the history
			// (history_test.go tests its denial).
			continue
		}
		t.Run(action, func(t *testing.T) {
			proxy.Reset()
			proxy.Inject(action, awstest.Deny, -1)
			inv, _, err := l.LoadAll(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			denied := false
			for _, g := range inv.Gaps {
				if g.Action != action {
					t.Errorf("gap %+v does not name %s", g, action)
				}
				if g.Reason == "AccessDenied" && g.Scope == "" {
					denied = true
				}
				if g.Retry {
					t.Errorf("gap %+v asks for a retry; a refusal needs the IAM action", g)
				}
			}
			if !denied {
				t.Errorf("no AccessDenied gap for %s in %+v", action, inv.Gaps)
			}
			for _, k := range allKinds {
				if !inv.Present[k] && !slices.ContainsFunc(inv.Gaps, func(g checks.Gap) bool { return g.Kind == k }) {
					t.Errorf("%s neither present nor a gap", k)
				}
			}
			net, err := convert.Network(inv)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(net.Gaps, func(g checks.Gap) bool { return g.Action == action && g.Reason == "AccessDenied" }) {
				t.Errorf("the network's gaps do not name %s: %+v", action, net.Gaps)
			}
			// Missing data never decides: no verdict turns into its
			// opposite for want of the denied action.
			for i, q := range paths {
				after := verdictOf(net, q)
				if before[i] != checks.Unknown && after != checks.Unknown && after != before[i] {
					t.Errorf("%s → %s: %s with every action, %s without %s", q.From.Raw, q.To.Raw, before[i], after, action)
				}
			}
		})
	}
}

// deniedPaths are paths of every kind the seeded topology has.
func deniedPaths(topo *awstest.Topology) []checks.Query {
	var out []checks.Query
	for _, p := range []struct {
		from, to, proto string
		port            int
	}{
		{topo.ENIWeb, topo.AppIP, "tcp", 8080},
		{topo.InstanceApp, topo.DBIP, "tcp", 5432},
		{topo.InstanceApp, topo.DBIP, "tcp", 5433},
		{topo.AppIP, topo.ENIDB, "tcp", 22},
		{topo.InstanceDB, topo.AppIP, "tcp", 8080},
		{topo.ENIApp, topo.CIP, "icmp", 0},
		{topo.InstanceWeb, "93.184.216.34", "tcp", 443},
		{topo.ENIWeb, "192.168.10.5", "tcp", 443},
		{topo.InstanceApp, topo.DBRecordName, "tcp", 5432},
		{topo.InstanceApp, "172.31.5.5", "tcp", 443},
		{topo.ENIApp, "10.50.1.1", "tcp", 443},
		{topo.ENIApp, "10.60.0.1", "udp", 53},
		{"192.168.10.5", topo.ENIWeb, "tcp", 443},
		{"203.0.113.50", topo.EIPPublic, "tcp", 443},
		{topo.ENIApp, topo.LoadBalancerIP, "tcp", 443},
		{topo.ENIApp, topo.LoadBalancerIP, "tcp", 8443},
	} {
		q, err := checks.NewQuery(p.from, p.to, p.proto, p.port, 0)
		if err == nil {
			out = append(out, q)
		}
	}
	return out
}

// verdictOf is a path's verdict; an end that cannot be found for want of
// data is unknown, and bad input is reported as such.
func verdictOf(n *checks.Network, q checks.Query) checks.Verdict {
	rep, err := checks.Evaluate(n, q)
	var dataErr *checks.DataError
	switch {
	case errors.As(err, &dataErr):
		return checks.Unknown
	case err != nil:
		return checks.Verdict("error: " + err.Error())
	}
	return rep.Verdict
}

// TestRetriedFaults injects throttling and server errors in each
// protocol's wire format: a few are retried away; persistent ones become a
// gap with their reason.
func TestRetriedFaults(t *testing.T) {
	m, _ := seededMoto(t)
	ctx := context.Background()
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	cases := []struct {
		action string
		kind   checks.DataKind
		fault  awstest.FaultKind
		times  int
		reason string // "" when the retries recover
		// adaptive keeps the adaptive rate limit on: after a throttle it
		// holds calls back for seconds.
		adaptive bool
	}{
		{"ec2:DescribeNetworkAcls", checks.KindNetworkACLs, awstest.Throttle, 1, "", true},
		{"ec2:DescribeNetworkAcls", checks.KindNetworkACLs, awstest.Throttle, 2, "", false},
		{"ec2:DescribeNetworkAcls", checks.KindNetworkACLs, awstest.Throttle, -1, "throttled (RequestLimitExceeded) after 3 attempts", false},
		{"ec2:DescribeSecurityGroups", checks.KindSecurityGroups, awstest.ServerError, 2, "", false},
		{"ec2:DescribeSecurityGroups", checks.KindSecurityGroups, awstest.ServerError, -1, "server error (HTTP 500) after 3 attempts", false},
		{"route53:ListResourceRecordSets", inventory.KindRecordSets, awstest.Throttle, 1, "", false},
		{"route53:ListResourceRecordSets", inventory.KindRecordSets, awstest.Throttle, -1, "throttled (Throttling) after 3 attempts", false},
		{"route53:ListHostedZones", inventory.KindHostedZones, awstest.ServerError, -1, "server error (HTTP 500) after 3 attempts", false},
		{"route53resolver:ListResolverRules", inventory.KindResolverRules, awstest.Throttle, 2, "", false},
		{"route53resolver:ListResolverRules", inventory.KindResolverRules, awstest.Throttle, -1, "throttled (ThrottlingException) after 3 attempts", false},
		{"route53resolver:ListResolverEndpoints", inventory.KindResolverEndpoints, awstest.ServerError, -1, "server error (HTTP 500) after 3 attempts", false},
	}
	for _, c := range cases {
		proxy.Reset()
		proxy.Inject(c.action, c.fault, c.times)
		opts := []Option{withoutRateLimit}
		if c.adaptive {
			opts = nil
		}
		start := time.Now()
		inv, stats, err := testLoader(proxy.URL, opts...).LoadAll(ctx, nil)
		t.Logf("%s %v ×%d: %v, %d attempts for %d calls", c.action, c.fault, c.times, time.Since(start), stats.Attempts, stats.Calls)
		if err != nil {
			t.Fatalf("%s: %v", c.action, err)
		}
		var gaps []checks.Gap
		for _, g := range inv.Gaps {
			if g.Kind == c.kind {
				gaps = append(gaps, g)
			}
		}
		if c.reason == "" {
			if len(inv.Gaps) > 0 || stats.Attempts <= stats.Calls {
				t.Errorf("%s failing %d times: gaps %+v, %d attempts for %d calls; want retried away", c.action, c.times, inv.Gaps, stats.Attempts, stats.Calls)
			}
			continue
		}
		if len(gaps) != 1 || gaps[0].Reason != c.reason || gaps[0].Action != c.action || !gaps[0].Retry {
			t.Errorf("%s failing always: gaps %+v, want one with reason %q that asks for a retry", c.action, gaps, c.reason)
		}
	}
}

// isolateAWSConfig points the SDK's configuration chain at empty files in a
// temporary home, with no credentials in the environment and IMDS off, so
// a test sees only what it writes.
func isolateAWSConfig(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(home, ".aws", f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	return home
}

// TestExplainConfigFailures: each way a user's setup can fail gets one line
// that says what to do.
func TestExplainConfigFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("no credentials", func(t *testing.T) {
		isolateAWSConfig(t)
		cfg, err := LoadConfig(ctx, "", "us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		err = CheckCredentials(ctx, cfg, "")
		if got := Explain(err); !strings.HasPrefix(got, "No AWS credentials found: run `aws configure`") {
			t.Errorf("Explain(%v) = %q", err, got)
		}
		// A load without credentials stops at once with the same line,
		// rather than recording a gap per kind.
		_, _, err = NewLoader(cfg).LoadAll(ctx, nil)
		if got := Explain(err); !strings.HasPrefix(got, "No AWS credentials found") {
			t.Errorf("LoadAll: Explain(%v) = %q", err, got)
		}
	})
	t.Run("expired SSO token", func(t *testing.T) {
		home := isolateAWSConfig(t)
		const startURL = "https://example.awsapps.com/start"
		config := "[profile dev]\nsso_start_url = " + startURL + "\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\nregion = us-east-1\n" +
			"[profile dev2]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\nregion = us-east-1\n" +
			"[sso-session corp]\nsso_start_url = " + startURL + "\nsso_region = us-east-1\n"
		if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		cache := filepath.Join(home, ".aws", "sso", "cache")
		if err := os.MkdirAll(cache, 0o700); err != nil {
			t.Fatal(err)
		}
		token := `{"accessToken":"expired","expiresAt":"2020-01-01T00:00:00Z","region":"us-east-1","startUrl":"` + startURL + `"}`
		for _, key := range []string{startURL, "corp"} {
			name := fmt.Sprintf("%x.json", sha1.Sum([]byte(key)))
			if err := os.WriteFile(filepath.Join(cache, name), []byte(token), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		for _, profile := range []string{"dev", "dev2"} {
			cfg, err := LoadConfig(ctx, profile, "")
			if err != nil {
				t.Fatal(err)
			}
			err = CheckCredentials(ctx, cfg, profile)
			want := "Your AWS SSO session has expired or is missing: run `aws sso login --profile " + profile + "`"
			if got := Explain(err); !strings.HasPrefix(got, want) {
				t.Errorf("%s: Explain(%v) = %q", profile, err, got)
			}
		}
	})
	t.Run("unknown profile", func(t *testing.T) {
		isolateAWSConfig(t)
		_, err := LoadConfig(ctx, "nope", "us-east-1")
		if got := Explain(err); !strings.HasPrefix(got, `AWS profile "nope" is not in ~/.aws/config`) {
			t.Errorf("Explain(%v) = %q", err, got)
		}
	})
	t.Run("no region", func(t *testing.T) {
		isolateAWSConfig(t)
		_, err := LoadConfig(ctx, "", "")
		if got := Explain(err); !strings.HasPrefix(got, "No AWS region is set: pass --region") {
			t.Errorf("Explain(%v) = %q", err, got)
		}
	})
	t.Run("region with no resources", func(t *testing.T) {
		m := moto(t)
		cfg := awstest.Config(m.URL)
		cfg.Region = "eu-west-3"
		inv, _, err := NewLoader(cfg, WithRetry(3, 10*time.Millisecond)).LoadAll(ctx, nil)
		if got := Explain(err); !strings.HasPrefix(got, "Region eu-west-3 has no network interfaces (1 VPCs): your resources are probably in another region") {
			t.Errorf("Explain(%v) = %q", err, got)
		}
		if inv == nil || len(inv.VPCs) != 1 {
			t.Error("the inventory of the empty region was not returned")
		}
	})
	t.Run("AWS_ENDPOINT_URL and environment credentials", func(t *testing.T) {
		m := moto(t)
		isolateAWSConfig(t)
		t.Setenv("AWS_ENDPOINT_URL", m.URL)
		t.Setenv("AWS_ACCESS_KEY_ID", "test")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
		t.Setenv("AWS_REGION", "eu-west-2") // a region the seeding left empty
		cfg, err := LoadConfig(ctx, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckCredentials(ctx, cfg, ""); err != nil {
			t.Fatal(err)
		}
		inv, _, err := NewLoader(cfg).LoadAll(ctx, nil)
		var empty *EmptyRegionError
		if !errors.As(err, &empty) || len(inv.VPCs) != 1 || len(inv.Gaps) != 0 {
			t.Errorf("load through AWS_ENDPOINT_URL: err %v, %d VPCs, gaps %+v", err, len(inv.VPCs), inv.Gaps)
		}
	})
}

// TestExplainAPIErrors covers the codes AWS answers with.
func TestExplainAPIErrors(t *testing.T) {
	op := func(service, operation, code string) error {
		return &smithy.OperationError{ServiceID: service, OperationName: operation, Err: &smithy.GenericAPIError{Code: code, Message: "m"}}
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{op("EC2", "DescribeNetworkAcls", "UnauthorizedOperation"), "Access denied for ec2:DescribeNetworkAcls: grant it"},
		{op("Route53Resolver", "ListResolverRules", "AccessDeniedException"), "Access denied for route53resolver:ListResolverRules"},
		{op("EC2", "DescribeVpcs", "RequestExpired"), "Your AWS credentials have expired (RequestExpired)"},
		{op("EC2", "DescribeVpcs", "AuthFailure"), "AWS rejected the credentials (AuthFailure)"},
		{op("EC2", "DescribeVpcs", "OptInRequired"), "This region is not enabled for the account"},
		{op("Route 53", "ListHostedZones", "InvalidClientTokenId"), "AWS rejected the credentials (InvalidClientTokenId)"},
		{op("EC2", "DescribeVpcs", "RequestLimitExceeded"), "AWS kept throttling the requests (RequestLimitExceeded)"},
		{&NotAllowedError{Action: "ec2:CreateVpc"}, "reach refused to call ec2:CreateVpc"},
		{context.DeadlineExceeded, "Timed out waiting for AWS"},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, "Cannot reach the AWS endpoint"},
		{errors.New("something else\nwith detail"), "load: something else"},
	} {
		got := Explain(fmt.Errorf("load: %w", c.err))
		if !strings.HasPrefix(got, c.want) || strings.Contains(got, "\n") {
			t.Errorf("Explain(%v) = %q, want it to start with %q", c.err, got, c.want)
		}
	}
	if Explain(nil) != "" {
		t.Error("Explain(nil) is not empty")
	}
}

// BenchmarkLoad measures loads of an account of 1,000 network interfaces
// (besides the seeded topology) behind 50 ms of latency per call: the
// targeted load of one path between two of them, of a path across the
// topology's peering, the full region, and the seed chapter's checklist
// done with the AWS CLI (bench/manual-checklist.sh) for the first path. Each reports its API
// calls and sequential rounds per load.
//
//	go test ./aws -run '^$' -bench BenchmarkLoad -benchtime 5x
func BenchmarkLoad(b *testing.B) {
	m, topo := seededMoto(b)
	ctx := context.Background()
	_, enis, err := awstest.SeedENIs(ctx, awstest.NewClients(m.URL), 1000)
	if err != nil {
		b.Fatal(err)
	}
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer proxy.Close()
	proxy.SetLatency(50 * time.Millisecond)
	l := testLoader(proxy.URL)
	src, dstENI := enis[0], enis[len(enis)-1]
	inv, _, err := l.LoadPath(ctx, []string{dstENI}, nil, nil)
	if err != nil || len(inv.NetworkInterfaces) != 1 {
		b.Fatalf("find the destination: %v", err)
	}
	dst := *inv.NetworkInterfaces[0].PrivateIpAddress

	report := func(b *testing.B, calls, rounds int) {
		b.ReportMetric(float64(calls), "calls/op")
		b.ReportMetric(float64(rounds), "rounds/op")
	}
	b.Run("path", func(b *testing.B) {
		var stats Stats
		for b.Loop() {
			if _, stats, err = l.LoadPath(ctx, []string{src}, []string{dst}, nil); err != nil {
				b.Fatal(err)
			}
		}
		report(b, stats.Calls, stats.Rounds)
	})
	// A path that crosses a peering from a subnet routed to every kind of
	// gateway: the third round has prefix lists, transit gateways and
	// their route tables to read.
	b.Run("path-peering", func(b *testing.B) {
		var stats Stats
		for b.Loop() {
			if _, stats, err = l.LoadPath(ctx, []string{topo.InstanceApp}, []string{topo.DBIP}, nil); err != nil {
				b.Fatal(err)
			}
		}
		report(b, stats.Calls, stats.Rounds)
	})
	b.Run("full", func(b *testing.B) {
		var stats Stats
		var inv *inventory.Inventory
		for b.Loop() {
			if inv, stats, err = l.LoadAll(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
		if len(inv.NetworkInterfaces) < 1000 || len(inv.Gaps) > 0 {
			b.Fatalf("%d interfaces, gaps %+v", len(inv.NetworkInterfaces), inv.Gaps)
		}
		report(b, stats.Calls, stats.Rounds)
	})
	b.Run("manual-checklist", func(b *testing.B) {
		if _, err := exec.LookPath("aws"); err != nil {
			b.Skip("the AWS CLI is not on PATH")
		}
		var calls int
		for b.Loop() {
			proxy.Reset()
			proxy.SetLatency(50 * time.Millisecond)
			cmd := exec.CommandContext(ctx, "bash", "../bench/manual-checklist.sh", src, dst, "443")
			cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+proxy.URL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
				"AWS_DEFAULT_REGION="+awstest.Region, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
			calls = len(proxy.Calls())
		}
		// One command waits for the answer before the next is typed.
		report(b, calls, calls)
	})
}

func summaries(r checks.Report) string {
	var parts []string
	for _, l := range r.Layers {
		parts = append(parts, l.Name+" "+string(l.Status)+" ("+l.Summary+")")
	}
	return strings.Join(parts, "; ")
}
