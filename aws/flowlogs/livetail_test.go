package flowlogs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/reachnet/reach/aws"
)

// liveTailServer speaks CloudWatch Logs' StartLiveTail over HTTP/2 the way
// the service does (awsJson1_1 with an event-stream response: an
// initial-response message, then sessionStart, sessionUpdate events and
// exceptions), encoded with the SDK's own event-stream encoder. Each
// session plays the next script; other operations get the handler in
// other, when set.
type liveTailServer struct {
	t       *testing.T
	mu      sync.Mutex
	inputs  []map[string]any
	scripts []func(send func(eventType string, payload any), exception func(name, msg string))
	other   http.Handler
	protos  []string
}

func (s *liveTailServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if !strings.HasSuffix(target, ".StartLiveTail") {
		if s.other != nil {
			s.other.ServeHTTP(w, r)
			return
		}
		http.Error(w, "unexpected "+target, http.StatusBadRequest)
		return
	}
	var in map[string]any
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		s.t.Errorf("StartLiveTail body %q: %v", body, err)
	}
	s.mu.Lock()
	n := len(s.inputs)
	s.inputs = append(s.inputs, in)
	s.protos = append(s.protos, r.Proto)
	var script func(func(string, any), func(string, string))
	if n < len(s.scripts) {
		script = s.scripts[n]
	}
	s.mu.Unlock()
	if script == nil {
		// No more sessions: hold the stream open until the client leaves.
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
	w.WriteHeader(http.StatusOK)
	enc := eventstream.NewEncoder()
	write := func(msg eventstream.Message) {
		if err := enc.Encode(w, msg); err != nil {
			return
		}
		w.(http.Flusher).Flush()
	}
	event := func(eventType string, payload any) {
		b, _ := json.Marshal(payload)
		var m eventstream.Message
		m.Headers.Set(":message-type", eventstream.StringValue("event"))
		m.Headers.Set(":event-type", eventstream.StringValue(eventType))
		m.Headers.Set(":content-type", eventstream.StringValue("application/json"))
		m.Payload = b
		write(m)
	}
	exception := func(name, msg string) {
		var m eventstream.Message
		m.Headers.Set(":message-type", eventstream.StringValue("exception"))
		m.Headers.Set(":exception-type", eventstream.StringValue(name))
		m.Headers.Set(":content-type", eventstream.StringValue("application/json"))
		m.Payload, _ = json.Marshal(map[string]string{"message": msg})
		write(m)
	}
	event("initial-response", map[string]any{})
	script(event, exception)
}

// newTestLogsClient points a CloudWatch Logs client at a test server. The
// client carries reach's read-only guard; NewClient itself turns host-prefix
// injection off for the custom endpoint ("stream-" + 127.0.0.1 is no host).
func newTestLogsClient(url string, hc *http.Client) *cloudwatchlogs.Client {
	cfg := awssdk.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	}
	if hc != nil {
		cfg.HTTPClient = hc
	}
	return NewClient(cfg, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = awssdk.String(url) })
}

const (
	groupARN = "arn:aws:logs:us-east-1:111122223333:log-group:/vpc/flow-logs/prod"
	appENI   = "eni-0f6a7b8c9d0e10012"
	dbENI    = "eni-0f6a7b8c9d0e10022"
)

func logEvent(stream, msg string) map[string]any {
	return map[string]any{"logStreamName": stream, "logGroupIdentifier": groupARN, "message": msg,
		"timestamp": time.Now().UnixMilli(), "ingestionTime": time.Now().UnixMilli()}
}

