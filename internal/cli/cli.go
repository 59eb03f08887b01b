// Package cli is the reach command line: the subcommands, their flags,
// and the wiring of each to the packages that do the work.
//
// The subcommands and their flags are defined once, in the table in
// commands.go; parsing, help, shell completions and the man page are
// generated from it.
package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Stamped at release time (-ldflags "-X github.com/reachnet/reach/internal/cli.version=…"; .goreleaser.yaml).
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Exit codes of the check contract.
const (
	exitReachable   = 0
	exitUnreachable = 1
	exitUsage       = 2
	exitUnknown     = 3
)

// Main runs reach with the arguments after the program name and returns
// the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	return run(args, stdout, stderr)
}

// run is the whole program short of the process: it returns the exit
// status, and writes one line to stderr for any bad input.
func run(args []string, stdout, stderr io.Writer) int {
	c, rest, err := findCommand(args)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	if c.raw != nil {
		return c.raw(rest, stdout, stderr)
	}
	p, err := c.parse(rest)
	if errors.Is(err, errHelp) {
		writeCommandHelp(stdout, c)
		return 0
	}
	if err != nil {
		if c.name == "" {
			return fail(stderr, exitUsage, "%v (reach help lists the flags)", err)
		}
		return fail(stderr, exitUsage, "%s: %v", c.name, err)
	}
	return c.run(p, stdout, stderr)
}

// fail prints one line naming what was wrong and returns the exit code.
func fail(stderr io.Writer, code int, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintln(stderr, "reach: "+msg)
	return code
}

// runHelp prints the overview, or one command's help.
func runHelp(p *parsed, stdout, stderr io.Writer) int {
	if len(p.args) == 0 {
		writeHelp(stdout)
		return 0
	}
	name := strings.Join(p.args, " ")
	c := lookup(name)
	if c == nil || c.name == "" {
		if subs := subcommands(name); len(subs) > 0 {
			for _, s := range subs {
				writeCommandHelp(stdout, lookup(name+" "+s))
				fmt.Fprintln(stdout)
			}
			return 0
		}
		return fail(stderr, exitUsage, "help: no command %q: expected %s", name, orList(topNames()))
	}
	writeCommandHelp(stdout, c)
	return 0
}

// writeHelp is `reach help`: one line per command.
func writeHelp(w io.Writer) {
	fmt.Fprintln(w, `reach answers "why can't A talk to B?" inside an AWS account.`)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	for _, c := range commands {
		if c.hidden {
			continue
		}
		head := "reach"
		if c.name != "" {
			head += " " + c.name
		}
		if c.args != "" {
			head += " " + c.args
		}
		if len(c.flags) > 0 {
			head += " [flags]"
		}
		if len(head) > 31 {
			fmt.Fprintf(w, "  %s\n", head)
			head = ""
		}
		for i, line := range wrap(c.summary, 45, "") {
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
reach config example). "reach help COMMAND" lists a command's flags.

Try it on the built-in demo account (see README.md for more paths):
  reach check --demo --from batch-1 --to 10.0.33.12:5432
  reach --demo

Flags of the terminal (reach [flags]):
`)
	writeFlags(w, lookup("").flags)
}

// writeCommandHelp is `reach help CMD` and `reach CMD --help`.
func writeCommandHelp(w io.Writer, c *command) {
	if c.name == "" {
		writeHelp(w)
		return
	}
	title := "reach"
	if c.name != "" {
		title += " " + c.name
	}
	fmt.Fprintf(w, "%s: %s\n\nUsage:\n", title, c.summary)
	for _, line := range wrap(c.synopsis(), 78, "        ") {
		fmt.Fprintln(w, "  "+line)
	}
	if c.about != "" {
		fmt.Fprintln(w)
		for i, para := range strings.Split(c.about, "\n\n") {
			if i > 0 {
				fmt.Fprintln(w)
			}
			for _, line := range wrap(para, 78, "") {
				fmt.Fprintln(w, line)
			}
		}
	}
	if len(c.flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		writeFlags(w, c.flags)
	}
}

// writeFlags lists flags in two columns, the descriptions wrapped.
func writeFlags(w io.Writer, flags []flagSpec) {
	width := 0
	for _, f := range flags {
		width = max(width, len(f.usageName()))
	}
	for _, f := range flags {
		lines := wrap(f.fullUsage(), 76-width, "")
		fmt.Fprintf(w, "  %-*s  %s\n", width, f.usageName(), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %-*s  %s\n", width, "", l)
		}
	}
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
