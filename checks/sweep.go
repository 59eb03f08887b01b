// Sweeps: one end of a path fixed, every interface (or a chosen set) at the
// other, verdicts only. Each verdict is the one Evaluate gives for that
// path; a sweep only leaves out the rule listings people read.

package checks

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
)

// SweepResult is the verdict of one path of a sweep.
type SweepResult struct {
	// Source is the varying interface's ID (the source of a sweep toward
	// a destination, the destination of a sweep from a source); kept under
	// this name for sweeps of sources.
	Source string
	// Address is the address the path used at the varying end: the
	// interface's own, or its public address when the sweep reaches
	// interfaces from the internet.
	Address netip.Addr
	// Name is the varying interface's Name tag, else its instance's.
	Name string
	// Port is the destination port of this path (0 without ports).
	Port    int
	Verdict Verdict
	// BlockedBy is the first blocking rule of an unreachable path.
	BlockedBy *Blocked
	// UnknownBecause names the first finding that left a path unknown:
	// the missing data, or what reach cannot decide.
	UnknownBecause *Blocked
}

// SweepSpec is one sweep: a fixed end and the interfaces on the other.
type SweepSpec struct {
	// Fixed is the end that does not vary: the destination when
	// FromFixed is false, the source when it is true.
	Fixed     End
	FromFixed bool
	Protocol  Protocol
	// Ports are the destination ports; a sweep toward a destination uses
	// the first only. Empty for protocols without ports.
	Ports []int
	// SourcePort fixes the client's port; 0 checks its ephemeral range.
	SourcePort int
	// ENIs are the varying interfaces, in the order of the results; nil
	// means every interface of the network in ID order. The fixed end's
	// own interface is left out.
	ENIs []string
	// ViaPublic names each varying destination by its public address
	// where it has one: traffic from the internet reaches an interface
	// only there.
	ViaPublic bool
}

// Sweep evaluates every ENI of the network, in ID order, as the source of a
// path to one destination ("who can reach this database on 5432?").
func Sweep(n *Network, to End, proto Protocol, port int) []SweepResult {
	return SweepPaths(n, SweepSpec{Fixed: to, Protocol: proto, Ports: []int{port}})
}

// SweepOrder returns every interface ID of the network in the order a
// sweep without ENIs visits them.
func SweepOrder(n *Network) []string {
	n.Compile()
	return n.index.eniOrder
}

// SweepPaths evaluates each path of the spec. The network is only read,
// so several goroutines may sweep parts of it at once once it is compiled.
func SweepPaths(n *Network, spec SweepSpec) []SweepResult {
	return sweepWith(n, spec, nil)
}

// sweepWith sweeps with a fix's patched resource in place (none when
// patch is nil).
func sweepWith(n *Network, spec SweepSpec, patch *fixPatch) []SweepResult {
	n.Compile()
	ids := spec.ENIs
	if ids == nil {
		ids = n.index.eniOrder
	}
	ports := spec.Ports
	if len(ports) == 0 {
		ports = []int{0}
	}
	if !spec.FromFixed {
		ports = ports[:1]
	}
	fixedENI := n.sweepFixedENI(spec.Fixed)
	out := make([]SweepResult, 0, len(ids)*len(ports))
	for _, id := range ids {
		e := n.ENIs[id]
		if e == nil || e == fixedENI {
			continue
		}
		varying := End{Kind: EndENI, ID: id, Raw: id}
		addr := e.PrimaryIP()
		if spec.FromFixed && spec.ViaPublic {
			if pub := publicOf(e); pub.IsValid() {
				varying = End{Kind: EndAddress, Addr: pub, Raw: pub.String()}
				addr = pub
			}
		}
		for _, port := range ports {
			q := Query{From: varying, To: spec.Fixed, Protocol: spec.Protocol, Port: port, SourcePort: spec.SourcePort, ICMPType: 8}
			if spec.FromFixed {
				q.From, q.To = spec.Fixed, varying
				q.To.Port = port
				if port != 0 {
					q.To.Raw = varying.Raw + ":" + strconv.Itoa(port)
				}
			}
			if q.Protocol == ProtocolICMPv6 {
				q.ICMPType = 128
			}
			r := SweepResult{Source: id, Address: addr, Name: n.nameOf(e), Port: port}
			rep, err := evaluateWith(n, q, true, patch)
			if err != nil {
				r.Verdict, r.UnknownBecause = Unknown, errorReason(q, err)
			} else {
				r.Verdict, r.BlockedBy = rep.Verdict, rep.BlockedBy
				if rep.Verdict == Unknown {
					r.UnknownBecause = firstUnknown(&rep)
				}
			}
			out = append(out, r)
		}
	}
	return out
}

// sweepFixedENI is the interface the fixed end names or owns, left out
// of the sweep: a path from an interface to itself never leaves it.
func (n *Network) sweepFixedENI(end End) *ENI {
	switch end.Kind {
	case EndENI:
		return n.ENIs[end.ID]
	case EndInstance:
		if list := n.index.instanceENIs[end.ID]; len(list) > 0 {
			return list[0]
		}
		if inst := n.Instances[end.ID]; inst != nil && len(inst.ENIIDs) > 0 {
			return n.ENIs[inst.ENIIDs[0]]
		}
	case EndAddress:
		if owners := n.index.enisByAddr[end.Addr]; len(owners) == 1 {
			return owners[0]
		}
	}
	return nil
}

