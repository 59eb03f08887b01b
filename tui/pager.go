package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// pager scrolls precomputed lines. Lines are built by the owner when the
// data, the width or the theme changes; view only slices and truncates.
type pager struct {
	env *screen.Env
	// all are the owner's lines; lines those the filter keeps.
	all    []string
	lines  []string
	offset int
	w, h   int
	// filter keeps the lines that contain every word of it (after /);
	// typing is true while it is typed.
	filter string
	typing bool
	input  textinput.Model
}

func (p *pager) setLines(lines []string) {
	p.all = lines
	p.refilter()
}

func (p *pager) refilter() {
	if p.filter == "" {
		p.lines = p.all
		p.clamp()
		return
	}
	q := strings.ToLower(p.filter)
	p.lines = make([]string, 0, len(p.all))
	for _, l := range p.all {
		if matchAll(strings.ToLower(ansi.Strip(l)), q) {
			p.lines = append(p.lines, l)
		}
	}
	p.clamp()
}

func (p *pager) setSize(w, h int) {
	p.w, p.h = w, h
	p.clamp()
}

// rows is the height left for lines under the filter line.
func (p *pager) rows() int {
	if p.typing || p.filter != "" {
		return max(p.h-1, 1)
	}
	return p.h
}

func (p *pager) clamp() {
	p.offset = min(p.offset, max(len(p.lines)-p.rows(), 0))
	p.offset = max(p.offset, 0)
}

// filterKey handles / and the keys typed after it; it reports whether
// the key was the pager's.
func (p *pager) filterKey(km tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.env.Keys
	if !p.typing {
		if key.Matches(km, k.Evidence.Filter) {
			p.typing = true
			p.input = newFilterInput(p.env, p.filter)
			return p.input.Focus(), true
		}
		return nil, false
	}
	switch {
	case key.Matches(km, k.Filter.Apply):
		p.typing = false
		return nil, true
	case key.Matches(km, k.Filter.Clear):
		p.typing = false
		p.filter = ""
		p.refilter()
		return nil, true
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(km)
	if v := p.input.Value(); v != p.filter {
		p.filter = v
		p.offset = 0
		p.refilter()
	}
	return cmd, true
}

// clearFilter drops a kept filter; it reports whether there was one, so
// esc clears the filter before it goes back.
func (p *pager) clearFilter() bool {
	if p.filter == "" {
		return false
	}
	p.filter = ""
	p.refilter()
	return true
}

func newFilterInput(e *screen.Env, value string) textinput.Model {
	in := textinput.New()
	in.Prompt = "/"
	s := textinput.DefaultStyles(e.Styles.Palette.Dark)
	s.Focused.Prompt = e.Styles.Accent
	s.Cursor.Blink = false
	in.SetStyles(s)
	in.SetValue(value)
	in.CursorEnd()
	return in
}

// scrollKey handles the list keys; it reports whether the key was one.
func (p *pager) scrollKey(km tea.KeyPressMsg) bool {
	k := p.env.Keys.List
	switch {
	case key.Matches(km, k.Up):
		p.offset--
	case key.Matches(km, k.Down):
		p.offset++
	case key.Matches(km, k.PageUp):
		p.offset -= max(p.rows()-1, 1)
	case key.Matches(km, k.PageDown):
		p.offset += max(p.rows()-1, 1)
	case key.Matches(km, k.Top):
		p.offset = 0
	case key.Matches(km, k.Bottom):
		p.offset = len(p.lines)
	default:
		return false
	}
	p.clamp()
	return true
}

// view returns exactly h lines of at most w cells; the last line says
// how much is left below when the text does not fit.
func (p *pager) view() string {
	out := make([]string, 0, p.h)
	h := p.rows()
	end := min(p.offset+h, len(p.lines))
	for _, l := range p.lines[p.offset:end] {
		out = append(out, cells.Truncate(l, p.w, p.env.Glyphs.Ellipsis))
	}
	if end < len(p.lines) && len(out) > 0 {
		more := p.env.Styles.Subtle.Render(cells.Truncate(strings.Repeat(" ", 2)+p.env.Glyphs.Arrow+" "+itoa(len(p.lines)-end)+" more lines (j/k, pgdn)", p.w, p.env.Glyphs.Ellipsis))
		out[len(out)-1] = more
	}
	if p.filter != "" && len(p.lines) == 0 && h > 0 {
		out = append(out, p.env.Styles.Subtle.Render(cells.Truncate("  no line matches "+strconv.Quote(p.filter), p.w, p.env.Glyphs.Ellipsis)))
	}
	for len(out) < h {
		out = append(out, "")
	}
	if h < p.h {
		var f string
		if p.typing {
			f = p.input.View()
		} else {
			f = p.env.Styles.Accent.Render("/" + cells.Clean(p.filter, p.env.ASCII))
		}
		count := p.env.Styles.Subtle.Render(" " + itoa(len(p.lines)) + "/" + itoa(len(p.all)) + " lines")
		out = append(out, cells.Truncate(f+count, p.w, p.env.Glyphs.Ellipsis))
	}
	return strings.Join(out, "\n")
}
