package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/reachnet/reach/checks"
)

func TestInert(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "plain", "plain"},
		{"CSI colour", "red\x1b[31mtext", `red\x1b[31mtext`},
		{"clear screen", "\x1b[2Jgone", `\x1b[2Jgone`},
		{"OSC 0 title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"OSC 52 clipboard", "osc\x1b]52;c;aGk=\x07!", `osc\x1b]52;c;aGk=\x07!`},
		{"bell", "bell\x07", `bell\x07`},
		{"line breaks and tabs", "multi\nline\ttab\r", "multi line tab "},
		{"right-to-left override", "invoice\u202egpj.exe", `invoice\u202egpj.exe`},
		{"isolates", "a\u2066b\u2069", `a\u2066b\u2069`},
		{"zero-width space", "app\u200b-1", `app\u200b-1`},
		{"zero-width joiner", "a\u200db", `a\u200db`},
		{"byte-order mark", "\ufeffname", `\ufeffname`},
		{"C1 CSI", "c1\u009b31m", `c1\x9b31m`},
		{"DEL", "del\x7f", `del\x7f`},
		{"invalid UTF-8", "invalid\xff", `invalid\xff`},
		{"tag character", "t\U000E0041", `t\ue0041`},
		{"no-break space", "a\u00a0b", `a\xa0b`},
		{"wide text", "日本語 → ok", "日本語 → ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Inert(c.in); got != c.want {
				t.Errorf("Inert(%q) = %q, want %q", c.in, got, c.want)
			}
			for _, r := range Inert(c.in) {
				if Dangerous(r) {
					t.Errorf("Inert(%q) still holds %U", c.in, r)
				}
			}
		})
	}
	if got := InertLines("a\nb\x1b"); got != "a\nb\\x1b" {
		t.Errorf("InertLines keeps line breaks only: %q", got)
	}
}

func TestMarkdownText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "app-1", "app-1"},
		{"link", "[x](http://evil.example)", "`[x](http://evil.example)`"},
		{"image", "![a](b.png)", `\!\[a\]\(b.png\)`},
		{"html", "<img src=x onerror=alert(1)>", `&lt;img src=x onerror=alert\(1\)&gt;`},
		{"code", "`rm -rf`", "\\`rm -rf\\`"},
		{"heading", "# admin", `\# admin`},
		{"cell", "a | b", `a \| b`},
		{"emphasis", "*bold* _it_", `\*bold\* \_it\_`},
		{"bare url", "see https://evil.example", "`see https://evil.example`"},
		{"www", "www.evil.example", "`www.evil.example`"},
		{"mail", "ops@evil.example", "`ops@evil.example`"},
		{"entity", "&lt;", "&amp;lt;"},
		{"control", "x\x1b[2J", `x\\x1b\[2J`},
		{"newline", "a\n# b", `a \# b`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MarkdownText(c.in); got != c.want {
				t.Errorf("MarkdownText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
	if got := MarkdownCode("a`b``c|d"); got != "```a`b``c\\|d```" {
		t.Errorf("MarkdownCode = %q", got)
	}
}

// hostileReport is a report whose every string an attacker could have set
// through tags, descriptions or the typed ends.
func hostileReport() *checks.Report {
	evil := "x\x1b]52;c;aGk=\x07\x1b[2J\u202e[l](http://e.example)<img src=x>`#|\u200b"
	return &checks.Report{
		Source:      checks.PathEnd{Input: evil, Name: evil},
		Destination: checks.PathEnd{Input: evil, Name: evil},
		Protocol:    "tcp",
		Verdict:     checks.Unreachable,
		Layers: []checks.Layer{{Name: "security-group", Status: checks.StatusFail, Summary: evil,
			Findings: []checks.Finding{{Code: "X", Severity: checks.SeverityBlock, Component: evil, Rule: evil, Detail: evil, Fix: "aws ec2 x --description '" + evil + "```'"}}}},
		Hops:      []checks.Hop{{Component: evil}},
		BlockedBy: &checks.Blocked{Layer: "security-group", Component: evil, Code: "X", Rule: evil},
		Notes:     []string{evil},
	}
}

func TestEveryOutputIsInert(t *testing.T) {
	r := hostileReport()
	var text, md, js bytes.Buffer
	if err := Text(&text, r, false); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String(), "json": js.String()} {
		for _, ch := range out {
			if ch != '\n' && Dangerous(ch) {
				t.Errorf("%s output holds %U", name, ch)
			}
		}
	}
	// Outside code, nothing may open a link, an image, HTML or a heading.
	m := outsideCode(md.String())
	for _, bad := range []string{"](", "<img", "\n#", "http://"} {
		if strings.Contains(m, bad) {
			t.Errorf("markdown holds %q outside code:\n%s", bad, m)
		}
	}
	// JSON stays lossless: a reader gets the hostile strings back as they were.
	var back checks.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Source.Input != r.Source.Input || back.Notes[0] != r.Notes[0] {
		t.Errorf("JSON changed the data: %q", back.Source.Input)
	}
}

// outsideCode drops fenced code blocks and inline code spans (a run of n
// backticks to the next run of exactly n), as CommonMark reads them.
func outsideCode(md string) string {
	var out strings.Builder
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "`") == "" {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
			continue
		}
		for i := 0; i < len(line); {
			if line[i] != '`' {
				out.WriteByte(line[i])
				i++
				continue
			}
			n := i
			for n < len(line) && line[n] == '`' {
				n++
			}
			run := line[i:n]
			end := strings.Index(line[n:], run)
			for end >= 0 && n+end+len(run) < len(line) && line[n+end+len(run)] == '`' {
				next := strings.Index(line[n+end+len(run):], run)
				if next < 0 {
					end = -1
					break
				}
				end += len(run) + next
			}
			if end < 0 {
				out.WriteString(run)
				i = n
				continue
			}
			i = n + end + len(run)
		}
		out.WriteByte('\n')
	}
	return out.String()
}
