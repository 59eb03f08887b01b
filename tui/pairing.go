package tui

import (
	"context"
	"fmt"
	"go/token"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui/components/cells"
)

// A Pairing is one investigation that several terminals show at once, for
// reach serve: two people on a bastion during an incident, one driving and
// the others watching.
//
// There is one root Model, owned by a hub goroutine; it alone runs the
// model's Update, so the model stays single-threaded as in the one-user
// terminal. Every connected terminal is a Seat with a Bubble Tea program of
// its own (its input, output, size and colour profile), whose model only
// forwards events to the hub and draws the frames the hub sends it. After
// each event the hub draws the shared model once per seat, laid out at that
// seat's size, so a watcher on a small terminal sees the same screen,
// selection, filter, checklist and tail as the driver, fitted to it.
//
// The driver's keys go to the shared model. A watcher's keys never do: ?
// opens the watcher's own help, the list keys scroll the watcher's own view,
// q leaves, and ctrl+o asks for control, which the driver hands over with
// ctrl+o. When the driver leaves, the longest-connected watcher drives.
// Commands the model returns run on goroutines, as a program would run
// them; their messages come back to the hub. Requests meant for a terminal
// (the clipboard, the background colour) go to the driver's.
type Pairing struct {
	m        *Model
	log      *slog.Logger
	events   chan func()
	done     chan struct{}
	ended    sync.WaitGroup
	close    func()
	closeLog func()

	// Owned by the hub goroutine.
	seats   []*Seat
	driver  *Seat
	asking  *Seat
	leaving bool
}

// Member is who sits at a seat, as the server learned it.
type Member struct {
	// Name is the key's comment in authorized_keys; empty when it has
	// none.
	Name string
	// Fingerprint is the key's SHA256 fingerprint.
	Fingerprint string
	// From is the client's address.
	From string
}

// label is how the status line names a member: the key's comment, or the
// start of its fingerprint when the key has none (never the user name the
// client chose, which anyone could set to someone else's).
func (m Member) label() string {
	name := m.Name
	if name == "" {
		name = m.Fingerprint
		if len(name) > fingerprintShown {
			name = name[:fingerprintShown]
		}
	}
	if name == "" {
		name = "?"
	}
	return cells.Clean(name, true)
}

// fingerprintShown is how much of an unnamed key's fingerprint the status
// line shows: "SHA256:" and eight characters.
const fingerprintShown = 15

// pairKey is the key that asks for control (a watcher) and hands it over
// (the driver). The one-user terminal does not bind it.
const pairKey = "ctrl+o"

// NewPairing loads the network once and starts the hub. The log goes where
// the terminal's would (reach.log in the state directory), or to
// opts.Logger. Close ends every seat and the hub.
func NewPairing(ctx context.Context, opts Options) (*Pairing, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts, logger, closeLog := prepare(opts)
	// The investigation ends with Close, not with ctx: the server's Ctrl-C
	// first ends the sessions, which need the hub to say goodbye.
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m, _ := newProgramModel(ctx, opts, logger)
	p := &Pairing{m: m, log: logger, events: make(chan func()), done: make(chan struct{})}
	m.leave = func() tea.Cmd {
		p.leaving = true
		return nil
	}
	p.close, p.closeLog = cancel, closeLog
	p.ended.Add(1)
	go p.hub(ctx)
	p.do(func() { p.run(m.Init()) })
	return p, nil
}

// Log is the log of the investigation, for the server's own lines.
func (p *Pairing) Log() *slog.Logger { return p.log }

// hub runs every change of the shared model, one at a time, and draws the
// seats after each.
func (p *Pairing) hub(ctx context.Context) {
	defer p.ended.Done()
	defer close(p.done)
	for {
		select {
		case f := <-p.events:
			f()
			p.publish()
		case <-ctx.Done():
			m := p.m
			if m.cancel != nil {
				m.cancel()
			}
			m.stopAnalyzer()
			m.stopTail()
			for _, s := range p.seats {
				s.post("", true)
			}
			m.analyzerRuns.Wait()
			return
		}
	}
}

// do runs f on the hub; after the hub stopped, f is dropped.
func (p *Pairing) do(f func()) {
	select {
	case p.events <- f:
	case <-p.done:
	}
}

