package demo

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
)

// FlowPath is one path of the demo's synthetic traffic: a client that keeps
// opening connections to a server.
type FlowPath struct {
	Name string
	// From is the client: an ENI ID, or an address outside the account.
	From string
	// To is the server's address.
	To       string
	Port     int
	Protocol checks.Protocol
	// Every is the mean time between two connections.
	Every time.Duration
	// SourcePort fixes the client's port; 0 picks one from the client's
	// ephemeral range for each connection.
	SourcePort int
}

// FlowPaths are the packet paths of PATHS.md, each with a pace. Their
// records are decided by checks.Evaluate on the demo network, so every
// reject in the stream is the work of a rule the engine names.
var FlowPaths = []FlowPath{
	{Name: "app-to-db", From: "eni-0f6a7b8c9d0e10012", To: "10.0.33.12", Port: 5432, Protocol: checks.ProtocolTCP, Every: 3 * time.Second},
	{Name: "app-to-app", From: "eni-0f6a7b8c9d0e10012", To: "10.0.80.25", Port: 8080, Protocol: checks.ProtocolTCP, Every: 5 * time.Second},
	{Name: "batch-to-db", From: "eni-0f6a7b8c9d0e10014", To: "10.0.33.12", Port: 5432, Protocol: checks.ProtocolTCP, Every: 10 * time.Second},
	{Name: "prod-to-staging", From: "eni-0f6a7b8c9d0e10012", To: "10.1.5.20", Port: 8080, Protocol: checks.ProtocolTCP, Every: 4 * time.Second},
	{Name: "prod-to-staging-windows", From: "eni-0f6a7b8c9d0e10015", To: "10.1.5.20", Port: 8080, Protocol: checks.ProtocolTCP, Every: 12 * time.Second},
	{Name: "staging-to-db", From: "eni-0f6a7b8c9d0e10031", To: "10.0.33.12", Port: 5432, Protocol: checks.ProtocolTCP, Every: 8 * time.Second},
	{Name: "sandbox-to-prod", From: "eni-0f6a7b8c9d0e10041", To: "10.0.1.20", Port: 443, Protocol: checks.ProtocolTCP, Every: 20 * time.Second},
	{Name: "staging-via-nat-instance", From: "eni-0f6a7b8c9d0e10031", To: "1.1.1.1", Port: 443, Protocol: checks.ProtocolTCP, Every: 15 * time.Second},
	{Name: "app-to-internet", From: "eni-0f6a7b8c9d0e10012", To: "93.184.216.34", Port: 443, Protocol: checks.ProtocolTCP, Every: 6 * time.Second},
	{Name: "app-to-on-premises", From: "eni-0f6a7b8c9d0e10012", To: "172.16.5.10", Port: 22, Protocol: checks.ProtocolTCP, Every: 20 * time.Second},
	{Name: "app-to-s3", From: "eni-0f6a7b8c9d0e10012", To: "52.216.10.20", Port: 443, Protocol: checks.ProtocolTCP, Every: 10 * time.Second},
	{Name: "internet-to-web", From: "203.0.113.50", To: "54.210.167.204", Port: 443, Protocol: checks.ProtocolTCP, Every: 3 * time.Second},
	{Name: "lambda-to-internet", From: "eni-0f6a7b8c9d0e10025", To: "93.184.216.34", Port: 443, Protocol: checks.ProtocolTCP, Every: 15 * time.Second},
	{Name: "resolver-forwarding-udp", From: "eni-0f6a7b8c9d0e10026", To: "172.16.0.53", Port: 53, Protocol: checks.ProtocolUDP, Every: 5 * time.Second},
	{Name: "resolver-forwarding-tcp", From: "eni-0f6a7b8c9d0e10026", To: "172.16.0.53", Port: 53, Protocol: checks.ProtocolTCP, Every: 30 * time.Second},
	{Name: "on-premises-to-inbound-resolver", From: "172.16.0.53", To: "10.0.16.53", Port: 53, Protocol: checks.ProtocolUDP, Every: 10 * time.Second},
	{Name: "staging-to-nlb", From: "eni-0f6a7b8c9d0e10031", To: "10.0.16.200", Port: 443, Protocol: checks.ProtocolTCP, Every: 9 * time.Second},
}

