package aws

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/aws/awstest"
)

const (
	testRole    = "arn:aws:iam::123456789012:role/network-admin"
	testSession = "alice@example.com"
)

// trailWith starts the CloudTrail stand-in holding events; moto is not
// needed, since nothing else is called.
func trailWith(t *testing.T, evs ...awstest.TrailEvent) (*awstest.CloudTrail, *History) {
	t.Helper()
	ct := &awstest.CloudTrail{}
	ct.Add(evs...)
	srv := httptest.NewServer(ct)
	t.Cleanup(srv.Close)
	cfg := awstest.Config(srv.URL)
	// The server's own client: with the shared default transport, a kept
	// connection to an earlier case's server on the same port could be
	// reused once that server is gone.
	cfg.HTTPClient = &http.Client{Transport: awstest.BufferedRequests{Next: srv.Client().Transport}}
	// The history's own retryer decides the attempts, as it does outside
	// the tests.
	cfg.RetryMaxAttempts = 0
	return ct, NewHistory(cfg)
}

var historyNow = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func revoke(id string, ago time.Duration) awstest.TrailEvent {
	return awstest.ManagementEvent(id, "RevokeSecurityGroupIngress", "AWS::EC2::SecurityGroup", "sg-0abc", historyNow.Add(-ago), testRole, testSession,
		"203.0.113.7", "aws-cli/2.17.0 Python/3.11", map[string]any{
			"groupId": "sg-0abc",
			"ipPermissions": map[string]any{"items": []any{map[string]any{
				"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
				"groups": map[string]any{"items": []any{map[string]any{"groupId": "sg-0app"}}},
			}}},
		})
}

