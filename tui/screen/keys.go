package screen

import (
	"charm.land/bubbles/v2/key"
)

// KeyMaps holds every binding, one map per screen plus the global keys.
// The help view is built from these, so a key that works is a key that is
// shown.
type KeyMaps struct {
	Global    GlobalKeys
	List      ListKeys
	Browser   BrowserKeys
	Filter    FilterKeys
	Picker    PickerKeys
	Checklist ChecklistKeys
	Evidence  EvidenceKeys
	Tail      TailKeys
	Sweep     SweepKeys
}

type GlobalKeys struct {
	Help, Quit, ForceQuit, Back, Refresh, Watch, Pick, Checklist, Command, Report key.Binding
}

// ListKeys move a cursor or a scroll position; every list-like screen uses
// them.
type ListKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

type BrowserKeys struct {
	Filter, Enter, Source, Dest key.Binding
	// Sort keys are k9s's shift+letter of the column.
	SortName, SortID, SortType, SortPrivate, SortSubnet, SortVPC key.Binding
}

type FilterKeys struct {
	Apply, Clear key.Binding
}

type PickerKeys struct {
	Next, Prev, Up, Down, Check, Back key.Binding
}

type ChecklistKeys struct {
	Enter, Copy, Analyzer, History key.Binding
}

type EvidenceKeys struct {
	Copy, Filter key.Binding
}

// TailKeys: Open (t) works on the browser, the detail and the checklist;
// the others on the flow tail.
type TailKeys struct {
	Open, Pause, Filter, Enter, Diagnosis key.Binding
}

// SweepKeys: Inbound and Outbound open a sweep from the browser and the
// detail; Enter and Port work on the sweep screen.
type SweepKeys struct {
	Inbound, Outbound, Enter, Port key.Binding
}

