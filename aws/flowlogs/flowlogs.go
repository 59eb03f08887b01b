// Package flowlogs reads VPC flow-log records for reach: it parses the
// default and any custom log format into checks.Flow, and streams records
// from CloudWatch Logs (Live Tail, with FilterLogEvents polling as the
// fallback), from a Logs Insights query over a past window, from a local
// file or stdin (plain text or gzip), or from the demo scenario's
// synthetic stream.
//
// # Consuming a source
//
// Every source implements Source. Run blocks until the context ends or the
// source is exhausted (a file's end, a finished query, a demo window) and
// hands records to emit in batches: one call per flush, about every
// FlushInterval (200 ms), never one call per record. emit is called from
// one goroutine at a time and never after Run returns; it must return
// quickly (send the batch to a channel or to tea.Program.Send). A batch's
// Flows slice belongs to the receiver.
//
// A live source never waits for its consumer: records that arrive while
// more than Options.MaxPending are waiting are dropped, oldest first, and
// counted in Batch.Dropped. Sources that can wait (a file, a query's
// results, the demo) block instead and drop nothing.
//
// The terminal keeps what it shows in a bounded ring of its own (tui):
//
//	src := flowlogs.NewDemoSource(net, flowlogs.DemoOptions{Follow: true})
//	go src.Run(ctx, func(b flowlogs.Batch) { ch <- b }) // or p.Send(flowBatchMsg{tail: id, b: b})
//
// For one path, ResolvePath finds its interfaces and addresses, and
// NewLiveTail (CloudWatch Logs) or NewDemoTail (the demo) returns a Tail:
// the source, the flow logs that cover the path (checks.FlowLogDiscovery:
// what can be read, and the create-flow-logs command when nothing can),
// and the checks.FlowWindow to diagnose the ring's records with:
//
//	p, _ := flowlogs.ResolvePath(net, query)
//	tail, err := flowlogs.NewLiveTail(net, p, flowlogs.NewClient(cfg), cfg.Region, flowlogs.PollOptions{}, time.Now())
//	// err != nil: show tail.Discovery (notes, CreateCommand) instead
//	...
//	w := tail.Window
//	w.Now = time.Now()
//	d := checks.Diagnose(net, p.Query, ring.Flows(nil), w) // d.Summary, d.Findings, d.WaitUntil
//
// A record's rule comes from checks.Attribute, or checks.AttributeReply
// when p.IsReply(record).
//
// Batch.Source names what is in use and changes when a source falls back
// ("Live Tail" → "FilterLogEvents polling every 5s (Live Tail: access
// denied)"); Batch.Note carries such a change once, as a sentence to show.
//
// # Parsing
//
// Parser.Parse fills a caller-provided checks.Flow from one line without
// allocating: numbers and addresses are parsed in place and repeated
// strings (account, interface, VPC and subnet IDs, ...) are interned. A
// line that does not parse is an error for that line only; sources count
// it in Batch.Malformed and keep a few in Batch.Samples.
package flowlogs

import (
	"context"
	"net/netip"
	"time"

	"github.com/reachnet/reach/checks"
)

// Batch is what a source hands its consumer at each flush.
type Batch struct {
	// Flows are the records that arrived since the previous batch and
	// passed the source's Filter, oldest first. The receiver owns the
	// slice.
	Flows []checks.Flow
	// Malformed counts the lines since the previous batch that did not
	// parse; Samples keeps the first few of them.
	Malformed int
	Samples   []Malformed
	// Dropped counts records lost since the previous batch because the
	// consumer fell behind (Options.MaxPending).
	Dropped int
	// Filtered counts records that parsed but did not pass the Filter.
	Filtered int
	// Source says what is reading, for a status line: "Live Tail of
	// /vpc/flow-logs/prod", "FilterLogEvents polling every 5s", ...
	Source string
	// Note is a sentence to show once: a fallback, sampling, a truncated
	// query. Empty most of the time.
	Note string
	// Sampled is true when CloudWatch Logs sampled the Live Tail stream
	// (more than 500 matching records a second): some records are missing.
	Sampled bool
}

