package tui

import (
	"charm.land/bubbles/v2/key"
)

// keyMaps holds every binding, one map per screen plus the global keys.
// The help view is built from these, so a key that works is a key that is
// shown.
type keyMaps struct {
	global    globalKeys
	list      listKeys
	browser   browserKeys
	filter    filterKeys
	picker    pickerKeys
	checklist checklistKeys
	evidence  evidenceKeys
}

type globalKeys struct {
	Help, Quit, ForceQuit, Back, Refresh, Watch, Pick, Checklist key.Binding
}

// listKeys move a cursor or a scroll position; every list-like screen uses
// them.
type listKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

type browserKeys struct {
	Filter, Enter, Source, Dest key.Binding
}

type filterKeys struct {
	Apply, Clear key.Binding
}

type pickerKeys struct {
	Next, Prev, Up, Down, Check, Back key.Binding
}

type checklistKeys struct {
	Enter, Copy key.Binding
}

type evidenceKeys struct {
	Copy key.Binding
}

func b(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

func defaultKeys() keyMaps {
	return keyMaps{
		global: globalKeys{
			Help:      b([]string{"?"}, "?", "help"),
			Quit:      b([]string{"q"}, "q", "quit"),
			ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit from anywhere"),
			Back:      b([]string{"esc"}, "esc", "back"),
			Refresh:   b([]string{"r"}, "r", "reload & re-check"),
			Watch:     b([]string{"w"}, "w", "watch (re-poll)"),
			Pick:      b([]string{"p", ":"}, "p/:", "pick path"),
			Checklist: b([]string{"c"}, "c", "checklist"),
		},
		list: listKeys{
			Up:       b([]string{"up", "k"}, "↑/k", "up"),
			Down:     b([]string{"down", "j"}, "↓/j", "down"),
			PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
			PageDown: b([]string{"pgdown", "ctrl+f", "space"}, "pgdn", "page down"),
			Top:      b([]string{"home", "g"}, "g", "top"),
			Bottom:   b([]string{"end", "G"}, "G", "bottom"),
		},
		browser: browserKeys{
			Filter: b([]string{"/"}, "/", "filter"),
			Enter:  b([]string{"enter"}, "enter", "details"),
			Source: b([]string{"s"}, "s", "source"),
			Dest:   b([]string{"d"}, "d", "destination"),
		},
		filter: filterKeys{
			Apply: b([]string{"enter"}, "enter", "keep filter"),
			Clear: b([]string{"esc"}, "esc", "clear filter"),
		},
		picker: pickerKeys{
			Next:  b([]string{"tab"}, "tab", "complete / next"),
			Prev:  b([]string{"shift+tab"}, "shift+tab", "previous field"),
			Up:    b([]string{"up"}, "↑", "prev suggestion / recent"),
			Down:  b([]string{"down"}, "↓", "next suggestion / recent"),
			Check: b([]string{"enter"}, "enter", "check"),
			Back:  b([]string{"esc"}, "esc", "back"),
		},
		checklist: checklistKeys{
			Enter: b([]string{"enter"}, "enter", "evidence"),
			Copy:  b([]string{"y"}, "y", "copy fix (OSC 52)"),
		},
		evidence: evidenceKeys{
			Copy: b([]string{"y"}, "y", "copy fix (OSC 52)"),
		},
	}
}

func (g globalKeys) bindings() []key.Binding {
	return []key.Binding{g.Help, g.Back, g.Pick, g.Checklist, g.Refresh, g.Watch, g.Quit, g.ForceQuit}
}

func (l listKeys) bindings() []key.Binding {
	return []key.Binding{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}
}

// asciiHelp rewrites the arrows of the help labels for --ascii.
func (k *keyMaps) asciiHelp() {
	k.list.Up.SetHelp("up/k", "up")
	k.list.Down.SetHelp("down/j", "down")
	k.picker.Up.SetHelp("up", "prev suggestion / recent")
	k.picker.Down.SetHelp("down", "next suggestion / recent")
}
