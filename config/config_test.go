package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	const file = `
# a comment
profile = "prod"   # trailing comment
region = 'eu-west-1'
theme = "dark"
ascii = true
watch_interval = "10s"
analyzer_timeout = "90s"

[ports]
linux = "1024-65535"
windows = "49152-65535"

[keys]
checklist.copy = ["y", "ctrl+y"]
"global.quit" = "Q"

[keys.list]
down = "n"
up = [
  "e",   # a list may span lines
  "k",
]
`
	c, err := Parse("c.toml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		File: "c.toml", Profile: "prod", Region: "eu-west-1", Theme: "dark", ASCII: true,
		WatchInterval:      10 * time.Second,
		AnalyzerTimeout:    90 * time.Second,
		LinuxClientPorts:   PortRange{1024, 65535},
		WindowsClientPorts: PortRange{49152, 65535},
		Keys: []KeyOverride{
			{Action: "checklist.copy", Keys: []string{"y", "ctrl+y"}},
			{Action: "global.quit", Keys: []string{"Q"}},
			{Action: "list.down", Keys: []string{"n"}},
			{Action: "list.up", Keys: []string{"e", "k"}},
		},
	}
	c.at = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
	c, _ = Parse("c.toml", []byte(file))
	for key, line := range map[string]int{"profile": 3, "analyzer_timeout": 8, "ports.linux": 11, "ports.windows": 12, "keys.global.quit": 16, "keys.list.down": 19, "mouse": 0} {
		if got := c.Line(key); got != line {
			t.Errorf("Line(%q) = %d, want %d", key, got, line)
		}
	}
}

