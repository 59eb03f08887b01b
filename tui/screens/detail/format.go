package detail

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// Pure formatters for the detail screen: one rule, route or address per
// line, as people read them in the console.

func protoPorts(p checks.Protocol, ports checks.PortRange, icmpType, icmpCode int) string {
	switch {
	case p == checks.ProtocolAll:
		return "all traffic"
	case p.HasPorts():
		if ports == checks.AllPorts || ports.From == 0 && ports.To == 65535 {
			return p.String() + " all ports"
		}
		if ports.From == ports.To {
			return fmt.Sprintf("%s %d", p, ports.From)
		}
		return fmt.Sprintf("%s %d-%d", p, ports.From, ports.To)
	case p == checks.ProtocolICMP || p == checks.ProtocolICMPv6:
		switch {
		case icmpType < 0:
			return p.String() + " all"
		case icmpCode < 0:
			return fmt.Sprintf("%s type %d", p, icmpType)
		}
		return fmt.Sprintf("%s type %d code %d", p, icmpType, icmpCode)
	}
	return "protocol " + p.String()
}

// sgRuleText renders a security group rule: "tcp 5432 from app (sg-…)".
func sgRuleText(r checks.SGRule, inbound bool, c *catalog.Catalog, ascii bool) string {
	dir := "to"
	if inbound {
		dir = "from"
	}
	var peer string
	switch {
	case r.Peer.CIDR.IsValid():
		peer = r.Peer.CIDR.String()
	case r.Peer.PrefixListID != "":
		peer = c.Label(r.Peer.PrefixListID)
	case r.Peer.GroupID != "":
		peer = c.Label(r.Peer.GroupID)
		if r.Peer.GroupOwnerID != "" {
			peer += " of " + cells.Clean(r.Peer.GroupOwnerID, ascii)
		}
	default:
		peer = "?"
	}
	s := protoPorts(r.Protocol, r.Ports, r.ICMPType, r.ICMPCode) + " " + dir + " " + peer
	if r.Peer.PeeringID != "" {
		s += " via " + c.Label(r.Peer.PeeringID)
	}
	if d := cells.Clean(r.Description, ascii); d != "" {
		s += "  # " + d
	}
	return s
}

// naclRuleText renders a network ACL entry: "#100 allow tcp 5432 10.0.0.0/16".
func naclRuleText(r checks.NACLRule) string {
	action := "deny "
	if r.Allow {
		action = "allow"
	}
	return fmt.Sprintf("#%-5d %s %s %s", r.Number, action, protoPorts(r.Protocol, r.Ports, r.ICMPType, r.ICMPCode), r.CIDR)
}

// routeText renders a route: "10.1.0.0/16 → pcx-… (staging-peering)".
func routeText(r checks.Route, c *catalog.Catalog, arrow string) string {
	dst := r.Destination.String()
	if r.PrefixListID != "" {
		dst = c.Label(r.PrefixListID)
	}
	s := dst + " " + arrow + " " + c.Label(r.TargetID)
	if r.InstanceID != "" && r.InstanceID != r.TargetID {
		s += " (instance " + c.Label(r.InstanceID) + ")"
	}
	if r.Origin == checks.OriginPropagated {
		s += " propagated"
	}
	if r.Blackhole {
		s += " BLACKHOLE"
	}
	return s
}

// tableFor returns the route table that routes a subnet's traffic: its
// explicit association, else the VPC's main table; explicit is false for
// the main table.
func tableFor(n *checks.Network, s *checks.Subnet) (rt *checks.RouteTable, explicit bool) {
	var main *checks.RouteTable
	for _, id := range sortedIDs(n.RouteTables) {
		t := n.RouteTables[id]
		if t.VPCID != s.VPCID {
			continue
		}
		if slices.Contains(t.SubnetIDs, s.ID) {
			return t, true
		}
		if t.Main && main == nil {
			main = t
		}
	}
	return main, false
}

// aclFor returns the network ACL of a subnet: its association, else the
// VPC's default ACL.
func aclFor(n *checks.Network, s *checks.Subnet) (acl *checks.NetworkACL, explicit bool) {
	var def *checks.NetworkACL
	for _, id := range sortedIDs(n.NetworkACLs) {
		a := n.NetworkACLs[id]
		if a.VPCID != s.VPCID {
			continue
		}
		if slices.Contains(a.SubnetIDs, s.ID) {
			return a, true
		}
		if a.IsDefault && def == nil {
			def = a
		}
	}
	return def, false
}

func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// sortedNACL returns the rules by number without touching the network's
// slice.
func sortedNACL(rules []checks.NACLRule) []checks.NACLRule {
	out := slices.Clone(rules)
	slices.SortStableFunc(out, func(a, b checks.NACLRule) int { return a.Number - b.Number })
	return out
}

