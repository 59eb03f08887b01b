// Checking a path as typed: resolving its ends by name, and the unknown
// report of an end that missing data hides.

package checks

import (
	"cmp"
	"fmt"
	"strings"
)

// CheckArgs is one path as typed on the command line.
type CheckArgs struct {
	From, To         string
	Protocol         string
	Port, SourcePort int
}

// Check resolves the path's ends (IDs, addresses, Name tags, host names)
// and evaluates it. A path whose end cannot be found because data is
// missing gets an unknown report (UnknownReport), not an error: the error
// is bad input alone (an *InputError, or a malformed argument).
func Check(n *Network, a CheckArgs) (Report, error) {
	from, err := ResolveName(n, "--from", a.From)
	if err == nil {
		var to string
		to, err = ResolveName(n, "--to", a.To)
		if err == nil {
			return evaluateArgs(n, a, from, to)
		}
	}
	return unknownOr(a, err)
}

func evaluateArgs(n *Network, a CheckArgs, from, to string) (Report, error) {
	q, err := NewQuery(from, to, a.Protocol, a.Port, a.SourcePort)
	if err != nil {
		return Report{}, err
	}
	rep, err := Evaluate(n, q)
	if err != nil {
		return unknownOr(a, err)
	}
	VerifyFixes(n, q, &rep)
	rep.Source.Input, rep.Destination.Input = a.From, a.To
	return rep, nil
}

func unknownOr(a CheckArgs, err error) (Report, error) {
	if de, ok := err.(*DataError); ok {
		return UnknownReport(a, de), nil
	}
	return Report{}, err
}

// ResolveName turns a path end named by its Name tag ("app-1",
// "app-1:443") into the instance's or interface's ID; IDs, addresses and
// host names pass through. A name that matches nothing is bad input when
// the instances and interfaces were read, and a *DataError when they were
// not: the name may belong to one of them.
func ResolveName(n *Network, flag, arg string) (string, error) {
	if flag == "--to" {
		// A load balancer is reached by its DNS name, whichever way it
		// is named.
		if to, ok := n.LoadBalancerEnd(arg); ok {
			return to, nil
		}
	}
	if !IsResourceName(arg) {
		return arg, nil
	}
	host, port, hasPort := strings.Cut(arg, ":")
	matches := n.NamedEnds(host)
	switch len(matches) {
	case 0:
		if host == "" {
			return arg, nil
		}
		for _, k := range []DataKind{KindInstances, KindNetworkInterfaces} {
			if g, ok := n.wholeGap(k); ok {
				return "", newDataError(flag, arg, fmt.Sprintf("%s %s: no instance or interface has this Name tag, and %s is missing (%s)", flag, arg, k, g.Reason), g)
			}
			if g, ok := n.unreadableAccount(k); ok {
				return "", newDataError(flag, arg, fmt.Sprintf("%s %s: no instance or interface has this Name tag; it may be one of account %s, which could not be read (%s)", flag, arg, g.Account, g.Reason), g)
			}
		}
		return arg, nil
	case 1:
		if hasPort {
			return matches[0] + ":" + port, nil
		}
		return matches[0], nil
	}
	return "", &InputError{fmt.Sprintf("%s %q: the name tag matches %d resources (%s); use an ID", flag, host, len(matches), strings.Join(matches, ", "))}
}

// wholeGap returns the gap of a whole kind, if any.
func (n *Network) wholeGap(k DataKind) (Gap, bool) {
	for _, g := range n.Gaps {
		if g.Kind == k && g.Scope == "" {
			return g, true
		}
	}
	return Gap{}, false
}

// UnknownReport is the report of a path that cannot be evaluated because an
// end cannot be found without the missing data: every layer is unknown, and
// the route layer names the end, the missing data and what would bring it.
func UnknownReport(a CheckArgs, de *DataError) Report {
	rep := Report{
		Source:      PathEnd{Input: a.From},
		Destination: PathEnd{Input: a.To, Port: a.Port},
		Verdict:     Unknown,
		Hops:        []Hop{},
	}
	if p, err := ParseProtocol(cmp.Or(a.Protocol, "tcp")); err == nil {
		rep.Protocol = p.String()
	}
	if e, err := ParseEnd(a.To); err == nil && e.Port != 0 {
		rep.Destination.Port = e.Port
	}
	component := de.Input
	if component == "" {
		component = de.Flag
	}
	for _, name := range LayerOrder {
		l := Layer{Name: name, Status: StatusUnknown, Summary: fmt.Sprintf("not evaluated: %s %s cannot be found without the missing data", de.Flag, de.Input), Findings: []Finding{}}
		if name == LayerRoute {
			l.Summary = "not evaluated: " + de.Msg
			l.Findings = append(l.Findings, Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: component, Direction: Forward,
				Rule: string(de.Gap.Kind), Detail: de.Msg, Fix: gapFix(de.Gap, de.Gap.Kind != "")})
		}
		rep.Layers = append(rep.Layers, l)
	}
	return rep
}