// TestLiveTail runs the Live Tail source against the local HTTP/2 server:
// the request names the group by ARN, the ENIs' streams and the address
// pattern; records of other streams are left out; a malformed message is
// counted; a session timeout renews the session; sampling is reported.
func TestLiveTail(t *testing.T) {
	srv := &liveTailServer{t: t}
	got := make(chan Batch, 100)
	srv.scripts = append(srv.scripts,
		func(send func(string, any), exc func(string, string)) {
			send("sessionStart", map[string]any{"requestId": "r1", "sessionId": "s1", "logGroupIdentifiers": []string{groupARN}})
			send("sessionUpdate", map[string]any{"sessionMetadata": map[string]any{"sampled": false}, "sessionResults": []any{
				logEvent(appENI+"-all", "2 111122223333 "+appENI+" 10.0.16.45 10.0.33.12 40512 5432 6 12 2880 1763632800 1763632860 ACCEPT OK"),
				logEvent(dbENI+"-all", "2 111122223333 "+dbENI+" 10.0.16.45 10.0.33.12 40512 5432 6 12 2880 1763632800 1763632860 ACCEPT OK"),
				logEvent("eni-0ffffffffffffffff-all", "2 111122223333 eni-0ffffffffffffffff 10.0.16.45 10.0.33.12 40512 5432 6 12 2880 1763632800 1763632860 ACCEPT OK"),
			}})
			exc("SessionTimeoutException", "The session timed out after 3 hours")
		},
		func(send func(string, any), exc func(string, string)) {
			send("sessionStart", map[string]any{"requestId": "r2", "sessionId": "s2"})
			send("sessionUpdate", map[string]any{"sessionMetadata": map[string]any{"sampled": true}, "sessionResults": []any{
				logEvent(dbENI+"-all", "2 111122223333 "+dbENI+" 10.0.81.7 10.0.33.12 40001 5432 6 2 120 1763632800 1763632860 REJECT OK"),
				logEvent(dbENI+"-all", "this is not a record"),
			}})
			// Stay open: the client leaves when its context ends.
			time.Sleep(time.Hour)
		},
	)
	ts := httptest.NewUnstartedServer(srv)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()

	client := newTestLogsClient(ts.URL, ts.Client())
	target := Target{LogGroups: []LogGroup{{Name: "/vpc/flow-logs/prod", ARN: groupARN}}, ENIs: []string{appENI, dbENI},
		Pattern: AddressPattern(ip("10.0.33.12"))}
	src := NewLiveTailSource(client, target, PollOptions{Options: Options{FlushInterval: 20 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, func(b Batch) { got <- b }) }()

	var all Batch
	deadline := time.After(10 * time.Second)
	for len(all.Flows) < 3 || all.Malformed < 1 || !all.Sampled {
		select {
		case b := <-got:
			all.Flows = append(all.Flows, b.Flows...)
			all.Malformed += b.Malformed
			all.Sampled = all.Sampled || b.Sampled
			all.Source = b.Source
		case <-deadline:
			t.Fatalf("waited 10s; got %d flows, %d malformed, sampled %v", len(all.Flows), all.Malformed, all.Sampled)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(all.Flows) != 3 || all.Flows[2].Action != "REJECT" || !strings.HasPrefix(all.Source, "Live Tail of /vpc/flow-logs/prod") {
		t.Errorf("flows %+v, source %q", all.Flows, all.Source)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.inputs) != 2 {
		t.Fatalf("%d sessions, want 2 (the timeout renews the session)", len(srv.inputs))
	}
	in := srv.inputs[0]
	if !equalJSON(in["logGroupIdentifiers"], []string{groupARN}) || !equalJSON(in["logStreamNamePrefixes"], []string{appENI, dbENI}) ||
		in["logEventFilterPattern"] != `"10.0.33.12"` {
		t.Errorf("request %v", in)
	}
	if srv.protos[0] != "HTTP/2.0" {
		t.Errorf("served over %s", srv.protos[0])
	}
}

func equalJSON(a any, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestLiveTailDeniedFallsBackToPolling: when StartLiveTail is denied, the
// source says so and polls FilterLogEvents instead (served here by the same
// test server, speaking the JSON protocol).
func TestLiveTailDeniedFallsBackToPolling(t *testing.T) {
	var polls sync.WaitGroup
	polls.Add(1)
	var once sync.Once
	srv := &liveTailServer{t: t}
	srv.other = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".FilterLogEvents") {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{"events": []any{
			map[string]any{"eventId": "1", "logStreamName": in["logStreamNamePrefix"].(string) + "-all", "timestamp": time.Now().UnixMilli(),
				"message": "2 111122223333 " + in["logStreamNamePrefix"].(string) + " 10.0.81.7 10.0.33.12 40001 5432 6 2 120 1763632800 1763632860 REJECT OK"},
		}})
		once.Do(polls.Done)
	})
	denyFirst := srv.ServeHTTP
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".StartLiveTail") {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"AccessDeniedException","message":"User is not authorized to perform: logs:StartLiveTail"}`)
			return
		}
		denyFirst(w, r)
	}))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()

	client := newTestLogsClient(ts.URL, ts.Client())
	target := Target{LogGroups: []LogGroup{{Name: "/vpc/flow-logs/prod", ARN: groupARN}}, ENIs: []string{dbENI}}
	src := NewLiveTailSource(client, target, PollOptions{Options: Options{FlushInterval: 20 * time.Millisecond}, Every: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mu sync.Mutex
	var all Batch
	done := make(chan error, 1)
	go func() {
		done <- src.Run(ctx, func(b Batch) {
			mu.Lock()
			defer mu.Unlock()
			all.Flows = append(all.Flows, b.Flows...)
			if b.Note != "" {
				all.Note += b.Note
			}
			all.Source = b.Source
		})
	}()
	polls.Wait()
	// Several polls read the same event: it must be shown once.
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(all.Flows) != 1 || !strings.Contains(all.Note, "Live Tail is unavailable (AccessDeniedException") ||
		!strings.Contains(all.Note, "polling FilterLogEvents every") || !strings.HasPrefix(all.Source, "FilterLogEvents polling") {
		t.Errorf("flows %d, note %q, source %q", len(all.Flows), all.Note, all.Source)
	}
}

// TestGuardRefusesWrites: the flow-log client refuses anything outside
// reach's allowed actions before sending it.
func TestGuardRefusesWrites(t *testing.T) {
	client := newTestLogsClient("http://127.0.0.1:1", http.DefaultClient)
	_, err := client.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: awssdk.String("g"), LogStreamName: awssdk.String("s")})
	var na *aws.NotAllowedError
	if !errors.As(err, &na) || na.Action != "logs:PutLogEvents" {
		t.Errorf("PutLogEvents: %v", err)
	}
}
