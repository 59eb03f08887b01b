package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Help is written from the command tree in reach's own layout: cobra's
// template would print flags without their placeholders (SRC, DIR).

// runHelp prints the overview, or one command's help.
func runHelp(p *parsed, stdout, stderr io.Writer) int {
	root := p.cmd.Root()
	if len(p.args) == 0 {
		writeCommandHelp(stdout, root)
		return 0
	}
	c, rest, err := root.Find(p.args)
	if err != nil || c == root || len(rest) > 0 {
		return fail(stderr, exitUsage, "help: no command %q: expected %s", strings.Join(p.args, " "), orList(subNames(root)))
	}
	writeCommandHelp(stdout, c)
	return 0
}

// leaves lists the commands that run, in tree order: the root, then each
// command, or each command of a group.
func leaves(root *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		if !shown(c) {
			continue
		}
		if c.HasAvailableSubCommands() {
			for _, s := range c.Commands() {
				if shown(s) {
					out = append(out, s)
				}
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// name is a command's path without "reach": "check", "snapshot save", ""
// for the root.
func name(c *cobra.Command) string {
	if !c.HasParent() {
		return ""
	}
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

// argsOf is the positional part of a command's synopsis ("DIR").
func argsOf(c *cobra.Command) string {
	_, a, _ := strings.Cut(c.Use, " ")
	return a
}

// shownFlags are a command's flags as help lists them: help and version
// have their own lines.
func shownFlags(c *cobra.Command) []*pflag.Flag {
	var out []*pflag.Flag
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && f.Name != "version" && !f.Hidden {
			out = append(out, f)
		}
	})
	return out
}

// writeHelp is `reach help`: one line per command.
func writeHelp(w io.Writer, root *cobra.Command) {
	fmt.Fprintln(w, `reach answers "why can't A talk to B?" inside an AWS account.`)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	for _, c := range leaves(root) {
		head := strings.TrimSpace("reach " + name(c) + " " + argsOf(c))
		if len(shownFlags(c)) > 0 {
			head += " [flags]"
		}
		if len(head) > 31 {
			fmt.Fprintf(w, "  %s\n", head)
			head = ""
		}
		for i, line := range wrap(c.Short, 45, "") {
			if i > 0 {
				head = ""
			}
			fmt.Fprintf(w, "  %-31s  %s\n", head, line)
		}
	}
	fmt.Fprint(w, `
SRC is eni-…, i-…, an IPv4 address or a Name tag; DST is an IPv4 address,
eni-…, i-…, a Name tag or a hostname, each optionally with :PORT. Exit status
of check: 0 reachable, 1 unreachable, 3 unknown (data missing), 2 bad input.

Defaults for the flags can live in a configuration file (reach config path,
reach config example). "reach help COMMAND" lists a command's flags;
"reach --version" prints the version.

Try it on the built-in demo account (see README.md for more paths):
  reach check --demo --from batch-1 --to 10.0.33.12:5432
  reach --demo

Flags of the terminal (reach [flags]):
`)
	writeFlags(w, shownFlags(root))
}

// writeCommandHelp is `reach help CMD` and `reach CMD --help`.
func writeCommandHelp(w io.Writer, c *cobra.Command) {
	if !c.HasParent() {
		writeHelp(w, c)
		return
	}
	fmt.Fprintf(w, "reach %s: %s\n\nUsage:\n", name(c), c.Short)
	if c.HasAvailableSubCommands() {
		for _, s := range c.Commands() {
			if shown(s) {
				fmt.Fprintf(w, "  %-28s %s\n", "reach "+name(s), s.Short)
			}
		}
		return
	}
	for _, line := range wrap(synopsis(c), 78, "        ") {
		fmt.Fprintln(w, "  "+line)
	}
	if c.Long != "" {
		fmt.Fprintln(w)
		for i, para := range strings.Split(c.Long, "\n\n") {
			if i > 0 {
				fmt.Fprintln(w)
			}
			for _, line := range wrap(para, 78, "") {
				fmt.Fprintln(w, line)
			}
		}
	}
	if fs := shownFlags(c); len(fs) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		writeFlags(w, fs)
	}
}

// writeFlags lists flags in two columns, the descriptions wrapped.
func writeFlags(w io.Writer, flags []*pflag.Flag) {
	width := 0
	for _, f := range flags {
		width = max(width, len(usageName(f)))
	}
	for _, f := range flags {
		lines := wrap(fullUsage(f), 76-width, "")
		fmt.Fprintf(w, "  %-*s  %s\n", width, usageName(f), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %-*s  %s\n", width, "", l)
		}
	}
}

// synopsis is the command's usage line.
func synopsis(c *cobra.Command) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace("reach " + name(c) + " " + argsOf(c)))
	for _, f := range shownFlags(c) {
		b.WriteString(" [" + flagWord(f) + placeholder(f) + "]")
	}
	return b.String()
}

// flagWord is "--from", or "-o" for a flag with a one-letter form, as
// synopses show it.
func flagWord(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand
	}
	return "--" + f.Name
}

// placeholder is " SRC" for a flag that takes a value, "" for a switch.
func placeholder(f *pflag.Flag) string {
	if a := f.Annotations[argAnnotation]; len(a) > 0 {
		if strings.HasPrefix(a[0], "[") {
			// An optional value is glued on: --history[=D].
			return a[0]
		}
		return " " + a[0]
	}
	return ""
}

// usageName is "--from SRC", "--demo" or "-o, --output FORMAT".
func usageName(f *pflag.Flag) string {
	s := "--" + f.Name + placeholder(f)
	if f.Shorthand != "" {
		s = "-" + f.Shorthand + ", " + s
	}
	return s
}

// fullUsage is the flag's description with its default.
func fullUsage(f *pflag.Flag) string {
	switch f.DefValue {
	case "", "0", "0s", "false":
		return f.Usage
	}
	if strings.Contains(f.Usage, "(default") {
		return f.Usage
	}
	return f.Usage + " (default " + f.DefValue + ")"
}

// wrap breaks s into lines of at most width runes at spaces; lines after
// the first start with indent.
func wrap(s string, width int, indent string) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) > width:
			lines = append(lines, line)
			line = indent + word
		default:
			line += " " + word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
