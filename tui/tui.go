// Package tui is reach's terminal investigator: an ENI browser, a path
// picker, and a live checklist that turns each layer from pending to pass
// or fail as the account's data arrives. It is a Bubble Tea v2 program with
// one root model that routes keys to the focused screen and data to the
// screen that owns it; all I/O happens in commands.
//
// The package does not import aws: the caller hands it a Source that
// yields checks.Network values, so the same terminal runs on the live
// account, a snapshot directory or the demo.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/xdg"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/screen"
	"github.com/reachnet/reach/tui/screens/tail"
)

// DefaultAnalyzerTimeout is how long a Reachability Analyzer run may take
// when the options name no bound (the CLI's --analyzer-timeout default).
const DefaultAnalyzerTimeout = 3 * time.Minute

// DefaultWatchInterval is how often watch mode re-reads the source.
const DefaultWatchInterval = 5 * time.Second

// Options configure the terminal. main fills them from flags and the
// environment before the program starts.
type Options struct {
	// Source yields the network; it is required.
	Source Source

	// From, To, Port, Protocol and SourcePort open the terminal straight
	// on that path's checklist when From or To is set (reach --demo
	// --from app-1 --to 10.0.33.12:5432). They take what reach check
	// takes, plus Name tags.
	From, To   string
	Port       int
	Protocol   string
	SourcePort int

	// Flows opens a tail of flow-log records for a path or an interface
	// (the t key). It is called in a command, so it may do I/O; see
	// FlowOpener and FlowTarget. Nil when the source has no flow logs: t
	// then says so in the status line.
	Flows tail.FlowOpener

	// Analyzer asks AWS Reachability Analyzer about a checked path (the A
	// key, after a confirm that names the charge). It is called in a
	// goroutine of the terminal's and must clean up whatever it created
	// before returning, also when ctx is cancelled. Nil when the source is
	// not a live account. timeout bounds the run (AnalyzerTimeout).
	Analyzer func(ctx context.Context, rep checks.Report, timeout time.Duration) checks.AnalyzerResult
	// AnalyzerTimeout is how long Analyzer waits for an answer before it
	// gives up and cleans up; the confirm and the status line name it.
	// Zero: DefaultAnalyzerTimeout.
	AnalyzerTimeout time.Duration

	// Baseline is an older snapshot of the same account (--baseline DIR):
	// every check is also run on it, and the checklist marks the layers
	// whose resources on the path changed since. BaselineName and
	// BaselineTaken name it (Taken nil: unknown).
	Baseline      *checks.Network
	BaselineName  string
	BaselineTaken *time.Time

	// History reads CloudTrail's management events on resources (the h
	// key on a checklist layer). It is called in a goroutine and reports
	// progress as each resource is done; it never fails, naming what it
	// could not read in gaps. Nil when the source is not a live account.
	History func(ctx context.Context, components []string, progress func(done, total int)) (events []checks.HistoryEvent, gaps []string)
	// SeveralAccounts is set when the source reads several accounts or
	// Regions: flow logs, Reachability Analyzer and the history read one
	// account, so the keys that need them say that rather than ask for a
	// live account.
	SeveralAccounts bool

	// Theme is "auto" (follow the terminal's background, the default),
	// "dark" or "light".
	Theme string
	// ASCII draws no glyph beyond ASCII.
	ASCII bool
	// NoColor draws without colour. Run also sets it when the NO_COLOR
	// environment variable is non-empty.
	NoColor bool
	// Mouse turns on mouse reporting (the wheel scrolls). It is off by
	// default so that the terminal's own text selection keeps working.
	Mouse bool
	// WatchInterval is the re-poll period of watch mode
	// (DefaultWatchInterval when zero).
	WatchInterval time.Duration
	// Keys rebind actions (the configuration file's [keys]); Validate
	// rejects overrides that cannot work, before the terminal is taken.
	Keys []screen.KeyOverride

	// StateDir holds recent paths and the log; reach's XDG state
	// directory when empty.
	// Set it to "-" to keep no state (tests).
	StateDir string
	// ReportDir is where R writes the session report: the state
	// directory's reports folder when empty, the working directory when
	// there is no state directory.
	ReportDir string
	// Logger receives the log; when nil Run writes reach.log in StateDir.
	Logger *slog.Logger

	// Input and Output default to the process's terminal; tests set them.
	Input  io.Reader
	Output io.Writer
	// ProgramOptions are passed to tea.NewProgram after reach's own
	// (tests fix the size and the colour profile with them).
	ProgramOptions []tea.ProgramOption
}

