package flowlogs

import (
	"context"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/checks"
)

// These tests run the polling fallback and Logs Insights against
// moto_server (moto 5), with records written through PutLogEvents, after
// discovering the flow log through the real loader. What moto lacks:
// StartLiveTail (tested against the local event-stream server instead),
// StopQuery, filter patterns other than one term or one quoted phrase, and
// the Insights commands other than fields, sort and limit (its results are
// unfiltered; the sources filter again on the parsed records).

var (
	motoOnce sync.Once
	motoSrv  *awstest.Moto
	motoErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	motoSrv.Stop()
	os.Exit(code)
}

func startMoto(tb testing.TB) *awstest.Moto {
	tb.Helper()
	motoOnce.Do(func() { motoSrv, motoErr = awstest.Start() })
	return awstest.Require(tb, motoSrv, motoErr)
}

// motoWorld is an account in moto with a VPC flow log to CloudWatch Logs
// and records of two interfaces (and of a third, unrelated one) in its log
// group.
type motoWorld struct {
	net      *checks.Network
	client   *cloudwatchlogs.Client // the seeding client, not guarded
	group    string
	app, db  string // ENI IDs
	appIP    netip.Addr
	dbIP     netip.Addr
	format   *Format
	seededAt time.Time
}

var (
	worldOnce sync.Once
	world     *motoWorld
	worldErr  error
)

func motoFlowWorld(t *testing.T) *motoWorld {
	t.Helper()
	m := startMoto(t)
	worldOnce.Do(func() { world, worldErr = seedFlowWorld(context.Background(), m) })
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return world
}

func seedFlowWorld(ctx context.Context, m *awstest.Moto) (*motoWorld, error) {
	if err := m.Reset(ctx); err != nil {
		return nil, err
	}
	cfg := awstest.Config(m.URL)
	e := ec2.NewFromConfig(cfg)
	w := &motoWorld{client: cloudwatchlogs.NewFromConfig(cfg), group: "/vpc/flow-logs/test"}
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: awssdk.String("10.9.0.0/16")})
	if err != nil {
		return nil, err
	}
	sub, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: awssdk.String("10.9.1.0/24")})
	if err != nil {
		return nil, err
	}
	for _, a := range []struct {
		ip  string
		id  *string
		out *netip.Addr
	}{{"10.9.1.10", &w.app, &w.appIP}, {"10.9.1.20", &w.db, &w.dbIP}} {
		ni, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.Subnet.SubnetId, PrivateIpAddress: awssdk.String(a.ip)})
		if err != nil {
			return nil, err
		}
		*a.id, *a.out = *ni.NetworkInterface.NetworkInterfaceId, netip.MustParseAddr(a.ip)
	}
	format := "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${flow-direction}"
	if _, err := e.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{*vpc.Vpc.VpcId}, ResourceType: ec2types.FlowLogsResourceTypeVpc,
		TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs, LogGroupName: awssdk.String(w.group),
		DeliverLogsPermissionArn: awssdk.String("arn:aws:iam::123456789012:role/flow-logs"), LogFormat: awssdk.String(format),
		MaxAggregationInterval: awssdk.Int32(60)}); err != nil {
		return nil, err
	}
	// The network as reach loads it: the flow log comes from
	// describe-flow-logs through the read-only loader.
	inv, _, err := aws.NewLoader(cfg).LoadAll(ctx, nil)
	if err != nil {
		return nil, err
	}
	if w.net, err = convert.Network(inv); err != nil {
		return nil, err
	}
	convert.FlowLogs(inv, w.net)
	if w.format, err = ParseFormat(format); err != nil {
		return nil, err
	}
	if _, err := w.client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: awssdk.String(w.group)}); err != nil {
		return nil, err
	}
	for _, s := range []string{w.app + "-all", w.db + "-all", "eni-0ffffffffffffffff-all"} {
		if _, err := w.client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: awssdk.String(w.group), LogStreamName: awssdk.String(s)}); err != nil {
			return nil, err
		}
	}
	w.seededAt = time.Now().Add(-2 * time.Minute).Truncate(time.Second)
	return w, w.put(ctx, w.seededAt, 0)
}

