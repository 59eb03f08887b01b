// The service layer applies what AWS services add on top of the packet
// path: a Lambda function's interface never has a public address; an RDS
// instance that is not publicly accessible is private; a NAT gateway and a
// Resolver outbound endpoint accept no connections; an endpoint policy can
// refuse what the network lets through; another account's resource can
// refuse by its own policy; a load balancer accepts only on its listeners'
// ports (loadbalancer.go). Interfaces are recognised by their type,
// requester and description.

package checks

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// serviceKind classifies the AWS service behind an interface.
type serviceKind int

const (
	svcNone serviceKind = iota
	svcLambda
	svcRDS
	svcELB
	svcNAT
	svcEndpoint
	svcResolver
	svcTGW
)

func (w *walker) serviceOf(e *ENI) serviceKind {
	switch e.InterfaceType {
	case "lambda":
		return svcLambda
	case "nat_gateway":
		return svcNAT
	case "network_load_balancer", "gateway_load_balancer", "load_balancer":
		return svcELB
	case "vpc_endpoint", "gateway_load_balancer_endpoint":
		return svcEndpoint
	case "transit_gateway":
		return svcTGW
	}
	switch {
	case e.RequesterID == "amazon-rds" || e.Description == "RDSNetworkInterface":
		return svcRDS
	case strings.HasPrefix(e.Description, "ELB "):
		return svcELB
	case w.ix.dns.endpointENIs[e.ID] != nil, w.n.ManagedBy(e).Kind == "Resolver endpoint":
		// The description names the endpoint even when the Resolver's
		// own data is missing, so its rules still apply (or say unknown).
		return svcResolver
	}
	return svcNone
}

// evalService runs the service layer for a path whose packet layers have
// been walked.
func (w *walker) evalService(q Query, src, dst endpoint, rep *Report) {
	w.dir = Forward
	if src.eni != nil && w.serviceOf(src.eni) == svcLambda {
		w.lambdaEgress(src, dst)
	}
	if dst.eni != nil && !dst.host {
		w.serviceDestination(q, src, dst)
	}
	if rep.Exit != nil && rep.Exit.Kind == ExitAWSService {
		if ep := w.n.Endpoints[rep.Exit.Gateway]; ep != nil {
			w.endpointPolicy(ep, "the path leaves through gateway endpoint "+ep.ID)
		}
	}
	// Last, so the layer's summary names the service rule when one applies.
	w.instanceRunning(src.eni, "source")
	if !dst.host {
		w.instanceRunning(dst.eni, "destination")
	}
}

