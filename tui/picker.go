package tui

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
	fieldFrom = iota
	fieldTo
	fieldPort
	fieldProto
	numFields
)

var fieldLabels = [numFields]string{"from", "to", "port", "protocol"}

var protocols = []catalog.Completion{
	{Value: "tcp", Desc: "TCP", Lower: "tcp"},
	{Value: "udp", Desc: "UDP", Lower: "udp"},
	{Value: "icmp", Desc: "ICMP echo", Lower: "icmp"},
	{Value: "all", Desc: "every protocol", Lower: "all"},
}

// picker is the path form: source, destination, port and protocol, with
// completion from the inventory and the recent paths below.
type picker struct {
	env     *screen.Env
	cat     *catalog.Catalog
	fields  [numFields]textinput.Model
	focus   int
	sugg    []catalog.Completion
	sel     int // index into sugg
	recents []screen.RecentPath
	rsel    int // index into recents, -1 when none is chosen
	err     string
	w, h    int
}

func newPicker(e *screen.Env) *picker {
	p := &picker{env: e, rsel: -1}
	for i := range p.fields {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 256
		p.fields[i] = in
	}
	p.fields[fieldFrom].Placeholder = "eni-…, i-…, IP or Name tag"
	p.fields[fieldTo].Placeholder = "IP[:port], eni-…, i-…, hostname or Name tag"
	p.fields[fieldPort].Placeholder = "e.g. 443 (or :PORT in to)"
	p.fields[fieldProto].Placeholder = "tcp"
	if e.ASCII {
		p.fields[fieldFrom].Placeholder = "eni-..., i-..., IP or Name tag"
		p.fields[fieldTo].Placeholder = "IP[:port], eni-..., i-..., hostname or Name tag"
	}
	p.restyle()
	return p
}

func (p *picker) restyle() {
	s := textinput.DefaultStyles(p.env.Styles.Palette.Dark)
	s.Focused.Placeholder = p.env.Styles.Subtle
	s.Blurred.Placeholder = p.env.Styles.Subtle
	s.Focused.Suggestion = p.env.Styles.Subtle
	s.Cursor.Blink = false
	for i := range p.fields {
		p.fields[i].SetStyles(s)
	}
}

func (p *picker) Title() string { return "pick a path" }

// The picker always captures: every printable key is text.
func (p *picker) Capturing() bool { return true }

// open fills the form from a draft path and focuses a field.
func (p *picker) open(d screen.PathSpec, focus int) tea.Cmd {
	p.fields[fieldFrom].SetValue(d.From)
	p.fields[fieldTo].SetValue(d.To)
	port := ""
	if d.Port != 0 {
		port = strconv.Itoa(d.Port)
	}
	p.fields[fieldPort].SetValue(port)
	p.fields[fieldProto].SetValue(d.Protocol)
	for i := range p.fields {
		p.fields[i].CursorEnd()
	}
	p.err = ""
	p.rsel = -1
	p.fitFields()
	return p.setFocus(focus)
}

// fitFields sizes each input to its text, leaving room on the line for the
// name the value resolves to.
func (p *picker) fitFields() {
	for i := range p.fields {
		f := &p.fields[i]
		want := max(cells.Width(f.Value()), cells.Width(f.Placeholder)) + 1
		room := p.w - 12 - cells.Width(p.hint(i)) - 2
		f.SetWidth(max(min(want, room), 8))
	}
}

func (p *picker) setFocus(i int) tea.Cmd {
	p.focus = (i + numFields) % numFields
	var cmd tea.Cmd
	for j := range p.fields {
		if j == p.focus {
			cmd = p.fields[j].Focus()
		} else {
			p.fields[j].Blur()
		}
	}
	p.suggest()
	return cmd
}

