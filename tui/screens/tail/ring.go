package tail

import (
	"github.com/reachnet/reach/checks"
)

// Record is one record as the tail keeps it: the record itself (for the
// filter and the attribution) and its cells, formatted once when the batch
// was prepared. It is not changed after the ring takes it, so the ring and
// its paused copy share records.
type Record struct {
	seq   uint64
	Flow  checks.Flow
	cells [NumColumns]string
}

// Ring is a ring of the newest records plus the sequence numbers of
// those that pass the filter. A record's slot is its sequence number
// modulo the capacity, so the list never moves a record; matches are
// ascending and trimmed from the front as the ring overwrites. The ring
// holds pointers into the prepared batches: taking a batch copies no
// record, and pausing copies 10,000 pointers rather than 10,000 records.
// A batch's records stay in memory until its last one is overwritten, so
// the ring holds at most one batch's worth more than its capacity.
type Ring struct {
	recs     []*Record
	capacity int
	next     uint64 // sequence number of the next record
	match    []uint64
	evicted  int64 // records overwritten by newer ones
	// natural is the widest cell of each column seen so far; it never
	// shrinks, so columns do not jump as records scroll by.
	natural [NumColumns]int
}

func NewRing(capacity int) *Ring {
	return &Ring{capacity: max(capacity, 1)}
}

func (l *Ring) Size() int { return len(l.recs) }

// oldest is the sequence number of the oldest record kept.
func (l *Ring) oldest() uint64 { return l.next - uint64(len(l.recs)) }

func (l *Ring) get(seq uint64) *Record { return l.recs[seq%uint64(l.capacity)] }

// Count is the number of records passing the filter; row(i) is the i-th.
func (l *Ring) Count() int          { return len(l.match) }
func (l *Ring) Row(i int) *Record   { return l.get(l.match[i]) }
func (l *Ring) RowSeq(i int) uint64 { return l.match[i] }
func (l *Ring) NewestSeq() (uint64, bool) {
	if len(l.match) == 0 {
		return 0, false
	}
	return l.match[len(l.match)-1], true
}

// Push appends records (natural: their widest cells), overwriting the
// oldest when full, and returns how many matches fell off the front (the
// screen moves its cursor by that).
func (l *Ring) Push(recs []Record, natural [NumColumns]int, f *Filter) (trimmed int) {
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
		if f.match(&r.Flow) {
			l.match = append(l.match, r.seq)
		}
	}
	return l.trim()
}

// trim drops matches whose record was overwritten.
func (l *Ring) trim() int {
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

// Refilter recomputes the matches: at most capacity records, each a few
// comparisons, so it runs in Update on every keystroke of the filter.
func (l *Ring) Refilter(f *Filter) {
	l.match = l.match[:0]
	for s := l.oldest(); s < l.next; s++ {
		if f.match(&l.get(s).Flow) {
			l.match = append(l.match, s)
		}
	}
}

// index returns the position of seq among the matches, or where it would
// be.
func (l *Ring) index(seq uint64) int {
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

// RingSnapshot is the records a ring held at one moment: a copy of its
// slots (pointers), oldest at first. The diagnosis takes one in Update
// (copying 10,000 pointers) and reads the records in its command, which
// the ring allows because it never changes a record it took.
type RingSnapshot struct {
	Recs  []*Record
	first int
}

// Snapshot copies the ring's slots into buf's array when it is large
// enough (the caller hands back a snapshot no command reads any more).
func (l *Ring) Snapshot(buf []*Record) RingSnapshot {
	s := RingSnapshot{Recs: append(buf[:0], l.recs...)}
	if len(l.recs) == l.capacity {
		s.first = int(l.oldest() % uint64(l.capacity))
	}
	return s
}

// flows returns the records, oldest first, whatever the filter.
func (s RingSnapshot) flows() []*checks.Flow {
	out := make([]*checks.Flow, 0, len(s.Recs))
	for _, r := range s.Recs[s.first:] {
		out = append(out, &r.Flow)
	}
	for _, r := range s.Recs[:s.first] {
		out = append(out, &r.Flow)
	}
	return out
}

// clone copies the list (the pointers, not the records): pause shows the
// copy while the ring goes on.
func (l *Ring) clone() *Ring {
	c := *l
	c.recs = append([]*Record(nil), l.recs...)
	c.match = append([]uint64(nil), l.match...)
	return &c
}