// FlowOptions configure a FlowGenerator.
type FlowOptions struct {
	// Seed makes the stream reproducible: the same seed, start and
	// network give the same records.
	Seed uint64
	// Start is the time of the stream's first moment.
	Start time.Time
	// Rate multiplies every path's pace (0 or 1: the paths' own).
	Rate float64
	// Paths defaults to FlowPaths.
	Paths []FlowPath
}

// FlowGenerator produces the demo's flow-log records: for each connection
// it asks the engine what happens to the request and to the reply, and
// writes the records each interface on the way would write, as far as a
// flow log of the demo records that interface (honouring its traffic type
// and its log format). Interfaces in between (the NAT gateway, the NAT
// instance) are left out.
//
// The records arrive with no delivery delay: the demo compresses what AWS
// spreads over minutes.
type FlowGenerator struct {
	n     *checks.Network
	rng   *rand.Rand
	rate  float64
	paths []genPath
	logs  map[string]*checks.FlowLog // by ENI ID and action
}

type genPath struct {
	FlowPath
	src    *checks.ENI // nil for a client outside the account
	from   netip.Addr
	to     netip.Addr
	next   time.Time
	client checks.PortRange
}

// NewFlowGenerator returns a generator over the network (the demo's, or
// any other with the paths' interfaces). Paths whose interface or address
// the network lacks are skipped.
func NewFlowGenerator(n *checks.Network, o FlowOptions) *FlowGenerator {
	g := &FlowGenerator{n: n, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), rate: o.Rate, logs: map[string]*checks.FlowLog{}}
	if g.rate <= 0 {
		g.rate = 1
	}
	paths := o.Paths
	if paths == nil {
		paths = FlowPaths
	}
	for _, p := range paths {
		gp := genPath{FlowPath: p}
		if strings.HasPrefix(p.From, "eni-") {
			gp.src = n.ENIs[p.From]
			if gp.src == nil {
				continue
			}
			gp.from = gp.src.PrimaryIP()
		} else if a, err := netip.ParseAddr(p.From); err == nil {
			gp.from = a
		}
		to, err := netip.ParseAddr(p.To)
		if err != nil || !gp.from.IsValid() || p.Every <= 0 {
			continue
		}
		gp.to = to
		gp.client = checks.ClientPortRange(gp.src)
		gp.next = o.Start.Add(g.gap(p.Every))
		g.paths = append(g.paths, gp)
	}
	return g
}

// gap draws the time to the next connection: exponential, so connections
// arrive as a Poisson process at the path's pace.
func (g *FlowGenerator) gap(every time.Duration) time.Duration {
	d := time.Duration(-math.Log(1-g.rng.Float64()) * float64(every) / g.rate)
	return max(d, time.Millisecond)
}

// Until appends to dst the records of the connections that end before t,
// in time order, and returns it.
func (g *FlowGenerator) Until(t time.Time, dst []checks.Flow) []checks.Flow {
	for {
		var p *genPath
		for i := range g.paths {
			if p == nil || g.paths[i].next.Before(p.next) {
				p = &g.paths[i]
			}
		}
		if p == nil || !p.next.Before(t) {
			return dst
		}
		dst = g.connection(p, p.next, dst)
		p.next = p.next.Add(g.gap(p.Every))
	}
}

// A leg is one packet direction at one interface.
type leg struct {
	eni    *checks.ENI
	reply  bool
	egress bool
	action string
}

