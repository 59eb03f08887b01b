package flowlogs

import (
	"encoding/binary"
	"math/bits"
	"net/netip"

	"github.com/reachnet/reach/checks"
)

// Filters are decided on a line's raw fields first: a record the filter
// will not keep is never parsed whole, let alone copied. The decision is
// only "drop" when the fields it reads are well formed and fail the
// filter and every other field is well formed too; anything else (a field
// that does not parse, a line whose field count matches no format) goes
// on to the full parse, which reports it as malformed. Checking a field
// costs far less than storing it: nothing is interned, converted or
// copied.

// maxRawFields bounds the fields a line is split into here; a format with
// more columns is filtered after the full parse.
const maxRawFields = 64

// rejects reports whether the line's raw fields show that its record
// fails f.
func rejects[T text](p *Parser, f *Filter, line T) bool {
	if f.Action == "" && len(f.ENIs) == 0 && f.Protocol == 0 && f.Port == 0 && len(f.Hosts) == 0 {
		return false
	}
	if len(p.formats) == 1 {
		return rejectsOnePass(p, f, p.formats[0], line)
	}
	if p.starts == nil {
		p.starts, p.ends = make([]int, maxRawFields), make([]int, maxRawFields)
	}
	starts, ends := p.starts, p.ends
	n := 0
	for i := 0; i < len(line); {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		if n == maxRawFields {
			return false
		}
		starts[n] = i
		for i < len(line) && !isSpace(line[i]) {
			i++
		}
		ends[n] = i
		n++
	}
	var format *Format
	for _, fm := range p.formats {
		if len(fm.cols) == n {
			format = fm
			break
		}
	}
	if format == nil {
		return false
	}
	var (
		src, dst             netip.Addr
		sport, dport         uint16
		haveSrc, haveDst     bool
		haveSport, haveDport bool
	)
	for col, id := range format.cols {
		tok := line[starts[col]:ends[col]]
		switch id {
		case fAction:
			if f.Action == "" {
				continue
			}
			switch {
			case eq(tok, "ACCEPT"), eq(tok, "REJECT"):
				if !eq(tok, f.Action) {
					return wellFormed(p, format, line, starts[:n], ends[:n])
				}
			case isDash(tok):
				return wellFormed(p, format, line, starts[:n], ends[:n])
			}
		case fInterfaceID:
			if len(f.ENIs) == 0 || isDash(tok) {
				continue
			}
			found := false
			for _, e := range f.ENIs {
				if eq(tok, e) {
					found = true
					break
				}
			}
			if !found {
				return wellFormed(p, format, line, starts[:n], ends[:n])
			}
		case fProtocol:
			if f.Protocol == 0 {
				continue
			}
			if isDash(tok) {
				return wellFormed(p, format, line, starts[:n], ends[:n])
			}
			if v, ok := parseUint(tok, 255); ok && checks.Protocol(v) != f.Protocol {
				return wellFormed(p, format, line, starts[:n], ends[:n])
			}
		case fSrcPort, fDstPort:
			if f.Port == 0 {
				continue
			}
			var v uint64
			ok := isDash(tok)
			if !ok {
				v, ok = parseUint(tok, 65535)
			}
			if ok && id == fSrcPort {
				sport, haveSport = uint16(v), true
			} else if ok {
				dport, haveDport = uint16(v), true
			}
		case fSrcAddr, fDstAddr:
			if len(f.Hosts) == 0 {
				continue
			}
			var a netip.Addr
			ok := isDash(tok)
			if !ok {
				a, ok = parseAddr(tok)
			}
			if ok && id == fSrcAddr {
				src, haveSrc = a, true
			} else if ok {
				dst, haveDst = a, true
			}
		}
	}
	drop := f.Port != 0 && haveSport && haveDport && sport != f.Port && dport != f.Port
	if !drop && haveSrc && haveDst {
		for _, h := range f.Hosts {
			if src != h && dst != h {
				drop = true
				break
			}
		}
	}
	return drop && wellFormed(p, format, line, starts[:n], ends[:n])
}