func b(keys []string, help, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

func DefaultKeys() KeyMaps {
	return KeyMaps{
		Global: GlobalKeys{
			Help:      b([]string{"?"}, "?", "help"),
			Quit:      b([]string{"q"}, "q", "quit"),
			ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit from anywhere"),
			Back:      b([]string{"esc"}, "esc", "back"),
			Refresh:   b([]string{"r"}, "r", "reload & re-check"),
			Watch:     b([]string{"w"}, "w", "watch (re-poll)"),
			Pick:      b([]string{"p"}, "p", "pick path"),
			Command:   b([]string{":"}, ":", "command line (:q :help :pick :tail :sort)"),
			Checklist: b([]string{"c"}, "c", "checklist"),
			Report:    b([]string{"R"}, "R", "session report (Markdown)"),
		},
		List: ListKeys{
			Up:       b([]string{"up", "k"}, "↑/k", "up"),
			Down:     b([]string{"down", "j"}, "↓/j", "down"),
			PageUp:   b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
			PageDown: b([]string{"pgdown", "ctrl+f", "space"}, "pgdn", "page down"),
			Top:      b([]string{"home", "g"}, "g", "top"),
			Bottom:   b([]string{"end", "G"}, "G", "bottom"),
		},
		Browser: BrowserKeys{
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
		Filter: FilterKeys{
			Apply: b([]string{"enter"}, "enter", "keep filter"),
			Clear: b([]string{"esc"}, "esc", "clear filter"),
		},
		Picker: PickerKeys{
			Next:  b([]string{"tab"}, "tab", "complete / next"),
			Prev:  b([]string{"shift+tab"}, "shift+tab", "previous field"),
			Up:    b([]string{"up"}, "↑", "prev suggestion / recent"),
			Down:  b([]string{"down"}, "↓", "next suggestion / recent"),
			Check: b([]string{"enter"}, "enter", "check"),
			Back:  b([]string{"esc"}, "esc", "back"),
		},
		Checklist: ChecklistKeys{
			Enter: b([]string{"enter"}, "enter", "evidence"),
			Copy:  b([]string{"y"}, "y", "copy fix (OSC 52)"),
			// A capital: it is charged by AWS, so no stray keystroke runs it
			// (and a confirm follows).
			Analyzer: b([]string{"A"}, "A", "ask Reachability Analyzer (charged; confirms first)"),
			History:  b([]string{"h"}, "h", "CloudTrail history of the layer's resources (live)"),
		},
		Evidence: EvidenceKeys{
			Copy:   b([]string{"y"}, "y", "copy fix (OSC 52)"),
			Filter: b([]string{"/"}, "/", "filter lines"),
		},
		Tail: TailKeys{
			Open:   b([]string{"t"}, "t", "tail flow logs"),
			Pause:  b([]string{"space"}, "space", "pause/resume"),
			Filter: b([]string{"/"}, "/", "filter: reject port:443 10.0.1.5 tcp -term"),
			Enter:  b([]string{"enter"}, "enter", "attribution"),

			Diagnosis: b([]string{"e"}, "e", "the whole diagnosis"),
		},
		Sweep: SweepKeys{
			Inbound:  b([]string{"i"}, "i", "who can reach this (sweep)"),
			Outbound: b([]string{"o"}, "o", "what this can reach (sweep)"),
			Enter:    b([]string{"enter"}, "enter", "expand a group / checklist of a path"),
			Port:     b([]string{"e"}, "e", "sweep another port"),
		},
	}
}

func (g GlobalKeys) Bindings() []key.Binding {
	return []key.Binding{g.Help, g.Command, g.Back, g.Pick, g.Checklist, g.Refresh, g.Watch, g.Report, g.Quit, g.ForceQuit}
}

func (l ListKeys) Bindings() []key.Binding {
	return []key.Binding{l.Up, l.Down, l.PageUp, l.PageDown, l.Top, l.Bottom}
}

// AsciiHelp rewrites the arrows of the help labels for --ascii.
func (k *KeyMaps) AsciiHelp() {
	k.List.Up.SetHelp("up/k", "up")
	k.List.Down.SetHelp("down/j", "down")
	k.Picker.Up.SetHelp("up", "prev suggestion / recent")
	k.Picker.Down.SetHelp("down", "next suggestion / recent")
}

// KeyBinding is a binding with the name the configuration file and
// docs/keys.md call it by ("checklist.copy").
type keyAction struct {
	Name    string
	Binding *key.Binding
}

// actions names every binding, screen by screen in help order, for key
// overrides (keyconfig.go) and the generated key map. A binding added to
// KeyMaps needs its line here; TestEveryBindingHasAnAction fails until it
// has one.
func (k *KeyMaps) actions() []keyAction {
	return []keyAction{
		{"global.help", &k.Global.Help}, {"global.command", &k.Global.Command}, {"global.back", &k.Global.Back}, {"global.pick", &k.Global.Pick},
		{"global.checklist", &k.Global.Checklist}, {"global.refresh", &k.Global.Refresh},
		{"global.watch", &k.Global.Watch}, {"global.report", &k.Global.Report}, {"global.quit", &k.Global.Quit}, {"global.force-quit", &k.Global.ForceQuit},
		{"list.up", &k.List.Up}, {"list.down", &k.List.Down}, {"list.page-up", &k.List.PageUp},
		{"list.page-down", &k.List.PageDown}, {"list.top", &k.List.Top}, {"list.bottom", &k.List.Bottom},
		{"browser.filter", &k.Browser.Filter}, {"browser.enter", &k.Browser.Enter},
		{"browser.source", &k.Browser.Source}, {"browser.dest", &k.Browser.Dest},
		{"browser.sort-name", &k.Browser.SortName}, {"browser.sort-id", &k.Browser.SortID},
		{"browser.sort-type", &k.Browser.SortType}, {"browser.sort-private-ip", &k.Browser.SortPrivate},
		{"browser.sort-subnet", &k.Browser.SortSubnet}, {"browser.sort-vpc", &k.Browser.SortVPC},
		{"filter.apply", &k.Filter.Apply}, {"filter.clear", &k.Filter.Clear},
		{"picker.next", &k.Picker.Next}, {"picker.prev", &k.Picker.Prev}, {"picker.up", &k.Picker.Up},
		{"picker.down", &k.Picker.Down}, {"picker.check", &k.Picker.Check}, {"picker.back", &k.Picker.Back},
		{"checklist.enter", &k.Checklist.Enter}, {"checklist.copy", &k.Checklist.Copy},
		{"checklist.analyzer", &k.Checklist.Analyzer}, {"checklist.history", &k.Checklist.History},
		{"evidence.copy", &k.Evidence.Copy}, {"evidence.filter", &k.Evidence.Filter},
		{"tail.open", &k.Tail.Open}, {"tail.pause", &k.Tail.Pause}, {"tail.filter", &k.Tail.Filter},
		{"tail.enter", &k.Tail.Enter}, {"tail.diagnosis", &k.Tail.Diagnosis},
		{"sweep.inbound", &k.Sweep.Inbound}, {"sweep.outbound", &k.Sweep.Outbound},
		{"sweep.enter", &k.Sweep.Enter}, {"sweep.port", &k.Sweep.Port},
	}
}
