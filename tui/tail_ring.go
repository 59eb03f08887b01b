package tui

import (
	"fmt"
	"net/netip"
	"strings"

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

// flowFilter is the parsed query of the tail's / filter. Every term must
// match; a term starting with - (or !) must not.
//
//	accept reject nodata skipdata   the action (or log status)
//	tcp udp icmp icmpv6 proto:N     the protocol
//	port:N port:N-M                 either port (sport: and dport: for one)
//	10.0.1.5 10.0.1.0/24            either address (src: and dst: for one)
//	eni-0abc                        the interface (a prefix is enough)
//	in out                          the flow direction (ingress, egress)
//	syn ack fin rst                 a TCP flag seen in the window
type flowFilter struct {
	terms []flowTerm
}

type termKind int

const (
	termAction termKind = iota
	termProto
	termPort
	termSrcPort
	termDstPort
	termAddr
	termSrc
	termDst
	termENI
	termDir
	termFlag
)

type flowTerm struct {
	kind   termKind
	neg    bool
	text   string // action, direction, interface prefix
	proto  checks.Protocol
	ports  checks.PortRange
	prefix netip.Prefix
	flag   int
}

// filterHint is the filter's syntax in one line, for its placeholder and
// its errors.
const filterHint = "reject accept tcp udp port:443 10.0.1.5 10.0.1.0/24 eni-... in out syn rst -term"

// parseFlowFilter parses the query; the error names the term it refused.
func parseFlowFilter(q string) (*flowFilter, error) {
	f := &flowFilter{}
	for _, word := range strings.Fields(strings.ToLower(q)) {
		t := flowTerm{}
		if w := strings.TrimLeft(word, "-!"); w != word {
			t.neg, word = true, w
		}
		if word == "" {
			continue
		}
		if err := t.parse(word); err != nil {
			return nil, err
		}
		f.terms = append(f.terms, t)
	}
	return f, nil
}

var tcpFlagNames = map[string]int{"fin": 1, "syn": 2, "rst": 4, "psh": 8, "ack": 16, "urg": 32}

func (t *flowTerm) parse(word string) error {
	switch word {
	case "accept", "reject":
		t.kind, t.text = termAction, strings.ToUpper(word)
		return nil
	case "nodata", "skipdata":
		t.kind, t.text = termAction, strings.ToUpper(word)
		return nil
	case "tcp", "udp", "icmp", "icmpv6":
		t.kind = termProto
		t.proto, _ = checks.ParseProtocol(word)
		return nil
	case "in", "ingress":
		t.kind, t.text = termDir, "ingress"
		return nil
	case "out", "egress":
		t.kind, t.text = termDir, "egress"
		return nil
	}
	if bit, ok := tcpFlagNames[word]; ok {
		t.kind, t.flag = termFlag, bit
		return nil
	}
	if strings.HasPrefix(word, "eni-") {
		t.kind, t.text = termENI, word
		return nil
	}
	// No key below is an IPv6 group, so "src:fe80::1" is a key and a
	// value, and "fe80::1" is an address.
	key, val, hasKey := strings.Cut(word, ":")
	if hasKey {
		switch key {
		case "port", "sport", "dport":
			r, err := checks.ParsePortRange(val)
			if err != nil {
				return fmt.Errorf("%q: %w", word, err)
			}
			t.ports = r
			t.kind = map[string]termKind{"port": termPort, "sport": termSrcPort, "dport": termDstPort}[key]
			return nil
		case "src", "dst", "addr":
			p, err := parsePrefix(val)
			if err != nil {
				return fmt.Errorf("%q: %w", word, err)
			}
			t.prefix = p
			t.kind = map[string]termKind{"src": termSrc, "dst": termDst, "addr": termAddr}[key]
			return nil
		case "proto":
			p, err := checks.ParseProtocol(val)
			if err != nil {
				return fmt.Errorf("%q: %w", word, err)
			}
			t.kind, t.proto = termProto, p
			return nil
		case "action":
			return t.parse(val)
		}
	}
	if p, err := parsePrefix(word); err == nil {
		t.kind, t.prefix = termAddr, p
		return nil
	}
	return fmt.Errorf("%q is not a filter term; try %s", word, filterHint)
}

// parsePrefix takes an address (a /32 or /128) or a CIDR block.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("expected an address or a CIDR block")
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("expected an address or a CIDR block")
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (f *flowFilter) empty() bool { return f == nil || len(f.terms) == 0 }

func (f *flowFilter) match(r *checks.Flow) bool {
	if f == nil {
		return true
	}
	for i := range f.terms {
		if f.terms[i].match(r) == f.terms[i].neg {
			return false
		}
	}
	return true
}

func (t *flowTerm) match(r *checks.Flow) bool {
	switch t.kind {
	case termAction:
		return r.Action == t.text || r.Action == "" && r.LogStatus == t.text
	case termProto:
		return r.Protocol == t.proto
	case termPort:
		return r.Protocol.HasPorts() && (t.ports.Contains(r.SrcPort) || t.ports.Contains(r.DstPort))
	case termSrcPort:
		return r.Protocol.HasPorts() && t.ports.Contains(r.SrcPort)
	case termDstPort:
		return r.Protocol.HasPorts() && t.ports.Contains(r.DstPort)
	case termAddr:
		return t.prefix.Contains(r.Src) || t.prefix.Contains(r.Dst)
	case termSrc:
		return t.prefix.Contains(r.Src)
	case termDst:
		return t.prefix.Contains(r.Dst)
	case termENI:
		return strings.HasPrefix(strings.ToLower(r.InterfaceID), t.text)
	case termDir:
		return strings.EqualFold(r.FlowDirection, t.text)
	case termFlag:
		return r.TCPFlags > 0 && r.TCPFlags&t.flag != 0
	}
	return false
}
