// Package config reads reach's optional configuration file: defaults for
// the flags people would otherwise type on every run (profile, region,
// theme, watch interval), key overrides for the terminal, and the
// ephemeral port ranges reach assumes for clients.
//
// The file is TOML, read with github.com/pelletier/go-toml/v2. That
// library over github.com/BurntSushi/toml because it gives the line and
// column of a syntax error and, through its parser, of every key, so that
// a problem found only when a value is applied (an unknown theme, a key
// given to two actions) still points at the key that set it; BurntSushi's
// decoder keeps key positions to itself.
//
// Every error names the file, the line and the column; the caller prints
// it as it is and exits.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/suggest"
	"github.com/reachnet/reach/internal/xdg"
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
	// CallTimeout bounds one attempt of an AWS call, LoadTimeout a whole
	// live load (zero: the loader's defaults).
	CallTimeout, LoadTimeout time.Duration
	// AnalyzerTimeout bounds a Reachability Analyzer run, from reach
	// check --analyzer and the terminal's A key alike.
	AnalyzerTimeout time.Duration
	// LinuxClientPorts and WindowsClientPorts replace the ephemeral port
	// ranges reach assumes for Linux and Windows clients (32768-60999 and
	// 49152-65535): the reply of a connection is addressed to that range,
	// so a fleet tuned with ip_local_port_range needs its own.
	LinuxClientPorts, WindowsClientPorts PortRange
	// Keys rebinds terminal actions, in file order.
	Keys []KeyOverride

	// Accounts, Organization, RoleName, ExternalID, Profiles and Regions
	// name the accounts and Regions a live load reads into one network,
	// as --accounts, --organization, --role-name, --external-id,
	// --profiles and --regions do: a bastion names its organisation once.
	Accounts          []string
	Organization      bool
	RoleName          string
	ExternalID        string
	Profiles, Regions []string

	// at is where each key the file set is, by its dotted name.
	at map[string]position
}

// position is a line and column of the file, both from 1.
type position struct{ line, col int }

// Error is a configuration problem with the file, line and column it is on
// (Line 0 when it concerns the whole file).
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
	// err is the underlying error, for errors.Is (a missing file).
	err error
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.err }

func (e *Error) Error() string {
	if e.Line > 0 && e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
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
	return c.at[key].line
}

// Has reports whether the file set key.
func (c *Config) Has(key string) bool { return c.Line(key) > 0 }

// Errorf returns an *Error on the line that set key, for problems the
// caller finds when it applies a value (an unknown theme, a key override
// naming an action the terminal does not have).
func (c *Config) Errorf(key, format string, a ...any) error {
	at := c.at[key]
	return &Error{File: c.File, Line: at.line, Column: at.col, Msg: key + ": " + fmt.Sprintf(format, a...)}
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
	dir, err := xdg.Dir(xdg.Config)
	if err != nil {
		return "", false, fmt.Errorf("config: cannot find config.toml (or set %s): %w", EnvVar, err)
	}
	return filepath.Join(dir, "config.toml"), false, nil
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
	kindList
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
	return [...]string{"string", "boolean", "duration", "port range", "key list", "list of strings"}[k.kind]
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
	{Name: "call_timeout", kind: kindDuration, Example: `"20s"`,
		Doc: "Give up on one attempt of an AWS call after this long (it is retried); a call that never\nanswers is then unknown, not a hang. --call-timeout overrides it.",
		set: func(c *Config, v value) error { c.CallTimeout = v.d; return nil }},
	{Name: "load_timeout", kind: kindDuration, Example: `"2m"`,
		Doc: "Stop waiting for a live account after this long; what did not arrive is unknown, named.\n--load-timeout overrides it.",
		set: func(c *Config, v value) error { c.LoadTimeout = v.d; return nil }},
	{Name: "analyzer_timeout", kind: kindDuration, Example: `"3m"`,
		Doc: "Give up on a Reachability Analyzer run (reach check --analyzer, the terminal's A key) after\nthis long; the analysis and its path are deleted all the same. --analyzer-timeout overrides it.",
		set: func(c *Config, v value) error { c.AnalyzerTimeout = v.d; return nil }},
	{Name: "accounts", kind: kindList, Example: `["111111111111", "222222222222"]`,
		Doc: "Live: read these accounts too, each by assuming role_name in it (--accounts).",
		set: func(c *Config, v value) error {
			for _, id := range v.list {
				if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
					return fmt.Errorf("%q is not an account ID (12 digits)", id)
				}
			}
			c.Accounts = v.list
			return nil
		}},
	{Name: "organization", kind: kindBool, Example: "false",
		Doc: "Live: read every active account organizations:ListAccounts lists, by assuming role_name\n(--organization; run from the management or a delegated administrator account).",
		set: func(c *Config, v value) error { c.Organization = v.b; return nil }},
	{Name: "role_name", kind: kindString, Example: `"reach-read-only"`,
		Doc: "The read-only role assumed in each account of accounts or organization (--role-name).",
		set: func(c *Config, v value) error { c.RoleName = v.s; return nil }},
	{Name: "external_id", kind: kindString, Example: `"bastion-7"`,
		Doc: "The external ID the roles' trust policy asks for (--external-id).",
		set: func(c *Config, v value) error { c.ExternalID = v.s; return nil }},
	{Name: "profiles", kind: kindList, Example: `["network", "workload"]`,
		Doc: "Live: read one account per shared-config profile (--profiles).",
		set: func(c *Config, v value) error { c.Profiles = v.list; return nil }},
	{Name: "regions", kind: kindList, Example: `["us-east-1", "eu-west-1"]`,
		Doc: "Live: the Regions read in every account; [\"all\"] for every enabled one (--regions).",
		set: func(c *Config, v value) error {
			for _, r := range v.list {
				if r != "all" && !validRegion(r) {
					return fmt.Errorf("%q is not a Region name (for example us-east-1) nor \"all\"", r)
				}
			}
			c.Regions = v.list
			return nil
		}},
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

