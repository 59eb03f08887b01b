package flowlogs

import (
	"context"
	"errors"
	"net/http"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// hostRecorder is an HTTP client that notes the host of each request and
// sends nothing.
type hostRecorder struct{ hosts []string }

var errNotSent = errors.New("not sent")

func (h *hostRecorder) Do(r *http.Request) (*http.Response, error) {
	h.hosts = append(h.hosts, r.URL.Host)
	return nil, errNotSent
}

// TestClientHostForLiveTail: Live Tail goes to the "stream-" host on AWS's
// own endpoints, and to the custom endpoint as given (an address, with
// AWS_ENDPOINT_URL), however the endpoint was set.
func TestClientHostForLiveTail(t *testing.T) {
	for _, tc := range []struct {
		name     string
		config   string // cfg.BaseEndpoint, as AWS_ENDPOINT_URL sets it
		option   string // cloudwatchlogs.Options.BaseEndpoint
		wantHost string
	}{
		{name: "AWS's endpoint", wantHost: "stream-logs.us-east-1.amazonaws.com"},
		{name: "AWS_ENDPOINT_URL an address", config: "http://127.0.0.1:5000", wantHost: "127.0.0.1:5000"},
		{name: "AWS_ENDPOINT_URL a name", config: "https://logs.internal.example:8443", wantHost: "logs.internal.example:8443"},
		{name: "endpoint set by option", option: "http://[::1]:4566", wantHost: "[::1]:4566"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &hostRecorder{}
			cfg := awssdk.Config{Region: "us-east-1", HTTPClient: rec, RetryMaxAttempts: 1,
				Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
			if tc.config != "" {
				cfg.BaseEndpoint = awssdk.String(tc.config)
			}
			var opts []func(*cloudwatchlogs.Options)
			if tc.option != "" {
				opts = append(opts, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = awssdk.String(tc.option) })
			}
			c := NewClient(cfg, opts...)
			_, err := c.StartLiveTail(context.Background(), &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{groupARN}})
			if !errors.Is(err, errNotSent) {
				t.Fatalf("err %v, want the recorder's", err)
			}
			if len(rec.hosts) != 1 || rec.hosts[0] != tc.wantHost {
				t.Errorf("hosts %v, want %s", rec.hosts, tc.wantHost)
			}
		})
	}
}
