package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/reachnet/reach/checks"
)

// analyzedReport is a reachable path whose second opinion found a path
// through a gateway reach's walk did not cross, with an AWS message that
// carries a terminal escape.
func analyzedReport() *checks.Report {
	yes, no := true, false
	return &checks.Report{
		Verdict: checks.Reachable,
		Layers:  []checks.Layer{{Name: checks.LayerRoute, Status: checks.StatusPass, Summary: "local route"}},
		Hops:    []checks.Hop{{Component: "eni-a"}, {Component: "rtb-1"}},
		Analyzer: &checks.AnalyzerResult{
			Status: checks.AnalyzerSucceeded, PathFound: &yes, AnalysisID: "nia-1", CleanedUp: true,
			Message: "done \x1b]52;c;evil\x07",
			Differences: []checks.AnalyzerDifference{{Layer: checks.LayerRoute, Local: "pass: the request crosses rtb-1",
				Analyzer: "the request crosses rtb-1, igw-9 (igw-9 not on the other path)"}},
			Hops: []checks.AnalyzerHop{
				{Direction: "forward", Component: "eni-a", OnLocalPath: &yes},
				{Direction: "forward", Component: "rtb-1", Layer: checks.LayerRoute, OnLocalPath: &yes},
				{Direction: "forward", Component: "igw-9", Layer: checks.LayerRoute, OnLocalPath: &no},
				{Direction: "return", Component: "i-b"},
				{Direction: "return", Component: "eni-a", OnLocalPath: &yes},
			},
		},
	}
}

func TestAnalyzerSectionText(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		var b bytes.Buffer
		if err := Text(&b, analyzedReport(), ascii); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		arrow := " → "
		if ascii {
			arrow = " -> "
		}
		for _, want := range []string{
			"differs on route: reach says pass: the request crosses rtb-1; the analyzer says the request crosses rtb-1, igw-9",
			"analyzer forward path: eni-a" + arrow + "rtb-1" + arrow + "igw-9*\n",
			"analyzer return path: i-b" + arrow + "eni-a\n",
			"(* not on reach's path)",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("ascii=%v: the text lacks %q:\n%s", ascii, want, out)
			}
		}
		if strings.ContainsRune(out, '\x1b') || strings.ContainsRune(out, '\a') {
			t.Errorf("ascii=%v: a control character from AWS reached the text: %q", ascii, out)
		}
		if ascii && strings.ContainsFunc(out, func(r rune) bool { return r > 127 }) {
			t.Errorf("--ascii output holds non-ASCII: %q", out)
		}
	}
}

func TestAnalyzerSectionMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, analyzedReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"**Analyzer forward path:** eni-a → rtb-1 → igw-9\\*", "**Analyzer return path:** i-b → eni-a", `(\* not on reach's path)`, "| route |"} {
		if !strings.Contains(out, want) {
			t.Errorf("the markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("a control character from AWS reached the markdown: %q", out)
	}
}
