// Package cli is the reach command line: a cobra command tree whose
// commands wire flags to the packages that do the work. Help, the shell
// completions and the man page are generated from the same tree.
package cli

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reachnet/reach/render"
)

// Stamped at release time (-ldflags "-X github.com/reachnet/reach/internal/cli.version=…";
// .goreleaser.yaml). A plain go build leaves them and versionLine reads
// the module version and the commit from the build information instead.
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
	// exitInterrupted is the shell's status for a command ended by
	// SIGINT (128+2), so scripts tell Ctrl-C from bad input.
	exitInterrupted = 130
)

// Main runs reach with the arguments after the program name and returns
// the exit status. Bad input is one line on stderr and exit status 2,
// never a usage dump.
func Main(args []string, stdout, stderr io.Writer) int {
	defer pendingCacheWrites.Wait()
	a := &app{stdout: stdout, stderr: stderr}
	root := a.newRoot()
	root.SetArgs(args)
	c, err := root.ExecuteC()
	if err != nil {
		return fail(stderr, exitUsage, "%s", usageError(c, err))
	}
	return a.code
}

// run is Main under the name the tests use.
func run(args []string, stdout, stderr io.Writer) int { return Main(args, stdout, stderr) }

// app is one invocation: where the commands write, and the exit status
// the command that ran chose.
type app struct {
	stdout, stderr io.Writer
	code           int
}

// runFunc is a command's body: it returns the exit status and writes one
// line to stderr for any bad input.
type runFunc func(p *parsed, stdout, stderr io.Writer) int

// do adapts a body to cobra.
func (a *app) do(run runFunc) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.code = run(&parsed{cmd: cmd, args: args}, a.stdout, a.stderr)
		return nil
	}
}

// usageError names the command an error of the command line belongs to.
func usageError(c *cobra.Command, err error) string {
	msg := err.Error()
	if c == nil || !c.HasParent() {
		if strings.Contains(msg, "flag") {
			msg += " (reach help lists the flags)"
		}
		return msg
	}
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ") + ": " + msg
}

// fail prints one line naming what was wrong and returns the exit code.
func fail(stderr io.Writer, code int, format string, a ...any) int {
	// Errors quote files, tags and API messages: the one sanitizer makes
	// them inert, on one line.
	fmt.Fprintln(stderr, "reach: "+render.Inert(fmt.Sprintf(format, a...)))
	return code
}

// versionLine is the version, commit and build date: the stamped ones of
// a release, else the module version and VCS revision go build records.
func versionLine() string {
	v, c, d := version, commit, date
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if c == "none" {
					c = s.Value[:min(12, len(s.Value))]
				}
			case "vcs.time":
				if d == "unknown" {
					d = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && commit == "none" && c != "none" {
			c += "-dirty"
		}
	}
	return fmt.Sprintf("%s (commit %s, built %s)", v, c, d)
}
