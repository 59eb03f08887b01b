package tui

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/pager"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// The browser narrows an earlier search when the filter grows, reuses one
// when a character is deleted, and searches large sets off the terminal's
// goroutine. Whatever path a keystroke takes, the rows must be those a
// plain scan of every row finds, in the sorted order a plain sort gives.

// wantVisible is the browser's rows computed the plain way: every row's
// haystack scanned, sorted by the column with a stable sort, ties by ID.
func wantVisible(m *Model) []int {
	rows := m.browser.Catalog.Rows
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	if col := m.browser.SortCol; col >= 0 {
		isDesc := m.browser.Descending()
		slices.SortStableFunc(order, func(x, y int) int {
			r := plainCompare(col, rows[x].Cells[col], rows[y].Cells[col])
			if isDesc {
				r = -r
			}
			if r == 0 {
				r = strings.Compare(rows[x].ID, rows[y].ID)
			}
			return r
		})
	}
	q := strings.ToLower(strings.TrimSpace(m.browser.Filter))
	var out []int
	for _, i := range order {
		if q == "" || pager.MatchAll(rows[i].Hay, q) {
			out = append(out, i)
		}
	}
	return out
}

func toInts(s []int32) []int {
	out := make([]int, len(s))
	for i, v := range s {
		out[i] = int(v)
	}
	return out
}

// plainCompare is the order the browser has always sorted in: addresses
// numerically, other cells as lower-case text, "-" last.
func plainCompare(col int, a, c string) int {
	if (a == "-") != (c == "-") {
		if a == "-" {
			return 1
		}
		return -1
	}
	if col == catalog.ColPrivate || col == catalog.ColPublic {
		pa, errA := netip.ParseAddr(a)
		pc, errC := netip.ParseAddr(c)
		if errA == nil && errC == nil {
			return pa.Compare(pc)
		}
	}
	return strings.Compare(catalog.Lower(a), catalog.Lower(c))
}

func paste(t *testing.T, m *Model, s string) {
	t.Helper()
	_, cmd := m.Update(tea.PasteMsg{Content: s})
	drain(t, m, cmd)
}

func TestFilterNarrowingMatchesAPlainScan(t *testing.T) {
	steps := []struct {
		name string
		do   func(t *testing.T, m *Model)
	}{
		{"open", func(t *testing.T, m *Model) { press(t, m, "/") }},
		{"one character", func(t *testing.T, m *Model) { typeText(t, m, "n") }},
		{"extend", func(t *testing.T, m *Model) { typeText(t, m, "ode-00") }},
		{"extend again", func(t *testing.T, m *Model) { typeText(t, m, "1") }},
		{"delete a character", func(t *testing.T, m *Model) { press(t, m, "backspace") }},
		{"delete two", func(t *testing.T, m *Model) { press(t, m, "backspace", "backspace") }},
		{"extend to a new query", func(t *testing.T, m *Model) { typeText(t, m, "-01") }},
		{"paste a second word", func(t *testing.T, m *Model) { paste(t, m, " 10.0.2") }},
		{"paste that matches nothing", func(t *testing.T, m *Model) { paste(t, m, "zz") }},
		{"delete back into matches", func(t *testing.T, m *Model) { press(t, m, "backspace", "backspace") }},
		{"clear the line", func(t *testing.T, m *Model) { press(t, m, "ctrl+u") }},
		{"a word in another column", func(t *testing.T, m *Model) { typeText(t, m, "subnet-0003") }},
		{"apply", func(t *testing.T, m *Model) { press(t, m, "enter") }},
		{"sort by private IP", func(t *testing.T, m *Model) { press(t, m, "P") }},
		{"reverse it", func(t *testing.T, m *Model) { press(t, m, "P") }},
		{"filter again while sorted", func(t *testing.T, m *Model) { press(t, m, "/"); typeText(t, m, "node-000") }},
		{"clear with esc", func(t *testing.T, m *Model) { press(t, m, "esc") }},
		{"sort by name", func(t *testing.T, m *Model) { press(t, m, "N") }},
		{"by name, reversed", func(t *testing.T, m *Model) { press(t, m, "N") }},
		{"command line filter", func(t *testing.T, m *Model) {
			press(t, m, ":")
			typeText(t, m, "filter node-001 10.0.4")
			press(t, m, "enter")
		}},
		{"cleared by esc", func(t *testing.T, m *Model) { press(t, m, "esc") }},
	}
	for _, mode := range []struct {
		name string
		sync int
	}{
		{"on the terminal's goroutine", 0},
		{"in a command", 1},
	} {
		t.Run(mode.name, func(t *testing.T) {
			net := tuitest.BigNet(1500)
			net.Compile()
			m := newTestModel(t, Static("big", net, nil), Options{})
			m.browser.SyncSearch = mode.sync
			start(t, m)
			if len(m.browser.Visible) != 1500 {
				t.Fatalf("rows = %d", len(m.browser.Visible))
			}
			for _, s := range steps {
				s.do(t, m)
				if m.browser.Searching() {
					t.Fatalf("%s: a search is still running after its command ran", s.name)
				}
				want := wantVisible(m)
				if !slices.Equal(m.browser.Visible, want) {
					t.Fatalf("%s (filter %q): %d rows, a plain scan finds %d", s.name, m.browser.Filter, len(m.browser.Visible), len(want))
				}
			}
		})
	}
}

