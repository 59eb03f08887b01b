package checks

import (
	"slices"
	"strings"
)

// Accounts lists the accounts that own the network's VPCs, sorted: more
// than one when the network joins several accounts.
func (n *Network) Accounts() []string {
	var ids []string
	for _, v := range n.VPCs {
		if v.OwnerID != "" {
			ids = append(ids, v.OwnerID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// OwnerOf returns the account that owns the resource with this ID, when
// the network records it, or "".
func (n *Network) OwnerOf(id string) string {
	switch {
	case n.NetworkACLs[id] != nil:
		return n.NetworkACLs[id].OwnerID
	case n.SecurityGroups[id] != nil:
		return n.SecurityGroups[id].OwnerID
	case n.RouteTables[id] != nil:
		return n.RouteTables[id].OwnerID
	case n.ENIs[id] != nil:
		return n.ENIs[id].OwnerID
	case n.Subnets[id] != nil:
		return n.Subnets[id].OwnerID
	case n.VPCs[id] != nil:
		return n.VPCs[id].OwnerID
	case n.TransitGateways[id] != nil:
		return n.TransitGateways[id].OwnerID
	case n.TransitGatewayRouteTables[id] != nil:
		if tgw := n.TransitGateways[n.TransitGatewayRouteTables[id].TGWID]; tgw != nil {
			return tgw.OwnerID
		}
	}
	return ""
}

// FixAccountMarker ends a fix command that must run in another account
// than the others of a network of several accounts; the account follows.
const FixAccountMarker = "  # in account "

// nameFixAccounts ends each fix command of a report on a network of
// several accounts with the account whose resource it changes, as a shell
// comment, so that it is run with that account's credentials.
func nameFixAccounts(n *Network, rep *Report) {
	if len(n.Accounts()) < 2 {
		return
	}
	for li := range rep.Layers {
		for fi := range rep.Layers[li].Findings {
			f := &rep.Layers[li].Findings[fi]
			if !strings.HasPrefix(f.Fix, "aws ") || strings.Contains(f.Fix, "\n") || strings.Contains(f.Fix, FixAccountMarker) {
				continue
			}
			if owner := n.OwnerOf(f.Component); owner != "" {
				f.Fix += FixAccountMarker + owner
			}
		}
	}
}