// isInternetAddr reports whether an address belongs to the public
// internet (not private, shared or special-purpose).
func isInternetAddr(a netip.Addr) bool {
	return a.IsGlobalUnicast() && !a.IsPrivate() && !sharedSpace.Contains(a)
}

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// lambdaEgress flags the classic mistake: a Lambda subnet routing the
// internet to an internet gateway. Lambda interfaces never get a public
// IPv4 address, so only a NAT path reaches the internet.
func (w *walker) lambdaEgress(src, dst endpoint) {
	e := src.eni
	s := w.n.Subnets[e.SubnetID]
	if s == nil {
		return
	}
	ct := w.tableForSubnet(s)
	if ct == nil {
		return
	}
	outside := dst.external || dst.viaPublic
	if !outside || !dst.addr.Is4() {
		w.decide(LayerService, Decision{Component: e.ID, Step: "source " + e.ID, Outcome: "allow", Rule: "Lambda function interface (no public IPv4 address; the internet only through NAT)"})
		// Not this path's problem, but the function's: its default route
		// cannot carry it to the internet.
		for i := range ct.routes {
			r := &ct.routes[i]
			if r.prefix.Bits() == 0 && r.prefix.Addr().Is4() && r.route.Target == TargetIGW {
				w.find(LayerService, Finding{Code: "LAMBDA_VIA_INTERNET_GATEWAY", Severity: SeverityInfo, Component: ct.table.ID, Rule: routeText(r),
					Detail: fmt.Sprintf("not on this path, but %s, a Lambda function's interface, cannot reach the internet: its subnet routes %s, and Lambda interfaces never get a public IPv4 address", e.ID, routeText(r)),
					Fix:    w.lambdaNATFix(ct.table, s, r.prefix.String())})
				break
			}
		}
		return
	}
	res := ct.lookup(dst.addr)
	if res.route == nil {
		return
	}
	r := res.route.route
	switch r.Target {
	case TargetIGW:
		if e.PublicFor(src.addr).IsValid() {
			return
		}
		w.decide(LayerService, Decision{Component: ct.table.ID, Step: "Lambda function " + e.ID + " to the internet", Outcome: "deny", Rule: routeText(res.route)})
		w.find(LayerService, Finding{Code: "LAMBDA_VIA_INTERNET_GATEWAY", Severity: SeverityBlock, Component: ct.table.ID, Rule: routeText(res.route),
			Detail: fmt.Sprintf("%s is a Lambda function's interface; Lambda interfaces never get a public IPv4 address, so the route %s in %s cannot carry its traffic to the internet: a function in a VPC reaches the internet only through a NAT gateway", e.ID, routeText(res.route), ct.table.ID),
			Fix:    w.lambdaNATFix(ct.table, s, res.route.prefix.String())})
	case TargetNAT:
		w.decide(LayerService, Decision{Component: r.TargetID, Step: "Lambda function " + e.ID + " to the internet", Outcome: "allow", Rule: "the Lambda function reaches the internet through this NAT gateway (its interface has no public address)"})
	default:
		w.decide(LayerService, Decision{Component: e.ID, Step: "source " + e.ID, Outcome: "allow", Rule: "Lambda function interface; its route leads to " + r.TargetID})
	}
}

// lambdaNATFix points the Lambda subnet's route at a public NAT gateway of
// the VPC, or says how to make one.
func (w *walker) lambdaNATFix(rt *RouteTable, s *Subnet, dst string) string {
	for _, id := range sortedKeys(w.n.NATGateways) {
		nat := w.n.NATGateways[id]
		if nat.VPCID == s.VPCID && nat.Public && (nat.State == "" || nat.State == "available") {
			fix := fmt.Sprintf("aws ec2 replace-route --route-table-id %s --destination-cidr-block %s --nat-gateway-id %s", rt.ID, dst, nat.ID)
			w.offerRoute(fix, rt, dst, "--nat-gateway-id "+nat.ID, true)
			return fix
		}
	}
	return fmt.Sprintf("aws ec2 create-nat-gateway --subnet-id <a public subnet of %s> --allocation-id <eipalloc-…>, then aws ec2 replace-route --route-table-id %s --destination-cidr-block %s --nat-gateway-id <nat-…>", s.VPCID, rt.ID, dst)
}