// connection writes the records of one connection of p ending at end.
func (g *FlowGenerator) connection(p *genPath, end time.Time, dst []checks.Flow) []checks.Flow {
	var sport uint16
	switch {
	case p.Protocol.HasPorts() && p.SourcePort > 0 && p.SourcePort <= 65535:
		sport = uint16(p.SourcePort)
	case p.Protocol.HasPorts():
		sport = p.client.From + uint16(g.rng.IntN(int(p.client.To-p.client.From)+1))
	}
	q := checks.Query{
		To:       checks.End{Kind: checks.EndAddress, Addr: p.to, Raw: p.To, Port: p.Port},
		Protocol: p.Protocol, Port: p.Port, SourcePort: int(sport), ICMPType: 8,
	}
	if p.src != nil {
		q.From = checks.End{Kind: checks.EndENI, ID: p.src.ID, Raw: p.src.ID}
	} else {
		q.From = checks.End{Kind: checks.EndAddress, Addr: p.from, Raw: p.From}
	}
	rep, err := checks.Evaluate(g.n, q)
	if err != nil || rep.Verdict == checks.Unknown {
		return dst
	}
	srv := g.n.ENIs[rep.Destination.ENI]
	client := p.from
	server := p.to
	atServer := server
	if srv != nil && !srv.Owns(server) {
		// Named by a public address: the interface sees its private one.
		atServer = srv.PrimaryIP()
	}
	var legs []leg
	// The request, then the reply (when the request arrives).
	fwd := g.site(rep, checks.Forward, p.src, srv)
	legs = append(legs, g.legs(fwd, p.src, srv, false)...)
	if fwd == siteNone {
		legs = append(legs, g.legs(g.site(rep, checks.Return, srv, p.src), srv, p.src, true)...)
	}
	// What the packets are. A connection that opens exchanges data both
	// ways and closes: SYN, ACK, PSH and FIN over the window. One that
	// never opens (a request dropped on its way, or a reply) is the
	// client's SYN and its retransmits (1 s, 2 s, 4 s, 8 s apart), 60
	// bytes each, and, when they arrive, the server's SYN-ACK to each;
	// the same packets are recorded at both ends they cross.
	opens := rep.Verdict == checks.Reachable && rep.BlockedBy == nil
	var dur time.Duration
	var reqPkts, repPkts, reqBytes, repBytes int64
	var reqFlags, repFlags int
	switch {
	case opens:
		dur = time.Duration(1+g.rng.IntN(20)) * time.Second
		// The handshake, some data and the close: a few packets at
		// least, each direction as many as the other (ACKs).
		reqPkts = int64(6 + g.rng.IntN(40))
		repPkts = reqPkts
		reqBytes = reqPkts * int64(60+g.rng.IntN(1400))
		repBytes = repPkts * int64(60+g.rng.IntN(1400))
		if p.Protocol == checks.ProtocolTCP {
			reqFlags, repFlags = tcpSYN|tcpACK|tcpPSH|tcpFIN, tcpSYN|tcpACK|tcpPSH|tcpFIN
		}
	case p.Protocol == checks.ProtocolTCP:
		reqPkts = int64(2 + g.rng.IntN(4))
		dur = time.Duration(1<<(reqPkts-1)-1) * time.Second
		repPkts = reqPkts
		reqBytes, repBytes = reqPkts*60, repPkts*60
		reqFlags, repFlags = tcpSYN, tcpSYN|tcpACK
	default:
		// A datagram the client sends again when no answer comes.
		reqPkts = int64(1 + g.rng.IntN(3))
		dur = time.Duration(reqPkts) * time.Second
		repPkts = reqPkts
		reqBytes, repBytes = reqPkts*60, repPkts*60
	}
	for _, l := range legs {
		fl := g.logOf(l.eni, l.action)
		if fl == nil {
			continue
		}
		r := checks.Flow{Protocol: p.Protocol, Start: end.Add(-dur).Truncate(time.Second), End: end.Truncate(time.Second),
			Action: l.action, LogStatus: "OK", TCPFlags: reqFlags, TrafficPath: -1, EncryptionStatus: -1}
		r.Packets, r.Bytes = reqPkts, reqBytes
		if l.reply {
			r.Src, r.Dst, r.SrcPort, r.DstPort = server, client, uint16(p.Port), sport
			r.Packets, r.Bytes, r.TCPFlags = repPkts, repBytes, repFlags
			if l.eni == srv {
				r.Src = atServer
			}
		} else {
			r.Src, r.Dst, r.SrcPort, r.DstPort = client, server, sport, uint16(p.Port)
			if l.eni == srv {
				r.Dst = atServer
			}
		}
		if !p.Protocol.HasPorts() {
			r.SrcPort, r.DstPort = 0, 0
		}
		fillFormat(&r, fl.Format, l, g.n)
		dst = append(dst, r)
	}
	return dst
}

// TCP flags, as flow logs' tcp-flags field ORs them.
const (
	tcpFIN = 1
	tcpSYN = 2
	tcpPSH = 8
	tcpACK = 16
)

