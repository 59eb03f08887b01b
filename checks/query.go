// The query: the ends of a path as typed (IDs, addresses, host names), the
// port and the protocol, parsed and checked.

package checks

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// EndKind says what a path end names.
type EndKind int

// Kinds of path end.
const (
	EndAddress EndKind = iota
	EndENI
	EndInstance
	EndHost
)

// End is a parsed source or destination: exactly one of Addr, ID (eni-/i-)
// and Host is set; Port is 0 when none was given.
type End struct {
	Kind EndKind
	Raw  string
	Addr netip.Addr
	ID   string
	Host string
	Port int
}

// Query is one path to check.
type Query struct {
	From End
	To   End
	// Protocol defaults to TCP.
	Protocol Protocol
	// Port is the destination port (TCP, UDP); 0 means none given.
	Port int
	// SourcePort fixes the client's port; 0 means the client's ephemeral
	// range.
	SourcePort int
	// ICMPType and ICMPCode describe an ICMP request (echo, 8/0, by default).
	ICMPType, ICMPCode int
}

// ParseEnd parses "eni-…", "i-…", an IPv4 or IPv6 address, or a hostname,
// each optionally followed by ":PORT" ("[v6]:PORT" for IPv6).
func ParseEnd(s string) (End, error) {
	raw := s
	s = strings.TrimSpace(s)
	if s == "" {
		return End{}, fmt.Errorf("empty address: expected an IP address, eni-…, i-… or a hostname, optionally with :PORT")
	}
	e := End{Raw: raw}
	host := s
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return End{}, fmt.Errorf("%q: missing ] after an IPv6 address", raw)
		}
		host = s[1:end]
		rest := s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return End{}, fmt.Errorf("%q: expected :PORT after ]", raw)
			}
			p, err := ParsePort(rest[1:])
			if err != nil {
				return End{}, fmt.Errorf("%q: %w", raw, err)
			}
			e.Port = p
		}
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() {
			return End{}, fmt.Errorf("%q: %q is not an IPv6 address", raw, host)
		}
		e.Kind, e.Addr = EndAddress, a
		return e, nil
	}
	if strings.Count(s, ":") == 1 {
		i := strings.LastIndex(s, ":")
		host = s[:i]
		p, err := ParsePort(s[i+1:])
		if err != nil {
			return End{}, fmt.Errorf("%q: %w", raw, err)
		}
		e.Port = p
	} else if strings.Count(s, ":") > 1 {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return End{}, fmt.Errorf("%q: not an IPv6 address (write [ADDR]:PORT to give a port)", raw)
		}
		e.Kind, e.Addr = EndAddress, a
		return e, nil
	}
	if host == "" {
		return End{}, fmt.Errorf("%q: missing address before the port", raw)
	}
	switch {
	case strings.HasPrefix(host, "eni-"):
		if !isResourceID(host, "eni-") {
			return End{}, fmt.Errorf("%q: malformed ENI ID (expected eni- followed by hex digits)", raw)
		}
		e.Kind, e.ID = EndENI, host
	case strings.HasPrefix(host, "i-"):
		if !isResourceID(host, "i-") {
			return End{}, fmt.Errorf("%q: malformed instance ID (expected i- followed by hex digits)", raw)
		}
		e.Kind, e.ID = EndInstance, host
	case looksNumeric(host):
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is4() {
			return End{}, fmt.Errorf("%q: %q is not a valid IPv4 address", raw, host)
		}
		e.Kind, e.Addr = EndAddress, a
	default:
		if err := checkHostname(host); err != nil {
			return End{}, fmt.Errorf("%q: %w", raw, err)
		}
		e.Kind, e.Host = EndHost, strings.ToLower(strings.TrimSuffix(host, "."))
	}
	return e, nil
}

func isResourceID(s, prefix string) bool {
	rest := s[len(prefix):]
	if len(rest) < 1 || len(rest) > 40 {
		return false
	}
	for _, c := range rest {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func looksNumeric(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c == '.') {
			return false
		}
	}
	return true
}

func checkHostname(h string) error {
	h = strings.TrimSuffix(h, ".")
	if len(h) > 253 {
		return fmt.Errorf("hostname longer than 253 characters")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" {
			return fmt.Errorf("hostname %q has an empty label", h)
		}
		if len(label) > 63 {
			return fmt.Errorf("hostname label %q is longer than 63 characters", label)
		}
		for _, c := range label {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
				return fmt.Errorf("%q is not an IP address, eni-…, i-… or a hostname", h)
			}
		}
	}
	return nil
}

// ParsePort parses a port number from 1 to 65535.
func ParsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %q: expected a number from 1 to 65535", s)
	}
	return p, nil
}

// ParseProtocol parses tcp, udp, icmp, icmpv6, all (or -1), or a protocol
// number from 0 to 255.
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tcp":
		return ProtocolTCP, nil
	case "udp":
		return ProtocolUDP, nil
	case "icmp":
		return ProtocolICMP, nil
	case "icmpv6":
		return ProtocolICMPv6, nil
	case "all", "-1":
		return ProtocolAll, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("%q: expected tcp, udp, icmp, all or a number from 0 to 255", s)
	}
	return Protocol(n), nil
}

// String names the protocol as people write it.
func (p Protocol) String() string {
	switch p {
	case ProtocolAll:
		return "all"
	case ProtocolTCP:
		return "tcp"
	case ProtocolUDP:
		return "udp"
	case ProtocolICMP:
		return "icmp"
	case ProtocolICMPv6:
		return "icmpv6"
	}
	return strconv.Itoa(int(p))
}

// HasPorts reports whether the protocol carries ports.
func (p Protocol) HasPorts() bool { return p == ProtocolTCP || p == ProtocolUDP }

// NewQuery builds a query from the contract's flags: from and to as typed,
// protocol as typed (empty means tcp), port and sourcePort as numbers (0
// means not given). A port in to ("10.0.0.5:443") and a --port must agree.
func NewQuery(from, to, protocol string, port, sourcePort int) (Query, error) {
	var q Query
	var err error
	if q.From, err = ParseEnd(from); err != nil {
		return q, fmt.Errorf("--from %w", err)
	}
	if q.From.Kind == EndHost {
		return q, fmt.Errorf("--from %q: a source must be an IP address, eni-… or i-…", from)
	}
	if q.To, err = ParseEnd(to); err != nil {
		return q, fmt.Errorf("--to %w", err)
	}
	if protocol == "" {
		protocol = "tcp"
	}
	if q.Protocol, err = ParseProtocol(protocol); err != nil {
		return q, fmt.Errorf("--protocol %w", err)
	}
	if port < 0 || port > 65535 {
		return q, fmt.Errorf("--port %d: expected a number from 1 to 65535", port)
	}
	if sourcePort < 0 || sourcePort > 65535 {
		return q, fmt.Errorf("--source-port %d: expected a number from 1 to 65535", sourcePort)
	}
	q.Port = port
	if q.To.Port != 0 {
		if port != 0 && port != q.To.Port {
			return q, fmt.Errorf("--to %q names port %d but --port says %d", to, q.To.Port, port)
		}
		q.Port = q.To.Port
	}
	if q.Protocol.HasPorts() && q.Port == 0 {
		return q, fmt.Errorf("--to %q: %s needs a destination port (--port N or ADDRESS:PORT)", to, q.Protocol)
	}
	q.SourcePort = sourcePort
	q.ICMPType, q.ICMPCode = 8, 0
	if q.Protocol == ProtocolICMPv6 {
		q.ICMPType = 128
	}
	return q, nil
}
