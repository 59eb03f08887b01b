package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/config"
	"github.com/reachnet/reach/tui"
)

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REACH_CONFIG", p)
	return p
}

func TestConfigAppliedFlagsWin(t *testing.T) {
	writeConfig(t, `profile = "cfgprof"
region = "eu-west-1"
theme = "light"
ascii = true
watch_interval = "30s"
[keys]
checklist.copy = ["Y", "ctrl+y"]
`)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_DEFAULT_PROFILE", "")
	p, err := parseArgs([]string{"--demo", "--theme", "dark"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := applyConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if p.str("theme") != "dark" {
		t.Errorf("--theme dark must win over the file, got %q", p.str("theme"))
	}
	if !p.flag("ascii") || p.dur("watch-interval") != 30*time.Second || p.str("profile") != "cfgprof" {
		t.Errorf("file values not applied: ascii %v, watch %s, profile %q", p.flag("ascii"), p.dur("watch-interval"), p.str("profile"))
	}
	if src := p.source(); src.region != "" || src.fallbackRegion != "eu-west-1" {
		t.Errorf("the file's region must be a fallback, not an override: %+v", src)
	}
	if k := tuiKeys(cfg); len(k) != 1 || k[0].Action != "checklist.copy" || strings.Join(k[0].Keys, ",") != "Y,ctrl+y" {
		t.Errorf("keys %+v", k)
	}

	// The environment's profile wins over the file's; a typed one over both.
	t.Setenv("AWS_PROFILE", "envprof")
	p, _ = parseArgs([]string{"check", "--from", "a", "--to", "b"})
	if _, err := applyConfig(p); err != nil {
		t.Fatal(err)
	}
	if p.str("profile") != "" {
		t.Errorf("AWS_PROFILE is set: the file's profile must not apply, got %q", p.str("profile"))
	}
	p, _ = parseArgs([]string{"check", "--region", "us-west-2"})
	_, _ = applyConfig(p)
	if src := p.source(); src.region != "us-west-2" || src.fallbackRegion != "" {
		t.Errorf("--region must win: %+v", src)
	}
}

func TestBadConfigIsOneLineExit2(t *testing.T) {
	for _, tc := range []struct {
		name, content, want string
	}{
		{"syntax", "theme = dark\n", ":1:9: theme:"},
		{"theme", "\n\ntheme = \"purple\"\n", `:3:1: theme: "purple": expected auto, dark or light`},
		{"key action", "[keys]\nchecklist.cpy = \"c\"\n", `:2:1: keys.checklist.cpy: no such action (did you mean "checklist.copy"?)`},
		{"key clash", "[keys]\n  checklist.copy = \"q\"\n", `:2:3: keys.checklist.copy: key "q" is already global.quit`},
		{"ports", "ports = { linux = \"1-70000\" }\n", ":1:11: ports.linux:"},
		{"unknown key", "[keys]\n[ports]\nlinx = \"1-2\"\n", `:3:1: unknown key "ports.linx" (did you mean "ports.linux"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, tc.content)
			for _, args := range [][]string{
				{"check", "--demo", "--from", "app-1", "--to", "10.0.33.12:5432"},
				{"flows", "--demo", "--from", "batch-1", "--to", "10.0.33.12:5432"},
				{"--demo"},
				{"config", "check"},
			} {
				code, out, errOut := runCLI(args...)
				if code != exitUsage || out != "" {
					t.Errorf("%v: exit %d, stdout %q", args, code, out)
				}
				want := "reach: " + path + tc.want
				if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, want) {
					t.Errorf("%v: stderr %q, want one line starting %q", args, errOut, want)
				}
			}
		})
	}
	t.Run("missing REACH_CONFIG file", func(t *testing.T) {
		t.Setenv("REACH_CONFIG", filepath.Join(t.TempDir(), "nope.toml"))
		code, _, errOut := runCLI("check", "--demo", "--from", "app-1", "--to", "10.0.33.12:5432")
		if code != exitUsage || !strings.Contains(errOut, "nope.toml: no such file (named by REACH_CONFIG)") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("commands that do not need it still run", func(t *testing.T) {
		writeConfig(t, "theme = dark\n")
		for _, args := range [][]string{{"config", "path"}, {"config", "example"}, {"version"}, {"help"}, {"completion", "bash"}, {"man"}} {
			if code, _, errOut := runCLI(args...); code != 0 {
				t.Errorf("%v with a broken config: exit %d, %s", args, code, errOut)
			}
		}
	})
}

var commentedSetting = regexp.MustCompile(`(?m)^# ([a-z_.]+ = .*)$`)

func TestConfigCommands(t *testing.T) {
	code, out, _ := runCLI("config", "example")
	if code != 0 {
		t.Fatal(code)
	}
	// The example, and the example with every commented setting switched
	// on, pass the whole check (themes and key actions included).
	for _, content := range []string{out, commentedSetting.ReplaceAllString(out, "$1")} {
		path := writeConfig(t, content)
		code, msg, errOut := runCLI("config", "check")
		if code != 0 || !strings.HasPrefix(msg, path+": ok") {
			t.Errorf("config check of the example: exit %d, %q %q\n%s", code, msg, errOut, content)
		}
		code, msg, _ = runCLI("config", "path")
		if code != 0 || msg != path+"\n" {
			t.Errorf("config path: %q", msg)
		}
	}
	c, err := config.Parse("example", []byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if c.WatchInterval != tui.DefaultWatchInterval {
		t.Errorf("the example's watch_interval %s is not the terminal's default %s", c.WatchInterval, tui.DefaultWatchInterval)
	}
	t.Setenv("REACH_CONFIG", "")
	code, msg, errOut := runCLI("config", "path")
	if code != 0 || msg != filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "reach", "config.toml")+"\n" || !strings.Contains(errOut, "does not exist yet") {
		t.Errorf("default path: %d %q %q", code, msg, errOut)
	}
	if code, msg, _ := runCLI("config", "check"); code != 0 || !strings.HasPrefix(msg, "no configuration file") {
		t.Errorf("config check without a file: %d %q", code, msg)
	}
	if code, _, errOut := runCLI("config"); code != exitUsage || !strings.Contains(errOut, "path, example or check") {
		t.Errorf("config alone: %d %q", code, errOut)
	}
}

// complete asks the binary for candidates the way every completion
// script does (the hidden __complete command) and returns the lines it
// offers, "VALUE<TAB>DESCRIPTION", without the closing directive.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, _ := runCLI(append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d", args, code)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" && !strings.HasPrefix(l, ":") {
			got = append(got, l)
		}
	}
	return got
}

func TestInventoryCacheAndCompleteEnds(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	if got := complete(t, "check", "--from", "eni-"); len(got) != 0 {
		t.Errorf("no cache: %q", got)
	}
	// The demo completes from the embedded data, without a cache.
	if got := complete(t, "check", "--demo", "--from", "app-"); !slices.Contains(got, "app-1\tName tag: i-01a2b3c4d5e6f0012") {
		t.Errorf("demo ends: %q", got)
	}
	// A check on a snapshot writes the cache; the demo does not.
	runCLI("check", "--demo", "--from", "app-1", "--to", "10.0.33.12:5432")
	if _, err := os.Stat(filepath.Join(cache, "reach", cacheFile)); err == nil {
		t.Error("a demo check wrote the cache")
	}
	if code, _, errOut := runCLI("check", "--snapshot", "demo/snapshot", "--from", "app-1", "--to", "10.0.33.12:5432"); code != 0 {
		t.Fatalf("check on the demo snapshot directory: %d %s", code, errOut)
	}
	path := filepath.Join(cache, "reach", cacheFile)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("cache mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{"# reach inventory: snapshot ", "\neni-0f6a7b8c9d0e10012\t", "\ni-01a2b3c4d5e6f0012\tinstance app-1\n", "\n10.0.33.12\t", "\napp-1\t", "payment-api.internal.mycompany.com\tprivate zone"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("cache lacks %q", want)
		}
	}
	for _, bad := range []string{"Secret", "AKIA", "\x1b"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("cache holds %q", bad)
		}
	}
	for _, tc := range []struct {
		name   string
		args   []string
		want   string
		prefix string
		min    int
	}{
		{"instances from the cache", []string{"check", "--to", "i-01a2b3c4d5e6f001"}, "i-01a2b3c4d5e6f0012\tinstance app-1", "i-01a2b3c4d5e6f001", 5},
		{"the terminal's ends too", []string{"--from", "app-"}, "app-1\tName tag: i-01a2b3c4d5e6f0012", "app-", 1},
		{"--eni offers interfaces only", []string{"flows", "--eni", ""}, "eni-0f6a7b8c9d0e10012\tapp-1 10.0.16.45", "eni-", 5},
		{"--eni completes the last of a list", []string{"flows", "--eni", "eni-0f6a7b8c9d0e10012,eni-0f6a7b8c9d0e1001"}, "eni-0f6a7b8c9d0e10012,eni-0f6a7b8c9d0e10011\t", "eni-0f6a7b8c9d0e10012,eni-", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := complete(t, tc.args...)
			if len(got) < tc.min || !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, tc.want) }) {
				t.Errorf("offers %q, want %q among at least %d", got, tc.want, tc.min)
			}
			for _, l := range got {
				if !strings.HasPrefix(l, tc.prefix) {
					t.Errorf("%q does not start with %q", l, tc.prefix)
				}
			}
		})
	}
	if got := complete(t, "check", "--to", "10.0.33.12:"); len(got) != 0 {
		t.Errorf("after the colon the port is the user's: %q", got)
	}
}

