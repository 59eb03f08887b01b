package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/reachnet/reach/tui/internal/tuitest"
)

func TestOverriddenKeyWorks(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	if err := m.env.Keys.Override([]KeyOverride{{Action: "global.help", Keys: []string{"H"}}}); err != nil {
		t.Fatal(err)
	}
	start(t, m)
	press(t, m, "?")
	if m.helpOpen {
		t.Fatal("? still opens help after help was rebound to H")
	}
	press(t, m, "H")
	if !m.helpOpen {
		t.Fatal("H does not open help")
	}
	if !strings.Contains(screenText(m), "H") {
		t.Error("help does not show the new key")
	}
}

func TestOptionsValidateKeys(t *testing.T) {
	o := Options{Source: Static("demo", tuitest.SmallNet(), nil), Keys: []KeyOverride{{Action: "global.nope", Keys: []string{"x"}}}}
	var ke *KeyError
	if err := o.Validate(); !errors.As(err, &ke) || ke.Action != "global.nope" {
		t.Fatalf("Validate: %v", err)
	}
}
