package cli

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/sweeps"
	"github.com/reachnet/reach/render"
)

// internetStandIn is the address a sweep --from internet evaluates: one of
// the documentation range (RFC 5737), which no real rule names, so only
// what is open to every internet address counts as reachable.
var internetStandIn = netip.MustParseAddr("198.51.100.1")

// maxSweepPorts bounds --ports: each port is one more path per interface.
const maxSweepPorts = 256

var sweepFlagSpecs = []flagSpec{
	{name: "to", arg: "DST", usage: "who can reach DST[:PORT] (an IPv4 address, eni-…, i-…, a Name tag or a hostname): every interface as the source", complete: completeEnds(false)},
	{name: "from", arg: "SRC", usage: "what SRC can reach (eni-…, i-…, an IPv4 address, a Name tag, internet or on-premises): every interface as the destination", complete: completeEnds(false)},
	{name: "port", kind: kindInt, arg: "N", usage: "destination port"},
	{name: "ports", arg: "LIST", usage: "with --from: destination ports, as 22,443,8000-8010 (at most 256)"},
	{name: "protocol", arg: "PROTO", usage: "tcp, udp, icmp, all or a protocol number (default tcp)", values: []string{"tcp", "udp", "icmp", "all"}},
	{name: "source-port", kind: kindInt, arg: "N", usage: "the client's source port (default: its whole ephemeral range)"},
	{name: "from-vpc", arg: "VPC", usage: "with --to: only sources in this VPC"},
	{name: "from-subnet", arg: "SUBNET", usage: "with --to: only sources in this subnet"},
	{name: "from-tag", arg: "K=V", usage: "with --to: only sources tagged K=V (or K alone: any value), on the interface or its instance"},
	{name: "to-vpc", arg: "VPC", usage: "with --from: only destinations in this VPC"},
	{name: "to-subnet", arg: "SUBNET", usage: "with --from: only destinations in this subnet"},
	{name: "to-tag", arg: "K=V", usage: "with --from: only destinations tagged K=V (or K alone), on the interface or its instance"},
	{name: "output", short: "o", arg: "FORMAT", def: "text", usage: "output: text, json, markdown or csv", values: []string{"text", "json", "markdown", "csv"}},
	{name: "all", kind: kindBool, usage: "text and markdown: list every interface of each group (default: the first 5)"},
	asciiFlag,
}

// sweepShown is how many interfaces of each group text and Markdown list
// without --all.
const sweepShown = 5

