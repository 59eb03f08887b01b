// Fixes: the AWS CLI command that opens what a finding blocks (a network
// ACL entry, a security group rule, a route).

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The fixes are AWS CLI commands a person can paste. They open exactly the
// traffic the path needs (a /32 or the source's security group, the one
// port or the client's ephemeral range), never more.

func hostPrefix(a netip.Addr) string {
	return netip.PrefixFrom(a, a.BitLen()).String()
}

func cliProtocol(p Protocol) string {
	switch p {
	case ProtocolTCP, ProtocolUDP, ProtocolICMP:
		return p.String()
	case ProtocolAll:
		return "-1"
	}
	return fmt.Sprint(int(p))
}

// defaultRuleNumber is the number describe-network-acls gives the rule
// shown as "*" in the console (32768 for its IPv6 twin).
const defaultRuleNumber = 32767

// naclFix proposes an allow entry numbered just below the rule that denied
// the traffic, at the first free number.
func naclFix(acl *NetworkACL, inbound bool, p packet, peer netip.Addr, v naclVerdict) (string, *fixChange) {
	rules := acl.Outbound
	flag := "--egress"
	if inbound {
		rules, flag = acl.Inbound, "--ingress"
	}
	// Below the first deny that decided, or after the last rule when only
	// the implicit deny did.
	highest := 0
	used := map[int]bool{}
	for _, r := range rules {
		used[r.Number] = true
		if r.Number < defaultRuleNumber {
			highest = max(highest, r.Number)
		}
	}
	ceiling := min((highest/10+1)*10, 32766)
	for _, i := range v.deciding {
		// describe-network-acls lists the default "*" rule as #32767;
		// that one is the implicit deny.
		if i >= 0 && !rules[i].Allow && rules[i].Number < defaultRuleNumber {
			ceiling = rules[i].Number - 1
			break
		}
	}
	number := 0
	for n := min(ceiling, 32766); n >= 1; n-- {
		if !used[n] {
			number = n
			break
		}
	}
	cidr := hostPrefix(peer)
	cidrFlag := "--cidr-block"
	if peer.Is6() {
		cidrFlag = "--ipv6-cidr-block"
	}
	var ports string
	entry := NACLRule{Number: number, Protocol: p.proto, Allow: true, CIDR: netip.PrefixFrom(peer, peer.BitLen()), ICMPType: -1, ICMPCode: -1}
	switch {
	case p.proto.HasPorts():
		blocked := v.blocked
		lo, hi := blocked[0].From, blocked[len(blocked)-1].To
		ports = fmt.Sprintf(" --port-range From=%d,To=%d", lo, hi)
		entry.Ports = PortRange{lo, hi}
	case p.proto == ProtocolICMP:
		ports = fmt.Sprintf(" --icmp-type-code Type=%d,Code=%d", p.icmpType, p.icmpCode)
		entry.ICMPType, entry.ICMPCode = p.icmpType, p.icmpCode
	}
	change := &fixChange{kind: changeNACLEntry, id: acl.ID, inbound: inbound, entry: entry}
	if number == 0 {
		change.entry.Number, change.replacesEntry = ceiling+1, ceiling+1
		return fmt.Sprintf("aws ec2 replace-network-acl-entry --network-acl-id %s %s --rule-number %d --protocol %s%s %s %s --rule-action allow",
			acl.ID, flag, ceiling+1, cliProtocol(p.proto), ports, cidrFlag, cidr), change
	}
	return fmt.Sprintf("aws ec2 create-network-acl-entry --network-acl-id %s %s --rule-number %d --protocol %s%s %s %s --rule-action allow",
		acl.ID, flag, number, cliProtocol(p.proto), ports, cidrFlag, cidr), change
}

// sgFix proposes the narrowest rule: a reference to the peer's security
// group when references work on this path, else the peer's address.
func (w *walker) sgFix(e *ENI, inbound bool, p packet, peer netip.Addr, ctx sgContext) string {
	verb := "authorize-security-group-egress"
	if inbound {
		verb = "authorize-security-group-ingress"
	}
	perm := "IpProtocol=" + cliProtocol(p.proto)
	rule := SGRule{Protocol: p.proto, ICMPType: -1, ICMPCode: -1}
	switch {
	case p.proto.HasPorts():
		perm += fmt.Sprintf(",FromPort=%d,ToPort=%d", p.ports.From, p.ports.To)
		rule.Ports = p.ports
	case p.proto == ProtocolICMP:
		perm += fmt.Sprintf(",FromPort=%d,ToPort=%d", p.icmpType, p.icmpCode)
		rule.ICMPType, rule.ICMPCode = p.icmpType, p.icmpCode
	}
	peerPart := ""
	if !ctx.flags.appliance && !ctx.flags.natted && peer.Is4() {
		for _, o := range w.ix.enisByAddr[peer] {
			if len(o.SecurityGroupIDs) > 0 && o.VPCID == e.VPCID {
				peerPart = fmt.Sprintf(",UserIdGroupPairs=[{GroupId=%s}]", o.SecurityGroupIDs[0])
				rule.Peer = SGPeer{GroupID: o.SecurityGroupIDs[0]}
			}
		}
	}
	if peerPart == "" {
		if peer.Is4() {
			peerPart = fmt.Sprintf(",IpRanges=[{CidrIp=%s}]", hostPrefix(peer))
		} else {
			peerPart = fmt.Sprintf(",Ipv6Ranges=[{CidrIpv6=%s}]", hostPrefix(peer))
		}
		rule.Peer = SGPeer{CIDR: netip.PrefixFrom(peer, peer.BitLen())}
	}
	fix := fmt.Sprintf("aws ec2 %s --group-id %s --ip-permissions '%s%s'", verb, e.SecurityGroupIDs[0], perm, peerPart)
	w.offer(fix, &fixChange{kind: changeSGRule, id: e.SecurityGroupIDs[0], inbound: inbound, sgRule: rule})
	return fix
}

