// The baseline diff: what differs between an older network (a saved
// snapshot) and the current one, resource by resource and rule by rule,
// with the layer each difference belongs to and whether the path of
// either check crosses it.

package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Change kinds.
const (
	ChangeAdded    = "added"
	ChangeRemoved  = "removed"
	ChangeModified = "modified"
)

// Change is one difference between the baseline and the current network:
// a resource that appeared or disappeared, or one rule or field of a
// resource that both hold.
type Change struct {
	// Component is the resource's AWS ID (an ARN for load balancers and
	// target groups).
	Component string `json:"component"`
	// Kind is the resource's type: "security-group", "route-table", ...
	Kind string `json:"kind"`
	// Change is ChangeAdded, ChangeRemoved or ChangeModified, of the
	// resource as a whole.
	Change string `json:"change"`
	// What names the rule or field and how it changed: "inbound allow tcp
	// 5432 from sg-0app removed", "source/dest check: on → off".
	What string `json:"what"`
	// Layer is the checklist layer the difference can change.
	Layer string `json:"layer"`
	// OnPath is true when the baseline's or the current check's path
	// crosses the component.
	OnPath bool `json:"on_path"`
}

// Baseline is the verdict an older snapshot gives for the same path.
type Baseline struct {
	// Snapshot names the baseline directory as the user gave it.
	Snapshot string `json:"snapshot"`
	// Taken is when the baseline was saved; nil when unknown (a snapshot
	// made with the AWS CLI alone has no manifest).
	Taken     *time.Time `json:"taken"`
	Verdict   Verdict    `json:"verdict"`
	BlockedBy *Blocked   `json:"blocked_by"`
	// NotCompared names the kinds of resources whose data one side lacks:
	// their differences are unknown, not absent.
	NotCompared []string `json:"not_compared,omitempty"`
}

// CompareBaseline adds the baseline's verdict and the changes between the
// two networks to rep, the current report; then is the same path checked
// on the baseline network.
func CompareBaseline(rep *Report, then Report, before, now *Network, snapshot string, taken *time.Time) {
	changes, notCompared := DiffNetworks(before, now)
	onPath := pathComponents(rep)
	for c := range pathComponents(&then) {
		onPath[c] = true
	}
	for i := range changes {
		changes[i].OnPath = onPath[changes[i].Component]
	}
	sortChanges(changes)
	rep.Baseline = &Baseline{Snapshot: snapshot, Taken: taken, Verdict: then.Verdict, BlockedBy: then.BlockedBy, NotCompared: notCompared}
	rep.Changes = changes
	if rep.Changes == nil {
		rep.Changes = []Change{}
	}
}

// ExplainingChange is the change that best explains a difference between
// the baseline's verdict and the current one: a change to the component
// that blocks now or blocked then, else the first change on the path. ok is
// false when no change lies on the path.
func (r *Report) ExplainingChange() (Change, bool) {
	var blockers []string
	if r.BlockedBy != nil {
		blockers = append(blockers, r.BlockedBy.Component)
	}
	if r.Baseline != nil && r.Baseline.BlockedBy != nil {
		blockers = append(blockers, r.Baseline.BlockedBy.Component)
	}
	for _, b := range blockers {
		for _, c := range r.Changes {
			if c.Component == b {
				return c, true
			}
		}
	}
	for _, c := range r.Changes {
		if c.OnPath {
			return c, true
		}
	}
	return Change{}, false
}

// pathComponents is every resource a report names: hops, the components of
// every decision and finding, the ends and the exit.
func pathComponents(r *Report) map[string]bool {
	on := map[string]bool{}
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" {
				on[id] = true
			}
		}
	}
	for _, h := range r.Hops {
		add(h.Component)
	}
	for _, l := range r.Layers {
		for _, f := range l.Findings {
			add(f.Component)
		}
		for _, d := range l.Decisions {
			add(d.Component)
		}
	}
	for _, e := range []PathEnd{r.Source, r.Destination} {
		add(e.ENI, e.Instance, e.Subnet, e.VPC)
	}
	if r.Exit != nil {
		add(r.Exit.Gateway)
	}
	if r.BlockedBy != nil {
		add(r.BlockedBy.Component)
	}
	return on
}

