package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/sweeps"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
	"github.com/reachnet/reach/tui/screens/browser"
	"github.com/reachnet/reach/tui/screens/checklist"
	"github.com/reachnet/reach/tui/screens/detail"
	"github.com/reachnet/reach/tui/screens/history"
	"github.com/reachnet/reach/tui/screens/picker"
	sweepscreen "github.com/reachnet/reach/tui/screens/sweep"
	"github.com/reachnet/reach/tui/screens/tail"
)

// Messages. Commands are verbs (loadInventory, runChecks); their results
// end in Msg and carry the ID of the run they belong to.
type (
	loadUpdateMsg struct {
		id     int
		u      Update
		ch     <-chan Update
		closed bool
	}
	catalogMsg struct{ cat *catalog.Catalog }
	reportMsg  struct {
		run, gen int
		rep      checks.Report
		err      error
		// net and path are what rep was evaluated on; verified says its
		// fixes were verified, reused that the verifications were those
		// of the previous report (same network content, same path).
		net              *checks.Network
		path             screen.PathSpec
		verified, reused bool
	}
	sweepMsg struct {
		run     int
		results []checks.SweepResult
		err     error
	}
	spinMsg  struct{}
	watchMsg struct{ gen int }
)

// Model is the root of the terminal: it owns the data, routes keys to the
// focused screen and lays the screens out. Create it with newModel.
type Model struct {
	ctx  context.Context
	env  *screen.Env
	opts Options
	src  Source

	w, h  int
	dark  bool
	depth themes.Depth

	net       *checks.Network
	netVer    int
	hostnames []string
	pending   map[checks.DataKind]bool
	cat       *catalog.Catalog
	// building is true while a catalog command runs; a network that
	// arrives meanwhile is built when it ends (only the newest: rows for
	// a snapshot that is already superseded would be wasted work).
	building bool
	loadID   int
	loading  bool
	loadErr  error
	// polling is true while a watch poll loads; polled holds its newest
	// network until the poll ends.
	polling bool
	polled  *checks.Network
	// verified is the last report whose fixes were verified; a re-check
	// on the same content and path reuses its verifications.
	// verifications counts the verifications that ran.
	verified      *verifiedFixes
	verifications int
	cancel        context.CancelFunc
	loadedAt      time.Time
	// loadStarted is when the running load began, for its elapsed time.
	loadStarted time.Time
	lastKind    checks.DataKind
	// scope is what the source said its data is (account, Region and
	// profile; snapshot and when it was taken); empty until it says.
	scope string

	browser   *browser.Model
	detail    *detail.Model
	picker    *picker.Model
	checklist *checklist.Model
	tail      *tail.Model
	history   *history.Model
	// historyGen numbers history lookups; historyCancel ends the running
	// one (leaving the pane, quitting).
	historyGen    int
	historyCancel context.CancelFunc
	sweep         *sweepscreen.Model
	stack         []screen.Screen
	helpOpen      bool
	short         help.Model
	// cmd is the ":" command line; confirmQuit is set while q asks
	// whether to end a running check or tail.
	cmd          cmdline
	confirmQuit  bool
	helpCommands bool
	// confirmAnalyzer is set while A asks whether to run the charged
	// analysis; analyzerCancel ends a running one (leaving the path,
	// quitting), whose cleanup analyzerRuns lets Run wait for.
	confirmAnalyzer bool
	analyzerCancel  context.CancelFunc
	analyzerRuns    *sync.WaitGroup

	draft   screen.PathSpec
	path    screen.PathSpec
	runID   int
	pathGen int
	shown   int

	watch    bool
	watchGen int

	status    string
	statusErr bool
	frame     int
	ticking   bool
	recents   []screen.RecentPath
	quitting  bool

	// journal is every path checked in the session, for the report.
	journal journal
	// leave, when set, is what quitting means: in a shared investigation
	// the driver's q ends the driver's session, not the investigation.
	leave func() tea.Cmd
}

