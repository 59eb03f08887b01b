// Record lookups: answering a name from a hosted zone (wildcards, CNAME and
// alias chains, load balancer and endpoint names, public names of
// instances), and the findings of a name that gets no answer.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// find returns the records answering name in the zone: its own, else a
// wildcard at the closest existing ancestor. owner is "" when no name
// matches (NXDOMAIN); an existing name with no records is an empty
// non-terminal.
func (zr *zoneRecords) find(name, apex string) (rrs []*Record, owner string) {
	if rrs := zr.byName[name]; len(rrs) > 0 {
		return rrs, name
	}
	if zr.exists[name] {
		return nil, name
	}
	for p := parentName(name); ; p = parentName(p) {
		if p == apex || zr.exists[p] {
			if wild := zr.byName["*."+p]; len(wild) > 0 {
				return wild, "*." + p
			}
			return nil, ""
		}
		if p == "" || !inDomain(p, apex) {
			return nil, ""
		}
	}
}

// lookupZone answers name from a hosted zone. hint is a private zone that
// holds the name but is not associated with the querying VPC: when the
// public zone has no such name, that association is the fix.
func (w *walker) lookupZone(ctx *dnsCtx, z *HostedZone, name string, hint *HostedZone) []netip.Addr {
	zr := w.ix.dns.records[z.ID]
	apex := normName(z.Name)
	if zr == nil {
		w.dnsMissing(KindRecordSets, z.ID, z.ID, fmt.Sprintf("the records of %s (%s)", apex, z.ID))
		return nil
	}
	if !z.Private {
		// A public zone may delegate a subdomain; the answer then lives
		// on other servers.
		for p := name; p != apex && p != ""; p = parentName(p) {
			for _, r := range zr.byName[p] {
				if strings.EqualFold(r.Type, "NS") {
					w.dnsFind(Finding{Code: "DNS_DELEGATED", Severity: SeverityUnknown, Component: z.ID, Rule: p + " NS " + strings.Join(r.Values, " "),
						Detail: fmt.Sprintf("%s delegates %s to other name servers, which reach cannot see", apex, p)})
					return nil
				}
			}
		}
	}
	rrs, owner := zr.find(name, apex)
	qt := ctx.qtype()
	var cname *Record
	var answers, others []*Record
	for _, r := range rrs {
		switch t := strings.ToUpper(r.Type); {
		case t == "CNAME" && name != apex:
			if cname == nil {
				cname = r
			}
		case t == qt:
			answers = append(answers, r)
		default:
			others = append(others, r)
		}
	}
	zoneText := fmt.Sprintf("%s (%s)", apex, z.ID)
	if cname != nil {
		return w.followCNAME(ctx, z, name, owner, cname)
	}
	if len(answers) == 0 {
		w.noAnswer(ctx, z, name, owner, others, hint)
		return nil
	}
	if !z.Private {
		w.dnsFind(Finding{Code: "DNS_PUBLIC_ZONE_ASSUMED", Severity: SeverityWarn, Component: z.ID, Rule: "public zone " + zoneText,
			Detail: fmt.Sprintf("%s is answered from public DNS; reach assumes public zone %s of this account is the one delegated for %s (it cannot see the registrar's delegation)", name, zoneText, apex)})
	}
	if len(answers) > 1 {
		w.notes = append(w.notes, fmt.Sprintf("%s has %d %s record sets under a routing policy (%s); the Resolver answers one of them per query, and every one is evaluated", name, len(answers), qt, setIDs(answers)))
	}
	var out []netip.Addr
	for _, r := range answers {
		if r.Alias != nil {
			out = append(out, w.followAlias(ctx, z, name, r)...)
			continue
		}
		var vals []netip.Addr
		for _, v := range r.Values {
			a, err := netip.ParseAddr(strings.TrimSpace(v))
			if err != nil || a.Is4() == ctx.want6 {
				w.dnsFind(Finding{Code: "DNS_BAD_RECORD", Severity: SeverityUnknown, Component: z.ID, Rule: fmt.Sprintf("%s %s %s", owner, qt, v),
					Detail: fmt.Sprintf("the %s record %s in %s holds %q, which is not an %s address", qt, owner, zoneText, v, familyName(ctx.want6))})
				continue
			}
			vals = append(vals, a)
		}
		w.dnsDecide(Decision{Component: z.ID, Step: fmt.Sprintf("%s %s in %s", name, qt, zoneText), Outcome: "allow", Rule: fmt.Sprintf("%s %s %s", owner, qt, addrList(vals))})
		out = append(out, vals...)
	}
	return out
}