// call runs f on the hub and waits for it to have run.
func (p *Pairing) call(f func()) {
	ran := make(chan struct{})
	p.do(func() {
		f()
		close(ran)
	})
	select {
	case <-ran:
	case <-p.done:
	}
}

// run carries out a command of the shared model, as a program would.
func (p *Pairing) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go p.deliver(cmd())
}

func (p *Pairing) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, tea.QuitMsg:
		// The shared model never quits: its driver's q is a seat leaving.
	case tea.BatchMsg:
		for _, c := range msg {
			p.run(c)
		}
	default:
		if forTerminal(msg) {
			p.do(func() {
				if p.driver != nil {
					p.driver.forward(msg)
				}
			})
			return
		}
		p.do(func() { p.update(msg) })
	}
}

// forTerminal reports whether msg is a request only a program can carry
// out (the clipboard, a terminal query): Bubble Tea's own unexported
// messages.
func forTerminal(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == reflect.TypeFor[tea.QuitMsg]().PkgPath() && !token.IsExported(t.Name())
}

// update applies one message to the shared model.
func (p *Pairing) update(msg tea.Msg) {
	_, cmd := p.m.Update(msg)
	p.run(cmd)
	if p.leaving {
		p.leaving = false
		if p.driver != nil {
			p.driver.post("", true)
		}
	}
}

// Join seats a member; the first seat drives. The server creates the
// seat's program from Model and hands it to Attach.
func (p *Pairing) Join(who Member, w, h int) *Seat {
	s := &Seat{p: p, who: who, w: w, h: h, wake: make(chan struct{}, 1), gone: make(chan struct{})}
	p.do(func() {
		p.seats = append(p.seats, s)
		if p.driver == nil {
			p.driver = s
		}
		p.log.Info("pairing join", "who", who.Name, "fingerprint", who.Fingerprint, "from", who.From, "drives", p.driver == s)
	})
	return s
}

// leave takes a seat out; the longest-connected watcher takes over a
// driver's seat.
func (p *Pairing) leave(s *Seat) {
	i := -1
	for j, o := range p.seats {
		if o == s {
			i = j
		}
	}
	if i < 0 {
		return
	}
	p.seats = append(p.seats[:i], p.seats[i+1:]...)
	if p.asking == s {
		p.asking = nil
	}
	p.log.Info("pairing leave", "who", s.who.Name, "fingerprint", s.who.Fingerprint, "from", s.who.From, "drove", p.driver == s)
	if p.driver == s {
		p.driver = nil
		if len(p.seats) > 0 {
			p.handOver(p.seats[0], s.who.label()+" left")
		}
	}
}

func (p *Pairing) handOver(to *Seat, why string) {
	if p.driver != nil {
		p.driver.note = ""
	}
	p.driver, p.asking = to, nil
	to.help, to.offset, to.note = false, 0, ""
	p.log.Info("pairing driver", "who", to.who.Name, "fingerprint", to.who.Fingerprint, "why", why)
	p.m.setStatus(why+": "+to.who.label()+" drives now", false)
}

// key handles a key of a seat: the driver's reach the shared model, a
// watcher's only its own view.
func (p *Pairing) key(s *Seat, km tea.KeyPressMsg) {
	if p.driver == nil {
		p.driver = s
	}
	if s == p.driver {
		if km.String() == pairKey {
			if p.asking == nil {
				s.note = "nobody asked for control"
				return
			}
			p.handOver(p.asking, s.who.label()+" handed over")
			return
		}
		s.note = ""
		p.update(km)
		return
	}
	g := p.m.env.Keys
	switch k := km.String(); {
	case k == pairKey:
		p.asking = s
		p.driver.note = ""
		s.note = "asked " + p.driver.who.label() + " for control"
		p.log.Info("pairing ask", "who", s.who.Name, "fingerprint", s.who.Fingerprint)
	case k == "ctrl+c" || k == "q":
		s.post("", true)
	case k == "?":
		s.help = !s.help
	case k == "esc":
		s.help, s.offset = false, 0
	case keyIn(km, g.List.Down):
		s.offset++
	case keyIn(km, g.List.Up):
		s.offset = max(s.offset-1, 0)
	case keyIn(km, g.List.PageDown):
		s.offset += max(s.h-6, 1)
	case keyIn(km, g.List.PageUp):
		s.offset = max(s.offset-max(s.h-6, 1), 0)
	case keyIn(km, g.List.Top):
		s.offset = 0
	default:
		s.note = "watching: keys do not change the investigation; " + pairKey + " asks to drive"
		return
	}
	s.offset = min(s.offset, maxWatchScroll)
	if k := km.String(); k != pairKey {
		s.note = ""
	}
}