// spec reads the form. The port field may be empty (the destination may
// carry :PORT, or the protocol has no ports).
func (p *picker) spec() (screen.PathSpec, error) {
	s := screen.PathSpec{
		From:     strings.TrimSpace(p.fields[fieldFrom].Value()),
		To:       strings.TrimSpace(p.fields[fieldTo].Value()),
		Protocol: strings.ToLower(strings.TrimSpace(p.fields[fieldProto].Value())),
	}
	if s.From == "" {
		return s, fmt.Errorf("from: name the source (eni-…, i-…, an IP address or a Name tag)")
	}
	if s.To == "" {
		return s, fmt.Errorf("to: name the destination (IP[:port], eni-…, i-…, a hostname or a Name tag)")
	}
	if v := strings.TrimSpace(p.fields[fieldPort].Value()); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return s, fmt.Errorf("port %q: expected a number from 1 to 65535", v)
		}
		s.Port = n
	}
	return s, nil
}

func (p *picker) SetSize(w, h int) {
	p.w, p.h = w, h
	p.fitFields()
}

func (p *picker) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	k := p.env.Keys.Picker
	if km, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(km, k.Back):
			return nil, screen.Back{}
		case key.Matches(km, k.Check):
			s, err := p.spec()
			if err != nil {
				p.err = err.Error()
				return nil, nil
			}
			p.err = ""
			return nil, screen.CheckPath{Path: s}
		case key.Matches(km, k.Next):
			// Tab completes; only when nothing is left to complete does
			// it move on, so it never does both by surprise.
			if p.completes() {
				p.accept()
				return nil, nil
			}
			return p.setFocus(p.focus + 1), nil
		case key.Matches(km, k.Prev):
			return p.setFocus(p.focus - 1), nil
		case key.Matches(km, k.Up):
			p.step(-1)
			return nil, nil
		case key.Matches(km, k.Down):
			p.step(1)
			return nil, nil
		}
	}
	var cmd tea.Cmd
	before := p.fields[p.focus].Value()
	p.fields[p.focus], cmd = p.fields[p.focus].Update(msg)
	if p.fields[p.focus].Value() != before {
		p.err = ""
		p.suggest()
		p.fitFields()
	}
	return cmd, nil
}

// step moves through the suggestions, or through the recent paths when
// there are none (choosing one fills the form).
func (p *picker) step(d int) {
	if len(p.sugg) > 0 {
		p.sel = (p.sel + d + len(p.sugg)) % len(p.sugg)
		return
	}
	if len(p.recents) == 0 {
		return
	}
	p.rsel = max(min(p.rsel+d, len(p.recents)-1), 0)
	r := p.recents[p.rsel].Path
	focus := p.focus
	p.open(r, focus)
	p.rsel = max(min(p.rsel, len(p.recents)-1), 0)
	p.sugg = nil
}

// completes reports whether accepting the chosen suggestion would change
// the focused field (the port typed after a destination aside).
func (p *picker) completes() bool {
	if len(p.sugg) == 0 {
		return false
	}
	typed := strings.TrimSpace(p.fields[p.focus].Value())
	if p.focus == fieldFrom || p.focus == fieldTo {
		if host, _, ok := strings.Cut(typed, ":"); ok && strings.Count(typed, ":") == 1 {
			typed = host
		}
	}
	return !strings.EqualFold(typed, p.sugg[p.sel].Value)
}

// choose asks which resource an ambiguous name means: the field's
// suggestions become the resources it names, each with where it is.
func (p *picker) choose(a *catalog.AmbiguousEnd) tea.Cmd {
	field := fieldFrom
	if a.Dest {
		field = fieldTo
	}
	cmd := p.setFocus(field)
	p.err = a.Error() + ": up/down and tab"
	p.sugg, p.sel = nil, 0
	for _, id := range a.IDs {
		p.sugg = append(p.sugg, catalog.Completion{Value: id, Desc: p.cat.WhereIs(id), Lower: catalog.Lower(id)})
	}
	return cmd
}

