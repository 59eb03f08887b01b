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
	p, err := lookup("").parse([]string{"--demo", "--theme", "dark"})
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
	p, _ = lookup("check").parse([]string{"--from", "a", "--to", "b"})
	if _, err := applyConfig(p); err != nil {
		t.Fatal(err)
	}
	if p.str("profile") != "" {
		t.Errorf("AWS_PROFILE is set: the file's profile must not apply, got %q", p.str("profile"))
	}
	p, _ = lookup("check").parse([]string{"--region", "us-west-2"})
	_, _ = applyConfig(p)
	if src := p.source(); src.region != "us-west-2" || src.fallbackRegion != "" {
		t.Errorf("--region must win: %+v", src)
	}
}

func TestBadConfigIsOneLineExit2(t *testing.T) {
	for _, tc := range []struct {
		name, content, want string
	}{
		{"syntax", "theme = dark\n", ":1: theme:"},
		{"theme", "\n\ntheme = \"purple\"\n", `:3: theme: "purple": expected auto, dark or light`},
		{"key action", "[keys]\nchecklist.cpy = \"c\"\n", `:2: keys.checklist.cpy: no such action (did you mean "checklist.copy"?)`},
		{"key clash", "[keys]\nchecklist.copy = \"q\"\n", `:2: keys.checklist.copy: key "q" is already global.quit`},
		{"ports", "[ports]\nlinux = \"1-70000\"\n", ":2: ports.linux:"},
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

func TestInventoryCacheAndCompleteEnds(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	code, out, errOut := runCLI("__complete-ends", "eni-")
	if code == 0 || out != "" || !strings.Contains(errOut, "no inventory cache yet") {
		t.Errorf("no cache: %d %q %q", code, out, errOut)
	}
	// The demo completes from the embedded data, without a cache.
	code, out, _ = runCLI("__complete-ends", "--demo", "--", "app-")
	if code != 0 || !strings.Contains(out, "app-1\tName tag: i-01a2b3c4d5e6f0012\n") {
		t.Errorf("demo ends: %d\n%s", code, out)
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
	code, out, _ = runCLI("__complete-ends", "i-01a2b3c4d5e6f001")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) < 5 || !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "i-01a2b3c4d5e6f0012\t") }) {
		t.Errorf("complete i-…: %d\n%s", code, out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "i-01a2b3c4d5e6f001") {
			t.Errorf("%q does not start with the prefix", l)
		}
	}
	if code, out, _ = runCLI("__complete-ends", "10.0.33.12:"); code != 0 || out != "" {
		t.Errorf("after the colon the port is the user's: %q", out)
	}
}

func TestCompleteProfiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config")
	os.WriteFile(p, []byte("[default]\nregion=us-east-1\n[profile prod]\n[profile  stage ]\n[sso-session corp]\n[services x]\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", p)
	code, out, _ := runCLI("__complete-profiles")
	if code != 0 || out != "default\nprod\nstage\n" {
		t.Errorf("%d %q", code, out)
	}
}

// TestFlagsAgreeAcrossCommands: a flag name takes a value everywhere or
// nowhere, which the completion scripts rely on to tell a flag's value
// from a subcommand.
func TestFlagsAgreeAcrossCommands(t *testing.T) {
	seen := map[string]flagSpec{}
	for _, c := range commands {
		names := map[string]bool{}
		for _, f := range c.flags {
			if names[f.name] {
				t.Errorf("%q has --%s twice", c.name, f.name)
			}
			names[f.name] = true
			if f.usage == "" || (f.kind != kindBool && f.arg == "") {
				t.Errorf("%q --%s lacks its usage or argument name", c.name, f.name)
			}
			if prev, ok := seen[f.name]; ok && (prev.kind == kindBool) != (f.kind == kindBool) {
				t.Errorf("--%s takes a value in one command and not in another", f.name)
			}
			seen[f.name] = f
		}
		if (c.run == nil) == (c.raw == nil) || c.summary == "" {
			t.Errorf("%q lacks run or summary", c.name)
		}
	}
}

