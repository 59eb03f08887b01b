// Flow attribution: the rule that explains one flow-log record, on the path
// of the request or of its reply.

package checks

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Flow is one VPC flow log record. Fields a log format does not carry are
// zero (netip.Addr{} for addresses, -1 for numbers that may be 0).
type Flow struct {
	Version     int
	AccountID   string
	InterfaceID string
	Src, Dst    netip.Addr
	// SrcPort and DstPort are 0 for protocols without ports.
	SrcPort, DstPort uint16
	Protocol         Protocol
	Packets, Bytes   int64
	Start, End       time.Time
	// Action is "ACCEPT", "REJECT", or "" for NODATA and SKIPDATA records.
	Action string
	// LogStatus is "OK", "NODATA" or "SKIPDATA".
	LogStatus  string
	VPCID      string
	SubnetID   string
	InstanceID string
	// TCPFlags is the OR of the flags seen in the window (-1 when absent).
	TCPFlags int
	// Type is "IPv4", "IPv6" or "EFA".
	Type                               string
	PktSrc, PktDst                     netip.Addr
	Region                             string
	AZID                               string
	SublocationType, SublocationID     string
	PktSrcAWSService, PktDstAWSService string
	// FlowDirection is "ingress" or "egress" (version 5).
	FlowDirection string
	// TrafficPath is the version 5 path code (-1 when absent).
	TrafficPath                                                                    int
	ECSClusterARN, ECSClusterName, ECSContainerInstanceARN, ECSContainerInstanceID string
	ECSContainerID, ECSSecondContainerID, ECSServiceName, ECSTaskDefinitionARN     string
	ECSTaskARN, ECSTaskID                                                          string
	// RejectReason says why a packet was rejected (version 8): "BPA" for
	// VPC Block Public Access, empty otherwise.
	RejectReason string
	// ResourceID names the resource that recorded the flow when it is not
	// the interface (newer formats).
	ResourceID string
	// EncryptionStatus is VPC encryption controls' 0-3 (cleartext, Nitro
	// encrypted, TLS, both), -1 when absent.
	EncryptionStatus int
}

// Attribution explains one flow record with the network's configuration:
// the layer and rule that decide a REJECT, or why an ACCEPT is expected.
type Attribution struct {
	// Verdict is the engine's verdict for the flow's packet on its own
	// (the request as recorded, towards the recorded destination port).
	Verdict Verdict `json:"verdict"`
	// Direction says whether the record is the request of a connection or
	// its reply (a packet to the client's ephemeral port).
	Direction Direction `json:"direction"`
	Layer     string    `json:"layer,omitempty"`
	Component string    `json:"component,omitempty"`
	Code      string    `json:"code,omitempty"`
	Rule      string    `json:"rule,omitempty"`
	Detail    string    `json:"detail"`
	Fix       string    `json:"fix,omitempty"`
	// Agrees is false when the record contradicts the configuration (a
	// REJECT the configuration would accept, an ACCEPT it would refuse):
	// the data is stale, or reach does not model what decided.
	Agrees bool `json:"agrees"`
}

// Attribute explains a flow record. The record's packet is evaluated as a
// path from its source to its destination port; a record whose source port
// is a well-known port and whose destination port is ephemeral is taken as
// the reply of a connection the destination opened, and evaluated as that
// connection.
func Attribute(n *Network, f Flow) Attribution {
	return attribute(n, f, f.Protocol.HasPorts() && looksLikeReply(f.SrcPort, f.DstPort))
}

// AttributeReply explains a record known to be the reply of a connection
// its destination opened (the caller knows the path), evaluating that
// connection. Without ports (ICMP) a reply cannot be told from a request by
// the record alone.
func AttributeReply(n *Network, f Flow) Attribution {
	return attribute(n, f, true)
}