// Validate reports options that cannot work, before the terminal is
// taken over.
func (o Options) Validate() error {
	if o.Source == nil {
		return errors.New("tui: no data source (pass --demo, --snapshot DIR, or a profile and region)")
	}
	if _, err := themes.Resolve(o.Theme, true, themes.TrueColor); err != nil {
		return fmt.Errorf("--theme: %w", err)
	}
	if o.AnalyzerTimeout < 0 {
		return fmt.Errorf("analyzer timeout %s: must be positive", o.AnalyzerTimeout)
	}
	if o.WatchInterval < 0 {
		return fmt.Errorf("watch interval %s: must be positive", o.WatchInterval)
	}
	return screen.CheckKeys(o.Keys)
}

// Run starts the terminal and returns when the user quits or ctx ends. The
// error is nil on a normal quit; the terminal is restored in every case.
func Run(ctx context.Context, opts Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	opts, logger, closeLog := prepare(opts)
	defer closeLog()

	m, popts := newProgramModel(ctx, opts, logger)
	if opts.NoColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.ASCII))
	}
	popts = append(popts, opts.ProgramOptions...)
	p := tea.NewProgram(m, popts...)
	_, err := p.Run()
	if m.cancel != nil {
		m.cancel()
	}
	// An analysis still running is cancelled by quit; its cleanup deletes
	// what it created in the account before reach exits.
	m.stopAnalyzer()
	m.analyzerRuns.Wait()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		logger.Error("terminal", "err", err)
		return fmt.Errorf("terminal: %w", err)
	}
	return nil
}

// prepare resolves the state directory and opens the log.
func prepare(opts Options) (Options, *slog.Logger, func()) {
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	if opts.StateDir == "" {
		dir, err := xdg.Dir(xdg.State)
		if err != nil {
			// No home directory: run without state rather than not at all.
			opts.StateDir = "-"
		} else {
			opts.StateDir = dir
		}
	}
	if opts.StateDir == "-" {
		opts.StateDir = ""
	}
	logger, closeLog := opts.Logger, func() {}
	if logger == nil {
		logger, closeLog = openLog(opts.StateDir)
	}
	return opts, logger, closeLog
}

// newProgramModel builds the root model and the program options from Options;
// teatest flows use it too.
func newProgramModel(ctx context.Context, opts Options, logger *slog.Logger) (*Model, []tea.ProgramOption) {
	if opts.WatchInterval == 0 {
		opts.WatchInterval = DefaultWatchInterval
	}
	recents, err := loadRecents(opts.StateDir)
	if err != nil {
		logger.Warn("recent paths", "err", err)
	}
	e := &screen.Env{
		ASCII:     opts.ASCII,
		Glyphs:    screen.NewGlyphs(opts.ASCII),
		Keys:      screen.DefaultKeys(),
		Log:       logger,
		Now:       time.Now,
		After:     screen.Tick,
		SpinEvery: 120 * time.Millisecond,
	}
	if opts.ASCII {
		e.Keys.AsciiHelp()
	}
	// After asciiHelp, so that an overridden key's label is what the
	// user wrote. Validate has rejected overrides that fail; one that
	// slips through (a test building the model directly) leaves the
	// defaults.
	if err := e.Keys.Override(opts.Keys); err != nil {
		logger.Warn("key overrides", "err", err)
	}
	m := newModel(ctx, opts, e, recents)
	if err != nil {
		m.setStatus(err.Error(), true)
	}
	var popts []tea.ProgramOption
	popts = append(popts, tea.WithContext(ctx))
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	return m, popts
}

// openLog opens reach.log in the state directory for appending; without a
// directory the log is discarded. The screen never shows log lines.
func openLog(dir string) (*slog.Logger, func()) {
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	if dir == "" {
		return discard, func() {}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return discard, func() {}
	}
	f, err := os.OpenFile(filepath.Join(dir, "reach.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return discard, func() {}
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }
}