func TestHistoryPagesPacedNewestFirst(t *testing.T) {
	var evs []awstest.TrailEvent
	for i := range 120 {
		evs = append(evs, revoke(fmt.Sprintf("ev-sg-%03d", i), time.Duration(i+1)*time.Minute))
	}
	evs = append(evs,
		awstest.ManagementEvent("ev-rtb-1", "ReplaceRoute", "AWS::EC2::RouteTable", "rtb-0abc", historyNow.Add(-30*time.Second), testRole, "bob",
			"198.51.100.2", "console.amazonaws.com", map[string]any{"routeTableId": "rtb-0abc", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-0new"}),
		// Outside the window, and a read: neither is listed.
		awstest.ManagementEvent("ev-old", "ReplaceRoute", "AWS::EC2::RouteTable", "rtb-0abc", historyNow.Add(-8*24*time.Hour), testRole, "bob", "198.51.100.2", "console", nil),
	)
	read := awstest.ManagementEvent("ev-read", "DescribeRouteTables", "AWS::EC2::RouteTable", "rtb-0abc", historyNow.Add(-time.Minute), testRole, "bob", "198.51.100.2", "console", nil)
	read.ReadOnly = true
	evs = append(evs, read)
	ct, h := trailWith(t, evs...)
	var progress []string
	res := h.Lookup(context.Background(), []string{"sg-0abc", "rtb-0abc"}, HistoryOptions{Now: func() time.Time { return historyNow },
		Progress: func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }})
	calls, answered, throttled, shortest := ct.Stats()
	t.Logf("LookupEvents: %d calls, %d answered, %d throttled, shortest interval %s", calls, answered, throttled, shortest)
	if len(res.Gaps) != 0 {
		t.Errorf("gaps: %v", res.Gaps)
	}
	// sg-0abc: 120 events in pages of 50 (3 calls); rtb-0abc: one page.
	if res.Calls != 4 || calls != 4 || throttled != 0 {
		t.Errorf("%d calls made, %d arrived, %d throttled; want 4, 4, 0", res.Calls, calls, throttled)
	}
	if strings.Join(progress, " ") != "1/2 2/2" {
		t.Errorf("progress %v", progress)
	}
	if len(res.Events) != 121 {
		t.Fatalf("%d events, want 121", len(res.Events))
	}
	first, second := res.Events[0], res.Events[1]
	if first.Event != "ReplaceRoute" || first.Component != "rtb-0abc" || first.SessionName != "bob" ||
		first.Detail != "destinationCidrBlock 0.0.0.0/0, natGatewayId nat-0new, routeTableId rtb-0abc" {
		t.Errorf("newest event %+v", first)
	}
	if second.Event != "RevokeSecurityGroupIngress" || second.Principal != "arn:aws:sts::123456789012:assumed-role/network-admin/alice@example.com" ||
		second.SessionName != testSession || second.SourceIP != "203.0.113.7" || !strings.HasPrefix(second.UserAgent, "aws-cli/") ||
		!strings.Contains(second.Detail, "fromPort 5432") || !strings.Contains(second.Detail, "groupId sg-0app") || !second.Time.Equal(historyNow.Add(-time.Minute)) {
		t.Errorf("second event %+v", second)
	}
	for i := 1; i < len(res.Events); i++ {
		if res.Events[i].Time.After(res.Events[i-1].Time) {
			t.Fatalf("events not newest first at %d", i)
		}
	}
}

func TestHistoryGaps(t *testing.T) {
	many := make([]awstest.TrailEvent, 0, 60)
	for i := range 60 {
		many = append(many, revoke(fmt.Sprintf("ev-%d", i), time.Duration(i+1)*time.Minute))
	}
	cases := []struct {
		name      string
		setup     func(ct *awstest.CloudTrail)
		opt       HistoryOptions
		resources []string
		want      []string
		events    int
		tooFast   bool
	}{
		{name: "denied", setup: func(ct *awstest.CloudTrail) { ct.Deny(true) }, resources: []string{"sg-0abc", "rtb-0abc"},
			want: []string{"history not read: cloudtrail:LookupEvents denied (AccessDeniedException); grant cloudtrail:LookupEvents", "history of 1 more resources not read: rtb-0abc"}},
		{name: "throttled by other callers", setup: func(ct *awstest.CloudTrail) { ct.ThrottleAll(true) }, resources: []string{"sg-0abc"},
			want: []string{"history of sg-0abc not read: cloudtrail:LookupEvents throttled (ThrottlingException); retry in a minute"}},
		// The stand-in enforces the limit: a client that does not pace
		// itself is throttled (and may get through on a retry).
		// The stand-in's limit is set far above the client's pace, so
		// that however slow a loaded machine is, the second call comes
		// too soon.
		{name: "called faster than the limit", setup: func(ct *awstest.CloudTrail) { ct.MinInterval = time.Hour },
			opt: HistoryOptions{Interval: time.Millisecond}, resources: []string{"sg-0abc"}, tooFast: true, events: -1},
		{name: "too many events for the page cap", opt: HistoryOptions{MaxPages: 1}, resources: []string{"sg-0abc"},
			want: []string{"window cut short for sg-0abc: more than 50 events; read back to 2026-12-06 11:10:00Z only"}, events: 50},
		{name: "the time budget runs out", opt: HistoryOptions{Budget: time.Nanosecond}, resources: []string{"sg-0abc", "rtb-0abc"},
			want: []string{"window cut short: the history's time budget (1ns) ran out before sg-0abc", "history of 1 more resources not read: rtb-0abc"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct, h := trailWith(t, many...)
			if c.setup != nil {
				c.setup(ct)
			}
			c.opt.Now = func() time.Time { return historyNow }
			res := h.Lookup(context.Background(), c.resources, c.opt)
			got := strings.Join(res.Gaps, "\n")
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("gaps:\n%s\nwant one saying %q", got, w)
				}
			}
			if _, _, throttled, _ := ct.Stats(); c.tooFast != (throttled > 0) {
				t.Errorf("the stand-in throttled %d calls", throttled)
			}
			if c.events >= 0 && len(res.Events) != c.events {
				t.Errorf("%d events, want %d", len(res.Events), c.events)
			}
		})
	}
}