func TestCompleteFlagValues(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config")
	os.WriteFile(p, []byte("[default]\nregion=us-east-1\n[profile prod]\n[profile  stage ]\n[sso-session corp]\n[services x]\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", p)
	values := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			v, _, _ := strings.Cut(l, "\t")
			out = append(out, v)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"profiles from the AWS config", []string{"check", "--profile", ""}, []string{"default", "prod", "stage"}, []string{"corp", "x"}},
		{"regions", []string{"snapshot", "save", "--region", "eu-w"}, []string{"eu-west-1", "eu-west-2", "eu-west-3"}, []string{"us-east-1"}},
		{"protocols", []string{"check", "--protocol", "u"}, []string{"udp"}, nil},
		{"check's outputs", []string{"check", "-o", ""}, []string{"text", "json", "markdown"}, nil},
		{"flows' outputs", []string{"flows", "--output", ""}, []string{"text", "json"}, []string{"markdown"}},
		{"flows' actions", []string{"flows", "--action", ""}, []string{"ACCEPT", "REJECT"}, nil},
		{"themes", []string{"--theme", ""}, []string{"auto", "dark", "light"}, nil},
		{"commands", []string{""}, []string{"check", "snapshot", "flows", "config", "completion", "man", "version", "help"}, []string{"__complete"}},
		{"a group's commands", []string{"config", ""}, []string{"path", "example", "check"}, nil},
		{"shells", []string{"completion", ""}, []string{"bash", "zsh", "fish", "powershell"}, nil},
		{"a set source hides the others", []string{"check", "--demo", "--"}, []string{"--from", "--output"}, []string{"--snapshot", "--profile"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := values(complete(t, tc.args...))
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("offers %q, want %q among them", got, w)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(got, w) {
					t.Errorf("offers %q", w)
				}
			}
		})
	}
	// Every candidate comes with a description.
	for _, l := range complete(t, "check", "--region", "") {
		if v, d, _ := strings.Cut(l, "\t"); d == "" {
			t.Errorf("%s has no description", v)
		}
	}
}

