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
)

// The root's side of the flow tail: opening and closing sessions, routing
// their messages, attributing records with the newest network.

// openTail closes the open tail, if any, and opens one for an interface or
// for the checklist's path.
func (m *Model) openTail(it screen.OpenTail) tea.Cmd {
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
	t.seq++
	ctx, cancel := context.WithCancel(m.ctx)
	spec := tailSpec{id: t.seq, ctx: ctx, feed: newFlowFeed(target, t.capacity), target: target,
		capacity: t.capacity, ascii: m.env.ASCII, loc: t.loc}
	t.cat = m.cat
	t.start(spec, cancel, m.env.Now())
	m.push(t)
	m.env.Log.Info("flow tail", "target", target.Label, "enis", strings.Join(target.ENIs, ","))
	return tea.Batch(openFlowTail(spec, m.opts.Flows), m.env.After(time.Second, tailTickMsg{id: spec.id}))
}

// stopTail ends the open session; messages already on their way carry its
// ID and are dropped.
func (m *Model) stopTail() {
	if m.tail.running() {
		m.tail.stop()
	}
}

// syncTail closes the session once its screen has left the stack (esc,
// or c back to the checklist): a tail nobody sees costs the account API
// calls and the terminal memory.
func (m *Model) syncTail() {
	if m.tail.running() && !slices.Contains(m.stack, screen.Screen(m.tail)) {
		m.stopTail()
	}
}