// sortChanges puts the changes on the path first, then by layer in
// checklist order, component and text.
func sortChanges(cs []Change) {
	rank := func(layer string) int {
		if i := slices.Index(LayerOrder, layer); i >= 0 {
			return i
		}
		return len(LayerOrder)
	}
	slices.SortStableFunc(cs, func(a, b Change) int {
		switch {
		case a.OnPath != b.OnPath:
			if a.OnPath {
				return -1
			}
			return 1
		case rank(a.Layer) != rank(b.Layer):
			return rank(a.Layer) - rank(b.Layer)
		case a.Component != b.Component:
			return strings.Compare(a.Component, b.Component)
		}
		return strings.Compare(a.What, b.What)
	})
}

// DiffNetworks lists what differs between before and after, for every
// resource of a kind both networks hold, with OnPath unset. notCompared
// names the kinds one side lacks (a gap), whose differences are unknown.
func DiffNetworks(before, after *Network) (changes []Change, notCompared []string) {
	b, a := describeNetwork(before), describeNetwork(after)
	skipped := map[string]bool{}
	for _, k := range resourceKinds {
		was, inBase := b.missing[k.name]
		is, inNow := a.missing[k.name]
		switch {
		case inBase && inNow:
			notCompared = append(notCompared, fmt.Sprintf("%s: read in neither (%s)", k.name, was))
		case inBase:
			notCompared = append(notCompared, fmt.Sprintf("%s: not in the baseline (%s)", k.name, was))
		case inNow:
			notCompared = append(notCompared, fmt.Sprintf("%s: not read now (%s)", k.name, is))
		default:
			continue
		}
		skipped[k.name] = true
	}
	for key, old := range b.res {
		if skipped[old.kind] {
			continue
		}
		cur, ok := a.res[key]
		switch {
		case !ok:
			if !a.conflicts[old.id] {
				changes = append(changes, Change{Component: old.id, Kind: old.kind, Change: ChangeRemoved, Layer: old.layer, What: "removed: " + summary(old)})
			}
		case old.conflict != "" || cur.conflict != "":
			// Two copies of the resource disagree on one side: neither can
			// be compared.
		default:
			changes = append(changes, diffResource(old, cur)...)
		}
	}
	for key, cur := range a.res {
		if _, ok := b.res[key]; ok || skipped[cur.kind] || b.conflicts[cur.id] {
			continue
		}
		changes = append(changes, Change{Component: cur.id, Kind: cur.kind, Change: ChangeAdded, Layer: cur.layer, What: "added: " + summary(cur)})
	}
	sortChanges(changes)
	return changes, notCompared
}

// fact is one comparable rule or field of a resource. A fact with a value
// is a field (the key names it, the value may change); one without is a
// member of a set (a rule, an association) that is there or not.
type fact struct {
	key, value string
	layer      string
	// group names data a side may lack (a zone's records); a group either
	// side does not know is left out of the comparison.
	group string
}

// resource is the comparable content of one resource.
type resource struct {
	id, kind, layer string
	facts           []fact
	unknown         map[string]bool
	// conflict is set when two copies of the resource disagree.
	conflict string
}

// described is a whole network as comparable resources, by kind and ID.
type described struct {
	res map[string]*resource
	// missing says, by resource kind, why the kind was not read.
	missing   map[string]string
	conflicts map[string]bool
}

// resourceKind is one kind of resource the diff compares, the data it
// comes from and the layer its differences belong to by default.
type resourceKind struct {
	name  string
	layer string
	data  []DataKind
}

