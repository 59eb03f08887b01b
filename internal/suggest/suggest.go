// Package suggest finds the known name nearest to a mistyped one, for the
// "did you mean" of error messages (configuration keys, key actions).
package suggest

// Nearest returns the first of names nearest to name, when it is at most
// maxDistance edits away.
func Nearest(name string, names []string, maxDistance int) (string, bool) {
	best, bestD := "", maxDistance+1
	for _, n := range names {
		if d := Distance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best, best != ""
}

// Distance is the Levenshtein distance between a and b, in bytes: the
// fewest insertions, deletions and substitutions that turn one into the
// other.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