func runSweep(p *parsed, stdout, stderr io.Writer) int {
	cfg, err := applyConfig(p)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	noteConfigOrganization(p, cfg, stderr)
	from, to, output := p.str("from"), p.str("to"), p.str("output")
	switch {
	case from == "" && to == "":
		return fail(stderr, exitUsage, "sweep: give --to DST[:PORT] (who can reach it) or --from SRC (what it can reach)")
	case from != "" && to != "":
		return fail(stderr, exitUsage, "sweep: --from and --to exclude each other: the other end is every interface (use reach check for one path)")
	}
	switch output {
	case "text", "json", "markdown", "csv":
	default:
		return fail(stderr, exitUsage, "sweep: -o %q: expected text, json, markdown or csv", output)
	}
	fromFixed := from != ""
	narrow, other := "from", "to"
	if fromFixed {
		narrow, other = "to", "from"
	}
	for _, f := range []string{"vpc", "subnet", "tag"} {
		if p.str(other+"-"+f) != "" {
			return fail(stderr, exitUsage, "sweep: --%s-%s narrows the interfaces of a sweep with --%s; with --%s use --%s-%s", other, f, narrow, other, narrow, f)
		}
	}
	if !fromFixed && p.str("ports") != "" {
		return fail(stderr, exitUsage, "sweep: --ports goes with --from; with --to give one port (--to DST:PORT or --port N)")
	}
	proto, err := checks.ParseProtocol(orDefault(p.str("protocol"), "tcp"))
	if err != nil {
		return fail(stderr, exitUsage, "sweep: --protocol %v", err)
	}
	if sp := p.num("source-port"); sp < 0 || sp > 65535 {
		return fail(stderr, exitUsage, "sweep: --source-port %d: expected a number from 1 to 65535", sp)
	}
	tag, hasTag, err := parseTagFilter(p.str(narrow + "-tag"))
	if err != nil {
		return fail(stderr, exitUsage, "sweep: --%s-tag %v", narrow, err)
	}
	net, _, code, ok := loadNetwork(p.source(), []string{sweepWholeAccount}, nil, true, stderr)
	if !ok {
		return code
	}
	applyPorts(net, cfg)

	spec := checks.SweepSpec{FromFixed: fromFixed, Protocol: proto, SourcePort: p.num("source-port")}
	var fixed render.SweepEnd
	var notes []string
	if fromFixed {
		spec.Fixed, fixed, notes, err = sweepSource(net, from)
		if err == nil {
			spec.Ports, err = sweepPorts(proto, p.num("port"), p.str("ports"))
		}
		spec.ViaPublic = spec.Fixed.Kind == checks.EndAddress && fixed.External && !spec.Fixed.Addr.IsPrivate()
	} else {
		spec.Fixed, fixed, err = sweepDestination(net, to, proto, p.num("port"))
		if err == nil && proto.HasPorts() {
			spec.Ports = []int{spec.Fixed.Port}
		}
	}
	if err != nil {
		var de *checks.DataError
		if asDataError(err, &de) {
			return fail(stderr, exitUnknown, "sweep: %v", err)
		}
		return fail(stderr, exitUsage, "sweep: %v", err)
	}
	filter := eniFilter{vpc: p.str(narrow + "-vpc"), subnet: p.str(narrow + "-subnet"), tag: tag, hasTag: hasTag}
	spec.ENIs = filter.apply(net)
	if len(spec.ENIs) == 0 {
		if filter.any() {
			return fail(stderr, exitUsage, "sweep: no interface matches %s", filter)
		}
		return fail(stderr, exitUsage, "sweep: the network holds no interface to sweep")
	}
	results := sweeps.Run(net, spec, 0)
	rep := render.NewSweepReport(fixed, fromFixed, proto, spec.Ports, results)
	rep.Notes = notes
	show := sweepShown
	if p.flag("all") {
		show = -1
	}
	switch output {
	case "json":
		err = render.WriteJSON(stdout, rep)
	case "markdown":
		err = render.SweepMarkdown(stdout, rep, show)
	case "csv":
		err = render.SweepCSV(stdout, rep)
	default:
		err = render.SweepText(stdout, rep, show, p.flag("ascii"))
	}
	if err != nil {
		return fail(stderr, exitUsage, "write sweep: %v", err)
	}
	return checks.SweepExitCode(rep.Counts)
}

// sweepWholeAccount stands for the varying end when loading: it names no
// resource, so a live load reads every interface of the Region rather
// than only those of a path.
const sweepWholeAccount = "every interface"

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func asDataError(err error, target **checks.DataError) bool {
	de, ok := err.(*checks.DataError)
	if ok {
		*target = de
	}
	return ok
}

// sweepDestination resolves --to (a Name tag, an ID, an address or a
// host name) and its port.
func sweepDestination(net *checks.Network, to string, proto checks.Protocol, port int) (checks.End, render.SweepEnd, error) {
	resolved, err := checks.ResolveName(net, "--to", to)
	if err != nil {
		return checks.End{}, render.SweepEnd{}, err
	}
	// NewQuery checks the port as check does; the source is a stand-in.
	q, err := checks.NewQuery("0.0.0.0", resolved, proto.String(), port, 0)
	if err != nil {
		return checks.End{}, render.SweepEnd{}, err
	}
	end := q.To
	end.Port = q.Port
	fixed := describeFixed(net, to, end)
	fixed.External = false
	return end, fixed, nil
}

