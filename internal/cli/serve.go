package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/activeterm"
	wishtea "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/reachnet/reach/internal/xdg"
	"github.com/reachnet/reach/tui"
)

// defaultListen is where reach serve listens unless --listen says: the
// loopback, so that nothing is exposed beyond the bastion by accident.
const defaultListen = "127.0.0.1:2222"

// hostKeyName is the host key's file in the state directory.
const hostKeyName = "serve_host_ed25519"

// runServe shares one investigation over SSH: reach serve [--listen ADDR]
// [--host-key FILE] [--authorized-keys FILE] (--demo | --snapshot DIR |
// live flags). Every client joins the same investigation (tui.Pairing).
func runServe(p *parsed, stdout, stderr io.Writer) int {
	o, err := terminalOptions(p, stderr)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	hostKey := p.str("host-key")
	if hostKey == "" {
		dir, err := xdg.Dir(xdg.State)
		if err != nil {
			return fail(stderr, exitUsage, "no state directory for the host key (%v): pass --host-key FILE", err)
		}
		hostKey = filepath.Join(dir, hostKeyName)
	}
	authPath := p.str("authorized-keys")
	if authPath == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fail(stderr, exitUsage, "no home directory for ~/.ssh/authorized_keys: pass --authorized-keys FILE")
		}
		authPath = filepath.Join(home, ".ssh", "authorized_keys")
	}
	allowed, err := newAuthorizedKeys(authPath)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	hostFP, err := ensureHostKey(hostKey)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	ln, err := net.Listen("tcp", p.str("listen"))
	if err != nil {
		return fail(stderr, exitUsage, "--listen %s: %v", p.str("listen"), err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pairing, err := tui.NewPairing(ctx, o)
	if err != nil {
		ln.Close()
		return fail(stderr, exitUsage, "%v", err)
	}
	log := pairing.Log()
	allowed.log = log
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(hostKey),
		wish.WithPublicKeyAuth(func(sctx ssh.Context, key ssh.PublicKey) bool {
			_, ok := allowed.lookup(key)
			if !ok {
				log.Warn("serve refused key", "user", sctx.User(), "from", sctx.RemoteAddr().String(), "fingerprint", gossh.FingerprintSHA256(key))
			}
			return ok
		}),
		wish.WithMiddleware(
			wishtea.MiddlewareWithProgramHandler(seatProgram(pairing, allowed)),
			activeterm.Middleware(),
		),
	)
	if err != nil {
		ln.Close()
		pairing.Close()
		return fail(stderr, 1, "ssh server: %v", err)
	}
	log.Info("serve start", "listen", ln.Addr().String(), "host_key", hostKey, "host_fingerprint", hostFP, "authorized_keys", authPath, "keys", allowed.count(), "source", o.Source.Name())
	fmt.Fprintf(stderr, "reach serve: listening on %s (host key %s); %d authorized keys from %s (read again when it changes)\n", ln.Addr(), hostFP, allowed.count(), authPath)
	fmt.Fprintf(stderr, "reach serve: join with ssh -p %s -t %s (Ctrl-C here ends every session)\n", portOf(ln.Addr()), hostOf(ln.Addr()))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	// Each client's program quits first and restores its terminal over the
	// still-open connection; then the connections close.
	pairing.EndSessions(5 * time.Second)
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	log.Info("serve stop")
	pairing.Close()
	if serveErr != nil && !errors.Is(serveErr, ssh.ErrServerClosed) {
		return fail(stderr, 1, "ssh server: %v", serveErr)
	}
	fmt.Fprintln(stderr, "reach serve: stopped")
	return 0
}

// seatProgram seats every session in the pairing and gives it a program.
func seatProgram(pairing *tui.Pairing, allowed *authorizedKeys) wishtea.ProgramHandler {
	return func(sess ssh.Session) *tea.Program {
		pty, _, ok := sess.Pty()
		if !ok {
			return nil
		}
		who := tui.Member{From: sess.RemoteAddr().String()}
		if key := sess.PublicKey(); key != nil {
			who.Fingerprint = gossh.FingerprintSHA256(key)
			who.Name, _ = allowed.lookup(key)
		}
		pairing.Log().Info("serve connect", "who", who.Name, "user", sess.User(), "from", who.From, "fingerprint", who.Fingerprint, "term", pty.Term, "size", fmt.Sprintf("%dx%d", pty.Window.Width, pty.Window.Height))
		seat := pairing.Join(who, pty.Window.Width, pty.Window.Height)
		// The server's own Ctrl-C ends the sessions one by one (runServe);
		// a program must not take the server's signals for its own.
		prog := tea.NewProgram(seat.Model(), append(wishtea.MakeOptions(sess), tea.WithoutSignalHandler())...)
		seat.Attach(prog)
		go func() {
			<-sess.Context().Done()
			seat.Leave()
			pairing.Log().Info("serve disconnect", "who", who.Name, "from", who.From, "fingerprint", who.Fingerprint)
		}()
		return prog
	}
}

