package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
)

// detail shows one ENI: its addresses, its security groups with their
// rules, its subnet's route table and network ACL.
type detail struct {
	env *env
	id  string
	pg  pager
}

func newDetail(e *env) *detail {
	return &detail{env: e, pg: pager{env: e}}
}

func (d *detail) title() string { return "ENI " + d.id }

func (d *detail) capturing() bool { return d.pg.typing }

// show builds the lines for an ENI from the newest network; the root calls
// it when the screen opens and whenever the network or the theme changes.
func (d *detail) show(n *checks.Network, c *catalog.Catalog, id string) {
	if id != d.id {
		d.pg.offset = 0
		d.pg.filter = ""
	}
	d.id = id
	if n == nil {
		d.pg.setLines([]string{"loading" + d.env.g.ellipsis})
		return
	}
	d.pg.setLines(detailLines(d.env, n, c, id))
}

func (d *detail) setSize(w, h int) { d.pg.setSize(w, h) }

func (d *detail) update(msg tea.Msg) (tea.Cmd, intent) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	if cmd, ok := d.pg.filterKey(km); ok {
		return cmd, nil
	}
	k := d.env.keys
	switch {
	case key.Matches(km, k.global.Back):
		if d.pg.clearFilter() {
			return nil, nil
		}
		return nil, back{}
	case key.Matches(km, k.browser.Source):
		return nil, setEnd{dest: false, value: d.id}
	case key.Matches(km, k.browser.Dest):
		return nil, setEnd{dest: true, value: d.id}
	case key.Matches(km, k.tail.Open):
		return nil, openTail{eni: d.id}
	}
	d.pg.scrollKey(km)
	return nil, nil
}

func (d *detail) view() string { return d.pg.view() }

func (d *detail) ShortHelp() []key.Binding {
	k := d.env.keys
	return []key.Binding{k.global.Help, k.list.Down, k.browser.Source, k.browser.Dest, k.global.Back}
}

func (d *detail) FullHelp() [][]key.Binding {
	k := d.env.keys
	return [][]key.Binding{{k.browser.Source, k.browser.Dest, k.tail.Open, k.evidence.Filter, k.global.Back}, k.list.bindings()}
}

func itoa(n int) string { return strconv.Itoa(n) }