// serviceDestination applies what the service behind the destination
// interface adds.
func (w *walker) serviceDestination(q Query, src, dst endpoint) {
	e := dst.eni
	kind := w.serviceOf(e)
	switch kind {
	case svcLambda:
		w.decide(LayerService, Decision{Component: e.ID, Step: "destination " + e.ID, Outcome: "deny", Rule: "Lambda function interface: outbound connections of the function only"})
		w.find(LayerService, Finding{Code: "LAMBDA_NOT_A_DESTINATION", Severity: SeverityBlock, Component: e.ID, Rule: "Lambda interface " + e.ID,
			Detail: fmt.Sprintf("%s (%s) is a Lambda function's interface (Hyperplane ENI): it carries only the connections the function itself opens, and nothing listens on it for connections from %s", e.ID, dst.addr, src.addr),
			Fix:    "invoke the function through its API instead (aws lambda invoke --function-name <function>, a function URL, or a trigger such as API Gateway or a load balancer target)"})
	case svcNAT:
		if dst.viaPublic {
			break
		}
		comp := e.ID
		if nat := w.ix.natByENI[e.ID]; nat != nil {
			comp = nat.ID
		}
		w.find(LayerService, Finding{Code: "NAT_GATEWAY_NOT_A_DESTINATION", Severity: SeverityBlock, Component: comp, Rule: "NAT gateway interface " + e.ID,
			Detail: fmt.Sprintf("%s belongs to NAT gateway %s, which translates traffic passing through it and accepts no connection of its own", dst.addr, comp)})
	case svcRDS:
		if !w.dbInstanceDestination(q, src, dst) {
			w.rdsDestination(src, dst)
		}
	case svcELB:
		w.loadBalancerDestination(q, dst)
	case svcEndpoint:
		for _, id := range sortedKeys(w.n.Endpoints) {
			ep := w.n.Endpoints[id]
			if slices.Contains(ep.ENIIDs, e.ID) {
				if ep.State != "" && !strings.EqualFold(ep.State, "available") {
					// Pending, PendingAcceptance, Rejected, Failed, Deleting,
					// Expired: the endpoint does not carry traffic to its
					// service.
					w.find(LayerService, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: ep.ID, Rule: "state " + ep.State,
						Detail: fmt.Sprintf("%s is an interface of endpoint %s for %s, which is %s, not available, so it carries nothing to the service", e.ID, ep.ID, ep.ServiceName, ep.State)})
					break
				}
				w.decide(LayerService, Decision{Component: ep.ID, Step: "destination " + e.ID, Outcome: "allow", Rule: fmt.Sprintf("interface endpoint for %s", ep.ServiceName)})
				w.endpointPolicy(ep, "the destination is an interface of endpoint "+ep.ID)
				break
			}
		}
	case svcResolver:
		w.resolverEndpointDestination(q, e)
	}
	if src.eni != nil && src.eni.OwnerID != "" && e.OwnerID != "" && src.eni.OwnerID != e.OwnerID {
		sev := SeverityInfo
		what := "the path is network-reachable; the destination's own access control (its host firewall, its application) still applies"
		if kind == svcRDS || kind == svcELB || kind == svcEndpoint {
			sev = SeverityWarn
			what = "the path is network-reachable, but the service's resource policy (endpoint service permissions, database users, listener rules) can still refuse a principal of another account"
		}
		w.decide(LayerService, Decision{Component: e.ID, Step: "accounts", Outcome: "allow", Rule: fmt.Sprintf("%s (account %s) → %s (account %s)", src.eni.ID, src.eni.OwnerID, e.ID, e.OwnerID)})
		w.find(LayerService, Finding{Code: "CROSS_ACCOUNT", Severity: sev, Component: e.ID, Rule: fmt.Sprintf("owner %s, source owner %s", e.OwnerID, src.eni.OwnerID),
			Detail: fmt.Sprintf("%s belongs to account %s and the source to account %s: %s", e.ID, e.OwnerID, src.eni.OwnerID, what)})
	}
}

