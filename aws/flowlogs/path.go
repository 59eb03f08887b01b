package flowlogs

import (
	"errors"
	"net/netip"
	"slices"
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
	// own selects the records between Client and Server (ownFilter),
	// made once by ResolvePath: Match asks it for every record.
	own Filter
	// Legs are the legs of a path through a load balancer, one per target
	// the load balancer sends to over the network: their records say what
	// became of the connections past the load balancer.
	Legs []Leg
}

// Leg is one target's leg of a path through a load balancer: the records
// between Clients (the node's addresses, and the client's, which the load
// balancer may preserve) and Target, on Port.
type Leg struct {
	TargetENI string
	Clients   []netip.Addr
	Target    netip.Addr
	Port      uint16
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
	for _, tv := range rep.Destination.Targets {
		leg := tv.Leg
		if leg == nil || leg.Destination.ENI == "" || leg.Destination.Port <= 0 || leg.Destination.Port > 65535 {
			continue
		}
		target, err := netip.ParseAddr(leg.Destination.Address)
		if err != nil {
			continue
		}
		l := Leg{TargetENI: leg.Destination.ENI, Target: target, Port: uint16(leg.Destination.Port)}
		if node := n.ENIs[leg.Source.ENI]; node != nil {
			for _, a := range node.PrivateIPs {
				l.Clients = append(l.Clients, a.Addr)
			}
		}
		if p.Client.IsValid() && !slices.Contains(l.Clients, p.Client) {
			l.Clients = append(l.Clients, p.Client)
		}
		p.Legs = append(p.Legs, l)
	}
	p.own = p.ownFilter()
	return p, nil
}

// ENIs are the path's interfaces in the account, its targets' included.
func (p Path) ENIs() []string {
	var out []string
	for _, e := range []string{p.SrcENI, p.DstENI} {
		if e != "" && !containsString(out, e) {
			out = append(out, e)
		}
	}
	for _, l := range p.Legs {
		if !containsString(out, l.TargetENI) {
			out = append(out, l.TargetENI)
		}
	}
	return out
}

// QueryHosts are the addresses a CloudWatch Logs query or pattern may
// narrow the path's records by: both ends, or none for a path through a
// load balancer, whose legs' records hold other addresses (the path's
// interfaces' streams still narrow them).
func (p Path) QueryHosts() []netip.Addr {
	if len(p.Legs) > 0 {
		return nil
	}
	return p.Hosts()
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
//
// For a path through a load balancer the filter keeps every record of the
// path's interfaces (the targets' too) on its protocol, a superset of the
// path's and its legs' records: Match then keeps those of the path.
func (p Path) Filter() Filter {
	f := p.ownFilter()
	if len(p.Legs) > 0 {
		f.Hosts, f.Port, f.ENIs = nil, 0, p.ENIs()
	}
	return f
}

// ownFilter selects the records between the path's two addresses.
func (p Path) ownFilter() Filter {
	f := Filter{Hosts: p.Hosts(), Protocol: p.Query.Protocol}
	if f.Protocol == checks.ProtocolAll {
		f.Protocol = 0
	}
	if p.Query.Protocol.HasPorts() && p.Query.Port > 0 && p.Query.Port <= 65535 {
		f.Port = uint16(p.Query.Port)
	}
	return f
}

// Match reports whether a record is the path's (between its two
// addresses, on its port and protocol) or one of its legs'.
func (p Path) Match(r *checks.Flow) bool {
	own := p.own
	if own.Hosts == nil {
		// A Path not made by ResolvePath.
		own = p.ownFilter()
	}
	if own.Match(r) {
		return true
	}
	if own.Protocol != 0 && r.Protocol != own.Protocol {
		return false
	}
	for _, l := range p.Legs {
		if slices.Contains(l.Clients, r.Src) && r.Dst == l.Target && r.DstPort == l.Port ||
			r.Src == l.Target && slices.Contains(l.Clients, r.Dst) && r.SrcPort == l.Port {
			return true
		}
	}
	return false
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
	target, formats, err := TargetFor(d, region, account, p.QueryHosts()...)
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