// put writes one exchange between app and db at t, as both interfaces'
// flow logs record it, plus a record of an unrelated interface, through
// PutLogEvents. port tells exchanges apart.
func (w *motoWorld) put(ctx context.Context, t time.Time, port uint16) error {
	rec := func(eni string, src, dst netip.Addr, sport, dport uint16, action, dir string) checks.Flow {
		return checks.Flow{Version: 5, AccountID: "123456789012", InterfaceID: eni, Src: src, Dst: dst, SrcPort: sport, DstPort: dport,
			Protocol: checks.ProtocolTCP, Packets: 3, Bytes: 180, Start: t, End: t.Add(time.Minute), Action: action, LogStatus: "OK", FlowDirection: dir}
	}
	cport := 40000 + port
	byStream := map[string][]checks.Flow{
		w.app + "-all":              {rec(w.app, w.appIP, w.dbIP, cport, 5432, "ACCEPT", "egress"), rec(w.app, w.dbIP, w.appIP, 5432, cport, "ACCEPT", "ingress")},
		w.db + "-all":               {rec(w.db, w.appIP, w.dbIP, cport, 5432, "ACCEPT", "ingress"), rec(w.db, w.dbIP, w.appIP, 5432, cport, "REJECT", "egress")},
		"eni-0ffffffffffffffff-all": {rec("eni-0ffffffffffffffff", netip.MustParseAddr("10.9.1.99"), w.dbIP, cport, 5432, "ACCEPT", "egress")},
	}
	for stream, recs := range byStream {
		var events []cwltypes.InputLogEvent
		for _, r := range recs {
			events = append(events, cwltypes.InputLogEvent{Message: awssdk.String(string(w.format.Append(nil, &r))), Timestamp: awssdk.Int64(r.Start.UnixMilli())})
		}
		if _, err := w.client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: awssdk.String(w.group),
			LogStreamName: awssdk.String(stream), LogEvents: events}); err != nil {
			return err
		}
	}
	return nil
}

// target discovers the path's flow logs and builds the CloudWatch Logs
// target, as `reach flows --live` does.
func (w *motoWorld) target(t *testing.T) (Target, []*Format) {
	t.Helper()
	d := checks.DiscoverFlowLogs(w.net, w.app, w.db)
	if len(d.Uncovered) > 0 || len(d.Tailable()) != 2 || d.Unknown != "" {
		t.Fatalf("discovery: %+v", d)
	}
	tg, formats, err := TargetFor(d, "us-east-1", "123456789012", w.appIP, w.dbIP)
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.LogGroups) != 1 || tg.LogGroups[0].Name != w.group || !slices.Equal(tg.ENIs, []string{w.app, w.db}) || len(formats) != 1 || formats[0].String() != w.format.String() {
		t.Fatalf("target %+v, formats %v", tg, formats)
	}
	return tg, formats
}