func familyName(v6 bool) string {
	if v6 {
		return "IPv6"
	}
	return "IPv4"
}

func setIDs(rs []*Record) string {
	var ids []string
	for _, r := range rs {
		if r.SetIdentifier != "" {
			ids = append(ids, r.SetIdentifier)
		}
	}
	if len(ids) == 0 {
		return "no set identifiers"
	}
	return strings.Join(ids, ", ")
}

func addrList(as []netip.Addr) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}

// noAnswer reports a name a zone does not answer: NXDOMAIN when the name
// does not exist, NODATA when it exists with other types only.
func (w *walker) noAnswer(ctx *dnsCtx, z *HostedZone, name, owner string, others []*Record, hint *HostedZone) {
	apex := normName(z.Name)
	zoneText := fmt.Sprintf("%s (%s)", apex, z.ID)
	qt := ctx.qtype()
	if owner != "" {
		var types []string
		for _, r := range others {
			if !slices.Contains(types, r.Type) {
				types = append(types, r.Type)
			}
		}
		have := "no records of its own"
		if len(types) > 0 {
			have = "only " + strings.Join(types, ", ")
		}
		w.dnsDecide(Decision{Component: z.ID, Step: fmt.Sprintf("%s %s in %s", name, qt, zoneText), Outcome: "drop", Rule: "no " + qt + " record"})
		w.dnsFind(Finding{Code: "DNS_NO_ANSWER", Severity: SeverityBlock, Component: z.ID, Rule: fmt.Sprintf("no %s record %s in %s", qt, name, apex),
			Detail: fmt.Sprintf("%s exists in %s with %s, so the Resolver answers with no %s address (NODATA) and the client cannot connect over %s", name, zoneText, have, qt, familyName(ctx.want6)),
			Fix:    recordFix(z.ID, name, qt)})
		return
	}
	w.dnsDecide(Decision{Component: z.ID, Step: fmt.Sprintf("%s %s in %s", name, qt, zoneText), Outcome: "drop", Rule: "NXDOMAIN: no such name"})
	if hint != nil && z.ID != hint.ID {
		w.dnsFind(Finding{Code: "DNS_NXDOMAIN", Severity: SeverityBlock, Component: hint.ID, Rule: fmt.Sprintf("%s not associated with %s", hint.ID, ctx.vpcID),
			Detail: fmt.Sprintf("private hosted zone %s (%s) covers %s but is not associated with %s, so the Resolver asks public DNS, where %s has no such name: NXDOMAIN (reach assumes that public zone is the one delegated for %s)", normName(hint.Name), hint.ID, name, ctx.vpcID, zoneText, apex),
			Fix:    associateZoneFix(hint.ID, ctx.vpcID, w.n.VPCs[ctx.vpcID])})
		return
	}
	comp, rule := z.ID, fmt.Sprintf("no record %s in %s", name, apex)
	detail := fmt.Sprintf("%s has no record %s and no wildcard that covers it, so the Resolver answers NXDOMAIN", zoneText, name)
	if z.Private {
		detail += "; the most specific private zone answers alone, with no fall-back to a parent zone or to public DNS"
	} else {
		detail += fmt.Sprintf(" (reach assumes public zone %s is the one delegated for %s)", z.ID, apex)
	}
	if ctx.via != nil && ctx.via.component != z.ID {
		detail = fmt.Sprintf("%s points to %s, but %s", ctx.via.rule, name, detail)
	}
	w.dnsFind(Finding{Code: "DNS_NXDOMAIN", Severity: SeverityBlock, Component: comp, Rule: rule, Detail: detail, Fix: recordFix(z.ID, name, qt)})
}