// rdsDestination: an RDS instance that is not publicly accessible has no
// public address and is reached only privately. Without describe-db-instances
// singling out the instance, "publicly accessible" is inferred from the
// interface.
func (w *walker) rdsDestination(src, dst endpoint) {
	e := dst.eni
	pub := e.PublicFor(e.PrimaryIP())
	fromInternet := dst.viaPublic || src.eni == nil && isInternetAddr(src.addr)
	switch {
	case pub.IsValid():
		w.decide(LayerService, Decision{Component: e.ID, Step: "destination " + e.ID, Outcome: "allow", Rule: fmt.Sprintf("RDS instance interface; publicly accessible (public address %s)", pub)})
	case fromInternet:
		w.decide(LayerService, Decision{Component: e.ID, Step: "destination " + e.ID, Outcome: "deny", Rule: "RDS instance not publicly accessible (inferred: its interface has no public address)"})
		w.find(LayerService, Finding{Code: "RDS_NOT_PUBLICLY_ACCESSIBLE", Severity: SeverityBlock, Component: e.ID, Rule: "no public address on " + e.ID,
			Detail: fmt.Sprintf("%s is an RDS instance's interface without a public address, so the instance is not publicly accessible (inferred from the interface: describe-db-instances, when read, does not single out its instance) and is reachable only from its VPC, peered VPCs and private connections, not from %s", e.ID, src.addr),
			Fix:    "aws rds modify-db-instance --db-instance-identifier <db-instance> --publicly-accessible --apply-immediately  (and its subnets need a route to an internet gateway; prefer reaching it privately)"})
	default:
		w.decide(LayerService, Decision{Component: e.ID, Step: "destination " + e.ID, Outcome: "allow", Rule: "RDS instance interface; not publicly accessible (inferred: no public address), reached privately"})
	}
}

// resolverEndpointDestination: an inbound endpoint answers DNS on port 53
// and resolves as its VPC would; an outbound endpoint accepts nothing.
func (w *walker) resolverEndpointDestination(q Query, e *ENI) {
	ep := w.ix.dns.endpointENIs[e.ID]
	if ep == nil {
		id := w.n.ManagedBy(e).ID
		ep = w.n.ResolverEndpoints[id]
		switch {
		case ep != nil:
		case strings.HasPrefix(id, "rslvr-out-"):
			// AWS names outbound endpoints rslvr-out-…: that alone says
			// the interface answers nothing.
			ep = &ResolverEndpoint{ID: id, Direction: ResolverOutbound}
		default:
			w.missing(LayerService, KindResolverEndpoints, id, fmt.Sprintf("%s belongs to Resolver endpoint %s, whose direction, status and addresses are not in the data", e.ID, id))
			return
		}
	}
	if !strings.EqualFold(ep.Direction, ResolverInbound) {
		w.find(LayerService, Finding{Code: "RESOLVER_OUTBOUND_NOT_A_SERVER", Severity: SeverityBlock, Component: ep.ID, Rule: "OUTBOUND endpoint",
			Detail: fmt.Sprintf("%s is an interface of outbound endpoint %s, which sends forwarded queries and answers none", e.ID, ep.ID)})
		return
	}
	if !(q.Protocol == ProtocolUDP || q.Protocol == ProtocolTCP) || q.Port != 53 {
		w.find(LayerService, Finding{Code: "RESOLVER_ONLY_DNS", Severity: SeverityBlock, Component: ep.ID, Rule: "INBOUND endpoint answers UDP and TCP 53",
			Detail: fmt.Sprintf("%s is an interface of inbound endpoint %s, which answers DNS on port 53 only, not %s", e.ID, ep.ID, protoPortText(packet{proto: q.Protocol, ports: PortRange{uint16(q.Port), uint16(q.Port)}, icmpType: q.ICMPType, icmpCode: q.ICMPCode}))})
		return
	}
	if ep.Status != "" && !strings.EqualFold(ep.Status, "OPERATIONAL") && !strings.EqualFold(ep.Status, "UPDATING") {
		w.find(LayerService, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: ep.ID, Rule: "status " + ep.Status,
			Detail: fmt.Sprintf("inbound endpoint %s is %s", ep.ID, ep.Status)})
		return
	}
	w.decide(LayerService, Decision{Component: ep.ID, Step: "destination " + e.ID, Outcome: "allow", Rule: fmt.Sprintf("inbound endpoint: queries are resolved as %s would", ep.VPCID)})
	var zones []string
	for _, id := range sortedKeys(w.n.HostedZones) {
		z := w.n.HostedZones[id]
		if assoc, _ := w.zoneAssociated(z, ep.VPCID); z.Private && assoc {
			zones = append(zones, fmt.Sprintf("%s (%s)", normName(z.Name), z.ID))
		}
	}
	what := "no private hosted zone"
	if len(zones) > 0 {
		what = "private hosted zones " + strings.Join(zones, ", ")
	}
	w.decide(LayerDNS, Decision{Component: ep.ID, Step: "names asked here", Outcome: "allow", Rule: fmt.Sprintf("names are resolved with the rules of %s: %s", ep.VPCID, what)})
}

