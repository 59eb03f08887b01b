package cli

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	pathsFile := filepath.Join(dir, "paths.txt")
	if err := os.WriteFile(pathsFile, []byte("# incident 4711\napp-1 10.0.33.12 5432\n\nbatch-1 10.0.33.12:5432 tcp\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(badFile, []byte("app-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
		err  string
	}{
		{"one path from flags", []string{"--from", "app-1", "--to", "10.0.33.12:5432"}, 0,
			[]string{"- **Paths checked:** 1", "## 1. app-1 → 10.0.33.12:5432/tcp", "- **Verdict:** reachable", "| security-group | ✓ pass |"}, ""},
		{"paths from a file", []string{"--paths", pathsFile}, 0,
			[]string{"- **Paths checked:** 2", "## 1. app-1 → 10.0.33.12:5432/tcp", "## 2. batch-1 → 10.0.33.12:5432/tcp", "- **Verdict:** unreachable", "authorize-security-group-ingress"}, ""},
		{"flags and a file", []string{"--from", "web-1", "--to", "app-1:8080", "--paths", pathsFile}, 0,
			[]string{"- **Paths checked:** 3", "## 1. web-1 → app-1:8080/tcp"}, ""},
		{"no path", nil, exitUsage, nil, "report: no path"},
		{"half a path", []string{"--from", "app-1"}, exitUsage, nil, "--from and --to go together"},
		{"a bad line", []string{"--paths", badFile}, exitUsage, nil, "bad.txt:1: expected FROM TO [PORT] [PROTOCOL]"},
		{"no such file", []string{"--paths", filepath.Join(dir, "none")}, exitUsage, nil, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(append([]string{"report", "--demo"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the report lacks %q:\n%s", w, out)
				}
			}
			if tc.err != "" && (!strings.Contains(errOut, tc.err) || strings.Count(errOut, "\n") != 1) {
				t.Errorf("stderr = %q, want one line with %q", errOut, tc.err)
			}
		})
	}

	out := filepath.Join(dir, "report.md")
	code, _, errOut := runCLI("report", "--demo", "--from", "app-1", "--to", "10.0.33.12:5432", "--out", out)
	if code != 0 || !strings.Contains(errOut, "1 paths written to "+out) {
		t.Fatalf("--out: exit %d, stderr %q", code, errOut)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "# reach session report") {
		t.Errorf("--out wrote %q, %v", b, err)
	}
}

func TestServeRefusesBadSetup(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# nobody yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys := writeClientKeys(t, dir, "alice")
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"no authorized_keys file", []string{"--authorized-keys", filepath.Join(dir, "none")}, "--authorized-keys"},
		{"no key in authorized_keys", []string{"--authorized-keys", empty}, "no public key in it"},
		{"a bad listen address", []string{"--authorized-keys", keys.authorized, "--listen", "127.0.0.1:99999"}, "--listen 127.0.0.1:99999"},
		{"a host key that is not one", []string{"--authorized-keys", keys.authorized, "--host-key", empty}, "host key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--demo", "--host-key", filepath.Join(dir, "hostkey")}, tc.args...)
			code, _, errOut := runCLI(args...)
			if code != exitUsage || !strings.Contains(errOut, tc.err) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, errOut, tc.err)
			}
		})
	}
}

func TestServeHostKeyPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "reach", hostKeyName)
	first, err := ensureHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	again, err := ensureHostKey(path)
	if err != nil || again != first {
		t.Errorf("second start: %q, %v; want the first start's %q", again, err, first)
	}
}

// clientKeys are the private keys of test clients and the authorized_keys
// file that lets them in.
type clientKeys struct {
	signers    map[string]gossh.Signer
	authorized string
}

func writeClientKeys(t *testing.T, dir string, names ...string) clientKeys {
	t.Helper()
	k := clientKeys{signers: map[string]gossh.Signer{}, authorized: filepath.Join(dir, "authorized_keys")}
	var lines []byte
	for _, name := range names {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := gossh.NewSignerFromKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		k.signers[name] = signer
		sshPub, err := gossh.NewPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if name == "mallory" {
			continue
		}
		lines = append(lines, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(sshPub)))+" "+name+"\n"...)
	}
	if err := os.WriteFile(k.authorized, lines, 0o600); err != nil {
		t.Fatal(err)
	}
	return k
}

