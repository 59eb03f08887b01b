// Sweeps as people and scripts read them: the fixed end, a count by
// verdict, the groups by deciding rule with their interfaces, and every
// path as JSON or CSV.

package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/reachnet/reach/checks"
)

// SweepEnd is the fixed end of a sweep.
type SweepEnd struct {
	Input   string `json:"input"`
	Address string `json:"address,omitempty"`
	ENI     string `json:"eni,omitempty"`
	Name    string `json:"name,omitempty"`
	// External is true for a source outside the account (the internet,
	// on-premises).
	External bool `json:"external,omitempty"`
}

// SweepRow is one path of a sweep, named by its varying interface.
type SweepRow struct {
	ENI     string `json:"eni"`
	Name    string `json:"name"`
	Address string `json:"address"`
	// Port is set when the sweep asked several ports.
	Port      int             `json:"port,omitempty"`
	Verdict   checks.Verdict  `json:"verdict"`
	BlockedBy *checks.Blocked `json:"blocked_by"`
	// UnknownBecause names what left an unknown path undecided.
	UnknownBecause *checks.Blocked `json:"unknown_because,omitempty"`
}

// SweepReport is a whole sweep: toward a destination (Destination and
// Sources set) or from a source (Source and Destinations set).
type SweepReport struct {
	Source       *SweepEnd           `json:"source,omitempty"`
	Destination  *SweepEnd           `json:"destination,omitempty"`
	Protocol     string              `json:"protocol"`
	Port         int                 `json:"port,omitempty"`
	Ports        []int               `json:"ports,omitempty"`
	Sources      []SweepRow          `json:"sources,omitempty"`
	Destinations []SweepRow          `json:"destinations,omitempty"`
	Counts       checks.SweepCounts  `json:"counts"`
	Groups       []checks.SweepGroup `json:"groups"`
	// Notes carries what the sweep assumed (the address standing for the
	// internet, the interfaces left out).
	Notes []string `json:"notes,omitempty"`
}

// NewSweepReport assembles the report of a sweep. fixed is the end that
// did not vary; fromFixed says it is the source.
func NewSweepReport(fixed SweepEnd, fromFixed bool, proto checks.Protocol, ports []int, results []checks.SweepResult) *SweepReport {
	r := &SweepReport{Protocol: proto.String(), Counts: checks.CountSweep(results)}
	several := len(ports) > 1
	switch {
	case several:
		r.Ports = ports
	case len(ports) == 1:
		r.Port = ports[0]
	}
	rows := make([]SweepRow, len(results))
	for i, res := range results {
		rows[i] = SweepRow{ENI: res.Source, Name: res.Name, Verdict: res.Verdict, BlockedBy: res.BlockedBy, UnknownBecause: res.UnknownBecause}
		if res.Address.IsValid() {
			rows[i].Address = res.Address.String()
		}
		if several {
			rows[i].Port = res.Port
		}
	}
	if fromFixed {
		r.Source, r.Destinations = &fixed, rows
	} else {
		r.Destination, r.Sources = &fixed, rows
	}
	r.Groups = checks.GroupSweep(results, several)
	if r.Groups == nil {
		r.Groups = []checks.SweepGroup{}
	}
	return r
}

// Rows are the report's paths, whichever end varied.
func (r *SweepReport) Rows() []SweepRow {
	if r.Source != nil {
		return r.Destinations
	}
	return r.Sources
}

// SweepTitle is the question and the count: "who can reach
// 10.0.33.12:5432/tcp: 3 reachable, 25 unreachable, 0 unknown".
func SweepTitle(r *SweepReport) string {
	c := r.Counts
	return fmt.Sprintf("%s: %d reachable, %d unreachable, %d unknown", sweepQuestion(r), c.Reachable, c.Unreachable, c.Unknown)
}

func sweepQuestion(r *SweepReport) string {
	if r.Source != nil {
		ports := " over " + r.Protocol
		switch {
		case len(r.Ports) > 0:
			ps := make([]string, len(r.Ports))
			for i, p := range r.Ports {
				ps[i] = strconv.Itoa(p)
			}
			ports = " on " + strings.Join(ps, ",") + "/" + r.Protocol
		case r.Port != 0:
			ports = fmt.Sprintf(" on %d/%s", r.Port, r.Protocol)
		}
		return "what " + describeSweepEnd(r.Source) + " can reach" + ports
	}
	dst := *r.Destination
	if p := ":" + strconv.Itoa(r.Port); r.Port != 0 && !strings.HasSuffix(dst.Input, p) {
		dst.Input += p
	}
	dst.Input += "/" + r.Protocol
	return "who can reach " + describeSweepEnd(&dst)
}

func describeSweepEnd(e *SweepEnd) string {
	s := Inert(e.Input)
	var more []string
	if e.Name != "" && e.Name != e.Input {
		more = append(more, Inert(e.Name))
	}
	if host, _, _ := strings.Cut(e.Input, ":"); e.Address != "" && e.Address != host {
		more = append(more, e.Address)
	}
	if e.ENI != "" && e.ENI != e.Input {
		more = append(more, Inert(e.ENI))
	}
	if len(more) > 0 {
		s += " (" + strings.Join(more, ", ") + ")"
	}
	return s
}

