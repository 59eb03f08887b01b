package screen

import (
	"strconv"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
)

// Intent is what a screen asks the root to do after a key: open another
// screen, set a path end, copy a fix. Screens return intents instead of
// reaching into each other, and the root handles them synchronously, so a
// model test sees the whole effect of a key in one Update.
type Intent any

type (
	// Back closes the focused screen.
	Back struct{}
	// OpenDetail opens the detail of an ENI.
	OpenDetail struct{ ID string }
	// SetEnd makes value the source (dest false) or the destination.
	SetEnd struct {
		Dest  bool
		Value string
	}
	// CheckPath runs the checklist for a path.
	CheckPath struct{ Path PathSpec }
	// CopyText puts text on the clipboard (OSC 52).
	CopyText struct{ Text, What string }
	// AskAnalyzer asks the root to confirm, then run, Reachability
	// Analyzer on the checklist's path.
	AskAnalyzer struct{}
	// OpenHistory opens the CloudTrail history of a layer's resources.
	OpenHistory struct {
		Layer      string
		Components []string
	}
	// Note shows a message in the status line.
	Note struct {
		Text string
		Err  bool
	}
)

// PathSpec is a path as the user gave it, before names are resolved.
type PathSpec struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Port     int    `json:"port,omitempty"`
	Protocol string `json:"protocol,omitempty"`
	// SourcePort fixes the client's port; 0 checks its ephemeral range.
	SourcePort int `json:"source_port,omitempty"`
}

func (p PathSpec) Empty() bool { return p.From == "" && p.To == "" }

func (p PathSpec) Proto() string {
	if p.Protocol == "" {
		return "tcp"
	}
	return strings.ToLower(p.Protocol)
}

// String is the path as one line: "app-1 → 10.0.33.12:5432/tcp".
func (p PathSpec) Text(arrow string) string {
	to := p.To
	if p.Port != 0 && !strings.Contains(to, ":") {
		to += ":" + strconv.Itoa(p.Port)
	}
	return p.From + " " + arrow + " " + to + "/" + p.Proto()
}

// Key identifies a path for history and for dropping stale results.
func (p PathSpec) Key() string { return p.Text("->") + "@" + strconv.Itoa(p.SourcePort) }

// Query resolves Name tags against the network and builds the engine's
// query; the error is the one to show the user.
func (p PathSpec) Query(n *checks.Network) (checks.Query, error) {
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
	return checks.NewQuery(from, to, p.Proto(), port, p.SourcePort)
}

// OpenSweep opens "who can reach this" (Inbound) or "what can this
// reach" on an interface.
type OpenSweep struct {
	ENI     string
	Inbound bool
}

// RunSweep asks the root to run the sweep screen's sweep on the newest
// network, as run Run.
type RunSweep struct{ Run int }

// OpenTail asks the root to open a tail: of one interface (eni set) or of
// the checklist's path.
type OpenTail struct{ ENI string }

// AttributeRecord asks the root to attribute a record with the network.
type AttributeRecord struct{ Flow checks.Flow }

// RecentPath is one path the user checked.
type RecentPath struct {
	Path PathSpec  `json:"path"`
	When time.Time `json:"when"`
}
