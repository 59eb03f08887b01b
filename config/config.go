// Package config reads reach's optional configuration file: defaults for
// the flags people would otherwise type on every run (profile, region,
// theme, watch interval), key overrides for the terminal, and the
// ephemeral port ranges reach assumes for clients.
//
// The file is a small subset of TOML that the standard library can parse
// by hand: comments, [sections], `key = value` with bare or dotted keys,
// strings, booleans, integers and one-line arrays of strings. Anything
// TOML allows beyond that (multi-line strings and arrays, inline tables,
// arrays of tables, dates) is refused with the line that holds it, so a
// file that reach reads is also a valid TOML file for any other tool.
//
// Every error names the file and the line; the caller prints it as it is
// and exits. The package depends on the standard library only.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EnvVar names the file to read instead of the default path.
const EnvVar = "REACH_CONFIG"

// maxSize bounds the file: a configuration of a dozen keys is a few hundred
// bytes, and anything near a megabyte was named by mistake (a log, a
// binary).
const maxSize = 1 << 20

// MinWatchInterval is the shortest watch interval the file may set: every
// tick of watch mode reads the account again, and a live account
// throttles a tool that describes it many times a second.
const MinWatchInterval = time.Second

// PortRange is an inclusive range of ports; the zero value means unset.
type PortRange struct {
	From, To int
}

// IsZero reports whether the range is unset.
func (r PortRange) IsZero() bool { return r == PortRange{} }

func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.From, r.To) }

// KeyOverride rebinds one action of the terminal ("checklist.copy") to
// keys ("c", "ctrl+y").
type KeyOverride struct {
	Action string
	Keys   []string
}

// Config is the parsed file. Zero fields were not set; the caller applies
// only what is set, and only where no flag was given.
type Config struct {
	// File is the path the configuration was read from; empty when there
	// is no file.
	File string

	// Profile is the AWS shared-config profile to use when neither
	// --profile nor AWS_PROFILE names one.
	Profile string
	// Region is the AWS Region to use when neither --region nor
	// AWS_REGION / AWS_DEFAULT_REGION names one.
	Region string
	// Theme is the terminal's palette: "auto", "dark" or "light". The
	// caller validates it against the themes it has.
	Theme string
	// ASCII and Mouse turn on --ascii and --mouse by default.
	ASCII, Mouse bool
	// WatchInterval is the re-poll period of watch mode.
	WatchInterval time.Duration
	// LinuxClientPorts and WindowsClientPorts replace the ephemeral port
	// ranges reach assumes for Linux and Windows clients (32768-60999 and
	// 49152-65535): the reply of a connection is addressed to that range,
	// so a fleet tuned with ip_local_port_range needs its own.
	LinuxClientPorts, WindowsClientPorts PortRange
	// Keys rebinds terminal actions, in file order.
	Keys []KeyOverride

	lines map[string]int
}

// Error is a configuration problem with the file and line it is on (Line 0
// when it concerns the whole file).
type Error struct {
	File string
	Line int
	Msg  string
	// err is the underlying error, for errors.Is (a missing file).
	err error
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.err }

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Line returns the line that set key ("theme", "keys.global.quit"), or 0
// when the file did not set it.
func (c *Config) Line(key string) int {
	if c == nil {
		return 0
	}
	return c.lines[key]
}

// Has reports whether the file set key.
func (c *Config) Has(key string) bool { return c.Line(key) > 0 }

// Errorf returns an *Error on the line that set key, for problems the
// caller finds when it applies a value (an unknown theme, a key override
// naming an action the terminal does not have).
func (c *Config) Errorf(key, format string, a ...any) error {
	return &Error{File: c.File, Line: c.Line(key), Msg: key + ": " + fmt.Sprintf(format, a...)}
}

