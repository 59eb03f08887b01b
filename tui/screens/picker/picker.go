// Package picker is the path form: source, destination, port and
// protocol, completed from the catalog and the recent paths.
package picker

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// Picker fields, in tab order.
const (
	FieldFrom = iota
	FieldTo
	FieldPort
	fieldProto
	numFields
)

var FieldLabels = [numFields]string{"from", "to", "port", "protocol"}

var protocols = []catalog.Completion{
	{Value: "tcp", Desc: "TCP", Lower: "tcp"},
	{Value: "udp", Desc: "UDP", Lower: "udp"},
	{Value: "icmp", Desc: "ICMP echo", Lower: "icmp"},
	{Value: "all", Desc: "every protocol", Lower: "all"},
}

// Model is the path form: source, destination, port and protocol, with
// completion from the inventory and the recent paths below.
type Model struct {
	env         *screen.Env
	Catalog     *catalog.Catalog
	Fields      [numFields]textinput.Model
	Focus       int
	Suggestions []catalog.Completion
	sel         int // index into sugg
	Recents     []screen.RecentPath
	rsel        int // index into recents, -1 when none is chosen
	Err         string
	w, h        int
}

func New(e *screen.Env) *Model {
	p := &Model{env: e, rsel: -1}
	for i := range p.Fields {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 256
		p.Fields[i] = in
	}
	p.Fields[FieldFrom].Placeholder = "eni-…, i-…, IP or Name tag"
	p.Fields[FieldTo].Placeholder = "IP[:port], eni-…, i-…, hostname or Name tag"
	p.Fields[FieldPort].Placeholder = "e.g. 443 (or :PORT in to)"
	p.Fields[fieldProto].Placeholder = "tcp"
	if e.ASCII {
		p.Fields[FieldFrom].Placeholder = "eni-..., i-..., IP or Name tag"
		p.Fields[FieldTo].Placeholder = "IP[:port], eni-..., i-..., hostname or Name tag"
	}
	p.Restyle()
	return p
}

func (p *Model) Restyle() {
	s := textinput.DefaultStyles(p.env.Styles.Palette.Dark)
	s.Focused.Placeholder = p.env.Styles.Subtle
	s.Blurred.Placeholder = p.env.Styles.Subtle
	s.Focused.Suggestion = p.env.Styles.Subtle
	s.Cursor.Blink = false
	for i := range p.Fields {
		p.Fields[i].SetStyles(s)
	}
}

func (p *Model) Title() string { return "pick a path" }

// The picker always captures: every printable key is text.
func (p *Model) Capturing() bool { return true }

// Open fills the form from a draft path and focuses a field.
func (p *Model) Open(d screen.PathSpec, focus int) tea.Cmd {
	p.Fields[FieldFrom].SetValue(d.From)
	p.Fields[FieldTo].SetValue(d.To)
	port := ""
	if d.Port != 0 {
		port = strconv.Itoa(d.Port)
	}
	p.Fields[FieldPort].SetValue(port)
	p.Fields[fieldProto].SetValue(d.Protocol)
	for i := range p.Fields {
		p.Fields[i].CursorEnd()
	}
	p.Err = ""
	p.rsel = -1
	p.fitFields()
	return p.setFocus(focus)
}

// fitFields sizes each input to its text, leaving room on the line for the
// name the value resolves to.
func (p *Model) fitFields() {
	for i := range p.Fields {
		f := &p.Fields[i]
		want := max(cells.Width(f.Value()), cells.Width(f.Placeholder)) + 1
		room := p.w - 12 - cells.Width(p.hint(i)) - 2
		f.SetWidth(max(min(want, room), 8))
	}
}

func (p *Model) setFocus(i int) tea.Cmd {
	p.Focus = (i + numFields) % numFields
	var cmd tea.Cmd
	for j := range p.Fields {
		if j == p.Focus {
			cmd = p.Fields[j].Focus()
		} else {
			p.Fields[j].Blur()
		}
	}
	p.suggest()
	return cmd
}

