package checks

import "slices"

// ApplyFix makes the change a report's fix stands for in n itself, as
// running the command would, so tests can compare the patched evaluation
// with a network that really holds the change. n must not be compiled
// yet. It reports whether the fix is one reach can apply.
func ApplyFix(n *Network, rep *Report, fix string) bool {
	c := rep.fixChanges[fix]
	if c == nil {
		return false
	}
	switch c.kind {
	case changeSGRule:
		sg := n.SecurityGroups[c.id]
		if c.inbound {
			sg.Inbound = append(sg.Inbound, c.sgRule)
		} else {
			sg.Outbound = append(sg.Outbound, c.sgRule)
		}
	case changeNACLEntry:
		acl := n.NetworkACLs[c.id]
		side := &acl.Outbound
		if c.inbound {
			side = &acl.Inbound
		}
		*side = slices.DeleteFunc(*side, func(r NACLRule) bool { return c.replacesEntry != 0 && r.Number == c.replacesEntry })
		*side = append(*side, c.entry)
	case changeRoute:
		rt := n.RouteTables[c.id]
		rt.Routes = slices.DeleteFunc(rt.Routes, func(r Route) bool {
			return c.replacesRoute.IsValid() && r.PrefixListID == "" && r.Destination.Masked() == c.replacesRoute.Masked()
		})
		rt.Routes = append(rt.Routes, c.route)
	}
	return true
}
