// The compiled network: indexes built once per network (interfaces by
// address, subnets' route tables and network ACLs, group members, sorted
// routes and rule texts) and the gaps that cover each resource.

package checks

import (
	"cmp"
	"net/netip"
	"slices"
)

// memberAddr is one private address of a security group's member.
type memberAddr struct {
	addr   netip.Addr
	member *ENI
}

// vpcAddr keys an address inside one VPC: VPCs may overlap, so an address
// alone does not name an interface.
type vpcAddr struct {
	vpc  string
	addr netip.Addr
}

// publicMapping is the private address an internet gateway translates a
// public address to, and the interface or NAT gateway that owns it.
type publicMapping struct {
	eni     *ENI
	nat     *NATGateway
	private netip.Addr
}

// compiledRoute is one route table entry with its prefix list expanded: a
// prefix-list route becomes one compiledRoute per CIDR.
type compiledRoute struct {
	prefix netip.Prefix
	route  *Route
	// text is the route as people read it, formatted once.
	text string
	// rank breaks ties between routes of the same length: local first, then
	// static CIDR routes, prefix-list routes, propagated routes.
	rank int
}

// compiledTable is a route table ready for longest-prefix match.
type compiledTable struct {
	table  *RouteTable
	routes []compiledRoute
	// unknownLists names prefix lists routed by this table whose entries
	// are missing: any lookup may be decided by them.
	unknownLists []string
}

type compiledTGWRoute struct {
	prefix netip.Prefix
	route  TGWRoute
	rank   int
}

type compiledTGWTable struct {
	table        *TransitGatewayRouteTable
	routes       []compiledTGWRoute
	unknownLists []string
	// learnedUnknown names an attachment whose BGP-learned routes
	// propagate into the table but are not in the data.
	learnedUnknown string
	// propagatedUnknown names an attachment that propagates into the table
	// a route the data does not hold (its VPC's CIDRs are not in the data).
	propagatedUnknown string
}

type index struct {
	enisByAddr     map[netip.Addr][]*ENI
	eniByVPCAddr   map[vpcAddr]*ENI
	byPublic       map[netip.Addr]publicMapping
	natByENI       map[string]*NATGateway
	natENIs        map[string]*ENI
	instanceENIs   map[string][]*ENI
	subnetTable    map[string]*compiledTable
	mainTable      map[string]*compiledTable
	edgeTable      map[string]*compiledTable
	tables         map[string]*compiledTable
	subnetACL      map[string]*NetworkACL
	sgMembers      map[string][]*ENI
	peeringsByVPC  map[string][]*Peering
	tgwAttachByVPC map[string][]*TransitGatewayAttachment
	tgwTables      map[string]*compiledTGWTable
	gaps           map[DataKind]Gap
	// scopedGaps holds the gaps of single resources, by the resource's ID.
	scopedGaps map[string][]Gap
	eniOrder   []string
	// Rule texts formatted once at compile time, by group or ACL ID;
	// index 0 outbound, 1 inbound.
	aclTexts map[string]*[2][]string
	sgTexts  map[string]*[2][]string
	// dns holds the compiled DNS data (dns_index.go).
	dns *dnsIndex

	// sgMemberAddrs holds, by group, each member's private addresses in
	// the members' order: a rule naming the group is matched against the
	// peer's address by a scan of contiguous memory.
	sgMemberAddrs map[string][]memberAddr
}

func (ix *index) aclText(acl *NetworkACL, inbound bool) []string {
	t := ix.aclTexts[acl.ID]
	if t == nil {
		t = &[2][]string{formatNACL(acl.Outbound), formatNACL(acl.Inbound)}
	}
	if inbound {
		return t[1]
	}
	return t[0]
}

func formatNACL(rules []NACLRule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.String()
	}
	return out
}

func (ix *index) sgText(sg *SecurityGroup, inbound bool) []string {
	t := ix.sgTexts[sg.ID]
	if t == nil {
		t = &[2][]string{formatSG(sg, false), formatSG(sg, true)}
	}
	if inbound {
		return t[1]
	}
	return t[0]
}

func formatSG(sg *SecurityGroup, inbound bool) []string {
	rules := sg.Outbound
	if inbound {
		rules = sg.Inbound
	}
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = sg.ID + " " + r.describe(inbound)
	}
	return out
}