// endpointPolicy reads an endpoint policy just far enough to say whether it
// can refuse traffic the network lets through: an explicit Deny, or no
// Allow of every action on every resource to every principal without
// conditions. It never passes a policy it cannot read.
func (w *walker) endpointPolicy(ep *Endpoint, why string) {
	verdict, detail := analysePolicy(ep.PolicyDocument)
	switch verdict {
	case policyFull:
		w.decide(LayerService, Decision{Component: ep.ID, Step: "endpoint policy of " + ep.ID, Outcome: "allow", Rule: detail})
	default:
		w.decide(LayerService, Decision{Component: ep.ID, Step: "endpoint policy of " + ep.ID, Outcome: "unknown", Rule: detail})
		w.find(LayerService, Finding{Code: "ENDPOINT_POLICY_RESTRICTS", Severity: SeverityWarn, Component: ep.ID, Rule: detail,
			Detail: fmt.Sprintf("%s: the traffic is network-reachable, but the endpoint policy %s, so requests it does not allow are refused (AccessDenied) whatever the network says", why, detail),
			Fix:    fmt.Sprintf("review the policy (aws ec2 describe-vpc-endpoints --vpc-endpoint-ids %s --query 'VpcEndpoints[0].PolicyDocument'); to allow everything: aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --reset-policy", ep.ID, ep.ID)})
	}
}

const (
	policyFull = iota
	policyRestricts
)

type policyStatement struct {
	Sid         string          `json:"Sid"`
	Effect      string          `json:"Effect"`
	Action      json.RawMessage `json:"Action"`
	NotAction   json.RawMessage `json:"NotAction"`
	Resource    json.RawMessage `json:"Resource"`
	NotResource json.RawMessage `json:"NotResource"`
	Principal   json.RawMessage `json:"Principal"`
	NotPrin     json.RawMessage `json:"NotPrincipal"`
	Condition   json.RawMessage `json:"Condition"`
}

// analysePolicy classifies an endpoint policy document. An empty document
// is the default policy, which allows everything.
func analysePolicy(doc string) (int, string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return policyFull, "default policy: full access"
	}
	var top struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return policyRestricts, "cannot be read (" + err.Error() + ")"
	}
	var stmts []policyStatement
	if len(top.Statement) > 0 && top.Statement[0] == '{' {
		var one policyStatement
		if err := json.Unmarshal(top.Statement, &one); err != nil {
			return policyRestricts, "cannot be read (" + err.Error() + ")"
		}
		stmts = []policyStatement{one}
	} else if err := json.Unmarshal(top.Statement, &stmts); err != nil {
		return policyRestricts, "cannot be read (" + err.Error() + ")"
	}
	allowAll := false
	for _, s := range stmts {
		if strings.EqualFold(s.Effect, "Deny") {
			sid := ""
			if s.Sid != "" {
				sid = " " + s.Sid
			}
			return policyRestricts, "has an explicit Deny statement" + sid
		}
		if strings.EqualFold(s.Effect, "Allow") && len(s.NotAction) == 0 && len(s.NotResource) == 0 && len(s.NotPrin) == 0 &&
			isEmptyJSON(s.Condition) && coversAll(s.Action, true) && coversAll(s.Resource, false) && principalAll(s.Principal) {
			allowAll = true
		}
	}
	if !allowAll {
		return policyRestricts, "allows only some actions, resources or principals"
	}
	return policyFull, "allows every action on every resource"
}

