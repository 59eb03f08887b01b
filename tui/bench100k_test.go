package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// The terminal at 100,000 interfaces: a browser frame, a filter keystroke,
// a sort and an arrow key, and the rows built off screen when a network
// arrives.

// browserWith100k is browserWith for 100,000 interfaces: their rows take
// longer to build than the test driver waits for a command, so they are
// built here and delivered as the command would.
func browserWith100k(b *testing.B) *Model {
	net := tuitest.BigNet(100_000)
	net.Compile()
	m := newTestModel(b, Static("bench", net, nil), Options{})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	start(b, m)
	m.Update(catalogMsg{cat: catalog.Build(m.netVer, m.net, nil, false)})
	if len(m.browser.Visible) != 100_000 {
		b.Fatalf("rows = %d, want 100000", len(m.browser.Visible))
	}
	return m
}

func BenchmarkBrowserFrame100k(b *testing.B) {
	m := browserWith100k(b)
	m.browser.Move(50_000)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkFilterKeystroke100k(b *testing.B) {
	m := browserWith100k(b)
	press(b, m, "/")
	typeText(b, m, "node-0")
	keys := []tea.KeyPressMsg{{Code: '1', Text: "1"}, {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkSortKeystroke100k sorts by name, then by private IP, in turn.
func BenchmarkSortKeystroke100k(b *testing.B) {
	m := browserWith100k(b)
	keys := []tea.KeyPressMsg{{Code: 'N', Text: "N"}, {Code: 'P', Text: "P"}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

func BenchmarkScrollKeystroke100k(b *testing.B) {
	m := browserWith100k(b)
	keys := []tea.KeyPressMsg{{Code: tea.KeyDown}, {Code: tea.KeyUp}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

func BenchmarkCatalog100k(b *testing.B) {
	net := tuitest.BigNet(100_000)
	net.Compile()
	b.ReportAllocs()
	for b.Loop() {
		_ = catalog.Build(1, net, nil, false)
	}
}

// BenchmarkFilterFirstKeystroke100k is the first character typed after /:
// the byte sets answer it without reading a haystack.
func BenchmarkFilterFirstKeystroke100k(b *testing.B) {
	m := browserWith100k(b)
	press(b, m, "/")
	keys := []tea.KeyPressMsg{{Code: '7', Text: "7"}, {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkFilterPaste100k pastes a query that extends nothing searched
// before: the terminal's goroutine pays for ruling rows out by their bytes
// and hands the rest to a command (BenchmarkFilterSearchCommand100k).
func BenchmarkFilterPaste100k(b *testing.B) {
	m := browserWith100k(b)
	press(b, m, "/")
	pastes := []tea.PasteMsg{{Content: "node-04"}, {Content: "10.1"}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
		m.Update(pastes[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkFilterSearchCommand100k is the search a paste hands off: every
// haystack the byte sets could not rule out, read off the terminal's
// goroutine.
func BenchmarkFilterSearchCommand100k(b *testing.B) {
	net := tuitest.BigNet(100_000)
	net.Compile()
	cat := catalog.Build(1, net, nil, false)
	b.ReportAllocs()
	for b.Loop() {
		q := "node-04"
		cands, _ := cat.Candidates(q, nil)
		_ = cat.Match(q, cands)
	}
}

// BenchmarkSameNetwork100k is what a watch poll pays to learn that the
// account did not change, instead of verifying the path's fixes again.
func BenchmarkSameNetwork100k(b *testing.B) {
	x, y := tuitest.BigNet(100_000), tuitest.BigNet(100_000)
	x.Compile()
	y.Compile()
	b.ReportAllocs()
	for b.Loop() {
		if !sameNetwork(x, y) {
			b.Fatal("the same content compares different")
		}
	}
}
