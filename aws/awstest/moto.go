// Package awstest runs reach's AWS code against moto_server, a local AWS
// emulator: it starts and stops the server, seeds topologies through the
// SDK, dumps them with the AWS CLI, and puts a recording, fault-injecting
// proxy in front of it. It is imported by tests only.
package awstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the region every seeded topology lives in.
const Region = "us-east-1"

// ErrNoMoto says that moto_server is not on PATH.
var ErrNoMoto = errors.New("moto_server is not on PATH (pip install 'moto[server]')")

// Moto is a running moto_server, behind a front server that also answers
// the Direct Connect reads moto lacks.
type Moto struct {
	// URL is the endpoint, http://127.0.0.1:PORT: the front server.
	URL string
	// Backend is moto_server's own endpoint.
	Backend string
	// DirectConnect holds the Direct Connect data the front server answers
	// with; empty until a test sets it.
	DirectConnect *DirectConnect
	// Insights answers the Reachability Analyzer actions moto lacks.
	Insights *Insights

	front  *httptest.Server
	cmd    *exec.Cmd
	logs   *bytes.Buffer
	once   sync.Once
	exited chan error
}

// Start runs moto_server on a free loopback port and waits until it
// answers. The server runs in its own process group, killed by Stop, and
// dies with the test process if that is killed first (Linux).
func Start() (*Moto, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, ErrNoMoto
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	logs := &bytes.Buffer{}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = &lockedWriter{w: logs}, &lockedWriter{w: logs}
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	exited := make(chan error, 1)
	m := &Moto{Backend: fmt.Sprintf("http://127.0.0.1:%d", port), DirectConnect: &DirectConnect{}, Insights: NewInsights(nil), cmd: cmd, logs: logs, exited: exited}
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(m.Backend + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			if m.front, err = front(m.Backend, m.DirectConnect, m.Insights); err != nil {
				m.Stop()
				return nil, fmt.Errorf("start the front server: %w", err)
			}
			m.URL = m.front.URL
			return m, nil
		}
		select {
		case err := <-exited:
			exited <- err // for Stop
			return nil, fmt.Errorf("moto_server exited before answering: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, fmt.Errorf("moto_server did not answer on %s within a minute\n%s", m.Backend, logs.String())
		}
	}
}

// Stop kills the server's process group and reaps the server.
func (m *Moto) Stop() {
	if m == nil || m.cmd == nil || m.cmd.Process == nil {
		return
	}
	m.once.Do(func() {
		if m.front != nil {
			m.front.Close()
		}
		killGroup(m.cmd.Process.Pid)
		select {
		case <-m.exited:
		case <-time.After(5 * time.Second):
		}
	})
}

// Reset drops every resource moto holds, so a test starts from a fresh
// account (moto recreates the default VPC of a region on first use).
func (m *Moto) Reset(ctx context.Context) error {
	m.DirectConnect.Reset()
	m.Insights.Reset()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Backend+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reset moto: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset moto: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Require skips the test when moto_server could not be started because it
// is not installed, unless REACH_REQUIRE_MOTO=1, which makes that a
// failure (CI sets it so a missing install cannot pass as green). Any other
// start error fails the test.
func Require(tb testing.TB, m *Moto, startErr error) *Moto {
	tb.Helper()
	switch {
	case startErr == nil && m != nil:
		return m
	case errors.Is(startErr, ErrNoMoto) && os.Getenv("REACH_REQUIRE_MOTO") != "1":
		tb.Skip("SKIPPED: AWS emulator tests need moto_server: " + startErr.Error() + "; set REACH_REQUIRE_MOTO=1 to make this a failure")
	case startErr == nil:
		startErr = errors.New("moto_server was not started")
	}
	tb.Fatalf("moto_server: %v", startErr)
	return nil
}

// Config is an SDK configuration for endpoint with moto's dummy
// credentials, the region of the seeded topologies, and no retries (seeding
// should fail loudly).
func Config(endpoint string) awssdk.Config {
	return awssdk.Config{
		Region:           Region,
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     awssdk.String(endpoint),
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Timeout: 30 * time.Second, Transport: BufferedRequests{Next: http.DefaultTransport}},
	}
}

// BufferedRequests sends each request's body from memory. A stand-in in
// this process answers as soon as it has read the body, and the SDK moves
// on with the answer while the client transport still reads the body's
// end to check its length: reading it from the SDK's own stream then, at
// times, failed and closed the connection under the answer ("use of
// closed network connection", about 1 call in 100 on a loaded machine).
// Against AWS the answer comes long after the body's end is read.
type BufferedRequests struct{ Next http.RoundTripper }

func (b BufferedRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return b.Next.RoundTrip(r)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Keep the first 64 KiB: enough to see why moto failed to start.
	if l.w.Len() < 64<<10 {
		l.w.Write(p)
	}
	return len(p), nil
}