// TestEveryFlagDocumented: every flag has a description and, when it takes
// a value, the placeholder help and the man page show.
func TestEveryFlagDocumented(t *testing.T) {
	for _, c := range leaves(commandTree()) {
		for _, f := range shownFlags(c) {
			if f.Usage == "" || (f.Value.Type() != "bool" && placeholder(f) == "") {
				t.Errorf("%q --%s lacks its usage or placeholder", name(c), f.Name)
			}
		}
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range leaves(commandTree()) {
		args := append(strings.Fields(name(c)), "--help")
		code, out, errOut := runCLI(args...)
		if code != 0 || errOut != "" || !strings.Contains(out, strings.Fields(c.Short)[0]) {
			t.Errorf("%v: %d %q %q", args, code, out, errOut)
		}
		for _, f := range shownFlags(c) {
			if !strings.Contains(out, usageName(f)) {
				t.Errorf("%v help lacks %s", args, usageName(f))
			}
		}
		if name(c) != "" {
			if code, out2, _ := runCLI(append([]string{"help"}, strings.Fields(name(c))...)...); code != 0 || out2 != out {
				t.Errorf("reach help %s differs from reach %s --help", name(c), name(c))
			}
		}
	}
	code, out, _ := runCLI("help")
	for _, c := range leaves(commandTree()) {
		if code != 0 || !strings.Contains(out, strings.TrimSpace("reach "+name(c))) {
			t.Errorf("reach help lacks %q", name(c))
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"help of nothing", []string{"help", "nope"}, `"nope"`},
		{"two directories", []string{"snapshot", "save", "a", "b"}, `unexpected argument "b"`},
		{"no directory", []string{"snapshot", "save"}, "missing DIR"},
		{"a group alone", []string{"config"}, "path, example or check"},
		{"a typo", []string{"chek"}, "did you mean check?"},
		{"a shell reach has no script for", []string{"completion", "tcsh"}, "bash, zsh, fish or powershell"},
		{"a value missing", []string{"check", "--from"}, "--from"},
		{"a number that is not", []string{"check", "--port", "x"}, "--port"},
		{"live and a snapshot", []string{"--snapshot", "x", "--region", "us-east-1"}, "--snapshot and --region exclude each other"},
		{"two record sources", []string{"flows", "--file", "x", "--since", "5m"}, "flows: --file and --since exclude each other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want one line naming %q", code, out, errOut, tc.want)
			}
		})
	}
	// Positional arguments may come before or after the flags.
	for _, args := range [][]string{{"save", "DIR", "--region", "x"}, {"save", "--region", "x", "DIR"}, {"save", "--region", "x", "--", "DIR"}} {
		p, err := parseArgs(append([]string{"snapshot"}, args...))
		if err != nil || len(p.args) != 1 || p.args[0] != "DIR" || p.str("region") != "x" {
			t.Errorf("%v: %v %+v", args, err, p)
		}
	}
	// The version names the commit, also without release stamps.
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		if code, out, _ := runCLI(args...); code != 0 || !strings.HasPrefix(out, "reach ") || !strings.Contains(out, "(commit ") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
}

