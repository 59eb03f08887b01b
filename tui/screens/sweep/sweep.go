// Package sweep is the screen of "who can reach this" and "what can this
// reach": one interface fixed, every other at the other end on a port,
// the paths grouped by verdict and deciding rule, each group expandable to
// its interfaces, and enter on one opening its checklist.
package sweep

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/render"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// Model is the sweep screen. It asks for the port first, then shows the
// groups the root's sweep returns.
type Model struct {
	env *screen.Env
	// ENI is the fixed interface; Label names it for people; Inbound is
	// true for "who can reach this" (every interface a source).
	ENI     string
	Label   string
	Inbound bool

	// Prompting is true while the port is typed; Input holds it.
	Prompting bool
	Input     string
	Err       string

	Port     int
	Protocol string
	// Run is the ID of the sweep shown or running; Running is set until
	// its result arrives.
	Run     int
	Running bool

	results  []checks.SweepResult
	groups   []checks.SweepGroup
	counts   checks.SweepCounts
	expanded map[int]bool
	rows     []row
	cursor   int
	offset   int
	w, h     int
}

// row is one line of the list: a group (member < 0) or one of its paths.
type row struct {
	group, member int
	text          string
}

func New(e *screen.Env) *Model { return &Model{env: e, expanded: map[int]bool{}} }

func (m *Model) Title() string {
	if m.Inbound {
		return "who can reach " + m.Label
	}
	return "what " + m.Label + " can reach"
}

func (m *Model) Capturing() bool { return m.Prompting }

// Open starts a sweep of id in one direction: the port prompt first.
func (m *Model) Open(id, label string, inbound bool) {
	*m = Model{env: m.env, ENI: id, Label: label, Inbound: inbound, Prompting: true, expanded: map[int]bool{}, w: m.w, h: m.h,
		Input: m.Input, Run: m.Run}
}

// Spec is the engine's sweep for the port typed.
func (m *Model) Spec() checks.SweepSpec {
	proto, _ := checks.ParseProtocol(m.Protocol)
	spec := checks.SweepSpec{Fixed: checks.End{Kind: checks.EndENI, ID: m.ENI, Raw: m.ENI}, FromFixed: !m.Inbound, Protocol: proto}
	if proto.HasPorts() {
		spec.Ports = []int{m.Port}
		spec.Fixed.Port = m.Port
	}
	return spec
}

// Result shows a sweep's paths when they belong to the running sweep.
func (m *Model) Result(run int, results []checks.SweepResult) {
	if run != m.Run {
		return
	}
	m.Running = false
	m.results = results
	m.groups = checks.GroupSweep(results, false)
	m.counts = checks.CountSweep(results)
	m.expanded = map[int]bool{}
	m.cursor, m.offset = 0, 0
	m.rebuild()
}

// parsePort reads "443", "udp 53", "53/udp" or "icmp".
func parsePort(s string) (int, string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '/' || r == ':' })
	port, proto := 0, "tcp"
	for _, f := range fields {
		if n, err := strconv.Atoi(f); err == nil {
			if n < 1 || n > 65535 {
				return 0, "", fmt.Errorf("port %d: expected 1 to 65535", n)
			}
			port = n
			continue
		}
		p, err := checks.ParseProtocol(f)
		if err != nil {
			return 0, "", fmt.Errorf("%q: a port (443), a protocol (udp 53) or icmp", f)
		}
		proto = p.String()
	}
	p, _ := checks.ParseProtocol(proto)
	if p.HasPorts() && port == 0 {
		return 0, "", fmt.Errorf("%s needs a port: type 443, or udp 53", proto)
	}
	if !p.HasPorts() {
		port = 0
	}
	return port, proto, nil
}

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.rebuild()
}

// listRows is the height of the list under the title line.
func (m *Model) listRows() int { return max(m.h-1, 1) }

func (m *Model) rebuild() {
	m.rows = m.rows[:0]
	word := "interfaces"
	for gi, g := range m.groups {
		// In ASCII the pass glyph is "+" too: the fold marker is bracketed.
		mark := "+"
		if m.expanded[gi] {
			mark = "-"
		}
		if m.env.ASCII {
			mark = "[" + mark + "]"
		}
		m.rows = append(m.rows, row{group: gi, member: -1, text: mark + " " + m.mark(g.Verdict) + " " + cells.Clean(render.GroupHeadline(g, word), m.env.ASCII)})
		if !m.expanded[gi] {
			continue
		}
		for mi, r := range g.Members {
			res := m.results[r]
			text := "      " + cells.Clean(res.Source, m.env.ASCII)
			if res.Name != "" {
				text += "  " + cells.Clean(res.Name, m.env.ASCII)
			}
			if res.Address.IsValid() {
				text += "  " + res.Address.String()
			}
			m.rows = append(m.rows, row{group: gi, member: mi, text: text})
		}
	}
	m.cursor = min(m.cursor, max(len(m.rows)-1, 0))
	m.scroll()
}

func (m *Model) mark(v checks.Verdict) string {
	switch v {
	case checks.Reachable:
		return m.env.Mark(screen.StatusOf(checks.StatusPass), 0)
	case checks.Unreachable:
		return m.env.Mark(screen.StatusOf(checks.StatusFail), 0)
	}
	return m.env.Mark(screen.StatusOf(checks.StatusUnknown), 0)
}

