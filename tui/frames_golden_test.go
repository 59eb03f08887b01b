package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui/internal/tuitest"
)

// TestGoldenIncidentFrames pins whole frames of the screens people use in
// an incident at 80x24 and 120x40: the browser sorted by address with the
// command line open, the picker offering the exact name first, the
// picker asking which of two instances a name means, the checklist with
// its evidence filtered, and the commands' help.
func TestGoldenIncidentFrames(t *testing.T) {
	steps := []struct {
		name string
		do   func(t *testing.T, m *Model)
	}{
		{"sorted-cmdline", func(t *testing.T, m *Model) {
			press(t, m, "P", ":")
			typeText(t, m, "so")
		}},
		{"picker-exact", func(t *testing.T, m *Model) {
			press(t, m, "p")
			typeText(t, m, "app-1")
		}},
		{"picker-ambiguous", func(t *testing.T, m *Model) {
			press(t, m, "p")
			typeText(t, m, "worker")
			press(t, m, "tab")
			typeText(t, m, "10.0.33.12:5432")
			press(t, m, "enter")
		}},
		{"checklist-filtered", func(t *testing.T, m *Model) {
			press(t, m, ":")
			typeText(t, m, "check batch-1 10.0.33.12:5432")
			press(t, m, "enter", "/")
			typeText(t, m, "inbound")
			press(t, m, "enter")
		}},
		{"help-commands", func(t *testing.T, m *Model) {
			press(t, m, ":")
			typeText(t, m, "help")
			press(t, m, "enter")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, s := range steps {
			t.Run(fmt.Sprintf("%s-%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				m := newTestModel(t, Static("demo", pickerNet(), nil), Options{})
				m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				start(t, m)
				s.do(t, m)
				tuitest.Golden(t, fmt.Sprintf("frame-%s-%dx%d", s.name, size[0], size[1]), m.render(), size[0])
			})
		}
	}
}
