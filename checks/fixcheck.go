// Fix verification: every fix that changes a rule the model holds (a
// security group rule, a network ACL entry, a route) is applied to a
// patched copy of that one resource, the path is evaluated again, and the
// finding says whether the fix opens the path or what still blocks it, and
// which other interfaces the change would also open to the destination.

package checks

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
)

// FixCheck is what a fix does when applied in the model.
type FixCheck struct {
	// Verified is true when the path is reachable with the fix applied.
	Verified bool `json:"verified"`
	// Applied is false when reach cannot apply the fix in its model (an
	// instruction, a resource to create, a setting reach does not model);
	// Note says why, and the fix is unverified.
	Applied bool `json:"applied"`
	// StillBlockedBy is the first rule that blocks the path with the fix
	// applied (the reason it stays unknown, when it does); null when the
	// fix opens the path.
	StillBlockedBy *Blocked `json:"still_blocked_by"`
	// StillVerdict is the path's verdict with the fix applied.
	StillVerdict Verdict `json:"verdict_after,omitempty"`
	// AlsoOpens counts the other interfaces the change would open to the
	// destination, grouped by subnet; nil when the fix was not applied.
	AlsoOpens *AlsoOpens `json:"also_opens"`
	Note      string     `json:"note,omitempty"`
}

// AlsoOpens is the reach of a fix beyond the path: the interfaces that
// cannot reach the destination now and could with the fix applied.
type AlsoOpens struct {
	Count  int              `json:"count"`
	Groups []AlsoOpensGroup `json:"groups"`
	// IDs are the interfaces, in ID order.
	IDs []string `json:"-"`
}

// AlsoOpensGroup is the interfaces of one subnet a fix would open.
type AlsoOpensGroup struct {
	VPC    string `json:"vpc"`
	Subnet string `json:"subnet"`
	Count  int    `json:"count"`
}

// changeKind says which resource a fix changes.
type changeKind int

const (
	changeSGRule changeKind = iota + 1
	changeNACLEntry
	changeRoute
)

// fixChange is a fix as a change to the model.
type fixChange struct {
	kind changeKind
	// id is the security group, network ACL or route table.
	id      string
	inbound bool
	sgRule  SGRule
	entry   NACLRule
	route   Route
	// replaces is the destination of a route, or the number of an entry,
	// the fix replaces rather than adds to; invalid or 0 when it adds.
	replacesRoute netip.Prefix
	replacesEntry int
}

// fixPatch is the model with changes applied: patched copies of the
// changed resources only, consulted before the compiled network.
type fixPatch struct {
	sgs      map[string]*SecurityGroup
	sgTexts  map[*SecurityGroup]*[2][]string
	acls     map[string]*NetworkACL
	aclTexts map[*NetworkACL]*[2][]string
	tables   map[string]*compiledTable
}

// patchOf applies the changes, in order, to copies of the resources they
// change; nil when a change names a resource the network does not hold.
func patchOf(n *Network, changes ...*fixChange) *fixPatch {
	p := &fixPatch{sgs: map[string]*SecurityGroup{}, sgTexts: map[*SecurityGroup]*[2][]string{},
		acls: map[string]*NetworkACL{}, aclTexts: map[*NetworkACL]*[2][]string{}, tables: map[string]*compiledTable{}}
	routeTables := map[string]*RouteTable{}
	for _, c := range changes {
		switch c.kind {
		case changeSGRule:
			old := cmp.Or(p.sgs[c.id], n.SecurityGroups[c.id])
			if old == nil {
				return nil
			}
			sg := *old
			if c.inbound {
				sg.Inbound = append(slices.Clone(old.Inbound), c.sgRule)
			} else {
				sg.Outbound = append(slices.Clone(old.Outbound), c.sgRule)
			}
			p.sgs[c.id] = &sg
		case changeNACLEntry:
			old := cmp.Or(p.acls[c.id], n.NetworkACLs[c.id])
			if old == nil {
				return nil
			}
			acl := *old
			side := &acl.Outbound
			if c.inbound {
				side = &acl.Inbound
			}
			rules := slices.DeleteFunc(slices.Clone(*side), func(r NACLRule) bool { return c.replacesEntry != 0 && r.Number == c.replacesEntry })
			rules = append(rules, c.entry)
			sortRules(rules)
			*side = rules
			p.acls[c.id] = &acl
		case changeRoute:
			old := cmp.Or(routeTables[c.id], n.RouteTables[c.id])
			if old == nil {
				return nil
			}
			rt := *old
			rt.Routes = slices.DeleteFunc(slices.Clone(old.Routes), func(r Route) bool {
				return c.replacesRoute.IsValid() && r.PrefixListID == "" && r.Destination.Masked() == c.replacesRoute.Masked()
			})
			rt.Routes = append(rt.Routes, c.route)
			routeTables[c.id] = &rt
		default:
			return nil
		}
	}
	for _, sg := range p.sgs {
		p.sgTexts[sg] = &[2][]string{formatSG(sg, false), formatSG(sg, true)}
	}
	for _, acl := range p.acls {
		p.aclTexts[acl] = &[2][]string{formatNACL(acl.Outbound), formatNACL(acl.Inbound)}
	}
	for id, rt := range routeTables {
		p.tables[id] = n.compileTable(rt)
	}
	return p
}