// parseArgs parses a command line against the tree without running it.
func parseArgs(args []string) (*parsed, error) {
	c, rest, err := commandTree().Find(args)
	if err != nil {
		return nil, err
	}
	if err := c.ParseFlags(rest); err != nil {
		return nil, err
	}
	return &parsed{cmd: c, args: c.Flags().Args()}, nil
}

// shellScript writes reach's completion script for a shell to a file.
func shellScript(t *testing.T, shell, file string) string {
	t.Helper()
	code, script, errOut := runCLI("completion", shell)
	if code != 0 || script == "" {
		t.Fatalf("completion %s: %d %s", shell, code, errOut)
	}
	path := filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// bashCompletionLib is where the bash-completion package keeps the
// functions cobra's bash script uses.
const bashCompletionLib = "/usr/share/bash-completion/bash_completion"

// bashComplete runs bash with the completion script loaded and returns
// what it offers for the line.
func bashComplete(t *testing.T, script, path, line string) []string {
	t.Helper()
	words := strings.Fields(line)
	if strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, "'"+w+"'")
	}
	prog := "source " + bashCompletionLib + "\nsource " + script + "\nCOMP_LINE='" + line + "'\nCOMP_POINT=" + strconv.Itoa(len(line)) +
		"\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) +
		"\n__start_reach reach\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// With descriptions, bash shows "value  (description)".
		got = append(got, strings.Fields(l + " ")[0:1]...)
	}
	return got
}

func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	if _, err := os.Stat(bashCompletionLib); err != nil {
		t.Skip("the bash-completion package is not installed (make test-tools installs it)")
	}
	script := shellScript(t, "bash", "reach.bash")
	path := reachOnPath(t)
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"reach ch", []string{"check"}},
		{"reach config ", []string{"path", "example", "check"}},
		{"reach check --protocol u", []string{"udp"}},
		{"reach check --demo --from app-", []string{"app-1", "app-2"}},
		{"reach check --snapshot demo/snapshot --from web", []string{"web-1"}},
	} {
		got := bashComplete(t, script, path, tc.line)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: offers %v, want %q among them", tc.line, got, w)
			}
		}
	}
}