// Malformed is one line that did not parse.
type Malformed struct {
	// Line is the line, cut to 200 bytes.
	Line string `json:"line"`
	// Reason says what is wrong, for example "field 5 (dstaddr): not an IP
	// address".
	Reason string `json:"reason"`
}

// maxSamples bounds Batch.Samples.
const maxSamples = 3

// Source is a stream of flow-log records.
type Source interface {
	// Name describes the source for a status line.
	Name() string
	// Run reads until ctx ends or the source is exhausted, calling emit
	// once per flush. It returns nil at the source's natural end and when
	// ctx is cancelled, and an error when the source failed (after
	// emitting what it had).
	Run(ctx context.Context, emit func(Batch)) error
}

// Defaults for Options.
const (
	DefaultFlushInterval = 200 * time.Millisecond
	DefaultMaxPending    = 50_000
)

// Options are common to every source.
type Options struct {
	// Formats are the log formats records may use; a line is parsed with
	// the first format whose field count matches it. Empty means the
	// default format (version 2), or for a file whose first line is a
	// header of field names (as in S3), that header.
	Formats []*Format
	// Filter keeps only matching records (client side; sources also pass
	// what they can to CloudWatch Logs to read less).
	Filter Filter
	// FlushInterval is the time between batches (DefaultFlushInterval).
	FlushInterval time.Duration
	// MaxPending bounds the records held between flushes
	// (DefaultMaxPending).
	MaxPending int
	// LendBatches says the receiver reads a Batch's Flows only until its
	// emit returns and keeps no pointer into them: the source then reuses
	// their memory for the next batch rather than allocating each one,
	// which is most of what a fast file read would otherwise allocate.
	LendBatches bool
}

func (o Options) withDefaults() Options {
	if o.FlushInterval <= 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	if o.MaxPending <= 0 {
		o.MaxPending = DefaultMaxPending
	}
	return o
}

// Filter selects records. The zero Filter matches every record.
type Filter struct {
	// Hosts: a record matches when every address here is its source or
	// destination (two addresses select the traffic between two hosts, in
	// both directions).
	Hosts []netip.Addr
	// Port: the record's source or destination port (requests and their
	// replies); 0 matches every port.
	Port uint16
	// Protocol: 0 matches every protocol.
	Protocol checks.Protocol
	// Action: "ACCEPT" or "REJECT"; empty matches both (and NODATA and
	// SKIPDATA records, which carry no action).
	Action string
	// ENIs: the record's interface-id is one of these. A record whose
	// format has no interface-id matches.
	ENIs []string
}

// Match reports whether the record passes the filter.
func (f *Filter) Match(r *checks.Flow) bool {
	for _, h := range f.Hosts {
		if r.Src != h && r.Dst != h {
			return false
		}
	}
	if f.Port != 0 && r.SrcPort != f.Port && r.DstPort != f.Port {
		return false
	}
	if f.Protocol != 0 && r.Protocol != f.Protocol {
		return false
	}
	if f.Action != "" && r.Action != f.Action {
		return false
	}
	if len(f.ENIs) > 0 && r.InterfaceID != "" {
		found := false
		for _, e := range f.ENIs {
			if e == r.InterfaceID {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// LogGroup names a CloudWatch Logs group: Live Tail wants its ARN,
// FilterLogEvents and Logs Insights accept its name.
type LogGroup struct {
	Name string
	ARN  string
}

// Target is what to read from CloudWatch Logs.
type Target struct {
	// LogGroups holds the flow logs' groups (Live Tail takes up to 10).
	LogGroups []LogGroup
	// ENIs are the interfaces of the path. Flow logs write one log stream
	// per interface, named by its ID, so they select the streams to read.
	ENIs []string
	// Pattern is a CloudWatch Logs filter pattern applied on the server
	// (AddressPattern builds one); empty reads every record of the
	// streams.
	Pattern string
}
