// Package render turns an engine report into the text people read: a plain
// checklist for terminals and logs, and Markdown for incident channels.
// JSON is the report itself.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/reachnet/reach/checks"
)

// Mark returns the checklist glyph of a status; ascii keeps to 7-bit.
func Mark(s checks.Status, ascii bool) string {
	if ascii {
		switch s {
		case checks.StatusPass:
			return "[ok]"
		case checks.StatusFail:
			return "[FAIL]"
		case checks.StatusWarn:
			return "[warn]"
		case checks.StatusUnknown:
			return "[??]"
		}
		return "[--]"
	}
	switch s {
	case checks.StatusPass:
		return "✓"
	case checks.StatusFail:
		return "✗"
	case checks.StatusWarn:
		return "!"
	case checks.StatusUnknown:
		return "?"
	}
	return "·"
}

// Title is the one-line question and answer: "eni-… → 10.0.2.20:443/tcp: unreachable".
func Title(r *checks.Report) string {
	dst := r.Destination.Input
	if r.Destination.Port != 0 && !strings.Contains(dst, ":") {
		dst = fmt.Sprintf("%s:%d", dst, r.Destination.Port)
	}
	return fmt.Sprintf("%s → %s/%s: %s", describeEnd(r.Source), dst, r.Protocol, strings.ToUpper(string(r.Verdict)))
}

func describeEnd(e checks.PathEnd) string {
	s := e.Input
	if e.Name != "" && e.Name != e.Input {
		s += " (" + e.Name + ")"
	}
	return s
}

// Text writes the checklist: the verdict, one line per layer with its
// deciding rule, the path, then each finding with its fix.
func Text(w io.Writer, r *checks.Report, ascii bool) error {
	var b strings.Builder
	arrow := "→"
	if ascii {
		arrow = "->"
	}
	title := Title(r)
	if ascii {
		title = strings.ReplaceAll(title, "→", "->")
	}
	if lead := BaselineLead(r); lead != "" {
		fmt.Fprintln(&b, asciiSafe(lead, ascii))
	}
	fmt.Fprintln(&b, title)
	width := 0
	for _, l := range r.Layers {
		width = max(width, len(l.Name))
	}
	for _, l := range r.Layers {
		fmt.Fprintf(&b, "  %-6s %-*s  %s\n", Mark(l.Status, ascii), width, l.Name, asciiSafe(l.Summary, ascii))
		if l.Name == checks.LayerDNS {
			// How the name was resolved is the evidence people ask for
			// first; the other layers' rules are in the findings.
			for _, d := range l.Decisions {
				fmt.Fprintf(&b, "  %-6s %-*s    %s: %s\n", "", width, "", asciiSafe(d.Step, ascii), asciiSafe(d.Rule, ascii))
			}
		}
	}
	if len(r.Hops) > 0 {
		parts := make([]string, len(r.Hops))
		for i, h := range r.Hops {
			parts[i] = h.Component
		}
		fmt.Fprintf(&b, "path: %s\n", strings.Join(parts, " "+arrow+" "))
	}
	if r.Exit != nil {
		fmt.Fprintf(&b, "leaves the account through %s (%s)\n", r.Exit.Gateway, r.Exit.Kind)
	}
	if r.BlockedBy != nil {
		fmt.Fprintf(&b, "blocked by: %s %s (%s, %s): %s\n", r.BlockedBy.Layer, r.BlockedBy.Component, r.BlockedBy.Code, r.BlockedBy.Direction, asciiSafe(r.BlockedBy.Rule, ascii))
	}
	if ts := r.Destination.Targets; len(ts) > 0 {
		fmt.Fprintf(&b, "targets (%d, failing first):\n", len(ts))
		for _, t := range ts {
			fmt.Fprintf(&b, "  %-6s %s  %s\n", Mark(TargetStatus(t.Verdict), ascii), asciiSafe(TargetLine(t), ascii), asciiSafe(t.Reason, ascii))
		}
	}
	for _, l := range r.Layers {
		for _, f := range l.Findings {
			if f.Severity == checks.SeverityInfo {
				continue
			}
			fmt.Fprintf(&b, "\n[%s] %s %s %s (%s)\n  %s\n", l.Name, f.Severity, f.Component, f.Code, f.Direction, asciiSafe(f.Detail, ascii))
			if f.Fix != "" {
				fmt.Fprintf(&b, "  fix: %s\n", asciiSafe(f.Fix, ascii))
			}
			if f.FixCheck != nil {
				fmt.Fprintf(&b, "  %s\n", asciiSafe(Inert(f.FixCheck.String()), ascii))
			}
		}
	}
	if r.AllFixes != nil {
		fmt.Fprintf(&b, "\nall fixes together: %s\n", asciiSafe(Inert(r.AllFixes.Describe("these fixes")), ascii))
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(&b)
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "note: %s\n", asciiSafe(n, ascii))
		}
	}
	if a := r.Analyzer; a != nil {
		fmt.Fprintf(&b, "\nreachability analyzer: %s\n", asciiSafe(analyzerHeadline(a), ascii))
		for _, e := range a.Explanations {
			fmt.Fprintf(&b, "  explanation: %s %s %s %s\n", e.Code, orDash(e.Direction), orDash(e.Layer), orDash(e.Component))
		}
		for _, d := range a.Differences {
			fmt.Fprintf(&b, "  differs on %s: reach says %s; the analyzer says %s\n", d.Layer, asciiSafe(d.Local, ascii), asciiSafe(d.Analyzer, ascii))
		}
		for _, dir := range []checks.Direction{checks.Forward, checks.Return} {
			if p := a.AnalyzerPath(string(dir)); p != "" {
				fmt.Fprintf(&b, "  analyzer %s path: %s\n", dir, asciiSafe(p, ascii))
			}
		}
		if a.AnalyzerPathMarked() {
			fmt.Fprintln(&b, "  (* not on reach's path)")
		}
	}
	baselineText(&b, r, ascii)
	// Every line holds strings from AWS: the one filter makes them inert.
	_, err := io.WriteString(w, InertLines(b.String()))
	return err
}