func recordFix(zoneID, name, qt string) string {
	return fmt.Sprintf(`aws route53 change-resource-record-sets --hosted-zone-id %s --change-batch '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"%s","Type":"%s","TTL":300,"ResourceRecords":[{"Value":"ADDRESS"}]}}]}'`, zoneID, name, qt)
}

func associateZoneFix(zoneID, vpcID string, v *VPC) string {
	region := "REGION"
	if v != nil && v.Region != "" {
		region = v.Region
	}
	return fmt.Sprintf("aws route53 associate-vpc-with-hosted-zone --hosted-zone-id %s --vpc VPCRegion=%s,VPCId=%s", zoneID, region, vpcID)
}

// followCNAME restarts resolution at the CNAME's target: it may live in
// another zone, be forwarded, or be public.
func (w *walker) followCNAME(ctx *dnsCtx, z *HostedZone, name, owner string, r *Record) []netip.Addr {
	if len(r.Values) == 0 || normName(r.Values[0]) == "" {
		w.dnsFind(Finding{Code: "DNS_BAD_RECORD", Severity: SeverityBlock, Component: z.ID, Rule: owner + " CNAME (empty)",
			Detail: fmt.Sprintf("the CNAME record %s in %s has no target", owner, z.ID)})
		return nil
	}
	target := normName(r.Values[0])
	rule := fmt.Sprintf("%s CNAME %s", name, target)
	w.dnsDecide(Decision{Component: z.ID, Step: fmt.Sprintf("%s in %s (%s)", name, normName(z.Name), z.ID), Outcome: "forward", Rule: rule})
	inner := *ctx
	inner.via = &dnsVia{component: z.ID, rule: rule}
	return w.resolveName(&inner, target)
}

// followAlias answers an alias record: a record of the same zone, a load
// balancer or a VPC endpoint, found by its interfaces; other AWS targets
// are out of sight.
func (w *walker) followAlias(ctx *dnsCtx, z *HostedZone, name string, r *Record) []netip.Addr {
	target := normName(r.Alias.DNSName)
	rule := fmt.Sprintf("%s %s alias %s", name, strings.ToUpper(r.Type), target)
	w.dnsDecide(Decision{Component: z.ID, Step: fmt.Sprintf("%s in %s (%s)", name, normName(z.Name), z.ID), Outcome: "forward", Rule: rule})
	inner := *ctx
	inner.via = &dnsVia{component: z.ID, rule: rule}
	switch {
	case r.Alias.HostedZoneID == z.ID || !isAWSName(target) && inDomain(target, normName(z.Name)):
		if slices.Contains(ctx.chain, target) || ctx.depth >= maxDNSDepth {
			return w.resolveName(&inner, target)
		}
		next := inner.next(target)
		return w.lookupZone(next, z, target, nil)
	case isELBName(target):
		return w.loadBalancerAnswer(&inner, target)
	case isVPCEName(target):
		return w.vpcEndpointAnswer(&inner, target)
	}
	w.dnsFind(Finding{Code: "DNS_ALIAS_OUT_OF_SIGHT", Severity: SeverityUnknown, Component: z.ID, Rule: rule,
		Detail: fmt.Sprintf("%s is an alias to %s, an AWS service name whose addresses reach cannot see", name, target)})
	return nil
}

func isAWSName(name string) bool {
	return strings.HasSuffix(name, ".amazonaws.com") || strings.HasSuffix(name, ".cloudfront.net") || strings.HasSuffix(name, ".awsglobalaccelerator.com")
}

func isELBName(name string) bool {
	return strings.HasSuffix(name, ".amazonaws.com") && (strings.Contains(name, ".elb.") || strings.HasPrefix(parentName(name), "elb."))
}

func isVPCEName(name string) bool {
	return strings.HasPrefix(name, "vpce-") && strings.HasSuffix(name, ".vpce.amazonaws.com")
}

