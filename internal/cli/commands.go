package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The command table: every subcommand and flag is defined once here, and
// the flag parsing, `reach help`, the shell completions and the man page
// are all generated from it, so none of them can drift from what the
// binary accepts.

// flagKind is the type of a flag's value.
type flagKind int

const (
	kindString flagKind = iota
	kindInt
	kindBool
	kindDuration
)

// flagSpec is one flag.
type flagSpec struct {
	name string
	kind flagKind
	// arg is the value's placeholder in usage lines ("SRC", "N"); empty
	// for a boolean.
	arg string
	// def is the default as it would be typed ("tcp", "5s"); empty for
	// none.
	def   string
	usage string
	// values are the only values the flag takes, for completion.
	values []string
	// complete names a dynamic completion: "ends" (IDs, addresses and
	// names from the inventory), "dir", "profile".
	complete string
}

// command is one subcommand. name is "" for the terminal (reach with no
// subcommand) and has two words for grouped commands ("snapshot save").
type command struct {
	name string
	// args is the positional part of the synopsis ("DIR").
	args string
	// minArgs and maxArgs bound the positional arguments.
	minArgs, maxArgs int
	// choices are the values the first positional argument takes, for
	// completion and the error message.
	choices []string
	summary string
	// about is the longer description for `reach help CMD` and the man
	// page; paragraphs are separated by blank lines.
	about  string
	flags  []flagSpec
	hidden bool
	run    func(p *parsed, stdout, stderr io.Writer) int
	// raw, instead of run, takes the arguments unparsed, for a command
	// that parses its own flags; its flags here then serve help,
	// completion and the man page only, and TestRawCommandsAcceptTheirFlags
	// holds the two together.
	raw func(args []string, stdout, stderr io.Writer) int
}

var sourceFlagSpecs = []flagSpec{
	{name: "demo", kind: kindBool, usage: "use the built-in demo account"},
	{name: "snapshot", arg: "DIR", usage: "read the network from a snapshot directory of AWS CLI JSON", complete: "dir"},
	{name: "profile", arg: "P", usage: "AWS shared config profile (default: AWS_PROFILE, then the config file's profile)", complete: "profile"},
	{name: "region", arg: "R", usage: "AWS Region (default: AWS_REGION, the profile's region, then the config file's region)"},
}

var pathFlagSpecs = []flagSpec{
	{name: "from", arg: "SRC", usage: "source: eni-…, i-…, an IPv4 address or a Name tag", complete: "ends"},
	{name: "to", arg: "DST", usage: "destination: an IPv4 address, eni-…, i-…, a Name tag or a hostname, optionally :PORT", complete: "ends"},
	{name: "port", kind: kindInt, arg: "N", usage: "destination port"},
	{name: "protocol", arg: "PROTO", usage: "tcp, udp, icmp, all or a protocol number (default tcp)", values: []string{"tcp", "udp", "icmp", "all"}},
	{name: "source-port", kind: kindInt, arg: "N", usage: "the client's source port (default: its whole ephemeral range)"},
}

var asciiFlag = flagSpec{name: "ascii", kind: kindBool, usage: "no glyphs beyond ASCII"}

// commands is the table. Order is the order of help and the man page.
var commands []*command