// routeFix proposes a route to dst through whatever already connects the
// subnet's VPC to the destination: an active peering connection, a transit
// gateway attachment, or the internet gateway. replacing names the
// destination of an existing (blackhole) route to replace.
func (w *walker) routeFix(rt *RouteTable, s *Subnet, dst netip.Addr, replacing string) string {
	dstCIDR := hostPrefix(dst)
	target := ""
	if owners := w.ix.enisByAddr[dst]; len(owners) > 0 {
		peerVPC := owners[0].VPCID
		if v := w.n.VPCs[peerVPC]; v != nil {
			for _, c := range v.CIDRs {
				if c.Contains(dst) {
					dstCIDR = c.String()
				}
			}
		}
		for _, pcx := range w.ix.peeringsByVPC[s.VPCID] {
			if pcx.Active() && (pcx.Requester.VPCID == peerVPC || pcx.Accepter.VPCID == peerVPC) {
				target = "--vpc-peering-connection-id " + pcx.ID
			}
		}
		if target == "" {
			for _, a := range w.ix.tgwAttachByVPC[s.VPCID] {
				for _, b := range w.ix.tgwAttachByVPC[peerVPC] {
					if a.TGWID == b.TGWID {
						target = "--transit-gateway-id " + a.TGWID
					}
				}
			}
		}
		if target == "" && peerVPC != s.VPCID {
			return fmt.Sprintf("no peering connection or transit gateway joins %s and %s: create one (aws ec2 create-vpc-peering-connection --vpc-id %s --peer-vpc-id %s), then aws ec2 create-route --route-table-id %s --destination-cidr-block %s --vpc-peering-connection-id <pcx-…>, and the route back in %s",
				s.VPCID, peerVPC, s.VPCID, peerVPC, rt.ID, dstCIDR, peerVPC)
		}
	} else if !dst.IsPrivate() {
		dstCIDR = "0.0.0.0/0"
		ids := sortedKeys(w.n.NATGateways)
		for _, id := range ids {
			if nat := w.n.NATGateways[id]; nat.VPCID == s.VPCID && nat.State == "available" {
				target = "--nat-gateway-id " + nat.ID
				break
			}
		}
		if target == "" {
			for _, id := range sortedKeys(w.n.InternetGateways) {
				if slices.Contains(w.n.InternetGateways[id].VPCIDs, s.VPCID) {
					target = "--gateway-id " + id
				}
			}
		}
	} else {
		for _, id := range sortedKeys(w.n.VPNGateways) {
			if slices.Contains(w.n.VPNGateways[id].VPCIDs, s.VPCID) {
				target = "--gateway-id " + id
			}
		}
	}
	if target == "" {
		target = "<--gateway-id | --vpc-peering-connection-id | --transit-gateway-id …>"
	}
	if replacing != "" {
		fix := fmt.Sprintf("aws ec2 replace-route --route-table-id %s --destination-cidr-block %s %s", rt.ID, replacing, target)
		w.offerRoute(fix, rt, replacing, target, true)
		return fix
	}
	fix := strings.TrimSpace(fmt.Sprintf("aws ec2 create-route --route-table-id %s --destination-cidr-block %s %s", rt.ID, dstCIDR, target))
	w.offerRoute(fix, rt, dstCIDR, target, false)
	return fix
}

// offerRoute records a route fix as a change: a route to cidr through
// target ("--flag id"), replacing the route to cidr when replace is set.
func (w *walker) offerRoute(fix string, rt *RouteTable, cidr, target string, replace bool) {
	flag, id, _ := strings.Cut(target, " ")
	kind, ok := routeTarget(flag, id)
	dst, err := netip.ParsePrefix(cidr)
	if !ok || err != nil {
		return
	}
	c := &fixChange{kind: changeRoute, id: rt.ID, route: Route{Destination: dst, Target: kind, TargetID: id, Origin: OriginStatic}}
	if replace {
		c.replacesRoute = dst
	}
	w.offer(fix, c)
}

// natRouteFix sends a table's default route through a NAT gateway of the
// VPC, the way out for interfaces that cannot hold a public address.
func (w *walker) natRouteFix(rt *RouteTable, vpc string) string {
	for _, id := range sortedKeys(w.n.NATGateways) {
		if nat := w.n.NATGateways[id]; nat.VPCID == vpc && nat.Public && (nat.State == "" || nat.State == "available") {
			fix := fmt.Sprintf("aws ec2 replace-route --route-table-id %s --destination-cidr-block 0.0.0.0/0 --nat-gateway-id %s", rt.ID, nat.ID)
			w.offerRoute(fix, rt, "0.0.0.0/0", "--nat-gateway-id "+nat.ID, true)
			return fix
		}
	}
	return fmt.Sprintf("aws ec2 create-nat-gateway --subnet-id <a public subnet of %s> --allocation-id <eipalloc-…>, then aws ec2 replace-route --route-table-id %s --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-…>", vpc, rt.ID)
}
