// The dns layer: resolving the query's host name from the source's VPC
// (Route 53 Resolver rules, private and public hosted zones, the Amazon DNS
// server) or from outside the account.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The dns layer resolves a destination name as the source's resolver would
// (SEMANTICS.md §9): the DHCP options choose the resolver; the Route 53
// Resolver picks the most specific of the rules that apply to the VPC
// (Resolver rules associated with it, its private hosted zones, the private
// DNS of its interface endpoints, the EC2 internal names, and "." for the
// rest), a customer rule winning a tie; a private zone answers alone, with
// no fall-back; a FORWARD rule is a network path from the outbound
// endpoint's interfaces to the target servers, checked like any other, and
// its answer lives on servers reach cannot see. Whatever reach cannot see is
// unknown, never an answer.

const (
	// maxDNSDepth bounds CNAME chains, aliases and forwarding hops; the
	// Resolver gives up on long chains too.
	maxDNSDepth = 12
	// maxAnswers bounds the addresses evaluated for one name.
	maxAnswers = 32
	// dnsOrderBase numbers the dns layer's findings before any finding of
	// the packet path: the name is resolved before a packet is sent.
	dnsOrderBase = -1_000_000
)

// dnsCtx is where a name is being resolved.
type dnsCtx struct {
	vpcID string
	// client is the querying interface, whose path to a custom DNS server
	// is checked; nil when the query arrived through an inbound endpoint.
	client *ENI
	want6  bool
	depth  int
	// chain holds the names followed so far, to catch loops.
	chain []string
	// via is the last record that led to the current name; an answer out
	// of sight is blamed on it.
	via *dnsVia
	// forwarded lists the VPCs and names ("vpc name") a query was
	// forwarded from through inbound endpoints, to catch forwarding loops.
	forwarded []string
}

type dnsVia struct {
	component, rule string
}

func (c *dnsCtx) qtype() string {
	if c.want6 {
		return "AAAA"
	}
	return "A"
}

func (c *dnsCtx) next(name string) *dnsCtx {
	n := *c
	n.depth++
	n.chain = append(slices.Clip(c.chain), name)
	return &n
}

func (w *walker) dnsFind(f Finding) { w.find(LayerDNS, f) }

func (w *walker) dnsDecide(d Decision) { w.decide(LayerDNS, d) }

// dnsMissing reports data the resolution needs as unknown.
func (w *walker) dnsMissing(k DataKind, scope, component, what string) {
	g, ok := w.ix.scopedGap(k, scope)
	detail := gapDetail(what, k, g, ok)
	if !ok {
		detail += " (not in the data)"
	}
	w.dnsFind(Finding{Code: "DATA_MISSING", Severity: SeverityUnknown, Component: component, Rule: string(k), Detail: detail, Fix: gapFix(g, ok)})
}

