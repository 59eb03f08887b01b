package config

import (
	"strings"
)

// Example returns a commented configuration file that parses: every
// setting with what it does, the ones with a default set to that default
// (so the file changes nothing until edited), the others commented out.
func Example() string {
	var b strings.Builder
	b.WriteString(`# reach configuration (TOML).
#
# reach reads $REACH_CONFIG, else $XDG_CONFIG_HOME/reach/config.toml, else
# ~/.config/reach/config.toml; "reach config path" prints which. Every
# setting is optional, and a flag on the command line always wins over the
# file. "reach config check" reads the file and names the line of anything
# wrong.

`)
	section := ""
	for _, k := range Keys {
		name := k.Name
		if sec, rest, ok := strings.Cut(name, "."); ok {
			if sec != section {
				section = sec
				b.WriteString("[" + sec + "]\n")
				if sec == "keys" {
					b.WriteString("# Rebind a terminal action; docs/keys.md lists the actions and their keys.\n")
					b.WriteString("# A key is a character (\"y\", \"G\", \"/\") or a name with optional\n")
					b.WriteString("# modifiers (\"enter\", \"esc\", \"tab\", \"space\", \"ctrl+y\", \"alt+left\", \"f5\").\n")
					b.WriteString("# One key or a list: the action answers to each.\n")
					b.WriteString("# checklist.copy = [\"y\", \"ctrl+y\"]\n")
					b.WriteString("# global.quit = \"Q\"\n\n")
					continue
				}
			}
			name = rest
		}
		for _, line := range strings.Split(k.Doc, "\n") {
			b.WriteString("# " + line + "\n")
		}
		switch k.Name {
		case "profile", "region":
			// No default: set, they would point reach at an account.
			b.WriteString("# " + name + " = " + k.Example + "\n\n")
		default:
			b.WriteString(name + " = " + k.Example + "\n\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