func newModel(ctx context.Context, opts Options, e *screen.Env, recents []screen.RecentPath) *Model {
	m := &Model{
		ctx:     ctx,
		env:     e,
		opts:    opts,
		src:     opts.Source,
		dark:    true,
		depth:   themes.TrueColor,
		pending: map[checks.DataKind]bool{},
		recents: recents,
		w:       80,
		h:       24,
		short:   help.New(),

		analyzerRuns: &sync.WaitGroup{},
		journal:      journal{started: e.Now()},
	}
	if opts.NoColor {
		m.depth = themes.NoColor
	}
	m.browser = browser.New(e)
	m.detail = detail.New(e)
	m.picker = picker.New(e)
	m.picker.Recents = recents
	m.checklist = checklist.New(e)
	m.tail = tail.New(e)
	m.history = history.New(e)
	m.sweep = sweepscreen.New(e)
	m.cmd = newCmdline(e)
	m.stack = []screen.Screen{m.browser}
	m.restyle()
	if opts.From != "" || opts.To != "" {
		p := screen.PathSpec{From: opts.From, To: opts.To, Port: opts.Port, Protocol: opts.Protocol, SourcePort: opts.SourcePort}
		m.draft = p
		m.path = p
		m.pathGen++
		m.checklist.Reset(p)
		m.checklist.Started(m.pending)
		m.stack = append(m.stack, m.checklist)
	}
	m.layout()
	return m
}

// Init asks the terminal for its background (the theme follows it) and
// starts the first load.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.startLoad(), m.ensureTicking())
}

func (m *Model) top() screen.Screen { return m.stack[len(m.stack)-1] }

// Update dispatches by message family; each family has its own method.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.restyle()
	case tea.ColorProfileMsg:
		m.setProfile(msg.Profile)
	case tea.KeyPressMsg:
		cmd = m.onKey(msg)
	case tea.MouseWheelMsg:
		cmd = m.onWheel(msg)
	case loadUpdateMsg:
		cmd = m.onLoad(msg)
	case catalogMsg:
		cmd = m.onCatalog(msg.cat)
	case browser.Searched:
		m.browser.Searched(msg)
	case reportMsg:
		m.onReport(msg)
	case sweepMsg:
		m.onSweep(msg)
	case spinMsg:
		cmd = m.onSpin()
	case watchMsg:
		cmd = m.onWatch(msg)
	case tail.Msg:
		cmd = m.onTailMsg(msg)
	case analyzerMsg:
		m.onAnalyzer(msg)
	case historyProgressMsg:
		cmd = m.onHistoryProgress(msg)
	case historyDoneMsg:
		m.onHistoryDone(msg)
	case reportWrittenMsg:
		m.onReportWritten(msg)
	case recentsSavedMsg:
		if msg.err != nil {
			m.env.Log.Warn("recent paths", "err", msg.err)
			m.setStatus(msg.err.Error(), true)
		}
	default:
		// Cursor blinks and pastes belong to the focused screen's inputs.
		cmd, _ = m.top().Update(msg)
	}
	m.syncTail()
	return m, tea.Batch(cmd, m.ensureTicking())
}

// --- theme and layout ---

func (m *Model) setProfile(p colorprofile.Profile) {
	if m.opts.NoColor {
		return
	}
	switch {
	case p <= colorprofile.ASCII:
		m.depth = themes.NoColor
	case p == colorprofile.ANSI:
		m.depth = themes.ANSI16
	case p == colorprofile.ANSI256:
		m.depth = themes.ANSI256
	default:
		m.depth = themes.TrueColor
	}
	m.restyle()
}

