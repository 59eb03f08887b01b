package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// closedPort returns an address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// silentServer accepts connections and never answers: a stalled endpoint.
func silentServer(t *testing.T) string {
	t.Helper()
	addr, _ := silentServerSignalling(t)
	return addr
}

// silentServerSignalling is silentServer that also says when the first
// connection came in.
func silentServerSignalling(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	accepted := make(chan struct{})
	var once sync.Once
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			once.Do(func() { close(accepted) })
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String(), accepted
}

// TestUnreachableEndpointIsAnUnknownReport: an account that cannot be read
// (a refused connection, an endpoint that never answers) is neither bad
// input nor a hang: reach check prints the unknown report that names why,
// exits 3, and the deadlines bound how long it waits.
func TestUnreachableEndpointIsAnUnknownReport(t *testing.T) {
	for _, c := range []struct {
		name  string
		addr  func(*testing.T) string
		extra []string
		why   string
	}{
		{"connection refused", closedPort, nil, "connection refused"},
		{"never answers", silentServer, []string{"--call-timeout", "200ms", "--load-timeout", "3s"}, "timed out"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pointAtEndpoint(t, "http://"+c.addr(t))
			args := append([]string{"check", "--from", "eni-0123456789abcdef0", "--to", "10.0.0.9:443", "-o", "json"}, c.extra...)
			code, out, errOut := runCLI(args...)
			if code != exitUnknown {
				t.Fatalf("exit %d, want %d (unknown)\nstdout:\n%s\nstderr:\n%s", code, exitUnknown, out, errOut)
			}
			var rep struct {
				Verdict string `json:"verdict"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Verdict != "unknown" {
				t.Fatalf("-o json must print the unknown report: %v\n%s", err, out)
			}
			if !strings.Contains(out, c.why) {
				t.Errorf("the report does not say %q:\n%s", c.why, out)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("stderr is more than one line:\n%s", errOut)
			}
		})
	}
}

// TestInterruptExits130: Ctrl-C while the account loads ends reach with
// the shell's status for SIGINT, not the status of bad input.
func TestInterruptExits130(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	addr, accepted := silentServerSignalling(t)
	pointAtEndpoint(t, "http://"+addr)
	cmd := exec.Command(exe, "check", "--from", "eni-0123456789abcdef0", "--to", "10.0.0.9:443")
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt it once it waits on the stalled calls (its handler is in
	// place before the first call goes out).
	select {
	case <-accepted:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("reach never called the endpoint")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit %d (%v), want %d\nstderr: %s", code, err, exitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr: %q", stderr.String())
	}
}
