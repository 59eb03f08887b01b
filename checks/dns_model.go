// The DNS model: hosted zones and records, Resolver endpoints and rules,
// and DHCP options.

package checks

import "net/netip"

// The kinds of DNS data the dns layer reads (SEMANTICS.md §9). A kind that
// is missing becomes a Gap, and a name whose resolution needs it resolves
// to unknown, never to an answer.
const (
	KindHostedZones DataKind = "list-hosted-zones"
	// KindHostedZoneVPCs is get-hosted-zone, the only output that lists
	// the VPCs a private zone is associated with; a Gap scoped to a zone
	// ID says that zone's associations are unknown.
	KindHostedZoneVPCs DataKind = "get-hosted-zone"
	// KindRecordSets is scoped to a zone ID when one zone's records are
	// missing.
	KindRecordSets        DataKind = "list-resource-record-sets"
	KindResolverEndpoints DataKind = "list-resolver-endpoints"
	// KindResolverEndpointIPs is scoped to an endpoint ID when one
	// endpoint's addresses are missing.
	KindResolverEndpointIPs      DataKind = "list-resolver-endpoint-ip-addresses"
	KindResolverRules            DataKind = "list-resolver-rules"
	KindResolverRuleAssociations DataKind = "list-resolver-rule-associations"
	KindDHCPOptions              DataKind = "describe-dhcp-options"
	// KindVPCAttributes is describe-vpc-attribute (enableDnsSupport,
	// enableDnsHostnames); VPC.DNSSupport and DNSHostnames are nil without
	// it.
	KindVPCAttributes DataKind = "describe-vpc-attribute"
)

// HostedZone is one Route 53 hosted zone with its records.
type HostedZone struct {
	// ID is the zone ID without the "/hostedzone/" prefix ("Z0354961…").
	ID string
	// Name is the zone's domain in lower case without the trailing dot.
	Name    string
	Private bool
	OwnerID string
	// VPCs are the VPCs a private zone is associated with, as the zone
	// lists them (get-hosted-zone). A cross-account association counts
	// only once it appears here; an authorization alone does nothing.
	VPCs []ZoneVPC
	// Records is nil when the zone's records were not read (a Gap scoped
	// to the zone then says why).
	Records []Record
}

// ZoneVPC is one VPC a private hosted zone is associated with.
type ZoneVPC struct {
	VPCID  string
	Region string
}

// Record is one resource record set. Names are as Route 53 prints them; the
// engine lowers them, drops the trailing dot and decodes Route 53's octal
// escapes (\052 is the wildcard "*") itself.
type Record struct {
	Name string
	// Type is "A", "AAAA", "CNAME", "NS", "SOA", "TXT", ...
	Type string
	TTL  int64
	// Values are the record's values; empty for an alias record.
	Values []string
	Alias  *AliasTarget
	// SetIdentifier names one of several record sets with the same name
	// and type under a routing policy (weighted, latency, failover, ...).
	// The Resolver answers one of them per query, so the engine evaluates
	// them all.
	SetIdentifier string
}

// AliasTarget is the target of a Route 53 alias record: a record in the
// same zone, a load balancer, a VPC endpoint, or another AWS service name.
type AliasTarget struct {
	DNSName      string
	HostedZoneID string
}

// Resolver endpoint directions.
const (
	ResolverInbound  = "INBOUND"
	ResolverOutbound = "OUTBOUND"
)

// ResolverEndpoint is one Route 53 Resolver endpoint.
type ResolverEndpoint struct {
	ID   string
	Name string
	// Direction is ResolverInbound or ResolverOutbound.
	Direction        string
	VPCID            string
	SecurityGroupIDs []string
	Status           string
	// IPs is nil when the endpoint's addresses were not read.
	IPs []ResolverIP
}

// ResolverIP is one address of a Resolver endpoint. ENIID may be empty:
// the engine then finds the interface by its address in the endpoint's VPC
// (endpoint interfaces are ordinary ENIs requested by Route 53 Resolver).
type ResolverIP struct {
	Addr     netip.Addr
	SubnetID string
	ENIID    string
}

// Resolver rule types.
const (
	RuleForward   = "FORWARD"
	RuleSystem    = "SYSTEM"
	RuleRecursive = "RECURSIVE"
)

// ResolverRule is one Route 53 Resolver rule.
type ResolverRule struct {
	ID   string
	Name string
	// DomainName is lower case without the trailing dot; "." (or "") is
	// the root, which matches every name.
	DomainName string
	// RuleType is RuleForward, RuleSystem or RuleRecursive (the
	// autodefined Internet Resolver).
	RuleType   string
	TargetIPs  []TargetIP
	EndpointID string
	OwnerID    string
	Status     string
}

// TargetIP is one server a FORWARD rule sends queries to; Port 0 means 53.
type TargetIP struct {
	Addr netip.Addr
	Port int
}

// ResolverRuleAssociation says that a rule applies to a VPC.
type ResolverRuleAssociation struct {
	ID     string
	RuleID string
	VPCID  string
	Status string
}

// DHCPOptions is one DHCP options set; only the DNS settings matter here.
type DHCPOptions struct {
	ID string
	// DomainNameServers holds "AmazonProvidedDNS" or server addresses, in
	// the order clients try them.
	DomainNameServers []string
	// DomainName is the search domain (several separated by spaces).
	DomainName string
}