// Compile builds the network's lookup indexes: addresses to interfaces,
// subnets to their route table and network ACL, route tables sorted for
// longest-prefix match with prefix lists expanded, network ACL rules sorted
// by number. It runs once; later calls return at once.
func (n *Network) Compile() {
	n.once.Do(func() { n.index = n.buildIndex() })
}

func (n *Network) buildIndex() *index {
	ix := &index{
		enisByAddr:     make(map[netip.Addr][]*ENI, len(n.ENIs)),
		eniByVPCAddr:   make(map[vpcAddr]*ENI, len(n.ENIs)),
		byPublic:       map[netip.Addr]publicMapping{},
		natByENI:       map[string]*NATGateway{},
		natENIs:        map[string]*ENI{},
		instanceENIs:   map[string][]*ENI{},
		subnetTable:    map[string]*compiledTable{},
		mainTable:      map[string]*compiledTable{},
		edgeTable:      map[string]*compiledTable{},
		tables:         map[string]*compiledTable{},
		subnetACL:      map[string]*NetworkACL{},
		sgMembers:      map[string][]*ENI{},
		sgMemberAddrs:  map[string][]memberAddr{},
		peeringsByVPC:  map[string][]*Peering{},
		tgwAttachByVPC: map[string][]*TransitGatewayAttachment{},
		tgwTables:      map[string]*compiledTGWTable{},
		gaps:           map[DataKind]Gap{},
		scopedGaps:     map[string][]Gap{},
		aclTexts:       map[string]*[2][]string{},
		sgTexts:        map[string]*[2][]string{},
	}
	for _, g := range n.Gaps {
		if g.Scope == "" {
			if _, seen := ix.gaps[g.Kind]; !seen {
				ix.gaps[g.Kind] = g
			}
			continue
		}
		ix.scopedGaps[g.Scope] = append(ix.scopedGaps[g.Scope], g)
	}
	ix.eniOrder = sortedKeys(n.ENIs)
	for _, id := range ix.eniOrder {
		e := n.ENIs[id]
		if e.VPCID == "" {
			if s := n.Subnets[e.SubnetID]; s != nil {
				e.VPCID = s.VPCID
			}
		}
		add := func(a netip.Addr) {
			ix.enisByAddr[a] = append(ix.enisByAddr[a], e)
			ix.eniByVPCAddr[vpcAddr{e.VPCID, a}] = e
		}
		for _, p := range e.PrivateIPs {
			add(p.Addr)
			if p.Public.IsValid() {
				ix.byPublic[p.Public] = publicMapping{eni: e, private: p.Addr}
			}
		}
		for _, a := range e.IPv6 {
			add(a)
		}
		for _, g := range e.SecurityGroupIDs {
			ix.sgMembers[g] = append(ix.sgMembers[g], e)
			for _, p := range e.PrivateIPs {
				ix.sgMemberAddrs[g] = append(ix.sgMemberAddrs[g], memberAddr{p.Addr, e})
			}
		}
		if e.InstanceID != "" {
			ix.instanceENIs[e.InstanceID] = append(ix.instanceENIs[e.InstanceID], e)
		}
	}
	for _, list := range ix.instanceENIs {
		slices.SortStableFunc(list, func(a, b *ENI) int { return cmp.Compare(a.DeviceIndex, b.DeviceIndex) })
	}
	for _, id := range sortedKeys(n.NATGateways) {
		nat := n.NATGateways[id]
		if nat.ENIID != "" {
			ix.natByENI[nat.ENIID] = nat
		}
		if _, known := n.ENIs[nat.ENIID]; !known && nat.PrivateIP.IsValid() {
			// describe-network-interfaces may not list the NAT gateway's
			// interface; replies to the NAT must still find it.
			synthetic := &ENI{ID: nat.ENIID, SubnetID: nat.SubnetID, VPCID: nat.VPCID, InterfaceType: "nat_gateway",
				PrivateIPs: []PrivateIP{{Addr: nat.PrivateIP, Primary: true, Public: nat.PublicIP}}}
			if synthetic.ID == "" {
				synthetic.ID = nat.ID
			}
			ix.eniByVPCAddr[vpcAddr{nat.VPCID, nat.PrivateIP}] = synthetic
			ix.natENIs[nat.ID] = synthetic
		}
		if nat.PublicIP.IsValid() {
			ix.byPublic[nat.PublicIP] = publicMapping{nat: nat, eni: n.ENIs[nat.ENIID], private: nat.PrivateIP}
		}
	}
	for _, id := range sortedKeys(n.RouteTables) {
		rt := n.RouteTables[id]
		ct := n.compileTable(rt)
		ix.tables[rt.ID] = ct
		if rt.Main {
			ix.mainTable[rt.VPCID] = ct
		}
		for _, s := range rt.SubnetIDs {
			ix.subnetTable[s] = ct
		}
		for _, g := range rt.GatewayIDs {
			ix.edgeTable[g] = ct
		}
	}
	defaultACL := map[string]*NetworkACL{}
	for _, id := range sortedKeys(n.NetworkACLs) {
		acl := n.NetworkACLs[id]
		sortRules(acl.Inbound)
		sortRules(acl.Outbound)
		ix.aclTexts[acl.ID] = &[2][]string{formatNACL(acl.Outbound), formatNACL(acl.Inbound)}
		for _, s := range acl.SubnetIDs {
			ix.subnetACL[s] = acl
		}
		if acl.IsDefault {
			defaultACL[acl.VPCID] = acl
		}
	}
	for id, s := range n.Subnets {
		if ix.subnetACL[id] == nil && defaultACL[s.VPCID] != nil {
			ix.subnetACL[id] = defaultACL[s.VPCID]
		}
	}
	for id, sg := range n.SecurityGroups {
		ix.sgTexts[id] = &[2][]string{formatSG(sg, false), formatSG(sg, true)}
	}
	for _, id := range sortedKeys(n.Peerings) {
		p := n.Peerings[id]
		ix.peeringsByVPC[p.Requester.VPCID] = append(ix.peeringsByVPC[p.Requester.VPCID], p)
		if p.Accepter.VPCID != p.Requester.VPCID {
			ix.peeringsByVPC[p.Accepter.VPCID] = append(ix.peeringsByVPC[p.Accepter.VPCID], p)
		}
	}
	for _, id := range sortedKeys(n.TransitGatewayAttachments) {
		a := n.TransitGatewayAttachments[id]
		if a.ResourceType == "vpc" {
			ix.tgwAttachByVPC[a.ResourceID] = append(ix.tgwAttachByVPC[a.ResourceID], a)
		}
	}
	for _, id := range sortedKeys(n.TransitGatewayRouteTables) {
		ix.tgwTables[id] = n.compileTGWTable(n.TransitGatewayRouteTables[id])
	}
	ix.dns = n.buildDNSIndex(ix)
	return ix
}