func isEmptyJSON(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null" || s == "{}"
}

// coversAll reports whether an Action or Resource element is "*" (or,
// for actions, "service:*").
func coversAll(raw json.RawMessage, action bool) bool {
	var list []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		list = []string{one}
	} else if err := json.Unmarshal(raw, &list); err != nil {
		return false
	}
	for _, v := range list {
		if v == "*" || action && strings.HasSuffix(v, ":*") && !strings.Contains(strings.TrimSuffix(v, ":*"), "*") {
			return true
		}
	}
	return false
}

// principalAll reports whether a Principal element names everyone; an
// absent one applies to everyone the endpoint carries.
func principalAll(raw json.RawMessage) bool {
	if isEmptyJSON(raw) {
		return true
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return one == "*"
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return false
	}
	return coversAll(m["AWS"], false)
}

// runToResolver evaluates a path to the Amazon DNS server (the primary
// CIDR base+2 or 169.254.169.253): security groups and network ACLs do not
// filter it, and it answers only inside its own VPC, never from a peer or
// from outside (SEMANTICS.md §9.1, §3). It reports whether the destination
// was the Amazon DNS server.
func (w *walker) runToResolver(p packet, src, dst endpoint) bool {
	if dst.eni != nil {
		return false
	}
	a := dst.addr
	var vpcs []string
	linkLocal := a == amazonDNSv4 || a == amazonDNSv6
	switch {
	case linkLocal && src.eni != nil:
		vpcs = []string{src.eni.VPCID}
	case linkLocal:
		vpcs = nil
	default:
		vpcs = w.ix.dns.resolverVPCs[a]
		if len(vpcs) == 0 {
			return false
		}
	}
	w.dir = Forward
	if src.eni != nil && slices.Contains(vpcs, src.eni.VPCID) {
		v := w.n.VPCs[src.eni.VPCID]
		w.hop(src.eni.ID, "network-interface")
		w.decide(LayerRoute, Decision{Component: src.eni.VPCID, Step: "route to " + a.String(), Outcome: "forward", Rule: fmt.Sprintf("the Amazon DNS server (%s) answers inside the VPC; no route table is consulted", a)})
		w.decide(LayerNACL, Decision{Component: src.eni.SubnetID, Step: "to the Amazon DNS server", Outcome: "skip", Rule: "network ACLs do not filter traffic to or from the Amazon DNS server"})
		w.decide(LayerSecurityGroup, Decision{Component: src.eni.ID, Step: "to the Amazon DNS server", Outcome: "allow", Rule: "security groups do not filter traffic to or from the Amazon DNS server"})
		if !(p.proto == ProtocolUDP || p.proto == ProtocolTCP) || !p.ports.Contains(53) || p.ports.From != p.ports.To {
			w.find(LayerService, Finding{Code: "RESOLVER_ONLY_DNS", Severity: SeverityBlock, Component: src.eni.VPCID, Rule: "Amazon DNS server answers UDP and TCP 53",
				Detail: fmt.Sprintf("%s is the Amazon DNS server of %s, which answers DNS on port 53 only, not %s", a, src.eni.VPCID, protoPortText(p))})
		} else {
			w.decide(LayerService, Decision{Component: src.eni.VPCID, Step: "destination " + a.String(), Outcome: "allow", Rule: "the Amazon DNS server (recursive queries only)"})
		}
		switch {
		case v == nil:
		case v.DNSSupport == nil:
			w.dnsMissing(KindVPCAttributes, v.ID, v.ID, fmt.Sprintf("enableDnsSupport of %s, without which its Amazon DNS server does not answer", v.ID))
		case !*v.DNSSupport:
			w.dnsFind(Finding{Code: "DNS_SUPPORT_DISABLED", Severity: SeverityBlock, Component: v.ID, Rule: "enableDnsSupport=false",
				Detail: fmt.Sprintf("%s has enableDnsSupport off, so its Amazon DNS server does not answer", v.ID),
				Fix:    fmt.Sprintf(`aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support "{\"Value\":true}"`, v.ID)})
		default:
			w.dnsDecide(Decision{Component: v.ID, Step: "Amazon DNS server", Outcome: "allow", Rule: "enableDnsSupport=true"})
		}
		return true
	}
	owner := "a VPC"
	comp := a.String()
	if len(vpcs) > 0 {
		owner, comp = vpcs[0], vpcs[0]
	}
	detail := fmt.Sprintf("%s is the Amazon DNS server of %s, which answers only inside that VPC", a, owner)
	fix := ""
	switch {
	case src.eni != nil:
		for _, pcx := range w.ix.peeringsByVPC[src.eni.VPCID] {
			if pcx.Requester.VPCID == owner || pcx.Accepter.VPCID == owner {
				comp = pcx.ID
				detail += fmt.Sprintf("; a peered VPC cannot query it over %s", pcx.ID)
				break
			}
		}
		fix = fmt.Sprintf("query the source VPC's own resolver (169.254.169.253); to resolve %s's private names, associate its private hosted zones with %s, or forward to an inbound endpoint in %s", owner, src.eni.VPCID, owner)
	default:
		detail += "; forwarding from outside the VPC to it is not supported"
		fix = fmt.Sprintf("forward to a Route 53 Resolver inbound endpoint in %s (aws route53resolver create-resolver-endpoint --direction INBOUND …)", owner)
		if ips := w.inboundAddrs(owner); len(ips) > 0 {
			fix = fmt.Sprintf("forward to the inbound endpoint addresses of %s instead: %s", owner, strings.Join(ips, ", "))
		}
	}
	w.find(LayerRoute, Finding{Code: "RESOLVER_NOT_REACHABLE", Severity: SeverityBlock, Component: comp, Rule: "Amazon DNS server " + a.String() + " of " + owner, Detail: detail, Fix: fix})
	return true
}

