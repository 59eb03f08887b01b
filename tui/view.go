package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
)

// knownKinds are the kinds the packet-path layers read; the progress line
// counts them.
var knownKinds = []checks.DataKind{
	checks.KindVPCs, checks.KindSubnets, checks.KindNetworkInterfaces, checks.KindInstances, checks.KindRouteTables,
	checks.KindNetworkACLs, checks.KindSecurityGroups, checks.KindPrefixLists, checks.KindPeerings,
	checks.KindInternetGateways, checks.KindEgressOnlyGateways, checks.KindNATGateways, checks.KindVPNGateways,
	checks.KindTransitGateways, checks.KindTransitGatewayAttachments, checks.KindTransitGatewayRouteTables,
	checks.KindVPCEndpoints,
}

// View lays the frame out: header, progress line, the focused screen (or
// the help), status line, key hints. It only joins strings the screens
// format from precomputed data.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "reach"
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

func (m *Model) render() string {
	if m.quitting {
		return ""
	}
	w := max(m.w, 1)
	var b strings.Builder
	b.WriteString(m.headerLine(w))
	b.WriteByte('\n')
	b.WriteString(m.progressLine(w))
	b.WriteByte('\n')
	if m.helpOpen {
		top := m.top()
		b.WriteString(strings.Join(padLines(helpLines(m.env, "keys: "+top.Title(), top, w, m.bodyHeight(), m.helpCommands), m.bodyHeight()), "\n"))
	} else {
		b.WriteString(m.top().View())
	}
	b.WriteByte('\n')
	b.WriteString(m.statusLine(w))
	b.WriteByte('\n')
	b.WriteString(m.keysLine(w))
	return b.String()
}

func padLines(lines []string, h int) []string {
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines[:h]
}

// headerLine: "reach · demo · ENIs 21 · app-1 → 10.0.33.12:5432/tcp · watch".
func (m *Model) headerLine(w int) string {
	st := m.env.Styles
	dot := " " + m.env.Glyphs.Dot + " "
	where := m.sourceName()
	if m.scope != "" {
		where = cells.Clean(m.scope, m.env.ASCII)
	}
	parts := []string{st.Title.Render("reach"), st.Accent.Render(where)}
	crumbs := make([]string, 0, len(m.stack))
	for _, s := range m.stack {
		crumbs = append(crumbs, s.Title())
	}
	if m.helpOpen {
		crumbs = append(crumbs, "help")
	}
	parts = append(parts, st.Text.Render(cells.Clean(strings.Join(crumbs, " > "), m.env.ASCII)))
	p := m.path
	if p.Empty() {
		p = m.draft
	}
	if !p.Empty() {
		parts = append(parts, st.Subtle.Render(cells.Clean(endOrBlank(p.From)+" "+m.env.Glyphs.Arrow+" "+endOrBlank(p.To), m.env.ASCII)))
	}
	if m.watch {
		parts = append(parts, st.Warn.Render(fmt.Sprintf("watch %s", m.opts.WatchInterval)))
	}
	return cells.Truncate(strings.Join(parts, st.Subtle.Render(dot)), w, m.env.Glyphs.Ellipsis)
}

