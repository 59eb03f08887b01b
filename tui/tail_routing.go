package tui

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
	"github.com/reachnet/reach/tui/screens/tail"
)

// The root's side of the flow tail: opening and closing sessions, routing
// their messages, attributing records with the newest network.

// openTail closes the open tail, if any, and opens one for an interface or
// for the checklist's path.
func (m *Model) openTail(it screen.OpenTail) tea.Cmd {
	if m.opts.Flows == nil && m.opts.SeveralAccounts {
		m.setStatus("flow logs are tailed in one account; across accounts and Regions they are not read yet", false)
		return nil
	}
	if m.opts.Flows == nil {
		m.setStatus("no flow logs with this source: run reach with an account (or --demo) to tail them", false)
		return nil
	}
	target, err := m.tailTarget(it)
	if err != nil {
		m.setStatus(err.Error(), false)
		return nil
	}
	m.stopTail()
	t := m.tail
	t.Seq++
	ctx, cancel := context.WithCancel(m.ctx)
	spec := tail.Spec{ID: t.Seq, Ctx: ctx, Feed: tail.NewFeed(target, t.Capacity), Target: target,
		Capacity: t.Capacity, ASCII: m.env.ASCII, Loc: t.Loc}
	t.Catalog = m.cat
	t.Start(spec, cancel, m.env.Now())
	m.push(t)
	m.env.Log.Info("flow tail", "target", target.Label, "enis", strings.Join(target.ENIs, ","))
	return tea.Batch(tail.Open(spec, m.opts.Flows), m.env.After(time.Second, tail.TickMsg{ID: spec.ID}))
}

// stopTail ends the open session; messages already on their way carry its
// ID and are dropped.
func (m *Model) stopTail() {
	if m.tail.Running() {
		m.tail.Stop()
	}
}

// syncTail closes the session once its screen has left the stack (esc,
// or c back to the checklist): a tail nobody sees costs the account API
// calls and the terminal memory.
func (m *Model) syncTail() {
	if m.tail.Running() && !slices.Contains(m.stack, screen.Screen(m.tail)) {
		m.stopTail()
	}
}

func (m *Model) onTailMsg(msg tail.Msg) tea.Cmd {
	t := m.tail
	if !t.Running() || msg.TailID() != t.Spec.ID {
		return nil // a closed tail's
	}
	switch msg := msg.(type) {
	case tail.OpenedMsg:
		t.Opened(msg.Name, msg.Err)
		if msg.Err != nil {
			m.env.Log.Warn("flow tail", "target", t.Spec.Target.Label, "err", msg.Err)
			m.setStatus("flow tail: "+cells.FirstLine(msg.Err.Error()), true)
			return nil
		}
		t.Window = tail.DefaultFlowWindow(t.OpenedAt)
		if msg.Window != nil {
			t.Window = *msg.Window
		}
		// A path's diagnosis starts before the first record: with none
		// yet, it says until when a routing miss cannot be concluded.
		return tea.Batch(tail.WaitForBatch(t.Spec), m.diagnoseTail())
	case tail.BatchMsg:
		if msg.Done {
			if msg.Err != nil && !errors.Is(msg.Err, context.Canceled) {
				m.env.Log.Warn("flow tail ended", "source", t.Name, "err", msg.Err)
				t.Ended(msg.Err)
				m.setStatus("flow tail: "+cells.FirstLine(msg.Err.Error()), true)
			} else {
				t.Ended(nil)
			}
			return nil
		}
		t.Ingest(msg.Prepared, m.env.Now())
		if msg.Note != "" {
			m.setStatus(msg.Note, false)
		}
		var diag tea.Cmd
		if msg.Total > 0 {
			// The path's records changed: read them again.
			diag = m.diagnoseTail()
		}
		return tea.Batch(tail.WaitForBatch(t.Spec), diag)
	case tail.AttrMsg:
		t.Attributed(msg)
	case tail.DiagMsg:
		t.DiagBusy = false
		t.ShowDiagnosis(&msg.Diag, msg.Err)
		if msg.Err == nil {
			m.recordDiagnosis(msg.Diag)
		}
		if msg.Err != nil {
			m.env.Log.Warn("flow tail diagnosis", "target", t.Spec.Target.Label, "err", msg.Err)
		}
		if t.DiagAgain {
			// Records (or a network) landed while it ran.
			return m.diagnoseTail()
		}
	case tail.TickMsg:
		now := m.env.Now()
		t.Tick(now)
		var diag tea.Cmd
		waiting := t.Diag != nil && !t.Diag.WaitUntil.IsZero()
		if waiting && !now.Before(t.Diag.WaitUntil) {
			// The wait is over: what was "no record yet" is now a
			// conclusion, records or not.
			diag = m.diagnoseTail()
		}
		if t.State == tail.StateFailed || t.State == tail.StateEnded && t.Rate == 0 && !waiting {
			return diag // nothing left to change on screen
		}
		return tea.Batch(diag, m.env.After(time.Second, tail.TickMsg{ID: msg.ID}))
	}
	return nil
}

// attribute explains a record with the newest network in a command; the
// run number drops a result when another record was opened since. again
// re-runs the open record on a newer network and keeps the current
// explanation on screen until the new one lands, so watch mode does not
// make the view blink.
func (m *Model) attribute(f checks.Flow, again bool) tea.Cmd {
	t := m.tail
	t.AttrRun++
	t.Catalog = m.cat
	switch {
	case m.net == nil:
		t.ShowAttribution(f, t.AttrRun, tail.AttrNoNetwork)
		return nil
	case !again || t.AttrState == tail.AttrNoNetwork:
		t.ShowAttribution(f, t.AttrRun, tail.AttrRunning)
	}
	return tail.Attribute(t.Spec.ID, t.AttrRun, m.net, f)
}

