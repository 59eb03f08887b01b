// Package screen is what the root model and every screen share: the
// Screen interface, the Env screens read (styles, glyphs, keys, the clock),
// the key maps, and the intents a screen returns instead of reaching into
// another screen.
package screen

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// Screen is one page of the terminal. Screens draw a string; only the root
// returns a tea.View. Keys reach the focused screen; data reaches the
// screen that owns it through the root's methods.
type Screen interface {
	Update(msg tea.Msg) (tea.Cmd, Intent)
	View() string
	SetSize(w, h int)
	Title() string
	// Capturing is true while the screen takes text (a filter, a form):
	// then only ctrl+c is global.
	Capturing() bool
	help.KeyMap
}