// wellFormed reports whether every field of the line parses, as Parse
// would check it; strings are not looked at (any token is one).
func wellFormed[T text](p *Parser, format *Format, line T, starts, ends []int) bool {
	scratch := &p.check
	for col, id := range format.cols {
		switch id {
		case fVersion, fSrcAddr, fDstAddr, fPktSrcAddr, fPktDstAddr, fSrcPort, fDstPort, fProtocol, fPackets, fBytes,
			fStart, fEnd, fAction, fLogStatus, fTCPFlags, fTrafficPath, fEncryptionStatus:
			if setField(nil, scratch, id, line[starts[col]:ends[col]]) != "" {
				return false
			}
		}
	}
	return true
}

// rejectsOnePass is rejects for a parser of one format (the usual case):
// each field is checked against the filter and for its form as it is
// found, in one pass over the line.
func rejectsOnePass[T text](p *Parser, f *Filter, format *Format, line T) bool {
	var (
		src, dst             netip.Addr
		sport, dport         uint16
		haveSrc, haveDst     bool
		haveSport, haveDport bool
		drop                 bool
	)
	col := 0
	for i := 0; i < len(line); {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		start := i
		for i < len(line) && !isSpace(line[i]) {
			i++
		}
		if col == len(format.cols) {
			return false
		}
		tok := line[start:i]
		id := format.cols[col]
		col++
		switch id {
		case fInterfaceID:
			if len(f.ENIs) > 0 && !isDash(tok) && !drop {
				found := false
				for _, e := range f.ENIs {
					if eq(tok, e) {
						found = true
						break
					}
				}
				drop = !found
			}
			continue
		case fVersion, fPktSrcAddr, fPktDstAddr, fPackets, fBytes, fStart, fEnd, fLogStatus, fTCPFlags, fTrafficPath, fEncryptionStatus:
			if setField(nil, &p.check, id, tok) != "" {
				return false
			}
			continue
		case fSrcAddr, fDstAddr, fSrcPort, fDstPort, fProtocol, fAction:
			if setField(nil, &p.check, id, tok) != "" {
				return false
			}
		default:
			continue
		}
		switch id {
		case fAction:
			drop = drop || f.Action != "" && p.check.Action != f.Action
			p.check.Action = ""
		case fProtocol:
			drop = drop || f.Protocol != 0 && p.check.Protocol != f.Protocol
			p.check.Protocol = 0
		case fSrcPort:
			sport, haveSport = p.check.SrcPort, true
			p.check.SrcPort = 0
		case fDstPort:
			dport, haveDport = p.check.DstPort, true
			p.check.DstPort = 0
		case fSrcAddr:
			src, haveSrc = p.check.Src, true
			p.check.Src = netip.Addr{}
		case fDstAddr:
			dst, haveDst = p.check.Dst, true
			p.check.Dst = netip.Addr{}
		}
	}
	if col != len(format.cols) {
		return false
	}
	if f.Port != 0 && haveSport && haveDport && sport != f.Port && dport != f.Port {
		drop = true
	}
	if haveSrc && haveDst {
		for _, h := range f.Hosts {
			if src != h && dst != h {
				drop = true
			}
		}
	}
	return drop
}

// fastKind is how the one-pass filter checks a column.
type fastKind uint8

const (
	kindString      fastKind = iota // any token without a blank
	kindLongNumber                  // digits whose value is not needed
	kindSmallNumber                 // digits whose value is bounded or filtered on
	kindAddress                     // an IPv4 address
	kindAction                      // ACCEPT, REJECT
	kindLogStatus                   // OK, NODATA, SKIPDATA
	kindUndecided                   // left to the full parse
)

// fastKinds are the kinds of f's columns.
func fastKinds(f *Format) []fastKind {
	kinds := make([]fastKind, len(f.cols))
	for i, id := range f.cols {
		switch id {
		case fPackets, fBytes, fStart, fEnd:
			kinds[i] = kindLongNumber
		case fVersion, fSrcPort, fDstPort, fProtocol, fTCPFlags, fTrafficPath:
			kinds[i] = kindSmallNumber
		case fSrcAddr, fDstAddr, fPktSrcAddr, fPktDstAddr:
			kinds[i] = kindAddress
		case fAction:
			kinds[i] = kindAction
		case fLogStatus:
			kinds[i] = kindLogStatus
		case fEncryptionStatus:
			kinds[i] = kindUndecided
		}
	}
	return kinds
}

