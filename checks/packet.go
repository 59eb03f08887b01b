// The packet a walk carries, how a rule's protocol, ports and ICMP type
// match it (the matchers network ACLs and security groups share), and how
// packets and rules are written in findings.

package checks

import (
	"fmt"
	"net/netip"
	"strconv"
)

// packet is one direction of the exchange as a filter sees it. Ports holds
// the destination ports still in question: one port for a request, the
// client's whole ephemeral range for a reply.
type packet struct {
	src, dst netip.Addr
	proto    Protocol
	ports    PortRange
	// sports are the source ports the packet may carry; the reply is sent
	// to them.
	sports             PortRange
	icmpType, icmpCode int
}

func (p packet) String() string {
	s := fmt.Sprintf("%s → %s %s", p.src, p.dst, p.proto)
	if p.proto.HasPorts() {
		s += " " + p.ports.String()
	}
	return s
}

// protoMatch says how a rule's protocol relates to the packet's.
type protoMatch int

const (
	protoNone protoMatch = iota
	// protoAll: the rule covers every port and type of the packet.
	protoAll
	// protoPorts: the rule's port range (or ICMP type/code) decides.
	protoPorts
)

// matchProtocol relates a rule protocol to the packet's. A query for all
// protocols is answered conservatively: only an all-protocol rule allows it,
// while a deny of any one protocol already blocks part of it.
func matchProtocol(rule Protocol, p packet, isDeny bool) protoMatch {
	if rule == ProtocolAll {
		return protoAll
	}
	if p.proto == ProtocolAll {
		if isDeny {
			return protoAll
		}
		return protoNone
	}
	if rule != p.proto {
		return protoNone
	}
	switch rule {
	case ProtocolTCP, ProtocolUDP, ProtocolICMP, ProtocolICMPv6:
		return protoPorts
	}
	return protoAll
}

func icmpMatches(ruleType, ruleCode int, p packet) bool {
	return (ruleType == -1 || ruleType == p.icmpType) && (ruleCode == -1 || ruleCode == p.icmpCode)
}

func ruleProtoPorts(p Protocol, ports PortRange, icmpType, icmpCode int) string {
	switch p {
	case ProtocolAll:
		return "all traffic"
	case ProtocolTCP, ProtocolUDP:
		return p.String() + " " + ports.String()
	case ProtocolICMP, ProtocolICMPv6:
		t, c := "any", "any"
		if icmpType >= 0 {
			t = strconv.Itoa(icmpType)
		}
		if icmpCode >= 0 {
			c = strconv.Itoa(icmpCode)
		}
		return fmt.Sprintf("%s type %s code %s", p, t, c)
	}
	return "protocol " + p.String()
}

func protoPortText(p packet) string {
	switch {
	case p.proto.HasPorts():
		return fmt.Sprintf("%s %s", p.proto, p.ports)
	case p.proto == ProtocolICMP || p.proto == ProtocolICMPv6:
		return fmt.Sprintf("%s type %d code %d", p.proto, p.icmpType, p.icmpCode)
	}
	return "protocol " + p.proto.String()
}
