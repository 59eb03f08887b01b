// Flow diagnosis: what a window of flow-log records says about one path
// (rejected requests or replies, no records, lost replies) next to the
// report's verdict.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Patterns a diagnosis recognises in a path's flow-log records. The first
// three are the classic readings of flow logs: a reject of a known-good
// source is a missing security group rule; an accepted request whose reply
// to an ephemeral port is rejected is a network ACL without return
// traffic; no record at all means the packet never reached the interface,
// a routing miss.
const (
	PatternRejectedRequest = "rejected-request"
	PatternRejectedReply   = "rejected-reply"
	PatternNoRecords       = "no-records"
	// PatternWaiting: no record yet, but too early to call it a routing
	// miss (records arrive minutes after the traffic).
	PatternWaiting = "waiting"
	// PatternReplyLost: the destination accepts the request and sends the
	// reply, which never reaches the source (the route back).
	PatternReplyLost = "reply-lost"
	// PatternNoReply: requests leave for a destination outside the
	// account and no reply comes back.
	PatternNoReply = "no-reply"
	// PatternAccepted: requests and replies are accepted.
	PatternAccepted = "accepted"
	// PatternNoCoverage: no flow log records the destination's traffic, so
	// the absence of records proves nothing.
	PatternNoCoverage = "no-coverage"
	// PatternContradiction: a record the configuration disagrees with (a
	// reject it would admit).
	PatternContradiction = "contradiction"
)

// FlowWindow is the time frame of a set of records.
type FlowWindow struct {
	// Since is when tailing began (or the start of a historical window);
	// Now is the present (or its end).
	Since, Now time.Time
	// Interval is the flow log's aggregation interval and Delay its
	// delivery delay (FlowLog.Interval, FlowLog.DeliveryDelay): records of
	// traffic arrive up to Interval+Delay after it. Both are 0 for a
	// window whose records are all there (a file, a finished query).
	Interval, Delay time.Duration
	// Recorded says which traffic of an interface the records can hold
	// (FlowLogDiscovery.Recorder); nil means every interface's traffic,
	// accepted and rejected.
	Recorded func(eni, action string) bool
	// Unconfirmed, when set, says why the records read cannot show an
	// absence: the query that found nothing of the path was a pre-filter
	// no broader query confirmed (it failed, was cut at its limit, or the
	// tail was interrupted first). Absent records then prove nothing.
	Unconfirmed string
}

func (w FlowWindow) recorded(eni, action string) bool {
	if eni == "" {
		return false
	}
	if w.Recorded == nil {
		return true
	}
	return w.Recorded(eni, action)
}

// Recorder returns FlowWindow.Recorded for this coverage: whether some
// flow log records the interface's traffic of an action. With tailableOnly
// it counts only the flow logs reach can read itself (CloudWatch Logs);
// otherwise also those whose records the user exported (S3, Firehose).
func (d FlowLogDiscovery) Recorder(tailableOnly bool) func(eni, action string) bool {
	return func(eni, action string) bool {
		for _, c := range d.Coverage {
			if c.ENI == eni && c.FlowLog != nil && (c.Tailable || !tailableOnly) && c.FlowLog.Records(action) {
				return true
			}
		}
		return false
	}
}

// FlowCounts counts a path's records and connections.
type FlowCounts struct {
	// Records matched the path (requests and replies).
	Records int `json:"records"`
	// The requests and replies are counted by connection (the client's
	// address and port), however many records each end wrote for it.
	RequestsAccepted int `json:"requests_accepted"`
	RequestsRejected int `json:"requests_rejected"`
	RepliesAccepted  int `json:"replies_accepted"`
	RepliesRejected  int `json:"replies_rejected"`
	// AtSource and AtDestination count the records written by the path's
	// source and destination interfaces.
	AtSource      int `json:"at_source"`
	AtDestination int `json:"at_destination"`
	// NoData and SkipData count the path interfaces' NODATA and SKIPDATA
	// records.
	NoData   int `json:"nodata"`
	SkipData int `json:"skipdata"`
}