// TestParseTOML: what TOML allows beyond one line per setting reads as
// the same settings.
func TestParseTOML(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       Config
	}{
		{"inline table", `ports = { linux = "1024-65535", windows = "49152-65535" }`,
			Config{LinuxClientPorts: PortRange{1024, 65535}, WindowsClientPorts: PortRange{49152, 65535}}},
		{"inline table of keys", `keys = { global = { quit = "Q" } }`,
			Config{Keys: []KeyOverride{{Action: "global.quit", Keys: []string{"Q"}}}}},
		{"multi-line array", "[keys]\nglobal.quit = [\n  \"Q\",\n  \"ctrl+q\",\n]\n",
			Config{Keys: []KeyOverride{{Action: "global.quit", Keys: []string{"Q", "ctrl+q"}}}}},
		{"multi-line string", `theme = """dark"""`, Config{Theme: "dark"}},
		{"literal string", `profile = 'prod'`, Config{Profile: "prod"}},
		{"escapes", `profile = "pr\u006fd"`, Config{Profile: "prod"}},
		{"byte order mark", "\uFEFFtheme = \"light\"", Config{Theme: "light"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("c.toml", []byte(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			c.File, c.at = "", nil
			if !reflect.DeepEqual(*c, tc.want) {
				t.Errorf("got  %+v\nwant %+v", *c, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		line, col  int
		want       string
	}{
		{"unknown key", "thme = \"dark\"", 1, 1, `did you mean "theme"`},
		{"unknown far key", "colour_scheme = 1", 1, 1, "known: profile"},
		{"unknown key in an inline table", "ports = { linx = \"1-2\" }", 1, 11, `unknown key "ports.linx" (did you mean "ports.linux"?)`},
		{"unquoted string", "\n\nprofile = prod", 3, 11, `put text in quotes ("prod")`},
		{"bad bool", "ascii = yes", 1, 9, `"yes" is not a value`},
		{"string for bool", `ascii = "true"`, 1, 1, "expected a boolean, got a string"},
		{"duration number", "watch_interval = 5", 1, 1, `duration in quotes such as "5s"`},
		{"bad duration", `watch_interval = "5 seconds"`, 1, 1, "not a duration"},
		{"short duration", `watch_interval = "100ms"`, 1, 1, "too short"},
		{"ports reversed", "[ports]\nlinux = \"60999-32768\"", 2, 1, "ends before it starts"},
		{"ports range", "[ports]\nwindows = \"1-65536\"", 2, 1, "0 to 65535"},
		{"port zero", "[ports]\nwindows = \"0-1024\"", 2, 1, "1 to 65535"},
		{"ports shape", "[ports]\nwindows = \"49152\"", 2, 1, "FROM-TO"},
		{"unknown port key", "[ports]\n  mac = \"49152-65535\"", 2, 3, `unknown key "ports.mac"`},
		{"unknown section", "[colours]", 1, 2, `unknown key "colours"`},
		{"duplicate key", "theme = \"dark\"\ntheme = \"light\"", 2, 1, "set twice (first on line 1)"},
		{"duplicate via dotted", "[ports]\nlinux = \"1-2\"\n[keys]\n", 0, 0, ""},
		{"dotted vs section", "ports.linux = \"1-2\"\n[ports]\nlinux = \"1-3\"", 3, 1, "set twice"},
		{"duplicate section", "[keys]\n[keys]", 2, 2, "appears twice"},
		{"array of tables", "[[keys]]", 1, 3, `unknown key "keys"`},
		{"unclosed header", "[keys", 1, 0, ""},
		{"no equals", "theme \"dark\"", 1, 0, ""},
		{"no value", "theme =", 1, 0, ""},
		{"trailing junk", `theme = "dark" light`, 1, 0, ""},
		{"unterminated", `theme = "dark`, 1, 0, ""},
		{"empty key list", "[keys]\nglobal.quit = []", 2, 1, "at least one"},
		{"key list of numbers", "[keys]\nglobal.quit = [1]", 2, 1, "expected a key in quotes or a list of keys"},
		{"key with spaces", "[keys]\nglobal.quit = \" q\"", 2, 1, "no spaces"},
		{"unterminated array", "[keys]\nglobal.quit = [\"q\"", 2, 0, ""},
		{"bare keys table", "keys = \"q\"", 1, 1, `unknown key "keys"`},
		{"a table for a setting", "theme = { a = 1 }", 1, 11, `unknown key "theme.a"`},
		{"bad region", `region = "US East"`, 1, 1, "not a Region name"},
		{"bad escape", `profile = "a\qb"`, 1, 0, ""},
		{"nul", "profile = \"a\x00\"", 1, 0, ""},
		{"missing key", "= 3", 1, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("/home/u/.config/reach/config.toml", []byte(tc.file))
			if tc.line == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			// A syntax error's message is the TOML library's; its
			// position is what must be right.
			if ce.Line != tc.line || ce.Column < 1 || tc.col > 0 && ce.Column != tc.col || !strings.Contains(ce.Msg, tc.want) {
				t.Errorf("got %q, want line %d column %d containing %q", err, tc.line, tc.col, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "/home/u/.config/reach/config.toml:") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q must be one line starting with the file name", err)
			}
		})
	}
}

func TestExampleParses(t *testing.T) {
	ex := Example()
	c, err := Parse("example", []byte(ex))
	if err != nil {
		t.Fatalf("the example does not parse: %v\n%s", err, ex)
	}
	if c.WatchInterval != 5*time.Second || c.Theme != "auto" || c.LinuxClientPorts != (PortRange{32768, 60999}) || c.WindowsClientPorts != (PortRange{49152, 65535}) {
		t.Errorf("the example's live values are not the defaults: %+v", c)
	}
	// With every commented-out setting switched on, it still parses and
	// sets every key.
	on := uncomment(ex)
	c, err = Parse("example", []byte(on))
	if err != nil {
		t.Fatalf("the uncommented example does not parse: %v\n%s", err, on)
	}
	for _, k := range Keys {
		name := k.Name
		if name == "keys.*" {
			if len(c.Keys) == 0 {
				t.Errorf("the example shows no key override")
			}
			continue
		}
		if !c.Has(name) {
			t.Errorf("the example does not show %s", name)
		}
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv(EnvVar, "")
	p, explicit, err := Path()
	if err != nil || explicit || p != filepath.Join(dir, "reach", "config.toml") {
		t.Fatalf("Path() = %q, %v, %v", p, explicit, err)
	}
	c, err := Load()
	if err != nil || c.File != "" {
		t.Fatalf("a missing default file must be no error: %+v, %v", c, err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("theme = \"light\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err = Load(); err != nil || c.Theme != "light" || c.File != p {
		t.Fatalf("Load() = %+v, %v", c, err)
	}

	named := filepath.Join(dir, "other.toml")
	t.Setenv(EnvVar, named)
	_, err = Load()
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), named) || !strings.Contains(err.Error(), EnvVar) {
		t.Fatalf("a missing REACH_CONFIG file must be an error naming it: %v", err)
	}
	t.Setenv(EnvVar, dir)
	if _, err = Load(); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("a directory: %v", err)
	}
}

func TestErrorf(t *testing.T) {
	c, err := Parse("f.toml", []byte("\ntheme = \"purple\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Errorf("theme", "expected auto, dark or light").Error(); got != `f.toml:2:1: theme: expected auto, dark or light` {
		t.Errorf("got %q", got)
	}
}

var commented = regexp.MustCompile(`(?m)^# ([a-z_.]+ = .*)$`)

// uncomment switches on the example's commented-out settings.
func uncomment(s string) string { return commented.ReplaceAllString(s, "$1") }

func FuzzParse(f *testing.F) {
	f.Add(Example())
	f.Add(uncomment(Example()))
	f.Add("[keys]\nglobal.quit = [\"a\", 'b']\n")
	f.Add("x = \"\\u00e9\"")
	f.Add("ports = { linux = \"1024-65535\" }\n[keys]\nglobal.quit = [\n  \"Q\",\n]\n")
	f.Add("[keys.list]\ndown = '''n'''\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse("fuzz", []byte(s))
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error must be one line *Error: %q", err)
			}
			return
		}
		if c == nil {
			t.Fatal("nil config without error")
		}
		// Every setting read is one a later error can point at.
		for _, k := range c.Keys {
			if c.Line("keys."+k.Action) == 0 {
				t.Fatalf("keys.%s was read but has no position", k.Action)
			}
		}
	})
}
