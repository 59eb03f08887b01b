package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/config"
	"github.com/reachnet/reach/tui"
)

// The generated documents are compared with what the code produces now;
// `make docs` (go test -run TestGeneratedDocs -update .) rewrites them.
var update = flag.Bool("update", false, "rewrite the generated documents under docs/")

// screenTitles name the key map's sections; a screen missing here is shown
// by its own name.
var screenTitles = map[string]string{
	"global":    "Everywhere",
	"list":      "Moving in lists (the browser, the checklist, evidence, the detail, the flow tail)",
	"browser":   "ENI browser (the first screen)",
	"filter":    "Browser filter (after /, while typing)",
	"picker":    "Path picker (p, or :pick)",
	"checklist": "Checklist",
	"evidence":  "Evidence (enter on a checklist row)",
	"tail":      "Flow tail",
	"sweep":     "Sweep: who can reach this, what can this reach (i or o on an interface)",
}

// keysMarkdown is docs/keys.md, from the terminal's bindings.
func keysMarkdown() string {
	var b strings.Builder
	b.WriteString(`# Keys

<!-- Generated from tui/screen/keys.go by "make docs"; do not edit. A test fails when it is stale. -->

The terminal shows these in its help (` + "`?`" + `), for the screen in front of you and the global
keys. Every action can be rebound in the [configuration file](configuration.md) under ` + "`[keys]`" + `,
by the name in the last column:

` + "```toml" + `
[keys]
checklist.copy = ["y", "ctrl+y"]   # one key or a list; each works
global.quit = "Q"
` + "```" + `

A key is a character (` + "`y`, `G`, `/`" + `) or a name (` + "`enter`, `esc`, `tab`, `space`, `up`, `down`, `left`,\n`right`, `home`, `end`, `pgup`, `pgdown`, `backspace`, `delete`, `f1`…`f63`" + `) with optional modifiers in
the order ` + "`ctrl+alt+shift+`" + `. reach refuses an override that gives a key to two actions that can meet on
one screen, naming both; ` + "`reach config check`" + ` tells before the terminal starts.
`)
	screen := ""
	for _, a := range tui.KeyActions() {
		s, _, _ := strings.Cut(a.Name, ".")
		if s != screen {
			screen = s
			title := screenTitles[s]
			if title == "" {
				title = s
			}
			fmt.Fprintf(&b, "\n## %s\n\n| keys | does | action |\n|---|---|---|\n", title)
		}
		var keys []string
		for _, k := range a.Keys {
			keys = append(keys, "`"+strings.ReplaceAll(k, "|", `\|`)+"`")
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` |\n", strings.Join(keys, " "), strings.ReplaceAll(a.Desc, "|", `\|`), a.Name)
	}
	b.WriteString("\n## Commands (after `:`, as in k9s and vi)\n\n" +
		"Tab takes the suggested command name; `:help` lists them in the terminal.\n\n" +
		"| command | arguments | does |\n|---|---|---|\n")
	for _, c := range tui.Commands() {
		names := "`:" + c.Name + "`"
		for _, a := range c.Aliases {
			names += " `:" + a + "`"
		}
		args := ""
		if c.Args != "" {
			args = "`" + c.Args + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", names, strings.ReplaceAll(args, "|", `\|`), c.Desc)
	}
	return b.String()
}

func checkGenerated(t *testing.T, path, want string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (make docs writes it)", err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: run make docs\n%s", path, firstDiff(string(got), want))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  file: %q\n  code: %q", i+1, x, y)
		}
	}
	return ""
}

func TestGeneratedDocs(t *testing.T) {
	t.Run("keys.md", func(t *testing.T) { checkGenerated(t, "docs/keys.md", keysMarkdown()) })
	t.Run("reach.1", func(t *testing.T) { checkGenerated(t, "docs/reach.1", manPage(commandTree())) })
	t.Run("check.md", func(t *testing.T) { checkConsoleBlocks(t, "docs/check.md") })
	t.Run("configuration.md", func(t *testing.T) { checkConsoleBlocks(t, "docs/configuration.md") })
	t.Run("sweep.md", func(t *testing.T) { checkConsoleBlocks(t, "docs/sweep.md") })
}

// consoleBlocks match ```console blocks, and ````console blocks for output
// that holds ``` fences itself (markdown).
var consoleBlocks = []struct {
	fence string
	re    *regexp.Regexp
}{
	{"````", regexp.MustCompile("(?ms)^````console\n(.*?)^````$")},
	{"```", regexp.MustCompile("(?ms)^```console\n(.*?)^```$")},
}