func (m *Model) scroll() {
	n := m.listRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+n {
		m.offset = m.cursor - n + 1
	}
	m.offset = max(0, min(m.offset, max(len(m.rows)-n, 0)))
}

func (m *Model) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	k := m.env.Keys
	if m.Prompting {
		return nil, m.promptKey(km)
	}
	switch {
	case key.Matches(km, k.Global.Back):
		return nil, screen.Back{}
	case key.Matches(km, k.Sweep.Enter):
		return nil, m.enter()
	case key.Matches(km, k.Sweep.Port):
		m.Prompting = true
		return nil, nil
	case key.Matches(km, k.List.Up):
		m.cursor--
	case key.Matches(km, k.List.Down):
		m.cursor++
	case key.Matches(km, k.List.PageUp):
		m.cursor -= m.listRows()
	case key.Matches(km, k.List.PageDown):
		m.cursor += m.listRows()
	case key.Matches(km, k.List.Top):
		m.cursor = 0
	case key.Matches(km, k.List.Bottom):
		m.cursor = len(m.rows) - 1
	}
	m.cursor = max(0, min(m.cursor, len(m.rows)-1))
	m.scroll()
	return nil, nil
}

func (m *Model) promptKey(km tea.KeyPressMsg) screen.Intent {
	switch km.String() {
	case "enter":
		port, proto, err := parsePort(m.Input)
		if err != nil {
			m.Err = err.Error()
			return nil
		}
		m.Prompting, m.Err = false, ""
		m.Port, m.Protocol = port, proto
		m.Run++
		m.Running = true
		m.results, m.groups, m.rows = nil, nil, nil
		return screen.RunSweep{Run: m.Run}
	case "esc":
		if m.Port == 0 && m.Protocol == "" {
			return screen.Back{}
		}
		m.Prompting, m.Err = false, ""
		return nil
	case "backspace":
		if m.Input != "" {
			m.Input = m.Input[:len(m.Input)-1]
		}
		return nil
	}
	if t := km.Text; t != "" && len(m.Input) < 16 && strings.Trim(t, "0123456789abcdefghijklmnopqrstuvwxyz/: ") == "" {
		m.Input += t
	}
	return nil
}

// enter expands or folds a group, or opens the checklist of a path.
func (m *Model) enter() screen.Intent {
	if len(m.rows) == 0 {
		return nil
	}
	r := m.rows[m.cursor]
	if r.member < 0 {
		m.expanded[r.group] = !m.expanded[r.group]
		m.rebuild()
		return nil
	}
	res := m.results[m.groups[r.group].Members[r.member]]
	p := screen.PathSpec{From: res.Source, To: m.ENI, Port: m.Port, Protocol: m.Protocol}
	if !m.Inbound {
		p.From, p.To = m.ENI, res.Source
	}
	return screen.CheckPath{Path: p}
}

func (m *Model) question() string {
	on := m.Protocol
	if m.Port != 0 {
		on = fmt.Sprintf("%d/%s", m.Port, m.Protocol)
	}
	return m.Title() + " on " + on
}

func (m *Model) View() string {
	var b strings.Builder
	p := m.env.Paint
	switch {
	case m.Prompting:
		dir := "every interface as the source"
		if !m.Inbound {
			dir = "every interface as the destination"
		}
		b.WriteString(p.Header.On(cells.Truncate(m.Title()+" ("+dir+")", m.w, m.env.Glyphs.Ellipsis)) + "\n")
		b.WriteString(cells.Truncate("port: "+m.Input+"_   (443, udp 53, icmp; enter sweeps, esc goes back)", m.w, m.env.Glyphs.Ellipsis))
		if m.Err != "" {
			b.WriteString("\n" + p.Fail.On(cells.Truncate(cells.Clean(m.Err, m.env.ASCII), m.w, m.env.Glyphs.Ellipsis)))
		}
		return b.String()
	case m.Running:
		b.WriteString(p.Header.On(cells.Truncate(m.question(), m.w, m.env.Glyphs.Ellipsis)) + "\n")
		b.WriteString(p.Subtle.On("sweeping every interface" + m.env.Glyphs.Ellipsis))
		return b.String()
	}
	c := m.counts
	title := fmt.Sprintf("%s: %d reachable, %d unreachable, %d unknown", m.question(), c.Reachable, c.Unreachable, c.Unknown)
	b.WriteString(p.Header.On(cells.Truncate(title, m.w, m.env.Glyphs.Ellipsis)))
	if len(m.rows) == 0 {
		b.WriteString("\n" + p.Subtle.On("no other interface to sweep"))
		return b.String()
	}
	end := min(m.offset+m.listRows(), len(m.rows))
	for i := m.offset; i < end; i++ {
		line := cells.Truncate(m.rows[i].text, m.w-2, m.env.Glyphs.Ellipsis)
		if i == m.cursor {
			line = m.env.Glyphs.Cursor + " " + p.Sel.On(line)
		} else {
			line = "  " + line
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.env.Keys
	return []key.Binding{k.Global.Help, k.List.Down, k.Sweep.Enter, k.Sweep.Port, k.Global.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.env.Keys
	return [][]key.Binding{{k.Sweep.Enter, k.Sweep.Port, k.Global.Back}, k.List.Bindings()}
}