// GroupHeadline is one group in a line: "20 blocked by security-group
// sg-0abc: no inbound rule matches (ENI_SG_RULES_MISMATCH, forward)".
func GroupHeadline(g checks.SweepGroup, interfaces string) string {
	if g.Count == 1 {
		interfaces = strings.TrimSuffix(interfaces, "s")
	}
	port := ""
	if g.Port != 0 {
		port = fmt.Sprintf(" on port %d", g.Port)
	}
	switch g.Verdict {
	case checks.Reachable:
		return fmt.Sprintf("%d %s reachable%s", g.Count, interfaces, port)
	case checks.Unreachable:
		return fmt.Sprintf("%d %s%s blocked by %s %s: %s (%s, %s)", g.Count, interfaces, port, g.Layer, Inert(g.Component), Inert(g.Rule), g.Code, g.Direction)
	}
	if g.Code == "" {
		return fmt.Sprintf("%d %s%s unknown", g.Count, interfaces, port)
	}
	return fmt.Sprintf("%d %s%s unknown at %s %s: %s (%s)", g.Count, interfaces, port, g.Layer, Inert(g.Component), Inert(g.Rule), g.Code)
}

func groupMark(v checks.Verdict, ascii bool) string {
	switch v {
	case checks.Reachable:
		return Mark(checks.StatusPass, ascii)
	case checks.Unreachable:
		return Mark(checks.StatusFail, ascii)
	}
	return Mark(checks.StatusUnknown, ascii)
}

// interfacesWord counts interfaces, or paths when a sweep asks several
// ports of each.
func interfacesWord(r *SweepReport) string {
	if len(r.Ports) > 0 {
		return "paths"
	}
	return "interfaces"
}

func rowText(row SweepRow) string {
	s := Inert(row.ENI)
	if row.Name != "" {
		s += " " + Inert(row.Name)
	}
	if row.Address != "" {
		s += " " + row.Address
	}
	if row.Port != 0 {
		s += fmt.Sprintf(" port %d", row.Port)
	}
	return s
}

// SweepText writes the title, then each group with up to show of its
// interfaces (every one when show is negative).
func SweepText(w io.Writer, r *SweepReport, show int, ascii bool) error {
	var b strings.Builder
	fmt.Fprintln(&b, asciiSafe(SweepTitle(r), ascii))
	rows := r.Rows()
	word := interfacesWord(r)
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "  %-6s %s\n", groupMark(g.Verdict, ascii), asciiSafe(GroupHeadline(g, word), ascii))
		for i, m := range g.Members {
			if show >= 0 && i >= show {
				fmt.Fprintf(&b, "           … and %d more (--all lists them)\n", len(g.Members)-show)
				break
			}
			fmt.Fprintf(&b, "           %s\n", asciiSafe(rowText(rows[m]), ascii))
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", asciiSafe(Inert(n), ascii))
	}
	text := b.String()
	if ascii {
		text = strings.ReplaceAll(text, "…", "...")
	}
	_, err := io.WriteString(w, text)
	return err
}

// SweepMarkdown writes the sweep for an incident channel: the title, a
// table of the groups, and each group's interfaces (up to show).
func SweepMarkdown(w io.Writer, r *SweepReport, show int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", MarkdownText(SweepTitle(r)))
	fmt.Fprintln(&b, "| verdict | count | layer | component | rule | code |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|")
	for _, g := range r.Groups {
		count := strconv.Itoa(g.Count)
		if g.Port != 0 {
			count += fmt.Sprintf(" (port %d)", g.Port)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", g.Verdict, count, orDash(g.Layer), mdCodeOrDash(g.Component), mdCodeOrDash(g.Rule), orDash(g.Code))
	}
	rows := r.Rows()
	word := interfacesWord(r)
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "\n%s\n\n", MarkdownText(GroupHeadline(g, word)))
		for i, m := range g.Members {
			if show >= 0 && i >= show {
				fmt.Fprintf(&b, "- … and %d more\n", len(g.Members)-show)
				break
			}
			fmt.Fprintf(&b, "- %s\n", MarkdownText(rowText(rows[m])))
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n_%s_\n", MarkdownText(n))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCodeOrDash(s string) string {
	if s == "" {
		return orDash(s)
	}
	return MarkdownCode(s)
}

// SweepCSV writes one line per path: eni, name, address, port, verdict,
// and the deciding rule's layer, component, code, direction and rule (the
// blocker, or what left the path unknown).
func SweepCSV(w io.Writer, r *SweepReport) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"eni", "name", "address", "port", "verdict", "layer", "component", "code", "direction", "rule"})
	for _, row := range r.Rows() {
		port := row.Port
		if port == 0 {
			port = r.Port
		}
		rec := []string{csvCell(row.ENI), csvCell(row.Name), row.Address, "", string(row.Verdict), "", "", "", "", ""}
		if port != 0 {
			rec[3] = strconv.Itoa(port)
		}
		if b := row.BlockedBy; b != nil {
			rec[5], rec[6], rec[7], rec[8], rec[9] = b.Layer, csvCell(b.Component), b.Code, string(b.Direction), csvCell(b.Rule)
		} else if b := row.UnknownBecause; b != nil {
			rec[5], rec[6], rec[7], rec[8], rec[9] = b.Layer, csvCell(b.Component), b.Code, string(b.Direction), csvCell(b.Rule)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell keeps a string from AWS inert, and keeps a spreadsheet from
// reading it as a formula.
func csvCell(s string) string {
	s = Inert(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