// Path returns the file reach reads: $REACH_CONFIG when set, else
// config.toml in reach's directory under the XDG config directory
// ($XDG_CONFIG_HOME, else ~/.config, on every system: people who live on
// bastions over SSH expect the same path on their Mac). explicit is true
// when REACH_CONFIG named it, and the file must then exist.
func Path() (path string, explicit bool, err error) {
	if p := os.Getenv(EnvVar); p != "" {
		return p, true, nil
	}
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "reach", "config.toml"), false, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", false, fmt.Errorf("config: no home directory to find config.toml in (set %s or XDG_CONFIG_HOME): %w", EnvVar, err)
	}
	return filepath.Join(home, ".config", "reach", "config.toml"), false, nil
}

// Load reads the file Path names. A missing file at the default path is
// no error: it returns an empty Config with File "".
func Load() (*Config, error) {
	path, explicit, err := Path()
	if err != nil {
		return nil, err
	}
	c, err := ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return &Config{}, nil
	}
	return c, err
}

// ReadFile reads and parses one file. A file that does not exist returns
// an *Error that wraps fs.ErrNotExist.
func ReadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: path, Msg: "no such file (named by " + EnvVar + ")", err: err}
		}
		return nil, &Error{File: path, Msg: plainErr(err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory, not a configuration file"}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, &Error{File: path, Msg: plainErr(err)}
	}
	if len(b) > maxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d bytes: is this the configuration file?", maxSize)}
	}
	return Parse(path, b)
}

// plainErr drops the path os errors repeat ("open /x: permission denied"
// becomes "permission denied"), since Error already names the file.
func plainErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// kind is the type a key's value must have.
type kind int

const (
	kindString kind = iota
	kindBool
	kindDuration
	kindPorts
	kindKeys
)

// Key describes one setting: its name as written in the file, the type of
// its value and what it does. Keys is the single list the parser, the
// example and the documentation come from.
type Key struct {
	Name string
	kind kind
	// Doc says what the setting does, for the example file.
	Doc string
	// Example is the value the example file shows.
	Example string
	set     func(c *Config, v value) error
}

// Type names the value's type for people.
func (k Key) Type() string {
	return [...]string{"string", "boolean", "duration", "port range", "key list"}[k.kind]
}

// Keys lists every key the file may set, in the example file's order; key
// overrides ("keys.ACTION") are one entry, "keys.*".
var Keys = []Key{
	{Name: "profile", kind: kindString, Example: `"prod"`,
		Doc: "AWS shared-config profile, used when neither --profile nor AWS_PROFILE names one.",
		set: func(c *Config, v value) error { c.Profile = v.s; return nil }},
	{Name: "region", kind: kindString, Example: `"us-east-1"`,
		Doc: "AWS Region, used when neither --region nor AWS_REGION names one.",
		set: func(c *Config, v value) error {
			if !validRegion(v.s) {
				return fmt.Errorf("%q is not a Region name (for example us-east-1)", v.s)
			}
			c.Region = v.s
			return nil
		}},
	{Name: "theme", kind: kindString, Example: `"auto"`,
		Doc: "Terminal palette: auto (follow the terminal's background), dark or light.",
		set: func(c *Config, v value) error { c.Theme = v.s; return nil }},
	{Name: "ascii", kind: kindBool, Example: "false",
		Doc: "Draw no glyph beyond ASCII (terminals or fonts without box drawing and check marks).",
		set: func(c *Config, v value) error { c.ASCII = v.b; return nil }},
	{Name: "mouse", kind: kindBool, Example: "false",
		Doc: "Scroll with the mouse wheel (turns off the terminal's own text selection).",
		set: func(c *Config, v value) error { c.Mouse = v.b; return nil }},
	{Name: "watch_interval", kind: kindDuration, Example: `"5s"`,
		Doc: "How often watch mode (w) reads the account again; at least 1s.",
		set: func(c *Config, v value) error { c.WatchInterval = v.d; return nil }},
	{Name: "ports.linux", kind: kindPorts, Example: `"32768-60999"`,
		Doc: "Ephemeral ports of Linux clients (net.ipv4.ip_local_port_range): replies go to this range,\nso network ACLs must admit all of it. reach check and the terminal use it for Linux clients.",
		set: func(c *Config, v value) error { c.LinuxClientPorts = v.p; return nil }},
	{Name: "ports.windows", kind: kindPorts, Example: `"49152-65535"`,
		Doc: "Ephemeral ports of Windows clients (netsh int ipv4 show dynamicport tcp), used for\nWindows clients.",
		set: func(c *Config, v value) error { c.WindowsClientPorts = v.p; return nil }},
	{Name: "keys.*", kind: kindKeys, Example: `["y", "ctrl+y"]`,
		Doc: "Rebind a terminal action: keys.ACTION = \"KEY\" or [\"KEY\", ...]; docs/keys.md lists the actions.",
		set: func(c *Config, v value) error { return nil }},
}