// securityGroup is the group the evaluation reads: the patched copy when a
// fix changes it.
func (w *walker) securityGroup(id string) *SecurityGroup {
	if w.patch != nil {
		if sg := w.patch.sgs[id]; sg != nil {
			return sg
		}
	}
	return w.n.SecurityGroups[id]
}

func (w *walker) sgText(sg *SecurityGroup, inbound bool) []string {
	if w.patch != nil {
		if t := w.patch.sgTexts[sg]; t != nil {
			return t[boolIndex(inbound)]
		}
	}
	return w.ix.sgText(sg, inbound)
}

// subnetACL is the subnet's network ACL, patched when a fix changes it.
func (w *walker) subnetACL(subnet string) *NetworkACL {
	acl := w.ix.subnetACL[subnet]
	if acl != nil && w.patch != nil {
		if patched := w.patch.acls[acl.ID]; patched != nil {
			return patched
		}
	}
	return acl
}

func (w *walker) aclText(acl *NetworkACL, inbound bool) []string {
	if w.patch != nil {
		if t := w.patch.aclTexts[acl]; t != nil {
			return t[boolIndex(inbound)]
		}
	}
	return w.ix.aclText(acl, inbound)
}

// boolIndex is 1 for inbound rule texts, 0 for outbound.
func boolIndex(inbound bool) int {
	if inbound {
		return 1
	}
	return 0
}

// tableForSubnet is the subnet's route table, patched when a fix changes
// it.
func (w *walker) tableForSubnet(s *Subnet) *compiledTable {
	ct := w.ix.tableForSubnet(s)
	if ct != nil && w.patch != nil {
		if patched := w.patch.tables[ct.table.ID]; patched != nil {
			return patched
		}
	}
	return ct
}

// offer records the change a fix's command makes, so the fix can be
// verified; only full evaluations keep them.
func (w *walker) offer(fix string, c *fixChange) {
	if w.brief || fix == "" || c == nil {
		return
	}
	if w.fixChanges == nil {
		w.fixChanges = map[string]*fixChange{}
	}
	w.fixChanges[fix] = c
}

// routeTarget reads the target a route fix names; ok is false when the fix
// names none reach can apply (a placeholder to fill in).
func routeTarget(flag, id string) (TargetKind, bool) {
	switch flag {
	case "--vpc-peering-connection-id":
		return TargetPeering, true
	case "--transit-gateway-id":
		return TargetTGW, true
	case "--nat-gateway-id":
		return TargetNAT, true
	case "--gateway-id":
		switch {
		case len(id) > 4 && id[:4] == "igw-":
			return TargetIGW, true
		case len(id) > 4 && id[:4] == "vgw-":
			return TargetVGW, true
		}
	}
	return "", false
}

