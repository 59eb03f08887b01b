package aws

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/checks"
)

// analyzerFixture is the network-insights stand-in behind the recording,
// fault-injecting proxy, and an Analyzer pointed at the proxy.
type analyzerFixture struct {
	insights *awstest.Insights
	proxy    *awstest.Proxy
	analyzer *Analyzer
}

func newAnalyzerFixture(t *testing.T) *analyzerFixture {
	t.Helper()
	ins := awstest.NewInsights(nil)
	srv := httptest.NewServer(ins)
	t.Cleanup(srv.Close)
	proxy, err := awstest.NewProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	a := NewAnalyzer(awstest.Config(proxy.URL))
	a.PollInterval, a.MaxPollInterval = time.Millisecond, 5*time.Millisecond
	return &analyzerFixture{insights: ins, proxy: proxy, analyzer: a}
}

var analyzerPath = AnalyzerRequest{Source: "eni-0a1b2c3d4e5f60001", Destination: "eni-0a1b2c3d4e5f60002", Protocol: "tcp", Port: 443}

func TestAnalyzerRun(t *testing.T) {
	cases := []struct {
		name    string
		script  awstest.InsightsScript
		deny    string
		timeout time.Duration
		want    checks.AnalyzerStatus
		found   *bool
		explain []checks.AnalyzerExplanation
		forward []string
		message string
		cleaned bool
	}{
		{
			name:    "path found after running polls",
			script:  awstest.InsightsScript{Outcome: awstest.PathFound, RunningPolls: 3},
			want:    checks.AnalyzerSucceeded,
			found:   awssdk.Bool(true),
			forward: []string{analyzerPath.Source, analyzerPath.Destination},
			cleaned: true,
		},
		{
			name: "no path, explanations mapped to layers",
			script: awstest.InsightsScript{Outcome: awstest.NoPath, RunningPolls: 1, Explanations: []awstest.InsightsExplanation{
				{Code: "ENI_SG_RULES_MISMATCH", Direction: "ingress", Components: map[string]string{"networkInterface": analyzerPath.Destination}, SecurityGroups: []string{"sg-0a1b2c3d4e5f60009"}},
				{Code: "SUBNET_ACL_RESTRICTION", Direction: "egress", Components: map[string]string{"acl": "acl-0a1b2c3d4e5f60003", "subnet": "subnet-0a1b2c3d4e5f60004"}},
				{Code: "NO_ROUTE_TO_DESTINATION", Components: map[string]string{"routeTable": "rtb-0a1b2c3d4e5f60005"}},
				{Code: "ELBV2_LISTENERS_MISMATCH", LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/api/0a1b2c3d"},
				{Code: "SOMETHING_NEW", Components: map[string]string{"vpc": "vpc-0a1b2c3d4e5f60006"}},
			}},
			want:  checks.AnalyzerSucceeded,
			found: awssdk.Bool(false),
			explain: []checks.AnalyzerExplanation{
				{Code: "ENI_SG_RULES_MISMATCH", Direction: "ingress", Layer: checks.LayerSecurityGroup, Component: "sg-0a1b2c3d4e5f60009"},
				{Code: "SUBNET_ACL_RESTRICTION", Direction: "egress", Layer: checks.LayerNACL, Component: "acl-0a1b2c3d4e5f60003"},
				{Code: "NO_ROUTE_TO_DESTINATION", Layer: checks.LayerRoute, Component: "rtb-0a1b2c3d4e5f60005"},
				{Code: "ELBV2_LISTENERS_MISMATCH", Layer: checks.LayerService, Component: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/api/0a1b2c3d"},
				{Code: "SOMETHING_NEW", Layer: "", Component: "vpc-0a1b2c3d4e5f60006"},
			},
			cleaned: true,
		},
		{
			name:    "analysis fails with its status message",
			script:  awstest.InsightsScript{Outcome: awstest.AnalysisFails, RunningPolls: 2, StatusMessage: "The request failed due to modifications in network resources during the analysis"},
			want:    checks.AnalyzerFailed,
			message: "modifications in network resources",
			cleaned: true,
		},
		{
			name:    "never finishes: timed out, still cleaned up",
			script:  awstest.InsightsScript{Outcome: awstest.NeverFinishes},
			timeout: 50 * time.Millisecond,
			want:    checks.AnalyzerTimedOut,
			message: "--analyzer-timeout",
			cleaned: true,
		},
		{
			name:    "create denied: nothing to clean",
			deny:    "ec2:CreateNetworkInsightsPath",
			want:    checks.AnalyzerDenied,
			message: "UnauthorizedOperation",
			cleaned: true,
		},
		{
			name:    "start denied: the path is deleted",
			deny:    "ec2:StartNetworkInsightsAnalysis",
			want:    checks.AnalyzerDenied,
			message: "start the analysis",
			cleaned: true,
		},
		{
			name:    "path delete denied: named as left behind",
			script:  awstest.InsightsScript{Outcome: awstest.PathFound},
			deny:    "ec2:DeleteNetworkInsightsPath",
			want:    checks.AnalyzerSucceeded,
			found:   awssdk.Bool(true),
			forward: []string{analyzerPath.Source, analyzerPath.Destination},
			message: "could not delete path nip-",
			cleaned: false,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newAnalyzerFixture(t)
			f.insights.Script(tc.script)
			if tc.deny != "" {
				f.proxy.Inject(tc.deny, awstest.Deny, -1)
			}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			res := f.analyzer.Run(context.Background(), analyzerPath, timeout)
			if res.Status != tc.want {
				t.Fatalf("status %s (%s), want %s", res.Status, res.Message, tc.want)
			}
			if (res.PathFound == nil) != (tc.found == nil) || (res.PathFound != nil && *res.PathFound != *tc.found) {
				t.Errorf("path_found %v, want %v", res.PathFound, tc.found)
			}
			if tc.explain == nil {
				tc.explain = []checks.AnalyzerExplanation{}
			}
			if !slices.Equal(res.Explanations, tc.explain) {
				t.Errorf("explanations\n got %+v\nwant %+v", res.Explanations, tc.explain)
			}
			if !slices.Equal(res.ForwardPath, tc.forward) {
				t.Errorf("forward path %v, want %v", res.ForwardPath, tc.forward)
			}
			if !strings.Contains(res.Message, tc.message) {
				t.Errorf("message %q, want it to contain %q", res.Message, tc.message)
			}
			if res.CleanedUp != tc.cleaned {
				t.Errorf("cleaned_up %v, want %v (message %q)", res.CleanedUp, tc.cleaned, res.Message)
			}
			if left := f.insights.Left(); tc.cleaned && len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			assertDeleteOrder(t, f.proxy.Calls(), f.insights.Calls())
		})
	}
}

// assertDeleteOrder: the analysis is deleted before its path, and every
// path and analysis created (answered, not only sent) is asked to go.
func assertDeleteOrder(t *testing.T, recorded, answered []string) {
	t.Helper()
	calls := make([]string, len(recorded))
	for i, c := range recorded {
		calls[i] = strings.TrimPrefix(c, "ec2:")
	}
	analysis := slices.Index(calls, "DeleteNetworkInsightsAnalysis")
	path := slices.Index(calls, "DeleteNetworkInsightsPath")
	if analysis >= 0 && path >= 0 && analysis > path {
		t.Errorf("the path was deleted before its analysis: %v", calls)
	}
	if slices.Contains(answered, "StartNetworkInsightsAnalysis") && analysis < 0 {
		t.Errorf("an analysis was started and never deleted: %v", calls)
	}
	if slices.Contains(answered, "CreateNetworkInsightsPath") && path < 0 {
		t.Errorf("a path was created and never deleted: %v", calls)
	}
}

// TestAnalyzerCancelCleansUp: Ctrl-C while polling still deletes the
// analysis and the path, on the cleanup's own context.
func TestAnalyzerCancelCleansUp(t *testing.T) {
	f := newAnalyzerFixture(t)
	f.insights.Script(awstest.InsightsScript{Outcome: awstest.NeverFinishes})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for !slices.Contains(f.insights.Calls(), "DescribeNetworkInsightsAnalyses") {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	res := f.analyzer.Run(ctx, analyzerPath, time.Minute)
	if res.Status != checks.AnalyzerError || !strings.Contains(res.Message, "cancelled") {
		t.Errorf("status %s %q, want error: cancelled", res.Status, res.Message)
	}
	if !res.CleanedUp || len(f.insights.Left()) > 0 {
		t.Errorf("cleaned_up %v, left %v", res.CleanedUp, f.insights.Left())
	}
}

// TestInsightsRefusesPathWithAnalyses: the stand-in, like EC2, refuses to
// delete a path whose analysis still exists, and names unknown IDs.
func TestInsightsRefusesPathWithAnalyses(t *testing.T) {
	f := newAnalyzerFixture(t)
	c := f.analyzer.client
	ctx := context.Background()
	p, err := c.CreateNetworkInsightsPath(ctx, &ec2.CreateNetworkInsightsPathInput{Source: awssdk.String("eni-1"), DestinationIp: awssdk.String("10.0.0.1"), Protocol: "tcp"})
	if err != nil {
		t.Fatal(err)
	}
	id := p.NetworkInsightsPath.NetworkInsightsPathId
	if _, err := c.StartNetworkInsightsAnalysis(ctx, &ec2.StartNetworkInsightsAnalysisInput{NetworkInsightsPathId: id}); err != nil {
		t.Fatal(err)
	}
	codes := map[string]error{}
	_, codes["DependencyViolation"] = c.DeleteNetworkInsightsPath(ctx, &ec2.DeleteNetworkInsightsPathInput{NetworkInsightsPathId: id})
	_, codes["InvalidNetworkInsightsPathId.NotFound"] = c.StartNetworkInsightsAnalysis(ctx, &ec2.StartNetworkInsightsAnalysisInput{NetworkInsightsPathId: awssdk.String("nip-0000")})
	_, codes["InvalidNetworkInsightsAnalysisId.NotFound"] = c.DeleteNetworkInsightsAnalysis(ctx, &ec2.DeleteNetworkInsightsAnalysisInput{NetworkInsightsAnalysisId: awssdk.String("nia-0000")})
	for want, err := range codes {
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorCode() != want {
			t.Errorf("err %v, want %s", err, want)
		}
	}
}

// TestAnalyzerGuard: the analyzer's client may call its six actions; the
// loader's clients may not, so nothing but --analyzer can create a path.
func TestAnalyzerGuard(t *testing.T) {
	for _, a := range AnalyzerActions {
		if Allowed(a) {
			t.Errorf("%s is in AllowedActions: every client could call it", a)
		}
	}
	a := NewAnalyzer(awstest.Config("http://127.0.0.1:1"))
	_, err := a.client.CreateVpc(context.Background(), &ec2.CreateVpcInput{CidrBlock: awssdk.String("10.0.0.0/16")})
	var na *NotAllowedError
	if !errors.As(err, &na) {
		t.Errorf("the analyzer's client sent CreateVpc: %v", err)
	}
}

func TestAnalyzerRequestFor(t *testing.T) {
	cases := []struct {
		name    string
		rep     checks.Report
		want    AnalyzerRequest
		wantErr string
	}{
		{
			name: "interface to interface",
			rep:  checks.Report{Protocol: "tcp", Source: checks.PathEnd{ENI: "eni-1"}, Destination: checks.PathEnd{ENI: "eni-2", Address: "10.0.0.2", Port: 443}},
			want: AnalyzerRequest{Source: "eni-1", Destination: "eni-2", Protocol: "tcp", Port: 443},
		},
		{
			name: "interface to an address outside",
			rep:  checks.Report{Protocol: "udp", Source: checks.PathEnd{ENI: "eni-1"}, Destination: checks.PathEnd{Address: "1.1.1.1", Port: 53, External: true}},
			want: AnalyzerRequest{Source: "eni-1", DestinationIP: "1.1.1.1", Protocol: "udp", Port: 53},
		},
		{
			name: "the internet through the gateway",
			rep:  checks.Report{Protocol: "tcp", Source: checks.PathEnd{Address: "203.0.113.50", External: true}, Destination: checks.PathEnd{ENI: "eni-2", Port: 443}, Hops: []checks.Hop{{Component: "igw-1", Kind: "internet-gateway"}}},
			want: AnalyzerRequest{Source: "igw-1", SourceIP: "203.0.113.50", Destination: "eni-2", Protocol: "tcp", Port: 443},
		},
		{
			name:    "icmp is not analysed",
			rep:     checks.Report{Protocol: "icmp", Source: checks.PathEnd{ENI: "eni-1"}, Destination: checks.PathEnd{ENI: "eni-2"}},
			wantErr: "only tcp and udp",
		},
		{
			name:    "an address with no gateway",
			rep:     checks.Report{Protocol: "tcp", Source: checks.PathEnd{Address: "203.0.113.50", External: true}, Destination: checks.PathEnd{ENI: "eni-2"}},
			wantErr: "neither an interface",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AnalyzerRequestFor(&tc.rep)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// TestAnalyzerLostAnswersAreCleanedUp: the create or the start reaches
// AWS, but its answer never comes back before the timeout. The path and
// the analysis exist all the same, and cleanup must find and delete them:
// the path through its idempotent client token, the analysis through its
// path.
func TestAnalyzerLostAnswersAreCleanedUp(t *testing.T) {
	for _, lost := range []string{"CreateNetworkInsightsPath", "StartNetworkInsightsAnalysis"} {
		t.Run(lost, func(t *testing.T) {
			ins := awstest.NewInsights(nil)
			ins.Script(awstest.InsightsScript{Outcome: awstest.PathFound})
			var once sync.Once
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				if form, _ := url.ParseQuery(string(body)); form.Get("Action") == lost {
					swallowed := false
					once.Do(func() {
						swallowed = true
						ins.ServeHTTP(httptest.NewRecorder(), r)
						<-r.Context().Done()
					})
					if swallowed {
						return
					}
				}
				ins.ServeHTTP(w, r)
			}))
			defer srv.Close()
			a := NewAnalyzer(awstest.Config(srv.URL))
			a.PollInterval, a.MaxPollInterval = time.Millisecond, 5*time.Millisecond
			res := a.Run(context.Background(), analyzerPath, 300*time.Millisecond)
			if res.Status != checks.AnalyzerTimedOut {
				t.Errorf("status %s %q, want timed-out", res.Status, res.Message)
			}
			if left := ins.Left(); !res.CleanedUp || len(left) > 0 {
				t.Errorf("cleaned_up %v, left %v, calls %v", res.CleanedUp, left, ins.Calls())
			}
		})
	}
}