// value is one right-hand side, as the schema sees it.
type value struct {
	kind string // "string", "bool", "integer", "float", "array", "table", "date"
	s    string
	b    bool
	list []string
	d    time.Duration
	p    PortRange
}

// Parse parses the file's content; name is used in errors.
func Parse(name string, content []byte) (*Config, error) {
	content = bytes.TrimPrefix(content, []byte("\uFEFF"))
	errAt := func(at position, format string, a ...any) error {
		return &Error{File: name, Line: at.line, Column: at.col, Msg: fmt.Sprintf(format, a...)}
	}
	at, err := keyPositions(content, errAt)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := toml.Unmarshal(content, &doc); err != nil {
		return nil, syntaxError(name, content, err)
	}
	c := &Config{File: name, at: map[string]position{}}
	var leaves []leaf
	flatten("", doc, &leaves)
	// In file order, so that the first problem reported is the first in
	// the file.
	slices.SortStableFunc(leaves, func(a, b leaf) int {
		pa, pb := at[a.key], at[b.key]
		return cmp.Or(cmp.Compare(pa.line, pb.line), cmp.Compare(pa.col, pb.col))
	})
	for _, l := range leaves {
		where := at[l.key]
		if t, ok := l.val.(map[string]any); ok && len(t) == 0 && isSection(l.key) {
			continue // an empty [ports] or [keys]
		}
		k, ok := lookupKey(l.key)
		if !ok {
			return nil, errAt(where, "unknown key %q%s", l.key, didYouMean(l.key))
		}
		v := toValue(l.val)
		if err := convert(k, &v); err != nil {
			return nil, errAt(where, "%s: %v", l.key, err)
		}
		if err := k.set(c, v); err != nil {
			return nil, errAt(where, "%s: %v", l.key, err)
		}
		if k.kind == kindKeys {
			c.Keys = append(c.Keys, KeyOverride{Action: strings.TrimPrefix(l.key, "keys."), Keys: v.list})
		}
		c.at[l.key] = where
	}
	return c, nil
}

// isSection reports whether name is a table of known keys ("ports").
func isSection(name string) bool {
	return slices.ContainsFunc(Keys, func(k Key) bool { return strings.HasPrefix(k.Name, name+".") })
}

// leaf is one setting of the decoded document, by its dotted name.
type leaf struct {
	key string
	val any
}

// flatten lists the settings of a decoded table. Under "keys" a setting
// may be a list; an empty table is a setting too, so that an unknown
// [section] is named rather than ignored.
func flatten(prefix string, t map[string]any, out *[]leaf) {
	if len(t) == 0 && prefix != "" {
		*out = append(*out, leaf{prefix, t})
	}
	for k, v := range t {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			flatten(key, sub, out)
			continue
		}
		*out = append(*out, leaf{key, v})
	}
}

// toValue describes a decoded value for the schema.
func toValue(x any) value {
	switch x := x.(type) {
	case string:
		return value{kind: "string", s: x}
	case bool:
		return value{kind: "bool", b: x}
	case int64:
		return value{kind: "integer"}
	case float64:
		return value{kind: "float"}
	case map[string]any:
		return value{kind: "table"}
	case []any:
		v := value{kind: "array", list: []string{}}
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return value{kind: "array of non-strings"}
			}
			v.list = append(v.list, s)
		}
		return v
	}
	return value{kind: "date"}
}