// FlowFinding is one pattern found in a path's records, with the rule that
// explains it.
type FlowFinding struct {
	Pattern string `json:"pattern"`
	// Summary is one plain sentence.
	Summary   string    `json:"summary"`
	Layer     string    `json:"layer,omitempty"`
	Component string    `json:"component,omitempty"`
	Code      string    `json:"code,omitempty"`
	Direction Direction `json:"direction,omitempty"`
	Rule      string    `json:"rule,omitempty"`
	Fix       string    `json:"fix,omitempty"`
	// Records counts the records behind the finding.
	Records int `json:"records,omitempty"`
	// Ports lists ephemeral ports: those whose replies were rejected (and
	// for PatternRejectedReply, AcceptedPorts those that got through).
	Ports         []uint16 `json:"ports,omitempty"`
	AcceptedPorts []uint16 `json:"accepted_ports,omitempty"`
	// Agrees is false when the configuration disagrees with the records.
	Agrees bool `json:"agrees"`
}

// Diagnosis reads a path's flow-log records.
type Diagnosis struct {
	// Path is "SRC → DST:PORT/PROTO".
	Path string `json:"path"`
	// Verdict is the configuration's verdict for the path.
	Verdict Verdict    `json:"verdict"`
	Counts  FlowCounts `json:"counts"`
	// Findings, the most telling first.
	Findings []FlowFinding `json:"findings"`
	// WaitUntil is set while a conclusion waits for records still in
	// flight.
	WaitUntil time.Time `json:"wait_until,omitzero"`
	// Absence is what no record at the destination will mean once the
	// wait is over, read from the checklist's route layer.
	Absence Absence `json:"absence,omitempty"`
	// Summary is the first finding's sentence.
	Summary string `json:"summary"`
}

// Absence is what the checklist lets reach conclude when no record of a
// path reaches the destination interface.
type Absence string

// What an absence of records at the destination means.
const (
	// AbsenceRouteMiss: the checklist finds no way there, so absent
	// records agree with it: a routing miss.
	AbsenceRouteMiss Absence = "routing-miss"
	// AbsenceRouteOpen: the checklist finds the route open, so absent
	// records point at the flow log's delivery or the filter that read
	// it, never at a routing miss.
	AbsenceRouteOpen Absence = "route-open"
	// AbsenceUnconfirmed: the checklist cannot tell (its route layer is
	// unknown); a routing miss is possible, not shown.
	AbsenceUnconfirmed Absence = "unconfirmed"
)

// absenceOf reads the report's route layer for what absent records at the
// destination would mean.
func absenceOf(rep Report) Absence {
	bb := rep.BlockedBy
	if bb != nil && bb.Direction == Forward && (bb.Layer == LayerRoute || bb.Layer == LayerSourceDestCheck) {
		return AbsenceRouteMiss
	}
	if l := rep.Layer(LayerRoute); l != nil && (l.Status == StatusPass || l.Status == StatusWarn || l.Status == StatusFail && !blocksForward(l)) {
		return AbsenceRouteOpen
	}
	return AbsenceUnconfirmed
}

// maxPorts bounds the ports a finding lists.
const maxPorts = 8

// Diagnose reads the records of one path, given as a query (the path's
// source, destination, port and protocol), over a window. Records of other
// traffic are ignored, so the whole tail can be passed. It evaluates the
// path once and attributes a representative record of each pattern to the
// rule that explains it.
func Diagnose(n *Network, q Query, flows []Flow, w FlowWindow) Diagnosis {
	return diagnose(n, q, len(flows), func(i int) *Flow { return &flows[i] }, w)
}

// DiagnoseRecords is Diagnose over records held by pointer, as a view's
// ring holds them: it reads them in place rather than asking for a copy
// of each (10,000 records of some 700 bytes each). The records are only
// read.
func DiagnoseRecords(n *Network, q Query, flows []*Flow, w FlowWindow) Diagnosis {
	return diagnose(n, q, len(flows), func(i int) *Flow { return flows[i] }, w)
}

func diagnose(n *Network, q Query, records int, record func(int) *Flow, w FlowWindow) Diagnosis {
	fd := NewFlowDiagnoser(n, q)
	for i := range records {
		fd.Add(record(i))
	}
	return fd.Diagnosis(w)
}

