// Package aws is reach's adapter to AWS: it reads snapshot directories of
// AWS CLI JSON, loads live accounts through aws-sdk-go-v2, keeps the raw API
// outputs (so a snapshot can be saved losslessly) and converts them into a
// checks.Network.
package aws

import (
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	resolvertypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/reachnet/reach/checks"
)

// Inventory holds the raw outputs of the describe/list/get calls for one
// account and region (or several, merged), exactly as the SDK types them.
// The snapshot reader and the live loader both fill it; Convert turns it
// into a checks.Network.
type Inventory struct {
	VPCs                         []ec2types.Vpc
	VPCAttributes                map[string]VPCAttributes // by VPC ID
	Subnets                      []ec2types.Subnet
	NetworkInterfaces            []ec2types.NetworkInterface
	Reservations                 []ec2types.Reservation
	RouteTables                  []ec2types.RouteTable
	NetworkACLs                  []ec2types.NetworkAcl
	SecurityGroups               []ec2types.SecurityGroup
	ManagedPrefixLists           []ec2types.ManagedPrefixList
	PrefixListEntries            map[string][]ec2types.PrefixListEntry // by prefix list ID
	PrefixLists                  []ec2types.PrefixList                 // describe-prefix-lists (AWS service lists with CIDRs)
	Peerings                     []ec2types.VpcPeeringConnection
	InternetGateways             []ec2types.InternetGateway
	EgressOnlyInternetGateways   []ec2types.EgressOnlyInternetGateway
	NATGateways                  []ec2types.NatGateway
	VPNGateways                  []ec2types.VpnGateway
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
	HostedZoneVPCs           map[string][]r53types.VPC               // by hosted zone ID (get-hosted-zone)
	RecordSets               map[string][]r53types.ResourceRecordSet // by hosted zone ID
	ResolverEndpoints        []resolvertypes.ResolverEndpoint
	ResolverIPs              map[string][]resolvertypes.IpAddressResponse // by Resolver endpoint ID
	ResolverRules            []resolvertypes.ResolverRule
	ResolverRuleAssociations []resolvertypes.ResolverRuleAssociation

	// Present records which kinds were read (a snapshot file or a
	// successful API call); a kind absent here becomes a checks.Gap.
	Present map[checks.DataKind]bool
	// Gaps records kinds that could not be read and why.
	Gaps []checks.Gap
	// Skipped lists snapshot files that were not recognised, with why.
	Skipped []string
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
		Present:                    map[checks.DataKind]bool{},
	}
}
