// Package tail is the flow tail: the t key opens a live view of the
// flow-log records of a path or an interface. The terminal does not import
// aws/flowlogs: internal/cli hands it a FlowOpener that builds a FlowSource
// (Live Tail, FilterLogEvents polling, a file, the demo generator) for a
// FlowTarget.
//
// source.go is that contract; feed.go merges a source's batches off the
// terminal's goroutine; ring.go keeps the newest records; filter.go parses
// the / query; columns.go and diagnosis.go draw rows, an attribution and a
// diagnosis; tail.go is the screen.
package tail

import (
	"context"
	"net/netip"
	"slices"
	"time"

	"github.com/reachnet/reach/checks"
)

// FlowSource yields flow-log records in batches.
type FlowSource interface {
	// Name describes the source in the tail's title: "Live Tail", "polling
	// FilterLogEvents every 5s (Live Tail denied)", "file flows.log",
	// "demo". It is drawn after control characters are removed.
	Name() string
	// Run reads records until ctx ends or the source is exhausted, and
	// hands them to emit in batches, one call per flush (about every 200
	// ms), never one call per record. emit never blocks and may be called
	// from any goroutine until Run returns. It takes the batch: the
	// terminal owns b.Flows from then on (as aws/flowlogs' Batch.Flows
	// belongs to its receiver), so a source hands a new slice each time. The error, if any, is shown on the tail;
	// a Run that ends because ctx ended should return ctx.Err().
	Run(ctx context.Context, emit func(FlowBatch)) error
}

// FlowBatch is one flush of a FlowSource.
type FlowBatch struct {
	// Flows are the parsed records, oldest first.
	Flows []checks.Flow
	// Malformed counts lines the parser refused since the last batch.
	Malformed int
	// Dropped counts records the source knows it lost since the last batch
	// (Live Tail sampling, a full buffer).
	Dropped int
	// Source, when set, replaces the source's name from now on: a source
	// that falls back ("polling FilterLogEvents every 5s (Live Tail
	// denied)") says so here.
	Source string
	// Note, when set, is shown once in the status line ("Live Tail session
	// renewed after 3h").
	Note string
}

// FlowTarget says whose records a tail shows: one interface (from the ENI
// browser or its detail) or one path (from its checklist). The terminal
// builds it from the network and the path's last report; main's FlowOpener
// finds the flow logs that publish the records in Network (by the ENIs,
// their Subnets and VPCs), and may use the rest to narrow what it reads (a
// Live Tail filter pattern). The terminal keeps only records for which
// Matches is true, whatever the source sends, and diagnoses a path's
// records with Query.
type FlowTarget struct {
	// Label names the target for people: "batch-1 → 10.0.33.12:5432/tcp"
	// or "batch-1 (eni-0b01)". It is already cleaned for the screen.
	Label string
	// ENI is set for an interface's tail and empty for a path's.
	ENI string
	// ENIs are the interfaces in the account at the target's ends (one for
	// an interface, up to two for a path; none when both ends of a path
	// lie outside the account). Subnets and VPCs are theirs, in the same
	// order, without repeats.
	ENIs, Subnets, VPCs []string
	// From and To are the addresses of the ends. For an interface, From
	// holds its addresses and To is empty. For a path, a record belongs
	// when one of its addresses is in From and the other in To (a reply
	// runs from To to From); an empty side matches any address.
	From, To []netip.Addr
	// Protocol narrows a path's records (checks.ProtocolAll: any), and
	// Port, when not 0, is the request's destination port, found in the
	// request's destination port or in the reply's source port.
	Protocol checks.Protocol
	Port     int
	// Legs are the legs of a path through a load balancer, one per target
	// it sends to: a record between one of a leg's From and its To, on
	// its Port, belongs to the path too.
	Legs []FlowLeg
	// Query is the path's query as the checklist resolved it, nil for an
	// interface. An opener that reads CloudWatch Logs finds the path's
	// interfaces and addresses with it (flowlogs.ResolvePath); the
	// terminal diagnoses the path's records with it (checks.Diagnose).
	Query *checks.Query
	// Network is the network the terminal built the target from; its
	// FlowLogs say which flow logs record the target's interfaces
	// (checks.DiscoverFlowLogs). It is shared: an opener only reads it.
	Network *checks.Network
}