// VerifyFixes applies, one at a time, the fix of every blocking finding of
// the report in the model, evaluates the path again, and records what the
// fix does on the finding; when several fixes apply, it also applies them
// all together (Report.AllFixes). Fixes reach cannot apply say so. The
// report must be the one Evaluate gave for q on n.
func VerifyFixes(n *Network, q Query, rep *Report) {
	n.Compile()
	var before []SweepResult
	swept := false
	sweepAll := func() []SweepResult {
		if !swept {
			before, swept = sweepWith(n, sweepToward(q, nil), nil), true
		}
		return before
	}
	check := func(changes []*fixChange) *FixCheck {
		p := patchOf(n, changes...)
		if p == nil {
			return nil
		}
		fc := &FixCheck{Applied: true}
		after, err := evaluateWith(n, q, true, p)
		switch {
		case err != nil:
			fc.StillVerdict, fc.Note = Unknown, err.Error()
		case after.Verdict == Reachable:
			fc.Verified, fc.StillVerdict = true, Reachable
		default:
			fc.StillVerdict = after.Verdict
			fc.StillBlockedBy = after.BlockedBy
			if after.Verdict == Unknown {
				fc.StillBlockedBy = firstUnknown(&after)
			}
		}
		fc.AlsoOpens = alsoOpens(n, q, rep, changes, p, sweepAll)
		return fc
	}
	var all []*fixChange
	for li := range rep.Layers {
		l := &rep.Layers[li]
		for fi := range l.Findings {
			f := &l.Findings[fi]
			if f.Severity != SeverityBlock || f.Fix == "" {
				continue
			}
			c := rep.fixChanges[f.Fix]
			if c != nil {
				f.FixCheck = check([]*fixChange{c})
			}
			if f.FixCheck == nil {
				f.FixCheck = &FixCheck{Note: "reach cannot apply this fix in its model (it creates a resource, changes a setting reach does not model, or leaves a value to fill in); it is not verified"}
				continue
			}
			if !slices.Contains(all, c) {
				all = append(all, c)
			}
		}
	}
	if len(all) > 1 {
		rep.AllFixes = check(all)
		if rep.AllFixes != nil {
			rep.AllFixes.Note = fmt.Sprintf("the %d fixes reach can apply, together", len(all))
		}
	}
}

// sweepToward is the sweep of every interface (or ids) as the source of
// q's path.
func sweepToward(q Query, ids []string) SweepSpec {
	spec := SweepSpec{Fixed: q.To, Protocol: q.Protocol, SourcePort: q.SourcePort, ENIs: ids}
	if q.Protocol.HasPorts() {
		spec.Ports = []int{q.Port}
	}
	spec.Fixed.Port = q.Port
	return spec
}

// alsoOpens finds the interfaces other than the path's source that cannot
// reach the destination now and could with the changes. Only the paths a
// changed rule can match are evaluated again when that set is known
// (candidates); otherwise every path is, after pruning with before (the
// sweep of every interface without the changes), which sweep computes
// once, when first needed.
func alsoOpens(n *Network, q Query, rep *Report, changes []*fixChange, p *fixPatch, before func() []SweepResult) *AlsoOpens {
	ids, known := candidates(n, changes, rep.Destination.ENI)
	var pruned []string
	if known {
		ids = slices.DeleteFunc(ids, func(id string) bool { return id == rep.Source.ENI })
		for _, r := range sweepWith(n, sweepToward(q, ids), nil) {
			if r.Verdict != Reachable {
				pruned = append(pruned, r.Source)
			}
		}
	} else {
		pruned = prune(n, changes, rep.Source.ENI, before())
	}
	out := &AlsoOpens{Groups: []AlsoOpensGroup{}}
	if len(pruned) == 0 {
		return out
	}
	at := map[string]int{}
	for _, r := range sweepWith(n, sweepToward(q, pruned), p) {
		if r.Verdict != Reachable {
			continue
		}
		out.Count++
		out.IDs = append(out.IDs, r.Source)
		e := n.ENIs[r.Source]
		i, ok := at[e.SubnetID]
		if !ok {
			i = len(out.Groups)
			at[e.SubnetID] = i
			out.Groups = append(out.Groups, AlsoOpensGroup{VPC: e.VPCID, Subnet: e.SubnetID})
		}
		out.Groups[i].Count++
	}
	slices.SortStableFunc(out.Groups, func(a, b AlsoOpensGroup) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Subnet, b.Subnet))
	})
	return out
}

// prune keeps the paths of a sweep that the changes may open. A rule added
// to a security group or a network ACL changes no route and no other
// resource's verdict, so only the paths such a resource blocks first, and
// the undecided ones, can open; a route may change the whole path, so with
// a route among the changes every path that is not reachable may.
func prune(n *Network, changes []*fixChange, source string, before []SweepResult) []string {
	everyPath := slices.ContainsFunc(changes, func(c *fixChange) bool { return c.kind == changeRoute })
	var out []string
	for _, r := range before {
		if r.Source == source || r.Verdict == Reachable {
			continue
		}
		if r.Verdict == Unknown || everyPath || r.BlockedBy != nil && slices.ContainsFunc(changes, func(c *fixChange) bool { return n.mayOpen(r, c) }) {
			out = append(out, r.Source)
		}
	}
	return out
}