// maxWatchScroll bounds how far a watcher scrolls below the driver's view.
const maxWatchScroll = 500

// publish draws the shared model for every seat, the driver's last so that
// the model is left laid out at the driver's size.
func (p *Pairing) publish() {
	var driver *Seat
	for _, s := range p.seats {
		if s == p.driver {
			driver = s
			continue
		}
		s.post(p.frameFor(s), false)
	}
	if driver != nil {
		driver.post(p.frameFor(driver), false)
	}
}

// frameFor lays the shared model out at the seat's size (one row less,
// for the pairing line) and draws it. A watcher's scroll draws the body
// taller and drops its top rows.
func (p *Pairing) frameFor(s *Seat) string {
	m := p.m
	w, h := max(s.w, 20), max(s.h, 8)
	watcher := s != p.driver
	offset := 0
	if watcher && !s.help {
		offset = s.offset
	}
	m.w, m.h = w, h-1+offset
	m.layout()
	lines := strings.Split(m.render(), "\n")
	if offset > 0 && len(lines) > 2+offset {
		lines = append(lines[:2:2], lines[2+offset:]...)
	}
	if body := m.bodyHeight(); watcher && s.help && len(lines) == body+4 {
		// The watcher's own help takes the body's place; the header, the
		// status line and the driver's key hints stay.
		help := padLines(p.watcherHelp(w, body), body)
		lines = append(append(lines[:2:2], help...), lines[2+body:]...)
	}
	return strings.Join(lines, "\n") + "\n" + p.pairingLine(s, w)
}

// watcherHelp lists what a watcher's keys do: every other key belongs to
// the driver.
func (p *Pairing) watcherHelp(w, h int) []string {
	e := p.m.env
	entries := [][2]string{
		{"?, esc", "close this help"},
		{"j, k", "scroll your own view (not the driver's)"},
		{"pgdn, pgup", "scroll a page"},
		{"g", "follow the driver's view again"},
		{pairKey, "ask the driver for control; the driver's " + pairKey + " hands it over"},
		{"q, ctrl+c", "leave (the investigation goes on for the others)"},
	}
	keyW := 0
	for _, en := range entries {
		keyW = max(keyW, cells.Width(en[0]))
	}
	lines := []string{e.Styles.Title.Render("keys while watching")}
	for _, en := range entries {
		lines = append(lines, "  "+e.Styles.Key.Render(cells.Fit(en[0], keyW, e.Glyphs.Ellipsis))+"  "+e.Styles.Desc.Render(en[1]))
	}
	lines = append(lines, "", e.Styles.Subtle.Render("Every other key is the driver's: yours change nothing in the investigation."),
		e.Styles.Subtle.Render("The driver's keys are in docs/keys.md; the pairing in docs/pairing.md."))
	return clip(lines, w, h, e)
}

// pairingLine says who drives and who watches, and what this seat's keys
// do.
func (p *Pairing) pairingLine(s *Seat, w int) string {
	st := p.m.env.Styles
	dot := " " + p.m.env.Glyphs.Dot + " "
	var watchers []string
	for _, o := range p.seats {
		if o != p.driver {
			watchers = append(watchers, o.who.label())
		}
	}
	driving := "nobody"
	if p.driver != nil {
		driving = p.driver.who.label()
	}
	parts := []string{st.Accent.Render("driving: " + driving)}
	if len(watchers) > 0 {
		parts = append(parts, st.Text.Render("watching: "+strings.Join(watchers, ", ")))
	}
	var hint string
	switch {
	case s.note != "":
		hint = s.note
	case s == p.driver && p.asking != nil:
		hint = p.asking.who.label() + " asks for control: " + pairKey + " hands over"
	case s == p.driver:
		hint = "you drive"
	case s.offset > 0:
		hint = fmt.Sprintf("you watch, scrolled %d rows (g follows)", s.offset)
	default:
		hint = "you watch " + p.m.env.Glyphs.Dot + " " + pairKey + " asks to drive " + p.m.env.Glyphs.Dot + " q leaves"
	}
	style := st.Subtle
	if s == p.driver && p.asking != nil {
		style = st.Warn
	}
	parts = append(parts, style.Render(hint))
	return cells.Truncate(strings.Join(parts, st.Subtle.Render(dot)), w, p.m.env.Glyphs.Ellipsis)
}