// startServe runs this test binary as reach serve --demo on a free port.
func startServe(t *testing.T, keys clientKeys) (addr string, cmd *exec.Cmd) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd = exec.Command(exe, "serve", "--demo", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "hostkey"), "--authorized-keys", keys.authorized)
	cmd.Env = append(os.Environ(), asMainEnv+"=1", "XDG_STATE_HOME="+filepath.Join(dir, "state"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	sc := bufio.NewScanner(stderr)
	re := regexp.MustCompile(`listening on (\S+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			return m[1], cmd
		}
	}
	t.Fatal("reach serve did not say where it listens")
	return "", nil
}

// sshClient is one terminal on the server: what it sent and what it got.
type sshClient struct {
	in  io.Writer
	mu  sync.Mutex
	out strings.Builder
	got chan time.Time
}

func dialSeat(t *testing.T, addr string, signer gossh.Signer, user string, w, h int) (*sshClient, error) {
	t.Helper()
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { conn.Close() })
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	c := &sshClient{in: in, got: make(chan time.Time, 4096)}
	go func() {
		buf := make([]byte, 32*1024)
		for {
			n, err := out.Read(buf)
			if n > 0 {
				now := time.Now()
				c.mu.Lock()
				c.out.Write(buf[:n])
				c.mu.Unlock()
				select {
				case c.got <- now:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return c, nil
}

func (c *sshClient) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		ok := strings.Contains(c.out.String(), text)
		c.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.Fatalf("never received %q; got %q", text, c.out.String())
}

// quiet drains what arrives until nothing has for d.
func (c *sshClient) quiet(d time.Duration) {
	for {
		select {
		case <-c.got:
		case <-time.After(d):
			return
		}
	}
}

// TestServeOverSSH joins two clients over the SSH protocol and refuses a
// third whose key is not authorized. With REACH_MEASURE_PAIRING=1 it also
// measures, over that path, the time from the driver's key to the
// watcher's next frame and the server's memory per connected session
// (docs/PERFORMANCE.md).
func TestServeOverSSH(t *testing.T) {
	keys := writeClientKeys(t, t.TempDir(), "alice", "bob", "mallory")
	addr, cmd := startServe(t, keys)

	if _, err := dialSeat(t, addr, keys.signers["mallory"], "mallory", 80, 24); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("mallory's key: %v, want an authentication failure", err)
	}
	alice, err := dialSeat(t, addr, keys.signers["alice"], "alice", 100, 30)
	if err != nil {
		t.Fatal(err)
	}
	alice.waitFor(t, "driving: alice")
	bob, err := dialSeat(t, addr, keys.signers["bob"], "bob", 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	bob.waitFor(t, "driving: alice")
	bob.waitFor(t, "watching: bob")

	if os.Getenv("REACH_MEASURE_PAIRING") == "" {
		return
	}
	alice.quiet(500 * time.Millisecond)
	bob.quiet(500 * time.Millisecond)
	var lat []time.Duration
	for i := range 200 {
		k := "j"
		if i%20 >= 10 {
			k = "k"
		}
		sent := time.Now()
		if _, err := io.WriteString(alice.in, k); err != nil {
			t.Fatal(err)
		}
		select {
		case at := <-bob.got:
			lat = append(lat, at.Sub(sent))
		case <-time.After(10 * time.Second):
			t.Fatalf("key %d: the watcher got no frame", i)
		}
		bob.quiet(30 * time.Millisecond)
		alice.quiet(5 * time.Millisecond)
	}
	slices.Sort(lat)
	t.Logf("driver key -> watcher frame over ssh, %d keys: median %s, p95 %s, max %s",
		len(lat), lat[len(lat)/2], lat[len(lat)*95/100], lat[len(lat)-1])

	before := rssKB(t, cmd.Process.Pid)
	const more = 20
	for i := range more {
		c, err := dialSeat(t, addr, keys.signers["bob"], "bob", 80, 24)
		if err != nil {
			t.Fatal(err)
		}
		c.waitFor(t, "driving: alice")
		_ = i
	}
	time.Sleep(time.Second)
	after := rssKB(t, cmd.Process.Pid)
	t.Logf("server RSS: %d KiB with 2 sessions, %d KiB with %d; %.0f KiB per session", before, after, 2+more, float64(after-before)/more)
}

func rssKB(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Skip("no VmRSS")
	return 0
}

// TestServeRereadsAuthorizedKeys edits authorized_keys while reach serve
// runs, as an administrator granting and revoking access would: the next
// connection sees the file as it is now, without a restart.
func TestServeRereadsAuthorizedKeys(t *testing.T) {
	dir := t.TempDir()
	keys := writeClientKeys(t, dir, "alice", "bob", "mallory")
	addr, _ := startServe(t, keys)
	original, err := os.ReadFile(keys.authorized)
	if err != nil {
		t.Fatal(err)
	}
	authorizedLine := func(name string) string {
		return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(keys.signers[name].PublicKey()))) + " " + name + "\n"
	}
	rewrite := func(content string) {
		t.Helper()
		// Through a rename, as editors and configuration tools write it.
		tmp := filepath.Join(dir, "authorized_keys.new")
		if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, keys.authorized); err != nil {
			t.Fatal(err)
		}
	}
	admitted := func(name string) bool {
		t.Helper()
		_, err := dialSeat(t, addr, keys.signers[name], name, 80, 24)
		if err != nil && !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("%s: %v, want a session or an authentication failure", name, err)
		}
		return err == nil
	}

	steps := []struct {
		name    string
		content string
		want    map[string]bool
	}{
		{"as started", string(original), map[string]bool{"alice": true, "mallory": false}},
		{"mallory's key added", string(original) + authorizedLine("mallory"), map[string]bool{"mallory": true, "alice": true}},
		{"alice's key removed", authorizedLine("bob") + authorizedLine("mallory"), map[string]bool{"alice": false, "bob": true}},
		{"a file with no key in it admits nobody", "# emptied\n", map[string]bool{"bob": false, "mallory": false}},
		{"the file restored", authorizedLine("alice"), map[string]bool{"alice": true, "bob": false}},
	}
	for _, step := range steps {
		rewrite(step.content)
		for _, name := range slices.Sorted(maps.Keys(step.want)) {
			if got := admitted(name); got != step.want[name] {
				t.Errorf("%s: %s admitted = %v, want %v", step.name, name, got, step.want[name])
			}
		}
	}
	if err := os.Remove(keys.authorized); err != nil {
		t.Fatal(err)
	}
	if admitted("alice") {
		t.Error("authorized_keys removed: alice admitted, want nobody")
	}
}