// restyle rebuilds the styles from the palette and redraws what caches
// styled lines.
func (m *Model) restyle() {
	pal, err := themes.Resolve(m.opts.Theme, m.dark, m.depth)
	if err != nil {
		pal = themes.New(m.dark, m.depth)
	}
	m.env.SetStyles(themes.NewStyles(pal))
	m.browser.Restyle()
	m.picker.Restyle()
	m.tail.Restyle()
	m.cmd.restyle(m.env)
	m.short.Styles = help.Styles{
		ShortKey: m.env.Styles.Key, ShortDesc: m.env.Styles.Desc, ShortSeparator: m.env.Styles.Subtle,
		Ellipsis: m.env.Styles.Subtle, FullKey: m.env.Styles.Key, FullDesc: m.env.Styles.Desc, FullSeparator: m.env.Styles.Subtle,
	}
	if m.env.ASCII {
		m.short.ShortSeparator = " | "
		m.short.Ellipsis = "..."
	} else {
		m.short.ShortSeparator = " · "
	}
	m.redraw()
}

// redraw rebuilds the cached lines of the screens that keep them.
func (m *Model) redraw() {
	if m.detail.ID != "" {
		m.detail.Show(m.net, m.cat, m.detail.ID)
	}
	m.checklist.Refresh()
	m.history.Restyle()
}

// bodyHeight is the rows between the two header lines and the status and
// key lines.
func (m *Model) bodyHeight() int { return max(m.h-4, 1) }

func (m *Model) layout() {
	w, h := max(m.w, 1), m.bodyHeight()
	m.browser.SetSize(w, h)
	m.detail.SetSize(w, h)
	m.picker.SetSize(w, h)
	m.checklist.SetSize(w, h)
	m.tail.SetSize(w, h)
	m.history.SetSize(w, h)
	m.sweep.SetSize(w, h)
	m.short.SetWidth(w)
}

// --- keys ---

func (m *Model) onKey(km tea.KeyPressMsg) tea.Cmd {
	g := m.env.Keys.Global
	if key.Matches(km, g.ForceQuit) {
		return m.quit()
	}
	if m.confirmQuit {
		m.confirmQuit = false
		if km.String() == "y" || km.String() == "Y" {
			return m.quit()
		}
		m.setStatus("", false)
		return nil
	}
	if m.confirmAnalyzer {
		m.confirmAnalyzer = false
		if km.String() == "y" || km.String() == "Y" {
			return m.startAnalyzer()
		}
		m.setStatus("Reachability Analyzer not run", false)
		return nil
	}
	if m.cmd.active {
		return m.onCmdline(km)
	}
	if m.helpOpen {
		switch {
		case key.Matches(km, g.Back), key.Matches(km, g.Help):
			m.helpOpen, m.helpCommands = false, false
		case key.Matches(km, g.Quit):
			return m.askQuit()
		}
		return nil
	}
	top := m.top()
	if !top.Capturing() {
		switch {
		case key.Matches(km, g.Quit):
			return m.askQuit()
		case key.Matches(km, g.Help):
			m.helpOpen = true
			return nil
		case key.Matches(km, g.Command):
			return m.openCmdline()
		case key.Matches(km, g.Refresh):
			return m.reload()
		case key.Matches(km, g.Watch):
			return m.toggleWatch()
		case key.Matches(km, g.Pick):
			return m.openPicker(picker.FieldFrom)
		case key.Matches(km, g.Checklist):
			return m.showChecklist()
		case key.Matches(km, g.Report):
			return m.writeReport()
		}
	}
	cmd, it := top.Update(km)
	return tea.Batch(cmd, m.onIntent(it))
}

func (m *Model) onWheel(w tea.MouseWheelMsg) tea.Cmd {
	var k tea.KeyPressMsg
	switch w.Button {
	case tea.MouseWheelUp:
		k = tea.KeyPressMsg{Code: tea.KeyUp}
	case tea.MouseWheelDown:
		k = tea.KeyPressMsg{Code: tea.KeyDown}
	default:
		return nil
	}
	if m.helpOpen || m.top().Capturing() {
		return nil
	}
	cmd, it := m.top().Update(k)
	return tea.Batch(cmd, m.onIntent(it))
}

