package tui

import "github.com/reachnet/reach/tui/screen"

// The key configuration is the screens' (package screen); internal/cli
// reads and checks it through these names.
type (
	// KeyOverride rebinds one action (see screen.KeyOverride).
	KeyOverride = screen.KeyOverride
	// KeyError names the action an override could not apply to.
	KeyError = screen.KeyError
	// KeyAction is one action that can be rebound, for docs and help.
	KeyAction = screen.KeyAction
)

// KeyActions lists every action that can be rebound, in help order.
func KeyActions() []KeyAction { return screen.KeyActions() }

// CheckKeys reports the first override that cannot apply.
func CheckKeys(overrides []KeyOverride) error { return screen.CheckKeys(overrides) }
