package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// pager scrolls precomputed lines. Lines are built by the owner when the
// data, the width or the theme changes; view only slices and truncates.
type pager struct {
	env    *env
	lines  []string
	offset int
	w, h   int
}

func (p *pager) setLines(lines []string) {
	p.lines = lines
	p.clamp()
}

func (p *pager) setSize(w, h int) {
	p.w, p.h = w, h
	p.clamp()
}

func (p *pager) clamp() {
	p.offset = min(p.offset, max(len(p.lines)-p.h, 0))
	p.offset = max(p.offset, 0)
}

// scrollKey handles the list keys; it reports whether the key was one.
func (p *pager) scrollKey(km tea.KeyPressMsg) bool {
	k := p.env.keys.list
	switch {
	case key.Matches(km, k.Up):
		p.offset--
	case key.Matches(km, k.Down):
		p.offset++
	case key.Matches(km, k.PageUp):
		p.offset -= max(p.h-1, 1)
	case key.Matches(km, k.PageDown):
		p.offset += max(p.h-1, 1)
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
	end := min(p.offset+p.h, len(p.lines))
	for _, l := range p.lines[p.offset:end] {
		out = append(out, truncate(l, p.w, p.env.g.ellipsis))
	}
	if end < len(p.lines) && len(out) > 0 {
		more := p.env.st.Subtle.Render(truncate(strings.Repeat(" ", 2)+p.env.g.arrow+" "+itoa(len(p.lines)-end)+" more lines (j/k, pgdn)", p.w, p.env.g.ellipsis))
		out[len(out)-1] = more
	}
	for len(out) < p.h {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}