func (m *Model) reload() tea.Cmd {
	m.setStatus("reloading from "+m.sourceName()+m.env.Glyphs.Ellipsis, false)
	return m.startLoad()
}

func (m *Model) showChecklist() tea.Cmd {
	if m.path.Empty() {
		m.setStatus("no path yet: press s and d on two ENIs, or p to type one", false)
		return nil
	}
	m.push(m.checklist)
	return nil
}

func (m *Model) quit() tea.Cmd {
	if m.leave != nil {
		return m.leave()
	}
	m.quitting = true
	m.stopAnalyzer()
	m.stopHistory()
	if m.cancel != nil {
		m.cancel()
	}
	m.stopTail()
	return tea.Quit
}

// push focuses a screen; a screen already on the stack is returned to
// (the screens above it close), as k9s does with its breadcrumbs.
func (m *Model) push(s screen.Screen) {
	if i := slices.Index(m.stack, s); i >= 0 {
		m.stack = m.stack[:i+1]
		return
	}
	m.stack = append(m.stack, s)
}

func (m *Model) pop() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
}

// onIntent carries out what a screen asked for.
func (m *Model) onIntent(it screen.Intent) tea.Cmd {
	switch it := it.(type) {
	case nil:
	case screen.Back:
		if m.top() == m.history {
			m.stopHistory()
		}
		m.pop()
	case screen.OpenDetail:
		m.detail.Show(m.net, m.cat, it.ID)
		m.push(m.detail)
	case screen.SetEnd:
		return m.setEnd(it)
	case screen.CheckPath:
		return m.checkPath(it.Path)
	case screen.CopyText:
		m.setStatus("copied "+it.What+" to the clipboard (OSC 52)", false)
		return tea.SetClipboard(it.Text)
	case screen.Note:
		m.setStatus(it.Text, it.Err)
	case screen.OpenTail:
		return m.openTail(it)
	case screen.AttributeRecord:
		return m.attribute(it.Flow, false)
	case screen.AskAnalyzer:
		m.askAnalyzer()
	case screen.OpenHistory:
		return m.openHistory(it)
	case screen.OpenSweep:
		label := it.ENI
		if m.cat != nil {
			label = m.cat.Label(it.ENI)
		}
		m.sweep.Open(it.ENI, label, it.Inbound)
		m.push(m.sweep)
	case screen.RunSweep:
		return m.runSweep(it.Run)
	}
	return nil
}

// runSweep sweeps on the newest network in a command, on every core; the
// network is compiled and only read, and a result of an older run is
// dropped.
func (m *Model) runSweep(run int) tea.Cmd {
	if m.net == nil {
		m.sweep.Result(run, nil)
		m.setStatus("no network loaded yet: sweep again (e) once it has loaded", true)
		return nil
	}
	n, spec := m.net, m.sweep.Spec()
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = sweepMsg{run: run, err: fmt.Errorf("internal error while sweeping: %v", r)}
			}
		}()
		return sweepMsg{run: run, results: sweeps.Run(n, spec, 0)}
	}
}

func (m *Model) onSweep(msg sweepMsg) {
	if msg.err != nil {
		m.setStatus(cells.FromEngine(msg.err.Error(), m.env.ASCII), true)
	}
	m.sweep.Result(msg.run, msg.results)
}

func (m *Model) setEnd(it screen.SetEnd) tea.Cmd {
	label := it.Value
	if m.cat != nil {
		label = m.cat.Label(it.Value)
	}
	if it.Dest {
		m.draft.To = it.Value
	} else {
		m.draft.From = it.Value
	}
	switch {
	case m.draft.From == "":
		m.setStatus("destination: "+label+" "+m.env.Glyphs.Dot+" now press s on the source (or p to type it)", false)
		return nil
	case m.draft.To == "":
		m.setStatus("source: "+label+" "+m.env.Glyphs.Dot+" now press d on the destination (or p to type it)", false)
		return nil
	}
	// Both ends are known: the form opens on the port, the one thing left.
	if it.Dest {
		m.setStatus("destination: "+label, false)
	} else {
		m.setStatus("source: "+label, false)
	}
	return m.openPicker(picker.FieldPort)
}