// FlowDiagnoser reads a path's records one at a time and keeps only what
// the diagnosis needs: counters, the first rejected request and reply, a
// few ports, and the set of connections seen (at most four entries per
// client port of the path's client addresses). Records are not kept, so a
// stream of any length is diagnosed in bounded memory. Diagnosis may be
// asked for at any time, as often as wanted.
type FlowDiagnoser struct {
	n   *Network
	rep Report
	err error

	proto          Protocol
	port           uint16
	cli, srv       map[netip.Addr]bool
	srcENI, dstENI string
	seen           map[connKey]bool
	counts         FlowCounts

	firstReqReject, firstRepReject Flow
	hasReqReject, hasRepReject     bool
	firstReqRejectAtDst            bool
	reqAtDst, reqRejectedAtSrc     int
	reqAcceptedAtSrc, unlocated    int
	repAtDst                       int
	repAtSrc, repAcceptedAtDst     int
	rejectedPorts, acceptedPorts   []uint16

	// legs read the records of each target's leg when the path ends at a
	// load balancer that forwards: its node (or, with the client's address
	// preserved, the client) to the target.
	legs []targetLeg
}

// targetLeg is one target's leg and the diagnoser of its records.
type targetLeg struct {
	lb     string
	target TargetVerdict
	d      *FlowDiagnoser
}

// NewFlowDiagnoser evaluates the path once; records are then given to Add.
func NewFlowDiagnoser(n *Network, q Query) *FlowDiagnoser {
	rep, err := Evaluate(n, q)
	d := &FlowDiagnoser{n: n, rep: rep, err: err}
	if err != nil {
		return d
	}
	d.proto = q.Protocol
	if d.proto == 0 {
		d.proto = ProtocolTCP
	}
	d.port = uint16(q.Port)
	if d.port == 0 && rep.Destination.Port > 0 && rep.Destination.Port <= 65535 {
		d.port = uint16(rep.Destination.Port)
	}
	d.cli, d.srv = endAddrs(n, rep.Source), endAddrs(n, rep.Destination)
	d.seen = map[connKey]bool{}
	d.srcENI, d.dstENI = rep.Source.ENI, rep.Destination.ENI
	lb := rep.Destination.ENI
	if e := n.ENIs[lb]; e != nil {
		if b := n.loadBalancerOf(e); b != nil {
			lb = b.Name
		}
	}
	for _, tv := range rep.Destination.Targets {
		leg := tv.Leg
		if leg == nil || leg.Destination.ENI == "" {
			continue
		}
		ld := &FlowDiagnoser{n: n, rep: *leg, proto: d.proto, port: uint16(leg.Destination.Port), seen: map[connKey]bool{},
			cli: endAddrs(n, leg.Source), srv: endAddrs(n, leg.Destination), srcENI: leg.Source.ENI, dstENI: leg.Destination.ENI}
		if p, err := ParseProtocol(leg.Protocol); err == nil {
			ld.proto = p
		}
		// The target sees the node's address, or the client's when the
		// load balancer preserves it: records of either are the leg's.
		for a := range d.cli {
			ld.cli[a] = true
		}
		d.legs = append(d.legs, targetLeg{lb: lb, target: tv, d: ld})
	}
	return d
}

// Add reads one record; records of other traffic are ignored. f is only
// read, and not kept.
func (d *FlowDiagnoser) Add(f *Flow) {
	if d.err != nil {
		return
	}
	d.addToLegs(f)
	srcENI, dstENI, proto, port := d.srcENI, d.dstENI, d.proto, d.port
	atSrc := srcENI != "" && f.InterfaceID == srcENI
	atDst := dstENI != "" && f.InterfaceID == dstENI
	switch f.LogStatus {
	case "NODATA":
		if atSrc || atDst {
			d.counts.NoData++
		}
		return
	case "SKIPDATA":
		if atSrc || atDst {
			d.counts.SkipData++
		}
		return
	}
	if proto != ProtocolAll && f.Protocol != proto {
		return
	}
	withPorts := proto.HasPorts()
	request := d.cli[f.Src] && d.srv[f.Dst] && (!withPorts || port == 0 || f.DstPort == port)
	reply := !request && d.srv[f.Src] && d.cli[f.Dst] && (!withPorts || port == 0 || f.SrcPort == port)
	if !request && !reply {
		return
	}
	d.counts.Records++
	switch {
	case atSrc:
		d.counts.AtSource++
	case atDst:
		d.counts.AtDestination++
	case f.InterfaceID == "":
		d.unlocated++
	}
	rejected := f.Action == "REJECT"
	// Both ends record a connection, once per aggregation window:
	// the counts are of connections (the client's address and port).
	cat, client := uint8(0), connEnd{f.Src, f.SrcPort}
	switch {
	case request && rejected:
		cat = 1
	case reply && rejected:
		cat, client = 2, connEnd{f.Dst, f.DstPort}
	case reply:
		cat, client = 3, connEnd{f.Dst, f.DstPort}
	}
	first := !d.seen[connKey{cat, client}]
	d.seen[connKey{cat, client}] = true
	switch {
	case request && rejected:
		if first {
			d.counts.RequestsRejected++
		}
		if !d.hasReqReject || atDst && !d.firstReqRejectAtDst {
			d.firstReqReject, d.hasReqReject, d.firstReqRejectAtDst = *f, true, atDst
		}
		if atSrc {
			d.reqRejectedAtSrc++
		}
		if atDst || f.InterfaceID == "" {
			d.reqAtDst++
		}
	case request:
		if first {
			d.counts.RequestsAccepted++
		}
		if atSrc {
			d.reqAcceptedAtSrc++
		}
		if atDst || f.InterfaceID == "" {
			d.reqAtDst++
		}
	case reply && rejected:
		if first {
			d.counts.RepliesRejected++
		}
		if atDst {
			d.repAtDst++
		}
		if !d.hasRepReject {
			d.firstRepReject, d.hasRepReject = *f, true
		}
		d.rejectedPorts = addPort(d.rejectedPorts, f.DstPort)
	default:
		if first {
			d.counts.RepliesAccepted++
		}
		if atSrc || f.InterfaceID == "" {
			d.repAtSrc++
		}
		if atDst {
			d.repAcceptedAtDst++
		}
		d.acceptedPorts = addPort(d.acceptedPorts, f.DstPort)
	}
	if reply && rejected && atSrc {
		d.repAtSrc++
	}
}