// loadBalancerAnswer finds a load balancer's addresses by the interfaces
// ELB gives it: "NAME-ID.elb.REGION.amazonaws.com" (NLB),
// "[internal-]NAME-NUMBER.REGION.elb.amazonaws.com" (ALB, Classic), each
// with an optional "dualstack." in front. An internet-facing load
// balancer's name resolves to its public addresses, everywhere.
func (w *walker) loadBalancerAnswer(ctx *dnsCtx, target string) []netip.Addr {
	label, rest, _ := strings.Cut(target, ".")
	if label == "dualstack" {
		label, _, _ = strings.Cut(rest, ".")
	}
	label = strings.TrimPrefix(label, "internal-")
	lbName, suffix := label, ""
	if i := strings.LastIndexByte(label, '-'); i > 0 {
		lbName, suffix = label[:i], label[i+1:]
	}
	all := w.ix.dns.lbENIs[lbName]
	var list []lbENI
	for _, l := range all {
		if l.id == suffix {
			list = append(list, l)
		}
	}
	if len(list) == 0 {
		list = all
	}
	comp := ctx.via.componentOr(target)
	if len(list) == 0 {
		what := fmt.Sprintf("no interface carries the description of load balancer %s (\"ELB net/%s/…\" or \"ELB app/%s/…\"), so the addresses of %s are out of sight", lbName, lbName, lbName, target)
		if _, gap := w.ix.gap(KindNetworkInterfaces); gap {
			w.dnsMissing(KindNetworkInterfaces, "", comp, what)
			return nil
		}
		w.dnsFind(Finding{Code: "DNS_ALIAS_OUT_OF_SIGHT", Severity: SeverityUnknown, Component: comp, Rule: ctx.via.ruleOr(target), Detail: what + " (another account's or Region's load balancer, or deleted)"})
		return nil
	}
	var out []netip.Addr
	var parts []string
	for _, l := range list {
		for _, a := range answerAddrs(l.eni, ctx.want6) {
			out = append(out, a)
			parts = append(parts, fmt.Sprintf("%s %s", l.eni.ID, a))
		}
	}
	kind := map[string]string{"net": "network load balancer", "app": "application load balancer", "gwy": "gateway load balancer", "classic": "Classic Load Balancer"}[list[0].kind]
	w.dnsDecide(Decision{Component: list[0].eni.ID, Step: "alias target " + target, Outcome: "allow", Rule: fmt.Sprintf("%s %s: %s", kind, lbName, strings.Join(parts, ", "))})
	if len(out) == 0 {
		w.dnsFind(Finding{Code: "DNS_NO_ANSWER", Severity: SeverityBlock, Component: comp, Rule: ctx.via.ruleOr(target),
			Detail: fmt.Sprintf("load balancer %s has no %s address, so %s has no answer", lbName, familyName(ctx.want6), target)})
	}
	return out
}

func (v *dnsVia) componentOr(def string) string {
	if v == nil {
		return def
	}
	return v.component
}

// answerAddrs is what DNS answers for an interface: its public address when
// it has one (an internet-facing load balancer), else its private one.
func answerAddrs(e *ENI, want6 bool) []netip.Addr {
	if want6 {
		return slices.Clone(e.IPv6)
	}
	if len(e.PrivateIPs) == 0 {
		return nil
	}
	p := e.PrivateIPs[0]
	for _, ip := range e.PrivateIPs {
		if ip.Primary {
			p = ip
		}
	}
	if p.Public.IsValid() {
		return []netip.Addr{p.Public}
	}
	return []netip.Addr{p.Addr}
}

