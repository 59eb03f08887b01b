package tui

import (
	"strconv"
	"strings"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
)

// intent is what a screen asks the root to do after a key: open another
// screen, set a path end, copy a fix. Screens return intents instead of
// reaching into each other, and the root handles them synchronously, so a
// model test sees the whole effect of a key in one Update.
type intent any

type (
	// back closes the focused screen.
	back struct{}
	// openDetail opens the detail of an ENI.
	openDetail struct{ id string }
	// setEnd makes value the source (dest false) or the destination.
	setEnd struct {
		dest  bool
		value string
	}
	// checkPath runs the checklist for a path.
	checkPath struct{ p pathSpec }
	// copyText puts text on the clipboard (OSC 52).
	copyText struct{ text, what string }
	// note shows a message in the status line.
	note struct {
		text string
		err  bool
	}
)

// pathSpec is a path as the user gave it, before names are resolved.
type pathSpec struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Port     int    `json:"port,omitempty"`
	Protocol string `json:"protocol,omitempty"`
	// SourcePort fixes the client's port; 0 checks its ephemeral range.
	SourcePort int `json:"source_port,omitempty"`
}

func (p pathSpec) empty() bool { return p.From == "" && p.To == "" }

func (p pathSpec) proto() string {
	if p.Protocol == "" {
		return "tcp"
	}
	return strings.ToLower(p.Protocol)
}

// String is the path as one line: "app-1 → 10.0.33.12:5432/tcp".
func (p pathSpec) text(arrow string) string {
	to := p.To
	if p.Port != 0 && !strings.Contains(to, ":") {
		to += ":" + strconv.Itoa(p.Port)
	}
	return p.From + " " + arrow + " " + to + "/" + p.proto()
}

// key identifies a path for history and for dropping stale results.
func (p pathSpec) key() string { return p.text("->") + "@" + strconv.Itoa(p.SourcePort) }

// query resolves Name tags against the network and builds the engine's
// query; the error is the one to show the user.
func (p pathSpec) query(n *checks.Network) (checks.Query, error) {
	from, err := catalog.ResolveEnd(n, strings.TrimSpace(p.From), false)
	if err != nil {
		return checks.Query{}, err
	}
	to, err := catalog.ResolveEnd(n, strings.TrimSpace(p.To), true)
	if err != nil {
		return checks.Query{}, err
	}
	port := p.Port
	if port != 0 && strings.Count(to, ":") == 1 {
		// A port typed in the destination wins over the port field.
		port = 0
	}
	return checks.NewQuery(from, to, p.proto(), port, p.SourcePort)
}
