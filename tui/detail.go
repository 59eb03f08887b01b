package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/pager"
	"github.com/reachnet/reach/tui/screen"
)

// detail shows one ENI: its addresses, its security groups with their
// rules, its subnet's route table and network ACL.
type detail struct {
	env *screen.Env
	id  string
	pg  pager.Model
}

func newDetail(e *screen.Env) *detail {
	return &detail{env: e, pg: pager.Model{Env: e}}
}

func (d *detail) Title() string { return "ENI " + d.id }

func (d *detail) Capturing() bool { return d.pg.Typing }

// show builds the lines for an ENI from the newest network; the root calls
// it when the screen opens and whenever the network or the theme changes.
func (d *detail) show(n *checks.Network, c *catalog.Catalog, id string) {
	if id != d.id {
		d.pg.Offset = 0
		d.pg.Filter = ""
	}
	d.id = id
	if n == nil {
		d.pg.SetLines([]string{"loading" + d.env.Glyphs.Ellipsis})
		return
	}
	d.pg.SetLines(detailLines(d.env, n, c, id))
}

func (d *detail) SetSize(w, h int) { d.pg.SetSize(w, h) }

func (d *detail) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	if cmd, ok := d.pg.FilterKey(km); ok {
		return cmd, nil
	}
	k := d.env.Keys
	switch {
	case key.Matches(km, k.Global.Back):
		if d.pg.ClearFilter() {
			return nil, nil
		}
		return nil, screen.Back{}
	case key.Matches(km, k.Browser.Source):
		return nil, screen.SetEnd{Dest: false, Value: d.id}
	case key.Matches(km, k.Browser.Dest):
		return nil, screen.SetEnd{Dest: true, Value: d.id}
	case key.Matches(km, k.Tail.Open):
		return nil, screen.OpenTail{ENI: d.id}
	}
	d.pg.ScrollKey(km)
	return nil, nil
}

func (d *detail) View() string { return d.pg.View() }

func (d *detail) ShortHelp() []key.Binding {
	k := d.env.Keys
	return []key.Binding{k.Global.Help, k.List.Down, k.Browser.Source, k.Browser.Dest, k.Global.Back}
}

func (d *detail) FullHelp() [][]key.Binding {
	k := d.env.Keys
	return [][]key.Binding{{k.Browser.Source, k.Browser.Dest, k.Tail.Open, k.Evidence.Filter, k.Global.Back}, k.List.Bindings()}
}