// tailNetworkChanged re-attributes the open record when a newer network
// lands (watch mode, a reload): whether a record agrees with the
// configuration is a question about the configuration now.
func (m *Model) tailNetworkChanged() tea.Cmd {
	t := m.tail
	t.Catalog = m.cat
	if !t.Running() {
		return nil
	}
	// The diagnosis compares the records with the configuration too.
	diag := m.diagnoseTail()
	if !t.AttrOpen {
		return diag
	}
	return tea.Batch(diag, m.attribute(t.AttrFlow, true))
}

// diagnoseTail diagnoses a path's records (not an interface's: a
// diagnosis is of a path) in a command: checks.Diagnose on the newest
// network, the path's query as the tail opened it, the live ring's records
// (pointers, whatever the filter or pause shows) and the source's window
// up to now. It runs when the source opens, when a batch lands, when the
// network changes and when a wait the diagnosis named is over; one runs
// at a time, and what lands meanwhile is read by one more run when it
// ends. The result goes to tail.showDiagnosis, which draws it above the
// records.
func (m *Model) diagnoseTail() tea.Cmd {
	t := m.tail
	q := t.Spec.Target.Query
	if !t.Running() || q == nil || m.net == nil || t.State != tail.StateLive && t.State != tail.StateEnded {
		return nil
	}
	if t.DiagBusy {
		t.DiagAgain = true
		return nil
	}
	t.DiagBusy, t.DiagAgain = true, false
	w := t.Window
	w.Now = m.env.Now()
	// The previous snapshot's array is free again: its diagnosis has
	// returned, and one runs at a time.
	snap := t.Live.Snapshot(t.DiagBuf)
	t.DiagBuf = snap.Recs
	return tail.Diagnose(t.Spec.ID, m.net, *q, snap, w)
}

// tailTarget builds the target of t: the interface's addresses, or the
// path's ends as the last check resolved them.
func (m *Model) tailTarget(it screen.OpenTail) (tail.FlowTarget, error) {
	if m.net == nil {
		return tail.FlowTarget{}, errors.New("the network has not loaded yet: the tail needs it to find the interfaces")
	}
	if it.ENI != "" {
		eni := m.net.ENIs[it.ENI]
		if eni == nil {
			return tail.FlowTarget{}, errors.New(cells.Clean(it.ENI, m.env.ASCII) + " is not in the network")
		}
		t := tail.FlowTarget{Label: m.cat.Label(eni.ID), ENI: eni.ID, Protocol: checks.ProtocolAll, Network: m.net}
		t.AddENI(eni)
		for _, p := range eni.PrivateIPs {
			t.From = appendAddr(t.From, p.Addr)
		}
		for _, a := range eni.IPv6 {
			t.From = appendAddr(t.From, a)
		}
		return t, nil
	}
	if m.path.Empty() {
		return tail.FlowTarget{}, errors.New("no path yet: press s and d on two ENIs, or p to type one")
	}
	rep := m.checklist.Report
	if rep == nil {
		return tail.FlowTarget{}, errors.New("the tail follows the path's resolved ends: wait for the check to finish")
	}
	proto, err := checks.ParseProtocol(rep.Protocol)
	if err != nil {
		proto = checks.ProtocolAll
	}
	t := tail.FlowTarget{Label: cells.Clean(m.path.Text(m.env.Glyphs.Arrow), m.env.ASCII), Protocol: proto, Network: m.net}
	if q, err := m.path.Query(m.net); err == nil {
		t.Query = &q
	}
	if proto.HasPorts() {
		t.Port = rep.Destination.Port
	}
	t.From = m.endAddrs(&t, rep.Source)
	t.To = m.endAddrs(&t, rep.Destination)
	for _, tv := range rep.Destination.Targets {
		leg := tv.Leg
		if leg == nil {
			continue
		}
		target, err := netip.ParseAddr(leg.Destination.Address)
		if err != nil || leg.Destination.Port <= 0 {
			continue
		}
		l := tail.FlowLeg{To: target, Port: leg.Destination.Port}
		if node := m.net.ENIs[leg.Source.ENI]; node != nil {
			for _, p := range node.PrivateIPs {
				l.From = appendAddr(l.From, p.Addr)
			}
		}
		for _, a := range t.From {
			l.From = appendAddr(l.From, a)
		}
		if e := m.net.ENIs[leg.Destination.ENI]; e != nil {
			t.AddENI(e)
		}
		t.Legs = append(t.Legs, l)
	}
	return t, nil
}

// endAddrs adds an end's interface to the target and returns its
// addresses: the one the check used, else every address of its interface.
func (m *Model) endAddrs(t *tail.FlowTarget, end checks.PathEnd) []netip.Addr {
	eni := m.net.ENIs[end.ENI]
	if eni != nil {
		t.AddENI(eni)
	}
	if a, err := netip.ParseAddr(end.Address); err == nil {
		return []netip.Addr{a}
	}
	var out []netip.Addr
	if eni != nil {
		for _, p := range eni.PrivateIPs {
			out = appendAddr(out, p.Addr)
		}
	}
	return out
}

func appendAddr(s []netip.Addr, a netip.Addr) []netip.Addr {
	if !a.IsValid() || slices.Contains(s, a) {
		return s
	}
	return append(s, a)
}
