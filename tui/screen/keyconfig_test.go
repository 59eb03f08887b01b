package screen

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
)

// TestEveryBindingHasAnAction counts the key.Binding fields of KeyMaps and
// requires each to be named in actions(), so that every key that works can
// be rebound and appears in docs/keys.md.
func TestEveryBindingHasAnAction(t *testing.T) {
	km := DefaultKeys()
	bt := reflect.TypeOf(key.Binding{})
	n := 0
	v := reflect.ValueOf(km)
	for i := range v.NumField() {
		screen := v.Field(i)
		for j := range screen.NumField() {
			if screen.Field(j).Type() == bt {
				n++
			}
		}
	}
	acts := km.actions()
	if len(acts) != n {
		t.Fatalf("keyMaps has %d bindings but actions() names %d: add the new binding to actions() in keys.go", n, len(acts))
	}
	seen := map[*key.Binding]string{}
	names := map[string]bool{}
	for _, a := range acts {
		if prev, dup := seen[a.Binding]; dup {
			t.Errorf("%s and %s name the same binding", prev, a.Name)
		}
		seen[a.Binding] = a.Name
		if names[a.Name] {
			t.Errorf("%s is named twice", a.Name)
		}
		names[a.Name] = true
		screen, field, ok := strings.Cut(a.Name, ".")
		if !ok || screen == "" || field == "" || strings.ToLower(a.Name) != a.Name {
			t.Errorf("%q: names are screen.action in lower case", a.Name)
		}
	}
}

func TestKeyOverrides(t *testing.T) {
	km := DefaultKeys()
	err := km.Override([]KeyOverride{
		{Action: "checklist.copy", Keys: []string{"c", "ctrl+y"}},
		{Action: "global.checklist", Keys: []string{"C"}},
		{Action: "global.help", Keys: []string{"f1", "?"}},
		{Action: "list.down", Keys: []string{"down", "n"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := km.Checklist.Copy.Keys(); strings.Join(got, ",") != "c,ctrl+y" {
		t.Errorf("checklist.copy keys %v", got)
	}
	if h := km.Checklist.Copy.Help(); h.Key != "c/ctrl+y" || h.Desc != "copy fix (OSC 52)" {
		t.Errorf("help label %+v", h)
	}
	if km.Global.Checklist.Keys()[0] != "C" {
		t.Error("global.checklist not rebound")
	}
}

func TestKeyOverrideErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		ovs  []KeyOverride
		want string
	}{
		{"unknown action", []KeyOverride{{"checklist.cpy", []string{"c"}}}, `did you mean "checklist.copy"`},
		{"far action", []KeyOverride{{"zzz.zzz", []string{"c"}}}, "docs/keys.md"},
		{"no keys", []KeyOverride{{"global.quit", nil}}, "no key"},
		{"not a key", []KeyOverride{{"global.quit", []string{"quit"}}}, `"quit": not a key`},
		{"modifier order", []KeyOverride{{"global.quit", []string{"alt+ctrl+q"}}}, "ctrl+alt+shift+"},
		{"shift letter", []KeyOverride{{"global.quit", []string{"shift+q"}}}, `"Q"`},
		{"function key", []KeyOverride{{"global.quit", []string{"f64"}}}, "not a key"},
		{"taken by global", []KeyOverride{{"checklist.copy", []string{"r"}}}, `"r" is already global.refresh`},
		{"global takes screen key", []KeyOverride{{"global.refresh", []string{"y"}}}, "is already checklist.copy"},
		{"taken on screen", []KeyOverride{{"browser.source", []string{"d"}}}, "browser.dest"},
		{"list meets browser", []KeyOverride{{"list.down", []string{"s"}}}, "browser.source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			km := DefaultKeys()
			before := km.Global.Quit.Keys()
			err := km.Override(tc.ovs)
			var ke *KeyError
			if !errors.As(err, &ke) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a *KeyError containing %q", err, tc.want)
			}
			if ke.Action == "" || !strings.HasPrefix(err.Error(), ke.Action+": ") {
				t.Errorf("the error must start with the action: %q", err)
			}
			if strings.Join(km.Global.Quit.Keys(), ",") != strings.Join(before, ",") {
				t.Error("a failed override changed the keys")
			}
		})
	}
	// Keys that only meet on screens that never coexist are fine: picker
	// typing and the checklist.
	km := DefaultKeys()
	if err := km.Override([]KeyOverride{{"picker.next", []string{"y"}}}); err != nil {
		t.Errorf("picker.next = y: %v", err)
	}
	// Swapping two keys in one go is allowed.
	km = DefaultKeys()
	if err := km.Override([]KeyOverride{{"browser.source", []string{"d"}}, {"browser.dest", []string{"s"}}}); err != nil {
		t.Errorf("swap: %v", err)
	}
}

func TestKeyActions(t *testing.T) {
	acts := KeyActions()
	if len(acts) == 0 || acts[0].Name != "global.help" || acts[0].Help != "?" || acts[0].Desc != "help" {
		t.Fatalf("first action %+v", acts[0])
	}
}