// sweepSource resolves --from: a Name tag, an ID, an address, or the
// internet or on-premises, which stand for one address outside the
// account.
func sweepSource(net *checks.Network, from string) (checks.End, render.SweepEnd, []string, error) {
	var notes []string
	switch strings.ToLower(from) {
	case "internet":
		notes = append(notes, fmt.Sprintf("the internet is %s (a documentation address no rule names): only what is open to every internet address counts as reachable; each interface is reached at its public address where it has one", internetStandIn))
		end := checks.End{Kind: checks.EndAddress, Addr: internetStandIn, Raw: internetStandIn.String()}
		return end, render.SweepEnd{Input: from, Address: internetStandIn.String(), External: true}, notes, nil
	case "on-premises", "onprem", "on-prem":
		addr, table, ok := onPremisesStandIn(net)
		if !ok {
			return checks.End{}, render.SweepEnd{}, nil, fmt.Errorf("--from %s: no route table sends traffic to a VPN gateway, so no on-premises range is known; name an on-premises address with --from ADDRESS", from)
		}
		notes = append(notes, fmt.Sprintf("on-premises is %s, the first address of the first on-premises range a route table sends to a VPN gateway (%s); name another with --from ADDRESS", addr, table))
		end := checks.End{Kind: checks.EndAddress, Addr: addr, Raw: addr.String()}
		return end, render.SweepEnd{Input: from, Address: addr.String(), External: true}, notes, nil
	}
	resolved, err := checks.ResolveName(net, "--from", from)
	if err != nil {
		return checks.End{}, render.SweepEnd{}, nil, err
	}
	end, err := checks.ParseEnd(resolved)
	switch {
	case err != nil:
		return checks.End{}, render.SweepEnd{}, nil, fmt.Errorf("--from %w", err)
	case end.Kind == checks.EndHost:
		return checks.End{}, render.SweepEnd{}, nil, fmt.Errorf("--from %q: a source must be an IP address, eni-…, i-…, a Name tag, internet or on-premises", from)
	case end.Port != 0:
		return checks.End{}, render.SweepEnd{}, nil, fmt.Errorf("--from %q: a source takes no port; give the destination ports with --port or --ports", from)
	}
	return end, describeFixed(net, from, end), notes, nil
}

// onPremisesStandIn is the first address of the first private range that
// a route table (in ID order) sends to a VPN gateway.
func onPremisesStandIn(net *checks.Network) (netip.Addr, string, bool) {
	ids := make([]string, 0, len(net.RouteTables))
	for id := range net.RouteTables {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		for _, r := range net.RouteTables[id].Routes {
			d := r.Destination
			if r.Target == checks.TargetVGW && !r.Blackhole && d.IsValid() && d.Addr().Is4() && d.Addr().IsPrivate() {
				return d.Masked().Addr().Next(), id, true
			}
		}
	}
	return netip.Addr{}, "", false
}

// describeFixed names the fixed end as typed, with the interface and
// address it stands for.
func describeFixed(net *checks.Network, typed string, end checks.End) render.SweepEnd {
	out := render.SweepEnd{Input: typed}
	var eni *checks.ENI
	switch end.Kind {
	case checks.EndENI:
		eni = net.ENIs[end.ID]
	case checks.EndInstance:
		if inst := net.Instances[end.ID]; inst != nil && len(inst.ENIIDs) > 0 {
			eni = net.ENIs[inst.ENIIDs[0]]
		}
	case checks.EndAddress:
		out.Address = end.Addr.String()
		var owners []*checks.ENI
		for _, e := range net.ENIs {
			if e.Owns(end.Addr) {
				owners = append(owners, e)
			}
		}
		if len(owners) == 1 {
			eni = owners[0]
		} else if len(owners) == 0 {
			out.External = true
		}
	case checks.EndHost:
		out.Name = end.Host
	}
	if eni != nil {
		out.ENI, out.Name = eni.ID, eni.Name
		if out.Name == "" {
			if inst := net.Instances[eni.InstanceID]; inst != nil {
				out.Name = inst.Name
			}
		}
		if out.Address == "" {
			out.Address = eni.PrimaryIP().String()
		}
	}
	return out
}

