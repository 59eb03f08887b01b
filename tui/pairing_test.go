package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/reachnet/reach/tui/internal/tuitest"
)

// The pairing's seats are driven here without programs: a seat's model
// forwards its events to the hub as a program would, and the test reads
// the frame the hub last posted for it. The real ssh path is
// scripts/e2e-serve.sh.

func newTestPairing(t *testing.T) *Pairing {
	t.Helper()
	p, err := NewPairing(context.Background(), Options{Source: Static("demo", tuitest.SmallNet(), nil), StateDir: "-", NoColor: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// seatKeys sends keys as the seat's terminal would.
func seatKeys(s *Seat, keys ...string) {
	m := &seatModel{seat: s}
	for _, k := range keys {
		msg := tuitest.KeyMsg(k)
		if k == pairKey {
			msg = tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}
		}
		m.Update(msg)
	}
}

// frameOf waits for the hub to have handled everything sent so far and
// returns the seat's newest frame, without escape sequences.
func frameOf(p *Pairing, s *Seat) string {
	p.call(func() {})
	s.mu.Lock()
	defer s.mu.Unlock()
	return tuitest.StripANSI(s.frame)
}

// waitFrame polls the seat's frame until it holds want; loads and checks
// run on goroutines, as in a program.
func waitFrame(t *testing.T, p *Pairing, s *Seat, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f := frameOf(p, s)
		if strings.Contains(f, want) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's frame never showed %q:\n%s", s.who.Name, want, f)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func quitting(s *Seat) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quit
}

func TestPairingSeatsShareOneInvestigation(t *testing.T) {
	p := newTestPairing(t)
	alice := p.Join(Member{Name: "alice", Fingerprint: "SHA256:a"}, 100, 30)
	bob := p.Join(Member{Name: "bob", Fingerprint: "SHA256:b"}, 60, 16)
	waitFrame(t, p, alice, "batch-1")
	waitFrame(t, p, bob, "batch-1")

	for _, tc := range []struct {
		seat *Seat
		w, h int
		line string
	}{
		{alice, 100, 30, "driving: alice · watching: bob · you drive"},
		{bob, 60, 16, "driving: alice · watching: bob · you watch"},
	} {
		f := frameOf(p, tc.seat)
		lines := strings.Split(f, "\n")
		if len(lines) != tc.h {
			t.Errorf("%s: %d lines, want the terminal's %d", tc.seat.who.Name, len(lines), tc.h)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > tc.w {
				t.Errorf("%s: line %d is %d cells wide, more than %d", tc.seat.who.Name, i+1, w, tc.w)
			}
		}
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, tc.line) {
			t.Errorf("%s's pairing line = %q, want it to start %q", tc.seat.who.Name, last, tc.line)
		}
	}

	// The driver's filter is the watcher's.
	seatKeys(alice, "/", "b", "a", "t", "c", "h", "enter")
	f := waitFrame(t, p, bob, "batch-1")
	if strings.Contains(f, "app-1") {
		t.Errorf("bob still sees app-1 after alice filtered on batch:\n%s", f)
	}
}

func TestPairingWatcherKeysStayLocal(t *testing.T) {
	p := newTestPairing(t)
	alice := p.Join(Member{Name: "alice"}, 80, 24)
	bob := p.Join(Member{Name: "bob"}, 80, 24)
	waitFrame(t, p, bob, "batch-1")
	before := frameOf(p, alice)

	// Every key the terminal binds, as a watcher would press it.
	seatKeys(bob, "/", "x", "enter", "s", "d", "p", "r", "w", "c", "R", ":", "t", "A", "esc")
	var watch bool
	var depth int
	var filter string
	p.call(func() { watch, depth, filter = p.m.watch, len(p.m.stack), p.m.browser.Filter })
	if watch || depth != 1 || filter != "" {
		t.Errorf("a watcher's keys changed the investigation: watch=%v screens=%d filter=%q", watch, depth, filter)
	}
	if after := frameOf(p, alice); after != before {
		t.Errorf("the driver's frame changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// ? and scrolling are the watcher's own.
	seatKeys(bob, "?")
	if f := waitFrame(t, p, bob, "keys while watching"); strings.Count(f, "\n")+1 != 24 {
		t.Errorf("the watcher's help frame is not 24 lines:\n%s", f)
	}
	if strings.Contains(frameOf(p, alice), "keys while watching") {
		t.Error("the watcher's help opened on the driver's screen")
	}
	seatKeys(bob, "esc", "j", "j")
	waitFrame(t, p, bob, "scrolled 2 rows")
	seatKeys(bob, "g")
	waitFrame(t, p, bob, "you watch")

	// q ends only the watcher's session.
	seatKeys(bob, "q")
	p.call(func() {})
	if !quitting(bob) || quitting(alice) {
		t.Errorf("after the watcher's q: bob quits=%v, alice quits=%v", quitting(bob), quitting(alice))
	}
	bob.Leave()
	waitFrame(t, p, alice, "driving: alice · you drive")
}

func TestPairingHandOver(t *testing.T) {
	p := newTestPairing(t)
	alice := p.Join(Member{Name: "alice"}, 80, 24)
	bob := p.Join(Member{Name: "bob"}, 80, 24)
	waitFrame(t, p, bob, "batch-1")

	seatKeys(alice, pairKey)
	waitFrame(t, p, alice, "nobody asked for control")

	seatKeys(bob, pairKey)
	waitFrame(t, p, alice, "bob asks for control: ctrl+o hands over")
	waitFrame(t, p, bob, "asked alice for control")

	seatKeys(alice, pairKey)
	waitFrame(t, p, bob, "driving: bob · watching: alice · you drive")
	// Bob's keys now reach the investigation, alice's do not.
	seatKeys(bob, "w")
	seatKeys(alice, "w")
	var watch bool
	p.call(func() { watch = p.m.watch })
	if !watch {
		t.Error("the new driver's w did not turn watch mode on (or the old driver's turned it off)")
	}
}

func TestPairingDriverLeaving(t *testing.T) {
	for _, tc := range []struct {
		name  string
		leave func(p *Pairing, driver *Seat)
	}{
		{"disconnects", func(p *Pairing, driver *Seat) { driver.Leave() }},
		{"presses q", func(p *Pairing, driver *Seat) {
			seatKeys(driver, "q")
			p.call(func() {})
			if !quitting(driver) {
				t.Fatal("the driver's q did not end the driver's session")
			}
			driver.Leave()
		}},
		{"presses ctrl+c", func(p *Pairing, driver *Seat) {
			seatKeys(driver, "ctrl+c")
			p.call(func() {})
			if !quitting(driver) {
				t.Fatal("the driver's ctrl+c did not end the driver's session")
			}
			driver.Leave()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPairing(t)
			alice := p.Join(Member{Name: "alice"}, 80, 24)
			bob := p.Join(Member{Name: "bob"}, 80, 24)
			carol := p.Join(Member{Name: "carol"}, 80, 24)
			waitFrame(t, p, carol, "batch-1")
			seatKeys(alice, "/", "b", "a", "t", "c", "h", "enter")
			waitFrame(t, p, carol, "driving: alice")

			tc.leave(p, alice)
			// The longest-connected watcher drives, on the same investigation.
			f := waitFrame(t, p, carol, "driving: bob · watching: carol")
			if strings.Contains(f, "app-1") {
				t.Errorf("the filter was lost with the driver:\n%s", f)
			}
			var quit bool
			p.call(func() { quit = p.m.quitting })
			if quit || quitting(bob) || quitting(carol) {
				t.Error("the driver leaving ended the investigation or another seat")
			}
		})
	}
}

func TestPairingEndSessions(t *testing.T) {
	p := newTestPairing(t)
	seats := []*Seat{p.Join(Member{Name: "alice"}, 80, 24), p.Join(Member{Name: "bob"}, 80, 24)}
	for _, s := range seats {
		// A program ends by leaving once its quit arrives.
		go func() {
			for !quitting(s) {
				time.Sleep(time.Millisecond)
			}
			s.Leave()
		}()
	}
	p.EndSessions(10 * time.Second)
	for _, s := range seats {
		select {
		case <-s.gone:
		default:
			t.Errorf("%s's seat did not end", s.who.Name)
		}
	}
}
