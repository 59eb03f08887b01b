// Package xdg names reach's directories under the XDG base directories:
// $XDG_CONFIG_HOME/reach, $XDG_STATE_HOME/reach and $XDG_CACHE_HOME/reach,
// or ~/.config/reach, ~/.local/state/reach and ~/.cache/reach when the
// variable is unset or not absolute, as the XDG Base Directory
// specification says. The same on every system: people who live on
// bastions over SSH expect the same paths on their Mac.
package xdg

import (
	"fmt"
	"os"
	"path/filepath"
)

// Kind is one of the base directories.
type Kind struct {
	// Env is the variable that names it; fallback is its path under the
	// home directory.
	Env      string
	fallback string
}

var (
	// Config holds the configuration file.
	Config = Kind{Env: "XDG_CONFIG_HOME", fallback: ".config"}
	// State holds what reach remembers between runs: recent paths, the log.
	State = Kind{Env: "XDG_STATE_HOME", fallback: ".local/state"}
	// Cache holds what can be rebuilt: the inventory for completion.
	Cache = Kind{Env: "XDG_CACHE_HOME", fallback: ".cache"}
)

// Dir returns reach's directory of the kind. It does not create it.
func Dir(k Kind) (string, error) {
	if d := os.Getenv(k.Env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "reach"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory (set %s): %w", k.Env, err)
	}
	return filepath.Join(home, filepath.FromSlash(k.fallback), "reach"), nil
}