// spec reads the form. The port field may be empty (the destination may
// carry :PORT, or the protocol has no ports).
func (p *Model) spec() (screen.PathSpec, error) {
	s := screen.PathSpec{
		From:     strings.TrimSpace(p.Fields[FieldFrom].Value()),
		To:       strings.TrimSpace(p.Fields[FieldTo].Value()),
		Protocol: strings.ToLower(strings.TrimSpace(p.Fields[fieldProto].Value())),
	}
	if s.From == "" {
		return s, fmt.Errorf("from: name the source (eni-…, i-…, an IP address or a Name tag)")
	}
	if s.To == "" {
		return s, fmt.Errorf("to: name the destination (IP[:port], eni-…, i-…, a hostname or a Name tag)")
	}
	if v := strings.TrimSpace(p.Fields[FieldPort].Value()); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return s, fmt.Errorf("port %q: expected a number from 1 to 65535", v)
		}
		s.Port = n
	}
	return s, nil
}

func (p *Model) SetSize(w, h int) {
	p.w, p.h = w, h
	p.fitFields()
}

func (p *Model) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	k := p.env.Keys.Picker
	if km, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(km, k.Back):
			return nil, screen.Back{}
		case key.Matches(km, k.Check):
			s, err := p.spec()
			if err != nil {
				p.Err = err.Error()
				return nil, nil
			}
			p.Err = ""
			return nil, screen.CheckPath{Path: s}
		case key.Matches(km, k.Next):
			// Tab completes; only when nothing is left to complete does
			// it move on, so it never does both by surprise.
			if p.completes() {
				p.accept()
				return nil, nil
			}
			return p.setFocus(p.Focus + 1), nil
		case key.Matches(km, k.Prev):
			return p.setFocus(p.Focus - 1), nil
		case key.Matches(km, k.Up):
			p.step(-1)
			return nil, nil
		case key.Matches(km, k.Down):
			p.step(1)
			return nil, nil
		}
	}
	var cmd tea.Cmd
	before := p.Fields[p.Focus].Value()
	p.Fields[p.Focus], cmd = p.Fields[p.Focus].Update(msg)
	if p.Fields[p.Focus].Value() != before {
		p.Err = ""
		p.suggest()
		p.fitFields()
	}
	return cmd, nil
}

// step moves through the suggestions, or through the recent paths when
// there are none (choosing one fills the form).
func (p *Model) step(d int) {
	if len(p.Suggestions) > 0 {
		p.sel = (p.sel + d + len(p.Suggestions)) % len(p.Suggestions)
		return
	}
	if len(p.Recents) == 0 {
		return
	}
	p.rsel = max(min(p.rsel+d, len(p.Recents)-1), 0)
	r := p.Recents[p.rsel].Path
	focus := p.Focus
	p.Open(r, focus)
	p.rsel = max(min(p.rsel, len(p.Recents)-1), 0)
	p.Suggestions = nil
}

// completes reports whether accepting the chosen suggestion would change
// the focused field (the port typed after a destination aside).
func (p *Model) completes() bool {
	if len(p.Suggestions) == 0 {
		return false
	}
	typed := strings.TrimSpace(p.Fields[p.Focus].Value())
	if p.Focus == FieldFrom || p.Focus == FieldTo {
		if host, _, ok := strings.Cut(typed, ":"); ok && strings.Count(typed, ":") == 1 {
			typed = host
		}
	}
	return !strings.EqualFold(typed, p.Suggestions[p.sel].Value)
}

// Choose asks which resource an ambiguous name means: the field's
// suggestions become the resources it names, each with where it is.
func (p *Model) Choose(a *catalog.AmbiguousEnd) tea.Cmd {
	field := FieldFrom
	if a.Dest {
		field = FieldTo
	}
	cmd := p.setFocus(field)
	p.Err = a.Error() + ": up/down and tab"
	p.Suggestions, p.sel = nil, 0
	for _, id := range a.IDs {
		p.Suggestions = append(p.Suggestions, catalog.Completion{Value: id, Desc: p.Catalog.WhereIs(id), Lower: catalog.Lower(id)})
	}
	return cmd
}

