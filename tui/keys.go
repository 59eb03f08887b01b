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
	tail      tailKeys
}

type globalKeys struct {
	Help, Quit, ForceQuit, Back, Refresh, Watch, Pick, Checklist, Command key.Binding
}

// listKeys move a cursor or a scroll position; every list-like screen uses
// them.
type listKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

type browserKeys struct {
	Filter, Enter, Source, Dest key.Binding
	// Sort keys are k9s's shift+letter of the column.
	SortName, SortID, SortType, SortPrivate, SortSubnet, SortVPC key.Binding
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
	Copy, Filter key.Binding
}

// tailKeys: Open (t) works on the browser, the detail and the checklist;
// the others on the flow tail.
type tailKeys struct {
	Open, Pause, Filter, Enter, Diagnosis key.Binding
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
			Pick:      b([]string{"p"}, "p", "pick path"),
			Command:   b([]string{":"}, ":", "command line (:q :help :pick :tail :sort)"),
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

			SortName:    b([]string{"N"}, "N", "sort by name"),
			SortID:      b([]string{"I"}, "I", "sort by ID"),
			SortType:    b([]string{"T"}, "T", "sort by type"),
			SortPrivate: b([]string{"P"}, "P", "sort by private IP"),
			SortSubnet:  b([]string{"S"}, "S", "sort by subnet"),
			SortVPC:     b([]string{"V"}, "V", "sort by VPC"),
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
			Copy:   b([]string{"y"}, "y", "copy fix (OSC 52)"),
			Filter: b([]string{"/"}, "/", "filter lines"),
		},
		tail: tailKeys{
			Open:   b([]string{"t"}, "t", "tail flow logs"),
			Pause:  b([]string{"space"}, "space", "pause/resume"),
			Filter: b([]string{"/"}, "/", "filter: reject port:443 10.0.1.5 tcp -term"),
			Enter:  b([]string{"enter"}, "enter", "attribution"),

			Diagnosis: b([]string{"e"}, "e", "the whole diagnosis"),
		},
	}
}

func (g globalKeys) bindings() []key.Binding {
	return []key.Binding{g.Help, g.Command, g.Back, g.Pick, g.Checklist, g.Refresh, g.Watch, g.Quit, g.ForceQuit}
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

// keyAction is a binding with the name the configuration file and
// docs/keys.md call it by ("checklist.copy").
type keyAction struct {
	name    string
	binding *key.Binding
}

// actions names every binding, screen by screen in help order, for key
// overrides (keyconfig.go) and the generated key map. A binding added to
// keyMaps needs its line here; TestEveryBindingHasAnAction fails until it
// has one.
func (k *keyMaps) actions() []keyAction {
	return []keyAction{
		{"global.help", &k.global.Help}, {"global.command", &k.global.Command}, {"global.back", &k.global.Back}, {"global.pick", &k.global.Pick},
		{"global.checklist", &k.global.Checklist}, {"global.refresh", &k.global.Refresh},
		{"global.watch", &k.global.Watch}, {"global.quit", &k.global.Quit}, {"global.force-quit", &k.global.ForceQuit},
		{"list.up", &k.list.Up}, {"list.down", &k.list.Down}, {"list.page-up", &k.list.PageUp},
		{"list.page-down", &k.list.PageDown}, {"list.top", &k.list.Top}, {"list.bottom", &k.list.Bottom},
		{"browser.filter", &k.browser.Filter}, {"browser.enter", &k.browser.Enter},
		{"browser.source", &k.browser.Source}, {"browser.dest", &k.browser.Dest},
		{"browser.sort-name", &k.browser.SortName}, {"browser.sort-id", &k.browser.SortID},
		{"browser.sort-type", &k.browser.SortType}, {"browser.sort-private-ip", &k.browser.SortPrivate},
		{"browser.sort-subnet", &k.browser.SortSubnet}, {"browser.sort-vpc", &k.browser.SortVPC},
		{"filter.apply", &k.filter.Apply}, {"filter.clear", &k.filter.Clear},
		{"picker.next", &k.picker.Next}, {"picker.prev", &k.picker.Prev}, {"picker.up", &k.picker.Up},
		{"picker.down", &k.picker.Down}, {"picker.check", &k.picker.Check}, {"picker.back", &k.picker.Back},
		{"checklist.enter", &k.checklist.Enter}, {"checklist.copy", &k.checklist.Copy},
		{"evidence.copy", &k.evidence.Copy}, {"evidence.filter", &k.evidence.Filter},
		{"tail.open", &k.tail.Open}, {"tail.pause", &k.tail.Pause}, {"tail.filter", &k.tail.Filter},
		{"tail.enter", &k.tail.Enter}, {"tail.diagnosis", &k.tail.Diagnosis},
	}
}