// keyPositions walks the document with the TOML library's parser and
// returns where each key is, by its dotted name; a key or table set twice
// is an error here, where its position is known. A syntax error is left
// to the decoder, which reports it with its position.
func keyPositions(content []byte, errAt func(position, string, ...any) error) (map[string]position, error) {
	var p unstable.Parser
	p.Reset(content)
	at := map[string]position{}
	values := map[string]bool{}
	tables := map[string]position{}
	table := ""
	var walk func(prefix string, kv *unstable.Node) error
	walk = func(prefix string, kv *unstable.Node) error {
		key, where := joinKey(&p, kv.Key())
		if prefix != "" {
			key = prefix + "." + key
		}
		if values[key] {
			return errAt(where, "%s is set twice (first on line %d)", key, at[key].line)
		}
		values[key], at[key] = true, where
		if v := kv.Value(); v.Kind == unstable.InlineTable {
			for it := v.Children(); it.Next(); {
				if err := walk(key, it.Node()); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			key, where := joinKey(&p, e.Key())
			if first, dup := tables[key]; dup && e.Kind == unstable.Table {
				return nil, errAt(where, "table [%s] appears twice (first on line %d)", key, first.line)
			}
			tables[key] = where
			if _, ok := at[key]; !ok {
				at[key] = where
			}
			table = key
		case unstable.KeyValue:
			if err := walk(table, e); err != nil {
				return nil, err
			}
		}
	}
	return at, nil
}

// joinKey returns a key's dotted name and where its first part is.
func joinKey(p *unstable.Parser, it unstable.Iterator) (string, position) {
	var parts []string
	var where position
	for it.Next() {
		n := it.Node()
		if len(parts) == 0 {
			s := p.Shape(n.Raw).Start
			where = position{s.Line, s.Column}
		}
		parts = append(parts, string(n.Data))
	}
	return strings.Join(parts, "."), where
}

// bareWord matches a value written without quotes, for a clearer message
// than the library's ("incomplete number" for theme = dark).
var bareWord = regexp.MustCompile(`^\s*[A-Za-z0-9_.-]+\s*=\s*([A-Za-z][^\s#]*)`)

// syntaxError turns the library's error into one line with the position.
func syntaxError(name string, content []byte, err error) error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return &Error{File: name, Msg: strings.TrimPrefix(strings.ReplaceAll(err.Error(), "\n", " "), "toml: ")}
	}
	row, col := de.Position()
	msg := strings.TrimPrefix(strings.ReplaceAll(de.Error(), "\n", " "), "toml: ")
	lines := strings.Split(string(content), "\n")
	if row >= 1 && row <= len(lines) {
		if m := bareWord.FindStringSubmatch(lines[row-1]); m != nil && m[1] != "true" && m[1] != "false" && m[1] != "inf" && m[1] != "nan" {
			key, _, _ := strings.Cut(strings.TrimSpace(lines[row-1]), "=")
			msg = fmt.Sprintf("%s: %q is not a value: put text in quotes (\"%s\")", strings.TrimSpace(key), m[1], m[1])
		}
	}
	return &Error{File: name, Line: row, Column: col, Msg: msg}
}

// didYouMean names the known key nearest to a typo, or all of them, so
// that a typo is one glance from its fix.
func didYouMean(name string) string {
	var names []string
	for _, k := range Keys {
		names = append(names, k.Name)
	}
	if nearest, ok := suggest.Nearest(name, names, 3); ok {
		return fmt.Sprintf(" (did you mean %q?)", nearest)
	}
	return " (known: " + strings.Join(names, ", ") + ")"
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
			// The shortest any of these bounds can usefully be: a tick of
			// watch mode reads the account again, an AWS call or an
			// analysis takes longer than that.
			return fmt.Errorf("%s is too short: at least %s", d, MinWatchInterval)
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
	case kindList:
		switch v.kind {
		case "string":
			v.list = []string{v.s}
		case "array":
		default:
			return fmt.Errorf("expected a list of strings such as [\"a\", \"b\"], got a %s", v.kind)
		}
		for _, e := range v.list {
			if strings.TrimSpace(e) != e || e == "" || strings.Contains(e, ",") {
				return fmt.Errorf("%q: one name per entry, without spaces or commas", e)
			}
		}
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

// parsePorts reads a client port range: FROM-TO, since one port alone is
// not a range a client picks from.
func parsePorts(s string) (PortRange, error) {
	if !strings.Contains(s, "-") {
		return PortRange{}, fmt.Errorf("%q is not a port range (FROM-TO, for example \"32768-60999\")", s)
	}
	r, err := checks.ParsePortRange(s)
	if err != nil {
		return PortRange{}, err
	}
	if r.From == 0 {
		return PortRange{}, fmt.Errorf("%q: a client's ports run from 1 to 65535", s)
	}
	return PortRange{From: int(r.From), To: int(r.To)}, nil
}