// Matches reports whether a record belongs to the target. An interface's
// records are those its flow log wrote (or, in a format without
// interface-id, those to or from its addresses). A NODATA or SKIPDATA
// record carries no addresses: it belongs to the interface it names.
func (t FlowTarget) Matches(f checks.Flow) bool { return t.matches(&f) }

// matches is Matches without copying the record: the feed asks it for
// every record of every batch.
func (t *FlowTarget) matches(f *checks.Flow) bool {
	if t.ENI != "" {
		if f.InterfaceID != "" {
			return f.InterfaceID == t.ENI
		}
		return slices.Contains(t.From, f.Src) || slices.Contains(t.From, f.Dst)
	}
	if !f.Src.IsValid() && !f.Dst.IsValid() {
		return f.InterfaceID != "" && slices.Contains(t.ENIs, f.InterfaceID)
	}
	if t.Protocol != checks.ProtocolAll && f.Protocol != t.Protocol {
		return false
	}
	in := func(side []netip.Addr, a netip.Addr) bool { return len(side) == 0 || slices.Contains(side, a) }
	if (in(t.From, f.Src) && in(t.To, f.Dst) || in(t.To, f.Src) && in(t.From, f.Dst)) &&
		(t.Port == 0 || int(f.DstPort) == t.Port || int(f.SrcPort) == t.Port) {
		return true
	}
	for _, l := range t.Legs {
		if slices.Contains(l.From, f.Src) && f.Dst == l.To && int(f.DstPort) == l.Port ||
			f.Src == l.To && slices.Contains(l.From, f.Dst) && int(f.SrcPort) == l.Port {
			return true
		}
	}
	return false
}

// FlowLeg is one target's leg of a path through a load balancer: the
// records between From (the node's addresses, and the client's, which the
// load balancer may preserve) and To, the target, on Port.
type FlowLeg struct {
	From []netip.Addr
	To   netip.Addr
	Port int
}

// FlowWindower is implemented by a FlowSource that knows when its records
// can arrive: since when it holds records (the tail's opening, or the
// start of a history it replays), the aggregation interval and delivery
// delay of the flow logs it reads, and which traffic they record
// (checks.FlowWindow; the terminal sets Now). The diagnosis of a path's
// tail waits Interval+Delay after Since before it calls a missing record
// a routing miss. For a source without it the terminal assumes the
// slowest documented case from the tail's opening (defaultFlowWindow).
type FlowWindower interface {
	FlowWindow() checks.FlowWindow
}

// DefaultFlowWindow is the window of a source that does not say: records
// from the tail's opening on, a flow log's default aggregation interval
// (10 minutes) and CloudWatch Logs' delivery delay (5 minutes), every
// interface's traffic recorded.
func DefaultFlowWindow(since time.Time) checks.FlowWindow {
	return checks.FlowWindow{Since: since, Interval: checks.DefaultAggregationInterval, Delay: checks.CloudWatchLogsDeliveryDelay}
}

// FlowOpener builds a FlowSource for a target. The terminal calls it in a
// command, off its own goroutine, each time t opens a tail, so it may do
// I/O (find the flow logs and their log groups, try Live Tail); ctx ends
// when the tail is closed. Its error is shown on the tail ("no flow log
// publishes records of eni-…").
type FlowOpener func(ctx context.Context, target FlowTarget) (FlowSource, error)

// AddENI widens the target to an interface, its subnet and its VPC.
func (t *FlowTarget) AddENI(e *checks.ENI) {
	t.ENIs = appendOnce(t.ENIs, e.ID)
	t.Subnets = appendOnce(t.Subnets, e.SubnetID)
	t.VPCs = appendOnce(t.VPCs, e.VPCID)
}

func appendOnce(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