// Markdown writes the report for pasting into an incident channel.
func Markdown(w io.Writer, r *checks.Report) error {
	var b strings.Builder
	if lead := BaselineLead(r); lead != "" {
		fmt.Fprintf(&b, "**%s**\n\n", MarkdownText(lead))
	}
	fmt.Fprintf(&b, "### reach: %s\n\n", MarkdownText(Title(r)))
	fmt.Fprintln(&b, "| layer | status | deciding rule |")
	fmt.Fprintln(&b, "|---|---|---|")
	for _, l := range r.Layers {
		fmt.Fprintf(&b, "| %s | %s %s | %s |\n", MarkdownText(l.Name), Mark(l.Status, false), l.Status, MarkdownText(l.Summary))
	}
	if len(r.Hops) > 0 {
		parts := make([]string, len(r.Hops))
		for i, h := range r.Hops {
			parts[i] = MarkdownCode(h.Component)
		}
		fmt.Fprintf(&b, "\n**Path:** %s\n", strings.Join(parts, " → "))
	}
	if r.Exit != nil {
		fmt.Fprintf(&b, "\n**Leaves through:** %s (%s)\n", MarkdownCode(r.Exit.Gateway), MarkdownText(string(r.Exit.Kind)))
	}
	if r.BlockedBy != nil {
		bb := r.BlockedBy
		fmt.Fprintf(&b, "\n**Blocked by:** %s %s (%s, %s): %s\n", MarkdownText(bb.Layer), MarkdownCode(bb.Component), MarkdownText(bb.Code), MarkdownText(string(bb.Direction)), MarkdownText(bb.Rule))
	}
	if ts := r.Destination.Targets; len(ts) > 0 {
		fmt.Fprintln(&b, "\n| target | verdict | why |\n|---|---|---|")
		for _, t := range ts {
			fmt.Fprintf(&b, "| %s | %s %s | %s |\n", MarkdownText(TargetLine(t)), Mark(TargetStatus(t.Verdict), false), t.Verdict, MarkdownText(t.Reason))
		}
	}
	for _, l := range r.Layers {
		for _, f := range l.Findings {
			if f.Severity == checks.SeverityInfo {
				continue
			}
			fmt.Fprintf(&b, "\n- **%s** %s %s (%s): %s\n", MarkdownText(l.Name), MarkdownCode(f.Component), MarkdownText(f.Code), MarkdownText(string(f.Direction)), MarkdownText(f.Detail))
			if f.Fix != "" {
				fence := codeFence(f.Fix)
				fmt.Fprintf(&b, "\n  %ssh\n  %s\n  %s\n", fence, Inert(f.Fix), fence)
			}
			if f.FixCheck != nil {
				fmt.Fprintf(&b, "\n  _%s_\n", MarkdownText(f.FixCheck.String()))
			}
		}
	}
	if r.AllFixes != nil {
		fmt.Fprintf(&b, "\n_All fixes together: %s_\n", MarkdownText(r.AllFixes.Describe("these fixes")))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> %s\n", MarkdownText(n))
	}
	if a := r.Analyzer; a != nil {
		fmt.Fprintf(&b, "\n**Reachability Analyzer:** %s\n", MarkdownText(analyzerHeadline(a)))
		if len(a.Explanations) > 0 {
			fmt.Fprintln(&b, "\n| code | direction | layer | component |\n|---|---|---|---|")
			for _, e := range a.Explanations {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", MarkdownText(e.Code), MarkdownText(orDash(e.Direction)), MarkdownText(orDash(e.Layer)), MarkdownCode(orDash(e.Component)))
			}
		}
		if len(a.Differences) > 0 {
			fmt.Fprintln(&b, "\n| layer | reach | Reachability Analyzer |\n|---|---|---|")
			for _, d := range a.Differences {
				fmt.Fprintf(&b, "| %s | %s | %s |\n", MarkdownText(d.Layer), MarkdownText(d.Local), MarkdownText(d.Analyzer))
			}
		}
		for _, dir := range []checks.Direction{checks.Forward, checks.Return} {
			if p := a.AnalyzerPath(string(dir)); p != "" {
				fmt.Fprintf(&b, "\n**Analyzer %s path:** %s\n", dir, MarkdownText(p))
			}
		}
		if a.AnalyzerPathMarked() {
			fmt.Fprintln(&b, "\n(\\* not on reach's path)")
		}
	}
	baselineMarkdown(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

// TargetStatus is the checklist status a target's verdict shows as.
func TargetStatus(v checks.Verdict) checks.Status {
	switch v {
	case checks.Reachable:
		return checks.StatusPass
	case checks.Unreachable:
		return checks.StatusFail
	}
	return checks.StatusUnknown
}

// TargetLine names a load balancer's target: its ID and port, its zone,
// its health, and where the path stops when it does.
func TargetLine(t checks.TargetVerdict) string {
	s := t.ID
	if t.Name != "" {
		s += " (" + t.Name + ")"
	}
	if t.Port != 0 {
		s = fmt.Sprintf("%s:%d", s, t.Port)
	}
	if t.AZ != "" {
		s += " " + t.AZ
	}
	s += " " + t.Health
	if t.Rule != "" && t.Rule != "default action" {
		s += ", by " + t.Rule
	}
	if t.BlockedBy != nil {
		s += fmt.Sprintf(", blocked at %s %s (%s)", t.BlockedBy.Layer, t.BlockedBy.Component, t.BlockedBy.Code)
	}
	return s
}

// analyzerHeadline says in one line how the second opinion ended and
// whether it agrees, and whether anything was left in the account.
func analyzerHeadline(a *checks.AnalyzerResult) string {
	var b strings.Builder
	b.WriteString(string(a.Status))
	if a.PathFound != nil {
		if *a.PathFound {
			b.WriteString(", path found")
		} else {
			b.WriteString(", no path")
		}
		switch {
		case a.Agrees:
			b.WriteString(", agrees")
		case len(a.Differences) == 0:
			b.WriteString(", not compared (the local verdict is unknown)")
		default:
			b.WriteString(", disagrees (a warning; the verdict above is reach's)")
		}
	}
	if a.AnalysisID != "" {
		b.WriteString("; analysis " + a.AnalysisID)
	}
	if a.CleanedUp {
		b.WriteString("; cleaned up")
	} else {
		b.WriteString("; NOT cleaned up")
	}
	if a.Message != "" {
		b.WriteString(": " + a.Message)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// codeFence is a fence for a code block that nothing in s can close: more
// backticks than s holds in a row, and never fewer than three.
func codeFence(s string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence
}

// JSON writes the report in the check contract's schema.
func JSON(w io.Writer, r *checks.Report) error {
	return WriteJSON(w, r)
}

// WriteJSON encodes v indented, with every rune that could act on a
// terminal written as a \u escape: encoding/json escapes C0 controls but
// passes C1 controls, bidirectional overrides and zero-width characters
// through. The escape is lossless: a JSON reader gets the same strings.
func WriteJSON(w io.Writer, v any) error {
	return writeJSON(w, v, "  ")
}

// WriteJSONLine is WriteJSON on one line, for JSON Lines streams.
func WriteJSONLine(w io.Writer, v any) error {
	return writeJSON(w, v, "")
}

func writeJSON(w io.Writer, v any, indent string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", indent)
	// Fixes are shell commands; keep their && and <…> readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := buf.Bytes()
	if plain(string(out), true) {
		_, err := w.Write(out)
		return err
	}
	var b strings.Builder
	b.Grow(len(out) + 16)
	for _, r := range string(out) {
		if r != '\n' && Dangerous(r) {
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
			continue
		}
		b.WriteRune(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// asciiSafe replaces the few non-ASCII glyphs reports use when the terminal
// asked for ASCII only.
func asciiSafe(s string, ascii bool) string {
	if !ascii {
		return s
	}
	s = strings.NewReplacer("→", "->", "←", "<-", "…", "...", "·", "-").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if r < 128 {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}