// candidates lists, in ID order, the only sources whose paths the rules
// the changes add can match, when that can be known without evaluating
// every path (known is false otherwise):
//   - a security group rule naming a group matches only untranslated
//     packets of the group's members (SEMANTICS.md §6.3): the sources owning
//     their addresses;
//   - a security group rule or a network ACL entry naming one address of
//     ordinary interfaces (not a NAT, an appliance, a load balancer or an
//     endpoint, which send for others), other than the destination,
//     matches only packets to or from them, and so only their paths;
//   - an outbound security group rule is asked only of the paths of its
//     group's members, unless one of them forwards others' traffic.
func candidates(n *Network, changes []*fixChange, destination string) ([]string, bool) {
	ix := n.index
	set := map[string]bool{}
	addOwners := func(a netip.Addr) bool {
		owners := ix.enisByAddr[a]
		if len(owners) == 0 {
			return false
		}
		for _, o := range owners {
			if !ix.ordinary(o) || o.ID == destination {
				return false
			}
			set[o.ID] = true
		}
		return true
	}
	for _, c := range changes {
		switch {
		case c.kind == changeNACLEntry:
			if !c.entry.CIDR.IsSingleIP() || !addOwners(c.entry.CIDR.Addr()) {
				return nil, false
			}
		case c.kind != changeSGRule:
			return nil, false
		case !c.inbound:
			for _, m := range ix.sgMembers[c.id] {
				if !ix.ordinary(m) {
					return nil, false
				}
				set[m.ID] = true
			}
		case c.sgRule.Peer.GroupID != "":
			for _, m := range ix.sgMembers[c.sgRule.Peer.GroupID] {
				for _, ip := range m.PrivateIPs {
					for _, o := range ix.enisByAddr[ip.Addr] {
						set[o.ID] = true
					}
				}
			}
		case c.sgRule.Peer.CIDR.IsSingleIP():
			if !addOwners(c.sgRule.Peer.CIDR.Addr()) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, true
}

// ordinary says whether an interface sends only its own traffic: not a NAT
// gateway, a NAT instance or appliance (source/destination check off), a
// load balancer or an endpoint.
func (ix *index) ordinary(e *ENI) bool {
	if _, nat := ix.natByENI[e.ID]; nat {
		return false
	}
	return e.SourceDestCheck && (e.InterfaceType == "" || e.InterfaceType == "interface")
}

// mayOpen says whether a blocked path's first block is in the resource a
// security group or network ACL change adds an allow rule to. A security
// group block names an interface's first group, while a rule added to any
// of its groups opens it.
func (n *Network) mayOpen(r SweepResult, c *fixChange) bool {
	b := r.BlockedBy
	switch c.kind {
	case changeNACLEntry:
		return b.Layer == LayerNACL && b.Component == c.id
	case changeSGRule:
		if b.Layer != LayerSecurityGroup {
			return false
		}
		if b.Component == c.id {
			return true
		}
		e := n.ENIs[r.Source]
		return e != nil && len(e.SecurityGroupIDs) > 0 && e.SecurityGroupIDs[0] == b.Component && slices.Contains(e.SecurityGroupIDs, c.id)
	}
	return true
}

// String says what a fix check found, in a line.
func (c *FixCheck) String() string { return c.Describe("this fix") }

// Describe says what a fix check found, naming the fix ("this fix", "these
// fixes").
func (c *FixCheck) Describe(fix string) string {
	switch {
	case c == nil:
		return ""
	case !c.Applied:
		return "not verified: " + c.Note
	}
	var s string
	switch {
	case c.Verified:
		s = "verified: with " + fix + " the path is reachable"
	case c.StillBlockedBy != nil && c.StillVerdict == Unknown:
		b := c.StillBlockedBy
		s = fmt.Sprintf("with %s the path is still unknown: %s %s %s (%s)", fix, b.Layer, b.Component, b.Rule, b.Code)
	case c.StillBlockedBy != nil:
		b := c.StillBlockedBy
		s = fmt.Sprintf("with %s the path is still blocked by %s %s (%s, %s): %s", fix, b.Layer, b.Component, b.Code, b.Direction, b.Rule)
	default:
		s = fmt.Sprintf("with %s the path is %s", fix, c.StillVerdict)
	}
	if c.AlsoOpens != nil {
		switch c.AlsoOpens.Count {
		case 0:
			s += "; it opens no other interface to the destination"
		case 1:
			s += "; it also opens 1 other interface to the destination"
		default:
			s += fmt.Sprintf("; it also opens %d other interfaces to the destination", c.AlsoOpens.Count)
		}
		if g := c.AlsoOpens.Groups; len(g) > 0 {
			s += fmt.Sprintf(" (%d in %s", g[0].Count, g[0].Subnet)
			if len(g) > 1 {
				s += fmt.Sprintf(" and %d more in %d other subnets", c.AlsoOpens.Count-g[0].Count, len(g)-1)
			}
			s += ")"
		}
	}
	return s
}
