package convert

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// parseIPProtocol reads an IP protocol as AWS prints it: a name (security
// groups), a number as a string (network ACLs), or -1 for all.
func parseIPProtocol(field, s string) (checks.Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "-1", "all":
		return checks.ProtocolAll, nil
	case "tcp":
		return checks.ProtocolTCP, nil
	case "udp":
		return checks.ProtocolUDP, nil
	case "icmp":
		return checks.ProtocolICMP, nil
	case "icmpv6":
		return checks.ProtocolICMPv6, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("%s %q: expected tcp, udp, icmp, icmpv6, -1 or a number from 0 to 255", field, inventory.Clip(s))
	}
	return checks.Protocol(n), nil
}

func isICMPProto(p checks.Protocol) bool {
	return p == checks.ProtocolICMP || p == checks.ProtocolICMPv6
}

func hasPortsProto(p checks.Protocol) bool { return p == checks.ProtocolTCP || p == checks.ProtocolUDP }

// parsePortRange reads an inclusive range; absent bounds or -1 mean every port.
func parsePortRange(field string, from, to *int32) (checks.PortRange, error) {
	if from == nil || to == nil || *from == -1 {
		return checks.AllPorts, nil
	}
	if *from < 0 || *from > 65535 || *to < 0 || *to > 65535 || *from > *to {
		return checks.PortRange{}, fmt.Errorf("%s %d-%d: expected ports from 0 to 65535, the first no higher than the last", field, *from, *to)
	}
	return checks.PortRange{From: uint16(*from), To: uint16(*to)}, nil
}

func icmpOrAny(p *int32) int {
	if p == nil {
		return -1
	}
	return int(*p)
}