// addToLegs gives a record to each target leg's diagnoser.
func (d *FlowDiagnoser) addToLegs(f *Flow) {
	for _, l := range d.legs {
		l.d.Add(f)
	}
}

// Diagnosis reads the records added so far over the window.
func (fd *FlowDiagnoser) Diagnosis(w FlowWindow) Diagnosis {
	if fd.err != nil {
		return Diagnosis{Verdict: Unknown, Summary: "reach cannot evaluate the path: " + fd.err.Error()}
	}
	n, rep, proto := fd.n, fd.rep, fd.proto
	srcENI, dstENI := fd.srcENI, fd.dstENI
	reqAtDst, reqRejectedAtSrc, reqAcceptedAtSrc := fd.reqAtDst, fd.reqRejectedAtSrc, fd.reqAcceptedAtSrc
	repAtDst, repAtSrc, repAcceptedAtDst := fd.repAtDst, fd.repAtSrc, fd.repAcceptedAtDst
	rejectedPorts, acceptedPorts := slices.Clone(fd.rejectedPorts), slices.Clone(fd.acceptedPorts)
	d := Diagnosis{Verdict: rep.Verdict, Counts: fd.counts, Path: pathText(rep, fd.port, proto)}

	wait := w.Interval + w.Delay
	waited := w.Now.Sub(w.Since) >= wait
	waitUntil := w.Since.Add(wait)

	if fd.hasReqReject {
		d.add(rejectedRequest(n, rep, fd.firstReqReject, d.Counts.RequestsRejected, rep.Source))
	}
	if fd.hasRepReject {
		if !proto.HasPorts() {
			rejectedPorts, acceptedPorts = nil, nil
		}
		d.add(rejectedReply(n, rep, fd.firstRepReject, d.Counts, rejectedPorts, acceptedPorts))
	}
	for _, l := range fd.legs {
		if l.d.hasReqReject {
			d.add(legRejected(l, l.d.firstReqReject, l.d.counts.RequestsRejected, false))
		}
		if l.d.hasRepReject {
			d.add(legRejected(l, l.d.firstRepReject, l.d.counts.RepliesRejected, true))
		}
	}
	// Replies leaving the destination show the requests arrived, recorded
	// or not.
	if dstENI != "" && reqAtDst == 0 && reqRejectedAtSrc == 0 && repAtDst == 0 && repAcceptedAtDst == 0 {
		switch {
		case !w.recorded(dstENI, "ACCEPT") || !w.recorded(dstENI, "REJECT"):
			d.add(noCoverage(dstENI, w))
		case !waited:
			d.WaitUntil, d.Absence = waitUntil, absenceOf(rep)
			conclusion := "calling it a routing miss"
			if d.Absence != AbsenceRouteMiss {
				// The route is open or not known: the absence will not
				// show a routing miss, only that no records arrived.
				conclusion = "judging the absence"
			}
			d.add(FlowFinding{Pattern: PatternWaiting, Agrees: true, Summary: fmt.Sprintf(
				"no record of the path at %s yet; records arrive up to %s after the traffic (aggregation interval %s, delivery delay %s), so reach waits until %s before %s",
				dstENI, fmtDuration(wait), fmtDuration(w.Interval), fmtDuration(w.Delay), waitUntil.UTC().Format("15:04:05Z"), conclusion)})
		case w.Unconfirmed != "":
			d.add(FlowFinding{Pattern: PatternNoCoverage, Agrees: true, Summary: fmt.Sprintf(
				"no record of the path at %s, but %s: the absence of records proves nothing", dstENI, w.Unconfirmed)})
		default:
			d.add(noRecords(rep, dstENI, srcENI, w, reqAcceptedAtSrc))
		}
	}
	// The reply never shows at the source: lost on the way back (the
	// destination sent it), or, for a destination outside the account,
	// never sent or never routed.
	sentReply := repAcceptedAtDst > 0 || dstENI == "" && reqAcceptedAtSrc > 0
	if srcENI != "" && sentReply && repAtSrc == 0 && d.Counts.RepliesRejected == 0 && d.Counts.RequestsRejected == 0 && w.recorded(srcENI, "ACCEPT") {
		switch {
		case !waited:
			if d.WaitUntil.IsZero() {
				d.WaitUntil = waitUntil
			}
			d.add(FlowFinding{Pattern: PatternWaiting, Agrees: true, Summary: fmt.Sprintf(
				"no reply recorded at %s yet; records arrive up to %s after the traffic, so reach waits until %s before calling the reply lost",
				srcENI, fmtDuration(wait), waitUntil.UTC().Format("15:04:05Z"))})
		case repAcceptedAtDst > 0:
			d.add(replyLost(rep, srcENI, dstENI, repAcceptedAtDst))
		default:
			d.add(noReply(rep, srcENI, reqAcceptedAtSrc))
		}
	}
	if len(d.Findings) == 0 && d.Counts.RequestsAccepted > 0 {
		f := FlowFinding{Pattern: PatternAccepted, Records: d.Counts.RequestsAccepted + d.Counts.RepliesAccepted, Agrees: true,
			Summary: fmt.Sprintf("%s and %s accepted: the path carries traffic", count(d.Counts.RequestsAccepted, "request"), count(d.Counts.RepliesAccepted, "reply"))}
		unseen := srcENI != "" && repAtSrc == 0 && !w.recorded(srcENI, "ACCEPT")
		if unseen {
			f.Summary = fmt.Sprintf("%s and %s accepted; whether the replies reach %s is not recorded (no flow log reach reads records its accepted traffic)",
				count(d.Counts.RequestsAccepted, "request"), count(d.Counts.RepliesAccepted, "reply"), srcENI)
		}
		if bb := rep.BlockedBy; rep.Verdict == Unreachable && bb != nil {
			if unseen && bb.Direction == Return {
				// Consistent: the loss happens where no record can show it.
				f.Layer, f.Component, f.Code, f.Direction, f.Rule = bb.Layer, bb.Component, bb.Code, bb.Direction, bb.Rule
				f.Fix = findingFix(rep, bb)
				f.Summary += fmt.Sprintf("; the configuration loses the replies on the way back at %s %s (%s), where no record can show it", bb.Layer, bb.Component, bb.Rule)
			} else {
				f.Agrees = false
				f.Summary += fmt.Sprintf(", although the configuration blocks it at %s %s (%s): the configuration changed since, or the records are of other connections", bb.Layer, bb.Component, bb.Direction)
			}
		}
		d.add(f)
	}
	if len(d.Findings) == 0 {
		d.Summary = "no record of this path"
		if dstENI == "" && srcENI != "" && !w.recorded(srcENI, "ACCEPT") {
			d.Summary += fmt.Sprintf("; no flow log reach reads records %s", srcENI)
		}
	}
	if d.Counts.SkipData > 0 {
		d.Summary += fmt.Sprintf(" (%s: the flow-log service skipped records in some windows, so absence proves less)", count(d.Counts.SkipData, "SKIPDATA record"))
	}
	return d
}