// authorizedKeys is the authorized_keys file as it stands now: like sshd,
// which reads the file for every connection, a key added or removed while
// reach serve runs takes effect at the next connection, without a restart.
// Sessions already connected stay, as they do under sshd.
type authorizedKeys struct {
	path string
	log  *slog.Logger

	mu   sync.Mutex
	keys map[string]string // by the key's wire form: its comment
	// stamp is the file's size and modification time when keys were read;
	// a file that changed is read again.
	stamp fileStamp
}

type fileStamp struct {
	size    int64
	modTime time.Time
}

func newAuthorizedKeys(path string) (*authorizedKeys, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--authorized-keys: %w", err)
	}
	keys, err := readAuthorizedKeys(path)
	if err != nil {
		return nil, err
	}
	return &authorizedKeys{path: path, keys: keys, stamp: fileStamp{info.Size(), info.ModTime()}}, nil
}

// lookup says whether key may connect and under which name, reading the
// file again first if it changed. A file that can no longer be read, or
// holds no key, admits nobody until it is fixed: a removed key must never
// stay admitted because the file around it broke.
func (a *authorizedKeys) lookup(key ssh.PublicKey) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refresh()
	name, ok := a.keys[string(key.Marshal())]
	return name, ok
}

func (a *authorizedKeys) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.keys)
}

// refresh reads the file again when its size or modification time
// changed; it is called with mu held.
func (a *authorizedKeys) refresh() {
	info, err := os.Stat(a.path)
	if err != nil {
		if a.keys != nil {
			a.logf("serve authorized keys unreadable: admitting nobody", "error", err.Error())
		}
		a.keys, a.stamp = nil, fileStamp{}
		return
	}
	stamp := fileStamp{info.Size(), info.ModTime()}
	if stamp == a.stamp {
		return
	}
	keys, err := readAuthorizedKeys(a.path)
	if err != nil {
		a.logf("serve authorized keys unusable: admitting nobody", "error", err.Error())
		a.keys, a.stamp = nil, stamp
		return
	}
	a.keys, a.stamp = keys, stamp
	a.logf("serve authorized keys read again", "keys", len(keys))
}

func (a *authorizedKeys) logf(msg string, args ...any) {
	if a.log != nil {
		a.log.Info(msg, args...)
	}
}

// readAuthorizedKeys reads an authorized_keys file: each key, by its wire
// form, with its comment.
func readAuthorizedKeys(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--authorized-keys: %w", err)
	}
	keys := map[string]string{}
	for len(b) > 0 {
		key, comment, _, rest, err := gossh.ParseAuthorizedKey(b)
		if err != nil {
			break // no further key in the file
		}
		keys[string(key.Marshal())] = comment
		b = rest
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--authorized-keys %s: no public key in it, so nobody could connect", path)
	}
	return keys, nil
}

// ensureHostKey creates the host key on first start (an Ed25519 key in
// OpenSSH form, readable by its owner alone) and returns its fingerprint;
// every later start reuses it, so clients' known_hosts stay valid.
func ensureHostKey(path string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("host key: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := writeHostKey(path); err != nil {
			return "", fmt.Errorf("host key %s: %w", path, err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return "", fmt.Errorf("host key %s: %w", path, err)
	}
	return gossh.FingerprintSHA256(signer.PublicKey()), nil
}

func portOf(a net.Addr) string {
	_, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "2222"
	}
	return port
}

func hostOf(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		return "HOST"
	}
	return host
}

func writeHostKey(path string) error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	block, err := gossh.MarshalPrivateKey(priv, "reach serve host key")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := pem.Encode(f, block); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
