package flowlogs

import (
	"errors"
	"net/netip"
	"time"

	"github.com/reachnet/reach/checks"
)

// Path is one path as its flow-log records show it: the interfaces that
// write them and the addresses they hold.
type Path struct {
	Query  checks.Query
	Report checks.Report
	// SrcENI and DstENI are the path's interfaces ("" for an end outside
	// the account).
	SrcENI, DstENI string
	// Client and Server are the addresses of the request's source and
	// destination as the interfaces record them: a server named by its
	// public address is recorded with its private one.
	Client, Server netip.Addr
}

// ResolvePath evaluates the query once to find the path's interfaces and
// addresses.
func ResolvePath(n *checks.Network, q checks.Query) (Path, error) {
	rep, err := checks.Evaluate(n, q)
	if err != nil {
		return Path{}, err
	}
	p := Path{Query: q, Report: rep, SrcENI: rep.Source.ENI, DstENI: rep.Destination.ENI}
	p.Client, _ = netip.ParseAddr(rep.Source.Address)
	p.Server, _ = netip.ParseAddr(rep.Destination.Address)
	if e := n.ENIs[p.DstENI]; e != nil && p.Server.IsValid() && !e.Owns(p.Server) {
		p.Server = e.PrimaryIP()
	}
	return p, nil
}

// ENIs are the path's interfaces in the account.
func (p Path) ENIs() []string {
	var out []string
	for _, e := range []string{p.SrcENI, p.DstENI} {
		if e != "" && !containsString(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Hosts are the path's two addresses (the valid ones).
func (p Path) Hosts() []netip.Addr {
	var out []netip.Addr
	for _, a := range []netip.Addr{p.Client, p.Server} {
		if a.IsValid() {
			out = append(out, a)
		}
	}
	return out
}

// Filter selects the path's records: requests and replies between its
// addresses, on its port and protocol.
func (p Path) Filter() Filter {
	f := Filter{Hosts: p.Hosts(), Protocol: p.Query.Protocol}
	if f.Protocol == checks.ProtocolAll {
		f.Protocol = 0
	}
	if p.Query.Protocol.HasPorts() && p.Query.Port > 0 && p.Query.Port <= 65535 {
		f.Port = uint16(p.Query.Port)
	}
	return f
}

// IsReply reports whether a record of the path is a reply (from the
// server), which checks.AttributeReply explains.
func (p Path) IsReply(f *checks.Flow) bool { return p.Server.IsValid() && f.Src == p.Server }

// Tail is everything a view needs to tail one path: the source, the flow
// logs that cover the path, and the window to diagnose the records with
// (its Now left for the caller to set at each diagnosis).
type Tail struct {
	Source    Source
	Discovery checks.FlowLogDiscovery
	Window    checks.FlowWindow
}

// NewLiveTail tails the path's flow logs in CloudWatch Logs through api
// (NewClient), with Live Tail and the polling fallback. region and the
// source interface's account complete log-group ARNs that
// describe-flow-logs did not give. It fails when no flow log reach can
// read covers the path; the discovery then says why and how to create one.
func NewLiveTail(n *checks.Network, p Path, api TailAPI, region string, opts PollOptions, now time.Time) (*Tail, error) {
	enis := p.ENIs()
	if len(enis) == 0 {
		return nil, errors.New("neither end of the path is an interface in the account, so no flow log of it can be read")
	}
	d := checks.DiscoverFlowLogs(n, enis...)
	account := ""
	if e := n.ENIs[enis[0]]; e != nil {
		account = e.OwnerID
	}
	target, formats, err := TargetFor(d, region, account, p.Hosts()...)
	t := &Tail{Discovery: d}
	if err != nil {
		return t, err
	}
	if len(opts.Formats) == 0 {
		opts.Formats = formats
	}
	if opts.Filter.Hosts == nil {
		opts.Filter = p.Filter()
	}
	t.Source = NewLiveTailSource(api, target, opts)
	var interval, delay time.Duration
	for _, c := range d.Tailable() {
		interval = max(interval, c.FlowLog.Interval())
		delay = max(delay, c.FlowLog.DeliveryDelay())
	}
	t.Window = checks.FlowWindow{Since: now, Now: now, Interval: interval, Delay: delay, Recorded: d.Recorder(true)}
	return t, nil
}

// NewDemoTail tails the path in the demo's synthetic stream. The demo's
// records arrive without delivery delay, so only its flow logs'
// aggregation interval (one minute) is waited for before a routing miss
// is called.
func NewDemoTail(n *checks.Network, p Path, opts DemoOptions, now time.Time) *Tail {
	d := checks.DiscoverFlowLogs(n, p.ENIs()...)
	if opts.Filter.Hosts == nil {
		opts.Filter = p.Filter()
	}
	if opts.Window <= 0 {
		opts.Window = DefaultDemoWindow
	}
	return &Tail{
		Source:    NewDemoSource(n, opts),
		Discovery: d,
		// The demo stream holds the S3 flow log's records too, as if
		// exported.
		Window: checks.FlowWindow{Since: now.Add(-opts.Window), Now: now, Interval: time.Minute, Recorded: d.Recorder(false)},
	}
}
