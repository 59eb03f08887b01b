package tail

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/reachnet/reach/checks"
)

// Filter is the parsed query of the tail's / filter. Every term must
// match; a term starting with - (or !) must not.
//
//	accept reject nodata skipdata   the action (or log status)
//	tcp udp icmp icmpv6 proto:N     the protocol
//	port:N port:N-M                 either port (sport: and dport: for one)
//	10.0.1.5 10.0.1.0/24            either address (src: and dst: for one)
//	eni-0abc                        the interface (a prefix is enough)
//	in out                          the flow direction (ingress, egress)
//	syn ack fin rst                 a TCP flag seen in the window
type Filter struct {
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

// ParseFilter parses the query; the error names the term it refused.
func ParseFilter(q string) (*Filter, error) {
	f := &Filter{}
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

func (f *Filter) empty() bool { return f == nil || len(f.terms) == 0 }

func (f *Filter) match(r *checks.Flow) bool {
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