func (m *Model) openPicker(focus int) tea.Cmd {
	m.picker.Catalog = m.cat
	m.picker.Recents = m.recents
	cmd := m.picker.Open(m.draft, focus)
	m.push(m.picker)
	return cmd
}

// checkPath makes p the path of the checklist and starts a run.
func (m *Model) checkPath(p screen.PathSpec) tea.Cmd {
	if m.net != nil && len(m.pending) == 0 {
		// Refuse what can never parse before leaving the form; while data
		// loads, a Name tag may not resolve yet, so the checklist waits.
		if _, err := p.Query(m.net); err != nil {
			if m.top() != m.picker {
				m.draft = p
				m.openPicker(picker.FieldFrom)
			}
			var amb *catalog.AmbiguousEnd
			if errors.As(err, &amb) {
				return m.picker.Choose(amb)
			}
			m.picker.Err = err.Error()
			return nil
		}
	}
	m.draft = p
	m.path = p
	m.stopAnalyzer()
	m.pathGen++
	m.checklist.Catalog = m.cat
	m.checklist.Reset(p)
	if m.top() == m.picker {
		m.pop()
	}
	m.push(m.checklist)
	m.recents = remember(m.recents, p, m.env.Now())
	m.picker.Recents = m.recents
	m.setStatus("checking "+p.Text(m.env.Glyphs.Arrow), false)
	return tea.Batch(m.runChecks(), saveRecents(m.opts.StateDir, m.recents))
}

// --- data ---

func (m *Model) sourceName() string {
	if m.src == nil {
		return "no source"
	}
	return cells.Clean(m.src.Name(), m.env.ASCII)
}