func (d *Diagnosis) add(f FlowFinding) {
	d.Findings = append(d.Findings, f)
	if d.Summary == "" {
		d.Summary = f.Summary
	}
}

func rejectedRequest(n *Network, rep Report, f Flow, records int, src PathEnd) FlowFinding {
	a := pathView(rep, Attribute(n, f))
	ff := FlowFinding{Pattern: PatternRejectedRequest, Records: records, Layer: a.Layer, Component: a.Component,
		Code: a.Code, Direction: a.Direction, Rule: a.Rule, Fix: a.Fix, Agrees: a.Agrees}
	at := f.InterfaceID
	if at == "" {
		at = "an interface"
	}
	who := f.Src.String()
	if src.Name != "" {
		who = src.Name + " (" + who + ")"
	}
	switch {
	case !a.Agrees:
		ff.Pattern = PatternContradiction
		ff.Summary = fmt.Sprintf("%s from %s rejected at %s, yet %s", count(records, "request"), who, at, a.Detail)
	case a.Layer == LayerSecurityGroup:
		ff.Summary = fmt.Sprintf("%s from the path's own source %s rejected at %s: security group %s has no rule that admits them (a missing security group rule)", count(records, "request"), who, at, a.Component)
	case a.Layer == LayerNACL:
		ff.Summary = fmt.Sprintf("%s from %s rejected at %s: network ACL %s denies them (%s)", count(records, "request"), who, at, a.Component, a.Rule)
	case f.RejectReason != "":
		ff.Summary = fmt.Sprintf("%s from %s rejected at %s: %s", count(records, "request"), who, at, a.Detail)
	default:
		ff.Summary = fmt.Sprintf("%s from %s rejected at %s: %s %s decides (%s)", count(records, "request"), who, at, a.Layer, a.Component, a.Detail)
	}
	return ff
}

