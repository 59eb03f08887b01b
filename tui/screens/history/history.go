// Package history is the screen of a layer's change history: the
// management events CloudTrail recorded on the resources that decide the
// layer, newest first, read in the background with its progress shown.
package history

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/components/pager"
	"github.com/reachnet/reach/tui/screen"
)

// Model shows one layer's history.
type Model struct {
	env        *screen.Env
	Layer      string
	Components []string
	// Gen identifies the lookup whose results this screen shows; the root
	// drops the messages of an older one.
	Gen int
	// Loading is true until the lookup ends; Done and Total count the
	// resources looked up so far.
	Loading     bool
	Done, Total int
	Events      []checks.HistoryEvent
	Gaps        []string
	Pager       pager.Model
	w           int
}

func New(e *screen.Env) *Model {
	return &Model{env: e, Pager: pager.Model{Env: e}}
}

func (m *Model) Title() string { return "history: " + m.Layer }

func (m *Model) Capturing() bool { return m.Pager.Typing }

// Start shows an empty history for the layer's components while the
// lookup runs.
func (m *Model) Start(gen int, layer string, components []string) {
	m.Gen, m.Layer, m.Components = gen, layer, components
	m.Loading, m.Done, m.Total = true, 0, len(components)
	m.Events, m.Gaps = nil, nil
	m.Pager.Offset, m.Pager.Filter = 0, ""
	m.rebuild()
}

// Progress notes that done of total resources were looked up.
func (m *Model) Progress(done, total int) {
	m.Done, m.Total = done, total
	m.rebuild()
}

// Finish shows the events and gaps of the lookup.
func (m *Model) Finish(events []checks.HistoryEvent, gaps []string) {
	m.Loading = false
	m.Done = m.Total
	m.Events, m.Gaps = events, gaps
	m.rebuild()
}

// Restyle rebuilds the lines after a theme or size change.
func (m *Model) Restyle() { m.rebuild() }

func (m *Model) rebuild() {
	e := m.env
	st := e.Styles
	var out []string
	add := func(s string) { out = append(out, s) }
	what := "CloudTrail management events on " + strings.Join(m.Components, ", ")
	for _, s := range cells.Wrap(cells.FromEngine(what, e.ASCII), m.w, "  ") {
		add(st.Subtle.Render(s))
	}
	if m.Loading {
		add(st.Pending.Render(fmt.Sprintf("reading%s %d of %d resources looked up (at most 2 calls a second)", e.Glyphs.Ellipsis, m.Done, m.Total)))
	} else {
		add(st.Text.Render(fmt.Sprintf("%d events, newest first", len(m.Events))))
	}
	for _, ev := range m.Events {
		add("")
		head := ev.Time.UTC().Format("2006-01-02 15:04:05") + "Z  " + ev.Event + "  " + ev.Component
		add(st.Header.Render(cells.Truncate(cells.FromEngine(head, e.ASCII), m.w, e.Glyphs.Ellipsis)))
		who := ev.Principal
		if ev.SessionName != "" && !strings.HasSuffix(who, "/"+ev.SessionName) {
			who += " (session " + ev.SessionName + ")"
		}
		from := ev.SourceIP
		if ev.UserAgent != "" {
			from += " " + ev.UserAgent
		}
		for _, line := range []string{"by " + who, "from " + from, ev.Detail} {
			if strings.TrimSpace(line) == "" || line == "from " {
				continue
			}
			for _, s := range cells.Wrap(cells.FromEngine(line, e.ASCII), max(m.w-2, 1), "    ") {
				add("  " + st.Text.Render(s))
			}
		}
	}
	for _, g := range m.Gaps {
		add("")
		for _, s := range cells.Wrap(cells.FromEngine("gap: "+g, e.ASCII), m.w, "     ") {
			add(st.Unknown.Render(s))
		}
	}
	if !m.Loading && len(m.Events) == 0 && len(m.Gaps) == 0 {
		add(st.Subtle.Render("no change recorded in the window"))
	}
	m.Pager.SetLines(out)
}

func (m *Model) SetSize(w, h int) {
	m.w = w
	m.Pager.SetSize(w, h)
	m.rebuild()
}

func (m *Model) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	if cmd, ok := m.Pager.FilterKey(km); ok {
		return cmd, nil
	}
	if key.Matches(km, m.env.Keys.Global.Back) {
		if m.Pager.ClearFilter() {
			return nil, nil
		}
		return nil, screen.Back{}
	}
	m.Pager.ScrollKey(km)
	return nil, nil
}

func (m *Model) View() string { return m.Pager.View() }

func (m *Model) ShortHelp() []key.Binding {
	k := m.env.Keys
	return []key.Binding{k.Global.Help, k.List.Down, k.Evidence.Filter, k.Global.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.env.Keys
	return [][]key.Binding{{k.Evidence.Filter, k.Global.Back}, k.List.Bindings()}
}
