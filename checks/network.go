// Package checks is the domain of reach: the network model, the path query,
// one evaluator per checklist layer, and the report that carries the rule
// deciding each layer. It imports only the standard library, does no I/O and
// starts no goroutines, so every rule can be tested exhaustively.
package checks

import (
	"net/netip"
	"strings"
	"sync"
)

// Network is an account's network configuration as the engine sees it.
// Loaders fill the maps, then the network is compiled once (Compile) before
// it is evaluated; a compiled Network must not be changed afterwards (build a
// new one when more data arrives; compilation takes milliseconds).
type Network struct {
	VPCs                       map[string]*VPC
	Subnets                    map[string]*Subnet
	ENIs                       map[string]*ENI
	Instances                  map[string]*Instance
	RouteTables                map[string]*RouteTable
	NetworkACLs                map[string]*NetworkACL
	SecurityGroups             map[string]*SecurityGroup
	PrefixLists                map[string]*PrefixList
	Peerings                   map[string]*Peering
	InternetGateways           map[string]*InternetGateway
	EgressOnlyInternetGateways map[string]*EgressOnlyInternetGateway
	NATGateways                map[string]*NATGateway
	VPNGateways                map[string]*VPNGateway
	TransitGateways            map[string]*TransitGateway
	TransitGatewayAttachments  map[string]*TransitGatewayAttachment
	TransitGatewayRouteTables  map[string]*TransitGatewayRouteTable
	Endpoints                  map[string]*Endpoint
	VPNConnections             map[string]*VPNConnection

	// Direct Connect: the virtual interfaces by ID and
	// the Direct Connect gateway associations by association ID. Each is
	// nil when it was not read, which is not the same as an account
	// without Direct Connect (an empty map): NewNetwork leaves them nil.
	DirectConnectVIFs         map[string]*DirectConnectVIF
	DirectConnectAssociations map[string]*DirectConnectAssociation

	// The DNS data (SEMANTICS.md §9), by ID; ResolverRuleAssociations is
	// keyed by the association's ID.
	HostedZones              map[string]*HostedZone
	ResolverEndpoints        map[string]*ResolverEndpoint
	ResolverRules            map[string]*ResolverRule
	ResolverRuleAssociations map[string]*ResolverRuleAssociation
	DHCPOptions              map[string]*DHCPOptions

	// FlowLogs holds the flow logs (describe-flow-logs) by flow log ID. It
	// is nil when the flow-log configuration was not read, which is not the
	// same as an account without flow logs (an empty map); NewNetwork
	// leaves it nil for that reason.
	FlowLogs map[string]*FlowLog

	// LoadBalancers holds the Elastic Load Balancing v2 load balancers by
	// ARN. It is nil when they were not read, which is not the same as an
	// account without load balancers (an empty map).
	LoadBalancers map[string]*LoadBalancer
	// TargetGroups holds the target groups by ARN; nil when not read.
	TargetGroups map[string]*TargetGroup
	// DBInstances holds the RDS DB instances by identifier; nil when not
	// read.
	DBInstances map[string]*DBInstance
	// DBClusters holds the Aurora DB clusters by identifier; nil when not
	// read.
	DBClusters map[string]*DBCluster

	// LinuxClientPorts and WindowsClientPorts replace the ephemeral port
	// ranges clients are assumed to pick from (zero keeps AWS's defaults,
	// 32768-60999 and 49152-65535); set them before Compile.
	LinuxClientPorts, WindowsClientPorts PortRange

	// Gaps records every kind of data that is missing and why. A layer that
	// needs missing data says unknown and names the gap; it never passes.
	Gaps []Gap

	once  sync.Once
	index *index
}

// NewNetwork returns an empty network with every map allocated.
func NewNetwork() *Network {
	return &Network{
		VPCs:                       map[string]*VPC{},
		Subnets:                    map[string]*Subnet{},
		ENIs:                       map[string]*ENI{},
		Instances:                  map[string]*Instance{},
		RouteTables:                map[string]*RouteTable{},
		NetworkACLs:                map[string]*NetworkACL{},
		SecurityGroups:             map[string]*SecurityGroup{},
		PrefixLists:                map[string]*PrefixList{},
		Peerings:                   map[string]*Peering{},
		InternetGateways:           map[string]*InternetGateway{},
		EgressOnlyInternetGateways: map[string]*EgressOnlyInternetGateway{},
		NATGateways:                map[string]*NATGateway{},
		VPNGateways:                map[string]*VPNGateway{},
		TransitGateways:            map[string]*TransitGateway{},
		TransitGatewayAttachments:  map[string]*TransitGatewayAttachment{},
		TransitGatewayRouteTables:  map[string]*TransitGatewayRouteTable{},
		Endpoints:                  map[string]*Endpoint{},
		VPNConnections:             map[string]*VPNConnection{},
		HostedZones:                map[string]*HostedZone{},
		ResolverEndpoints:          map[string]*ResolverEndpoint{},
		ResolverRules:              map[string]*ResolverRule{},
		ResolverRuleAssociations:   map[string]*ResolverRuleAssociation{},
		DHCPOptions:                map[string]*DHCPOptions{},
	}
}

