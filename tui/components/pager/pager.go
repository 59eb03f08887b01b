// Package pager scrolls and filters precomputed lines: the detail of an
// ENI, the evidence of a layer, an attribution. View only slices.
package pager

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

// Model scrolls precomputed lines. Lines are built by the owner when the
// data, the width or the theme changes; view only slices and truncates.
type Model struct {
	Env *screen.Env
	// all are the owner's lines; lines those the filter keeps.
	all    []string
	Lines  []string
	Offset int
	w, h   int
	// Filter keeps the lines that contain every word of it (after /);
	// typing is true while it is typed.
	Filter string
	Typing bool
	input  textinput.Model
}

func (p *Model) SetLines(lines []string) {
	p.all = lines
	p.refilter()
}

func (p *Model) refilter() {
	if p.Filter == "" {
		p.Lines = p.all
		p.clamp()
		return
	}
	q := strings.ToLower(p.Filter)
	p.Lines = make([]string, 0, len(p.all))
	for _, l := range p.all {
		if MatchAll(strings.ToLower(ansi.Strip(l)), q) {
			p.Lines = append(p.Lines, l)
		}
	}
	p.clamp()
}

func (p *Model) SetSize(w, h int) {
	p.w, p.h = w, h
	p.clamp()
}

// rows is the height left for lines under the filter line.
func (p *Model) rows() int {
	if p.Typing || p.Filter != "" {
		return max(p.h-1, 1)
	}
	return p.h
}

func (p *Model) clamp() {
	p.Offset = min(p.Offset, max(len(p.Lines)-p.rows(), 0))
	p.Offset = max(p.Offset, 0)
}

// FilterKey handles / and the keys typed after it; it reports whether
// the key was the pager's.
func (p *Model) FilterKey(km tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.Env.Keys
	if !p.Typing {
		if key.Matches(km, k.Evidence.Filter) {
			p.Typing = true
			p.input = newFilterInput(p.Env, p.Filter)
			return p.input.Focus(), true
		}
		return nil, false
	}
	switch {
	case key.Matches(km, k.Filter.Apply):
		p.Typing = false
		return nil, true
	case key.Matches(km, k.Filter.Clear):
		p.Typing = false
		p.Filter = ""
		p.refilter()
		return nil, true
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(km)
	if v := p.input.Value(); v != p.Filter {
		p.Filter = v
		p.Offset = 0
		p.refilter()
	}
	return cmd, true
}

// ClearFilter drops a kept filter; it reports whether there was one, so
// esc clears the filter before it goes back.
func (p *Model) ClearFilter() bool {
	if p.Filter == "" {
		return false
	}
	p.Filter = ""
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

// ScrollKey handles the list keys; it reports whether the key was one.
func (p *Model) ScrollKey(km tea.KeyPressMsg) bool {
	k := p.Env.Keys.List
	switch {
	case key.Matches(km, k.Up):
		p.Offset--
	case key.Matches(km, k.Down):
		p.Offset++
	case key.Matches(km, k.PageUp):
		p.Offset -= max(p.rows()-1, 1)
	case key.Matches(km, k.PageDown):
		p.Offset += max(p.rows()-1, 1)
	case key.Matches(km, k.Top):
		p.Offset = 0
	case key.Matches(km, k.Bottom):
		p.Offset = len(p.Lines)
	default:
		return false
	}
	p.clamp()
	return true
}

// View returns exactly h lines of at most w cells; the last line says
// how much is left below when the text does not fit.
func (p *Model) View() string {
	out := make([]string, 0, p.h)
	h := p.rows()
	end := min(p.Offset+h, len(p.Lines))
	for _, l := range p.Lines[p.Offset:end] {
		out = append(out, cells.Truncate(l, p.w, p.Env.Glyphs.Ellipsis))
	}
	if end < len(p.Lines) && len(out) > 0 {
		more := p.Env.Styles.Subtle.Render(cells.Truncate(strings.Repeat(" ", 2)+p.Env.Glyphs.Arrow+" "+strconv.Itoa(len(p.Lines)-end)+" more lines (j/k, pgdn)", p.w, p.Env.Glyphs.Ellipsis))
		out[len(out)-1] = more
	}
	if p.Filter != "" && len(p.Lines) == 0 && h > 0 {
		out = append(out, p.Env.Styles.Subtle.Render(cells.Truncate("  no line matches "+strconv.Quote(p.Filter), p.w, p.Env.Glyphs.Ellipsis)))
	}
	for len(out) < h {
		out = append(out, "")
	}
	if h < p.h {
		var f string
		if p.Typing {
			f = p.input.View()
		} else {
			f = p.Env.Styles.Accent.Render("/" + cells.Clean(p.Filter, p.Env.ASCII))
		}
		count := p.Env.Styles.Subtle.Render(" " + strconv.Itoa(len(p.Lines)) + "/" + strconv.Itoa(len(p.all)) + " lines")
		out = append(out, cells.Truncate(f+count, p.w, p.Env.Glyphs.Ellipsis))
	}
	return strings.Join(out, "\n")
}

// MatchAll reports whether every space-separated word of q occurs in hay,
// so "prod 10.0.1" narrows by VPC and address at once.
func MatchAll(hay, q string) bool {
	for q != "" {
		var word string
		word, q, _ = strings.Cut(q, " ")
		if word != "" && !strings.Contains(hay, word) {
			return false
		}
	}
	return true
}