// checkConsoleBlocks runs every "$ reach ..." command of the file's console
// blocks and compares its output (stdout, then stderr) and, when the block
// shows "$ echo $?", its exit status. With -update it rewrites the blocks.
func checkConsoleBlocks(t *testing.T, path string) {
	t.Helper()
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	out := string(doc)
	for _, cb := range consoleBlocks {
		out = cb.re.ReplaceAllStringFunc(out, func(block string) string {
			return checkBlock(t, path, cb.re, cb.fence, block, &n)
		})
	}
	if n == 0 {
		t.Errorf("%s has no console block to check", path)
	}
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBlock checks (or, with -update, rewrites) one console block.
func checkBlock(t *testing.T, path string, re *regexp.Regexp, fence, block string, n *int) string {
	t.Helper()
	body := re.FindStringSubmatch(block)[1]
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "$ reach ") {
		return block
	}
	*n++
	args := strings.Fields(strings.TrimPrefix(lines[0], "$ reach "))
	code, stdout, stderr := runCLI(args...)
	var want strings.Builder
	want.WriteString(lines[0] + "\n" + stdout + stderr)
	for i, l := range lines {
		if l == "$ echo $?" {
			fmt.Fprintf(&want, "$ echo $?\n%d\n", code)
			if !*update && (i+1 >= len(lines) || lines[i+1] != strconv.Itoa(code)) {
				t.Errorf("%s: %s exits %d", path, lines[0], code)
			}
		}
	}
	if !*update && body != want.String() {
		t.Errorf("%s: the output of %q is stale: run make docs\n%s", path, lines[0], firstDiff(body, want.String()))
	}
	return fence + "console\n" + want.String() + fence
}

// TestIAMDocCoversEveryAction: docs/iam.md says, for every action reach
// may call, why it needs it, one table row per action, and names no
// action that is not on the list.
func TestIAMDocCoversEveryAction(t *testing.T) {
	b, err := os.ReadFile("docs/iam.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9]+:[A-Za-z]+)` \\| (.+) \\|$")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		if _, dup := documented[m[1]]; dup {
			t.Errorf("%s has two rows", m[1])
		}
		documented[m[1]] = m[2]
	}
	for _, a := range slices.Concat(aws.AllowedActions, aws.AnalyzerActions) {
		why, ok := documented[a]
		if !ok {
			t.Errorf("docs/iam.md has no row for %s: say why reach needs it", a)
		} else if len(strings.Fields(why)) < 4 {
			t.Errorf("%s: %q is not a reason", a, why)
		}
		delete(documented, a)
	}
	for a := range documented {
		t.Errorf("docs/iam.md documents %s, which is not in aws.AllowedActions", a)
	}
	if !bytes.Contains(b, []byte("iam-policy.json")) {
		t.Error("docs/iam.md does not link the policy file")
	}
}

// TestDocLinks: every relative link in README.md and docs/*.md points at a
// file that exists.
func TestDocLinks(t *testing.T) {
	files, _ := filepath.Glob("docs/*.md")
	files = append(files, "README.md")
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			p := filepath.Join(filepath.Dir(f), target)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s links %s, which does not exist", f, m[1])
			}
		}
	}
}

// TestConfigDocListsEveryKey: docs/configuration.md names every setting.
func TestConfigDocListsEveryKey(t *testing.T) {
	b, err := os.ReadFile("docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys {
		name := k.Name
		if i := strings.LastIndex(name, "."); i >= 0 && name != "keys.*" {
			name = name[i+1:]
		}
		if name == "keys.*" {
			name = "[keys]"
		}
		if !bytes.Contains(b, []byte("`"+name)) {
			t.Errorf("docs/configuration.md does not document %s", k.Name)
		}
	}
}

// TestManPageRenders runs the page through mandoc's linter or man, when
// either is installed.
func TestManPageRenders(t *testing.T) {
	page := filepath.Join(t.TempDir(), "reach.1")
	if err := os.WriteFile(page, []byte(manPage(commandTree())), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("mandoc"); err == nil {
		// The page has no date on purpose: it is generated from the code,
		// and a date would make docs/reach.1 change on every build.
		out, _ := exec.Command("mandoc", "-Tlint", "-Wwarning", page).CombinedOutput()
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if line != "" && !strings.Contains(line, "missing date") {
				t.Errorf("mandoc -Tlint: %s", line)
			}
		}
		return
	}
	if _, err := exec.LookPath("groff"); err == nil {
		out, err := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z", page).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("groff: %v\n%s", err, out)
		}
		return
	}
	t.Skip("neither mandoc nor groff is installed")
}
