package tail

import (
	"net/netip"
	"time"

	"github.com/reachnet/reach/checks"
)

// Records for the tail's own tests, as the terminal's tests build them.

var flowT0 = time.Date(2026, 11, 20, 10, 4, 5, 0, time.UTC)

// tcpFlow is a record on eni-0d01 (the database's interface) unless
// changed.
func tcpFlow(src string, sport uint16, dst string, dport uint16, action string) checks.Flow {
	return checks.Flow{
		Version: 5, AccountID: "123456789012", InterfaceID: "eni-0d01",
		Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sport, DstPort: dport,
		Protocol: checks.ProtocolTCP, Packets: 3, Bytes: 180, Start: flowT0, End: flowT0.Add(59 * time.Second),
		Action: action, LogStatus: "OK", TCPFlags: 2, FlowDirection: "ingress", TrafficPath: -1,
	}
}

// batchToDBFlows are records of the path batch-1 → 10.0.33.12:5432:
// n requests, every fifth rejected, with distinct client ports.
func batchToDBFlows(n, first int) []checks.Flow {
	out := make([]checks.Flow, n)
	for i := range out {
		action := "ACCEPT"
		if (first+i)%5 == 0 {
			action = "REJECT"
		}
		out[i] = tcpFlow("10.0.16.7", uint16(32768+(first+i)%28000), "10.0.33.12", 5432, action)
		out[i].Start = flowT0.Add(time.Duration(first+i) * time.Millisecond)
	}
	return out
}
