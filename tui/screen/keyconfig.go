package screen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reachnet/reach/internal/suggest"
)

// KeyOverride rebinds one action ("checklist.copy") to keys ("y",
// "ctrl+y"); the configuration file's [keys] section is a list of them.
type KeyOverride struct {
	Action string
	Keys   []string
}

// KeyError is an override the terminal cannot apply; Action names it so
// that the caller can point at the line of the file that set it.
type KeyError struct {
	Action string
	Msg    string
}

func (e *KeyError) Error() string { return e.Action + ": " + e.Msg }

// KeyAction describes one action for the documentation and for the
// configuration file's users.
type KeyAction struct {
	// Name is what the configuration calls it: "checklist.copy".
	Name string
	// Keys are the keys it answers to, as the configuration writes them.
	Keys []string
	// Help is the label the help view shows ("↑/k"), Desc what it does.
	Help, Desc string
}

// KeyActions lists every action with its default keys, screen by screen in
// the help's order.
func KeyActions() []KeyAction {
	km := DefaultKeys()
	var out []KeyAction
	for _, a := range km.actions() {
		h := a.Binding.Help()
		out = append(out, KeyAction{Name: a.Name, Keys: a.Binding.Keys(), Help: h.Key, Desc: h.Desc})
	}
	return out
}

// CheckKeys reports the first override that cannot be applied: an action
// that does not exist, a key the terminal never sends, or a key another
// action on the same screen already answers to.
func CheckKeys(overrides []KeyOverride) error {
	km := DefaultKeys()
	return km.Override(overrides)
}

// textEntry are the screens where typed characters are text (a filter, a
// path being typed), so their keys never meet the single-letter commands of
// the other screens.
var textEntry = []string{"filter", "picker"}

// Override applies the overrides to k. On error k is left as it was.
func (k *KeyMaps) Override(overrides []KeyOverride) error {
	if len(overrides) == 0 {
		return nil
	}
	defaults := k.actions()
	before := make([][]string, len(defaults))
	for i, a := range defaults {
		before[i] = a.Binding.Keys()
	}
	next := *k
	acts := next.actions()
	index := map[string]int{}
	for i, a := range acts {
		index[a.Name] = i
	}
	changed := map[int]bool{}
	for _, o := range overrides {
		i, ok := index[o.Action]
		if !ok {
			return &KeyError{Action: o.Action, Msg: "no such action" + nearestAction(o.Action, acts)}
		}
		if len(o.Keys) == 0 {
			return &KeyError{Action: o.Action, Msg: "no key given: the action would be unreachable"}
		}
		for _, key := range o.Keys {
			if err := checkKey(key); err != nil {
				return &KeyError{Action: o.Action, Msg: err.Error()}
			}
		}
		b := acts[i].Binding
		b.SetKeys(slices.Clone(o.Keys)...)
		b.SetHelp(strings.Join(o.Keys, "/"), b.Help().Desc)
		changed[i] = true
	}
	// A changed action must not take a key from another action it can
	// meet on one screen, unless the two shared it already by default
	// (esc is both "back" and "clear filter" on purpose).
	for i := range acts {
		if !changed[i] {
			continue
		}
		for _, key := range acts[i].Binding.Keys() {
			for j := range acts {
				if i == j || !meet(acts[i].Name, acts[j].Name) || !slices.Contains(acts[j].Binding.Keys(), key) {
					continue
				}
				if slices.Contains(before[i], key) && slices.Contains(before[j], key) {
					continue
				}
				return &KeyError{Action: acts[i].Name, Msg: fmt.Sprintf("key %q is already %s; rebind that too, or pick another key", key, acts[j].Name)}
			}
		}
	}
	*k = next
	return nil
}

// meet reports whether two actions can be active on the same screen:
// global actions meet every other, list movement meets every list-like
// screen, and a screen's actions meet each other.
func meet(a, b string) bool {
	sa, _, _ := strings.Cut(a, ".")
	sb, _, _ := strings.Cut(b, ".")
	switch {
	case sa == sb, sa == "global", sb == "global":
		return true
	case sa == "list":
		return !slices.Contains(textEntry, sb)
	case sb == "list":
		return !slices.Contains(textEntry, sa)
	}
	return false
}

// namedKeys are the keys Bubble Tea names rather than prints.
var namedKeys = map[string]bool{
	"enter": true, "tab": true, "backspace": true, "esc": true, "space": true, "up": true, "down": true,
	"left": true, "right": true, "begin": true, "find": true, "insert": true, "delete": true, "select": true,
	"pgup": true, "pgdown": true, "home": true, "end": true,
}

// checkKey accepts what Bubble Tea reports for a key press: a printable
// character, or a named key with modifiers in its order (ctrl+alt+shift+).
func checkKey(key string) error {
	base := key
	var mods []string
	for {
		m, rest, ok := strings.Cut(base, "+")
		if !ok || rest == "" || !slices.Contains([]string{"ctrl", "alt", "shift"}, m) {
			break
		}
		mods = append(mods, m)
		base = rest
	}
	order := map[string]int{"ctrl": 0, "alt": 1, "shift": 2}
	for i := 1; i < len(mods); i++ {
		if order[mods[i]] <= order[mods[i-1]] {
			return fmt.Errorf("key %q: write the modifiers once each, in the order ctrl+alt+shift+", key)
		}
	}
	n, err := strconv.Atoi(strings.TrimPrefix(base, "f"))
	isF := strings.HasPrefix(base, "f") && err == nil && n >= 1 && n <= 63 && base == fmt.Sprintf("f%d", n)
	r, size := utf8.DecodeRuneInString(base)
	single := size == len(base) && r != utf8.RuneError && unicode.IsPrint(r) && r != ' '
	switch {
	case namedKeys[base] || isF:
		return nil
	case single && len(mods) > 0 && mods[len(mods)-1] == "shift":
		return fmt.Errorf("key %q: write the shifted character itself (%q)", key, strings.ToUpper(base))
	case single:
		return nil
	case base == " ":
		return fmt.Errorf("key %q: write \"space\" for the space bar", key)
	}
	return fmt.Errorf("key %q: not a key (a character such as \"y\" or \"/\", or a name: enter, esc, tab, space, up, down, left, right, home, end, pgup, pgdown, backspace, delete, insert, f1-f63, with ctrl+, alt+ or shift+ before it)", key)
}

// nearestAction suggests the closest action name to a mistyped one.
func nearestAction(name string, acts []keyAction) string {
	names := make([]string, 0, len(acts))
	for _, a := range acts {
		names = append(names, a.Name)
	}
	if best, ok := suggest.Nearest(name, names, 3); ok {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return " (docs/keys.md lists the actions)"
}