// TestRawCommandsAcceptTheirFlags: a command that parses its own flags
// must accept every flag the table documents for it (a flag it does not
// know is a usage error naming the flag). Go's flag package stops at
// --help, so each flag is tried with --help after it and nothing runs.
func TestRawCommandsAcceptTheirFlags(t *testing.T) {
	for _, c := range commands {
		if c.raw == nil {
			continue
		}
		for _, f := range c.flags {
			args := append(strings.Fields(c.name), f.flagWord())
			if f.kind != kindBool {
				args = append(args, "x")
			}
			// --help last: the parser stops there, so nothing runs.
			_, _, errOut := runCLI(append(args, "--help")...)
			if strings.Contains(errOut, "not defined") && strings.Contains(errOut, f.name) {
				t.Errorf("%s does not accept %s, which the table documents: %s", c.name, f.flagWord(), errOut)
			}
		}
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range visible() {
		if c.raw != nil {
			continue // its own parser answers --help
		}
		args := append(strings.Fields(c.name), "--help")
		code, out, errOut := runCLI(args...)
		if code != 0 || errOut != "" || !strings.Contains(out, strings.Fields(c.summary)[0]) {
			t.Errorf("%v: %d %q %q", args, code, out, errOut)
		}
		for _, f := range c.flags {
			if !strings.Contains(out, f.usageName()) {
				t.Errorf("%v help lacks %s", args, f.usageName())
			}
		}
		if c.name != "" {
			if code, out2, _ := runCLI(append([]string{"help"}, strings.Fields(c.name)...)...); code != 0 || out2 != out {
				t.Errorf("reach help %s differs from reach %s --help", c.name, c.name)
			}
		}
	}
	code, out, _ := runCLI("help")
	for _, c := range visible() {
		if code != 0 || !strings.Contains(out, "reach "+c.name) {
			t.Errorf("reach help lacks %q", c.name)
		}
	}
	if code, _, errOut := runCLI("help", "nope"); code != exitUsage || !strings.Contains(errOut, `"nope"`) {
		t.Errorf("help nope: %d %q", code, errOut)
	}
	// Positional arguments may come before or after the flags.
	for _, args := range [][]string{{"save", "DIR", "--region", "x"}, {"save", "--region", "x", "DIR"}, {"save", "--region", "x", "--", "DIR"}} {
		c, rest, err := findCommand(append([]string{"snapshot"}, args...))
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.parse(rest)
		if err != nil || len(p.args) != 1 || p.args[0] != "DIR" || p.str("region") != "x" {
			t.Errorf("%v: %v %+v", args, err, p)
		}
	}
	if code, _, errOut := runCLI("snapshot", "save", "a", "b"); code != exitUsage || !strings.Contains(errOut, `unexpected argument "b"`) {
		t.Errorf("two dirs: %d %q", code, errOut)
	}
}

// completions runs a shell with the completion script loaded and returns
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
	prog := script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_reach\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	_, script, _ := runCLI("completion", "bash")
	path := reachOnPath(t)
	for _, tc := range []struct {
		line string
		want []string
		not  []string
	}{
		{"reach ch", []string{"check"}, nil},
		{"reach ", []string{"check", "snapshot", "config", "completion", "man", "version", "help"}, []string{"__complete-ends"}},
		{"reach snapshot ", []string{"save"}, nil},
		{"reach config ", []string{"path", "example", "check"}, nil},
		{"reach completion ", []string{"bash", "zsh", "fish"}, nil},
		{"reach check --pro", []string{"--protocol", "--profile"}, nil},
		{"reach check --protocol u", []string{"udp"}, nil},
		{"reach check -o ", []string{"text", "json", "markdown"}, nil},
		{"reach flows -o ", []string{"text", "json"}, []string{"markdown"}},
		{"reach flows --action ", []string{"ACCEPT", "REJECT"}, nil},
		{"reach flows --demo --from bat", []string{"batch-1"}, nil},
		{"reach --theme ", []string{"auto", "dark", "light"}, nil},
		{"reach check --demo --from app-", []string{"app-1", "app-2"}, []string{"web-1"}},
		{"reach --demo --to 10.0.33.", []string{"10.0.33.12"}, nil},
		{"reach check --demo --from i-01a2b3c4d5e6f002", []string{"i-01a2b3c4d5e6f0021"}, nil},
		{"reach --demo --", []string{"--from", "--watch-interval", "--theme"}, []string{"-o"}},
		{"reach check --snapshot demo/snapshot --from web", []string{"web-1"}, nil},
	} {
		got := bashComplete(t, script, path, tc.line)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: offers %v, want %q among them", tc.line, got, w)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: offers %q", tc.line, w)
			}
		}
	}
}

func TestFishCompletion(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	_, script, _ := runCLI("completion", "fish")
	file := filepath.Join(t.TempDir(), "reach.fish")
	os.WriteFile(file, []byte(script), 0o600)
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
		{"reach check -", []string{"-o\t"}},
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
		t.Skip("zsh is not installed")
	}
	_, script, _ := runCLI("completion", "zsh")
	file := filepath.Join(t.TempDir(), "_reach")
	os.WriteFile(file, []byte(script), 0o600)
	if out, err := exec.Command("zsh", "-n", file).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	for _, c := range visible() {
		for _, f := range c.flags {
			if !strings.Contains(script, "'"+f.flagWord()+"[") {
				t.Errorf("zsh script lacks %s", f.flagWord())
			}
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