// vpcEndpointAnswer answers an endpoint-specific name,
// "vpce-ID-SUFFIX[-AZ].SERVICE.REGION.vpce.amazonaws.com": the private
// addresses of the endpoint's interfaces (of one zone with the AZ suffix),
// from anywhere.
func (w *walker) vpcEndpointAnswer(ctx *dnsCtx, target string) []netip.Addr {
	label, _, _ := strings.Cut(target, ".")
	parts := strings.Split(label, "-")
	comp := ctx.via.componentOr(target)
	if len(parts) < 2 {
		w.dnsFind(Finding{Code: "DNS_ALIAS_OUT_OF_SIGHT", Severity: SeverityUnknown, Component: comp, Rule: ctx.via.ruleOr(target), Detail: target + " is not an endpoint name reach understands"})
		return nil
	}
	id := "vpce-" + parts[1]
	az := ""
	if len(parts) > 3 {
		az = strings.Join(parts[3:], "-")
	}
	ep := w.n.Endpoints[id]
	if ep == nil {
		if _, gap := w.ix.gap(KindVPCEndpoints); gap {
			w.dnsMissing(KindVPCEndpoints, "", comp, "endpoint "+id+" of "+target)
			return nil
		}
		w.dnsFind(Finding{Code: "DNS_ALIAS_OUT_OF_SIGHT", Severity: SeverityUnknown, Component: comp, Rule: ctx.via.ruleOr(target),
			Detail: fmt.Sprintf("%s names endpoint %s, which is not in the data (another account's or Region's, or deleted)", target, id)})
		return nil
	}
	return w.endpointAddrs(ctx, ep, az, "endpoint name "+target)
}

func (w *walker) endpointAddrs(ctx *dnsCtx, ep *Endpoint, az, why string) []netip.Addr {
	var out []netip.Addr
	var parts []string
	missing := false
	for _, id := range ep.ENIIDs {
		e := w.n.ENIs[id]
		if e == nil {
			missing = true
			continue
		}
		if az != "" && e.AZ != "" && e.AZ != az {
			continue
		}
		for _, a := range answerAddrs(e, ctx.want6) {
			out = append(out, a)
			parts = append(parts, fmt.Sprintf("%s %s", e.ID, a))
		}
	}
	if missing {
		w.dnsMissing(KindNetworkInterfaces, "", ep.ID, "interfaces of endpoint "+ep.ID)
	}
	w.dnsDecide(Decision{Component: ep.ID, Step: why, Outcome: "allow", Rule: fmt.Sprintf("interface endpoint %s: %s", ep.ID, strings.Join(parts, ", "))})
	if len(out) == 0 && !missing {
		w.dnsFind(Finding{Code: "DNS_NO_ANSWER", Severity: SeverityBlock, Component: ep.ID, Rule: why,
			Detail: fmt.Sprintf("endpoint %s has no %s interface address to answer with", ep.ID, familyName(ctx.want6))})
	}
	return out
}

// endpointZoneAnswer answers from the private hosted zone AWS manages for
// an interface endpoint with private DNS: the regional service name (and
// every subdomain for a wildcard name) resolves to the endpoint's
// interfaces.
func (w *walker) endpointZoneAnswer(ctx *dnsCtx, ez endpointZone, name string) []netip.Addr {
	if name != ez.name && !ez.wildcard {
		w.dnsFind(Finding{Code: "DNS_NXDOMAIN", Severity: SeverityBlock, Component: ez.endpoint.ID, Rule: "private DNS name " + ez.name,
			Detail: fmt.Sprintf("the private DNS of interface endpoint %s answers only %s; %s does not exist there, and there is no fall-back to public DNS", ez.endpoint.ID, ez.name, name)})
		return nil
	}
	if ez.endpoint.State != "" && !strings.EqualFold(ez.endpoint.State, "available") {
		w.dnsFind(Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: ez.endpoint.ID, Rule: "state " + ez.endpoint.State,
			Detail: fmt.Sprintf("interface endpoint %s, whose private DNS answers %s, is %s", ez.endpoint.ID, name, ez.endpoint.State)})
		return nil
	}
	return w.endpointAddrs(ctx, ez.endpoint, "", "private DNS "+ez.name)
}

