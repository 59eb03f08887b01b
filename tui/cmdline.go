package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui/screen"
	"github.com/reachnet/reach/tui/screens/browser"
	"github.com/reachnet/reach/tui/screens/picker"
)

// command is one word of the command line (":" as in k9s and vi).
type command struct {
	name    string
	aliases []string
	args    string
	desc    string
	run     func(m *Model, args []string) tea.Cmd
}

// commands lists what ":" understands, in the order :help shows them.
var commands = []command{
	{name: "quit", aliases: []string{"q"}, desc: "quit (asks while a check or tail runs)", run: func(m *Model, _ []string) tea.Cmd { return m.askQuit() }},
	{name: "quit!", aliases: []string{"q!"}, desc: "quit without asking", run: func(m *Model, _ []string) tea.Cmd { return m.quit() }},
	{name: "help", aliases: []string{"h", "?"}, desc: "the keys and commands", run: func(m *Model, _ []string) tea.Cmd { m.helpOpen, m.helpCommands = true, true; return nil }},
	{name: "pick", aliases: []string{"p"}, args: "[FROM [TO]]", desc: "the path form, filled with FROM and TO", run: (*Model).cmdPick},
	{name: "check", args: "FROM TO[:PORT] [PROTOCOL]", desc: "check a path at once", run: (*Model).cmdCheck},
	{name: "enis", aliases: []string{"eni", "browser"}, desc: "the interface list", run: func(m *Model, _ []string) tea.Cmd { m.stack = m.stack[:1]; return nil }},
	{name: "checklist", aliases: []string{"c"}, desc: "the checklist of the path", run: func(m *Model, _ []string) tea.Cmd { return m.showChecklist() }},
	{name: "tail", aliases: []string{"t"}, desc: "tail the path's flow logs (or the selected interface's)", run: (*Model).cmdTail},
	{name: "sort", args: "COLUMN", desc: "sort the interfaces: name, id, type, private, public, subnet, vpc, status", run: (*Model).cmdSort},
	{name: "filter", aliases: []string{"f"}, args: "TEXT", desc: "filter the interfaces", run: (*Model).cmdFilter},
	{name: "watch", aliases: []string{"w"}, desc: "re-poll and mark the layers that change", run: func(m *Model, _ []string) tea.Cmd { return m.toggleWatch() }},
	{name: "reload", aliases: []string{"r", "refresh"}, desc: "reload and re-check", run: func(m *Model, _ []string) tea.Cmd { return m.reload() }},
}

// CommandHelp describes one command of the ":" line for the documentation.
type CommandHelp struct {
	Name    string
	Aliases []string
	Args    string
	Desc    string
}

// Commands lists what the ":" line understands, in the help's order.
func Commands() []CommandHelp {
	out := make([]CommandHelp, 0, len(commands))
	for _, c := range commands {
		out = append(out, CommandHelp{Name: c.name, Aliases: c.aliases, Args: c.args, Desc: c.desc})
	}
	return out
}

func findCommand(word string) (command, bool) {
	for _, c := range commands {
		if c.name == word {
			return c, true
		}
		for _, a := range c.aliases {
			if a == word {
				return c, true
			}
		}
	}
	return command{}, false
}

// cmdline is the ":" prompt in the status line.
type cmdline struct {
	input  textinput.Model
	active bool
}

func newCmdline(e *screen.Env) cmdline {
	in := textinput.New()
	in.Prompt = ":"
	in.CharLimit = 512
	c := cmdline{input: in}
	c.restyle(e)
	return c
}

func (c *cmdline) restyle(e *screen.Env) {
	s := textinput.DefaultStyles(e.Styles.Palette.Dark)
	s.Focused.Prompt = e.Styles.Accent
	s.Focused.Suggestion = e.Styles.Subtle
	s.Cursor.Blink = false
	c.input.SetStyles(s)
	var names []string
	for _, cmd := range commands {
		names = append(names, cmd.name)
	}
	c.input.ShowSuggestions = true
	c.input.SetSuggestions(names)
}

// onCmdline handles a key while the prompt is open: enter runs the line,
// esc closes it, tab takes the suggested command name.
func (m *Model) onCmdline(km tea.KeyPressMsg) tea.Cmd {
	switch km.String() {
	case "esc":
		m.cmd.active = false
		m.cmd.input.Blur()
		return nil
	case "enter":
		line := strings.TrimSpace(m.cmd.input.Value())
		m.cmd.active = false
		m.cmd.input.Blur()
		return m.runCommand(line)
	}
	var cmd tea.Cmd
	m.cmd.input, cmd = m.cmd.input.Update(km)
	return cmd
}

func (m *Model) openCmdline() tea.Cmd {
	m.cmd.active = true
	m.cmd.input.SetValue("")
	m.cmd.input.SetWidth(max(m.w-2, 10))
	return m.cmd.input.Focus()
}

// runCommand runs one command line; an unknown word says how to find the
// known ones.
func (m *Model) runCommand(line string) tea.Cmd {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil
	}
	c, ok := findCommand(strings.ToLower(fields[0]))
	if !ok {
		m.setStatus(fmt.Sprintf("unknown command :%s; :help lists the commands", fields[0]), true)
		return nil
	}
	return c.run(m, fields[1:])
}

func (m *Model) cmdPick(args []string) tea.Cmd {
	if len(args) > 0 {
		m.draft.From = args[0]
	}
	if len(args) > 1 {
		m.draft.To = args[1]
	}
	focus := picker.FieldFrom
	switch {
	case len(args) > 1:
		focus = picker.FieldPort
	case len(args) == 1:
		focus = picker.FieldTo
	}
	return m.openPicker(focus)
}

func (m *Model) cmdCheck(args []string) tea.Cmd {
	if len(args) < 2 || len(args) > 3 {
		m.setStatus("usage: :check FROM TO[:PORT] [PROTOCOL]", true)
		return nil
	}
	p := screen.PathSpec{From: args[0], To: args[1]}
	if len(args) == 3 {
		p.Protocol = strings.ToLower(args[2])
	}
	return m.checkPath(p)
}

func (m *Model) cmdTail(_ []string) tea.Cmd {
	if m.top() == m.browser && m.browser.SelectedID() != "" {
		return m.openTail(screen.OpenTail{ENI: m.browser.SelectedID()})
	}
	if m.top() == m.detail && m.detail.ID != "" {
		return m.openTail(screen.OpenTail{ENI: m.detail.ID})
	}
	return m.openTail(screen.OpenTail{})
}

func (m *Model) cmdSort(args []string) tea.Cmd {
	if len(args) != 1 {
		m.setStatus("usage: :sort COLUMN (name, id, type, private, public, subnet, vpc, status)", true)
		return nil
	}
	col, ok := browser.SortColumn(args[0])
	if !ok {
		m.setStatus(fmt.Sprintf("sort %q: expected a column: name, id, type, private, public, subnet, vpc, status", args[0]), true)
		return nil
	}
	m.stack = m.stack[:1]
	m.browser.SortBy(col)
	return nil
}

func (m *Model) cmdFilter(args []string) tea.Cmd {
	m.stack = m.stack[:1]
	return m.browser.SetFilter(strings.Join(args, " "))
}

// askQuit quits at once when nothing runs; while a check or a tail does,
// it asks first, so a stray q does not end an investigation.
func (m *Model) askQuit() tea.Cmd {
	if !m.busy() && !m.tail.Running() {
		return m.quit()
	}
	m.confirmQuit = true
	what := "a check is running"
	if m.tail.Running() {
		what = "the flow tail is running"
	}
	m.setStatus(what+": quit? y to quit, any other key to stay", true)
	return nil
}
