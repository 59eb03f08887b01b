package flowlogs

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
)

// text is a line as it arrives: bytes from a file, a string from the
// CloudWatch Logs API. The parser is written once for both so that neither
// is copied.
type text interface{ ~string | ~[]byte }

// maxInterned bounds a parser's table of repeated strings. Flow logs repeat
// a handful of accounts, interfaces, VPCs and subnets; a stream with more
// distinct values than this keeps parsing, allocating the rest.
const maxInterned = 1 << 16

// Parser turns flow-log lines into checks.Flow records. It is not safe for
// concurrent use (it interns strings); use one per goroutine.
type Parser struct {
	formats []*Format
	strs    map[string]string
	// starts, ends and check are the raw-field filter's scratch space
	// (prefilter.go), kept so that a line costs no allocation or clearing.
	starts, ends []int
	check        checks.Flow
	// kinds are the one-pass filter's kind of each column of the first
	// format (prefilter.go), decided once per parser.
	kinds []fastKind
}

// NewParser returns a parser for records in one of the formats (the
// default format when none is given). With several formats, a line is
// parsed with the first one whose field count matches it: flow logs with
// different formats may write to the same log group.
func NewParser(formats ...*Format) *Parser {
	var fs []*Format
	for _, f := range formats {
		if f != nil {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		fs = []*Format{DefaultFormat}
	}
	return &Parser{formats: fs, strs: make(map[string]string, 64), kinds: fastKinds(fs[0])}
}

// Formats returns the formats the parser tries.
func (p *Parser) Formats() []*Format { return append([]*Format(nil), p.formats...) }

// ParseError says why a line is not a flow-log record.
type ParseError struct {
	// Column is the 1-based field at fault; 0 for the line as a whole.
	Column int
	// Field is that column's field name.
	Field  string
	Reason string
}

func (e *ParseError) Error() string {
	if e.Column == 0 {
		return e.Reason
	}
	return fmt.Sprintf("field %d (%s): %s", e.Column, e.Field, e.Reason)
}

// Parse fills r from one line (a trailing newline is ignored). It does not
// allocate for a well-formed line once the line's repeated strings have
// been seen. On error r holds what parsed before the faulty field.
func (p *Parser) Parse(line []byte, r *checks.Flow) error { return parseLine(p, line, r) }

// ParseString is Parse for a line held in a string (a CloudWatch Logs
// event's message).
func (p *Parser) ParseString(line string, r *checks.Flow) error { return parseLine(p, line, r) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimSpace[T text](s T) T {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func countFields[T text](s T) int {
	n := 0
	in := false
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

func parseLine[T text](p *Parser, line T, r *checks.Flow) error {
	line = trimSpace(line)
	if len(line) == 0 {
		return &ParseError{Reason: "empty line"}
	}
	format := p.formats[0]
	if len(p.formats) > 1 {
		n := countFields(line)
		format = nil
		for _, f := range p.formats {
			if len(f.cols) == n {
				format = f
				break
			}
		}
		if format == nil {
			counts := make([]string, len(p.formats))
			for i, f := range p.formats {
				counts[i] = fmt.Sprint(len(f.cols))
			}
			return &ParseError{Reason: fmt.Sprintf("%d fields, but the log formats have %s", n, strings.Join(counts, " or "))}
		}
	}
	*r = checks.Flow{TCPFlags: -1, TrafficPath: -1, EncryptionStatus: -1}
	pos := 0
	for col, id := range format.cols {
		for pos < len(line) && isSpace(line[pos]) {
			pos++
		}
		if pos >= len(line) {
			return &ParseError{Reason: fmt.Sprintf("%d fields, but the log format has %d", col, len(format.cols))}
		}
		start := pos
		for pos < len(line) && !isSpace(line[pos]) {
			pos++
		}
		if reason := setField(p, r, id, line[start:pos]); reason != "" {
			return &ParseError{Column: col + 1, Field: format.names[col], Reason: reason}
		}
	}
	if pos < len(line) {
		return &ParseError{Reason: fmt.Sprintf("%d fields, but the log format has %d", countFields(line), len(format.cols))}
	}
	return nil
}

// Reasons a field does not parse. They are constants so that the hot path
// allocates nothing.
const (
	errNumber   = "not a number in range"
	errAddr     = "not an IP address"
	errAction   = `not "ACCEPT", "REJECT" or "-"`
	errStatus   = `not "OK", "NODATA", "SKIPDATA" or "-"`
	errTime     = "not a Unix time in seconds"
	errProtocol = "not a protocol number (0-255)"
)

func isDash[T text](s T) bool { return len(s) == 1 && s[0] == '-' }

func eq[T text](s T, lit string) bool {
	if len(s) != len(lit) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != lit[i] {
			return false
		}
	}
	return true
}

// setField stores one column's value; it returns why the value is wrong,
// or "".
func setField[T text](p *Parser, r *checks.Flow, id field, tok T) string {
	switch id {
	case fUnknown:
		return ""
	case fVersion:
		return setInt(&r.Version, tok, 0, 1<<16, 0)
	case fAccountID:
		r.AccountID = intern(p, tok)
	case fInterfaceID:
		r.InterfaceID = intern(p, tok)
	case fSrcAddr:
		return setAddr(&r.Src, tok)
	case fDstAddr:
		return setAddr(&r.Dst, tok)
	case fPktSrcAddr:
		return setAddr(&r.PktSrc, tok)
	case fPktDstAddr:
		return setAddr(&r.PktDst, tok)
	case fSrcPort:
		return setPort(&r.SrcPort, tok)
	case fDstPort:
		return setPort(&r.DstPort, tok)
	case fProtocol:
		if isDash(tok) {
			return ""
		}
		v, ok := parseUint(tok, 255)
		if !ok {
			return errProtocol
		}
		r.Protocol = checks.Protocol(v)
	case fPackets:
		return setInt64(&r.Packets, tok)
	case fBytes:
		return setInt64(&r.Bytes, tok)
	case fStart:
		return setTime(&r.Start, tok)
	case fEnd:
		return setTime(&r.End, tok)
	case fAction:
		switch {
		case eq(tok, "ACCEPT"):
			r.Action = "ACCEPT"
		case eq(tok, "REJECT"):
			r.Action = "REJECT"
		case isDash(tok):
		default:
			return errAction
		}
	case fLogStatus:
		switch {
		case eq(tok, "OK"):
			r.LogStatus = "OK"
		case eq(tok, "NODATA"):
			r.LogStatus = "NODATA"
		case eq(tok, "SKIPDATA"):
			r.LogStatus = "SKIPDATA"
		case isDash(tok):
		default:
			return errStatus
		}
	case fVPCID:
		r.VPCID = intern(p, tok)
	case fSubnetID:
		r.SubnetID = intern(p, tok)
	case fInstanceID:
		r.InstanceID = intern(p, tok)
	case fTCPFlags:
		return setInt(&r.TCPFlags, tok, 0, 1<<16-1, -1)
	case fType:
		r.Type = intern(p, tok)
	case fRegion:
		r.Region = intern(p, tok)
	case fAZID:
		r.AZID = intern(p, tok)
	case fSublocationType:
		r.SublocationType = intern(p, tok)
	case fSublocationID:
		r.SublocationID = intern(p, tok)
	case fPktSrcAWSService:
		r.PktSrcAWSService = intern(p, tok)
	case fPktDstAWSService:
		r.PktDstAWSService = intern(p, tok)
	case fFlowDirection:
		r.FlowDirection = intern(p, tok)
	case fTrafficPath:
		return setInt(&r.TrafficPath, tok, 0, 255, -1)
	case fECSClusterARN:
		r.ECSClusterARN = intern(p, tok)
	case fECSClusterName:
		r.ECSClusterName = intern(p, tok)
	case fECSContainerInstanceARN:
		r.ECSContainerInstanceARN = intern(p, tok)
	case fECSContainerInstanceID:
		r.ECSContainerInstanceID = intern(p, tok)
	case fECSContainerID:
		r.ECSContainerID = intern(p, tok)
	case fECSSecondContainerID:
		r.ECSSecondContainerID = intern(p, tok)
	case fECSServiceName:
		r.ECSServiceName = intern(p, tok)
	case fECSTaskDefinitionARN:
		r.ECSTaskDefinitionARN = intern(p, tok)
	case fECSTaskARN:
		r.ECSTaskARN = intern(p, tok)
	case fECSTaskID:
		r.ECSTaskID = intern(p, tok)
	case fRejectReason:
		r.RejectReason = intern(p, tok)
	case fResourceID:
		r.ResourceID = intern(p, tok)
	case fEncryptionStatus:
		return setInt(&r.EncryptionStatus, tok, 0, 255, -1)
	}
	return ""
}

// intern returns tok as a string, "" for "-", sharing one copy of each
// value seen.
func intern[T text](p *Parser, tok T) string {
	if isDash(tok) {
		return ""
	}
	if s, ok := p.strs[string(tok)]; ok {
		return s
	}
	// A copy, so that a string value does not pin the whole message it
	// was cut from.
	s := strings.Clone(string(tok))
	if len(p.strs) < maxInterned {
		p.strs[s] = s
	}
	return s
}

func parseUint[T text](s T, limit uint64) (uint64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (limit-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

func setInt[T text](dst *int, tok T, lo, hi int, absent int) string {
	if isDash(tok) {
		*dst = absent
		return ""
	}
	v, ok := parseUint(tok, uint64(hi))
	if !ok || int(v) < lo {
		return errNumber
	}
	*dst = int(v)
	return ""
}

func setInt64[T text](dst *int64, tok T) string {
	if isDash(tok) {
		return ""
	}
	v, ok := parseUint(tok, 1<<63-1)
	if !ok {
		return errNumber
	}
	*dst = int64(v)
	return ""
}

func setPort[T text](dst *uint16, tok T) string {
	if isDash(tok) {
		return ""
	}
	v, ok := parseUint(tok, 65535)
	if !ok {
		return errNumber
	}
	*dst = uint16(v)
	return ""
}

// maxUnix is 9999-12-31T23:59:59Z: a later "time" is not one.
const maxUnix = 253402300799

func setTime[T text](dst *time.Time, tok T) string {
	if isDash(tok) {
		return ""
	}
	v, ok := parseUint(tok, maxUnix)
	if !ok {
		return errTime
	}
	*dst = time.Unix(int64(v), 0).UTC()
	return ""
}

func setAddr[T text](dst *netip.Addr, tok T) string {
	if isDash(tok) {
		return ""
	}
	a, ok := parseAddr(tok)
	if !ok {
		return errAddr
	}
	*dst = a
	return ""
}

// parseAddr parses an IPv4 or IPv6 address without allocating. It accepts
// what netip.ParseAddr accepts, zones aside (flow logs carry none).
func parseAddr[T text](s T) (netip.Addr, bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			return parse4(s)
		case ':':
			return parse6(s)
		}
	}
	return netip.Addr{}, false
}

func parse4[T text](s T) (netip.Addr, bool) {
	var ip [4]byte
	n, digits, val := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 1 && val == 0 {
				// Leading zeros are ambiguous (octal to some parsers).
				return netip.Addr{}, false
			}
			val = val*10 + int(c-'0')
			digits++
			if val > 255 {
				return netip.Addr{}, false
			}
		case c == '.':
			if digits == 0 || n == 3 {
				return netip.Addr{}, false
			}
			ip[n] = byte(val)
			n++
			digits, val = 0, 0
		default:
			return netip.Addr{}, false
		}
	}
	if n != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	ip[3] = byte(val)
	return netip.AddrFrom4(ip), true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// parse6 follows netip's parseIPv6: groups of up to four hex digits, one
// "::" standing for at least one zero group, and an optional dotted IPv4
// tail in place of the last two groups.
func parse6[T text](s T) (netip.Addr, bool) {
	var ip [16]byte
	ellipsis := -1
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis = 0
		s = s[2:]
		if len(s) == 0 {
			return netip.IPv6Unspecified(), true
		}
	}
	i := 0
	for i < 16 {
		off, acc := 0, 0
		for off < len(s) {
			v := hexVal(s[off])
			if v < 0 {
				break
			}
			if off == 4 {
				return netip.Addr{}, false
			}
			acc = acc<<4 | v
			off++
		}
		if off == 0 {
			return netip.Addr{}, false
		}
		if off < len(s) && s[off] == '.' {
			if ellipsis < 0 && i != 12 || i+4 > 16 {
				return netip.Addr{}, false
			}
			a4, ok := parse4(s)
			if !ok {
				return netip.Addr{}, false
			}
			b := a4.As4()
			copy(ip[i:], b[:])
			i += 4
			s = s[len(s):]
			break
		}
		ip[i], ip[i+1] = byte(acc>>8), byte(acc)
		i += 2
		s = s[off:]
		if len(s) == 0 {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return netip.Addr{}, false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis = i
			s = s[1:]
			if len(s) == 0 {
				break
			}
		}
	}
	if len(s) != 0 {
		return netip.Addr{}, false
	}
	if i < 16 {
		if ellipsis < 0 {
			return netip.Addr{}, false
		}
		n := 16 - i
		for j := i - 1; j >= ellipsis; j-- {
			ip[j+n] = ip[j]
		}
		clear(ip[ellipsis : ellipsis+n])
	} else if ellipsis >= 0 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom16(ip), true
}