// A search that lands after a newer keystroke is dropped: the rows are
// those of the newest query.
func TestStaleSearchIsDropped(t *testing.T) {
	net := tuitest.BigNet(800)
	net.Compile()
	m := newTestModel(t, Static("big", net, nil), Options{})
	m.browser.SyncSearch = 1
	start(t, m)
	press(t, m, "/")
	_, first := m.Update(tea.KeyPressMsg{Code: '7', Text: "7"})
	_, second := m.Update(tea.KeyPressMsg{Code: '9', Text: "9"})
	drain(t, m, second)
	drain(t, m, first)
	if m.browser.Filter != "79" {
		t.Fatalf("filter %q", m.browser.Filter)
	}
	if want := wantVisible(m); !slices.Equal(m.browser.Visible, want) {
		t.Fatalf("%d rows after the stale search landed, want %d", len(m.browser.Visible), len(want))
	}
}

// Every column sorts, both ways, as a plain stable sort with ties by ID
// does, on a network with empty cells, public addresses and duplicate
// names.
func TestSortOrdersMatchAPlainSort(t *testing.T) {
	for _, tc := range []struct {
		name string
		net  *checks.Network
	}{
		{"picker network", pickerNet()},
		{"small network", tuitest.SmallNet()},
		{"generated", tuitest.BigNet(600)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.net.Compile()
			cat := catalog.Build(1, tc.net, nil, false)
			rows := cat.Rows
			for col := range catalog.NumCols {
				for _, desc := range []bool{false, true} {
					want := make([]int, len(rows))
					for i := range want {
						want[i] = i
					}
					slices.SortStableFunc(want, func(x, y int) int {
						r := plainCompare(col, rows[x].Cells[col], rows[y].Cells[col])
						if desc {
							r = -r
						}
						if r == 0 {
							r = strings.Compare(rows[x].ID, rows[y].ID)
						}
						return r
					})
					if got := toInts(cat.Order(col, desc)); !slices.Equal(got, want) {
						t.Errorf("column %s, descending %v: %v, want %v", catalog.Columns[col].Title, desc, got, want)
					}
				}
			}
		})
	}
}

// A newer network arriving while the filter is set searches its rows off
// the terminal's goroutine; until the search lands, no row of the older
// catalog is drawn from the newer one, and the selection survives.
func TestNewCatalogWhileSearching(t *testing.T) {
	net := tuitest.BigNet(1500)
	net.Compile()
	m := newTestModel(t, Static("big", net, nil), Options{})
	m.browser.SyncSearch = 1
	start(t, m)
	press(t, m, "/")
	typeText(t, m, "node-01")
	press(t, m, "enter", "down", "down")
	selected := m.browser.SelectedID()
	if selected == "" {
		t.Fatal("setup: nothing selected")
	}
	smaller := tuitest.BigNet(1200)
	smaller.Compile()
	m.net = smaller
	m.netVer++
	_, cmd := m.Update(catalogMsg{cat: catalog.Build(m.netVer, smaller, nil, false)})
	if !m.browser.Searching() {
		t.Fatal("the search over the newer rows should run in a command")
	}
	if frame := screenText(m); !strings.Contains(frame, "searching for") {
		t.Errorf("while the search runs the list says so:\n%s", frame)
	}
	drain(t, m, cmd)
	if want := wantVisible(m); !slices.Equal(m.browser.Visible, want) {
		t.Fatalf("%d rows after the search landed, a plain scan finds %d", len(m.browser.Visible), len(want))
	}
	if m.browser.SelectedID() != selected {
		t.Errorf("selected %q, want %q still", m.browser.SelectedID(), selected)
	}
}
