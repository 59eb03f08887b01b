package cli

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/flowlogs"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui"
)

// TestLiveFlowsOpenerAgainstMoto drives the terminal's live flow opener
// (what t calls) against moto_server: a VPC flow log to CloudWatch Logs,
// read through the read-only loader as the terminal reads the network,
// records written with PutLogEvents into the log streams named by the
// interfaces. moto has no Live Tail, so the tail falls back to polling,
// as it does where Live Tail is denied. An interface no flow log records
// gets the command that creates one.
func TestLiveFlowsOpenerAgainstMoto(t *testing.T) {
	m, err := awstest.Start()
	m = awstest.Require(t, m, err)
	defer m.Stop()
	ctx := context.Background()
	cfg := awstest.Config(m.URL)
	const group = "/vpc/flow-logs/tail"
	format := "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${tcp-flags} ${flow-direction}"
	_, _, enis := seedFlowLoggedVPC(t, ctx, cfg, group, format, "10.9.1.10", "10.9.1.20")
	app, db := enis[0], enis[1]
	// A second VPC that no flow log records.
	e := ec2.NewFromConfig(cfg)
	dark, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: awssdk.String("10.8.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	darkSub, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: dark.Vpc.VpcId, CidrBlock: awssdk.String("10.8.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	ni, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: darkSub.Subnet.SubnetId, PrivateIpAddress: awssdk.String("10.8.1.5")})
	if err != nil {
		t.Fatal(err)
	}
	lone := *ni.NetworkInterface.NetworkInterfaceId
	// The network as the terminal loads it.
	inv, _, err := aws.NewLoader(cfg).LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.FlowLogs) != 1 {
		t.Fatalf("flow logs %v", n.FlowLogs)
	}

	// A connection app → db:5432 that never opens: app's SYNs leave (ACCEPT),
	// db's interface rejects them.
	f, err := flowlogs.ParseFormat(format)
	if err != nil {
		t.Fatal(err)
	}
	logs := cloudwatchlogs.NewFromConfig(cfg)
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	appIP, dbIP := netip.MustParseAddr("10.9.1.10"), netip.MustParseAddr("10.9.1.20")
	for _, r := range []checks.Flow{
		{InterfaceID: app, FlowDirection: "egress", Action: "ACCEPT"},
		{InterfaceID: db, FlowDirection: "ingress", Action: "REJECT"},
	} {
		r.Version, r.AccountID, r.Src, r.Dst, r.SrcPort, r.DstPort, r.Protocol = 5, "123456789012", appIP, dbIP, 40001, 5432, checks.ProtocolTCP
		r.Packets, r.Bytes, r.Start, r.End, r.LogStatus, r.TCPFlags = 3, 180, at, at.Add(time.Minute), "OK", 2
		stream := r.InterfaceID + "-all"
		if _, err := logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: awssdk.String(group), LogStreamName: &stream}); err != nil {
			t.Fatal(err)
		}
		if _, err := logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: awssdk.String(group), LogStreamName: &stream,
			LogEvents: []cwltypes.InputLogEvent{{Message: awssdk.String(string(f.Append(nil, &r))), Timestamp: awssdk.Int64(at.UnixMilli())}}}); err != nil {
			t.Fatal(err)
		}
	}

	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	pcfg := awstest.Config(proxy.URL)
	open := liveFlows(&awsConfig{cfg: &pcfg})

	// An interface's tail reads its own stream only.
	target := tui.FlowTarget{Label: app, ENI: app, ENIs: []string{app}, From: []netip.Addr{appIP}, Protocol: checks.ProtocolAll, Network: n}
	src, err := open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if name := src.Name(); name != "Live Tail of "+group {
		t.Errorf("name %q", name)
	}
	if _, ok := src.(tui.FlowWindower); ok {
		t.Error("an interface's tail has no diagnosis, so no window")
	}
	got := runTail(t, src, func(b tui.FlowBatch) bool { return len(b.Flows) > 0 })
	if len(got.Flows) != 1 || got.Flows[0].InterfaceID != app || got.Flows[0].Action != "ACCEPT" || got.Flows[0].FlowDirection != "egress" || got.Flows[0].TCPFlags != 2 {
		t.Errorf("records %+v", got.Flows)
	}
	if !strings.HasPrefix(got.Source, "FilterLogEvents polling") || !strings.Contains(got.Note, "Live Tail is unavailable") {
		t.Errorf("source %q, note %q", got.Source, got.Note)
	}

	// A path's tail covers both interfaces and says when its records can
	// arrive: the flow log's 1-minute interval and CloudWatch Logs' delay.
	q, err := checks.NewQuery(app, "10.9.1.20:5432", "tcp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	src, err = open(ctx, tui.FlowTarget{Label: "app → db", ENIs: []string{app, db}, From: []netip.Addr{appIP}, To: []netip.Addr{dbIP},
		Protocol: checks.ProtocolTCP, Port: 5432, Query: &q, Network: n})
	if err != nil {
		t.Fatal(err)
	}
	fw, ok := src.(tui.FlowWindower)
	if !ok {
		t.Fatal("a path's tail says its window")
	}
	w := fw.FlowWindow()
	if w.Interval != time.Minute || w.Delay != checks.CloudWatchLogsDeliveryDelay || w.Since.Before(before) || w.Recorded == nil ||
		!w.Recorded(app, "ACCEPT") || !w.Recorded(db, "REJECT") || w.Recorded(lone, "ACCEPT") {
		t.Errorf("window %+v", w)
	}
	// moto matches one quoted phrase, not the two addresses a path's
	// filter pattern holds, so the path's records are read through the
	// interfaces above.

	// No flow log records the lone interface: the error carries the
	// command that creates one, for an interface and for a path.
	_, err = open(ctx, tui.FlowTarget{Label: lone, ENI: lone, ENIs: []string{lone}, Protocol: checks.ProtocolAll, Network: n})
	if err == nil || !strings.Contains(err.Error(), "no flow log reach can read records "+lone) ||
		!strings.Contains(err.Error(), "aws ec2 create-flow-logs --resource-type NetworkInterface --resource-ids "+lone) || strings.Contains(err.Error(), "\n") {
		t.Errorf("uncovered interface: %v", err)
	}
	q2, err := checks.NewQuery(lone, "10.8.1.99:443", "tcp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = open(ctx, tui.FlowTarget{Label: "lone → 10.8.1.99", ENIs: []string{lone}, Protocol: checks.ProtocolTCP, Port: 443, Query: &q2, Network: n})
	if err == nil || !strings.Contains(err.Error(), "aws ec2 create-flow-logs --resource-type NetworkInterface --resource-ids "+lone) {
		t.Errorf("uncovered path: %v", err)
	}
	for _, a := range proxy.Actions() {
		if !aws.Allowed(a) {
			t.Errorf("called %s, which is not on the read-only list", a)
		}
	}
}

// runTail runs a tail's source until cond holds on what it emitted (or ten
// seconds pass), and returns the batches summed.
func runTail(t *testing.T, src tui.FlowSource, cond func(tui.FlowBatch) bool) tui.FlowBatch {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mu sync.Mutex
	var all tui.FlowBatch
	done := make(chan error, 1)
	go func() {
		done <- src.Run(ctx, func(b tui.FlowBatch) {
			mu.Lock()
			defer mu.Unlock()
			all.Flows = append(all.Flows, b.Flows...)
			all.Malformed += b.Malformed
			if b.Source != "" {
				all.Source = b.Source
			}
			if b.Note != "" {
				all.Note += b.Note + "\n"
			}
		})
	}()
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
