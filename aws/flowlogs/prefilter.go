package flowlogs

import (
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
