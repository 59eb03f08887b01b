package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// withPending returns a copy of n whose listed kinds are still loading.
func withPending(n *checks.Network, kinds ...checks.DataKind) *checks.Network {
	c := checks.NewNetwork()
	c.VPCs, c.Subnets, c.ENIs, c.Instances = n.VPCs, n.Subnets, n.ENIs, n.Instances
	c.RouteTables, c.NetworkACLs, c.SecurityGroups = n.RouteTables, n.NetworkACLs, n.SecurityGroups
	for _, k := range kinds {
		c.Gaps = append(c.Gaps, checks.Gap{Kind: k, Reason: "loading", Pending: true})
		switch k {
		case checks.KindSecurityGroups:
			c.SecurityGroups = map[string]*checks.SecurityGroup{}
		case checks.KindNetworkACLs:
			c.NetworkACLs = map[string]*checks.NetworkACL{}
		case checks.KindNetworkInterfaces:
			c.ENIs = map[string]*checks.ENI{}
		}
	}
	return c
}

// newTestModel builds a root model on a source, sized, with timers off and
// no state directory unless dir is given.
func newTestModel(t testing.TB, src Source, opts Options) *Model {
	t.Helper()
	opts.Source = src
	if opts.WatchInterval == 0 {
		opts.WatchInterval = DefaultWatchInterval
	}
	e := tuitest.Env(opts.ASCII, themes.ANSI256)
	recents, err := loadRecents(opts.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(context.Background(), opts, e, recents)
	if !opts.NoColor {
		m.depth = themes.ANSI256
		m.restyle()
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// drain runs commands the way the program would, feeding their messages
// back into Update until none are left. Timers are off in tests (env.after
// returns nil); a command that blocks longer than a second is abandoned.
func drain(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("drain: too many steps")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(time.Second):
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// start runs Init and everything it leads to.
func start(t testing.TB, m *Model) {
	t.Helper()
	drain(t, m, m.Init())
}

func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := m.Update(tuitest.KeyMsg(k))
		drain(t, m, cmd)
	}
}

func typeText(t testing.TB, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		drain(t, m, cmd)
	}
}

// screenText is the frame without escape sequences.
func screenText(m *Model) string { return tuitest.StripANSI(m.render()) }
