// The DNS index: hosted zones, records, Resolver rules and endpoint names
// compiled once for lookups.

package checks

import (
	"net/netip"
	"slices"
	"strings"
)

// dnsIndex is the DNS data compiled for lookups: names normalised once,
// records grouped by name, rules grouped by the VPCs they apply to.
type dnsIndex struct {
	// zonesByName lists the zones of each domain, sorted by ID (Route 53
	// allows several zones with one name).
	zonesByName map[string][]*HostedZone
	records     map[string]*zoneRecords
	// rulesByVPC are the Resolver rules associated with each VPC, sorted
	// by ID.
	rulesByVPC map[string][]*ResolverRule
	// rulesByDomain lists every rule of a domain, associated or not, so a
	// rule that would have matched can be named.
	rulesByDomain map[string][]*ResolverRule
	// resolverVPCs maps each VPC's primary CIDR base+2 to the VPCs whose
	// Amazon DNS server answers there (overlapping VPCs share it).
	resolverVPCs map[netip.Addr][]string
	// endpointAddrs maps Resolver endpoint addresses to their endpoint;
	// endpointENIs maps the interfaces found for them.
	endpointAddrs map[vpcAddr]*ResolverEndpoint
	endpointENIs  map[string]*ResolverEndpoint
	// inboundVPCs lists the VPCs holding inbound endpoints, sorted.
	inboundVPCs []string
	// lbENIs maps a load balancer name to its interfaces, found by the
	// description ELB gives them ("ELB net/NAME/ID", "ELB app/NAME/ID",
	// "ELB NAME").
	lbENIs map[string][]lbENI
	// privateDNS lists, per VPC, the names interface endpoints with
	// private DNS answer for.
	privateDNS map[string][]endpointZone
	// scoped holds gaps for single resources (one zone's records, one
	// endpoint's addresses).
	scoped map[DataKind]map[string]Gap
}

// zoneRecords is one zone's records by normalised name. exists also holds
// the empty non-terminals (names with no records of their own but records
// below them), which stop a wildcard from matching.
type zoneRecords struct {
	byName map[string][]*Record
	exists map[string]bool
}

type lbENI struct {
	eni *ENI
	// kind is "net", "app", "gwy" or "classic"; id is the suffix ELB
	// appends to ALB and NLB names.
	kind, id string
}

// endpointZone is the private hosted zone AWS manages for an interface
// endpoint with private DNS; wildcard is set for names such as
// "*.s3.us-east-1.amazonaws.com", which answer for every subdomain.
type endpointZone struct {
	name     string
	endpoint *Endpoint
	wildcard bool
}

func (n *Network) buildDNSIndex(ix *index) *dnsIndex {
	d := &dnsIndex{
		zonesByName:   map[string][]*HostedZone{},
		records:       map[string]*zoneRecords{},
		rulesByVPC:    map[string][]*ResolverRule{},
		rulesByDomain: map[string][]*ResolverRule{},
		resolverVPCs:  map[netip.Addr][]string{},
		endpointAddrs: map[vpcAddr]*ResolverEndpoint{},
		endpointENIs:  map[string]*ResolverEndpoint{},
		lbENIs:        map[string][]lbENI{},
		privateDNS:    map[string][]endpointZone{},
		scoped:        map[DataKind]map[string]Gap{},
	}
	for _, g := range n.Gaps {
		if g.Scope == "" {
			continue
		}
		if d.scoped[g.Kind] == nil {
			d.scoped[g.Kind] = map[string]Gap{}
		}
		if _, seen := d.scoped[g.Kind][g.Scope]; !seen {
			d.scoped[g.Kind][g.Scope] = g
		}
	}
	for _, id := range sortedKeys(n.VPCs) {
		v := n.VPCs[id]
		if len(v.CIDRs) == 0 || !v.CIDRs[0].Addr().Is4() {
			continue
		}
		if a, ok := resolverAddrOf(v.CIDRs[0]); ok {
			d.resolverVPCs[a] = append(d.resolverVPCs[a], v.ID)
		}
	}
	for _, id := range sortedKeys(n.HostedZones) {
		z := n.HostedZones[id]
		name := normName(z.Name)
		d.zonesByName[name] = append(d.zonesByName[name], z)
		if z.Records == nil {
			continue
		}
		zr := &zoneRecords{byName: map[string][]*Record{}, exists: map[string]bool{name: true}}
		for i := range z.Records {
			r := &z.Records[i]
			rn := normName(r.Name)
			if !inDomain(rn, name) {
				// Route 53 refuses records outside the zone; one in a
				// snapshot could never be answered.
				continue
			}
			zr.byName[rn] = append(zr.byName[rn], r)
			for p := rn; p != name && p != ""; p = parentName(p) {
				zr.exists[p] = true
			}
		}
		d.records[z.ID] = zr
	}
	for _, id := range sortedKeys(n.ResolverRules) {
		r := n.ResolverRules[id]
		dom := normName(r.DomainName)
		d.rulesByDomain[dom] = append(d.rulesByDomain[dom], r)
	}
	for _, id := range sortedKeys(n.ResolverRuleAssociations) {
		a := n.ResolverRuleAssociations[id]
		r := n.ResolverRules[a.RuleID]
		if r == nil || !associationActive(a.Status) || slices.Contains(d.rulesByVPC[a.VPCID], r) {
			continue
		}
		d.rulesByVPC[a.VPCID] = append(d.rulesByVPC[a.VPCID], r)
	}
	for vpc, rules := range d.rulesByVPC {
		slices.SortFunc(rules, func(a, b *ResolverRule) int { return strings.Compare(a.ID, b.ID) })
		d.rulesByVPC[vpc] = rules
	}
	inbound := map[string]bool{}
	for _, id := range sortedKeys(n.ResolverEndpoints) {
		ep := n.ResolverEndpoints[id]
		if strings.EqualFold(ep.Direction, ResolverInbound) {
			inbound[ep.VPCID] = true
		}
		for _, ip := range ep.IPs {
			if !ip.Addr.IsValid() {
				continue
			}
			d.endpointAddrs[vpcAddr{ep.VPCID, ip.Addr}] = ep
			e := n.ENIs[ip.ENIID]
			if e == nil {
				e = ix.eniByVPCAddr[vpcAddr{ep.VPCID, ip.Addr}]
			}
			if e != nil {
				d.endpointENIs[e.ID] = ep
			}
		}
	}
	d.inboundVPCs = sortedKeys(inbound)
	for _, id := range ix.eniOrder {
		e := n.ENIs[id]
		if name, l, ok := parseELBDescription(e.Description); ok {
			l.eni = e
			d.lbENIs[name] = append(d.lbENIs[name], l)
		}
	}
	for _, id := range sortedKeys(n.Endpoints) {
		ep := n.Endpoints[id]
		if ep.Type != "Interface" || !ep.PrivateDNSEnabled {
			continue
		}
		for _, name := range endpointPrivateNames(ep) {
			z := endpointZone{name: name, endpoint: ep}
			if rest, ok := strings.CutPrefix(name, "*."); ok {
				z.name, z.wildcard = rest, true
			}
			d.privateDNS[ep.VPCID] = append(d.privateDNS[ep.VPCID], z)
		}
	}
	return d
}

