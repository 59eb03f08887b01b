package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"

	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// helpLines renders the full help: the focused screen's bindings, then the
// global ones, every enabled binding once. It lays them out in two columns
// when one does not fit the height, rather than dropping any.
func helpLines(e *screen.Env, screenTitle string, km help.KeyMap, w, h int, withCommands bool) []string {
	type entry struct{ key, desc string }
	type section struct {
		title   string
		entries []entry
	}
	seen := map[string]bool{}
	collect := func(title string, groups [][]key.Binding) section {
		s := section{title: title}
		for _, g := range groups {
			for _, b := range g {
				if !b.Enabled() {
					continue
				}
				hk := b.Help()
				id := hk.Key + "\x00" + hk.Desc
				if seen[id] {
					continue
				}
				seen[id] = true
				s.entries = append(s.entries, entry{hk.Key, hk.Desc})
			}
		}
		return s
	}
	sections := []section{
		collect(screenTitle, km.FullHelp()),
		collect("everywhere", [][]key.Binding{e.Keys.Global.Bindings()}),
	}
	footer := e.Styles.Subtle.Render("esc or ? closes this help; :help lists the commands")
	if withCommands {
		// The commands replace the screen's keys: ":quit :q" and what it does.
		sections[0] = section{title: "commands (type : then the command; tab completes)"}
		for _, c := range commands {
			k := ":" + c.name
			if len(c.aliases) > 0 {
				k += " :" + c.aliases[0]
			}
			desc := c.desc
			if c.args != "" {
				desc = c.args + "  " + desc
			}
			sections[0].entries = append(sections[0].entries, entry{k, desc})
		}
		footer = e.Styles.Subtle.Render("esc closes this help; ? shows the keys of the screen")
	}
	keyW := 0
	for _, s := range sections {
		for _, en := range s.entries {
			keyW = max(keyW, cells.Width(en.key))
		}
	}
	render := func(s section) []string {
		lines := []string{e.Styles.Title.Render(s.title)}
		for _, en := range s.entries {
			lines = append(lines, "  "+e.Styles.Key.Render(cells.Fit(en.key, keyW, e.Glyphs.Ellipsis))+"  "+e.Styles.Desc.Render(en.desc))
		}
		return lines
	}
	left, right := render(sections[0]), render(sections[1])
	if len(left)+len(right)+3 <= h || w < 60 {
		all := append(append(append(left, ""), right...), "", footer)
		return clip(all, w, h, e)
	}
	// Two columns: the screen's keys on the left, the global ones on the
	// right; a column that is still too long is split in half.
	if max(len(left), len(right))+2 > h {
		all := append(append(left, ""), right...)
		half := (len(all) + 1) / 2
		left, right = all[:half], all[half:]
	}
	colW := (w - 2) / 2
	var out []string
	for i := range max(len(left), len(right)) {
		l, r := "", ""
		if i < len(left) {
			l = cells.Truncate(left[i], colW, e.Glyphs.Ellipsis)
		}
		if i < len(right) {
			r = cells.Truncate(right[i], colW, e.Glyphs.Ellipsis)
		}
		out = append(out, l+strings.Repeat(" ", max(colW-cells.Width(l), 0))+"  "+r)
	}
	out = append(out, "", footer)
	return clip(out, w, h, e)
}

func clip(lines []string, w, h int, e *screen.Env) []string {
	if len(lines) > h {
		lines = append(lines[:max(h-1, 0)], e.Styles.Subtle.Render(fmt.Sprintf("(%d more: make the terminal taller)", len(lines)-h+1)))
	}
	for i := range lines {
		lines[i] = cells.Truncate(lines[i], w, e.Glyphs.Ellipsis)
	}
	return lines
}