// resolveHost resolves the query's name for the source and returns the
// addresses of the source's address family to evaluate.
func (w *walker) resolveHost(q Query, src endpoint) []netip.Addr {
	ctx := &dnsCtx{want6: src.addr.Is6()}
	name := q.To.Host
	var addrs []netip.Addr
	if src.eni != nil {
		ctx.vpcID, ctx.client = src.eni.VPCID, src.eni
		addrs = w.resolveFromVPC(ctx, name)
	} else {
		addrs = w.resolveFromOutside(ctx, name, src)
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// resolveFromOutside resolves a name for a source outside the account. Its
// own DNS is out of sight; reach assumes it forwards to the account's
// inbound endpoint, as hybrid DNS is built, and says so: the name is then
// resolved as the endpoint's VPC would (SEMANTICS.md §9.4).
func (w *walker) resolveFromOutside(ctx *dnsCtx, name string, src endpoint) []netip.Addr {
	if isInternetAddr(src.addr) {
		// A client on the internet asks public DNS; no private zone or
		// rule of the account applies to it.
		w.dnsDecide(Decision{Component: name, Step: "resolver", Outcome: "forward", Rule: src.addr.String() + " is on the internet: public DNS"})
		return w.resolveName(ctx, name)
	}
	vpcs := w.ix.dns.inboundVPCs
	switch {
	case len(vpcs) == 0:
		if _, gap := w.ix.gap(KindResolverEndpoints); gap {
			w.dnsMissing(KindResolverEndpoints, "", name, fmt.Sprintf("%s resolves %s with its own DNS servers, and the inbound endpoints they could forward to are unknown", src.addr, name))
			return nil
		}
		w.dnsFind(Finding{Code: "DNS_OUTSIDE_RESOLVER", Severity: SeverityUnknown, Component: name, Rule: "resolved outside the account",
			Detail: fmt.Sprintf("%s resolves %s with its own DNS servers, which reach cannot see; the account has no Route 53 Resolver inbound endpoint they could forward to", src.addr, name),
			Fix:    fmt.Sprintf("resolve the name where the source is (dig %s) and check the address: reach check --from %s --to ADDRESS", name, src.addr)})
		return nil
	case len(vpcs) > 1:
		w.dnsFind(Finding{Code: "DNS_OUTSIDE_RESOLVER", Severity: SeverityUnknown, Component: name, Rule: "resolved outside the account",
			Detail: fmt.Sprintf("%s resolves %s with its own DNS servers, which may forward to the inbound endpoints of %s; reach cannot tell which", src.addr, name, strings.Join(vpcs, ", ")),
			Fix:    fmt.Sprintf("resolve the name where the source is (dig %s) and check the address: reach check --from %s --to ADDRESS", name, src.addr)})
		return nil
	}
	var ep *ResolverEndpoint
	for _, id := range sortedKeys(w.n.ResolverEndpoints) {
		e := w.n.ResolverEndpoints[id]
		if e.VPCID == vpcs[0] && strings.EqualFold(e.Direction, ResolverInbound) {
			ep = e
			break
		}
	}
	var ips []string
	for _, ip := range ep.IPs {
		ips = append(ips, ip.Addr.String())
	}
	w.dnsFind(Finding{Code: "DNS_ASSUMED_INBOUND_FORWARDING", Severity: SeverityWarn, Component: ep.ID, Rule: "assumed: on-premises DNS forwards to " + ep.ID,
		Detail: fmt.Sprintf("%s resolves %s with its own DNS servers, which reach cannot see; assuming they forward the name to inbound endpoint %s (%s), it is resolved as %s would resolve it", src.addr, name, ep.ID, strings.Join(ips, ", "), ep.VPCID),
		Fix:    fmt.Sprintf("check the query path from your resolver: reach check --from RESOLVER-ADDRESS --to %s:53 --protocol udp", firstOr(ips, "ENDPOINT-ADDRESS"))})
	ctx.vpcID = ep.VPCID
	return w.resolveAmazon(ctx, name, "inbound endpoint "+ep.ID)
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

// resolveFromVPC resolves a name for an interface: its VPC's DHCP options
// say which server it asks.
func (w *walker) resolveFromVPC(ctx *dnsCtx, name string) []netip.Addr {
	v := w.n.VPCs[ctx.vpcID]
	if v == nil {
		w.dnsMissing(KindVPCs, ctx.vpcID, ctx.vpcID, "the source's VPC "+ctx.vpcID)
		return nil
	}
	servers, domain, dopt, ok := w.dhcpServers(v)
	if !ok {
		return nil
	}
	if search := strings.Fields(domain); !strings.Contains(name, ".") && len(search) > 0 && normName(search[0]) != "" {
		// A single-label name gets the search domain appended first (the
		// resolver library's search list, from the DHCP domain-name).
		w.dnsDecide(Decision{Component: dopt, Step: "search domain", Outcome: "forward", Rule: fmt.Sprintf("%s has no dot: the client asks for %s.%s (domain-name %s)", name, name, normName(search[0]), domain)})
		name = name + "." + normName(search[0])
	}
	first := servers[0]
	if strings.EqualFold(first, "AmazonProvidedDNS") {
		how := "AmazonProvidedDNS (no DHCP options set)"
		if dopt != "" {
			how = fmt.Sprintf("AmazonProvidedDNS (DHCP options %s)", dopt)
		}
		return w.resolveAmazon(ctx, name, how)
	}
	server, err := netip.ParseAddr(first)
	if err != nil {
		w.dnsFind(Finding{Code: "DNS_BAD_SERVER", Severity: SeverityUnknown, Component: dopt, Rule: "domain-name-servers " + strings.Join(servers, ", "),
			Detail: fmt.Sprintf("DHCP options %s name the DNS server %q, which is not an address", dopt, first)})
		return nil
	}
	if len(servers) > 1 {
		w.notes = append(w.notes, fmt.Sprintf("DHCP options %s list %d DNS servers; clients ask %s first and the others only when it does not answer", dopt, len(servers), first))
	}
	if server == amazonDNSv4 || server == amazonDNSv6 || len(v.CIDRs) > 0 && w.isVPCResolver(server, v) {
		return w.resolveAmazon(ctx, name, fmt.Sprintf("the Amazon DNS server %s (%s)", server, dopt))
	}
	// A custom server: the query is an ordinary packet to it.
	w.dnsDecide(Decision{Component: dopt, Step: "resolver", Outcome: "forward", Rule: fmt.Sprintf("custom DNS server %s (DHCP options %s)", server, dopt)})
	if ctx.client == nil {
		w.dnsFind(Finding{Code: "DNS_CUSTOM_SERVER", Severity: SeverityUnknown, Component: dopt, Rule: "domain-name-servers " + server.String(),
			Detail: fmt.Sprintf("%s is answered by custom DNS server %s, which reach cannot see", name, server)})
		return nil
	}
	res := w.dnsPath(ctx.client, server, 53, ProtocolUDP)
	switch res.rep.Verdict {
	case Unreachable:
		w.pathBlocked("DNS_SERVER_UNREACHABLE", res, fmt.Sprintf("%s asks custom DNS server %s (DHCP options %s) over UDP 53", ctx.client.ID, server, dopt))
		return nil
	case Unknown:
		w.dnsFind(Finding{Code: "DNS_SERVER_PATH_UNKNOWN", Severity: SeverityUnknown, Component: dopt, Rule: "path to " + server.String() + ":53",
			Detail: fmt.Sprintf("whether %s reaches its DNS server %s on UDP 53 is unknown: %s", ctx.client.ID, server, blockedText(res.rep))})
		return nil
	}
	if ep := w.inboundEndpointAt(res); ep != nil {
		w.dnsDecide(Decision{Component: ep.ID, Step: "custom DNS server", Outcome: "forward", Rule: fmt.Sprintf("%s is inbound endpoint %s: resolved as %s would", server, ep.ID, ep.VPCID)})
		inner := *ctx
		inner.vpcID, inner.client = ep.VPCID, nil
		return w.resolveAmazon(&inner, name, "inbound endpoint "+ep.ID)
	}
	w.dnsFind(Finding{Code: "DNS_CUSTOM_SERVER", Severity: SeverityUnknown, Component: dopt, Rule: "domain-name-servers " + server.String(),
		Detail: fmt.Sprintf("%s is answered by custom DNS server %s (DHCP options %s), which reach cannot see; the path to it on UDP 53 is open", name, server, dopt),
		Fix:    fmt.Sprintf("resolve the name on the source (dig @%s %s) and check the address: reach check --from %s --to ADDRESS", server, name, ctx.client.ID)})
	return nil
}

func (w *walker) isVPCResolver(a netip.Addr, v *VPC) bool {
	return slices.Contains(w.ix.dns.resolverVPCs[a], v.ID)
}

// dhcpServers returns the DNS servers and search domain the VPC's DHCP
// options give its clients.
func (w *walker) dhcpServers(v *VPC) (servers []string, domain, id string, ok bool) {
	id = v.DHCPOptionsID
	if id == "" || id == "default" {
		return []string{"AmazonProvidedDNS"}, "", "", true
	}
	d := w.n.DHCPOptions[id]
	if d == nil {
		w.dnsMissing(KindDHCPOptions, id, id, fmt.Sprintf("DHCP options %s of %s, which say which DNS server its clients ask", id, v.ID))
		return nil, "", id, false
	}
	if len(d.DomainNameServers) == 0 {
		w.dnsFind(Finding{Code: "DNS_NO_SERVER", Severity: SeverityUnknown, Component: id, Rule: "no domain-name-servers",
			Detail: fmt.Sprintf("DHCP options %s give no DNS server, so clients resolve only what is configured on the instance, which reach cannot see", id),
			Fix:    fmt.Sprintf("aws ec2 create-dhcp-options --dhcp-configurations Key=domain-name-servers,Values=AmazonProvidedDNS, then aws ec2 associate-dhcp-options --dhcp-options-id <dopt-…> --vpc-id %s", v.ID)})
		return nil, "", id, false
	}
	return d.DomainNameServers, d.DomainName, id, true
}

// resolveAmazon resolves a name with the Route 53 Resolver of ctx's VPC.
func (w *walker) resolveAmazon(ctx *dnsCtx, name, how string) []netip.Addr {
	v := w.n.VPCs[ctx.vpcID]
	if v == nil {
		w.dnsMissing(KindVPCs, ctx.vpcID, ctx.vpcID, "VPC "+ctx.vpcID)
		return nil
	}
	w.dnsDecide(Decision{Component: v.ID, Step: "resolver", Outcome: "forward", Rule: "Route 53 Resolver of " + v.ID + " via " + how})
	switch {
	case v.DNSSupport == nil:
		w.dnsMissing(KindVPCAttributes, v.ID, v.ID, fmt.Sprintf("enableDnsSupport of %s, without which the Amazon DNS server does not answer", v.ID))
		return nil
	case !*v.DNSSupport:
		w.dnsFind(Finding{Code: "DNS_SUPPORT_DISABLED", Severity: SeverityBlock, Component: v.ID, Rule: "enableDnsSupport=false",
			Detail: fmt.Sprintf("%s has enableDnsSupport off, so the Amazon DNS server does not answer its queries", v.ID),
			Fix:    fmt.Sprintf(`aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support "{\"Value\":true}"`, v.ID)})
		return nil
	}
	return w.resolveName(ctx, name)
}

// selKind is what decides a name in the Resolver.
type selKind int

const (
	selPublic selKind = iota
	selZone
	selEndpoint
	selInternal
	selForward
	selSystem
)

// candidate is one rule that matches a name.
type candidate struct {
	kind     selKind
	domain   string
	customer bool
	zone     *HostedZone
	rule     *ResolverRule
	ez       endpointZone
	// uncertain says why the candidate may or may not apply (its data is
	// missing).
	uncertain string
}

func (c candidate) component(vpc string) string {
	switch {
	case c.zone != nil:
		return c.zone.ID
	case c.rule != nil:
		return c.rule.ID
	case c.ez.endpoint != nil:
		return c.ez.endpoint.ID
	}
	return vpc
}

func (c candidate) String() string {
	switch c.kind {
	case selZone:
		return fmt.Sprintf("private hosted zone %s (%s)", c.domain, c.zone.ID)
	case selEndpoint:
		return fmt.Sprintf("private DNS of interface endpoint %s: %s", c.ez.endpoint.ID, c.domain)
	case selInternal:
		return fmt.Sprintf("EC2 private hostnames %s (autodefined)", c.domain)
	case selForward:
		var ts []string
		for _, t := range c.rule.TargetIPs {
			ts = append(ts, targetText(t))
		}
		return fmt.Sprintf("FORWARD %s → %s (%s)", dotted(c.domain), strings.Join(ts, ", "), c.rule.ID)
	case selSystem:
		return fmt.Sprintf("SYSTEM %s (%s)", dotted(c.domain), c.rule.ID)
	}
	if c.rule != nil {
		return fmt.Sprintf("Internet Resolver . (%s)", c.rule.ID)
	}
	return "Internet Resolver . (autodefined)"
}

func dotted(domain string) string {
	if domain == "" {
		return "."
	}
	return domain
}

func targetText(t TargetIP) string {
	port := t.Port
	if port == 0 {
		port = 53
	}
	if t.Addr.Is6() {
		return fmt.Sprintf("[%s]:%d", t.Addr, port)
	}
	return fmt.Sprintf("%s:%d", t.Addr, port)
}

// resolveName resolves one name in ctx's VPC, from the choice of rule on;
// a CNAME target starts here again.
func (w *walker) resolveName(ctx *dnsCtx, name string) []netip.Addr {
	comp := ctx.vpcID
	if ctx.via != nil {
		comp = ctx.via.component
	}
	if slices.Contains(ctx.chain, name) {
		w.dnsFind(Finding{Code: "DNS_LOOP", Severity: SeverityBlock, Component: comp, Rule: ctx.via.ruleOr(name),
			Detail: fmt.Sprintf("resolving %s leads back to %s (%s): the chain loops, and the Resolver answers SERVFAIL", ctx.chain[0], name, strings.Join(append(slices.Clone(ctx.chain), name), " → "))})
		return nil
	}
	if ctx.depth >= maxDNSDepth {
		w.dnsFind(Finding{Code: "DNS_CHAIN_TOO_LONG", Severity: SeverityBlock, Component: comp, Rule: ctx.via.ruleOr(name),
			Detail: fmt.Sprintf("resolving %s follows more than %d records and forwards (%s); the Resolver gives up", name, maxDNSDepth, strings.Join(append(slices.Clone(ctx.chain), name), " → "))})
		return nil
	}
	ctx = ctx.next(name)
	if ctx.vpcID == "" {
		return w.resolvePublic(ctx, name)
	}
	c, ok := w.selectRule(ctx, name, false)
	if !ok {
		return nil
	}
	switch c.kind {
	case selZone:
		if !w.hostnamesOn(ctx, c) {
			return nil
		}
		return w.lookupZone(ctx, c.zone, name, nil)
	case selEndpoint:
		if !w.hostnamesOn(ctx, c) {
			return nil
		}
		return w.endpointZoneAnswer(ctx, c.ez, name)
	case selInternal:
		return w.internalName(ctx, name, c.domain)
	case selForward:
		return w.forward(ctx, c.rule, name)
	}
	return w.resolvePublic(ctx, name)
}

func (v *dnsVia) ruleOr(name string) string {
	if v == nil {
		return name
	}
	return v.rule
}

// selectRule picks the rule that decides name in ctx's VPC: the most
// specific match, a customer rule winning a tie; a SYSTEM rule hands the
// name back to the autodefined rules (selectRule with autoOnly).
func (w *walker) selectRule(ctx *dnsCtx, name string, autoOnly bool) (candidate, bool) {
	for _, k := range []DataKind{KindResolverRules, KindResolverRuleAssociations, KindHostedZones} {
		if _, gap := w.ix.gap(k); gap {
			w.dnsMissing(k, "", ctx.vpcID, fmt.Sprintf("the rules that decide %s in %s", name, ctx.vpcID))
			return candidate{}, false
		}
	}
	var cands []candidate
	var root *ResolverRule
	if !autoOnly {
		for _, r := range w.ix.dns.rulesByVPC[ctx.vpcID] {
			dom := normName(r.DomainName)
			switch strings.ToUpper(r.RuleType) {
			case RuleForward:
				if inDomain(name, dom) {
					cands = append(cands, candidate{kind: selForward, domain: dom, customer: true, rule: r})
				}
			case RuleSystem:
				if inDomain(name, dom) {
					cands = append(cands, candidate{kind: selSystem, domain: dom, customer: true, rule: r})
				}
			default:
				if labels(dom) == 0 && root == nil {
					root = r
				}
			}
		}
	}
	for s := name; ; s = parentName(s) {
		for _, z := range w.ix.dns.zonesByName[s] {
			if !z.Private {
				continue
			}
			assoc, known := w.zoneAssociated(z, ctx.vpcID)
			switch {
			case assoc:
				cands = append(cands, candidate{kind: selZone, domain: s, zone: z})
			case !known:
				cands = append(cands, candidate{kind: selZone, domain: s, zone: z, uncertain: "whether " + z.ID + " is associated with " + ctx.vpcID})
			}
		}
		if s == "" {
			break
		}
	}
	for _, ez := range w.ix.dns.privateDNS[ctx.vpcID] {
		// The managed zone is named after the private DNS name: it claims
		// every name below it, and answers only the name itself unless the
		// name is a wildcard.
		if inDomain(name, ez.name) {
			cands = append(cands, candidate{kind: selEndpoint, domain: ez.name, ez: ez})
		}
	}
	if v := w.n.VPCs[ctx.vpcID]; v != nil {
		if dom := internalDomain(v.Region); dom != "" && inDomain(name, dom) {
			switch {
			case v.DNSHostnames == nil:
				cands = append(cands, candidate{kind: selInternal, domain: dom, uncertain: "enableDnsHostnames of " + v.ID})
			case *v.DNSHostnames:
				cands = append(cands, candidate{kind: selInternal, domain: dom})
			}
		}
	}
	best := candidate{kind: selPublic, rule: root}
	bestRank := -1
	for _, c := range cands {
		if c.uncertain != "" {
			continue
		}
		r := labels(c.domain)*2 + boolInt(c.customer)
		if r > bestRank {
			best, bestRank = c, r
		}
	}
	for _, c := range cands {
		if c.uncertain != "" && labels(c.domain)*2+boolInt(c.customer) >= bestRank {
			k := KindHostedZoneVPCs
			scope := c.component(ctx.vpcID)
			if c.kind == selInternal {
				k, scope = KindVPCAttributes, ctx.vpcID
			}
			w.dnsMissing(k, scope, c.component(ctx.vpcID), fmt.Sprintf("%s decides whether %s can answer %s", c.uncertain, c, name))
			return candidate{}, false
		}
	}
	if !w.brief {
		lines := []RuleLine{}
		for _, c := range cands {
			if c.uncertain == "" {
				lines = append(lines, RuleLine{Text: c.String(), Matched: c == best})
			}
		}
		lines = append(lines, RuleLine{Text: candidate{kind: selPublic, rule: root}.String(), Matched: best.kind == selPublic})
		step := "rule for " + name + " in " + ctx.vpcID
		if autoOnly {
			step = "autodefined rule for " + name + " (SYSTEM rule)"
		}
		w.dnsDecide(Decision{Component: best.component(ctx.vpcID), Step: step, Outcome: "forward", Rule: best.String() + " (most specific match)", Rules: lines})
	} else {
		w.dnsDecide(Decision{})
	}
	if best.kind == selSystem {
		return w.selectRule(ctx, name, true)
	}
	return best, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// zoneAssociated reports whether a private zone lists the VPC; known is
// false when the zone's associations were not read.
func (w *walker) zoneAssociated(z *HostedZone, vpcID string) (assoc, known bool) {
	for _, a := range z.VPCs {
		if a.VPCID != vpcID {
			continue
		}
		v := w.n.VPCs[vpcID]
		if a.Region == "" || v == nil || v.Region == "" || a.Region == v.Region {
			return true, true
		}
	}
	if _, gap := w.ix.scopedGap(KindHostedZoneVPCs, z.ID); gap {
		return false, false
	}
	return false, true
}

// internalDomain is the domain of the EC2 private hostnames in a Region.
func internalDomain(region string) string {
	switch region {
	case "":
		return ""
	case "us-east-1":
		return "ec2.internal"
	}
	return region + ".compute.internal"
}

// hostnamesOn applies the rule that private hosted zones and endpoint
// private DNS need both enableDnsSupport and enableDnsHostnames
// (SEMANTICS.md §9.1); support was checked when the resolver was chosen.
func (w *walker) hostnamesOn(ctx *dnsCtx, c candidate) bool {
	v := w.n.VPCs[ctx.vpcID]
	if v == nil {
		return true
	}
	comp := c.component(ctx.vpcID)
	switch {
	case v.DNSHostnames == nil:
		w.dnsMissing(KindVPCAttributes, v.ID, comp, fmt.Sprintf("enableDnsHostnames of %s, which %s needs", v.ID, c))
		return false
	case !*v.DNSHostnames:
		w.dnsFind(Finding{Code: "DNS_HOSTNAMES_DISABLED", Severity: SeverityBlock, Component: comp, Rule: "enableDnsHostnames=false on " + v.ID,
			Detail: fmt.Sprintf("%s would answer, but %s has enableDnsHostnames off; private hosted zones and endpoint private DNS need both enableDnsSupport and enableDnsHostnames", c, v.ID),
			Fix:    fmt.Sprintf(`aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-hostnames "{\"Value\":true}"`, v.ID)})
		return false
	}
	return true
}
