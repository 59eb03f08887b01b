// Package inventory holds the raw outputs of an AWS account, exactly as the
// SDK types them: the live loader and the snapshot reader fill an Inventory,
// the snapshot writer saves one losslessly, and package convert turns one
// into a checks.Network.
package inventory

import (
	"strings"

	dxtypes "github.com/aws/aws-sdk-go-v2/service/directconnect/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	resolvertypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/reachnet/reach/checks"
)

// Inventory holds the raw outputs of the describe/list/get calls for one
// account and region (or several, merged), exactly as the SDK types them.
// The snapshot reader and the live loader both fill it; convert.Network
// turns it into a checks.Network.
type Inventory struct {
	VPCs                       []ec2types.Vpc
	VPCAttributes              map[string]VPCAttributes // by VPC ID
	Subnets                    []ec2types.Subnet
	NetworkInterfaces          []ec2types.NetworkInterface
	Reservations               []ec2types.Reservation
	RouteTables                []ec2types.RouteTable
	NetworkACLs                []ec2types.NetworkAcl
	SecurityGroups             []ec2types.SecurityGroup
	ManagedPrefixLists         []ec2types.ManagedPrefixList
	PrefixListEntries          map[string][]ec2types.PrefixListEntry // by prefix list ID
	PrefixLists                []ec2types.PrefixList                 // describe-prefix-lists (AWS service lists with CIDRs)
	Peerings                   []ec2types.VpcPeeringConnection
	InternetGateways           []ec2types.InternetGateway
	EgressOnlyInternetGateways []ec2types.EgressOnlyInternetGateway
	NATGateways                []ec2types.NatGateway
	VPNGateways                []ec2types.VpnGateway
	VPNConnections             []ec2types.VpnConnection
	// The Direct Connect API's outputs. Its JSON is lowerCamel, which the
	// snapshot reader and writer speak for these two.
	DXVirtualInterfaces          []dxtypes.VirtualInterface
	DXAssociations               []dxtypes.DirectConnectGatewayAssociation
	TransitGateways              []ec2types.TransitGateway
	TransitGatewayAttachments    []ec2types.TransitGatewayAttachment
	TransitGatewayVPCAttachments []ec2types.TransitGatewayVpcAttachment
	TransitGatewayPeerings       []ec2types.TransitGatewayPeeringAttachment
	TransitGatewayRouteTables    []ec2types.TransitGatewayRouteTable
	TransitGatewayRoutes         map[string][]ec2types.TransitGatewayRoute                 // by TGW route table ID
	TransitGatewayPropagations   map[string][]ec2types.TransitGatewayRouteTablePropagation // by TGW route table ID
	VPCEndpoints                 []ec2types.VpcEndpoint
	Addresses                    []ec2types.Address
	DHCPOptions                  []ec2types.DhcpOptions
	FlowLogs                     []ec2types.FlowLog

	HostedZones              []r53types.HostedZone
	HostedZoneVPCs           map[string][]r53types.VPC               // by hosted zone ID without "/hostedzone/"
	RecordSets               map[string][]r53types.ResourceRecordSet // by hosted zone ID without "/hostedzone/"
	ResolverEndpoints        []resolvertypes.ResolverEndpoint
	ResolverIPs              map[string][]resolvertypes.IpAddressResponse // by Resolver endpoint ID
	ResolverRules            []resolvertypes.ResolverRule
	ResolverRuleAssociations []resolvertypes.ResolverRuleAssociation

	// Elastic Load Balancing (elbv2): load balancers, their listeners
	// and target groups, and the per-parent outputs keyed by the parent's
	// ARN (target health by target group; attributes by load balancer or
	// target group).
	LoadBalancers          []elbtypes.LoadBalancer
	Listeners              []elbtypes.Listener
	TargetGroups           []elbtypes.TargetGroup
	TargetHealth           map[string][]elbtypes.TargetHealthDescription // by target group ARN
	LoadBalancerAttributes map[string][]elbtypes.LoadBalancerAttribute   // by load balancer ARN
	TargetGroupAttributes  map[string][]elbtypes.TargetGroupAttribute    // by target group ARN
	// ListenerRules are describe-rules by listener ARN (an Application
	// Load Balancer's listener rules; each rule's ARN names its listener).
	ListenerRules map[string][]elbtypes.Rule

	// DBInstances are RDS's describe-db-instances.
	DBInstances []rdstypes.DBInstance
	// DBClusters are RDS's describe-db-clusters (Aurora).
	DBClusters []rdstypes.DBCluster

	// Present records which kinds were read (a snapshot file or a
	// successful API call); a kind absent here becomes a checks.Gap.
	Present map[checks.DataKind]bool
	// Gaps records kinds that could not be read and why.
	Gaps []checks.Gap
	// Skipped lists snapshot files that were not recognised, with why.
	Skipped []string
	// PresentIn records, for a snapshot of several folders (one per
	// account or Region), which kinds each folder holds, by the folder's
	// path; a kind one folder holds and another lacks is missing there.
	PresentIn map[string]map[checks.DataKind]bool

	// Conflicts lists resources that two snapshot files describe
	// differently; conversion turns each into a gap scoped to the resource.
	Conflicts []Conflict

	// TransitGatewayRoutesStaticOnly is true for the TGW route tables whose
	// routes came only from Batfish's TransitGatewayStaticRoutes.json, which
	// lists static routes alone (search-transit-gateway-routes lists the
	// propagated ones too), so their propagated routes must be derived from
	// the propagations. It may be nil.
	TransitGatewayRoutesStaticOnly map[string]bool
}

