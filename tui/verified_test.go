package tui

import (
	"context"
	"sync"
	"testing"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// Watch mode re-reads the account every few seconds; the fixes of the
// path are verified again only when what was read, or the path, changed.
func TestWatchReverifiesFixesOnlyOnChange(t *testing.T) {
	var mu sync.Mutex
	build := tuitest.SmallNet
	src := NewSource("snapshot test", func(ctx context.Context, emit func(Update)) error {
		mu.Lock()
		defer mu.Unlock()
		// A new network each load, as a poll reads one: equal content,
		// never the same value.
		emit(Update{Network: build()})
		return nil
	})
	m := newTestModel(t, src, Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(t, m)
	press(t, m, "w")
	poll := func() {
		t.Helper()
		_, cmd := m.Update(watchMsg{gen: m.watchGen})
		drain(t, m, cmd)
	}
	fixChecked := func() bool {
		rep := m.checklist.Report
		if rep == nil {
			return false
		}
		for _, l := range rep.Layers {
			for _, f := range l.Findings {
				if f.Fix != "" && f.Severity == checks.SeverityBlock && f.FixCheck == nil {
					return false
				}
			}
		}
		return true
	}
	steps := []struct {
		name  string
		do    func()
		wantN int
	}{
		{"first load", func() {}, 1},
		{"a poll that reads the same", poll, 1},
		{"another", poll, 1},
		{"the group gains an unrelated rule", func() {
			mu.Lock()
			build = func() *checks.Network {
				n := tuitest.SmallNet()
				n.SecurityGroups["sg-0rds"].Inbound = append(n.SecurityGroups["sg-0rds"].Inbound, tuitest.TCPFromGroup(22, "sg-0batch"))
				return n
			}
			mu.Unlock()
			poll()
		}, 2},
		{"the same again", poll, 2},
		{"another port", func() {
			press(t, m, ":")
			typeText(t, m, "check batch-1 10.0.33.12:5433")
			press(t, m, "enter")
		}, 3},
		{"a poll on that path", poll, 3},
	}
	for _, s := range steps {
		s.do()
		if m.verifications != s.wantN {
			t.Fatalf("%s: %d verifications, want %d", s.name, m.verifications, s.wantN)
		}
		if !fixChecked() {
			t.Fatalf("%s: a blocking fix is shown unverified", s.name)
		}
	}
}