// internalName answers an EC2 private hostname, ip-A-B-C-D.DOMAIN, which
// names its address within the VPC.
func (w *walker) internalName(ctx *dnsCtx, name, domain string) []netip.Addr {
	label, ok := strings.CutSuffix(name, "."+domain)
	v := w.n.VPCs[ctx.vpcID]
	if ok && !strings.Contains(label, ".") && strings.HasPrefix(label, "ip-") && !ctx.want6 && v != nil {
		if a, err := netip.ParseAddr(strings.ReplaceAll(strings.TrimPrefix(label, "ip-"), "-", ".")); err == nil && a.Is4() {
			for _, c := range v.CIDRs {
				if c.Contains(a) {
					w.dnsDecide(Decision{Component: v.ID, Step: "EC2 private hostname " + name, Outcome: "allow", Rule: fmt.Sprintf("%s → %s (IP-based name inside %s)", name, a, c)})
					return []netip.Addr{a}
				}
			}
		}
	}
	w.dnsFind(Finding{Code: "DNS_INTERNAL_NAME", Severity: SeverityUnknown, Component: ctx.vpcID, Rule: "EC2 private hostname " + name,
		Detail: fmt.Sprintf("%s is an EC2 private hostname that is not an IP-based name of %s (resource-based names depend on subnet settings reach does not read)", name, ctx.vpcID)})
	return nil
}

// resolvePublic answers a name no private rule claims: public DNS, which
// reach sees only through the account's own public zones and the AWS names
// whose answers follow from the data.
func (w *walker) resolvePublic(ctx *dnsCtx, name string) []netip.Addr {
	switch {
	case isELBName(name):
		return w.loadBalancerAnswer(ctx, name)
	case isVPCEName(name):
		return w.vpcEndpointAnswer(ctx, name)
	}
	if strings.HasSuffix(name, ".rds.amazonaws.com") && !ctx.want6 {
		if addrs, ok := w.dbInstanceAnswer(ctx, name); ok {
			return addrs
		}
	}
	if a, ok := ec2PublicName(name); ok && !ctx.want6 {
		if m, ok := w.ix.byPublic[a]; ok && m.eni != nil && m.eni.VPCID == ctx.vpcID {
			if v := w.n.VPCs[ctx.vpcID]; v != nil && v.DNSHostnames != nil && *v.DNSHostnames {
				w.dnsDecide(Decision{Component: m.eni.ID, Step: "EC2 public hostname " + name, Outcome: "allow", Rule: fmt.Sprintf("inside %s the public hostname resolves to the private address %s", ctx.vpcID, m.private)})
				return []netip.Addr{m.private}
			}
		}
		if m, ok := w.ix.byPublic[a]; ok && m.eni != nil && m.eni.VPCID != ctx.vpcID && ctx.vpcID != "" {
			if addrs, decided := w.publicNameAcrossPeering(ctx, name, m); decided {
				return addrs
			}
		}
		w.dnsDecide(Decision{Component: ctx.vpcID, Step: "EC2 public hostname " + name, Outcome: "allow", Rule: fmt.Sprintf("%s → %s", name, a)})
		return []netip.Addr{a}
	}
	var hint *HostedZone
	if ctx.vpcID != "" {
		hint = w.unassociatedZone(ctx.vpcID, name)
	}
	var zones []*HostedZone
	for s := name; ; s = parentName(s) {
		for _, z := range w.ix.dns.zonesByName[s] {
			if !z.Private {
				zones = append(zones, z)
			}
		}
		if len(zones) > 0 || s == "" {
			break
		}
	}
	switch {
	case len(zones) == 1:
		return w.lookupZone(ctx, zones[0], name, hint)
	case len(zones) > 1:
		var ids []string
		for _, z := range zones {
			ids = append(ids, z.ID)
		}
		w.dnsFind(Finding{Code: "DNS_PUBLIC", Severity: SeverityUnknown, Component: zones[0].ID, Rule: "public zones " + strings.Join(ids, ", "),
			Detail: fmt.Sprintf("%s is resolved by public DNS; this account holds %d public zones named %s (%s) and reach cannot tell which one the registrar delegates to", name, len(zones), normName(zones[0].Name), strings.Join(ids, ", "))})
		return nil
	}
	if ctx.vpcID != "" {
		w.publicHints(ctx, name, hint)
	}
	comp := ctx.via.componentOr("")
	rule := ctx.via.ruleOr(name)
	if comp == "" {
		comp = ctx.vpcID
		if comp == "" {
			comp = name
		}
		for _, r := range w.ix.dns.rulesByVPC[ctx.vpcID] {
			if labels(normName(r.DomainName)) == 0 {
				comp = r.ID
				break
			}
		}
		rule = "Internet Resolver: " + name
	}
	detail := fmt.Sprintf("no private zone, Resolver rule or endpoint of %s claims %s, so the Resolver asks public DNS, which reach cannot see", ctx.vpcID, name)
	if ctx.vpcID == "" {
		detail = fmt.Sprintf("%s is answered by public DNS, which reach cannot see (no public zone of this account holds it)", name)
	}
	if strings.HasSuffix(name, ".rds.amazonaws.com") {
		detail += "; it is an RDS endpoint name, which resolves to the instance's interface (describe-db-instances, when read, does not single out that interface)"
		if rds := w.rdsInterfaces(ctx.vpcID); len(rds) > 0 {
			detail += "; RDS interfaces in " + ctx.vpcID + ": " + strings.Join(rds, ", ")
		}
	}
	w.dnsFind(Finding{Code: "DNS_PUBLIC", Severity: SeverityUnknown, Component: comp, Rule: rule, Detail: detail,
		Fix: fmt.Sprintf("resolve the name on the source (dig %s) and check the address itself", name)})
	return nil
}

