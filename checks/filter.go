package checks

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
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

func (r PortRange) String() string {
	if r.From == r.To {
		return strconv.Itoa(int(r.From))
	}
	if r == AllPorts {
		return "all ports"
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// portSet is a small sorted set of disjoint port ranges.
type portSet []PortRange

func (s portSet) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

// subtract removes r from every range of s.
func (s portSet) subtract(r PortRange) portSet {
	var out portSet
	for _, x := range s {
		if r.To < x.From || r.From > x.To {
			out = append(out, x)
			continue
		}
		if x.From < r.From {
			out = append(out, PortRange{x.From, r.From - 1})
		}
		if x.To > r.To {
			out = append(out, PortRange{r.To + 1, x.To})
		}
	}
	return out
}

// intersect returns the parts of s inside r.
func (s portSet) intersect(r PortRange) portSet {
	var out portSet
	for _, x := range s {
		lo, hi := max(x.From, r.From), min(x.To, r.To)
		if lo <= hi {
			out = append(out, PortRange{lo, hi})
		}
	}
	return out
}

func (s portSet) count() int {
	n := 0
	for _, r := range s {
		n += int(r.To) - int(r.From) + 1
	}
	return n
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

// naclVerdict is the outcome of one network ACL for one packet.
type naclVerdict struct {
	allowed, blocked portSet
	// deciding lists the indexes of the rules that decided some ports; -1
	// stands for the implicit deny.
	deciding []int
}

// evalNACL walks the rules in number order, first match wins, and tracks
// which ports of the packet's range each rule decides.
func evalNACL(rules []NACLRule, peer netip.Addr, p packet) naclVerdict {
	var v naclVerdict
	remaining := portSet{p.ports}
	if !p.proto.HasPorts() {
		remaining = portSet{{0, 0}}
	}
	for i, r := range rules {
		if len(remaining) == 0 {
			break
		}
		if !r.CIDR.IsValid() || r.CIDR.Addr().Is4() != peer.Is4() || !r.CIDR.Contains(peer) {
			continue
		}
		m := matchProtocol(r.Protocol, p, !r.Allow)
		var covered portSet
		switch m {
		case protoNone:
			continue
		case protoAll:
			covered = remaining
		case protoPorts:
			if p.proto.HasPorts() {
				covered = remaining.intersect(r.Ports)
			} else if icmpMatches(r.ICMPType, r.ICMPCode, p) || r.Protocol == ProtocolICMPv6 && r.CIDR.Addr().Is4() {
				covered = remaining
			}
		}
		if len(covered) == 0 {
			continue
		}
		v.deciding = append(v.deciding, i)
		if r.Allow {
			v.allowed = append(v.allowed, covered...)
		} else {
			v.blocked = append(v.blocked, covered...)
		}
		for _, c := range covered {
			remaining = remaining.subtract(c)
		}
	}
	if len(remaining) > 0 {
		v.blocked = append(v.blocked, remaining...)
		v.deciding = append(v.deciding, -1)
	}
	return v
}

func (r NACLRule) String() string {
	action := "deny"
	if r.Allow {
		action = "allow"
	}
	return fmt.Sprintf("#%d %s %s %s", r.Number, action, ruleProtoPorts(r.Protocol, r.Ports, r.ICMPType, r.ICMPCode), r.CIDR)
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

func (r SGRule) peerString() string {
	switch {
	case r.Peer.CIDR.IsValid():
		return r.Peer.CIDR.String()
	case r.Peer.PrefixListID != "":
		return r.Peer.PrefixListID
	case r.Peer.GroupID != "":
		if r.Peer.GroupOwnerID != "" {
			return r.Peer.GroupOwnerID + "/" + r.Peer.GroupID
		}
		return r.Peer.GroupID
	}
	return "?"
}

func (r SGRule) describe(inbound bool) string {
	dir := "to"
	if inbound {
		dir = "from"
	}
	return fmt.Sprintf("allow %s %s %s", ruleProtoPorts(r.Protocol, r.Ports, r.ICMPType, r.ICMPCode), dir, r.peerString())
}

// sgRuleCoversPacket reports whether the rule's protocol and ports admit the
// packet (the peer is matched separately).
func sgRuleCoversPacket(r SGRule, p packet) bool {
	switch matchProtocol(r.Protocol, p, false) {
	case protoAll:
		return true
	case protoPorts:
		if p.proto.HasPorts() {
			return r.Ports.From <= p.ports.From && p.ports.To <= r.Ports.To
		}
		return icmpMatches(r.ICMPType, r.ICMPCode, p)
	}
	return false
}