func rejectedReply(n *Network, rep Report, f Flow, c FlowCounts, rejected, accepted []uint16) FlowFinding {
	a := pathView(rep, AttributeReply(n, f))
	ff := FlowFinding{Pattern: PatternRejectedReply, Records: c.RepliesRejected, Layer: a.Layer, Component: a.Component,
		Code: a.Code, Direction: a.Direction, Rule: a.Rule, Fix: a.Fix, Agrees: a.Agrees, Ports: rejected, AcceptedPorts: accepted}
	at := f.InterfaceID
	if at == "" {
		at = "an interface"
	}
	var b strings.Builder
	if c.RequestsAccepted > 0 {
		fmt.Fprintf(&b, "%s accepted, but ", count(c.RequestsAccepted, "request"))
	}
	if len(rejected) > 0 {
		fmt.Fprintf(&b, "%s to ephemeral ports (%s) rejected at %s", count(c.RepliesRejected, "reply"), portList(rejected), at)
	} else {
		fmt.Fprintf(&b, "%s rejected at %s", count(c.RepliesRejected, "reply"), at)
	}
	switch {
	case !a.Agrees:
		ff.Pattern = PatternContradiction
		fmt.Fprintf(&b, ", yet %s", a.Detail)
	case a.Layer == LayerNACL:
		fmt.Fprintf(&b, ": network ACL %s does not admit the return traffic (%s)", a.Component, a.Rule)
	default:
		fmt.Fprintf(&b, ": %s %s decides (%s)", a.Layer, a.Component, a.Detail)
	}
	if len(accepted) > 0 {
		fmt.Fprintf(&b, "; replies to %s got through, so connections fail only when the client picks a blocked port", portList(accepted))
	}
	ff.Summary = b.String()
	return ff
}

// legRejected explains rejected records of a load balancer's leg to one
// target by the leg's own checklist: the records are judged against the
// path the load balancer takes, not the direct path between their
// addresses.
func legRejected(l targetLeg, f Flow, records int, reply bool) FlowFinding {
	leg := l.d.rep
	ff := FlowFinding{Pattern: PatternRejectedRequest, Records: records}
	what := count(records, "request") + " from " + f.Src.String()
	if reply {
		ff.Pattern = PatternRejectedReply
		what = count(records, "reply") + " to " + f.Dst.String()
	}
	at := f.InterfaceID
	if at == "" {
		at = "an interface"
	}
	prefix := fmt.Sprintf("on the leg from load balancer %s to target %s: %s rejected at %s", l.lb, l.target.ID, what, at)
	bb := leg.BlockedBy
	if leg.Verdict == Unreachable && bb != nil && (bb.Direction == Return) == reply {
		ff.Layer, ff.Component, ff.Code, ff.Direction, ff.Rule = bb.Layer, bb.Component, bb.Code, bb.Direction, bb.Rule
		ff.Fix, ff.Agrees = findingFix(leg, bb), true
		ff.Summary = fmt.Sprintf("%s: %s %s decides (%s)", prefix, bb.Layer, bb.Component, bb.Rule)
		return ff
	}
	ff.Pattern = PatternContradiction
	ff.Summary = fmt.Sprintf("%s, yet the configuration finds the leg %s: the configuration changed since, or the records are of other connections", prefix, leg.Verdict)
	if bb != nil {
		ff.Summary = fmt.Sprintf("%s, yet the configuration blocks the leg elsewhere, at %s %s (%s)", prefix, bb.Layer, bb.Component, bb.Direction)
	}
	return ff
}