// rdsInterfaces lists a few RDS interfaces of a VPC as "eni (address)", a
// hint for an RDS name reach cannot resolve.
func (w *walker) rdsInterfaces(vpcID string) []string {
	var out []string
	for _, id := range w.ix.eniOrder {
		e := w.n.ENIs[id]
		if e.VPCID == vpcID && w.serviceOf(e) == svcRDS {
			out = append(out, fmt.Sprintf("%s (%s)", e.ID, e.PrimaryIP()))
			if len(out) == 3 {
				break
			}
		}
	}
	return out
}

// publicHints names what would have answered a public name privately: a
// private zone not associated with the VPC, a FORWARD rule not associated
// with it, an interface endpoint whose private DNS is off.
func (w *walker) publicHints(ctx *dnsCtx, name string, hint *HostedZone) {
	v := w.n.VPCs[ctx.vpcID]
	if hint != nil {
		w.dnsFind(Finding{Code: "DNS_ZONE_NOT_ASSOCIATED", Severity: SeverityWarn, Component: hint.ID, Rule: fmt.Sprintf("%s not associated with %s", hint.ID, ctx.vpcID),
			Detail: fmt.Sprintf("private hosted zone %s (%s) would answer %s, but it is not associated with %s", normName(hint.Name), hint.ID, name, ctx.vpcID),
			Fix:    associateZoneFix(hint.ID, ctx.vpcID, v)})
	}
	for s := name; ; s = parentName(s) {
		for _, r := range w.ix.dns.rulesByDomain[s] {
			if !strings.EqualFold(r.RuleType, RuleForward) || slices.Contains(w.ix.dns.rulesByVPC[ctx.vpcID], r) {
				continue
			}
			w.dnsFind(Finding{Code: "DNS_RULE_NOT_ASSOCIATED", Severity: SeverityWarn, Component: r.ID, Rule: fmt.Sprintf("%s not associated with %s", r.ID, ctx.vpcID),
				Detail: fmt.Sprintf("Resolver rule %s forwards %s but is not associated with %s, so the name goes to the Internet Resolver instead", r.ID, dotted(s), ctx.vpcID),
				Fix:    fmt.Sprintf("aws route53resolver associate-resolver-rule --resolver-rule-id %s --vpc-id %s", r.ID, ctx.vpcID)})
		}
		if s == "" {
			break
		}
	}
	for _, id := range sortedKeys(w.n.Endpoints) {
		ep := w.n.Endpoints[id]
		if ep.VPCID != ctx.vpcID || ep.Type != "Interface" {
			continue
		}
		for _, pn := range endpointPrivateNames(ep) {
			pn = strings.TrimPrefix(pn, "*.")
			if !inDomain(name, pn) {
				continue
			}
			if !ep.PrivateDNSEnabled {
				w.dnsFind(Finding{Code: "ENDPOINT_PRIVATE_DNS_DISABLED", Severity: SeverityWarn, Component: ep.ID, Rule: "PrivateDnsEnabled=false",
					Detail: fmt.Sprintf("interface endpoint %s serves %s in %s, but its private DNS is off, so %s resolves to the service's public addresses (reached through a NAT or internet gateway, not the endpoint)", ep.ID, pn, ctx.vpcID, name),
					Fix:    fmt.Sprintf("aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --private-dns-enabled", ep.ID)})
			}
		}
	}
}