// runUntil runs src and gathers batches until cond holds on them (or ten
// seconds pass), then stops it.
func runUntil(t *testing.T, src Source, cond func(Batch) bool, during func()) Batch {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mu sync.Mutex
	var all Batch
	done := make(chan error, 1)
	go func() {
		done <- src.Run(ctx, func(b Batch) {
			mu.Lock()
			defer mu.Unlock()
			all = sum([]Batch{all, b})
		})
	}()
	if during != nil {
		during()
	}
	for {
		mu.Lock()
		ok := cond(all)
		mu.Unlock()
		if ok || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return all
}

// TestPollAgainstMoto tails by polling FilterLogEvents: it reads the
// path's streams (not the unrelated one), shows each event once although
// every poll re-reads the look-back window, picks up events written while
// it runs, and calls nothing but logs:FilterLogEvents.
func TestPollAgainstMoto(t *testing.T) {
	w := motoFlowWorld(t)
	proxy, err := awstest.NewProxy(startMoto(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	tg, formats := w.target(t)
	if tg.Pattern != `"`+w.appIP.String()+`"` {
		t.Fatalf("pattern %q", tg.Pattern)
	}
	src := NewPollSource(NewClient(awstest.Config(proxy.URL)), tg, PollOptions{
		Options: Options{Formats: formats, FlushInterval: 20 * time.Millisecond},
		Every:   100 * time.Millisecond, Lookback: 10 * time.Minute})
	later := time.Now().Add(-time.Minute).Truncate(time.Second)
	all := runUntil(t, src, func(b Batch) bool { return len(b.Flows) >= 8 }, func() {
		time.Sleep(400 * time.Millisecond)
		if err := w.put(context.Background(), later, 1); err != nil {
			t.Error(err)
		}
	})
	if len(all.Flows) != 8 || all.Malformed != 0 {
		t.Fatalf("%d flows, %d malformed: %+v", len(all.Flows), all.Malformed, all.Flows)
	}
	for _, f := range all.Flows {
		if f.InterfaceID != w.app && f.InterfaceID != w.db || f.FlowDirection == "" {
			t.Errorf("record of another interface or without its direction: %+v", f)
		}
	}
	if calls := proxy.Actions(); !slices.Equal(calls, []string{"logs:FilterLogEvents"}) {
		t.Errorf("called %v", calls)
	}
}

// TestLiveTailFallsBackAgainstMoto: moto has no StartLiveTail, which is
// what an endpoint without Live Tail looks like; the tail says so and
// polls. A denial (injected by the proxy) does the same.
func TestLiveTailFallsBackAgainstMoto(t *testing.T) {
	w := motoFlowWorld(t)
	proxy, err := awstest.NewProxy(startMoto(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	tg, formats := w.target(t)
	tg.Pattern = ""
	for _, deny := range []bool{false, true} {
		proxy.Reset()
		if deny {
			proxy.Inject("logs:StartLiveTail", awstest.Deny, -1)
		}
		client := newTestLogsClient(proxy.URL, nil)
		src := NewLiveTailSource(client, tg, PollOptions{Options: Options{Formats: formats, FlushInterval: 20 * time.Millisecond},
			Every: 100 * time.Millisecond, Lookback: 10 * time.Minute})
		all := runUntil(t, src, func(b Batch) bool { return len(b.Flows) >= 4 }, nil)
		if len(all.Flows) < 4 || !strings.Contains(all.Note, "Live Tail is unavailable") || !strings.HasPrefix(all.Source, "FilterLogEvents polling") {
			t.Errorf("deny=%v: %d flows, note %q, source %q", deny, len(all.Flows), all.Note, all.Source)
		}
		if deny && !strings.Contains(all.Note, "AccessDenied") {
			t.Errorf("the note does not say Live Tail was denied: %q", all.Note)
		}
		t.Logf("deny=%v: %s", deny, strings.TrimSpace(all.Note))
	}
}

// TestInsightsAgainstMoto runs "the last N minutes of this path" through
// StartQuery and GetQueryResults.
func TestInsightsAgainstMoto(t *testing.T) {
	w := motoFlowWorld(t)
	proxy, err := awstest.NewProxy(startMoto(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	tg, formats := w.target(t)
	hosts := []netip.Addr{w.appIP, w.dbIP}
	src := NewInsightsSource(NewClient(awstest.Config(proxy.URL)), tg, time.Now().Add(-30*time.Minute), time.Now(),
		InsightsOptions{Options: Options{Formats: formats, Filter: Filter{Hosts: hosts}}, Hosts: hosts, PollEvery: 20 * time.Millisecond})
	bs, err := collect(t, src)
	if err != nil {
		t.Fatal(err)
	}
	all := sum(bs)
	if len(all.Flows) < 4 || len(all.Flows)%4 != 0 || all.Malformed != 0 {
		t.Fatalf("%d flows (want 4 per exchange), %d malformed", len(all.Flows), all.Malformed)
	}
	if !sort.SliceIsSorted(all.Flows, func(i, j int) bool { return all.Flows[i].Start.Before(all.Flows[j].Start) }) {
		t.Error("records are not oldest first")
	}
	for _, f := range all.Flows {
		if f.InterfaceID != w.app && f.InterfaceID != w.db {
			t.Errorf("record of another interface: %+v", f)
		}
	}
	if calls := proxy.Actions(); !slices.Equal(calls, []string{"logs:GetQueryResults", "logs:StartQuery"}) {
		t.Errorf("called %v", calls)
	}
	for _, a := range proxy.Actions() {
		if !aws.Allowed(a) {
			t.Errorf("%s is not an allowed action", a)
		}
	}
	// The diagnosis of those records: the database's replies are rejected
	// on their way out.
	q, err := checks.NewQuery(w.app, w.dbIP.String()+":5432", "tcp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := checks.Diagnose(w.net, q, all.Flows, checks.FlowWindow{})
	if len(d.Findings) == 0 || d.Findings[0].Pattern != checks.PatternRejectedReply && d.Findings[0].Pattern != checks.PatternContradiction {
		t.Errorf("diagnosis %+v", d)
	}
}

// TestAddressPatternAgainstMoto sends the exact pattern a path's tail
// sends to FilterLogEvents: every record of the path comes back, as it
// must for a pre-filter, whatever else the text match lets through.
func TestAddressPatternAgainstMoto(t *testing.T) {
	w := motoFlowWorld(t)
	ctx := context.Background()
	p := NewParser(w.format)
	filter := Filter{Hosts: []netip.Addr{w.appIP, w.dbIP}}
	pathRecords := func(pattern string) (kept, events int) {
		in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: awssdk.String(w.group)}
		if pattern != "" {
			in.FilterPattern = awssdk.String(pattern)
		}
		pages := cloudwatchlogs.NewFilterLogEventsPaginator(w.client, in)
		var r checks.Flow
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range out.Events {
				events++
				if err := p.ParseString(awssdk.ToString(e.Message), &r); err != nil {
					t.Fatal(err)
				}
				if filter.Match(&r) {
					kept++
				}
			}
		}
		return kept, events
	}
	all, events := pathRecords("")
	pattern := AddressPattern(w.appIP, w.dbIP)
	kept, narrowed := pathRecords(pattern)
	if all < 4 || kept != all || narrowed >= events {
		t.Errorf("pattern %s: %d of the path's %d records came back, %d of %d events", pattern, kept, all, narrowed, events)
	}
}

// TestAddressPattern: one quoted IPv4 term, never two terms, never an
// IPv6 address.
func TestAddressPattern(t *testing.T) {
	a := netip.MustParseAddr
	for _, tc := range []struct {
		name  string
		hosts []netip.Addr
		want  string
	}{
		{"a path's two addresses", []netip.Addr{a("10.0.16.45"), a("10.0.33.12")}, `"10.0.16.45"`},
		{"one address", []netip.Addr{a("10.0.33.12")}, `"10.0.33.12"`},
		{"IPv6 first", []netip.Addr{a("2600:1f18::45"), a("10.0.33.12")}, `"10.0.33.12"`},
		{"IPv6 only", []netip.Addr{a("2600:1f18::45"), a("2600:1f18::12")}, ""},
		{"none", nil, ""},
		{"an invalid address", []netip.Addr{{}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AddressPattern(tc.hosts...); got != tc.want {
				t.Errorf("AddressPattern = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTailConfirmsAbsenceAgainstMoto: a tail whose time is up having kept
// nothing of the path through its filter pattern reads the window once
// more without it. Records the pattern hid are then shown; an absence the
// broader read agrees with stands; a tail the user stopped is not read
// again and its absence is unconfirmed.
func TestTailConfirmsAbsenceAgainstMoto(t *testing.T) {
	w := motoFlowWorld(t)
	m := startMoto(t)
	tg, formats := w.target(t)
	absent := netip.MustParseAddr("10.9.1.55")
	for _, tc := range []struct {
		name        string
		pattern     string
		hosts       []netip.Addr
		cancel      bool
		flows       bool
		note        string
		unconfirmed string
	}{
		{name: "the pattern hid the path's records", pattern: `"10.9.1.77"`, hosts: []netip.Addr{w.appIP, w.dbIP}, flows: true,
			note: "of the path, shown here: the pattern missed them"},
		{name: "nothing of the path in the streams: the absence stands", pattern: `"` + absent.String() + `"`, hosts: []netip.Addr{w.appIP, absent},
			note: "events, none of the path"},
		{name: "stopped by the user: unconfirmed", pattern: `"` + absent.String() + `"`, hosts: []netip.Addr{w.appIP, absent}, cancel: true,
			note:        "the tail was stopped before a broader read",
			unconfirmed: "the tail was stopped before a broader read without the filter pattern could confirm that nothing of the path arrived"},
		{name: "no pattern: the tail was the broad read", hosts: []netip.Addr{w.appIP, absent},
			note: "the tail found nothing of the path: it asked for the records of " + w.group + " in the streams of " + w.app + ", " + w.db + ", "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy, err := awstest.NewProxy(m.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			target := tg
			target.Pattern = tc.pattern
			src := NewPollSource(NewClient(awstest.Config(proxy.URL)), target, PollOptions{
				Options: Options{Formats: formats, FlushInterval: 20 * time.Millisecond, Filter: Filter{Hosts: tc.hosts}},
				Every:   100 * time.Millisecond, Lookback: 10 * time.Minute})
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			if tc.cancel {
				time.AfterFunc(300*time.Millisecond, cancel)
			}
			var bs []Batch
			var mu sync.Mutex
			if err := src.Run(ctx, func(b Batch) { mu.Lock(); bs = append(bs, b); mu.Unlock() }); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			all := sum(bs)
			mu.Unlock()
			if (len(all.Flows) > 0) != tc.flows || !strings.Contains(all.Note, tc.note) {
				t.Errorf("%d flows, note %q; want flows %v, a note with %q", len(all.Flows), all.Note, tc.flows, tc.note)
			}
			path := Filter{Hosts: tc.hosts}
			for _, f := range all.Flows {
				if !path.Match(&f) {
					t.Errorf("a record not of the path: %+v", f)
				}
			}
			if got := src.Unconfirmed(); got != tc.unconfirmed {
				t.Errorf("unconfirmed %q, want %q", got, tc.unconfirmed)
			}
			for _, a := range proxy.Actions() {
				if a != "logs:FilterLogEvents" {
					t.Errorf("called %s", a)
				}
			}
		})
	}
}
