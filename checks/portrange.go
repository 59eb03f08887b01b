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