// Resource kinds of the diff.
var resourceKinds = []resourceKind{
	{"vpc", LayerRoute, []DataKind{KindVPCs}},
	{"subnet", LayerRoute, []DataKind{KindSubnets}},
	{"network-interface", LayerRoute, []DataKind{KindNetworkInterfaces}},
	{"instance", LayerRoute, []DataKind{KindInstances}},
	{"route-table", LayerRoute, []DataKind{KindRouteTables}},
	{"network-acl", LayerNACL, []DataKind{KindNetworkACLs}},
	{"security-group", LayerSecurityGroup, []DataKind{KindSecurityGroups}},
	{"prefix-list", LayerRoute, []DataKind{KindPrefixLists}},
	{"vpc-peering-connection", LayerRoute, []DataKind{KindPeerings}},
	{"internet-gateway", LayerRoute, []DataKind{KindInternetGateways}},
	{"egress-only-internet-gateway", LayerRoute, []DataKind{KindEgressOnlyGateways}},
	{"nat-gateway", LayerRoute, []DataKind{KindNATGateways}},
	{"vpn-gateway", LayerRoute, []DataKind{KindVPNGateways}},
	{"vpn-connection", LayerRoute, []DataKind{KindVPNConnections}},
	{"transit-gateway", LayerRoute, []DataKind{KindTransitGateways}},
	{"transit-gateway-attachment", LayerRoute, []DataKind{KindTransitGatewayAttachments}},
	{"transit-gateway-route-table", LayerRoute, []DataKind{KindTransitGatewayRouteTables}},
	{"vpc-endpoint", LayerRoute, []DataKind{KindVPCEndpoints}},
	{"direct-connect-virtual-interface", LayerRoute, []DataKind{KindDirectConnectVIFs}},
	{"direct-connect-gateway-association", LayerRoute, []DataKind{KindDirectConnectAssociations}},
	{"hosted-zone", LayerDNS, []DataKind{KindHostedZones}},
	{"resolver-endpoint", LayerDNS, []DataKind{KindResolverEndpoints}},
	{"resolver-rule", LayerDNS, []DataKind{KindResolverRules, KindResolverRuleAssociations}},
	{"dhcp-options", LayerDNS, []DataKind{KindDHCPOptions}},
	{"load-balancer", LayerService, []DataKind{KindLoadBalancers}},
	{"target-group", LayerService, nil},
	{"db-instance", LayerService, []DataKind{KindDBInstances}},
}

func kindNamed(name string) resourceKind {
	for _, k := range resourceKinds {
		if k.name == name {
			return k
		}
	}
	return resourceKind{name: name, layer: LayerRoute}
}

func describeNetwork(n *Network) *described {
	d := &described{res: map[string]*resource{}, missing: map[string]string{}, conflicts: map[string]bool{}}
	whole := map[DataKind]string{}
	scoped := map[string][]Gap{}
	for _, g := range n.Gaps {
		switch {
		case g.Conflict && g.Scope != "":
			d.conflicts[g.Scope] = true
		case g.Scope == "":
			if _, ok := whole[g.Kind]; !ok {
				whole[g.Kind] = g.Reason
			}
		default:
			scoped[g.Scope] = append(scoped[g.Scope], g)
		}
	}
	for _, k := range resourceKinds {
		for _, dk := range k.data {
			if why, ok := whole[dk]; ok {
				d.missing[k.name] = string(dk) + " " + why
				break
			}
		}
	}
	notRead := func(kind string, m bool) {
		if m {
			if _, ok := d.missing[kind]; !ok {
				d.missing[kind] = "not read"
			}
		}
	}
	notRead("load-balancer", n.LoadBalancers == nil)
	notRead("target-group", n.TargetGroups == nil)
	notRead("db-instance", n.DBInstances == nil)
	notRead("direct-connect-virtual-interface", n.DirectConnectVIFs == nil)
	notRead("direct-connect-gateway-association", n.DirectConnectAssociations == nil)

	add := func(kind, id string) *resource {
		k := kindNamed(kind)
		r := &resource{id: id, kind: kind, layer: k.layer, unknown: map[string]bool{}}
		if d.conflicts[id] {
			r.conflict = "two copies disagree"
		}
		for _, g := range scoped[id] {
			r.unknown[string(g.Kind)] = true
		}
		d.res[kind+" "+id] = r
		return r
	}
	describeRouting(n, add)
	describeFiltering(n, add)
	describeGateways(n, add)
	describeDNS(n, add, d)
	describeServices(n, add)
	return d
}