// publicOf is the public address of the interface's primary private
// address, else of any of its private addresses.
func publicOf(e *ENI) netip.Addr {
	if pub := e.PublicFor(e.PrimaryIP()); pub.IsValid() {
		return pub
	}
	for _, p := range e.PrivateIPs {
		if p.Public.IsValid() {
			return p.Public
		}
	}
	return netip.Addr{}
}

// nameOf is the interface's Name tag, else its instance's.
func (n *Network) nameOf(e *ENI) string {
	if e.Name != "" {
		return e.Name
	}
	if inst := n.Instances[e.InstanceID]; inst != nil {
		return inst.Name
	}
	return ""
}

// errorReason is why a path a check would not evaluate is unknown: the
// missing data Check reports as its route layer's finding, or the
// ambiguity that makes the path's end unclear.
func errorReason(q Query, err error) *Blocked {
	if de, ok := err.(*DataError); ok {
		component := de.Input
		if component == "" {
			component = de.Flag
		}
		return &Blocked{Layer: LayerRoute, Component: component, Code: "DATA_MISSING", Direction: Forward, Rule: string(de.Gap.Kind)}
	}
	return &Blocked{Layer: LayerRoute, Component: q.To.Raw, Code: "PATH_AMBIGUOUS", Direction: Forward, Rule: err.Error()}
}

// firstUnknown is the undecided finding earliest along the path.
func firstUnknown(rep *Report) *Blocked {
	var first *Blocked
	best := 0
	for _, l := range rep.Layers {
		for _, f := range l.Findings {
			if f.Severity != SeverityUnknown || first != nil && f.hop >= best {
				continue
			}
			first, best = &Blocked{Layer: l.Name, Component: f.Component, Code: f.Code, Direction: f.Direction, Rule: f.Rule}, f.hop
		}
	}
	return first
}

// UnknownBecause is the undecided finding earliest along a report's path,
// or nil when nothing is undecided: what a sweep names for an unknown
// verdict.
func UnknownBecause(rep *Report) *Blocked {
	return firstUnknown(rep)
}

// SweepGroup is the paths of a sweep that share an outcome and the rule
// that decides it: "1,180 interfaces are blocked by sg-db: no inbound rule
// matches".
type SweepGroup struct {
	Verdict Verdict `json:"verdict"`
	// Layer, Component, Code, Direction and Rule are the blocking rule of
	// an unreachable group and the reason of an unknown one; empty for
	// reachable paths.
	Layer     string    `json:"layer,omitempty"`
	Component string    `json:"component,omitempty"`
	Code      string    `json:"code,omitempty"`
	Direction Direction `json:"direction,omitempty"`
	Rule      string    `json:"rule,omitempty"`
	// Port is set when the sweep asked several ports.
	Port  int `json:"port,omitempty"`
	Count int `json:"count"`
	// Members are the indexes of the group's paths in the sweep's results,
	// in order.
	Members []int `json:"-"`
}

// SweepCounts counts a sweep's paths by verdict.
type SweepCounts struct {
	Reachable   int `json:"reachable"`
	Unreachable int `json:"unreachable"`
	Unknown     int `json:"unknown"`
}

// CountSweep counts the paths by verdict.
func CountSweep(results []SweepResult) SweepCounts {
	var c SweepCounts
	for _, r := range results {
		switch r.Verdict {
		case Reachable:
			c.Reachable++
		case Unreachable:
			c.Unreachable++
		default:
			c.Unknown++
		}
	}
	return c
}

// GroupSweep groups the paths by verdict and deciding rule (and by port
// when byPort), most telling first: what is reachable (the answer to "who
// can reach it"), then what cannot be decided (it may be reachable), then
// what is blocked; within each, the largest group first.
func GroupSweep(results []SweepResult, byPort bool) []SweepGroup {
	type key struct {
		verdict                      Verdict
		layer, component, code, rule string
		direction                    Direction
		port                         int
	}
	at := map[key]int{}
	var groups []SweepGroup
	for i, r := range results {
		k := key{verdict: r.Verdict}
		if b := cmpOr(r.BlockedBy, r.UnknownBecause); b != nil && r.Verdict != Reachable {
			k.layer, k.component, k.code, k.rule, k.direction = b.Layer, b.Component, b.Code, b.Rule, b.Direction
		}
		if byPort {
			k.port = r.Port
		}
		g, ok := at[k]
		if !ok {
			g = len(groups)
			at[k] = g
			groups = append(groups, SweepGroup{Verdict: k.verdict, Layer: k.layer, Component: k.component, Code: k.code, Direction: k.direction, Rule: k.rule, Port: k.port})
		}
		groups[g].Count++
		groups[g].Members = append(groups[g].Members, i)
	}
	rank := map[Verdict]int{Reachable: 0, Unknown: 1, Unreachable: 2}
	slices.SortStableFunc(groups, func(a, b SweepGroup) int {
		return cmp.Or(cmp.Compare(rank[a.Verdict], rank[b.Verdict]), cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.Layer, b.Layer), cmp.Compare(a.Component, b.Component),
			cmp.Compare(a.Code, b.Code), cmp.Compare(a.Direction, b.Direction), cmp.Compare(a.Rule, b.Rule))
	})
	return groups
}

func cmpOr(a, b *Blocked) *Blocked {
	if a != nil {
		return a
	}
	return b
}

// SweepExitCode is a sweep's exit status, read as the answer to "can
// anything get through?": 0 when some path is reachable, 3 when none is
// but some cannot be decided, 1 when every path is blocked. A sweep of
// one path exits as the check of that path does.
func SweepExitCode(c SweepCounts) int {
	switch {
	case c.Reachable > 0:
		return 0
	case c.Unknown > 0:
		return 3
	}
	return 1
}
