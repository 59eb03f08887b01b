package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/screen"
)

// historyProgressMsg says how far lookup gen got; next waits for the
// following message of the same lookup.
type historyProgressMsg struct {
	gen         int
	done, total int
	next        <-chan tea.Msg
}

// historyDoneMsg carries the events and gaps of lookup gen.
type historyDoneMsg struct {
	gen    int
	events []checks.HistoryEvent
	gaps   []string
}

// compareBaseline runs the same path on the baseline and adds its verdict
// and the changes to rep. A path the baseline cannot place is an unknown
// verdict there, not an error of the check.
func compareBaseline(rep *checks.Report, base, now *checks.Network, p screen.PathSpec, name string, taken *time.Time) {
	// The baseline's fixes are not shown: only its verdict is.
	then, err := evaluate(base, p, nil)
	if err != nil {
		then = checks.Report{Verdict: checks.Unknown}
	}
	checks.CompareBaseline(rep, then, base, now, name, taken)
}

// openHistory shows the history pane of a layer and starts its lookup in
// the background; progress arrives as messages, one per resource.
func (m *Model) openHistory(it screen.OpenHistory) tea.Cmd {
	if m.opts.History == nil && m.opts.SeveralAccounts {
		m.setStatus("the history reads one account's CloudTrail; across accounts and Regions it is not read yet", false)
		return nil
	}
	if m.opts.History == nil {
		m.setStatus("the history reads CloudTrail, which needs a live account (not the demo nor a snapshot)", false)
		return nil
	}
	m.stopHistory()
	m.historyGen++
	gen := m.historyGen
	m.history.Start(gen, it.Layer, it.Components)
	m.push(m.history)
	ctx, cancel := context.WithCancel(m.ctx)
	m.historyCancel = cancel
	ch := make(chan tea.Msg, len(it.Components)+1)
	lookup, ids := m.opts.History, it.Components
	go func() {
		events, gaps := lookup(ctx, ids, func(done, total int) {
			ch <- historyProgressMsg{gen: gen, done: done, total: total}
		})
		ch <- historyDoneMsg{gen: gen, events: events, gaps: gaps}
		close(ch)
	}()
	m.setStatus("reading CloudTrail history"+m.env.Glyphs.Ellipsis, false)
	return waitHistory(ch)
}

// waitHistory delivers the lookup's next message, with the channel to
// wait on after it.
func waitHistory(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		if p, ok := msg.(historyProgressMsg); ok {
			p.next = ch
			return p
		}
		return msg
	}
}

func (m *Model) onHistoryProgress(msg historyProgressMsg) tea.Cmd {
	if msg.gen == m.historyGen {
		m.history.Progress(msg.done, msg.total)
	}
	return waitHistory(msg.next)
}

func (m *Model) onHistoryDone(msg historyDoneMsg) {
	if msg.gen != m.historyGen {
		return
	}
	m.historyCancel = nil
	m.history.Finish(msg.events, msg.gaps)
	if m.status == "reading CloudTrail history"+m.env.Glyphs.Ellipsis {
		m.setStatus("", false)
	}
}

// stopHistory cancels a running lookup.
func (m *Model) stopHistory() {
	if m.historyCancel != nil {
		m.historyCancel()
		m.historyCancel = nil
	}
}
