// Package detail is the screen of one ENI: addresses, security groups and
// their rules, the subnet's route table and network ACL.
package detail

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/pager"
	"github.com/reachnet/reach/tui/screen"
)

// Model shows one ENI: its addresses, its security groups with their
// rules, its subnet's route table and network ACL.
type Model struct {
	env   *screen.Env
	ID    string
	Pager pager.Model
}

func New(e *screen.Env) *Model {
	return &Model{env: e, Pager: pager.Model{Env: e}}
}

func (d *Model) Title() string { return "ENI " + d.ID }

func (d *Model) Capturing() bool { return d.Pager.Typing }

// Show builds the lines for an ENI from the newest network; the root calls
// it when the screen opens and whenever the network or the theme changes.
func (d *Model) Show(n *checks.Network, c *catalog.Catalog, id string) {
	if id != d.ID {
		d.Pager.Offset = 0
		d.Pager.Filter = ""
	}
	d.ID = id
	if n == nil {
		d.Pager.SetLines([]string{"loading" + d.env.Glyphs.Ellipsis})
		return
	}
	d.Pager.SetLines(detailLines(d.env, n, c, id))
}

func (d *Model) SetSize(w, h int) { d.Pager.SetSize(w, h) }

func (d *Model) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	if cmd, ok := d.Pager.FilterKey(km); ok {
		return cmd, nil
	}
	k := d.env.Keys
	switch {
	case key.Matches(km, k.Global.Back):
		if d.Pager.ClearFilter() {
			return nil, nil
		}
		return nil, screen.Back{}
	case key.Matches(km, k.Browser.Source):
		return nil, screen.SetEnd{Dest: false, Value: d.ID}
	case key.Matches(km, k.Browser.Dest):
		return nil, screen.SetEnd{Dest: true, Value: d.ID}
	case key.Matches(km, k.Tail.Open):
		return nil, screen.OpenTail{ENI: d.ID}
	case key.Matches(km, k.Sweep.Inbound), key.Matches(km, k.Sweep.Outbound):
		return nil, screen.OpenSweep{ENI: d.ID, Inbound: key.Matches(km, k.Sweep.Inbound)}
	}
	d.Pager.ScrollKey(km)
	return nil, nil
}

func (d *Model) View() string { return d.Pager.View() }

func (d *Model) ShortHelp() []key.Binding {
	k := d.env.Keys
	return []key.Binding{k.Global.Help, k.List.Down, k.Browser.Source, k.Browser.Dest, k.Global.Back}
}

func (d *Model) FullHelp() [][]key.Binding {
	k := d.env.Keys
	return [][]key.Binding{{k.Browser.Source, k.Browser.Dest, k.Tail.Open, k.Sweep.Inbound, k.Sweep.Outbound, k.Evidence.Filter, k.Global.Back}, k.List.Bindings()}
}