func noCoverage(dstENI string, w FlowWindow) FlowFinding {
	s := fmt.Sprintf("no record of the path at %s, but no flow log reach reads records all of its traffic", dstENI)
	if w.recorded(dstENI, "REJECT") {
		s = fmt.Sprintf("no rejected packet of the path at %s; its flow log records only rejects, so accepted traffic and traffic that never arrives look the same", dstENI)
	} else if w.recorded(dstENI, "ACCEPT") {
		s = fmt.Sprintf("no accepted packet of the path at %s; its flow log records only accepts, so rejected traffic and traffic that never arrives look the same", dstENI)
	}
	return FlowFinding{Pattern: PatternNoCoverage, Agrees: true, Summary: s + ": the absence of records proves nothing"}
}

func noRecords(rep Report, dstENI, srcENI string, w FlowWindow, sent int) FlowFinding {
	since := "since " + w.Since.UTC().Format("15:04:05Z")
	if w.Since.IsZero() {
		since = "in these records"
	}
	f := FlowFinding{Pattern: PatternNoRecords, Records: sent, Agrees: true}
	var b strings.Builder
	// Absent records are a routing miss only when the checklist finds one
	// on the way there; otherwise the absence may as well be the flow
	// log's delivery or the filter that read it, and saying "routing miss"
	// would state as fact what the records do not show.
	bb := rep.BlockedBy
	absence := absenceOf(rep)
	routeMiss, routeOpen := absence == AbsenceRouteMiss, absence == AbsenceRouteOpen
	switch {
	case routeMiss:
		fmt.Fprintf(&b, "no record of the path at %s %s: the packets never reach the interface, a routing miss", dstENI, since)
	case routeOpen:
		f.Agrees = false
		fmt.Fprintf(&b, "no records reach %s %s, but the checklist finds the route open: check the flow log's delivery and filter", dstENI, since)
	default:
		fmt.Fprintf(&b, "no record of the path at %s %s: the packets may never reach the interface (a routing miss), but the checklist cannot confirm the route, and the flow log's delivery and filter may also explain it", dstENI, since)
	}
	switch {
	case sent > 0:
		fmt.Fprintf(&b, "; %s sent %s (ACCEPT) that never arrived", srcENI, count(sent, "request"))
	case w.recorded(srcENI, "ACCEPT"):
		fmt.Fprintf(&b, "; no request is recorded at the source %s either: the client may not be sending at all", srcENI)
	}
	switch {
	case routeMiss:
		f.Layer, f.Component, f.Code, f.Direction, f.Rule = bb.Layer, bb.Component, bb.Code, bb.Direction, bb.Rule
		f.Fix = findingFix(rep, bb)
		fmt.Fprintf(&b, "; the configuration agrees: %s %s (%s)", bb.Layer, bb.Component, bb.Rule)
	case rep.Verdict == Reachable:
		b.WriteString("; if the records are delivered, something reach does not see drops the packets (a firewall appliance, a route changed since, another account's transit gateway)")
	case routeOpen && bb != nil:
		fmt.Fprintf(&b, "; the checklist blocks the path at %s %s (%s), where a record of the rejected packets would be expected", bb.Layer, bb.Component, bb.Direction)
	}
	f.Summary = b.String()
	return f
}

// blocksForward reports whether a layer holds a block of the request.
func blocksForward(l *Layer) bool {
	for _, fd := range l.Findings {
		if fd.Severity == SeverityBlock && fd.Direction == Forward {
			return true
		}
	}
	return false
}

