// Package columns lays out the columns of the terminal's tables (the ENI
// browser, the flow tail) in the width the terminal has, k9s-style:
// narrow terminals drop the columns of least priority.
package columns

import (
	"slices"

	"github.com/reachnet/reach/tui/components/cells"
)

// Spec describes one column of a table. Columns are kept in priority order
// while they fit; Min is the narrowest a kept column gets, Max the widest.
type Spec struct {
	Title    string
	Min, Max int
	Prio     int // 0 is kept first
}

// Placed is one drawn column: which, and how wide.
type Placed struct {
	Col, W int
}

// Fit is the one column layout of the terminal's tables: it keeps
// columns in priority order while they fit at their narrowest (never
// narrower than the title), then widens the kept ones, in priority order,
// up to their widest cell (natural) or their max. spec describes column c;
// a negative natural width hides the column.
func Fit(natural []int, total int, spec func(c int) Spec) []Placed {
	n := len(natural)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, c int) int { return spec(a).Prio - spec(c).Prio })
	widths := make([]int, n)
	used := 0
	for _, c := range order {
		if natural[c] < 0 {
			continue // hidden
		}
		col := spec(c)
		w := max(min(col.Min, natural[c]), cells.Width(col.Title))
		need := w
		if used > 0 {
			need++
		}
		if used+need <= total {
			widths[c] = w
			used += need
		}
	}
	extra := total - used
	for _, c := range order {
		if widths[c] == 0 || extra == 0 {
			continue
		}
		if grow := min(max(natural[c], widths[c]), spec(c).Max) - widths[c]; grow > 0 {
			g := min(grow, extra)
			widths[c] += g
			extra -= g
		}
	}
	var out []Placed
	for c := range n {
		if widths[c] > 0 {
			out = append(out, Placed{Col: c, W: widths[c]})
		}
	}
	return out
}