// startLoad cancels a running load and starts a new one; updates of the
// old one are dropped by ID.
func (m *Model) startLoad() tea.Cmd {
	if m.src == nil {
		m.loadErr = errors.New("no data source")
		return nil
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.loadID++
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	m.loading = true
	m.loadErr = nil
	m.loadStarted = m.env.Now()
	m.polling, m.polled = false, nil
	return loadInventory(m.loadID, m.src, ctx)
}

// loadInventory starts a load and waits for its first update.
func loadInventory(id int, src Source, ctx context.Context) tea.Cmd {
	return func() tea.Msg {
		return nextUpdate(id, src.Load(ctx))
	}
}

// waitForUpdate re-arms on the load's channel after each update.
func waitForUpdate(id int, ch <-chan Update) tea.Cmd {
	return func() tea.Msg { return nextUpdate(id, ch) }
}

func nextUpdate(id int, ch <-chan Update) tea.Msg {
	u, ok := <-ch
	return loadUpdateMsg{id: id, u: u, ch: ch, closed: !ok}
}

func (m *Model) onLoad(msg loadUpdateMsg) tea.Cmd {
	if msg.id != m.loadID {
		return nil // a cancelled load; its goroutines are ending
	}
	if msg.closed {
		m.loading = false
		return nil
	}
	u := msg.u
	var cmds []tea.Cmd
	if !u.Done {
		cmds = append(cmds, waitForUpdate(msg.id, msg.ch))
	}
	if u.Kind != "" {
		m.lastKind = u.Kind
	}
	if u.Hostnames != nil {
		m.hostnames = u.Hostnames
	}
	if u.Scope != "" {
		m.scope = u.Scope
	}
	if u.Network != nil {
		if m.polling {
			// A watch poll re-checks once, on the whole new network: the
			// partial networks of a reload would flash every layer back
			// to pending and mark flips that are only data arriving.
			m.polled = u.Network
		} else {
			cmds = append(cmds, m.useNetwork(u.Network))
		}
	}
	if u.Done && m.polling {
		m.polling = false
		polled := m.polled
		m.polled = nil
		if u.Err != nil && !errors.Is(u.Err, context.Canceled) {
			m.loading = false
			m.env.Log.Error("watch poll", "source", m.sourceName(), "err", u.Err)
			m.setStatus(fmt.Sprintf("watch: re-reading failed (%s); the checklist still shows the data read at %s", cells.FirstLine(u.Err.Error()), m.loadedAt.Format("15:04:05")), true)
			return tea.Batch(cmds...)
		}
		if polled != nil {
			cmds = append(cmds, m.useNetwork(polled))
		}
	}
	if u.Done {
		m.loading = false
		m.loadedAt = m.env.Now()
		if len(m.pending) > 0 {
			// The load ended; nothing more will arrive for these kinds.
			m.pending = map[checks.DataKind]bool{}
			m.checklist.Pending = m.pending
			m.checklist.Refresh()
		}
		m.browser.Failed = ""
		if u.Err != nil && !errors.Is(u.Err, context.Canceled) {
			m.loadErr = u.Err
			m.browser.Failed = cells.Clean(cells.FirstLine(u.Err.Error()), m.env.ASCII)
			m.env.Log.Error("load", "source", m.sourceName(), "err", u.Err)
			m.setStatus("load failed: "+cells.FirstLine(u.Err.Error()), true)
		} else {
			m.env.Log.Info("load done", "source", m.sourceName(), "version", m.netVer)
		}
		m.browser.Loading = false
	}
	return tea.Batch(cmds...)
}

// useNetwork makes n the network every screen reads and re-checks the
// path on it.
func (m *Model) useNetwork(n *checks.Network) tea.Cmd {
	m.net = n
	m.netVer++
	m.pending = checklist.PendingKinds(n)
	cmds := []tea.Cmd{m.buildCatalog(), m.tailNetworkChanged()}
	if !m.path.Empty() {
		cmds = append(cmds, m.runChecks())
	}
	return tea.Batch(cmds...)
}

// buildCatalogCmd derives rows and completions off the terminal's
// goroutine; the network is compiled and only read.
func buildCatalogCmd(version int, n *checks.Network, hostnames []string, ascii bool) tea.Cmd {
	return func() tea.Msg {
		return catalogMsg{cat: catalog.Build(version, n, hostnames, ascii)}
	}
}

// buildCatalog starts a catalog build for the newest network unless one
// is running; onCatalog starts the next when it ends.
func (m *Model) buildCatalog() tea.Cmd {
	if m.building || m.net == nil {
		return nil
	}
	m.building = true
	return buildCatalogCmd(m.netVer, m.net, m.hostnames, m.env.ASCII)
}

func (m *Model) onCatalog(c *catalog.Catalog) tea.Cmd {
	m.building = false
	var next tea.Cmd
	if c.Version < m.netVer {
		next = m.buildCatalog()
	}
	if m.cat != nil && c.Version <= m.cat.Version {
		return next // an older network finished building after a newer one
	}
	m.cat = c
	m.browser.Loading = m.loading
	next = tea.Batch(next, m.browser.SetCatalog(c))
	m.picker.Catalog = c
	m.checklist.Catalog = c
	m.checklist.Refresh()
	m.tail.Catalog = c
	if m.detail.ID != "" {
		m.detail.Show(m.net, c, m.detail.ID)
	}
	return next
}

// runChecks evaluates the path on the newest network in a command. The
// run carries its ID and the path's generation; onReport drops results of
// an older path and results older than the one shown.
func (m *Model) runChecks() tea.Cmd {
	if m.path.Empty() {
		return nil
	}
	m.checklist.Started(m.pending)
	if m.net == nil {
		return nil // the first network will start the run
	}
	m.runID++
	run, gen, n, p, o := m.runID, m.pathGen, m.net, m.path, m.opts
	// Fixes are verified once every kind has loaded: a network still
	// arriving would make each verification stale before it is shown.
	verify := len(m.pending) == 0
	if m.verified != nil && m.verified.path != p {
		// Of no use for another path: its network may go.
		m.verified = nil
	}
	prev := m.verified
	return func() tea.Msg {
		var reused bool
		rep, err := evaluate(n, p, func(q checks.Query, rep *checks.Report) {
			if !verify {
				return
			}
			if reused = prev.reuse(n, p, rep); !reused {
				checks.VerifyFixes(n, q, rep)
			}
		})
		if err == nil && o.Baseline != nil {
			compareBaseline(&rep, o.Baseline, n, p, o.BaselineName, o.BaselineTaken)
		}
		return reportMsg{run: run, gen: gen, rep: rep, err: err, net: n, path: p, verified: verify && err == nil, reused: reused}
	}
}

// evaluate resolves the path and runs the engine, then verify (which may
// verify the report's fixes); a panic in the engine becomes an error in
// the status line rather than a crash.
func evaluate(n *checks.Network, p screen.PathSpec, verify func(checks.Query, *checks.Report)) (rep checks.Report, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error while checking: %v", r)
		}
	}()
	q, err := p.Query(n)
	if err != nil {
		return rep, err
	}
	rep, err = checks.Evaluate(n, q)
	if err == nil && verify != nil {
		verify(q, &rep)
	}
	return rep, err
}