func init() {
	// Assigned in init because the help and completion commands read the
	// table they are part of.
	commands = []*command{
		{
			name:    "",
			summary: "the terminal investigator: browse the interfaces, pick a path, watch its checklist",
			about: "Without a subcommand reach opens the terminal investigator on the live account (read-only), a snapshot " +
				"directory or the demo. The first screen lists every network interface; s and d pick a path's ends, and the " +
				"checklist turns each layer green or red as its data arrives. With --from and --to it opens straight on that " +
				"path's checklist. ? lists every key; docs/keys.md is the key map.",
			flags: concat(sourceFlagSpecs, pathFlagSpecs, []flagSpec{
				{name: "theme", arg: "THEME", def: "auto", usage: "auto, dark or light", values: []string{"auto", "dark", "light"}},
				asciiFlag,
				{name: "mouse", kind: kindBool, usage: "scroll with the mouse wheel"},
				{name: "watch-interval", kind: kindDuration, arg: "D", usage: "re-check period of watch mode (w) (default 5s)"},
			}),
			run: runTUI,
		},
		{
			name:    "check",
			summary: "check one path headless and print its verdict, layer by layer",
			about: "check evaluates one path (source, destination, port, protocol) and prints a verdict with every layer: " +
				"route, nacl, security-group, source-dest-check, dns, service. Reachable means the request arrives and its " +
				"reply gets back. -o json is the contract scripts rely on (docs/check.md).\n\n" +
				"Exit status: 0 reachable, 1 unreachable, 3 unknown (data missing), 2 bad input or usage.",
			flags: concat(sourceFlagSpecs, pathFlagSpecs, []flagSpec{
				{name: "o", arg: "FORMAT", def: "text", usage: "output: text, json or markdown", values: []string{"text", "json", "markdown"}},
				asciiFlag,
			}),
			run: runCheck,
		},
		{
			name: "snapshot save", args: "DIR", minArgs: 1, maxArgs: 1,
			summary: "save the live region as AWS CLI JSON, for --snapshot DIR",
			about: "snapshot save reads the whole region with read-only calls and writes one file of AWS CLI JSON per " +
				"command to DIR, so an investigation can be shared and replayed with --snapshot DIR (docs/snapshot.md).",
			flags: []flagSpec{sourceFlagSpecs[2], sourceFlagSpecs[3]},
			run:   runSnapshot,
		},
		// reach flows parses its own flags (flows_cmd.go), from
		// flowsFlagSpecs, the same list this entry documents.
		{name: "flows", summary: flowsSummary, about: flowsAbout, flags: flowsFlagSpecs, raw: runFlows},
		{
			name: "config path", maxArgs: 0,
			summary: "print the configuration file reach reads",
			about:   "config path prints $REACH_CONFIG when set, else $XDG_CONFIG_HOME/reach/config.toml (~/.config/reach/config.toml), and says whether it exists.",
			run:     runConfigPath,
		},
		{
			name:    "config example",
			summary: "print a commented example configuration",
			about:   "config example prints every setting with what it does; redirect it to the path config path prints and edit it.",
			run:     runConfigExample,
		},
		{
			name:    "config check",
			summary: "read the configuration file and report the first problem, with its line",
			about:   "config check parses the file and checks every value (themes, key overrides, port ranges); exit status 2 when something is wrong.",
			run:     runConfigCheck,
		},
		{
			name: "completion", args: "SHELL", minArgs: 1, maxArgs: 1, choices: []string{"bash", "zsh", "fish"},
			summary: "print the shell completion script for bash, zsh or fish",
			about: "completion prints a script that completes subcommands, flags and their values, and the ends of a path " +
				"(ENI and instance IDs, addresses, Name tags, DNS names) from the inventory reach last loaded " +
				"($XDG_CACHE_HOME/reach/inventory.txt) or from the demo or snapshot named on the line.\n\n" +
				"bash: source <(reach completion bash)   zsh: reach completion zsh > \"${fpath[1]}/_reach\"   " +
				"fish: reach completion fish > ~/.config/fish/completions/reach.fish",
			run: runCompletion,
		},
		{
			name:    "man",
			summary: "print the man page (roff)",
			about:   "man prints this manual as roff: reach man | man -l -",
			run:     runMan,
		},
		{
			name:    "version",
			summary: "print the version, commit and build date",
			run: func(p *parsed, stdout, stderr io.Writer) int {
				fmt.Fprintf(stdout, "reach %s (commit %s, built %s)\n", version, commit, date)
				return 0
			},
		},
		{
			name: "help", args: "[COMMAND]", maxArgs: 2,
			summary: "show the commands, or one command's flags",
			run:     runHelp,
		},
		{
			name: "__complete-ends", args: "[PREFIX]", maxArgs: 1, hidden: true,
			summary: "list path ends for shell completion",
			flags:   []flagSpec{sourceFlagSpecs[0], sourceFlagSpecs[1]},
			run:     runCompleteEnds,
		},
		{
			name: "__complete-profiles", args: "[PREFIX]", maxArgs: 1, hidden: true,
			summary: "list AWS profiles for shell completion",
			run:     runCompleteProfiles,
		},
	}
}

