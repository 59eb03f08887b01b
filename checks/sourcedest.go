// The source/destination check (SEMANTICS.md §7): an interface drops a
// packet that is not its own unless the check is off.

package checks

import (
	"fmt"
	"net/netip"
)

// checkSourceDest flags an interface that sends or receives a packet that
// is not its own while its source/destination check is on.
func (w *walker) checkSourceDest(e *ENI, p packet, receiving bool) {
	var foreign netip.Addr
	if receiving && !e.Owns(p.dst) {
		foreign = p.dst
	} else if !receiving && !e.Owns(p.src) {
		foreign = p.src
	} else {
		return
	}
	w.forwardAppliances[e.ID] = w.forwardAppliances[e.ID] || w.dir == Forward
	key := e.ID + string(w.dir)
	if e.InterfaceType == "nat_gateway" || e.InterfaceType == "gateway_load_balancer_endpoint" || e.InterfaceType == "transit_gateway" {
		return
	}
	if !e.SourceDestCheck {
		if !w.srcDstFlagged[key] {
			w.srcDstFlagged[key] = true
			w.decide(LayerSourceDestCheck, Decision{Component: e.ID, Step: "forwarding interface " + e.ID, Outcome: "allow",
				Rule: "source/destination check disabled", Rules: []RuleLine{{Text: fmt.Sprintf("%s forwards %s (not its own address)", e.ID, foreign), Matched: true}}})
		}
		return
	}
	if w.srcDstFlagged[key] {
		return
	}
	w.srcDstFlagged[key] = true
	verb := "receives"
	if !receiving {
		verb = "sends"
	}
	w.decide(LayerSourceDestCheck, Decision{Component: e.ID, Step: "forwarding interface " + e.ID, Outcome: "deny", Rule: "source/destination check enabled"})
	w.find(LayerSourceDestCheck, Finding{Code: "SOURCE_DEST_CHECK_ENABLED", Severity: SeverityBlock, Component: e.ID, Rule: "SourceDestCheck=true",
		Detail: fmt.Sprintf("%s %s traffic for %s, which is not its own address, and its source/destination check is on, so it drops the packet", e.ID, verb, foreign),
		Fix:    fmt.Sprintf("aws ec2 modify-network-interface-attribute --network-interface-id %s --no-source-dest-check", e.ID)})
}
