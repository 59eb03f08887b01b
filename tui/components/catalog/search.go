package catalog

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"sync"
)

// byteSet is the set of bytes a string holds, one bit per byte value. A row
// can contain a query word only if it holds every byte of it, so comparing
// two sets rules out most rows without reading their haystacks, and a query
// of single characters is answered by the sets alone.
type byteSet [4]uint64

func bytesOf(s string) byteSet {
	var set byteSet
	for i := 0; i < len(s); i++ {
		set[s[i]>>6] |= 1 << (s[i] & 63)
	}
	return set
}

func (s byteSet) holds(q byteSet) bool {
	return s[0]&q[0] == q[0] && s[1]&q[1] == q[1] && s[2]&q[2] == q[2] && s[3]&q[3] == q[3]
}

// NormalizeQuery is the form a filter is searched in: lower case, without
// surrounding spaces. Words are separated by spaces; a row matches when its
// haystack contains every word.
func NormalizeQuery(filter string) string {
	return strings.ToLower(strings.TrimSpace(filter))
}

// Narrows reports whether every row matching query also matches prior, so
// that query's matches can be searched among prior's alone. It holds when
// query extends prior: each word of prior is then a word of query, or (the
// last) a prefix of one.
func Narrows(query, prior string) bool {
	return strings.HasPrefix(query, prior)
}

// Candidates returns, in ascending order, the indexes of rows that may
// match query (a normalized query): those among within (every row when
// within is nil) holding every byte of it. exact reports that the
// candidates are the matches: every word of query is one byte long.
func (c *Catalog) Candidates(query string, within []int32) (rows []int32, exact bool) {
	var want byteSet
	exact = true
	for _, w := range strings.Split(query, " ") {
		if len(w) > 1 {
			exact = false
		}
		want = orSets(want, bytesOf(w))
	}
	if within == nil {
		rows = make([]int32, 0, len(c.hayBytes)/4)
		for i := range c.hayBytes {
			if c.hayBytes[i].holds(want) {
				rows = append(rows, int32(i))
			}
		}
		return rows, exact
	}
	rows = make([]int32, 0, len(within))
	for _, i := range within {
		if c.hayBytes[i].holds(want) {
			rows = append(rows, i)
		}
	}
	return rows, exact
}

func orSets(a, b byteSet) byteSet {
	return byteSet{a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3]}
}

// Match keeps the candidates whose haystack contains every word of query.
// It only reads the catalog, so it may run off the terminal's goroutine.
func (c *Catalog) Match(query string, candidates []int32) []int32 {
	out := make([]int32, 0, len(candidates))
	for _, i := range candidates {
		if matchAll(c.Rows[i].Hay, query) {
			out = append(out, i)
		}
	}
	return out
}

// matchAll is the filter's rule: every space-separated word is in hay.
func matchAll(hay, q string) bool {
	for q != "" {
		var word string
		word, q, _ = strings.Cut(q, " ")
		if word != "" && !strings.Contains(hay, word) {
			return false
		}
	}
	return true
}

// sortOrders holds, per column, the rows sorted by that column's cells
// (computed once, when the catalog is built) and, lazily, the reverse
// order.
type sortOrders struct {
	asc [NumCols][]int32
	// tied marks, per column, the positions of asc whose row sorts equal
	// to the one before it (only the ID tells them apart).
	tied [NumCols][]bool
	mu   sync.Mutex
	desc [NumCols][]int32
}

// Order returns the rows sorted by a column, as the browser shows them:
// addresses numerically, other cells as lower-case text, the "-" of an
// empty cell last (first when descending), ties by ID then by the
// catalog's own order, whichever the direction. The slice is shared: it
// must not be changed.
func (c *Catalog) Order(col int, desc bool) []int32 {
	if col < 0 || col >= NumCols || c.orders == nil {
		return nil
	}
	if !desc {
		return c.orders.asc[col]
	}
	o := c.orders
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.desc[col] == nil {
		o.desc[col] = reverseRuns(o.asc[col], o.tied[col])
	}
	return o.desc[col]
}

// reverseRuns reverses an order while keeping rows that sort equal in
// their order (by ID), as a descending sort with the same tie-break does.
func reverseRuns(asc []int32, tied []bool) []int32 {
	out := make([]int32, 0, len(asc))
	end := len(asc)
	for end > 0 {
		start := end - 1
		for start > 0 && tied[start] {
			start--
		}
		out = append(out, asc[start:end]...)
		end = start
	}
	return out
}

// buildOrders sorts the rows by every column, using both cores: done once
// per catalog, off the terminal's goroutine, so a sort keystroke only picks
// an order.
func (c *Catalog) buildOrders() {
	o := &sortOrders{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for col := range NumCols {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			o.asc[col], o.tied[col] = sortByColumn(c.Rows, col)
		}()
	}
	wg.Wait()
	c.orders = o
}

// columnKey is a cell prepared for comparison.
type columnKey struct {
	dash  bool
	addr  netip.Addr
	lower string
}

func sortByColumn(rows []Row, col int) ([]int32, []bool) {
	keys := make([]columnKey, len(rows))
	for i := range rows {
		cell := rows[i].Cells[col]
		k := columnKey{dash: cell == "-", lower: Lower(cell)}
		if col == ColPrivate || col == ColPublic {
			if a, err := netip.ParseAddr(cell); err == nil {
				k.addr = a
			}
		}
		keys[i] = k
	}
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		if r := compareKeys(&keys[x], &keys[y]); r != 0 {
			return r
		}
		if r := strings.Compare(rows[x].ID, rows[y].ID); r != 0 {
			return r
		}
		return cmp.Compare(x, y)
	})
	tied := make([]bool, len(order))
	for i := 1; i < len(order); i++ {
		tied[i] = compareKeys(&keys[order[i-1]], &keys[order[i]]) == 0
	}
	return order, tied
}

// compareKeys orders addresses numerically and everything else as text,
// with the "-" of an empty cell last.
func compareKeys(a, c *columnKey) int {
	if a.dash != c.dash {
		if a.dash {
			return 1
		}
		return -1
	}
	if a.addr.IsValid() && c.addr.IsValid() {
		return a.addr.Compare(c.addr)
	}
	return strings.Compare(a.lower, c.lower)
}