func concat(groups ...[]flagSpec) []flagSpec {
	var out []flagSpec
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// group returns the first word of grouped commands ("snapshot"), or "".
func (c *command) group() string {
	g, _, ok := strings.Cut(c.name, " ")
	if !ok {
		return ""
	}
	return g
}

// findCommand picks the command args name and returns the arguments after
// its name. ok is false with an error message when the name is unknown.
func findCommand(args []string) (*command, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !slices.Contains([]string{"-h", "--help", "-help", "-v", "--version"}, args[0]) {
		return lookup(""), args, nil
	}
	switch args[0] {
	case "-h", "--help", "-help":
		return lookup("help"), args[1:], nil
	case "-v", "--version":
		return lookup("version"), args[1:], nil
	}
	if len(args) > 1 {
		if c := lookup(args[0] + " " + args[1]); c != nil {
			return c, args[2:], nil
		}
	}
	if c := lookup(args[0]); c != nil && c.name != "" {
		return c, args[1:], nil
	}
	if subs := subcommands(args[0]); len(subs) > 0 {
		got := "nothing"
		if len(args) > 1 {
			got = strconv.Quote(args[1])
		}
		return nil, nil, fmt.Errorf("%s: expected %s after it, got %s (reach help %s)", args[0], orList(subs), got, args[0])
	}
	return nil, nil, fmt.Errorf("unknown command %q: expected %s (reach help lists them)", args[0], orList(topNames()))
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// subcommands lists the second words of a group ("save" for "snapshot").
func subcommands(group string) []string {
	var out []string
	for _, c := range commands {
		if c.group() == group && !c.hidden {
			_, sub, _ := strings.Cut(c.name, " ")
			out = append(out, sub)
		}
	}
	return out
}

// topNames lists the first words of the visible commands, once each.
func topNames() []string {
	var out []string
	for _, c := range commands {
		w, _, _ := strings.Cut(c.name, " ")
		if w != "" && !c.hidden && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

func orList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// errHelp is returned by parse for -h and --help.
var errHelp = errors.New("help requested")

// parsed holds one command's parsed flags and arguments.
type parsed struct {
	cmd  *command
	vals map[string]any
	set  map[string]bool
	args []string
	// fallbackRegion is the configuration file's region, used only when
	// the AWS SDK finds none (see loadAWSConfig).
	fallbackRegion string
}

// parse parses args against the command's flags. Flags and positional
// arguments may come in any order ("snapshot save DIR --region R" and
// "snapshot save --region R DIR"); "--" ends the flags.
func (c *command) parse(args []string) (*parsed, error) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	p := &parsed{cmd: c, vals: map[string]any{}, set: map[string]bool{}}
	for _, f := range c.flags {
		switch f.kind {
		case kindBool:
			p.vals[f.name] = fs.Bool(f.name, f.def == "true", f.usage)
		case kindInt:
			n, _ := strconv.Atoi(f.def)
			p.vals[f.name] = fs.Int(f.name, n, f.usage)
		case kindDuration:
			d, _ := time.ParseDuration(f.def)
			p.vals[f.name] = fs.Duration(f.name, d, f.usage)
		default:
			p.vals[f.name] = fs.String(f.name, f.def, f.usage)
		}
	}
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, err
		}
		left := fs.Args()
		consumed := len(rest) - len(left)
		if consumed > 0 && rest[consumed-1] == "--" {
			p.args = append(p.args, left...)
			break
		}
		if len(left) == 0 {
			break
		}
		p.args = append(p.args, left[0])
		rest = left[1:]
	}
	fs.Visit(func(f *flag.Flag) { p.set[f.Name] = true })
	if len(p.args) > c.maxArgs {
		if c.name == "" {
			return nil, fmt.Errorf("unknown command %q: expected %s", p.args[0], orList(topNames()))
		}
		if c.maxArgs == 0 {
			return nil, fmt.Errorf("unexpected argument %q (flags only; see reach help %s)", p.args[0], c.name)
		}
		return nil, fmt.Errorf("unexpected argument %q (usage: %s)", p.args[c.maxArgs], c.synopsis())
	}
	if len(p.args) < c.minArgs {
		return nil, fmt.Errorf("missing %s (usage: %s)", c.args, c.synopsis())
	}
	if len(c.choices) > 0 && !slices.Contains(c.choices, p.args[0]) {
		return nil, fmt.Errorf("%q: expected %s", p.args[0], orList(c.choices))
	}
	return p, nil
}

func (p *parsed) str(name string) string {
	if v, ok := p.vals[name].(*string); ok {
		return *v
	}
	return ""
}

func (p *parsed) num(name string) int {
	if v, ok := p.vals[name].(*int); ok {
		return *v
	}
	return 0
}

func (p *parsed) flag(name string) bool {
	if v, ok := p.vals[name].(*bool); ok {
		return *v
	}
	return false
}

func (p *parsed) dur(name string) time.Duration {
	if v, ok := p.vals[name].(*time.Duration); ok {
		return *v
	}
	return 0
}

// setDefault gives a flag the user did not set a value from elsewhere (the
// configuration file).
func (p *parsed) setDefault(name string, v any) {
	if p.set[name] {
		return
	}
	switch ptr := p.vals[name].(type) {
	case *string:
		*ptr = v.(string)
	case *bool:
		*ptr = v.(bool)
	case *time.Duration:
		*ptr = v.(time.Duration)
	case *int:
		*ptr = v.(int)
	}
}

// source returns the flags that say where the network comes from.
func (p *parsed) source() sourceFlags {
	return sourceFlags{snapshot: p.str("snapshot"), demo: p.flag("demo"), profile: p.str("profile"), region: p.str("region"), fallbackRegion: p.fallbackRegion}
}

// synopsis is the command's usage line.
func (c *command) synopsis() string {
	var b strings.Builder
	b.WriteString("reach")
	if c.name != "" {
		b.WriteString(" " + c.name)
	}
	if c.args != "" {
		b.WriteString(" " + c.args)
	}
	for _, f := range c.flags {
		b.WriteString(" [" + f.usageName() + "]")
	}
	return b.String()
}

// usageName is "--from SRC" or "--demo" ("-o FORMAT" for one letter).
func (f flagSpec) usageName() string {
	s := "--" + f.name
	if len(f.name) == 1 {
		s = "-" + f.name
	}
	if f.kind != kindBool {
		s += " " + f.arg
	}
	return s
}

// fullUsage is the flag's description with its default.
func (f flagSpec) fullUsage() string {
	if f.def != "" && f.kind != kindBool && !strings.Contains(f.usage, "(default") {
		return f.usage + " (default " + f.def + ")"
	}
	return f.usage
}