// accept completes the focused field with the chosen suggestion.
func (p *Model) accept() {
	c := p.Suggestions[p.sel]
	f := &p.Fields[p.Focus]
	v := c.Value
	if p.Focus == FieldTo {
		// Keep a port already typed after the name.
		if _, port, ok := strings.Cut(f.Value(), ":"); ok && port != "" && !strings.Contains(v, ":") {
			v += ":" + port
		}
	}
	f.SetValue(v)
	f.CursorEnd()
	p.Suggestions, p.sel = nil, 0
	p.Err = ""
	p.fitFields()
}

// suggest recomputes the completions of the focused field.
func (p *Model) suggest() {
	p.Suggestions, p.sel = nil, 0
	v := strings.TrimSpace(p.Fields[p.Focus].Value())
	switch p.Focus {
	case FieldFrom, FieldTo:
		host, _, _ := strings.Cut(v, ":")
		if strings.Count(v, ":") > 1 {
			host = v
		}
		p.Suggestions = p.Catalog.Complete(host, 8)
	case fieldProto:
		for _, c := range protocols {
			if v != "" && strings.HasPrefix(c.Value, strings.ToLower(v)) && c.Value != v {
				p.Suggestions = append(p.Suggestions, c)
			}
		}
	}
}

func (p *Model) View() string {
	st := p.env.Styles
	var lines []string
	lines = append(lines, st.Title.Render("Check a path")+"  "+st.Subtle.Render("tab completes, enter checks"))
	lines = append(lines, "")
	for i := range p.Fields {
		label := fmt.Sprintf(" %-9s ", FieldLabels[i])
		if i == p.Focus {
			label = st.Accent.Render(p.env.Glyphs.Cursor + label[1:])
		} else {
			label = st.Subtle.Render(label)
		}
		line := label + p.Fields[i].View()
		if hint := p.hint(i); hint != "" {
			line += "  " + st.Subtle.Render(hint)
		}
		lines = append(lines, cells.Truncate(line, p.w, p.env.Glyphs.Ellipsis))
	}
	lines = append(lines, "")
	if p.Err != "" {
		for _, l := range cells.Wrap(cells.FromEngine(p.Err, p.env.ASCII), p.w-1, "  ") {
			lines = append(lines, " "+st.Error.Render(l))
		}
	}
	room := p.h - len(lines) - 1
	switch {
	case len(p.Suggestions) > 0:
		lines = append(lines, st.Header.Render(" suggestions"))
		for i, c := range p.Suggestions {
			if i >= room {
				break
			}
			lines = append(lines, p.item(fmt.Sprintf("%-22s %s", c.Value, c.Desc), i == p.sel))
		}
	case len(p.Recents) > 0:
		lines = append(lines, st.Header.Render(" recent paths")+st.Subtle.Render("  (up/down to reuse)"))
		for i, r := range p.Recents {
			if i >= room {
				break
			}
			lines = append(lines, p.item(r.Path.Text(p.env.Glyphs.Arrow)+"   "+r.When.Format("2006-01-02 15:04"), i == p.rsel))
		}
	}
	for len(lines) < p.h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:p.h], "\n")
}

func (p *Model) item(text string, selected bool) string {
	text = cells.Truncate("   "+cells.Clean(text, p.env.ASCII), p.w, p.env.Glyphs.Ellipsis)
	if selected {
		return p.env.Styles.Selected.Render(cells.Fit(text, p.w, p.env.Glyphs.Ellipsis))
	}
	return text
}

// hint names what a typed end resolves to, from the inventory.
func (p *Model) hint(field int) string {
	if p.Catalog == nil || (field != FieldFrom && field != FieldTo) {
		return ""
	}
	v := strings.TrimSpace(p.Fields[field].Value())
	host, _, _ := strings.Cut(v, ":")
	if host == "" {
		return ""
	}
	if n, ok := p.Catalog.Names[host]; ok {
		return n
	}
	if ids, ok := p.Catalog.ByName[host]; ok && len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func (p *Model) ShortHelp() []key.Binding {
	k := p.env.Keys.Picker
	return []key.Binding{k.Check, k.Next, k.Prev, k.Up, k.Back}
}

func (p *Model) FullHelp() [][]key.Binding {
	k := p.env.Keys.Picker
	return [][]key.Binding{{k.Check, k.Next, k.Prev, k.Up, k.Down, k.Back}}
}