// associationActive: a Resolver rule association applies once it is
// COMPLETE; one being created or deleted may or may not apply yet, and is
// treated as applying (the Resolver may use it at any moment).
func associationActive(status string) bool {
	return !strings.EqualFold(status, "FAILED") && !strings.EqualFold(status, "DELETING")
}

// scopedGap returns the gap recorded for one resource, or for its whole
// kind.
func (ix *index) scopedGap(k DataKind, scope string) (Gap, bool) {
	if g, ok := ix.dns.scoped[k][scope]; ok {
		return g, true
	}
	return ix.gap(k)
}

// resolverAddrOf returns the primary CIDR base+2, where the Amazon DNS
// server answers (SEMANTICS.md §9.1).
func resolverAddrOf(p netip.Prefix) (netip.Addr, bool) {
	a := p.Masked().Addr()
	for range 2 {
		a = a.Next()
		if !a.IsValid() {
			return netip.Addr{}, false
		}
	}
	return a, p.Contains(a)
}

// The Amazon DNS server's link-local addresses answer in every VPC.
var (
	amazonDNSv4 = netip.MustParseAddr("169.254.169.253")
	amazonDNSv6 = netip.MustParseAddr("fd00:ec2::253")
)

// normName lowers a DNS name, drops the trailing dot and decodes the octal
// escapes Route 53 prints for characters outside [a-z0-9-_] ("\052" is the
// wildcard "*"). Malformed escapes stay as they are.
func normName(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if !strings.Contains(s, `\`) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			v := int(s[i+1]-'0')*64 + int(s[i+2]-'0')*8 + int(s[i+3]-'0')
			if v <= 255 {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(c)
	}
	return strings.ToLower(strings.TrimSuffix(b.String(), "."))
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// inDomain reports whether name equals domain or lies below it; the root
// ("" or ".") holds every name.
func inDomain(name, domain string) bool {
	if domain == "" || domain == "." {
		return true
	}
	return name == domain || strings.HasSuffix(name, "."+domain)
}

// labels counts a domain's labels; the root has none. It ranks rules and
// zones by how specific they are.
func labels(domain string) int {
	if domain == "" || domain == "." {
		return 0
	}
	return strings.Count(domain, ".") + 1
}

// parentName drops the first label; the parent of a single label is the
// root "".
func parentName(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return ""
}

// parseELBDescription recognises the description Elastic Load Balancing
// gives the interfaces of a load balancer.
func parseELBDescription(desc string) (string, lbENI, bool) {
	rest, ok := strings.CutPrefix(desc, "ELB ")
	if !ok || rest == "" {
		return "", lbENI{}, false
	}
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 3 && (parts[0] == "app" || parts[0] == "net" || parts[0] == "gwy") && parts[1] != "":
		return strings.ToLower(parts[1]), lbENI{kind: parts[0], id: strings.ToLower(parts[2])}, true
	case len(parts) == 1 && !strings.Contains(rest, " "):
		return strings.ToLower(rest), lbENI{kind: "classic"}, true
	}
	return "", lbENI{}, false
}

// endpointPrivateNames returns the names an interface endpoint's private
// DNS answers for: the DNS entries that are not endpoint-specific, else the
// regional name derived from the service name
// (com.amazonaws.us-east-1.secretsmanager → secretsmanager.us-east-1.amazonaws.com).
func endpointPrivateNames(ep *Endpoint) []string {
	var out []string
	for _, n := range ep.DNSNames {
		n = normName(n)
		if n == "" || strings.HasSuffix(n, ".vpce.amazonaws.com") || strings.HasPrefix(n, "vpce-") {
			continue
		}
		out = append(out, n)
	}
	if len(out) > 0 {
		return out
	}
	parts := strings.Split(normName(ep.ServiceName), ".")
	if len(parts) >= 4 && parts[0] == "com" && parts[1] == "amazonaws" {
		region, svc := parts[2], strings.Join(parts[3:], ".")
		return []string{svc + "." + region + ".amazonaws.com"}
	}
	return nil
}