// accept completes the focused field with the chosen suggestion.
func (p *picker) accept() {
	c := p.sugg[p.sel]
	f := &p.fields[p.focus]
	v := c.Value
	if p.focus == fieldTo {
		// Keep a port already typed after the name.
		if _, port, ok := strings.Cut(f.Value(), ":"); ok && port != "" && !strings.Contains(v, ":") {
			v += ":" + port
		}
	}
	f.SetValue(v)
	f.CursorEnd()
	p.sugg, p.sel = nil, 0
	p.err = ""
	p.fitFields()
}

// suggest recomputes the completions of the focused field.
func (p *picker) suggest() {
	p.sugg, p.sel = nil, 0
	v := strings.TrimSpace(p.fields[p.focus].Value())
	switch p.focus {
	case fieldFrom, fieldTo:
		host, _, _ := strings.Cut(v, ":")
		if strings.Count(v, ":") > 1 {
			host = v
		}
		p.sugg = p.cat.Complete(host, 8)
	case fieldProto:
		for _, c := range protocols {
			if v != "" && strings.HasPrefix(c.Value, strings.ToLower(v)) && c.Value != v {
				p.sugg = append(p.sugg, c)
			}
		}
	}
}

func (p *picker) View() string {
	st := p.env.Styles
	var lines []string
	lines = append(lines, st.Title.Render("Check a path")+"  "+st.Subtle.Render("tab completes, enter checks"))
	lines = append(lines, "")
	for i := range p.fields {
		label := fmt.Sprintf(" %-9s ", fieldLabels[i])
		if i == p.focus {
			label = st.Accent.Render(p.env.Glyphs.Cursor + label[1:])
		} else {
			label = st.Subtle.Render(label)
		}
		line := label + p.fields[i].View()
		if hint := p.hint(i); hint != "" {
			line += "  " + st.Subtle.Render(hint)
		}
		lines = append(lines, cells.Truncate(line, p.w, p.env.Glyphs.Ellipsis))
	}
	lines = append(lines, "")
	if p.err != "" {
		for _, l := range cells.Wrap(cells.FromEngine(p.err, p.env.ASCII), p.w-1, "  ") {
			lines = append(lines, " "+st.Error.Render(l))
		}
	}
	room := p.h - len(lines) - 1
	switch {
	case len(p.sugg) > 0:
		lines = append(lines, st.Header.Render(" suggestions"))
		for i, c := range p.sugg {
			if i >= room {
				break
			}
			lines = append(lines, p.item(fmt.Sprintf("%-22s %s", c.Value, c.Desc), i == p.sel))
		}
	case len(p.recents) > 0:
		lines = append(lines, st.Header.Render(" recent paths")+st.Subtle.Render("  (up/down to reuse)"))
		for i, r := range p.recents {
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

func (p *picker) item(text string, selected bool) string {
	text = cells.Truncate("   "+cells.Clean(text, p.env.ASCII), p.w, p.env.Glyphs.Ellipsis)
	if selected {
		return p.env.Styles.Selected.Render(cells.Fit(text, p.w, p.env.Glyphs.Ellipsis))
	}
	return text
}

// hint names what a typed end resolves to, from the inventory.
func (p *picker) hint(field int) string {
	if p.cat == nil || (field != fieldFrom && field != fieldTo) {
		return ""
	}
	v := strings.TrimSpace(p.fields[field].Value())
	host, _, _ := strings.Cut(v, ":")
	if host == "" {
		return ""
	}
	if n, ok := p.cat.Names[host]; ok {
		return n
	}
	if ids, ok := p.cat.ByName[host]; ok && len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func (p *picker) ShortHelp() []key.Binding {
	k := p.env.Keys.Picker
	return []key.Binding{k.Check, k.Next, k.Prev, k.Up, k.Back}
}

func (p *picker) FullHelp() [][]key.Binding {
	k := p.env.Keys.Picker
	return [][]key.Binding{{k.Check, k.Next, k.Prev, k.Up, k.Down, k.Back}}
}
