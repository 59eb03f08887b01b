// Command reach answers "why can't A talk to B?" inside an AWS account:
// layer by layer, with the rule that decides each layer and the fix.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Stamped at release time (-ldflags "-X main.version=…").
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

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `reach answers "why can't A talk to B?" inside an AWS account.

Usage:
  reach [--demo | --snapshot DIR | --profile P --region R] [--from SRC --to DST ...] [--theme auto|dark|light] [--ascii]
        the terminal investigator: browse the interfaces, pick a path, watch its checklist
  reach check (--snapshot DIR | --demo | [--profile P] [--region R]) --from SRC --to DST [--port N]
              [--protocol tcp|udp|icmp|all|NUMBER] [--source-port N] [-o text|json|markdown] [--ascii]
  reach snapshot save DIR [--profile P] [--region R]
        save the live region as AWS CLI JSON, for --snapshot DIR
  reach version

SRC is eni-…, i-… or an IPv4 address; DST is an IPv4 address, eni-…, i-… or a
hostname, each optionally with :PORT. Exit status: 0 reachable, 1 unreachable,
3 unknown (data missing), 2 bad input.

Run "reach check --demo --from app-1 --to 10.0.32.50:5432" to try it on the
built-in demo account (see README.md for more paths).
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "-v" && args[0] != "--version" {
		return runTUI(args, stderr)
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "snapshot":
		return runSnapshot(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "reach %s (commit %s, built %s)\n", version, commit, date)
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "reach: unknown command %q: expected check or version (reach help lists them)\n", args[0])
	return exitUsage
}

// fail prints one line naming what was wrong and returns the exit code.
func fail(stderr io.Writer, code int, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintln(stderr, "reach: "+msg)
	return code
}