func TestFishCompletion(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed (make test-tools installs it)")
	}
	file := shellScript(t, "fish", "reach.fish")
	path := reachOnPath(t)
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"reach ch", []string{"check\tcheck one path"}},
		{"reach snapshot ", []string{"save\t"}},
		{"reach check --demo --from app-", []string{"app-1\tName tag: i-01a2b3c4d5e6f0012"}},
		{"reach check --protocol ", []string{"udp"}},
		{"reach --demo --the", []string{"--theme\t"}},
	} {
		cmd := exec.Command("fish", "--no-config", "-c", "source "+file+"; complete -C '"+tc.line+"'")
		cmd.Env = append(os.Environ(), "PATH="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish: %v\n%s", err, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%q: offers\n%s\nwant %q among them", tc.line, out, w)
			}
		}
	}
}

func TestZshCompletionParses(t *testing.T) {
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("zsh is not installed (make test-tools installs it)")
	}
	file := shellScript(t, "zsh", "_reach")
	if out, err := exec.Command("zsh", "-n", file).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
}

func TestPowerShellCompletion(t *testing.T) {
	// PowerShell is rarely on a Linux machine; the script is checked for
	// what registers it and asks the binary, which the other shells run.
	b, err := os.ReadFile(shellScript(t, "powershell", "reach.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Register-ArgumentCompleter", "-CommandName 'reach'", "__complete"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the PowerShell script lacks %q", want)
		}
	}
}

func TestInventoryCacheMerge(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	net := func(ids ...string) *checks.Network {
		n := checks.NewNetwork()
		for _, id := range ids {
			n.ENIs[id] = &checks.ENI{ID: id, Name: "x\x1b[31m\tname"}
		}
		return n
	}
	values := func() (string, []string) {
		label, es, err := readInventoryCache()
		if err != nil {
			t.Fatal(err)
		}
		var v []string
		for _, e := range es {
			v = append(v, e.value)
			if strings.ContainsAny(e.desc, "\x1b\t") {
				t.Errorf("description %q holds control characters", e.desc)
			}
		}
		return label, v
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(saveInventoryCache("live prod us-east-1", net("eni-a", "eni-b"), false))
	must(saveInventoryCache("live prod us-east-1", net("eni-c"), true))
	if label, v := values(); label != "live prod us-east-1" || strings.Join(v, " ") != "eni-a eni-b eni-c" {
		t.Errorf("a partial load of the same account adds: %q %v", label, v)
	}
	must(saveInventoryCache("live stage eu-west-1", net("eni-d"), true))
	if label, v := values(); label != "live stage eu-west-1" || strings.Join(v, " ") != "eni-d" {
		t.Errorf("another account replaces: %q %v", label, v)
	}
	must(saveInventoryCache("live stage eu-west-1", net("eni-e"), false))
	if _, v := values(); strings.Join(v, " ") != "eni-e" {
		t.Errorf("a full load replaces: %v", v)
	}
}

// TestDocumentedCommandLinesParse: every reach command line in a code
// block of README.md, docs/ and demo/PATHS.md parses: its command exists,
// and its flags and arguments are accepted (nothing runs).
func TestDocumentedCommandLinesParse(t *testing.T) {
	files, _ := filepath.Glob("docs/*.md")
	files = append(files, "README.md", "demo/PATHS.md")
	fence := regexp.MustCompile("(?ms)^```[a-z]*\n(.*?)^```")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range fence.FindAllStringSubmatch(string(b), -1) {
			for _, line := range strings.Split(block[1], "\n") {
				line, _, _ = strings.Cut(line, " #")
				line = strings.TrimPrefix(strings.TrimSpace(line), "$ ")
				// Synopses ("(--snapshot DIR | --demo)") and elided IDs
				// ("i-0abc…") are not lines to type as they are.
				if !strings.HasPrefix(line, "reach ") && line != "reach" || strings.ContainsAny(line, "|[(<>…$") {
					continue
				}
				n++
				args := strings.Fields(line)[1:]
				p, err := parseArgs(args)
				if err == nil {
					err = p.cmd.ValidateArgs(p.args)
				}
				if err == nil {
					err = exclusiveFlagsSet(p.cmd, p.args)
				}
				if err != nil {
					t.Errorf("%s: %q: %v", f, line, err)
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d documented command lines found", n)
	}
}
