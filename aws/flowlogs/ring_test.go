package flowlogs

import "github.com/reachnet/reach/checks"

// Ring stands in for the terminal's consumer in the tests of the batcher
// and the sources: it keeps the newest records of a tail, at most its
// capacity, oldest first, and counts what reached it. (The terminal has
// its own, tui's tail ring.)
type Ring struct {
	buf   []checks.Flow
	start int // index of the oldest record
	n     int

	total, evicted, dropped int
}

// NewRing returns a ring for capacity records (at least 1).
func NewRing(capacity int) *Ring {
	return &Ring{buf: make([]checks.Flow, max(capacity, 1))}
}

// Add appends a batch's records, pushing out the oldest when full, and adds
// its counts to the ring's totals.
func (r *Ring) Add(b Batch) {
	r.dropped += b.Dropped
	flows := b.Flows
	r.total += len(flows)
	if len(flows) >= len(r.buf) {
		// Only the newest cap records can stay.
		r.evicted += r.n + len(flows) - len(r.buf)
		copy(r.buf, flows[len(flows)-len(r.buf):])
		r.start, r.n = 0, len(r.buf)
		return
	}
	for i := range flows {
		if r.n == len(r.buf) {
			r.buf[r.start] = flows[i]
			r.start = (r.start + 1) % len(r.buf)
			r.evicted++
			continue
		}
		r.buf[(r.start+r.n)%len(r.buf)] = flows[i]
		r.n++
	}
}

// Len is the number of records held.
func (r *Ring) Len() int { return r.n }

// Cap is the most records the ring holds.
func (r *Ring) Cap() int { return len(r.buf) }

// At returns the i-th record held, 0 being the oldest. The pointer is valid
// until the next Add.
func (r *Ring) At(i int) *checks.Flow {
	if i < 0 || i >= r.n {
		return nil
	}
	return &r.buf[(r.start+i)%len(r.buf)]
}

// Flows appends the held records to dst, oldest first.
func (r *Ring) Flows(dst []checks.Flow) []checks.Flow {
	for i := 0; i < r.n; i++ {
		dst = append(dst, r.buf[(r.start+i)%len(r.buf)])
	}
	return dst
}

// Total counts every record ever added.
func (r *Ring) Total() int { return r.total }

// Evicted counts the records the ring pushed out to make room.
func (r *Ring) Evicted() int { return r.evicted }

// Dropped counts the records lost before they reached the ring (the
// source's consumer fell behind).
func (r *Ring) Dropped() int { return r.dropped }