func (m *Model) onReport(msg reportMsg) {
	if msg.gen != m.pathGen || msg.run < m.shown {
		return
	}
	m.shown = msg.run
	var rep *checks.Report
	if msg.err == nil {
		rep = &msg.rep
	}
	if msg.verified {
		// The newest network is kept, so a poll that read the same
		// content lets the older one go.
		m.verified = &verifiedFixes{net: msg.net, path: msg.path, rep: msg.rep}
		if !msg.reused {
			m.verifications++
		}
	}
	m.checklist.Result(rep, msg.err, m.pending, m.env.Now())
	if msg.err == nil || !checklist.WaitsForData(msg.err, m.pending) {
		m.recordCheck(rep, msg.err)
	}
	m.checklist.Evaluating = msg.run != m.runID
	if msg.err != nil && !checklist.WaitsForData(msg.err, m.pending) {
		m.setStatus(cells.FromEngine(msg.err.Error(), m.env.ASCII), true)
	} else if rep != nil && strings.HasPrefix(m.status, "checking ") {
		m.setStatus("", false)
	}
}

// --- timers ---

func (m *Model) busy() bool {
	return m.loading || (!m.path.Empty() && m.checklist.PendingAny())
}

// ensureTicking starts the spinner when something is pending; it stops by
// itself when nothing is, so an idle terminal sends no frames over SSH.
func (m *Model) ensureTicking() tea.Cmd {
	if m.ticking || !m.busy() || m.quitting {
		return nil
	}
	m.ticking = true
	return m.env.After(m.env.SpinEvery, spinMsg{})
}

func (m *Model) onSpin() tea.Cmd {
	m.ticking = false
	if !m.busy() {
		return nil
	}
	m.frame++
	m.checklist.Frame = m.frame
	return m.ensureTicking()
}

func (m *Model) toggleWatch() tea.Cmd {
	m.watch = !m.watch
	m.watchGen++
	if !m.watch {
		m.setStatus("watch off", false)
		return nil
	}
	m.setStatus(fmt.Sprintf("watching: re-reading %s every %s; layers that flip are marked", m.sourceName(), m.opts.WatchInterval), false)
	return m.env.After(m.opts.WatchInterval, watchMsg{gen: m.watchGen})
}

func (m *Model) onWatch(msg watchMsg) tea.Cmd {
	if msg.gen != m.watchGen || !m.watch {
		return nil
	}
	var cmd tea.Cmd
	if !m.loading {
		cmd = m.startLoad()
		m.polling = true
	}
	return tea.Batch(cmd, m.env.After(m.opts.WatchInterval, watchMsg{gen: msg.gen}))
}

func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = s, isErr
}