// DataKind names one kind of AWS data the engine consumes. The names are the
// AWS CLI commands that produce the data, without the verb's service prefix.
type DataKind string

// The kinds of data the packet-path layers read.
const (
	KindVPCs                      DataKind = "describe-vpcs"
	KindSubnets                   DataKind = "describe-subnets"
	KindNetworkInterfaces         DataKind = "describe-network-interfaces"
	KindInstances                 DataKind = "describe-instances"
	KindRouteTables               DataKind = "describe-route-tables"
	KindNetworkACLs               DataKind = "describe-network-acls"
	KindSecurityGroups            DataKind = "describe-security-groups"
	KindPrefixLists               DataKind = "describe-managed-prefix-lists"
	KindPeerings                  DataKind = "describe-vpc-peering-connections"
	KindInternetGateways          DataKind = "describe-internet-gateways"
	KindEgressOnlyGateways        DataKind = "describe-egress-only-internet-gateways"
	KindNATGateways               DataKind = "describe-nat-gateways"
	KindVPNGateways               DataKind = "describe-vpn-gateways"
	KindTransitGateways           DataKind = "describe-transit-gateways"
	KindTransitGatewayAttachments DataKind = "describe-transit-gateway-attachments"
	KindTransitGatewayRouteTables DataKind = "describe-transit-gateway-route-tables"
	KindVPCEndpoints              DataKind = "describe-vpc-endpoints"
	KindVPNConnections            DataKind = "describe-vpn-connections"
	// The Direct Connect API's outputs (aws directconnect ...).
	KindDirectConnectVIFs         DataKind = "describe-virtual-interfaces"
	KindDirectConnectAssociations DataKind = "describe-direct-connect-gateway-associations"
)

// Gap says that one kind of data is missing, for the whole network (Scope
// empty) or for one resource (Scope is its ID, for example the prefix list
// whose entries could not be read).
type Gap struct {
	Kind  DataKind `json:"kind"`
	Scope string   `json:"scope,omitempty"`
	// Reason is a short human sentence: "AccessDenied", "throttled after 5
	// retries", "not in the snapshot", "not loaded yet".
	Reason string `json:"reason"`
	// Action is the IAM action that would let reach read the data.
	Action string `json:"action,omitempty"`
	// Retry is true when the call failed for a passing reason (throttled,
	// a server error, a timeout): permissions are not the problem, and
	// running the check again may read the data.
	Retry bool `json:"retry,omitempty"`
	// Conflict is true when the data was read twice with different
	// content (two snapshot files describe the resource differently):
	// neither copy can be trusted.
	Conflict bool `json:"conflict,omitempty"`
	// Pending is true while the data may still arrive (a live load in
	// progress); the terminal shows a spinner rather than unknown.
	Pending bool `json:"pending,omitempty"`
	// Account is set when a whole account (or one of its Regions) could
	// not be read: its role could not be assumed, its Region is not
	// enabled. Scope is then the account ID, so the gap covers only that
	// account's resources, which are absent from the network: a resource
	// owned by it that a path reaches is unknown and the gap says why.
	// When the account's ID is unknown (a profile whose credentials
	// failed) it is "profile NAME".
	Account string `json:"account,omitempty"`
}

// VPC is one virtual private cloud.
type VPC struct {
	ID      string
	Name    string
	OwnerID string
	Region  string
	// CIDRs holds the associated IPv4 blocks, the primary first.
	CIDRs     []netip.Prefix
	IPv6CIDRs []netip.Prefix
	IsDefault bool
	// DNSSupport and DNSHostnames are nil when describe-vpc-attribute was
	// not read.
	DNSSupport    *bool
	DNSHostnames  *bool
	DHCPOptionsID string
}

// Subnet is one subnet of a VPC.
type Subnet struct {
	ID        string
	Name      string
	VPCID     string
	OwnerID   string
	AZ        string
	AZID      string
	CIDR      netip.Prefix
	IPv6CIDRs []netip.Prefix
}