// Sites where a packet is decided.
const (
	siteNone     = iota // not blocked
	siteSender          // the sender's outbound security group or subnet ACL
	siteReceiver        // the receiver's inbound security group or subnet ACL
	siteBetween         // routing, a forwarding interface: after the sender, before the receiver
)

// site says where the report blocks the packet of one direction.
func (g *FlowGenerator) site(rep checks.Report, dir checks.Direction, sender, receiver *checks.ENI) int {
	bb := rep.BlockedBy
	if bb == nil || bb.Direction != dir {
		return siteNone
	}
	if bb.Layer != checks.LayerSecurityGroup && bb.Layer != checks.LayerNACL {
		return siteBetween
	}
	l := rep.Layer(bb.Layer)
	if l == nil {
		return siteBetween
	}
	for _, d := range l.Decisions {
		if d.Direction != dir || d.Outcome != "deny" {
			continue
		}
		// Steps read "eni-… outbound (…)" or "subnet-… inbound (…)".
		parts := strings.Fields(d.Step)
		if len(parts) >= 2 && parts[1] == "outbound" {
			return siteSender
		}
		return siteReceiver
	}
	return siteBetween
}

// legs lists the records one packet direction leaves at its two ends.
func (g *FlowGenerator) legs(site int, sender, receiver *checks.ENI, reply bool) []leg {
	var out []leg
	if sender != nil {
		action := "ACCEPT"
		if site == siteSender {
			action = "REJECT"
		}
		out = append(out, leg{eni: sender, reply: reply, egress: true, action: action})
	}
	if receiver != nil && (site == siteNone || site == siteReceiver) {
		action := "ACCEPT"
		if site == siteReceiver {
			action = "REJECT"
		}
		out = append(out, leg{eni: receiver, reply: reply, action: action})
	}
	return out
}

// logOf returns the flow log that records the interface's traffic of the
// action, nil when none does.
func (g *FlowGenerator) logOf(e *checks.ENI, action string) *checks.FlowLog {
	if e == nil || g.n.FlowLogs == nil {
		return nil
	}
	key := e.ID + " " + action
	if fl, ok := g.logs[key]; ok {
		return fl
	}
	var found *checks.FlowLog
	for _, c := range checks.DiscoverFlowLogs(g.n, e.ID).Coverage {
		if c.FlowLog.Records(action) {
			found = c.FlowLog
			break
		}
	}
	g.logs[key] = found
	return found
}

// fillFormat sets the fields the flow log's format carries beyond the
// addresses, ports and counts, and the record's version.
func fillFormat(r *checks.Flow, format string, l leg, n *checks.Network) {
	has := func(name string) bool { return strings.Contains(format, "${"+name+"}") }
	e := l.eni
	r.Version = 2
	if has("account-id") {
		r.AccountID = e.OwnerID
	}
	if has("interface-id") {
		r.InterfaceID = e.ID
	}
	for _, v := range []struct {
		version int
		fields  []string
	}{
		{3, []string{"vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr"}},
		{4, []string{"region", "az-id", "sublocation-type", "sublocation-id"}},
		{5, []string{"pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path"}},
		{8, []string{"reject-reason"}},
	} {
		for _, f := range v.fields {
			if has(f) {
				r.Version = max(r.Version, v.version)
			}
		}
	}
	if has("vpc-id") {
		r.VPCID = e.VPCID
	}
	if has("subnet-id") {
		r.SubnetID = e.SubnetID
	}
	if has("instance-id") {
		r.InstanceID = e.InstanceID
	}
	if has("type") {
		r.Type = "IPv4"
	}
	if has("pkt-srcaddr") {
		r.PktSrc = r.Src
	}
	if has("pkt-dstaddr") {
		r.PktDst = r.Dst
	}
	if has("az-id") {
		if s := n.Subnets[e.SubnetID]; s != nil {
			r.AZID = s.AZID
		}
	}
	if has("region") {
		if v := n.VPCs[e.VPCID]; v != nil {
			r.Region = v.Region
		}
	}
	if !has("tcp-flags") {
		r.TCPFlags = -1
	}
	if has("flow-direction") {
		r.FlowDirection = "ingress"
		if l.egress {
			r.FlowDirection = "egress"
		}
	}
}