// field adds a field fact in the resource's own layer.
func (r *resource) field(key, value string) {
	r.facts = append(r.facts, fact{key: key, value: value, layer: r.layer})
}

// member adds a set member fact in the resource's own layer.
func (r *resource) member(key string) {
	r.facts = append(r.facts, fact{key: key, layer: r.layer})
}

// in adds a fact in another layer or group.
func (r *resource) in(layer, group, key, value string) {
	r.facts = append(r.facts, fact{key: key, value: value, layer: layer, group: group})
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func describeRouting(n *Network, add func(kind, id string) *resource) {
	for id, v := range n.VPCs {
		r := add("vpc", id)
		for _, c := range v.CIDRs {
			r.member("CIDR " + c.String())
		}
		for _, c := range v.IPv6CIDRs {
			r.member("IPv6 CIDR " + c.String())
		}
		if v.DNSSupport != nil {
			r.in(LayerDNS, "", "enableDnsSupport", onOff(*v.DNSSupport))
		}
		if v.DNSHostnames != nil {
			r.in(LayerDNS, "", "enableDnsHostnames", onOff(*v.DNSHostnames))
		}
		if v.DHCPOptionsID != "" {
			r.in(LayerDNS, "", "DHCP options", v.DHCPOptionsID)
		}
	}
	for id, s := range n.Subnets {
		r := add("subnet", id)
		r.field("CIDR", s.CIDR.String())
		for _, c := range s.IPv6CIDRs {
			r.member("IPv6 CIDR " + c.String())
		}
	}
	for id, e := range n.ENIs {
		r := add("network-interface", id)
		r.field("status", e.Status)
		r.field("instance", e.InstanceID)
		for _, p := range e.PrivateIPs {
			r.member("private address " + p.Addr.String())
			if p.Public.IsValid() {
				r.field("public address of "+p.Addr.String(), p.Public.String())
			}
		}
		for _, a := range e.IPv6 {
			r.member("IPv6 address " + a.String())
		}
		for _, p := range slices.Concat(e.IPv4Prefixes, e.IPv6Prefixes) {
			r.member("delegated prefix " + p.String())
		}
		for _, g := range e.SecurityGroupIDs {
			r.in(LayerSecurityGroup, "", "security group "+g, "")
		}
		r.in(LayerSourceDestCheck, "", "source/dest check", onOff(e.SourceDestCheck))
	}
	for id, i := range n.Instances {
		r := add("instance", id)
		r.field("state", i.State)
	}
	for id, t := range n.RouteTables {
		r := add("route-table", id)
		r.field("main", onOff(t.Main))
		for _, s := range t.SubnetIDs {
			r.member("association with " + s)
		}
		for _, g := range t.GatewayIDs {
			r.member("edge association with " + g)
		}
		for i := range t.Routes {
			rt := &t.Routes[i]
			dst := rt.PrefixListID
			if dst == "" {
				dst = rt.Destination.String()
			}
			via := "via " + rt.TargetID
			if rt.Blackhole {
				via += " (blackhole)"
			}
			r.field("route "+dst, via)
		}
	}
	for id, p := range n.PrefixLists {
		r := add("prefix-list", id)
		if p.CIDRs == nil {
			r.unknown["entries"] = true
		}
		for _, c := range p.CIDRs {
			r.in(LayerRoute, "entries", "entry "+c.String(), "")
		}
	}
	for id, p := range n.Peerings {
		r := add("vpc-peering-connection", id)
		r.field("status", p.Status)
		for _, side := range []struct {
			name string
			s    PeeringSide
		}{{"requester", p.Requester}, {"accepter", p.Accepter}} {
			for _, c := range slices.Concat(side.s.CIDRs, side.s.IPv6CIDRs) {
				r.member(side.name + " CIDR " + c.String())
			}
			r.in(LayerDNS, "", side.name+" allows DNS resolution from the peer", onOff(side.s.AllowDNSFromRemote))
		}
	}
}

func describeFiltering(n *Network, add func(kind, id string) *resource) {
	for id, acl := range n.NetworkACLs {
		r := add("network-acl", id)
		for _, s := range acl.SubnetIDs {
			r.member("association with " + s)
		}
		for _, dir := range []struct {
			name  string
			rules []NACLRule
		}{{"inbound", acl.Inbound}, {"outbound", acl.Outbound}} {
			for _, rule := range dir.rules {
				text := strings.TrimPrefix(rule.String(), "#"+strconv.Itoa(rule.Number)+" ")
				r.field(fmt.Sprintf("%s #%d", dir.name, rule.Number), text)
			}
		}
	}
	for id, sg := range n.SecurityGroups {
		r := add("security-group", id)
		for _, rule := range sg.Inbound {
			r.member("inbound " + rule.describe(true))
		}
		for _, rule := range sg.Outbound {
			r.member("outbound " + rule.describe(false))
		}
	}
}

func describeGateways(n *Network, add func(kind, id string) *resource) {
	for id, g := range n.InternetGateways {
		r := add("internet-gateway", id)
		for _, v := range g.VPCIDs {
			r.member("attachment to " + v)
		}
	}
	for id, g := range n.EgressOnlyInternetGateways {
		r := add("egress-only-internet-gateway", id)
		for _, v := range g.VPCIDs {
			r.member("attachment to " + v)
		}
	}
	for id, g := range n.NATGateways {
		r := add("nat-gateway", id)
		r.field("state", g.State)
		if g.PublicIP.IsValid() {
			r.field("public address", g.PublicIP.String())
		}
	}
	for id, g := range n.VPNGateways {
		r := add("vpn-gateway", id)
		r.field("state", g.State)
		for _, v := range g.VPCIDs {
			r.member("attachment to " + v)
		}
	}
	for id, c := range n.VPNConnections {
		r := add("vpn-connection", id)
		r.field("state", c.State)
		for _, p := range c.Routes {
			r.member("static route " + p.String())
		}
		for _, t := range c.Tunnels {
			r.field("tunnel "+t.OutsideIP, strings.ToUpper(t.Status))
		}
	}
	for id, t := range n.TransitGateways {
		r := add("transit-gateway", id)
		r.field("state", t.State)
		r.field("default association route table", t.DefaultAssociationRTID)
		r.field("default propagation route table", t.DefaultPropagationRTID)
		r.in(LayerSecurityGroup, "", "security group referencing", onOff(t.SGReferencing))
	}
	for id, a := range n.TransitGatewayAttachments {
		r := add("transit-gateway-attachment", id)
		r.field("state", a.State)
		assoc := a.RouteTableID
		if assoc != "" && a.AssociationState != "" {
			assoc += " (" + a.AssociationState + ")"
		}
		r.field("association", assoc)
		for _, s := range a.SubnetIDs {
			r.member("subnet " + s)
		}
		r.field("appliance mode", onOff(a.ApplianceMode))
	}
	for id, t := range n.TransitGatewayRouteTables {
		r := add("transit-gateway-route-table", id)
		if !t.RoutesKnown {
			r.unknown["routes"] = true
		}
		if t.PropagationsUnknown {
			r.unknown["propagations"] = true
		}
		for _, rt := range t.Routes {
			dst := rt.PrefixListID
			if dst == "" {
				dst = rt.Destination.String()
			}
			if !rt.Static && t.StaticOnly {
				continue
			}
			how := "propagated"
			if rt.Static {
				how = "static"
			}
			to := "to " + strings.Join(rt.AttachmentIDs, ", ")
			if rt.Blackhole {
				to = "blackhole"
			}
			r.in(LayerRoute, "routes", "route "+dst, to+" ("+how+")")
		}
		for _, p := range t.Propagations {
			r.in(LayerRoute, "propagations", "propagation from "+p, "")
		}
	}
	for id, e := range n.Endpoints {
		r := add("vpc-endpoint", id)
		r.field("state", e.State)
		for _, t := range e.RouteTableIDs {
			r.member("route table " + t)
		}
		for _, s := range e.SubnetIDs {
			r.member("subnet " + s)
		}
		for _, g := range e.SecurityGroupIDs {
			r.in(LayerSecurityGroup, "", "security group "+g, "")
		}
		r.in(LayerDNS, "", "private DNS", onOff(e.PrivateDNSEnabled))
		r.in(LayerService, "", "policy", e.PolicyDocument)
	}
	for id, v := range n.DirectConnectVIFs {
		r := add("direct-connect-virtual-interface", id)
		r.field("state", v.State)
		r.field("virtual private gateway", v.VGWID)
		r.field("Direct Connect gateway", v.DXGatewayID)
	}
	for id, a := range n.DirectConnectAssociations {
		r := add("direct-connect-gateway-association", id)
		r.field("state", a.State)
		for _, p := range a.AllowedPrefixes {
			r.member("allowed prefix " + p.String())
		}
	}
}

func describeDNS(n *Network, add func(kind, id string) *resource, d *described) {
	for id, z := range n.HostedZones {
		r := add("hosted-zone", id)
		r.field("name", z.Name)
		if r.unknown[string(KindHostedZoneVPCs)] {
			r.unknown["vpcs"] = true
		}
		for _, v := range z.VPCs {
			r.in(LayerDNS, "vpcs", "association with "+v.VPCID, "")
		}
		if z.Records == nil {
			r.unknown["records"] = true
		}
		for _, rec := range z.Records {
			key := "record " + strings.ToLower(rec.Name) + " " + rec.Type
			if rec.SetIdentifier != "" {
				key += " [" + rec.SetIdentifier + "]"
			}
			r.in(LayerDNS, "records", key, recordValue(rec))
		}
	}
	for id, e := range n.ResolverEndpoints {
		r := add("resolver-endpoint", id)
		r.field("status", e.Status)
		for _, g := range e.SecurityGroupIDs {
			r.member("security group " + g)
		}
		if e.IPs == nil {
			r.unknown["addresses"] = true
		}
		for _, ip := range e.IPs {
			r.in(LayerDNS, "addresses", "address "+ip.Addr.String(), "")
		}
	}
	for id, rule := range n.ResolverRules {
		r := add("resolver-rule", id)
		r.field("domain", rule.DomainName)
		r.field("type", rule.RuleType)
		r.field("outbound endpoint", rule.EndpointID)
		r.field("status", rule.Status)
		for _, t := range rule.TargetIPs {
			r.member("target " + targetText(t))
		}
	}
	for id, a := range n.ResolverRuleAssociations {
		// Associations are facts of the rule they associate; one whose
		// rule is unknown stands alone.
		r := d.res["resolver-rule "+a.RuleID]
		if r == nil {
			r = add("resolver-rule", a.RuleID)
		}
		status := a.Status
		if status == "" {
			status = "present"
		}
		r.field("association with "+a.VPCID+" ("+id+")", status)
	}
	for id, o := range n.DHCPOptions {
		r := add("dhcp-options", id)
		r.field("domain name servers", strings.Join(o.DomainNameServers, ", "))
		r.field("domain name", o.DomainName)
	}
}

func recordValue(rec Record) string {
	if rec.Alias != nil {
		return "alias " + strings.ToLower(rec.Alias.DNSName)
	}
	vals := slices.Clone(rec.Values)
	slices.Sort(vals)
	return strings.Join(vals, ", ") + " (TTL " + strconv.FormatInt(rec.TTL, 10) + ")"
}

func describeServices(n *Network, add func(kind, id string) *resource) {
	for arn, lb := range n.LoadBalancers {
		r := add("load-balancer", arn)
		r.field("state", lb.State)
		r.field("scheme", lb.Scheme)
		if !lb.ListenersRead {
			r.unknown["listeners"] = true
		}
		for _, l := range lb.Listeners {
			r.in(LayerService, "listeners", fmt.Sprintf("listener %s %d", l.Protocol, l.Port),
				strings.Join(l.Actions, ", ")+" → "+strings.Join(l.TargetGroupARNs, ", "))
		}
	}
	for arn, tg := range n.TargetGroups {
		r := add("target-group", arn)
		r.field("port", strconv.Itoa(tg.Port))
		r.field("protocol", tg.Protocol)
		if !tg.TargetsRead {
			r.unknown["targets"] = true
		}
		for _, t := range tg.Targets {
			r.in(LayerService, "targets", fmt.Sprintf("target %s port %d", t.ID, t.Port), t.State)
		}
	}
	for id, db := range n.DBInstances {
		r := add("db-instance", id)
		r.field("status", db.Status)
		r.field("port", strconv.Itoa(db.Port))
		r.field("publicly accessible", onOff(db.PubliclyAccessible))
		for _, g := range db.SecurityGroupIDs {
			r.in(LayerSecurityGroup, "", "security group "+g, "")
		}
		for _, s := range db.SubnetIDs {
			r.member("subnet " + s)
		}
	}
}

// maxValueText bounds a value quoted in a change; longer ones (a policy
// document) are said to have changed.
const maxValueText = 80

func diffResource(old, cur *resource) []Change {
	skip := func(f fact) bool { return f.group != "" && (old.unknown[f.group] || cur.unknown[f.group]) }
	index := func(r *resource) map[string]fact {
		m := make(map[string]fact, len(r.facts))
		for _, f := range r.facts {
			if !skip(f) {
				m[f.key] = f
			}
		}
		return m
	}
	was, is := index(old), index(cur)
	var out []Change
	emit := func(f fact, what string) {
		out = append(out, Change{Component: cur.id, Kind: cur.kind, Change: ChangeModified, Layer: f.layer, What: what})
	}
	for _, f := range old.facts {
		if skip(f) {
			continue
		}
		g, ok := is[f.key]
		switch {
		case !ok && f.value == "":
			emit(f, f.key+" removed")
		case !ok:
			emit(f, f.key+" "+f.value+" removed")
		case g.value != f.value:
			if len(f.value) > maxValueText || len(g.value) > maxValueText {
				emit(f, f.key+" changed")
			} else {
				emit(f, f.key+": "+orNone(f.value)+" → "+orNone(g.value))
			}
		}
		delete(is, f.key)
	}
	for _, f := range cur.facts {
		if _, ok := is[f.key]; !ok {
			continue
		}
		if _, ok := was[f.key]; ok {
			continue
		}
		delete(is, f.key)
		if f.value == "" {
			emit(f, f.key+" added")
		} else {
			emit(f, f.key+" "+f.value+" added")
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// summary names a resource that appeared or disappeared by its first facts.
func summary(r *resource) string {
	const shown = 3
	var parts []string
	for _, f := range r.facts {
		if len(parts) == shown {
			break
		}
		s := f.key
		if f.value != "" && len(f.value) <= maxValueText {
			s += " " + f.value
		}
		parts = append(parts, s)
	}
	text := r.kind
	if len(parts) > 0 {
		text += " (" + strings.Join(parts, "; ")
		if more := len(r.facts) - len(parts); more > 0 {
			text += fmt.Sprintf("; %d more", more)
		}
		text += ")"
	}
	return text
}