func attribute(n *Network, f Flow, reply bool) Attribution {
	if f.LogStatus != "" && f.LogStatus != "OK" {
		return Attribution{Verdict: Unknown, Direction: Forward, Agrees: true,
			Detail: fmt.Sprintf("%s record: no traffic was recorded in this window (NODATA) or records were dropped (SKIPDATA)", f.LogStatus)}
	}
	src, dst, sport, dport, dir := f.Src, f.Dst, f.SrcPort, f.DstPort, Forward
	if reply {
		src, dst, sport, dport, dir = f.Dst, f.Src, f.DstPort, f.SrcPort, Return
	}
	if !src.IsValid() || !dst.IsValid() {
		return Attribution{Verdict: Unknown, Direction: dir, Agrees: true, Detail: "the record carries no addresses"}
	}
	dst = publicView(n, src, dst)
	q := Query{
		From:     End{Kind: EndAddress, Addr: src, Raw: src.String()},
		To:       End{Kind: EndAddress, Addr: dst, Raw: dst.String(), Port: int(dport)},
		Protocol: f.Protocol, Port: int(dport), SourcePort: int(sport), ICMPType: 8,
	}
	if !f.Protocol.HasPorts() {
		q.Port, q.SourcePort = 0, 0
	}
	rep, err := Evaluate(n, q)
	if err != nil {
		return Attribution{Verdict: Unknown, Direction: dir, Agrees: true, Detail: err.Error()}
	}
	a := Attribution{Verdict: rep.Verdict, Direction: dir}
	if b := rep.BlockedBy; b != nil {
		a.Layer, a.Component, a.Code, a.Rule = b.Layer, b.Component, b.Code, b.Rule
		for _, l := range rep.Layers {
			for _, fd := range l.Findings {
				if fd.Component == b.Component && fd.Code == b.Code && fd.Direction == b.Direction {
					a.Detail, a.Fix = fd.Detail, fd.Fix
				}
			}
		}
	}
	switch {
	case f.Action == "REJECT" && f.RejectReason == "BPA":
		// VPC Block Public Access drops internet traffic before any rule
		// reach models is consulted.
		a = Attribution{Verdict: Unreachable, Direction: dir, Layer: LayerRoute, Component: f.VPCID, Code: "BLOCK_PUBLIC_ACCESS", Agrees: true,
			Detail: "rejected by VPC Block Public Access (reject-reason BPA): the account blocks this internet traffic whatever the routes and rules say, and reach does not model it; an exclusion for the VPC or subnet admits it",
			Fix:    "aws ec2 create-vpc-block-public-access-exclusion --vpc-id VPC_ID --internet-gateway-exclusion-mode allow-bidirectional"}
		if f.VPCID != "" {
			a.Fix = strings.Replace(a.Fix, "VPC_ID", f.VPCID, 1)
		}
	case f.Action == "REJECT" && rep.Verdict == Unreachable:
		a.Agrees = true
	case f.Action == "REJECT" && rep.Verdict == Reachable:
		a.Detail = "the configuration admits this traffic, yet it was rejected: the configuration changed since, or a rule reach does not see (a firewall, an appliance) decided"
	case f.Action == "ACCEPT" && rep.Verdict == Unreachable:
		// A record is written where one interface saw the packet; the
		// exchange can still fail further on, or on the way back.
		a.Detail = fmt.Sprintf("accepted at this interface; the exchange fails at %s %s (%s): %s", a.Layer, a.Component, rep.BlockedBy.Direction, a.Detail)
		a.Agrees = true
	case f.Action == "ACCEPT" && rep.Verdict == Reachable:
		a.Agrees = true
		a.Detail = "the configuration admits this traffic in both directions"
	default:
		a.Agrees = rep.Verdict != Unknown
		if a.Detail == "" {
			a.Detail = fmt.Sprintf("the configuration says %s for this exchange", rep.Verdict)
		}
	}
	return a
}

// looksLikeReply reports whether a record's ports are those of a reply:
// from a service port (below 1024, or a port below the ephemeral ranges)
// to an ephemeral one.
func looksLikeReply(srcPort, dstPort uint16) bool {
	return srcPort < natPorts.From && dstPort >= natPorts.From ||
		srcPort < linuxPorts.From && dstPort >= linuxPorts.From && srcPort < dstPort
}

// publicView returns the address a client outside the account reached dst
// by: an interface records its private address, but the internet reaches
// it through the public address an internet gateway maps onto it, and the
// path must be evaluated as such.
func publicView(n *Network, src, dst netip.Addr) netip.Addr {
	n.Compile()
	ix := n.index
	if ix == nil || len(ix.enisByAddr[src]) > 0 {
		return dst
	}
	for _, v := range n.VPCs {
		for _, p := range v.CIDRs {
			if p.Contains(src) {
				return dst
			}
		}
	}
	if es := ix.enisByAddr[dst]; len(es) == 1 {
		if pub := es[0].PublicFor(dst); pub.IsValid() {
			return pub
		}
	}
	return dst
}
