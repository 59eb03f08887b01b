package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
)

// Session is an investigation written down as an incident report: every
// path checked in it, against what data, and what each check concluded.
// The terminal's report key and reach report both fill one.
type Session struct {
	// Written is when the report was written; Started when the
	// investigation began.
	Started, Written time.Time
	// Source names where the data came from ("demo", "snapshot ./snap",
	// "live prod/us-east-1"); Scope is what the source said of it (account
	// and Region, or when the snapshot was taken), when it said.
	Source, Scope string
	Paths         []SessionPath
}

// SessionPath is one path of a session and its newest check.
type SessionPath struct {
	// Path is the path as the user typed it ("app-1 → 10.0.33.12:5432/tcp").
	Path string
	// First and Last are when the path was first and last checked; Checks
	// counts the checks (watch mode re-checks the path on every poll).
	First, Last time.Time
	Checks      int
	// LoadedAt is when the data of the last check finished loading; Gaps
	// are what it lacked, one sentence each.
	LoadedAt time.Time
	Gaps     []string
	// Report is the last check's; Err says why there is none.
	Report *checks.Report
	Err    string
	// Diagnosis is the flow-log diagnosis of the path, when a tail of it
	// ran.
	Diagnosis *checks.Diagnosis
	// Changes are the layers that changed between re-checks.
	Changes []SessionChange
}

// SessionChange is one layer whose status changed between two checks.
type SessionChange struct {
	At       time.Time
	Layer    string
	From, To checks.Status
	// Summary is the layer's deciding rule after the change.
	Summary string
}

// SessionMarkdown writes the session as Markdown. Every string that came
// from AWS or from a user's typing goes through MarkdownText or
// MarkdownCode, so the file renders as the text it is and links nowhere.
func SessionMarkdown(w io.Writer, s Session) error {
	var b strings.Builder
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	fmt.Fprintf(&b, "# reach session report\n\n")
	fmt.Fprintf(&b, "- **Written:** %s\n", stamp(s.Written))
	if !s.Started.IsZero() {
		fmt.Fprintf(&b, "- **Started:** %s\n", stamp(s.Started))
	}
	fmt.Fprintf(&b, "- **Data:** %s", MarkdownText(s.Source))
	if s.Scope != "" && s.Scope != s.Source {
		fmt.Fprintf(&b, " (%s)", MarkdownText(s.Scope))
	}
	fmt.Fprintf(&b, "\n- **Paths checked:** %d\n", len(s.Paths))
	if len(s.Paths) == 0 {
		fmt.Fprintf(&b, "\nNo path was checked.\n")
	}
	if len(s.Paths) > 1 {
		fmt.Fprintln(&b, "\n| path | verdict | first checked | checks |")
		fmt.Fprintln(&b, "|---|---|---|---|")
		for _, p := range s.Paths {
			fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", MarkdownText(p.Path), verdictOf(p), stamp(p.First), p.Checks)
		}
	}
	for i, p := range s.Paths {
		fmt.Fprintf(&b, "\n## %d. %s\n\n", i+1, MarkdownText(p.Path))
		fmt.Fprintf(&b, "- **Verdict:** %s\n", verdictOf(p))
		fmt.Fprintf(&b, "- **Checked:** %s", stamp(p.First))
		if p.Checks > 1 {
			fmt.Fprintf(&b, ", last at %s (%d checks)", stamp(p.Last), p.Checks)
		}
		fmt.Fprintf(&b, "\n- **Data loaded:** %s\n", stamp(p.LoadedAt))
		if len(p.Gaps) == 0 {
			fmt.Fprintf(&b, "- **Gaps:** none\n")
		} else {
			fmt.Fprintf(&b, "- **Gaps** (layers reading this data are unknown, never assumed):\n")
			for _, g := range p.Gaps {
				fmt.Fprintf(&b, "  - %s\n", MarkdownText(g))
			}
		}
		if p.Err != "" {
			fmt.Fprintf(&b, "\n> not checked: %s\n", MarkdownText(p.Err))
		}
		if p.Report != nil {
			b.WriteString("\n")
			if err := Markdown(&b, p.Report); err != nil {
				return err
			}
		}
		if d := p.Diagnosis; d != nil {
			fmt.Fprintf(&b, "\n**Flow-log diagnosis** (%d records):\n\n", d.Counts.Records)
			for _, line := range FlowDiagnosis(*d) {
				fmt.Fprintf(&b, "    %s\n", Inert(line))
			}
		}
		if len(p.Changes) > 0 {
			fmt.Fprintln(&b, "\n**Changes between re-checks:**\n\n| when | layer | was | now | deciding rule |\n|---|---|---|---|---|")
			for _, c := range p.Changes {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", stamp(c.At), MarkdownText(c.Layer), MarkdownText(string(c.From)), MarkdownText(string(c.To)), MarkdownText(c.Summary))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func verdictOf(p SessionPath) string {
	switch {
	case p.Report != nil:
		return MarkdownText(string(p.Report.Verdict))
	case p.Err != "":
		return "not checked"
	}
	return "pending"
}

// LayerChanges lists the layers whose status differs between two reports
// of one path, at the time of the newer one.
func LayerChanges(prev, next *checks.Report, at time.Time) []SessionChange {
	if prev == nil || next == nil {
		return nil
	}
	var out []SessionChange
	for _, l := range next.Layers {
		old := prev.Layer(l.Name)
		if old == nil || old.Status == l.Status {
			continue
		}
		out = append(out, SessionChange{At: at, Layer: l.Name, From: old.Status, To: l.Status, Summary: l.Summary})
	}
	return out
}

// GapsText is one sentence per gap of a network: what is missing, where,
// why, and how to get it. Gaps still loading are left out; a kind that
// never arrived is named as such.
func GapsText(gaps []checks.Gap) []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range gaps {
		text := string(g.Kind)
		if g.Scope != "" {
			text += " of " + g.Scope
		}
		switch {
		case g.Pending:
			text += ": the load ended before it arrived"
		default:
			text += ": " + g.Reason
			if r := g.Remedy(); r != "" {
				text += "; " + r
			}
		}
		if !seen[text] {
			seen[text] = true
			out = append(out, text)
		}
	}
	return out
}