func endOrBlank(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// progressLine says which kinds are loaded, which are loading, and which
// are missing and why (checks.Network.Gaps).
func (m *Model) progressLine(w int) string {
	st := m.env.Styles
	g := m.env.Glyphs
	if m.loadErr != nil && !m.loading {
		// A failed load never looks like an empty, healthy account.
		return cells.Truncate(st.Error.Render(g.Fail+" load failed: "+cells.Clean(cells.FirstLine(m.loadErr.Error()), m.env.ASCII)), w, g.Ellipsis)
	}
	if m.net == nil {
		return cells.Truncate(st.Pending.Render(g.Spinner[m.frame%len(g.Spinner)]+" loading from "+m.sourceName()+g.Ellipsis+" "+m.elapsed()), w, g.Ellipsis)
	}
	var loading, missing []string
	missingKind := map[checks.DataKind]bool{}
	reasons := map[string]bool{}
	seen := map[string]bool{}
	for _, gp := range m.net.Gaps {
		switch {
		case gp.Pending && m.pending[gp.Kind]:
			if !seen["p"+string(gp.Kind)] {
				loading = append(loading, string(gp.Kind))
				seen["p"+string(gp.Kind)] = true
			}
		case gp.Pending:
			// The load ended without it: report it as missing.
			missingKind[gp.Kind] = true
			if !seen["m"+string(gp.Kind)] {
				missing = append(missing, string(gp.Kind)+" (load ended first)")
				seen["m"+string(gp.Kind)] = true
			}
		default:
			if gp.Scope == "" {
				missingKind[gp.Kind] = true
				reasons[gp.Reason] = true
			}
			text := string(gp.Kind)
			if gp.Scope != "" {
				text += " of " + gp.Scope
			}
			text += " (" + gp.Reason
			if r := gp.Remedy(); r != "" {
				text += "; " + r
			}
			text += ")"
			if !seen["m"+text] {
				missing = append(missing, text)
				seen["m"+text] = true
			}
		}
	}
	loaded := 0
	for _, k := range knownKinds {
		if !m.pending[k] && !missingKind[k] {
			loaded++
		}
	}
	enis := 0
	if m.cat != nil {
		enis = m.cat.ENIs
	}
	var line string
	switch {
	case len(loading) > 0:
		slices.Sort(loading)
		line = st.Pending.Render(g.Spinner[m.frame%len(g.Spinner)]+fmt.Sprintf(" %s loaded %d/%d kinds, %d ENIs", m.elapsed(), loaded, len(knownKinds), enis)) +
			st.Subtle.Render(" "+g.Dot+" waiting on: "+strings.Join(loading, ", "))
	case m.loading:
		line = st.Pending.Render(g.Spinner[m.frame%len(g.Spinner)] + fmt.Sprintf(" %s reloading %s %s %d ENIs", m.elapsed(), m.sourceName(), g.Dot, enis))
	case loaded == 0 && len(reasons) == 1:
		// One cause for every call (connection refused, expired
		// credentials): say it once, where it cannot be missed.
		for r := range reasons {
			line = st.Error.Render(g.Fail + fmt.Sprintf(" nothing loaded: every call failed: %s", cells.Clean(r, m.env.ASCII)))
		}
		missing = nil
	case loaded == 0:
		line = st.Error.Render(g.Fail + fmt.Sprintf(" nothing loaded: 0/%d kinds", len(knownKinds)))
	case loaded < len(knownKinds):
		line = st.Warn.Render(g.Warn+fmt.Sprintf(" loaded %d/%d kinds, %d ENIs", loaded, len(knownKinds), enis)) +
			st.Subtle.Render(" at "+m.loadedAt.Format("15:04:05"))
	default:
		line = st.OK.Render(g.Pass+fmt.Sprintf(" loaded %d/%d kinds, %d ENIs", loaded, len(knownKinds), enis)) +
			st.Subtle.Render(" at "+m.loadedAt.Format("15:04:05"))
	}
	if len(missing) > 0 {
		line += st.Warn.Render(" " + g.Dot + " missing: " + cells.Clean(strings.Join(missing, ", "), m.env.ASCII))
	}
	return cells.Truncate(line, w, g.Ellipsis)
}

// elapsed is how long the running load has taken, so that a slow or
// stalled account is seen as such: "12s", "2m05s".
func (m *Model) elapsed() string {
	d := m.env.Now().Sub(m.loadStarted).Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

func (m *Model) statusLine(w int) string {
	if m.cmd.active {
		return cells.Truncate(m.cmd.input.View(), w, m.env.Glyphs.Ellipsis)
	}
	if m.status == "" {
		return ""
	}
	s := cells.Clean(m.status, m.env.ASCII)
	if m.statusErr {
		return cells.Truncate(m.env.Styles.Error.Render(m.env.Glyphs.Fail+" "+s), w, m.env.Glyphs.Ellipsis)
	}
	return cells.Truncate(m.env.Styles.Subtle.Render(s), w, m.env.Glyphs.Ellipsis)
}

func (m *Model) keysLine(w int) string {
	if m.helpOpen {
		return m.short.ShortHelpView([]key.Binding{m.env.Keys.Global.Back, m.env.Keys.Global.Quit})
	}
	return cells.Truncate(m.short.View(m.top()), w, m.env.Glyphs.Ellipsis)
}