func sortRules(rules []NACLRule) {
	slices.SortStableFunc(rules, func(a, b NACLRule) int { return cmp.Compare(a.Number, b.Number) })
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Route ranks for equal-length prefixes (SEMANTICS.md §2.3, §2.4): the local
// route wins every tie, then static CIDR routes, prefix-list routes and
// propagated routes.
const (
	rankLocal = iota
	rankStatic
	rankPrefixList
	rankPropagated
)

func (n *Network) compileTable(rt *RouteTable) *compiledTable {
	ct := &compiledTable{table: rt}
	for i := range rt.Routes {
		r := &rt.Routes[i]
		rank := rankStatic
		switch {
		case r.Origin == OriginLocal || r.Target == TargetLocal:
			rank = rankLocal
		case r.Origin == OriginPropagated:
			rank = rankPropagated
		case r.PrefixListID != "":
			rank = rankPrefixList
		}
		if r.PrefixListID != "" {
			pl := n.PrefixLists[r.PrefixListID]
			if pl == nil || pl.CIDRs == nil {
				ct.unknownLists = append(ct.unknownLists, r.PrefixListID)
				continue
			}
			for _, c := range pl.CIDRs {
				ct.routes = append(ct.routes, compiledRoute{prefix: c.Masked(), route: r, rank: rank})
			}
			continue
		}
		if r.Destination.IsValid() {
			ct.routes = append(ct.routes, compiledRoute{prefix: r.Destination.Masked(), route: r, rank: rank})
		}
	}
	slices.SortStableFunc(ct.routes, func(a, b compiledRoute) int {
		if c := cmp.Compare(b.prefix.Bits(), a.prefix.Bits()); c != 0 {
			return c
		}
		return cmp.Compare(a.rank, b.rank)
	})
	for i := range ct.routes {
		ct.routes[i].text = formatRoute(&ct.routes[i])
	}
	return ct
}

// TGW route ranks for equal-length prefixes (SEMANTICS.md §4.2).
const (
	tgwRankStatic = iota
	tgwRankPrefixList
	tgwRankPropagated
)

func (n *Network) compileTGWTable(t *TransitGatewayRouteTable) *compiledTGWTable {
	ct := &compiledTGWTable{table: t}
	add := func(p netip.Prefix, r TGWRoute, rank int) {
		ct.routes = append(ct.routes, compiledTGWRoute{prefix: p.Masked(), route: r, rank: rank})
	}
	have := map[netip.Prefix]bool{}
	// searched holds the attachments with a propagated route among the
	// routes read: their routes need no deriving.
	searched := map[string]bool{}
	for _, r := range t.Routes {
		if !r.Static && len(r.AttachmentIDs) > 0 {
			searched[r.AttachmentIDs[0]] = true
		}
		rank := tgwRankPropagated
		if r.Static {
			rank = tgwRankStatic
		}
		if r.PrefixListID != "" {
			pl := n.PrefixLists[r.PrefixListID]
			if pl == nil || pl.CIDRs == nil {
				ct.unknownLists = append(ct.unknownLists, r.PrefixListID)
				continue
			}
			for _, c := range pl.CIDRs {
				add(c, r, tgwRankPrefixList)
			}
			continue
		}
		if r.Destination.IsValid() {
			add(r.Destination, r, rank)
			if !r.Static {
				have[r.Destination.Masked()] = true
			}
		}
	}
	// Propagations name attachments whose VPC CIDRs land in the table; a
	// snapshot may list the propagation without the propagated routes.
	for _, attID := range t.Propagations {
		a := n.TransitGatewayAttachments[attID]
		if (a == nil || a.ResourceType != "vpc") && (t.StaticOnly || !t.RoutesKnown) && ct.learnedUnknown == "" {
			ct.learnedUnknown = attID
		}
		if a == nil || a.ResourceType != "vpc" {
			continue
		}
		v := n.VPCs[a.ResourceID]
		if v == nil {
			if !searched[attID] && ct.propagatedUnknown == "" {
				ct.propagatedUnknown = attID
			}
			continue
		}
		for _, c := range append(slices.Clone(v.CIDRs), v.IPv6CIDRs...) {
			if !have[c.Masked()] {
				have[c.Masked()] = true
				add(c, TGWRoute{Destination: c, AttachmentIDs: []string{attID}}, tgwRankPropagated)
			}
		}
	}
	slices.SortStableFunc(ct.routes, func(a, b compiledTGWRoute) int {
		if c := cmp.Compare(b.prefix.Bits(), a.prefix.Bits()); c != 0 {
			return c
		}
		return cmp.Compare(a.rank, b.rank)
	})
	return ct
}

// tableForSubnet returns the subnet's route table: its explicit association,
// else the VPC's main table.
func (ix *index) tableForSubnet(s *Subnet) *compiledTable {
	if t := ix.subnetTable[s.ID]; t != nil {
		return t
	}
	return ix.mainTable[s.VPCID]
}

// gap returns the network-wide gap for a kind, if any.
func (ix *index) gap(k DataKind) (Gap, bool) {
	g, ok := ix.gaps[k]
	return g, ok
}

// resourceGap returns a gap of kind k scoped to resource id alone: its data
// is malformed, or two sources describe it differently.
func (ix *index) resourceGap(k DataKind, id string) (Gap, bool) {
	for _, g := range ix.scopedGaps[id] {
		if g.Kind == k {
			return g, true
		}
	}
	return Gap{}, false
}

// gapFor returns the gap of kind k that covers resource id: one scoped to
// it, else the network-wide one.
func (ix *index) gapFor(k DataKind, id string) (Gap, bool) {
	if g, ok := ix.resourceGap(k, id); ok {
		return g, true
	}
	return ix.gap(k)
}