func (w *walker) inboundAddrs(vpc string) []string {
	var out []string
	for _, id := range sortedKeys(w.n.ResolverEndpoints) {
		ep := w.n.ResolverEndpoints[id]
		if ep.VPCID == vpc && strings.EqualFold(ep.Direction, ResolverInbound) {
			for _, ip := range ep.IPs {
				out = append(out, ip.Addr.String())
			}
		}
	}
	return out
}

// instanceRunning checks that the instance behind an end is running: a
// stopped instance keeps its interface attached but answers nothing.
func (w *walker) instanceRunning(e *ENI, role string) {
	if e != nil && role == "destination" && e.Status != "" && e.Status != "in-use" {
		// An interface attached to nothing has no one to answer.
		w.find(LayerService, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: e.ID, Rule: "status " + e.Status,
			Detail: fmt.Sprintf("the destination interface %s is %s: it is attached to no running resource, so nothing answers", e.ID, e.Status)})
		return
	}
	if e == nil || e.InstanceID == "" {
		return
	}
	inst := w.n.Instances[e.InstanceID]
	if inst == nil {
		if _, gap := w.ix.gap(KindInstances); gap {
			w.missing(LayerService, KindInstances, e.InstanceID, fmt.Sprintf("the state of the %s instance %s", role, e.InstanceID))
		}
		return
	}
	switch inst.State {
	case "", "running":
		w.decide(LayerService, Decision{Component: inst.ID, Step: role + " instance " + inst.ID, Outcome: "allow", Rule: "instance running"})
	default:
		w.find(LayerService, Finding{Code: "BAD_STATE", Severity: SeverityBlock, Component: inst.ID, Rule: "instance " + inst.State,
			Detail: fmt.Sprintf("the %s instance %s is %s, so it neither sends nor answers", role, inst.ID, inst.State),
			Fix:    fmt.Sprintf("aws ec2 start-instances --instance-ids %s", inst.ID)})
	}
}