// EndSessions ends every seat's program, each restoring its terminal, and
// waits at most wait for the seats to leave. The investigation goes on
// until Close.
func (p *Pairing) EndSessions(wait time.Duration) {
	var seats []*Seat
	p.call(func() { seats = append(seats, p.seats...) })
	for _, s := range seats {
		s.post("", true)
	}
	deadline := time.After(wait)
	for _, s := range seats {
		select {
		case <-s.gone:
		case <-deadline:
		}
	}
}

// Close stops the hub and the loads and closes the log.
func (p *Pairing) Close() {
	p.close()
	p.ended.Wait()
	p.closeLog()
}

// Seat is one terminal of a pairing.
type Seat struct {
	p   *Pairing
	who Member

	// Owned by the hub goroutine.
	w, h   int
	help   bool
	offset int
	note   string

	// The newest frame and whether to quit, for the pump.
	mu    sync.Mutex
	frame string
	quit  bool
	prog  *tea.Program
	wake  chan struct{}
	gone  chan struct{}
	once  sync.Once
	extra []tea.Msg
}

// frameMsg carries a frame from the hub to a seat's program.
type frameMsg struct{ frame string }

// seatQuitMsg ends a seat's program.
type seatQuitMsg struct{}

// Model is the seat's program model: it forwards the terminal's events to
// the hub and draws the hub's frames.
func (s *Seat) Model() tea.Model { return &seatModel{seat: s} }

// Attach starts delivering frames to the seat's program.
func (s *Seat) Attach(prog *tea.Program) {
	s.mu.Lock()
	s.prog = prog
	s.mu.Unlock()
	go s.pump()
	s.p.do(func() {}) // draws the seat's first frame
}

// Leave takes the seat out of the pairing; the server calls it when the
// session ends, however it ends.
func (s *Seat) Leave() {
	s.once.Do(func() {
		s.p.do(func() { s.p.leave(s) })
		close(s.gone)
	})
}

// post hands the pump a frame (or a quit) without waiting for the
// program: a slow client never holds the hub up, it skips frames.
func (s *Seat) post(frame string, quit bool) {
	s.mu.Lock()
	if quit {
		s.quit = true
	} else {
		s.frame = frame
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// forward hands the seat's program a request for its terminal.
func (s *Seat) forward(msg tea.Msg) {
	s.mu.Lock()
	s.extra = append(s.extra, msg)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Seat) pump() {
	last := ""
	for {
		select {
		case <-s.wake:
		case <-s.gone:
			return
		}
		s.mu.Lock()
		frame, quit, extra, prog := s.frame, s.quit, s.extra, s.prog
		s.extra = nil
		s.mu.Unlock()
		for _, msg := range extra {
			prog.Send(msg)
		}
		if quit {
			prog.Send(seatQuitMsg{})
			return
		}
		if frame != last {
			prog.Send(frameMsg{frame})
			last = frame
		}
	}
}

type seatModel struct {
	seat  *Seat
	frame string
}

func (m *seatModel) Init() tea.Cmd { return nil }

func (m *seatModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	s, p := m.seat, m.seat.p
	switch msg := msg.(type) {
	case frameMsg:
		m.frame = msg.frame
	case seatQuitMsg:
		m.frame = ""
		return m, tea.Quit
	case tea.WindowSizeMsg:
		p.do(func() { s.w, s.h = msg.Width, msg.Height })
	case tea.KeyPressMsg:
		p.do(func() { p.key(s, msg) })
	case tea.PasteMsg, tea.BackgroundColorMsg:
		// The driver's paste goes into the filter or form it types in;
		// the driver's background sets the theme.
		p.do(func() {
			if p.driver == s {
				p.update(msg)
			}
		})
	}
	return m, nil
}

func (m *seatModel) View() tea.View {
	v := tea.NewView(m.frame)
	v.AltScreen = true
	v.WindowTitle = "reach (paired)"
	return v
}

// keyIn reports whether km is one of the binding's keys.
func keyIn(km tea.KeyPressMsg, b interface{ Keys() []string }) bool {
	k := km.String()
	for _, want := range b.Keys() {
		if want == k {
			return true
		}
	}
	return false
}
