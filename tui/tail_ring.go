package tui

import (
	"github.com/reachnet/reach/checks"
)

// tailRec is one record as the tail keeps it: the record itself (for the
// filter and the attribution) and its cells, formatted once when the batch
// was prepared. It is not changed after the ring takes it, so the ring and
// its paused copy share records.
type tailRec struct {
	seq   uint64
	flow  checks.Flow
	cells [numTailCols]string
}

// flowList is a ring of the newest records plus the sequence numbers of
// those that pass the filter. A record's slot is its sequence number
// modulo the capacity, so the list never moves a record; matches are
// ascending and trimmed from the front as the ring overwrites. The ring
// holds pointers into the prepared batches: taking a batch copies no
// record, and pausing copies 10,000 pointers rather than 10,000 records.
// A batch's records stay in memory until its last one is overwritten, so
// the ring holds at most one batch's worth more than its capacity.
type flowList struct {
	recs     []*tailRec
	capacity int
	next     uint64 // sequence number of the next record
	match    []uint64
	evicted  int64 // records overwritten by newer ones
	// natural is the widest cell of each column seen so far; it never
	// shrinks, so columns do not jump as records scroll by.
	natural [numTailCols]int
}

func newFlowList(capacity int) *flowList {
	return &flowList{capacity: max(capacity, 1)}
}

func (l *flowList) size() int { return len(l.recs) }

// oldest is the sequence number of the oldest record kept.
func (l *flowList) oldest() uint64 { return l.next - uint64(len(l.recs)) }

func (l *flowList) get(seq uint64) *tailRec { return l.recs[seq%uint64(l.capacity)] }

// count is the number of records passing the filter; row(i) is the i-th.
func (l *flowList) count() int          { return len(l.match) }
func (l *flowList) row(i int) *tailRec  { return l.get(l.match[i]) }
func (l *flowList) rowSeq(i int) uint64 { return l.match[i] }
func (l *flowList) newestSeq() (uint64, bool) {
	if len(l.match) == 0 {
		return 0, false
	}
	return l.match[len(l.match)-1], true
}

// push appends records (natural: their widest cells), overwriting the
// oldest when full, and returns how many matches fell off the front (the
// screen moves its cursor by that).
func (l *flowList) push(recs []tailRec, natural [numTailCols]int, f *flowFilter) (trimmed int) {
	for c, w := range natural {
		l.natural[c] = max(l.natural[c], w)
	}
	for i := range recs {
		r := &recs[i]
		r.seq = l.next
		l.next++
		if len(l.recs) < l.capacity {
			l.recs = append(l.recs, r)
		} else {
			l.recs[r.seq%uint64(l.capacity)] = r
			l.evicted++
		}
		if f.match(&r.flow) {
			l.match = append(l.match, r.seq)
		}
	}
	return l.trim()
}

// trim drops matches whose record was overwritten.
func (l *flowList) trim() int {
	old := l.oldest()
	n := 0
	for n < len(l.match) && l.match[n] < old {
		n++
	}
	if n > 0 {
		// Shift in place: reslicing the front away would make every
		// append reallocate once the ring is full.
		l.match = l.match[:copy(l.match, l.match[n:])]
	}
	return n
}

// refilter recomputes the matches: at most capacity records, each a few
// comparisons, so it runs in Update on every keystroke of the filter.
func (l *flowList) refilter(f *flowFilter) {
	l.match = l.match[:0]
	for s := l.oldest(); s < l.next; s++ {
		if f.match(&l.get(s).flow) {
			l.match = append(l.match, s)
		}
	}
}

// index returns the position of seq among the matches, or where it would
// be.
func (l *flowList) index(seq uint64) int {
	lo, hi := 0, len(l.match)
	for lo < hi {
		mid := (lo + hi) / 2
		if l.match[mid] < seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// ringSnapshot is the records a ring held at one moment: a copy of its
// slots (pointers), oldest at first. The diagnosis takes one in Update
// (copying 10,000 pointers) and reads the records in its command, which
// the ring allows because it never changes a record it took.
type ringSnapshot struct {
	recs  []*tailRec
	first int
}

// snapshot copies the ring's slots into buf's array when it is large
// enough (the caller hands back a snapshot no command reads any more).
func (l *flowList) snapshot(buf []*tailRec) ringSnapshot {
	s := ringSnapshot{recs: append(buf[:0], l.recs...)}
	if len(l.recs) == l.capacity {
		s.first = int(l.oldest() % uint64(l.capacity))
	}
	return s
}

// flows returns the records, oldest first, whatever the filter.
func (s ringSnapshot) flows() []*checks.Flow {
	out := make([]*checks.Flow, 0, len(s.recs))
	for _, r := range s.recs[s.first:] {
		out = append(out, &r.flow)
	}
	for _, r := range s.recs[:s.first] {
		out = append(out, &r.flow)
	}
	return out
}

// clone copies the list (the pointers, not the records): pause shows the
// copy while the ring goes on.
func (l *flowList) clone() *flowList {
	c := *l
	c.recs = append([]*tailRec(nil), l.recs...)
	c.match = append([]uint64(nil), l.match...)
	return &c
}