func (m *Model) onTailMsg(msg tailMsg) tea.Cmd {
	t := m.tail
	if !t.running() || msg.tailID() != t.spec.id {
		return nil // a closed tail's
	}
	switch msg := msg.(type) {
	case tailOpenedMsg:
		t.opened(msg.name, msg.err)
		if msg.err != nil {
			m.env.Log.Warn("flow tail", "target", t.spec.target.Label, "err", msg.err)
			m.setStatus("flow tail: "+cells.FirstLine(msg.err.Error()), true)
			return nil
		}
		t.window = defaultFlowWindow(t.openedAt)
		if msg.window != nil {
			t.window = *msg.window
		}
		// A path's diagnosis starts before the first record: with none
		// yet, it says until when a routing miss cannot be concluded.
		return tea.Batch(waitForFlowBatch(t.spec), m.diagnoseTail())
	case flowBatchMsg:
		if msg.done {
			if msg.err != nil && !errors.Is(msg.err, context.Canceled) {
				m.env.Log.Warn("flow tail ended", "source", t.name, "err", msg.err)
				t.ended(msg.err)
				m.setStatus("flow tail: "+cells.FirstLine(msg.err.Error()), true)
			} else {
				t.ended(nil)
			}
			return nil
		}
		t.ingest(msg.prepared, m.env.Now())
		if msg.note != "" {
			m.setStatus(msg.note, false)
		}
		var diag tea.Cmd
		if msg.total > 0 {
			// The path's records changed: read them again.
			diag = m.diagnoseTail()
		}
		return tea.Batch(waitForFlowBatch(t.spec), diag)
	case tailAttrMsg:
		t.attributed(msg)
	case tailDiagMsg:
		t.diagBusy = false
		t.showDiagnosis(&msg.diag, msg.err)
		if msg.err != nil {
			m.env.Log.Warn("flow tail diagnosis", "target", t.spec.target.Label, "err", msg.err)
		}
		if t.diagAgain {
			// Records (or a network) landed while it ran.
			return m.diagnoseTail()
		}
	case tailTickMsg:
		now := m.env.Now()
		t.tick(now)
		var diag tea.Cmd
		waiting := t.diag != nil && !t.diag.WaitUntil.IsZero()
		if waiting && !now.Before(t.diag.WaitUntil) {
			// The wait is over: what was "no record yet" is now a
			// conclusion, records or not.
			diag = m.diagnoseTail()
		}
		if t.state == tailFailed || t.state == tailEnded && t.rate == 0 && !waiting {
			return diag // nothing left to change on screen
		}
		return tea.Batch(diag, m.env.After(time.Second, tailTickMsg{id: msg.id}))
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
	t.attrRun++
	t.cat = m.cat
	switch {
	case m.net == nil:
		t.showAttribution(f, t.attrRun, attrNoNetwork)
		return nil
	case !again || t.attrState == attrNoNetwork:
		t.showAttribution(f, t.attrRun, attrRunning)
	}
	return attributeFlow(t.spec.id, t.attrRun, m.net, f)
}

// tailNetworkChanged re-attributes the open record when a newer network
// lands (watch mode, a reload): whether a record agrees with the
// configuration is a question about the configuration now.
func (m *Model) tailNetworkChanged() tea.Cmd {
	t := m.tail
	t.cat = m.cat
	if !t.running() {
		return nil
	}
	// The diagnosis compares the records with the configuration too.
	diag := m.diagnoseTail()
	if !t.attrOpen {
		return diag
	}
	return tea.Batch(diag, m.attribute(t.attrFlow, true))
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
	q := t.spec.target.Query
	if !t.running() || q == nil || m.net == nil || t.state != tailLive && t.state != tailEnded {
		return nil
	}
	if t.diagBusy {
		t.diagAgain = true
		return nil
	}
	t.diagBusy, t.diagAgain = true, false
	w := t.window
	w.Now = m.env.Now()
	// The previous snapshot's array is free again: its diagnosis has
	// returned, and one runs at a time.
	snap := t.live.snapshot(t.diagBuf)
	t.diagBuf = snap.recs
	return diagnoseFlows(t.spec.id, m.net, *q, snap, w)
}

// tailTarget builds the target of t: the interface's addresses, or the
// path's ends as the last check resolved them.
func (m *Model) tailTarget(it screen.OpenTail) (FlowTarget, error) {
	if m.net == nil {
		return FlowTarget{}, errors.New("the network has not loaded yet: the tail needs it to find the interfaces")
	}
	if it.ENI != "" {
		eni := m.net.ENIs[it.ENI]
		if eni == nil {
			return FlowTarget{}, errors.New(cells.Clean(it.ENI, m.env.ASCII) + " is not in the network")
		}
		t := FlowTarget{Label: m.cat.Label(eni.ID), ENI: eni.ID, Protocol: checks.ProtocolAll, Network: m.net}
		t.addENI(eni)
		for _, p := range eni.PrivateIPs {
			t.From = appendAddr(t.From, p.Addr)
		}
		for _, a := range eni.IPv6 {
			t.From = appendAddr(t.From, a)
		}
		return t, nil
	}
	if m.path.Empty() {
		return FlowTarget{}, errors.New("no path yet: press s and d on two ENIs, or p to type one")
	}
	rep := m.checklist.Rep
	if rep == nil {
		return FlowTarget{}, errors.New("the tail follows the path's resolved ends: wait for the check to finish")
	}
	proto, err := checks.ParseProtocol(rep.Protocol)
	if err != nil {
		proto = checks.ProtocolAll
	}
	t := FlowTarget{Label: cells.Clean(m.path.Text(m.env.Glyphs.Arrow), m.env.ASCII), Protocol: proto, Network: m.net}
	if q, err := m.path.Query(m.net); err == nil {
		t.Query = &q
	}
	if proto.HasPorts() {
		t.Port = rep.Destination.Port
	}
	t.From = m.endAddrs(&t, rep.Source)
	t.To = m.endAddrs(&t, rep.Destination)
	return t, nil
}

// endAddrs adds an end's interface to the target and returns its
// addresses: the one the check used, else every address of its interface.
func (m *Model) endAddrs(t *FlowTarget, end checks.PathEnd) []netip.Addr {
	eni := m.net.ENIs[end.ENI]
	if eni != nil {
		t.addENI(eni)
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

func (t *FlowTarget) addENI(e *checks.ENI) {
	t.ENIs = appendOnce(t.ENIs, e.ID)
	t.Subnets = appendOnce(t.Subnets, e.SubnetID)
	t.VPCs = appendOnce(t.VPCs, e.VPCID)
}

func appendOnce(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func appendAddr(s []netip.Addr, a netip.Addr) []netip.Addr {
	if !a.IsValid() || slices.Contains(s, a) {
		return s
	}
	return append(s, a)
}
