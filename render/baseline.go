package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
)

// maxOffPathChanges bounds the changes off the path that text and
// Markdown list; JSON lists them all.
const maxOffPathChanges = 10

// BaselineLead is the one line that opens a report compared with a
// baseline: "reachable at 2026-12-05 09:00 UTC, unreachable now:
// sg-0abc: inbound allow tcp 5432 from sg-0app removed". It is "" without
// a baseline.
func BaselineLead(r *checks.Report) string {
	b := r.Baseline
	if b == nil {
		return ""
	}
	then := string(b.Verdict) + " " + whenTaken(b.Taken)
	onPath := 0
	for _, c := range r.Changes {
		if c.OnPath {
			onPath++
		}
	}
	ex, ok := r.ExplainingChange()
	if b.Verdict != r.Verdict {
		lead := fmt.Sprintf("%s, %s now", then, r.Verdict)
		if !ok {
			if len(b.NotCompared) > 0 {
				return lead + ": no compared change on the path explains it (some kinds were not compared)"
			}
			return lead + ": no change on the path explains it"
		}
		return lead + ": " + ex.Component + ": " + ex.What + byWhom(r, ex.Component)
	}
	lead := fmt.Sprintf("%s, and %s now", then, r.Verdict)
	switch {
	case ok && onPath > 1:
		return fmt.Sprintf("%s; %d changes on the path, first %s: %s", lead, onPath, ex.Component, ex.What)
	case ok:
		return fmt.Sprintf("%s; one change on the path: %s: %s", lead, ex.Component, ex.What)
	}
	return fmt.Sprintf("%s; no change on the path (%d elsewhere)", lead, len(r.Changes))
}

// byWhom names the newest management event on component, when the history
// holds one: " (RevokeSecurityGroupIngress by arn:… at 2026-12-05
// 10:14:03Z)".
func byWhom(r *checks.Report, component string) string {
	for _, e := range r.History {
		if e.Component == component {
			return fmt.Sprintf(" (%s by %s at %s)", e.Event, who(e), historyTime(e.Time))
		}
	}
	return ""
}

// whenTaken is "at 2026-12-05 09:00 UTC", or how a baseline of unknown age
// is named.
func whenTaken(t *time.Time) string {
	if t == nil {
		return "in the baseline of unknown date"
	}
	return "at " + t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// changeLines are the changes text and Markdown list: every change on the
// path, then the first few elsewhere and how many more there are.
func changeLines(r *checks.Report) (shown []checks.Change, more int) {
	off := 0
	for _, c := range r.Changes {
		if !c.OnPath {
			if off == maxOffPathChanges {
				more++
				continue
			}
			off++
		}
		shown = append(shown, c)
	}
	return shown, more
}

// historyTime is an event's time as text and Markdown print it.
func historyTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + "Z" }

// who is the principal with the role session name, when there is one.
func who(e checks.HistoryEvent) string {
	s := e.Principal
	if e.SessionName != "" && !strings.HasSuffix(s, "/"+e.SessionName) {
		s += " (session " + e.SessionName + ")"
	}
	if s == "" {
		s = "an unknown principal"
	}
	return s
}

// baselineText writes the changes and history sections of the text report.
func baselineText(b *strings.Builder, r *checks.Report, ascii bool) {
	if r.Baseline != nil {
		shown, more := changeLines(r)
		fmt.Fprintf(b, "\nchanges since the baseline %s (%s %s): %d\n", r.Baseline.Snapshot, r.Baseline.Verdict, whenTaken(r.Baseline.Taken), len(r.Changes))
		for _, c := range shown {
			where := "off the path"
			if c.OnPath {
				where = "on the path"
			}
			fmt.Fprintf(b, "  %-8s %-17s %s %s: %s (%s)\n", c.Change, c.Layer, c.Kind, c.Component, asciiSafe(c.What, ascii), where)
		}
		if more > 0 {
			fmt.Fprintf(b, "  … and %d more off the path (-o json lists them all)\n", more)
		}
		for _, n := range r.Baseline.NotCompared {
			fmt.Fprintf(b, "  not compared: %s\n", asciiSafe(n, ascii))
		}
	}
	if len(r.History) > 0 || len(r.HistoryGaps) > 0 {
		fmt.Fprintf(b, "\nhistory (CloudTrail management events, newest first): %d\n", len(r.History))
		for _, e := range r.History {
			fmt.Fprintf(b, "  %s %s %s by %s from %s", historyTime(e.Time), e.Event, e.Component, asciiSafe(who(e), ascii), orDash(e.SourceIP))
			if e.UserAgent != "" {
				fmt.Fprintf(b, " [%s]", asciiSafe(e.UserAgent, ascii))
			}
			if e.Detail != "" {
				fmt.Fprintf(b, ": %s", asciiSafe(e.Detail, ascii))
			}
			fmt.Fprintln(b)
		}
		for _, g := range r.HistoryGaps {
			fmt.Fprintf(b, "  gap: %s\n", asciiSafe(g, ascii))
		}
	}
}

// baselineMarkdown writes the changes and history sections in Markdown.
func baselineMarkdown(b *strings.Builder, r *checks.Report) {
	if r.Baseline != nil {
		shown, more := changeLines(r)
		fmt.Fprintf(b, "\n**Changes since the baseline** %s (%s %s): %d\n", MarkdownCode(r.Baseline.Snapshot), MarkdownText(string(r.Baseline.Verdict)), MarkdownText(whenTaken(r.Baseline.Taken)), len(r.Changes))
		if len(shown) > 0 {
			fmt.Fprintln(b, "\n| change | layer | component | what | on the path |\n|---|---|---|---|---|")
			for _, c := range shown {
				on := "no"
				if c.OnPath {
					on = "yes"
				}
				fmt.Fprintf(b, "| %s | %s | %s %s | %s | %s |\n", MarkdownText(c.Change), MarkdownText(c.Layer), MarkdownText(c.Kind), MarkdownCode(c.Component), MarkdownText(c.What), on)
			}
		}
		if more > 0 {
			fmt.Fprintf(b, "\n%d more off the path (`-o json` lists them all).\n", more)
		}
		for _, n := range r.Baseline.NotCompared {
			fmt.Fprintf(b, "\n> not compared: %s\n", MarkdownText(n))
		}
	}
	if len(r.History) > 0 || len(r.HistoryGaps) > 0 {
		fmt.Fprintf(b, "\n**History** (CloudTrail management events, newest first): %d\n", len(r.History))
		if len(r.History) > 0 {
			fmt.Fprintln(b, "\n| time | event | component | who | from | detail |\n|---|---|---|---|---|---|")
			for _, e := range r.History {
				from := orDash(e.SourceIP)
				if e.UserAgent != "" {
					from += " (" + e.UserAgent + ")"
				}
				fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", historyTime(e.Time), MarkdownText(e.Event), MarkdownCode(e.Component), MarkdownText(who(e)), MarkdownText(from), MarkdownText(e.Detail))
			}
		}
		for _, g := range r.HistoryGaps {
			fmt.Fprintf(b, "\n> gap: %s\n", MarkdownText(g))
		}
	}
}