// VPCAttributes holds the DNS attributes of describe-vpc-attribute.
type VPCAttributes struct {
	EnableDNSSupport   *bool
	EnableDNSHostnames *bool
}

// NewInventory returns an empty inventory with its maps allocated.
func NewInventory() *Inventory {
	return &Inventory{
		VPCAttributes:              map[string]VPCAttributes{},
		PrefixListEntries:          map[string][]ec2types.PrefixListEntry{},
		TransitGatewayRoutes:       map[string][]ec2types.TransitGatewayRoute{},
		TransitGatewayPropagations: map[string][]ec2types.TransitGatewayRouteTablePropagation{},
		HostedZoneVPCs:             map[string][]r53types.VPC{},
		RecordSets:                 map[string][]r53types.ResourceRecordSet{},
		ResolverIPs:                map[string][]resolvertypes.IpAddressResponse{},
		TargetHealth:               map[string][]elbtypes.TargetHealthDescription{},
		LoadBalancerAttributes:     map[string][]elbtypes.LoadBalancerAttribute{},
		TargetGroupAttributes:      map[string][]elbtypes.TargetGroupAttribute{},
		ListenerRules:              map[string][]elbtypes.Rule{},
		Present:                    map[checks.DataKind]bool{},
	}
}

// Kinds of data beyond those the packet-path layers read (checks.Kind...),
// named like them after the AWS CLI command that produces the data. The
// loader records a checks.Gap under these kinds when a call fails; a kind
// read per parent resource (routes of one TGW route table, entries of one
// prefix list) carries the parent's ID in Gap.Scope.
const (
	KindVPCAttribute                 checks.DataKind = "describe-vpc-attribute"
	KindTransitGatewayVPCAttachments checks.DataKind = "describe-transit-gateway-vpc-attachments"
	KindTransitGatewayRoutes         checks.DataKind = "search-transit-gateway-routes"
	KindTransitGatewayPropagations   checks.DataKind = "get-transit-gateway-route-table-propagations"
	KindPrefixListEntries            checks.DataKind = "get-managed-prefix-list-entries"
	KindDHCPOptions                  checks.DataKind = "describe-dhcp-options"
	KindFlowLogs                     checks.DataKind = "describe-flow-logs"
	KindAddresses                    checks.DataKind = "describe-addresses"
	KindHostedZones                  checks.DataKind = "list-hosted-zones"
	KindHostedZone                   checks.DataKind = "get-hosted-zone"
	KindRecordSets                   checks.DataKind = "list-resource-record-sets"
	KindResolverEndpoints            checks.DataKind = "list-resolver-endpoints"
	KindResolverEndpointIPs          checks.DataKind = "list-resolver-endpoint-ip-addresses"
	KindResolverRules                checks.DataKind = "list-resolver-rules"
	KindResolverRuleAssociations     checks.DataKind = "list-resolver-rule-associations"
)

// Kinds only snapshots and the loader name: AWS-managed prefix lists with
// their CIDRs (snapshots may hold them; the loader reads the same CIDRs
// through get-managed-prefix-list-entries), and TGW peering attachments.
const (
	KindAWSPrefixLists         checks.DataKind = "describe-prefix-lists"
	KindTransitGatewayPeerings checks.DataKind = "describe-transit-gateway-peering-attachments"
)

// The Direct Connect kinds, optional: the EC2 API cannot see Direct
// Connect, and an account without it has nothing to read.
const (
	KindDXVirtualInterfaces = checks.KindDirectConnectVIFs
	KindDXAssociations      = checks.KindDirectConnectAssociations
)

// Conflict is one resource described twice with different content.
type Conflict struct {
	Kind checks.DataKind
	ID   string
	// Files are the two snapshot files, the first read first.
	Files [2]string
}

// HostedZoneID returns a hosted zone ID without the "/hostedzone/" prefix
// Route 53 puts on it in some outputs, so that IDs from list-hosted-zones,
// get-hosted-zone and file names compare equal.
func HostedZoneID(id string) string {
	return strings.TrimPrefix(id, "/hostedzone/")
}

// The Elastic Load Balancing kinds beyond those the service layer reads
// (checks.KindLoadBalancers, checks.KindListeners). Target health,
// attributes and listener rules are read per parent, whose ARN a gap
// carries in Gap.Scope.
const (
	KindListenerRules          checks.DataKind = "describe-rules"
	KindTargetGroups           checks.DataKind = "describe-target-groups"
	KindTargetHealth           checks.DataKind = "describe-target-health"
	KindLoadBalancerAttributes checks.DataKind = "describe-load-balancer-attributes"
	KindTargetGroupAttributes  checks.DataKind = "describe-target-group-attributes"
)