// sweepPorts reads --port and --ports for a sweep from a source.
func sweepPorts(proto checks.Protocol, port int, list string) ([]int, error) {
	if !proto.HasPorts() {
		if port != 0 || list != "" {
			return nil, fmt.Errorf("--protocol %s carries no ports; leave out --port and --ports", proto)
		}
		return nil, nil
	}
	if port != 0 && list != "" {
		return nil, fmt.Errorf("--port and --ports exclude each other: put every port in --ports")
	}
	if port != 0 {
		if port < 1 || port > 65535 {
			return nil, fmt.Errorf("--port %d: expected a number from 1 to 65535", port)
		}
		return []int{port}, nil
	}
	if list == "" {
		return nil, fmt.Errorf("%s needs destination ports: --port N or --ports 22,443,8000-8010", proto)
	}
	var ports []int
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := checks.ParsePort(lo)
		if err != nil {
			return nil, fmt.Errorf("--ports %q: %v", list, err)
		}
		b := a
		if isRange {
			if b, err = checks.ParsePort(hi); err != nil {
				return nil, fmt.Errorf("--ports %q: %v", list, err)
			}
			if b < a {
				return nil, fmt.Errorf("--ports %q: range %s ends before it starts", list, part)
			}
		}
		if len(ports)+b-a+1 > maxSweepPorts {
			return nil, fmt.Errorf("--ports %q: more than %d ports", list, maxSweepPorts)
		}
		for q := a; q <= b; q++ {
			if !slices.Contains(ports, q) {
				ports = append(ports, q)
			}
		}
	}
	slices.Sort(ports)
	return ports, nil
}

// parseTagFilter reads K=V, or K alone for any value.
func parseTagFilter(s string) (tagFilter, bool, error) {
	if s == "" {
		return tagFilter{}, false, nil
	}
	k, v, hasValue := strings.Cut(s, "=")
	if k == "" {
		return tagFilter{}, false, fmt.Errorf("%q: expected KEY=VALUE or KEY", s)
	}
	return tagFilter{key: k, value: v, anyValue: !hasValue}, true, nil
}

type tagFilter struct {
	key, value string
	anyValue   bool
}

func (t tagFilter) matches(tags map[string]string) bool {
	v, ok := tags[t.key]
	return ok && (t.anyValue || v == t.value)
}

// eniFilter narrows the varying end of a sweep.
type eniFilter struct {
	vpc, subnet string
	tag         tagFilter
	hasTag      bool
}

func (f eniFilter) any() bool { return f.vpc != "" || f.subnet != "" || f.hasTag }

func (f eniFilter) String() string {
	var parts []string
	if f.vpc != "" {
		parts = append(parts, "VPC "+f.vpc)
	}
	if f.subnet != "" {
		parts = append(parts, "subnet "+f.subnet)
	}
	if f.hasTag {
		t := f.tag.key
		if !f.tag.anyValue {
			t += "=" + f.tag.value
		}
		parts = append(parts, "tag "+t)
	}
	return strings.Join(parts, " and ")
}

// apply lists the interfaces the filter keeps, in sweep order; nil keeps
// every one.
func (f eniFilter) apply(net *checks.Network) []string {
	all := checks.SweepOrder(net)
	if !f.any() {
		return all
	}
	var out []string
	for _, id := range all {
		e := net.ENIs[id]
		if f.vpc != "" && e.VPCID != f.vpc || f.subnet != "" && e.SubnetID != f.subnet {
			continue
		}
		if f.hasTag && !f.tag.matches(e.Tags) {
			if inst := net.Instances[e.InstanceID]; inst == nil || !f.tag.matches(inst.Tags) {
				continue
			}
		}
		out = append(out, id)
	}
	return out
}