func replyLost(rep Report, srcENI, dstENI string, replies int) FlowFinding {
	f := FlowFinding{Pattern: PatternReplyLost, Records: replies, Agrees: true}
	s := fmt.Sprintf("%s accepts the requests and sends %s, but none is recorded at %s: the reply is lost on the way back", dstENI, count(replies, "reply"), srcENI)
	if bb := rep.BlockedBy; bb != nil && bb.Direction == Return && (bb.Layer == LayerRoute || bb.Layer == LayerSourceDestCheck) {
		f.Layer, f.Component, f.Code, f.Direction, f.Rule = bb.Layer, bb.Component, bb.Code, bb.Direction, bb.Rule
		f.Fix = findingFix(rep, bb)
		s += fmt.Sprintf(": %s %s has no way back (%s)", bb.Layer, bb.Component, bb.Rule)
	} else if rep.Verdict == Reachable {
		f.Agrees = false
		s += "; the configuration routes the reply, so something reach does not see drops it"
	}
	f.Summary = s
	return f
}

func noReply(rep Report, srcENI string, sent int) FlowFinding {
	f := FlowFinding{Pattern: PatternNoReply, Records: sent, Agrees: true}
	s := fmt.Sprintf("%s sent %s (ACCEPT) to %s, outside the account, and no reply came back", srcENI, count(sent, "request"), rep.Destination.Address)
	if bb := rep.BlockedBy; bb != nil {
		f.Layer, f.Component, f.Code, f.Direction, f.Rule = bb.Layer, bb.Component, bb.Code, bb.Direction, bb.Rule
		f.Fix = findingFix(rep, bb)
		s += fmt.Sprintf(": %s %s stops it (%s, %s)", bb.Layer, bb.Component, bb.Rule, bb.Direction)
	} else if rep.Verdict == Reachable {
		s += ": the configuration lets it through, so the far end does not answer (or something reach does not see drops it)"
	}
	f.Summary = s
	return f
}

// pathView takes the rule and fix of the path's own report when it blocks
// at the record's component: the record speaks of one client port, the
// report of the client's whole ephemeral range, whose fix is the one to
// apply.
func pathView(rep Report, a Attribution) Attribution {
	if bb := rep.BlockedBy; bb != nil && a.Agrees && bb.Component == a.Component && bb.Layer == a.Layer && bb.Direction == a.Direction {
		a.Rule = bb.Rule
		if fix := findingFix(rep, bb); fix != "" {
			a.Fix = fix
		}
	}
	return a
}

// count says "1 request", "3 requests", "1 reply", "2 replies".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// findingFix returns the fix of the report's finding the blocker names.
func findingFix(rep Report, b *Blocked) string {
	for _, l := range rep.Layers {
		for _, fd := range l.Findings {
			if fd.Component == b.Component && fd.Code == b.Code && fd.Direction == b.Direction {
				return fd.Fix
			}
		}
	}
	return ""
}

// endAddrs is every address a path end's records may show: the address the
// report resolved, and its interface's private and public addresses.
func endAddrs(n *Network, e PathEnd) map[netip.Addr]bool {
	m := map[netip.Addr]bool{}
	if a, err := netip.ParseAddr(e.Address); err == nil {
		m[a] = true
	}
	if eni := n.ENIs[e.ENI]; eni != nil {
		for _, p := range eni.PrivateIPs {
			m[p.Addr] = true
			if p.Public.IsValid() {
				m[p.Public] = true
			}
		}
		for _, a := range eni.IPv6 {
			m[a] = true
		}
	}
	return m
}

func pathText(rep Report, port uint16, proto Protocol) string {
	src := rep.Source.Address
	if rep.Source.ENI != "" {
		src = rep.Source.ENI + " (" + rep.Source.Address + ")"
	}
	dst := rep.Destination.Address
	if port != 0 && proto.HasPorts() {
		if a, err := netip.ParseAddr(dst); err == nil {
			dst = netip.AddrPortFrom(a, port).String()
		} else {
			dst += ":" + strconv.Itoa(int(port))
		}
	}
	return fmt.Sprintf("%s → %s/%s", src, dst, proto)
}

func addPort(ports []uint16, p uint16) []uint16 {
	if len(ports) >= maxPorts || slices.Contains(ports, p) {
		return ports
	}
	ports = append(ports, p)
	slices.Sort(ports)
	return ports
}

func portList(ports []uint16) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p))
	}
	out := strings.Join(s, ", ")
	if len(ports) >= maxPorts {
		out += ", …"
	}
	return out
}

// connEnd is the client side of a connection; connKey counts it once per
// kind of record (request or reply, accepted or rejected).
type connEnd struct {
	addr netip.Addr
	port uint16
}

type connKey struct {
	kind   uint8
	client connEnd
}