// rejectsFast decides the common case of a file's lines quickly: one
// format, fields separated by single spaces, and every field of a kind it
// can vouch for by looking at its bytes (numbers, IPv4 addresses, the
// action and log status words, strings). decided is false when it cannot
// vouch for a line, which then goes through rejects and the full parse as
// before (so is every line when the filter is empty); a line it decided
// to keep has the form parseVouched reads; a field it calls well formed is one setField accepts, so that a
// line is never dropped that the full parse would report as malformed.
// Numbers and addresses are checked as they are scanned, in one pass.
func rejectsFast(p *Parser, f *Filter, line []byte) (drop, decided bool) {
	if f.Action == "" && len(f.ENIs) == 0 && f.Protocol == 0 && f.Port == 0 && len(f.Hosts) == 0 {
		// Nothing to drop: the full parse reads every line anyway.
		return false, false
	}
	if len(p.formats) != 1 {
		return false, false
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	var (
		src, dst             netip.Addr
		sport, dport         uint64
		haveSrc, haveDst     bool
		haveSport, haveDport bool
	)
	cols := p.formats[0].cols
	last := len(cols) - 1
	i := 0
	for col, id := range cols {
		if i >= len(line) {
			return false, false
		}
		start := i
		dash := line[i] == '-' && (i+1 == len(line) || line[i+1] == ' ')
		switch p.kinds[col] {
		case kindLongNumber:
			// Only the form counts: eleven digits at most stay under both
			// bounds (2^63-1, the last second of year 9999); longer
			// numbers take the full check.
			if dash {
				i++
				break
			}
			i = digitRun(line, i)
			if n := i - start; n == 0 || n > 11 {
				return false, false
			}
		case kindSmallNumber:
			if dash {
				i++
				if id == fProtocol {
					drop = drop || f.Protocol != 0
				}
				break
			}
			var v uint64
			for i < len(line) {
				c := line[i] - '0'
				if c > 9 {
					break
				}
				v = v*10 + uint64(c)
				i++
			}
			if n := i - start; n == 0 || n > 5 || i < len(line) && line[i] != ' ' {
				return false, false
			}
			switch id {
			case fVersion:
				if v > 1<<16 {
					return false, false
				}
			case fSrcPort:
				if v > 65535 {
					return false, false
				}
				sport, haveSport = v, true
			case fDstPort:
				if v > 65535 {
					return false, false
				}
				dport, haveDport = v, true
			case fProtocol:
				if v > 255 {
					return false, false
				}
				drop = drop || f.Protocol != 0 && checks.Protocol(v) != f.Protocol
			case fTCPFlags:
				if v > 1<<16-1 {
					return false, false
				}
			case fTrafficPath:
				if v > 255 {
					return false, false
				}
			}
		case kindAddress:
			if dash {
				i++
				break
			}
			var a [4]byte
			var ok bool
			if a, i, ok = scan4(line, i); !ok {
				return false, false
			}
			if len(f.Hosts) > 0 && id == fSrcAddr {
				src, haveSrc = netip.AddrFrom4(a), true
			} else if len(f.Hosts) > 0 && id == fDstAddr {
				dst, haveDst = netip.AddrFrom4(a), true
			}
		case kindAction:
			i = nextBlank(line, i)
			tok := line[start:i]
			switch {
			case eq(tok, "ACCEPT"), eq(tok, "REJECT"):
				drop = drop || f.Action != "" && !eq(tok, f.Action)
			case dash:
				drop = drop || f.Action != ""
			default:
				return false, false
			}
		case kindLogStatus:
			i = nextBlank(line, i)
			if tok := line[start:i]; !dash && !eq(tok, "OK") && !eq(tok, "NODATA") && !eq(tok, "SKIPDATA") {
				return false, false
			}
		case kindUndecided:
			return false, false
		default:
			// A string: any token is one, as long as no other blank
			// (which the full parse splits on) hides in it.
			i = nextBlank(line, i)
			if id == fInterfaceID && len(f.ENIs) > 0 && !dash && !drop {
				tok, found := line[start:i], false
				for _, e := range f.ENIs {
					if eq(tok, e) {
						found = true
						break
					}
				}
				drop = !found
			}
		}
		// The token must end at a single space, or at the end of the
		// line after the last field.
		switch {
		case i == start:
			return false, false
		case i == len(line):
			if col != last {
				return false, false
			}
		case line[i] != ' ' || col == last:
			return false, false
		default:
			i++
		}
	}
	if f.Port != 0 && haveSport && haveDport && uint16(sport) != f.Port && uint16(dport) != f.Port {
		drop = true
	}
	if haveSrc && haveDst {
		for _, h := range f.Hosts {
			if src != h && dst != h {
				drop = true
			}
		}
	}
	return drop, true
}

// nextBlank returns the index of the first byte at or after i that is a
// space or a control character (a tab, a carriage return), or len(line).
// It tests eight bytes at a time: XORed with spaces, a space becomes a
// zero byte, and a byte below 0x20 is found by subtracting 0x20 from each;
// the borrow of a subtraction flags the lowest such byte exactly, which is
// all that is used. Bytes from 0x80 up are never flagged.
func nextBlank(line []byte, i int) int {
	const ones, highs, spaces = 0x0101010101010101, 0x8080808080808080, 0x2020202020202020
	for i+8 <= len(line) {
		w := binary.LittleEndian.Uint64(line[i:])
		x := w ^ spaces
		if m := ((x-ones)&^x | (w-spaces)&^w) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(line) && line[i] > ' ' {
		i++
	}
	return i
}

// digitRun returns the index of the first byte at or after i that is not
// a decimal digit, or len(line), eight bytes at a time: a byte below '0'
// is flagged by the borrow of subtracting 0x30 from each (exact for the
// lowest one), a byte above '9' (or from 0x80 up) by adding 0x46, which
// cannot carry out of a byte below 0x80; the lowest flag of either is the
// first byte that is not a digit.
func digitRun(line []byte, i int) int {
	const highs, zeros, over = 0x8080808080808080, 0x3030303030303030, 0x4646464646464646
	for i+8 <= len(line) {
		w := binary.LittleEndian.Uint64(line[i:])
		below := (w - zeros) &^ w & highs
		above := ((w &^ highs) + over | w) & highs
		if m := below | above; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	return i
}

// scan4 reads the IPv4 address at line[i:] as parse4 accepts it (four
// decimal octets of one to three digits, no leading zeros, none above
// 255), stopping at the next space or the end; end is the index after it.
// Each octet is read digit by digit without a loop, which is most of what
// a file's line costs to check.
func scan4(line []byte, i int) (a [4]byte, end int, ok bool) {
	for octet := range 4 {
		if i >= len(line) {
			return a, i, false
		}
		v := uint(line[i] - '0')
		if v > 9 {
			return a, i, false
		}
		i++
		if i < len(line) {
			if d := uint(line[i] - '0'); d <= 9 {
				if v == 0 {
					// Leading zeros are ambiguous (octal to some parsers).
					return a, i, false
				}
				v = v*10 + d
				i++
				if i < len(line) {
					if d := uint(line[i] - '0'); d <= 9 {
						v = v*10 + d
						i++
					}
				}
			}
		}
		if v > 255 {
			return a, i, false
		}
		a[octet] = byte(v)
		if octet < 3 {
			if i >= len(line) || line[i] != '.' {
				return a, i, false
			}
			i++
		}
	}
	if i < len(line) && line[i] != ' ' {
		return a, i, false
	}
	return a, i, true
}

// parseVouched parses a line rejectsFast decided to keep (one format,
// fields between single spaces, no other blank) into the record Parse
// would give, finding the fields eight bytes at a time; each field is
// stored by setField, as Parse stores it.
func parseVouched(p *Parser, line []byte, r *checks.Flow) error {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	*r = checks.Flow{TCPFlags: -1, TrafficPath: -1, EncryptionStatus: -1}
	format := p.formats[0]
	pos := 0
	for col, id := range format.cols {
		end := nextBlank(line, pos)
		if reason := setField(p, r, id, line[pos:end]); reason != "" {
			return &ParseError{Column: col + 1, Field: format.names[col], Reason: reason}
		}
		pos = end + 1
	}
	return nil
}