func lookupKey(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Name == name || strings.HasSuffix(k.Name, ".*") && strings.HasPrefix(name, strings.TrimSuffix(k.Name, "*")) && len(name) > len(k.Name)-1 {
			return k, true
		}
	}
	return Key{}, false
}

// validRegion accepts the shape of every Region name (us-east-1,
// us-gov-west-1, cn-north-1, ap-southeast-5) without a list that would go
// stale as Regions open.
func validRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for _, r := range p {
			digit := r >= '0' && r <= '9'
			if i == len(parts)-1 && !digit || i < len(parts)-1 && !(r >= 'a' && r <= 'z') {
				return false
			}
		}
	}
	return true
}

// value is one parsed right-hand side.
type value struct {
	kind string // "string", "bool", "integer", "array"
	s    string
	b    bool
	list []string
	d    time.Duration
	p    PortRange
}

// Parse parses the file's content; name is used in errors.
func Parse(name string, content []byte) (*Config, error) {
	c := &Config{File: name, lines: map[string]int{}}
	errf := func(line int, format string, a ...any) error {
		return &Error{File: name, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	text := string(content)
	text = strings.TrimPrefix(text, "\uFEFF")
	section := ""
	sections := map[string]int{}
	for i, raw := range strings.Split(text, "\n") {
		line := i + 1
		raw = strings.TrimSuffix(raw, "\r")
		if strings.ContainsRune(raw, 0) {
			return nil, errf(line, "contains a NUL byte: is this the configuration file?")
		}
		s := strings.TrimSpace(raw)
		if s == "" || s[0] == '#' {
			continue
		}
		if s[0] == '[' {
			if strings.HasPrefix(s, "[[") {
				return nil, errf(line, "arrays of tables ([[...]]) are not supported")
			}
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, errf(line, "section header without a closing ]")
			}
			if rest := strings.TrimSpace(s[end+1:]); rest != "" && rest[0] != '#' {
				return nil, errf(line, "unexpected %q after the section header", rest)
			}
			path, rest, err := parseKey(s[1:end])
			if err == nil && strings.TrimSpace(rest) != "" {
				err = fmt.Errorf("unexpected %q in the section name", strings.TrimSpace(rest))
			}
			if err != nil {
				return nil, errf(line, "section header: %v", err)
			}
			section = strings.Join(path, ".")
			if first, dup := sections[section]; dup {
				return nil, errf(line, "section [%s] appears twice (first on line %d)", section, first)
			}
			sections[section] = line
			if section != "ports" && section != "keys" && !strings.HasPrefix(section, "keys.") {
				return nil, errf(line, "unknown section [%s] (known: [ports], [keys])", section)
			}
			continue
		}
		path, rest, err := parseKey(s)
		if err != nil {
			return nil, errf(line, "%v", err)
		}
		rest = strings.TrimLeft(rest, " \t")
		if !strings.HasPrefix(rest, "=") {
			return nil, errf(line, "expected key = value")
		}
		full := strings.Join(path, ".")
		if section != "" {
			full = section + "." + full
		}
		v, rest, err := parseValue(strings.TrimLeft(rest[1:], " \t"))
		if err != nil {
			return nil, errf(line, "%s: %v", full, err)
		}
		if rest = strings.TrimSpace(rest); rest != "" && rest[0] != '#' {
			return nil, errf(line, "%s: unexpected %q after the value", full, rest)
		}
		if first, dup := c.lines[full]; dup {
			return nil, errf(line, "%s is set twice (first on line %d)", full, first)
		}
		k, ok := lookupKey(full)
		if !ok {
			return nil, errf(line, "unknown key %q%s", full, suggest(full))
		}
		if err := convert(k, &v); err != nil {
			return nil, errf(line, "%s: %v", full, err)
		}
		if err := k.set(c, v); err != nil {
			return nil, errf(line, "%s: %v", full, err)
		}
		if k.kind == kindKeys {
			c.Keys = append(c.Keys, KeyOverride{Action: strings.TrimPrefix(full, "keys."), Keys: v.list})
		}
		c.lines[full] = line
	}
	return c, nil
}

// suggest names the known keys, nearest first, so that a typo is one
// glance from its fix.
func suggest(name string) string {
	var names []string
	for _, k := range Keys {
		names = append(names, k.Name)
	}
	nearest := slices.MinFunc(names, func(a, b string) int { return distance(name, a) - distance(name, b) })
	if distance(name, nearest) <= 3 {
		return fmt.Sprintf(" (did you mean %q?)", nearest)
	}
	return " (known: " + strings.Join(names, ", ") + ")"
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// convert checks v against the key's type and fills the typed field.
func convert(k Key, v *value) error {
	want := func(kinds ...string) error {
		if slices.Contains(kinds, v.kind) {
			return nil
		}
		return fmt.Errorf("expected a %s, got a %s", k.Type(), v.kind)
	}
	switch k.kind {
	case kindString:
		return want("string")
	case kindBool:
		return want("bool")
	case kindDuration:
		if err := want("string"); err != nil {
			return fmt.Errorf("expected a duration in quotes such as \"5s\" or \"1m\", got a %s", v.kind)
		}
		d, err := time.ParseDuration(v.s)
		if err != nil {
			return fmt.Errorf("%q is not a duration (for example \"5s\", \"1m30s\")", v.s)
		}
		if d < MinWatchInterval {
			return fmt.Errorf("%s is too short: at least %s, since every tick reads the account again", d, MinWatchInterval)
		}
		v.d = d
	case kindPorts:
		if err := want("string"); err != nil {
			return fmt.Errorf("expected a port range in quotes such as \"32768-60999\", got a %s", v.kind)
		}
		p, err := parsePorts(v.s)
		if err != nil {
			return err
		}
		v.p = p
	case kindKeys:
		switch v.kind {
		case "string":
			v.list = []string{v.s}
		case "array":
		default:
			return fmt.Errorf("expected a key in quotes or a list of keys such as [\"y\", \"ctrl+y\"], got a %s", v.kind)
		}
		if len(v.list) == 0 {
			return errors.New("an empty list would leave the action without a key: give at least one")
		}
		for _, key := range v.list {
			if strings.TrimSpace(key) != key || key == "" {
				return fmt.Errorf("key %q: no spaces around a key (write \"space\" for the space bar)", key)
			}
		}
	}
	return nil
}

func parsePorts(s string) (PortRange, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return PortRange{}, fmt.Errorf("%q is not a port range (FROM-TO, for example \"32768-60999\")", s)
	}
	a, errA := strconv.Atoi(strings.TrimSpace(from))
	b, errB := strconv.Atoi(strings.TrimSpace(to))
	switch {
	case errA != nil || errB != nil:
		return PortRange{}, fmt.Errorf("%q is not a port range (FROM-TO, for example \"32768-60999\")", s)
	case a < 1 || b > 65535:
		return PortRange{}, fmt.Errorf("%q: ports run from 1 to 65535", s)
	case a > b:
		return PortRange{}, fmt.Errorf("%q: the range ends before it starts", s)
	}
	return PortRange{From: a, To: b}, nil
}

// parseKey reads a bare, quoted or dotted key from the start of s and
// returns its parts and what follows it.
func parseKey(s string) ([]string, string, error) {
	var path []string
	for {
		s = strings.TrimLeft(s, " \t")
		var part string
		switch {
		case s == "":
			return nil, "", errors.New("missing key")
		case s[0] == '"' || s[0] == '\'':
			v, rest, err := parseString(s)
			if err != nil {
				return nil, "", fmt.Errorf("key: %v", err)
			}
			part, s = v.s, rest
		default:
			n := 0
			for n < len(s) && isBare(s[n]) {
				n++
			}
			if n == 0 {
				return nil, "", fmt.Errorf("unexpected %q where a key should be", s[:1])
			}
			part, s = s[:n], s[n:]
		}
		path = append(path, part)
		rest := strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(rest, ".") {
			return path, s, nil
		}
		s = rest[1:]
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// parseValue reads one value from the start of s and returns what follows.
func parseValue(s string) (value, string, error) {
	switch {
	case s == "" || s[0] == '#':
		return value{}, "", errors.New("missing value after =")
	case strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, `'''`):
		return value{}, "", errors.New("multi-line strings are not supported")
	case s[0] == '"' || s[0] == '\'':
		return parseString(s)
	case s[0] == '[':
		return parseArray(s)
	case s[0] == '{':
		return value{}, "", errors.New("inline tables are not supported; use a [section]")
	}
	n := 0
	for n < len(s) && s[n] != ' ' && s[n] != '\t' && s[n] != '#' {
		n++
	}
	word, rest := s[:n], s[n:]
	switch word {
	case "true", "false":
		return value{kind: "bool", b: word == "true"}, rest, nil
	}
	if _, err := strconv.ParseInt(strings.ReplaceAll(word, "_", ""), 10, 64); err == nil {
		return value{kind: "integer", s: word}, rest, nil
	}
	return value{}, "", fmt.Errorf("%q is not a value: put text in quotes (\"%s\")", word, word)
}

// parseString reads a basic ("...", with escapes) or literal ('...')
// string.
func parseString(s string) (value, string, error) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return value{kind: "string", s: b.String()}, s[i+1:], nil
		case c == '\\' && q == '"':
			i++
			if i >= len(s) {
				return value{}, "", errors.New("unterminated string")
			}
			switch s[i] {
			case '"', '\\':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'u', 'U':
				n := 4
				if s[i] == 'U' {
					n = 8
				}
				if i+n >= len(s) {
					return value{}, "", errors.New("short \\u escape")
				}
				r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
				if err != nil {
					return value{}, "", fmt.Errorf("bad escape \\%s", s[i:i+1+n])
				}
				b.WriteRune(rune(r))
				i += n
			default:
				return value{}, "", fmt.Errorf("unknown escape \\%c", s[i])
			}
		case c < 0x20 && c != '\t':
			return value{}, "", errors.New("control character in a string")
		default:
			b.WriteByte(c)
		}
	}
	return value{}, "", errors.New("unterminated string (strings end on the line they start)")
}

// parseArray reads a one-line array of strings.
func parseArray(s string) (value, string, error) {
	v := value{kind: "array", list: []string{}}
	s = s[1:]
	for {
		s = strings.TrimLeft(s, " \t")
		switch {
		case s == "" || s[0] == '#':
			return value{}, "", errors.New("unterminated array (arrays end on the line they start)")
		case s[0] == ']':
			return v, s[1:], nil
		case s[0] == '"' || s[0] == '\'':
			e, rest, err := parseString(s)
			if err != nil {
				return value{}, "", err
			}
			v.list = append(v.list, e.s)
			s = strings.TrimLeft(rest, " \t")
			if strings.HasPrefix(s, ",") {
				s = s[1:]
			} else if s == "" || s[0] == '#' {
				return value{}, "", errors.New("unterminated array (arrays end on the line they start)")
			} else if !strings.HasPrefix(s, "]") {
				return value{}, "", errors.New("expected , or ] in the array")
			}
		default:
			return value{}, "", errors.New("arrays hold strings in quotes")
		}
	}
}
