package tui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
)

// analyzerMsg is the answer of Reachability Analyzer for the path of
// generation gen.
type analyzerMsg struct {
	gen int
	res checks.AnalyzerResult
}

// askAnalyzer asks, in the status line, before anything is created or
// charged.
func (m *Model) askAnalyzer() {
	switch {
	case m.opts.Analyzer == nil && m.opts.SeveralAccounts:
		m.setStatus("Reachability Analyzer runs in one account; across accounts and Regions it is not asked yet", false)
	case m.opts.Analyzer == nil:
		m.setStatus("Reachability Analyzer needs a live account (not the demo nor a snapshot)", false)
	case m.analyzerCancel != nil || m.checklist.AnalyzerRunning():
		m.setStatus("Reachability Analyzer is already running on this path", false)
	case m.checklist.Report == nil:
		m.setStatus("wait for the checklist's verdict, then press A again", false)
	default:
		m.confirmAnalyzer = true
		// Short enough for 80 columns: the charge and the answer keys must
		// both show.
		m.setStatus("Reachability Analyzer: AWS charges ~$0.10 an analysis. Run it? y/n", false)
	}
}

// startAnalyzer runs the analysis on a goroutine of its own, so that Run
// can wait for its cleanup after the program ends; the command only
// carries the answer back.
func (m *Model) startAnalyzer() tea.Cmd {
	if m.opts.Analyzer == nil || m.checklist.Report == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.analyzerCancel = cancel
	gen, rep, ask, timeout := m.pathGen, *m.checklist.Report, m.opts.Analyzer, m.analyzerTimeout()
	m.checklist.AnalyzerStarted()
	m.setStatus("asking Reachability Analyzer"+m.env.Glyphs.Ellipsis+" (tens of seconds to minutes; gives up after "+shortDuration(timeout)+")", false)
	done := make(chan checks.AnalyzerResult, 1)
	m.analyzerRuns.Add(1)
	go func() {
		defer m.analyzerRuns.Done()
		done <- ask(ctx, rep, timeout)
	}()
	return func() tea.Msg { return analyzerMsg{gen: gen, res: <-done} }
}

// analyzerTimeout is the bound the analyzer runs under.
func (m *Model) analyzerTimeout() time.Duration {
	if m.opts.AnalyzerTimeout > 0 {
		return m.opts.AnalyzerTimeout
	}
	return DefaultAnalyzerTimeout
}

// shortDuration writes 3m rather than 3m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// stopAnalyzer cancels a running analysis; its own cleanup still runs.
func (m *Model) stopAnalyzer() {
	if m.analyzerCancel != nil {
		m.analyzerCancel()
		m.analyzerCancel = nil
	}
}

func (m *Model) onAnalyzer(msg analyzerMsg) {
	if msg.gen != m.pathGen {
		return
	}
	m.stopAnalyzer()
	m.checklist.SetAnalyzer(msg.res)
	m.recordAnalyzer(msg.res)
	switch {
	case !msg.res.CleanedUp:
		m.setStatus(cells.FromEngine("Reachability Analyzer: "+msg.res.Message, m.env.ASCII), true)
	case msg.res.Status != checks.AnalyzerSucceeded:
		m.setStatus(cells.FromEngine("Reachability Analyzer: "+string(msg.res.Status)+": "+msg.res.Message, m.env.ASCII), false)
	case msg.res.Agrees:
		m.setStatus("Reachability Analyzer agrees", false)
	default:
		m.setStatus("Reachability Analyzer answered; see its row", false)
	}
}
