// Port ranges: parsing, printing, sets of ranges, and the ephemeral ranges
// clients pick their source ports from.

package checks

import (
	"fmt"
	"strconv"
	"strings"
)

// ParsePortRange reads a port ("443") or an inclusive range of ports
// ("1024-65535") as people type them: in the configuration file's client
// port ranges and in the flow tail's filter.
func ParsePortRange(s string) (PortRange, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	if !isRange {
		hi = lo
	}
	a, errA := strconv.Atoi(strings.TrimSpace(lo))
	b, errB := strconv.Atoi(strings.TrimSpace(hi))
	switch {
	case errA != nil || errB != nil:
		return PortRange{}, fmt.Errorf("%q is not a port or a range of ports (443, 1024-65535)", s)
	case a < 0 || b > 65535:
		return PortRange{}, fmt.Errorf("%q: ports run from 0 to 65535", s)
	case a > b:
		return PortRange{}, fmt.Errorf("%q: the range ends before it starts", s)
	}
	return PortRange{From: uint16(a), To: uint16(b)}, nil
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

func spanOf(ranges []PortRange) PortRange {
	out := ranges[0]
	for _, r := range ranges[1:] {
		out = PortRange{min(out.From, r.From), max(out.To, r.To)}
	}
	return out
}

// Ephemeral port ranges clients pick their source port from (SEMANTICS.md
// §5.4). The reply of a connection is addressed to that port, so stateless
// network ACLs must admit the whole range.
var (
	linuxPorts   = PortRange{32768, 60999}
	windowsPorts = PortRange{49152, 65535}
	// NAT gateways, load balancers and Lambda pick from 1024-65535; so do
	// clients reach knows nothing about.
	natPorts = PortRange{1024, 65535}
)

// ClientPortRange returns the ephemeral range the interface's operating
// system or service picks source ports from, with the network's configured
// ranges in place of the defaults.
func (n *Network) ClientPortRange(e *ENI) PortRange {
	r := ClientPortRange(e)
	switch {
	case r == linuxPorts && n.LinuxClientPorts != PortRange{}:
		return n.LinuxClientPorts
	case r == windowsPorts && n.WindowsClientPorts != PortRange{}:
		return n.WindowsClientPorts
	}
	return r
}

// ClientPortRange returns the ephemeral range the interface's operating
// system or service picks source ports from, by AWS's defaults.
func ClientPortRange(e *ENI) PortRange {
	if e == nil {
		return natPorts
	}
	switch e.InterfaceType {
	case "nat_gateway", "network_load_balancer", "lambda", "load_balancer", "gateway_load_balancer":
		return natPorts
	}
	if strings.EqualFold(e.Platform, "windows") {
		return windowsPorts
	}
	if e.RequesterManaged {
		return natPorts
	}
	return linuxPorts
}