// PrivateIP is one private IPv4 address of an ENI with the public address
// (auto-assigned or Elastic IP) mapped 1:1 onto it by an internet gateway.
type PrivateIP struct {
	Addr    netip.Addr
	Primary bool
	// Public is the zero Addr when no public address is associated.
	Public netip.Addr
}

// ENI is one elastic network interface.
type ENI struct {
	ID          string
	Name        string
	Description string
	OwnerID     string
	SubnetID    string
	VPCID       string
	AZ          string
	// InterfaceType is AWS's value: "interface", "nat_gateway", "lambda",
	// "vpc_endpoint", "network_load_balancer", "transit_gateway", ...
	InterfaceType    string
	RequesterID      string
	RequesterManaged bool
	Status           string
	// PrivateIPs holds the private IPv4 addresses, the primary first.
	PrivateIPs       []PrivateIP
	IPv6             []netip.Addr
	IPv4Prefixes     []netip.Prefix
	IPv6Prefixes     []netip.Prefix
	SecurityGroupIDs []string
	SourceDestCheck  bool
	InstanceID       string
	DeviceIndex      int
	// Platform is "windows" for Windows instances, "" otherwise; it decides
	// the client's ephemeral port range.
	Platform string
	// Tags are the interface's tags (Name among them); nil when it has
	// none.
	Tags map[string]string
}

// PrimaryIP returns the ENI's primary private IPv4 address.
func (e *ENI) PrimaryIP() netip.Addr {
	for _, p := range e.PrivateIPs {
		if p.Primary {
			return p.Addr
		}
	}
	if len(e.PrivateIPs) > 0 {
		return e.PrivateIPs[0].Addr
	}
	if len(e.IPv6) > 0 {
		return e.IPv6[0]
	}
	return netip.Addr{}
}

