// Sweeps: every source in the network against one destination, verdicts
// only.

package checks

// SweepResult is the verdict for one source of a sweep.
type SweepResult struct {
	Source    string
	Verdict   Verdict
	BlockedBy *Blocked
}

// Sweep evaluates every ENI of the network, in ID order, as the source of a
// path to one destination ("who can reach this database on 5432?"). The
// destination's own interface is left out. Each result carries only the
// verdict and the first blocking rule; Evaluate one source for its
// evidence.
func Sweep(n *Network, to End, proto Protocol, port int) []SweepResult {
	n.Compile()
	out := make([]SweepResult, 0, len(n.ENIs))
	for _, id := range n.index.eniOrder {
		if to.Kind == EndENI && to.ID == id {
			continue
		}
		e := n.ENIs[id]
		if to.Kind == EndAddress && e.Owns(to.Addr) {
			continue
		}
		q := Query{From: End{Kind: EndENI, ID: id, Raw: id}, To: to, Protocol: proto, Port: port, ICMPType: 8}
		rep, err := evaluate(n, q, true)
		if err != nil {
			out = append(out, SweepResult{Source: id, Verdict: Unknown})
			continue
		}
		out = append(out, SweepResult{Source: id, Verdict: rep.Verdict, BlockedBy: rep.BlockedBy})
	}
	return out
}
