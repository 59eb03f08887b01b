package columns

import (
	"slices"
	"testing"
)

func TestFit(t *testing.T) {
	a := Spec{Title: "A", Min: 2, Max: 5, Prio: 0}
	b := Spec{Title: "BB", Min: 3, Max: 4, Prio: 1}
	for _, tc := range []struct {
		name    string
		specs   []Spec
		natural []int
		total   int
		want    []Placed
	}{
		{name: "wide: every column widens to its widest cell or its max",
			specs: []Spec{a, b}, natural: []int{5, 10}, total: 100, want: []Placed{{0, 5}, {1, 4}}},
		{name: "narrow: the column of least priority is dropped and the rest widens",
			specs: []Spec{a, b}, natural: []int{5, 10}, total: 4, want: []Placed{{0, 4}}},
		{name: "a column is never narrower than its title",
			specs: []Spec{{Title: "LONGTITLE", Min: 2, Max: 20}}, natural: []int{1}, total: 50, want: []Placed{{0, 9}}},
		{name: "priority, not position, decides what is kept",
			specs: []Spec{{Title: "A", Min: 2, Max: 2, Prio: 1}, {Title: "B", Min: 3, Max: 3, Prio: 0}}, natural: []int{2, 3}, total: 3,
			want: []Placed{{1, 3}}},
		{name: "no room keeps nothing",
			specs: []Spec{a, b}, natural: []int{5, 10}, total: 0, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Fit(tc.natural, tc.total, func(c int) Spec { return tc.specs[c] })
			if !slices.Equal(got, tc.want) {
				t.Errorf("Fit = %v, want %v", got, tc.want)
			}
		})
	}
}