// detailLines renders an ENI for the detail screen: identity, addresses,
// security groups with their rules, the subnet's route table and network
// ACL. Lines are plain text with a style applied per line; the screen
// truncates them to its width.
func detailLines(e *screen.Env, n *checks.Network, c *catalog.Catalog, id string) []string {
	st := e.Styles
	eni := n.ENIs[id]
	if eni == nil {
		return []string{st.Warn.Render(cells.Clean(id, e.ASCII) + " is no longer in the network (it was deleted, or the last load did not return it)")}
	}
	var out []string
	add := func(s string) { out = append(out, s) }
	section := func(s string) { add(""); add(st.Title.Render(s)) }
	kv := func(k, v string) { add("  " + st.Subtle.Render(fmt.Sprintf("%-18s", k)) + " " + v) }
	name := c.Short(id)
	if name == id {
		name = ""
	}
	add(st.Title.Render(strings.TrimSpace(name+"  "+cells.Clean(id, e.ASCII))) + "  " + st.Subtle.Render(cells.Clean(eni.InterfaceType, e.ASCII)+", "+cells.Clean(eni.Status, e.ASCII)))
	if d := cells.Clean(eni.Description, e.ASCII); d != "" {
		kv("description", d)
	}
	if eni.InstanceID != "" {
		kv("instance", c.Label(eni.InstanceID)+fmt.Sprintf("  device %d", eni.DeviceIndex))
	}
	sdc := "on"
	if !eni.SourceDestCheck {
		sdc = st.Warn.Render("off") + " (forwards traffic for others)"
	}
	kv("source/dest check", sdc)
	if eni.RequesterManaged && eni.RequesterID != "" {
		kv("managed by", cells.Clean(eni.RequesterID, e.ASCII))
	} else if eni.RequesterManaged {
		kv("managed by", "an AWS service")
	}
	s := n.Subnets[eni.SubnetID]
	if s != nil {
		kv("subnet", c.Label(s.ID)+"  "+s.CIDR.String()+"  "+cells.Clean(s.AZ, e.ASCII))
	} else {
		kv("subnet", cells.Clean(eni.SubnetID, e.ASCII)+" (not loaded)")
	}
	kv("vpc", c.Label(eni.VPCID))
	ports := n.ClientPortRange(eni)
	kv("client ports", fmt.Sprintf("%d-%d (ephemeral range of its replies)", ports.From, ports.To))

	section("Addresses")
	for _, p := range eni.PrivateIPs {
		line := "  " + fmt.Sprintf("%-15s", p.Addr)
		if p.Primary {
			line += "  primary"
		} else {
			line += "  secondary"
		}
		if p.Public.IsValid() {
			line += "  public " + p.Public.String()
		}
		add(line)
	}
	for _, a := range eni.IPv6 {
		add("  " + a.String() + "  ipv6")
	}
	for _, p := range eni.IPv4Prefixes {
		add("  " + p.String() + "  delegated prefix")
	}
	for _, p := range eni.IPv6Prefixes {
		add("  " + p.String() + "  delegated ipv6 prefix")
	}

	section("Security groups")
	if len(eni.SecurityGroupIDs) == 0 {
		add("  " + st.Subtle.Render("none"))
	}
	for _, gid := range eni.SecurityGroupIDs {
		g := n.SecurityGroups[gid]
		if g == nil {
			add("  " + cells.Clean(gid, e.ASCII) + st.Unknown.Render("  (not loaded)"))
			continue
		}
		add("  " + st.Accent.Render(c.Label(gid)))
		rules := func(label string, rs []checks.SGRule, inbound bool) {
			if len(rs) == 0 {
				add("    " + st.Subtle.Render(fmt.Sprintf("%-9s", label)) + " " + st.Subtle.Render("nothing allowed"))
				return
			}
			for i, r := range rs {
				l := "         "
				if i == 0 {
					l = fmt.Sprintf("%-9s", label)
				}
				add("    " + st.Subtle.Render(l) + " " + sgRuleText(r, inbound, c, e.ASCII))
			}
		}
		rules("inbound", g.Inbound, true)
		rules("outbound", g.Outbound, false)
	}

	if s == nil {
		return out
	}
	rt, explicit := tableFor(n, s)
	if rt == nil {
		section("Route table")
		add("  " + st.Unknown.Render("no route table for "+c.Label(s.ID)+" is loaded"))
	} else {
		how := "main table of the VPC (implicit association)"
		if explicit {
			how = "associated with the subnet"
		}
		section("Route table " + c.Label(rt.ID))
		add("  " + st.Subtle.Render(how))
		for _, r := range rt.Routes {
			line := "  " + routeText(r, c, e.Glyphs.Arrow)
			if r.Blackhole {
				line = st.Fail.Render(line)
			}
			add(line)
		}
	}
	acl, explicit := aclFor(n, s)
	if acl == nil {
		section("Network ACL")
		add("  " + st.Unknown.Render("no network ACL for "+c.Label(s.ID)+" is loaded"))
		return out
	}
	how := "the VPC's default ACL"
	if explicit {
		how = "associated with the subnet"
	}
	section("Network ACL " + c.Label(acl.ID))
	add("  " + st.Subtle.Render(how))
	for _, dir := range []struct {
		label string
		rules []checks.NACLRule
	}{{"inbound", acl.Inbound}, {"outbound", acl.Outbound}} {
		add("  " + st.Subtle.Render(dir.label))
		for _, r := range sortedNACL(dir.rules) {
			line := "    " + naclRuleText(r)
			if !r.Allow {
				line = st.Subtle.Render(line)
			}
			add(line)
		}
		add("    " + st.Subtle.Render("*      deny  all traffic (implicit)"))
	}
	return out
}