// unassociatedZone returns the most specific private zone holding name that
// is not associated with the VPC.
func (w *walker) unassociatedZone(vpcID, name string) *HostedZone {
	for s := name; ; s = parentName(s) {
		for _, z := range w.ix.dns.zonesByName[s] {
			if z.Private {
				if assoc, known := w.zoneAssociated(z, vpcID); known && !assoc {
					return z
				}
			}
		}
		if s == "" {
			return nil
		}
	}
}

// ec2PublicName parses an EC2 public hostname:
// ec2-A-B-C-D.compute-1.amazonaws.com or ec2-A-B-C-D.REGION.compute.amazonaws.com.
func ec2PublicName(name string) (netip.Addr, bool) {
	label, rest, ok := strings.Cut(name, ".")
	if !ok || !strings.HasPrefix(label, "ec2-") {
		return netip.Addr{}, false
	}
	if rest != "compute-1.amazonaws.com" && !strings.HasSuffix(rest, ".compute.amazonaws.com") {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(strings.ReplaceAll(strings.TrimPrefix(label, "ec2-"), "-", "."))
	if err != nil || !a.Is4() {
		return netip.Addr{}, false
	}
	return a, true
}

// publicNameAcrossPeering resolves an instance's public hostname queried
// from a VPC peered with the instance's: with DNS resolution from the
// remote VPC allowed on the instance's side of an active peering, and DNS
// hostnames and DNS support on in both VPCs, the name resolves to the
// private address ("Enable DNS resolution for a VPC peering connection",
// https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html).
// It reports whether it decided the answer.
func (w *walker) publicNameAcrossPeering(ctx *dnsCtx, name string, m publicMapping) ([]netip.Addr, bool) {
	owner := m.eni.VPCID
	if _, gap := w.ix.gap(KindPeerings); gap {
		// A peering whose option answers with the private address may be
		// among the connections that were not read.
		w.dnsMissing(KindPeerings, "", owner, fmt.Sprintf("the peering connections of %s, which decide whether %s resolves to its private address from %s", ctx.vpcID, name, ctx.vpcID))
		return nil, true
	}
	for _, pcx := range w.ix.peeringsByVPC[ctx.vpcID] {
		var side PeeringSide
		switch {
		case pcx.Requester.VPCID == owner && pcx.Accepter.VPCID == ctx.vpcID:
			side = pcx.Requester
		case pcx.Accepter.VPCID == owner && pcx.Requester.VPCID == ctx.vpcID:
			side = pcx.Accepter
		default:
			continue
		}
		if !pcx.Active() || !side.AllowDNSFromRemote {
			continue
		}
		for _, id := range []string{ctx.vpcID, owner} {
			v := w.n.VPCs[id]
			if v == nil || v.DNSHostnames == nil || v.DNSSupport == nil {
				w.dnsMissing(KindVPCAttributes, id, pcx.ID, fmt.Sprintf("enableDnsHostnames and enableDnsSupport of %s, which decide whether %s resolves to its private address across %s", id, name, pcx.ID))
				return nil, true
			}
			if !*v.DNSHostnames || !*v.DNSSupport {
				// AWS requires both attributes on both sides; without them the
				// name keeps its public answer.
				return nil, false
			}
		}
		w.dnsDecide(Decision{Component: pcx.ID, Step: "EC2 public hostname " + name, Outcome: "allow",
			Rule: fmt.Sprintf("%s allows DNS resolution from %s for %s (AllowDnsResolutionFromRemoteVpc): the public hostname resolves to the private address %s", pcx.ID, ctx.vpcID, owner, m.private)})
		return []netip.Addr{m.private}, true
	}
	return nil, false
}