// Owns reports whether addr is one of the ENI's own addresses (private IPv4,
// IPv6, or inside a delegated prefix).
func (e *ENI) Owns(addr netip.Addr) bool {
	for _, p := range e.PrivateIPs {
		if p.Addr == addr {
			return true
		}
	}
	for _, a := range e.IPv6 {
		if a == addr {
			return true
		}
	}
	for _, p := range e.IPv4Prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	for _, p := range e.IPv6Prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// PublicFor returns the public address mapped onto the private address, or
// the zero Addr.
func (e *ENI) PublicFor(private netip.Addr) netip.Addr {
	for _, p := range e.PrivateIPs {
		if p.Addr == private {
			return p.Public
		}
	}
	return netip.Addr{}
}

// Instance is one EC2 instance.
type Instance struct {
	ID       string
	Name     string
	State    string
	Platform string
	// ENIIDs lists the instance's interfaces, the primary (device 0) first.
	ENIIDs          []string
	SourceDestCheck bool
	// Tags are the instance's tags; nil when it has none.
	Tags map[string]string
}

// TargetKind classifies a route target.
type TargetKind string

// Route target kinds.
const (
	TargetLocal       TargetKind = "local"
	TargetIGW         TargetKind = "internet-gateway"
	TargetEIGW        TargetKind = "egress-only-internet-gateway"
	TargetNAT         TargetKind = "nat-gateway"
	TargetVGW         TargetKind = "vpn-gateway"
	TargetPeering     TargetKind = "vpc-peering-connection"
	TargetTGW         TargetKind = "transit-gateway"
	TargetEndpoint    TargetKind = "vpc-endpoint"
	TargetENI         TargetKind = "network-interface"
	TargetInstance    TargetKind = "instance"
	TargetCarrier     TargetKind = "carrier-gateway"
	TargetLocalGW     TargetKind = "local-gateway"
	TargetCoreNetwork TargetKind = "core-network"
	TargetOther       TargetKind = "other"
)

// RouteOrigin says how a route entered its table; it breaks ties between
// routes of the same length.
type RouteOrigin string

// Route origins as describe-route-tables reports them.
const (
	OriginLocal      RouteOrigin = "CreateRouteTable"
	OriginStatic     RouteOrigin = "CreateRoute"
	OriginPropagated RouteOrigin = "EnableVgwRoutePropagation"
)

// Route is one entry of a VPC route table. Exactly one of Destination and
// PrefixListID is set.
type Route struct {
	Destination  netip.Prefix
	PrefixListID string
	Target       TargetKind
	// TargetID is the gateway, NAT, peering, ENI or instance ID ("local" for
	// the local route).
	TargetID string
	// InstanceID is set with an ENI target that belongs to an instance.
	InstanceID string
	Origin     RouteOrigin
	// Blackhole is true for routes whose target is gone (State blackhole).
	Blackhole bool
}

// RouteTable is one VPC route table with its associations.
type RouteTable struct {
	ID        string
	Name      string
	VPCID     string
	OwnerID   string
	Main      bool
	SubnetIDs []string
	// GatewayIDs are edge associations: this table routes traffic that
	// enters the VPC through these internet or virtual private gateways.
	GatewayIDs []string
	Routes     []Route
}

// Protocol is an IP protocol number; ProtocolAll (-1) matches every protocol.
type Protocol int

// Protocol numbers the engine treats specially.
const (
	ProtocolAll    Protocol = -1
	ProtocolICMP   Protocol = 1
	ProtocolTCP    Protocol = 6
	ProtocolUDP    Protocol = 17
	ProtocolICMPv6 Protocol = 58
)

// PortRange is an inclusive range of ports.
type PortRange struct {
	From, To uint16
}

// AllPorts covers every port.
var AllPorts = PortRange{0, 65535}

// Contains reports whether p lies in the range.
func (r PortRange) Contains(p uint16) bool { return r.From <= p && p <= r.To }

// NACLRule is one network ACL entry.
type NACLRule struct {
	Number   int
	Protocol Protocol
	Allow    bool
	CIDR     netip.Prefix
	// Ports applies only to TCP and UDP rules.
	Ports PortRange
	// ICMPType and ICMPCode apply only to ICMP rules; -1 means any.
	ICMPType, ICMPCode int
}

// NetworkACL is one network ACL. Compile sorts the rules by number.
type NetworkACL struct {
	ID        string
	Name      string
	VPCID     string
	OwnerID   string
	IsDefault bool
	SubnetIDs []string
	Inbound   []NACLRule
	Outbound  []NACLRule
}

// SGPeer is the other side of a security group rule. Exactly one of CIDR,
// PrefixListID and GroupID is set.
type SGPeer struct {
	CIDR         netip.Prefix
	PrefixListID string
	GroupID      string
	GroupOwnerID string
	GroupVPCID   string
	PeeringID    string
}

// SGRule is one permission of a security group with a single peer (the
// IpPermissions of the API are flattened, one rule per range, list or group).
type SGRule struct {
	RuleID   string
	Protocol Protocol
	// Ports applies only to TCP and UDP rules.
	Ports PortRange
	// ICMPType and ICMPCode apply only to ICMP rules; -1 means any.
	ICMPType, ICMPCode int
	Peer               SGPeer
	Description        string
}

// SecurityGroup is one security group.
type SecurityGroup struct {
	ID          string
	Name        string
	Description string
	VPCID       string
	OwnerID     string
	Inbound     []SGRule
	Outbound    []SGRule
}

// PrefixList is a managed prefix list, customer- or AWS-managed.
type PrefixList struct {
	ID   string
	Name string
	// CIDRs is nil when the entries were not read (a Gap scoped to the list
	// then says why).
	CIDRs []netip.Prefix
}

// PeeringSide is one VPC of a peering connection.
type PeeringSide struct {
	VPCID     string
	OwnerID   string
	Region    string
	CIDRs     []netip.Prefix
	IPv6CIDRs []netip.Prefix
	// AllowDNSFromRemote is this side's AllowDnsResolutionFromRemoteVpc:
	// the public DNS hostnames of instances in this VPC resolve to their
	// private addresses when queried from the peer VPC.
	AllowDNSFromRemote bool
}

// Peering is one VPC peering connection.
type Peering struct {
	ID        string
	Name      string
	Status    string
	Requester PeeringSide
	Accepter  PeeringSide
}

// Active reports whether the connection carries traffic.
func (p *Peering) Active() bool { return p.Status == "active" }

// InternetGateway is one internet gateway.
type InternetGateway struct {
	ID   string
	Name string
	// VPCIDs lists the VPCs it is attached to (state available or attached).
	VPCIDs []string
}

// EgressOnlyInternetGateway is one egress-only internet gateway (IPv6).
type EgressOnlyInternetGateway struct {
	ID     string
	VPCIDs []string
}

// NATGateway is one NAT gateway.
type NATGateway struct {
	ID       string
	Name     string
	VPCID    string
	SubnetID string
	State    string
	// Public is false for private NAT gateways (ConnectivityType private).
	Public    bool
	ENIID     string
	PrivateIP netip.Addr
	PublicIP  netip.Addr
}

// VPNGateway is one virtual private gateway.
type VPNGateway struct {
	ID     string
	Name   string
	State  string
	VPCIDs []string
}

// TransitGateway is one transit gateway.
type TransitGateway struct {
	ID                     string
	Name                   string
	OwnerID                string
	State                  string
	DefaultAssociationRTID string
	DefaultPropagationRTID string
	// SGReferencing is the transit gateway's SecurityGroupReferencingSupport.
	SGReferencing bool
}

// TransitGatewayAttachment is one attachment of a transit gateway.
type TransitGatewayAttachment struct {
	ID    string
	TGWID string
	// ResourceType is "vpc", "vpn", "direct-connect-gateway", "peering",
	// "connect", "network-function".
	ResourceType string
	ResourceID   string
	State        string
	// RouteTableID is the associated route table, empty when none;
	// AssociationState is its state ("associated" carries traffic).
	RouteTableID     string
	AssociationState string
	// SubnetIDs are the attachment subnets of a VPC attachment.
	SubnetIDs     []string
	ApplianceMode bool
	SGReferencing bool
	// PeerTGWID is the transit gateway on the other side of a peering
	// attachment. A peering attachment has one ID on both transit
	// gateways, each with its own association: PeerRouteTableID and
	// PeerAssociationState are the other side's.
	PeerTGWID            string
	PeerRouteTableID     string
	PeerAssociationState string
}

// TGWRoute is one route of a transit gateway route table.
type TGWRoute struct {
	Destination   netip.Prefix
	PrefixListID  string
	AttachmentIDs []string
	// Static is false for propagated routes.
	Static    bool
	Blackhole bool
}

// TransitGatewayRouteTable is one transit gateway route table.
type TransitGatewayRouteTable struct {
	ID    string
	TGWID string
	Name  string
	// Routes as searched; routes propagated from VPC attachments are derived
	// from Propagations at compile time when they are absent.
	Routes []TGWRoute
	// Propagations lists attachment IDs whose routes propagate here (state
	// enabled).
	Propagations []string
	// RoutesKnown is false when the routes were not read.
	RoutesKnown bool
	// StaticOnly is true when only the static routes were read: routes
	// propagated from VPN or Direct Connect attachments are then unknown.
	StaticOnly bool
	// PropagationsUnknown is true when the routes read may lack the
	// propagated ones and the propagations were not read either: a
	// propagated route may then decide any lookup that no host route does.
	PropagationsUnknown bool
}

// VPNConnection is one Site-to-Site VPN connection, on a virtual private
// gateway or a transit gateway.
type VPNConnection struct {
	ID                string
	VGWID             string
	TGWID             string
	CustomerGatewayID string
	State             string
	// StaticRoutesOnly connections carry only Routes; the others learn
	// their routes over BGP, which reach cannot see.
	StaticRoutesOnly bool
	Routes           []netip.Prefix
	// Tunnels is the connection's VgwTelemetry, one entry per tunnel; it
	// is nil when the telemetry was not in the data, and then whether the
	// connection carries anything is unknown.
	Tunnels []VPNTunnel
}

// VPNTunnel is the state of one tunnel of a VPN connection.
type VPNTunnel struct {
	OutsideIP string
	// Status is "UP" or "DOWN".
	Status        string
	StatusMessage string
	// AcceptedRouteCount is the number of routes the tunnel learned over
	// BGP from the customer gateway.
	AcceptedRouteCount int
}

// Up reports whether the tunnel is up.
func (t VPNTunnel) Up() bool { return strings.EqualFold(t.Status, "UP") }

// DirectConnectVIF is one Direct Connect virtual interface. A private
// interface ends on a virtual private gateway (VGWID) or on a Direct
// Connect gateway; a transit interface ends on a Direct Connect gateway.
type DirectConnectVIF struct {
	ID   string
	Name string
	// Type is "private", "transit" or "public".
	Type string
	// State is AWS's virtualInterfaceState: "available" carries traffic;
	// "confirming", "verifying", "pending", "down", "deleting", "deleted",
	// "rejected" and "unknown" do not.
	State       string
	VGWID       string
	DXGatewayID string
}

// DirectConnectAssociation associates a Direct Connect gateway with a
// virtual private gateway or a transit gateway.
type DirectConnectAssociation struct {
	ID          string
	DXGatewayID string
	// GatewayID is the vgw-… or tgw-… ID; GatewayType is AWS's
	// "virtualPrivateGateway" or "transitGateway".
	GatewayID   string
	GatewayType string
	// State is "associated" when the association carries traffic.
	State           string
	AllowedPrefixes []netip.Prefix
}

// Endpoint is one VPC endpoint.
type Endpoint struct {
	ID string
	// Type is "Gateway", "Interface" or "GatewayLoadBalancer".
	Type              string
	ServiceName       string
	VPCID             string
	State             string
	RouteTableIDs     []string
	SubnetIDs         []string
	ENIIDs            []string
	SecurityGroupIDs  []string
	PrivateDNSEnabled bool
	PolicyDocument    string
	DNSNames          []string
}
