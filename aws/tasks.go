package aws

import (
	"context"
	"fmt"
	"slices"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/directconnect"
	dxtypes "github.com/aws/aws-sdk-go-v2/service/directconnect/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	resolvertypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// pages drives an SDK paginator, one round per page, and returns the round
// of the last page. The cap stops a server that keeps returning tokens.
func pages[O any, Opt any](ctx context.Context, round int, has func() bool, next func(context.Context, ...func(*Opt)) (O, error), each func(O)) (int, error) {
	const maxPages = 10000
	last := round
	for i := 0; has(); i++ {
		if i == maxPages {
			return last, fmt.Errorf("more than %d pages", maxPages)
		}
		last = round + i
		out, err := next(withRound(ctx, last))
		if err != nil {
			return last, err
		}
		each(out)
	}
	return last, nil
}

// mergeBy appends the items of src whose key is not in dst yet; targeted
// loads may read the same resource twice.
func mergeBy[T any](dst, src []T, key func(*T) string) []T {
	if len(dst) == 0 {
		return append(dst, src...)
	}
	seen := make(map[string]bool, len(dst))
	for i := range dst {
		seen[key(&dst[i])] = true
	}
	for i := range src {
		k := key(&src[i])
		if seen[k] {
			continue
		}
		seen[k] = true
		dst = append(dst, src[i])
	}
	return dst
}

// listTask is a task that reads one listing and merges it; children, when
// set, builds the tasks its items make possible (and holds their kinds
// pending until then).
func listTask[T any](kind checks.DataKind, action, scope string,
	fetch func(context.Context, int) ([]T, int, error),
	merge func(*inventory.Inventory, []T),
	children func([]T) []*task, holds ...checks.DataKind,
) *task {
	return &task{kind: kind, action: action, scope: scope, holds: holds,
		run: func(ctx context.Context, round int) (taskResult, error) {
			items, last, err := fetch(ctx, round)
			if err != nil {
				return taskResult{}, err
			}
			res := taskResult{last: last, apply: func(inv *inventory.Inventory) { merge(inv, items) }}
			if children != nil {
				res.next = func() []*task { return children(items) }
			}
			return res, nil
		}}
}

// filter builds one EC2 filter; nil when there are no values, so a caller
// never sends an empty filter (which EC2 rejects).
func filter(name string, values []string) []ec2types.Filter {
	if len(values) == 0 {
		return nil
	}
	return []ec2types.Filter{{Name: awssdk.String(name), Values: slices.Clone(values)}}
}

func (l *Loader) vpcsTask(filters []ec2types.Filter, withAttributes bool) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.Vpc, int, error) {
		var out []ec2types.Vpc
		p := ec2.NewDescribeVpcsPaginator(l.ec2, &ec2.DescribeVpcsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcsOutput) { out = append(out, o.Vpcs...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe vpcs: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.Vpc) {
		inv.VPCs = mergeBy(inv.VPCs, items, func(v *ec2types.Vpc) string { return awssdk.ToString(v.VpcId) })
	}
	if !withAttributes {
		return listTask(checks.KindVPCs, "ec2:DescribeVpcs", "", fetch, merge, nil)
	}
	return listTask(checks.KindVPCs, "ec2:DescribeVpcs", "", fetch, merge, func(vpcs []ec2types.Vpc) []*task {
		var ids []string
		for _, v := range vpcs {
			ids = append(ids, awssdk.ToString(v.VpcId))
		}
		return l.vpcAttributeTasks(ids)
	}, inventory.KindVPCAttribute)
}

// vpcAttributeTasks reads the two DNS attributes of each VPC; the API
// answers one attribute of one VPC per call.
func (l *Loader) vpcAttributeTasks(vpcIDs []string) []*task {
	var ts []*task
	for _, id := range vpcIDs {
		for _, attr := range []ec2types.VpcAttributeName{ec2types.VpcAttributeNameEnableDnsSupport, ec2types.VpcAttributeNameEnableDnsHostnames} {
			ts = append(ts, &task{kind: inventory.KindVPCAttribute, action: "ec2:DescribeVpcAttribute", scope: id,
				run: func(ctx context.Context, round int) (taskResult, error) {
					out, err := l.ec2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: awssdk.String(id), Attribute: attr})
					if err != nil {
						return taskResult{}, fmt.Errorf("describe vpc attribute %s of %s: %w", attr, id, err)
					}
					return taskResult{last: round, apply: func(inv *inventory.Inventory) {
						a := inv.VPCAttributes[id]
						if out.EnableDnsSupport != nil {
							a.EnableDNSSupport = out.EnableDnsSupport.Value
						}
						if out.EnableDnsHostnames != nil {
							a.EnableDNSHostnames = out.EnableDnsHostnames.Value
						}
						inv.VPCAttributes[id] = a
					}}, nil
				}})
		}
	}
	return ts
}

func (l *Loader) subnetsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindSubnets, "ec2:DescribeSubnets", "",
		func(ctx context.Context, round int) ([]ec2types.Subnet, int, error) {
			var out []ec2types.Subnet
			p := ec2.NewDescribeSubnetsPaginator(l.ec2, &ec2.DescribeSubnetsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeSubnetsOutput) { out = append(out, o.Subnets...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe subnets: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.Subnet) {
			inv.Subnets = mergeBy(inv.Subnets, items, func(v *ec2types.Subnet) string { return awssdk.ToString(v.SubnetId) })
		}, nil)
}

func (l *Loader) describeENIs(filters []ec2types.Filter) func(context.Context, int) ([]ec2types.NetworkInterface, int, error) {
	return func(ctx context.Context, round int) ([]ec2types.NetworkInterface, int, error) {
		var out []ec2types.NetworkInterface
		p := ec2.NewDescribeNetworkInterfacesPaginator(l.ec2, &ec2.DescribeNetworkInterfacesInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNetworkInterfacesOutput) { out = append(out, o.NetworkInterfaces...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe network interfaces: %w", err)
		}
		return out, last, nil
	}
}

func mergeENIs(inv *inventory.Inventory, items []ec2types.NetworkInterface) {
	inv.NetworkInterfaces = mergeBy(inv.NetworkInterfaces, items, func(v *ec2types.NetworkInterface) string { return awssdk.ToString(v.NetworkInterfaceId) })
}

func (l *Loader) enisTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindNetworkInterfaces, "ec2:DescribeNetworkInterfaces", "", l.describeENIs(filters), mergeENIs, nil)
}

func (l *Loader) instancesTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindInstances, "ec2:DescribeInstances", "",
		func(ctx context.Context, round int) ([]ec2types.Reservation, int, error) {
			var out []ec2types.Reservation
			p := ec2.NewDescribeInstancesPaginator(l.ec2, &ec2.DescribeInstancesInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeInstancesOutput) { out = append(out, o.Reservations...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe instances: %w", err)
			}
			return out, last, nil
		}, mergeReservations, nil)
}

// mergeReservations adds instances not seen yet. Two filtered calls may
// return the same reservation with different instances, so duplicates are
// found per instance, and a reservation seen again is appended with only
// its new instances.
func mergeReservations(inv *inventory.Inventory, items []ec2types.Reservation) {
	seen := map[string]bool{}
	for _, r := range inv.Reservations {
		for _, i := range r.Instances {
			seen[awssdk.ToString(i.InstanceId)] = true
		}
	}
	for _, r := range items {
		var fresh []ec2types.Instance
		for _, i := range r.Instances {
			if id := awssdk.ToString(i.InstanceId); !seen[id] {
				seen[id] = true
				fresh = append(fresh, i)
			}
		}
		if len(fresh) == len(r.Instances) {
			inv.Reservations = append(inv.Reservations, r)
		} else if len(fresh) > 0 {
			r.Instances = fresh
			inv.Reservations = append(inv.Reservations, r)
		}
	}
}

func (l *Loader) routeTablesTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindRouteTables, "ec2:DescribeRouteTables", "",
		func(ctx context.Context, round int) ([]ec2types.RouteTable, int, error) {
			var out []ec2types.RouteTable
			p := ec2.NewDescribeRouteTablesPaginator(l.ec2, &ec2.DescribeRouteTablesInput{Filters: filters, MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeRouteTablesOutput) { out = append(out, o.RouteTables...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe route tables: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.RouteTable) {
			inv.RouteTables = mergeBy(inv.RouteTables, items, func(v *ec2types.RouteTable) string { return awssdk.ToString(v.RouteTableId) })
		}, nil)
}

func (l *Loader) naclsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindNetworkACLs, "ec2:DescribeNetworkAcls", "",
		func(ctx context.Context, round int) ([]ec2types.NetworkAcl, int, error) {
			var out []ec2types.NetworkAcl
			p := ec2.NewDescribeNetworkAclsPaginator(l.ec2, &ec2.DescribeNetworkAclsInput{Filters: filters, MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNetworkAclsOutput) { out = append(out, o.NetworkAcls...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe network acls: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.NetworkAcl) {
			inv.NetworkACLs = mergeBy(inv.NetworkACLs, items, func(v *ec2types.NetworkAcl) string { return awssdk.ToString(v.NetworkAclId) })
		}, nil)
}

func (l *Loader) securityGroupsTask(filters []ec2types.Filter) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.SecurityGroup, int, error) {
		var out []ec2types.SecurityGroup
		p := ec2.NewDescribeSecurityGroupsPaginator(l.ec2, &ec2.DescribeSecurityGroupsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeSecurityGroupsOutput) { out = append(out, o.SecurityGroups...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe security groups: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.SecurityGroup) {
		inv.SecurityGroups = mergeBy(inv.SecurityGroups, items, func(v *ec2types.SecurityGroup) string { return awssdk.ToString(v.GroupId) })
	}
	return listTask(checks.KindSecurityGroups, "ec2:DescribeSecurityGroups", "", fetch, merge, nil)
}

func (l *Loader) prefixListsTask(filters []ec2types.Filter, withEntries bool) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.ManagedPrefixList, int, error) {
		var out []ec2types.ManagedPrefixList
		p := ec2.NewDescribeManagedPrefixListsPaginator(l.ec2, &ec2.DescribeManagedPrefixListsInput{Filters: filters, MaxResults: awssdk.Int32(100)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeManagedPrefixListsOutput) { out = append(out, o.PrefixLists...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe managed prefix lists: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.ManagedPrefixList) {
		inv.ManagedPrefixLists = mergeBy(inv.ManagedPrefixLists, items, func(v *ec2types.ManagedPrefixList) string { return awssdk.ToString(v.PrefixListId) })
	}
	if !withEntries {
		return listTask(checks.KindPrefixLists, "ec2:DescribeManagedPrefixLists", "", fetch, merge, nil)
	}
	return listTask(checks.KindPrefixLists, "ec2:DescribeManagedPrefixLists", "", fetch, merge, func(pls []ec2types.ManagedPrefixList) []*task {
		var ts []*task
		for _, pl := range pls {
			ts = append(ts, l.prefixListEntriesTask(awssdk.ToString(pl.PrefixListId)))
		}
		return ts
	}, inventory.KindPrefixListEntries)
}

func (l *Loader) prefixListEntriesTask(id string) *task {
	return listTask(inventory.KindPrefixListEntries, "ec2:GetManagedPrefixListEntries", id,
		func(ctx context.Context, round int) ([]ec2types.PrefixListEntry, int, error) {
			out := []ec2types.PrefixListEntry{}
			p := ec2.NewGetManagedPrefixListEntriesPaginator(l.ec2, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: awssdk.String(id), MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.GetManagedPrefixListEntriesOutput) { out = append(out, o.Entries...) })
			if err != nil {
				return nil, last, fmt.Errorf("get managed prefix list entries of %s: %w", id, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.PrefixListEntry) { inv.PrefixListEntries[id] = items }, nil)
}

func (l *Loader) peeringsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindPeerings, "ec2:DescribeVpcPeeringConnections", "",
		func(ctx context.Context, round int) ([]ec2types.VpcPeeringConnection, int, error) {
			var out []ec2types.VpcPeeringConnection
			p := ec2.NewDescribeVpcPeeringConnectionsPaginator(l.ec2, &ec2.DescribeVpcPeeringConnectionsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcPeeringConnectionsOutput) { out = append(out, o.VpcPeeringConnections...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe vpc peering connections: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpcPeeringConnection) {
			inv.Peerings = mergeBy(inv.Peerings, items, func(v *ec2types.VpcPeeringConnection) string { return awssdk.ToString(v.VpcPeeringConnectionId) })
		}, nil)
}

func (l *Loader) igwsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindInternetGateways, "ec2:DescribeInternetGateways", "",
		func(ctx context.Context, round int) ([]ec2types.InternetGateway, int, error) {
			var out []ec2types.InternetGateway
			p := ec2.NewDescribeInternetGatewaysPaginator(l.ec2, &ec2.DescribeInternetGatewaysInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeInternetGatewaysOutput) { out = append(out, o.InternetGateways...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe internet gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.InternetGateway) {
			inv.InternetGateways = mergeBy(inv.InternetGateways, items, func(v *ec2types.InternetGateway) string { return awssdk.ToString(v.InternetGatewayId) })
		}, nil)
}

// eigwsTask reads every egress-only internet gateway: the API filters only
// by tag, and accounts hold few of them.
func (l *Loader) eigwsTask() *task {
	return listTask(checks.KindEgressOnlyGateways, "ec2:DescribeEgressOnlyInternetGateways", "",
		func(ctx context.Context, round int) ([]ec2types.EgressOnlyInternetGateway, int, error) {
			var out []ec2types.EgressOnlyInternetGateway
			p := ec2.NewDescribeEgressOnlyInternetGatewaysPaginator(l.ec2, &ec2.DescribeEgressOnlyInternetGatewaysInput{MaxResults: awssdk.Int32(255)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeEgressOnlyInternetGatewaysOutput) {
				out = append(out, o.EgressOnlyInternetGateways...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("describe egress-only internet gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.EgressOnlyInternetGateway) {
			inv.EgressOnlyInternetGateways = mergeBy(inv.EgressOnlyInternetGateways, items, func(v *ec2types.EgressOnlyInternetGateway) string {
				return awssdk.ToString(v.EgressOnlyInternetGatewayId)
			})
		}, nil)
}

func (l *Loader) natsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindNATGateways, "ec2:DescribeNatGateways", "",
		func(ctx context.Context, round int) ([]ec2types.NatGateway, int, error) {
			var out []ec2types.NatGateway
			p := ec2.NewDescribeNatGatewaysPaginator(l.ec2, &ec2.DescribeNatGatewaysInput{Filter: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNatGatewaysOutput) { out = append(out, o.NatGateways...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe nat gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.NatGateway) {
			inv.NATGateways = mergeBy(inv.NATGateways, items, func(v *ec2types.NatGateway) string { return awssdk.ToString(v.NatGatewayId) })
		}, nil)
}

// vgwsTask reads virtual private gateways; the API has no pagination.
func (l *Loader) vgwsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindVPNGateways, "ec2:DescribeVpnGateways", "",
		func(ctx context.Context, round int) ([]ec2types.VpnGateway, int, error) {
			out, err := l.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{Filters: filters})
			if err != nil {
				return nil, round, fmt.Errorf("describe vpn gateways: %w", err)
			}
			return out.VpnGateways, round, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpnGateway) {
			inv.VPNGateways = mergeBy(inv.VPNGateways, items, func(v *ec2types.VpnGateway) string { return awssdk.ToString(v.VpnGatewayId) })
		}, nil)
}

// vpnConnectionsTask reads every Site-to-Site VPN connection (accounts
// hold few; the API has no pagination). The customer gateway configuration
// is dropped as it lands: it holds the tunnels' pre-shared keys, which no
// check needs and no snapshot should carry.
func (l *Loader) vpnConnectionsTask() *task {
	return listTask(checks.KindVPNConnections, "ec2:DescribeVpnConnections", "",
		func(ctx context.Context, round int) ([]ec2types.VpnConnection, int, error) {
			out, err := l.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
			if err != nil {
				return nil, round, fmt.Errorf("describe vpn connections: %w", err)
			}
			for i := range out.VpnConnections {
				out.VpnConnections[i].CustomerGatewayConfiguration = nil
			}
			return out.VpnConnections, round, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpnConnection) {
			inv.VPNConnections = mergeBy(inv.VPNConnections, items, func(v *ec2types.VpnConnection) string { return awssdk.ToString(v.VpnConnectionId) })
		}, nil)
}

// tgwPeeringsTask reads transit gateway peering attachments, which name the
// transit gateway on the other side. (moto 5 lists VPC attachments here
// too, without the peer's details; conversion skips those.)
func (l *Loader) tgwPeeringsTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindTransitGatewayPeerings, "ec2:DescribeTransitGatewayPeeringAttachments", "",
		func(ctx context.Context, round int) ([]ec2types.TransitGatewayPeeringAttachment, int, error) {
			var out []ec2types.TransitGatewayPeeringAttachment
			p := ec2.NewDescribeTransitGatewayPeeringAttachmentsPaginator(l.ec2, &ec2.DescribeTransitGatewayPeeringAttachmentsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayPeeringAttachmentsOutput) {
				out = append(out, o.TransitGatewayPeeringAttachments...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("describe transit gateway peering attachments: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGatewayPeeringAttachment) {
			inv.TransitGatewayPeerings = mergeBy(inv.TransitGatewayPeerings, items, func(v *ec2types.TransitGatewayPeeringAttachment) string {
				return awssdk.ToString(v.TransitGatewayAttachmentId)
			})
		}, nil)
}

func (l *Loader) tgwsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindTransitGateways, "ec2:DescribeTransitGateways", "",
		func(ctx context.Context, round int) ([]ec2types.TransitGateway, int, error) {
			var out []ec2types.TransitGateway
			p := ec2.NewDescribeTransitGatewaysPaginator(l.ec2, &ec2.DescribeTransitGatewaysInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewaysOutput) { out = append(out, o.TransitGateways...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe transit gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGateway) {
			inv.TransitGateways = mergeBy(inv.TransitGateways, items, func(v *ec2types.TransitGateway) string { return awssdk.ToString(v.TransitGatewayId) })
		}, nil)
}

func (l *Loader) describeTGWAttachments(filters []ec2types.Filter) func(context.Context, int) ([]ec2types.TransitGatewayAttachment, int, error) {
	return func(ctx context.Context, round int) ([]ec2types.TransitGatewayAttachment, int, error) {
		var out []ec2types.TransitGatewayAttachment
		p := ec2.NewDescribeTransitGatewayAttachmentsPaginator(l.ec2, &ec2.DescribeTransitGatewayAttachmentsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayAttachmentsOutput) {
			out = append(out, o.TransitGatewayAttachments...)
		})
		if err != nil {
			return nil, last, fmt.Errorf("describe transit gateway attachments: %w", err)
		}
		return out, last, nil
	}
}

func mergeTGWAttachments(inv *inventory.Inventory, items []ec2types.TransitGatewayAttachment) {
	inv.TransitGatewayAttachments = mergeBy(inv.TransitGatewayAttachments, items, func(v *ec2types.TransitGatewayAttachment) string {
		return awssdk.ToString(v.TransitGatewayAttachmentId)
	})
}

func (l *Loader) tgwAttachmentsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindTransitGatewayAttachments, "ec2:DescribeTransitGatewayAttachments", "",
		l.describeTGWAttachments(filters), mergeTGWAttachments, nil)
}

func (l *Loader) tgwVPCAttachmentsTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindTransitGatewayVPCAttachments, "ec2:DescribeTransitGatewayVpcAttachments", "",
		func(ctx context.Context, round int) ([]ec2types.TransitGatewayVpcAttachment, int, error) {
			var out []ec2types.TransitGatewayVpcAttachment
			p := ec2.NewDescribeTransitGatewayVpcAttachmentsPaginator(l.ec2, &ec2.DescribeTransitGatewayVpcAttachmentsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayVpcAttachmentsOutput) {
				out = append(out, o.TransitGatewayVpcAttachments...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("describe transit gateway vpc attachments: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGatewayVpcAttachment) {
			inv.TransitGatewayVPCAttachments = mergeBy(inv.TransitGatewayVPCAttachments, items, func(v *ec2types.TransitGatewayVpcAttachment) string {
				return awssdk.ToString(v.TransitGatewayAttachmentId)
			})
		}, nil)
}

func (l *Loader) tgwRouteTablesTask(filters []ec2types.Filter, withRoutes bool) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.TransitGatewayRouteTable, int, error) {
		var out []ec2types.TransitGatewayRouteTable
		p := ec2.NewDescribeTransitGatewayRouteTablesPaginator(l.ec2, &ec2.DescribeTransitGatewayRouteTablesInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayRouteTablesOutput) {
			out = append(out, o.TransitGatewayRouteTables...)
		})
		if err != nil {
			return nil, last, fmt.Errorf("describe transit gateway route tables: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.TransitGatewayRouteTable) {
		inv.TransitGatewayRouteTables = mergeBy(inv.TransitGatewayRouteTables, items, func(v *ec2types.TransitGatewayRouteTable) string {
			return awssdk.ToString(v.TransitGatewayRouteTableId)
		})
	}
	if !withRoutes {
		return listTask(checks.KindTransitGatewayRouteTables, "ec2:DescribeTransitGatewayRouteTables", "", fetch, merge, nil)
	}
	return listTask(checks.KindTransitGatewayRouteTables, "ec2:DescribeTransitGatewayRouteTables", "", fetch, merge,
		func(rts []ec2types.TransitGatewayRouteTable) []*task {
			var ts []*task
			for _, rt := range rts {
				id := awssdk.ToString(rt.TransitGatewayRouteTableId)
				ts = append(ts, l.tgwRoutesTask(id), l.tgwPropagationsTask(id))
			}
			return ts
		}, inventory.KindTransitGatewayRoutes, inventory.KindTransitGatewayPropagations)
}

// tgwRoutesTask searches one TGW route table for its static and propagated
// routes (the API requires a filter; these two types are all there are).
func (l *Loader) tgwRoutesTask(id string) *task {
	return &task{kind: inventory.KindTransitGatewayRoutes, action: "ec2:SearchTransitGatewayRoutes", scope: id,
		run: func(ctx context.Context, round int) (taskResult, error) {
			routes := []ec2types.TransitGatewayRoute{}
			more := false
			p := ec2.NewSearchTransitGatewayRoutesPaginator(l.ec2, &ec2.SearchTransitGatewayRoutesInput{
				TransitGatewayRouteTableId: awssdk.String(id),
				Filters:                    filter("type", []string{"static", "propagated"}),
				// MaxResults is left at its default of 1000: moto 5 fails
				// on an explicit value.
			})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.SearchTransitGatewayRoutesOutput) {
				routes = append(routes, o.Routes...)
				more = awssdk.ToBool(o.AdditionalRoutesAvailable) && o.NextToken == nil
			})
			if err != nil {
				return taskResult{}, fmt.Errorf("search transit gateway routes of %s: %w", id, err)
			}
			res := taskResult{last: last, apply: func(inv *inventory.Inventory) { inv.TransitGatewayRoutes[id] = routes }}
			if more {
				// Older endpoints cap a search at 1000 routes without a
				// token: what was read is kept, and the gap says it is
				// incomplete so no layer passes on it.
				res.partial = fmt.Sprintf("more than %d routes: only the first were read", len(routes))
			}
			return res, nil
		}}
}

func (l *Loader) tgwPropagationsTask(id string) *task {
	return listTask(inventory.KindTransitGatewayPropagations, "ec2:GetTransitGatewayRouteTablePropagations", id,
		func(ctx context.Context, round int) ([]ec2types.TransitGatewayRouteTablePropagation, int, error) {
			out := []ec2types.TransitGatewayRouteTablePropagation{}
			p := ec2.NewGetTransitGatewayRouteTablePropagationsPaginator(l.ec2, &ec2.GetTransitGatewayRouteTablePropagationsInput{
				TransitGatewayRouteTableId: awssdk.String(id), MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.GetTransitGatewayRouteTablePropagationsOutput) {
				out = append(out, o.TransitGatewayRouteTablePropagations...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("get transit gateway route table propagations of %s: %w", id, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGatewayRouteTablePropagation) {
			inv.TransitGatewayPropagations[id] = items
		}, nil)
}

func (l *Loader) endpointsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindVPCEndpoints, "ec2:DescribeVpcEndpoints", "",
		func(ctx context.Context, round int) ([]ec2types.VpcEndpoint, int, error) {
			var out []ec2types.VpcEndpoint
			p := ec2.NewDescribeVpcEndpointsPaginator(l.ec2, &ec2.DescribeVpcEndpointsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcEndpointsOutput) { out = append(out, o.VpcEndpoints...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe vpc endpoints: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpcEndpoint) {
			inv.VPCEndpoints = mergeBy(inv.VPCEndpoints, items, func(v *ec2types.VpcEndpoint) string { return awssdk.ToString(v.VpcEndpointId) })
		}, nil)
}

func (l *Loader) dhcpTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindDHCPOptions, "ec2:DescribeDhcpOptions", "",
		func(ctx context.Context, round int) ([]ec2types.DhcpOptions, int, error) {
			var out []ec2types.DhcpOptions
			p := ec2.NewDescribeDhcpOptionsPaginator(l.ec2, &ec2.DescribeDhcpOptionsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeDhcpOptionsOutput) { out = append(out, o.DhcpOptions...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe dhcp options: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.DhcpOptions) {
			inv.DHCPOptions = mergeBy(inv.DHCPOptions, items, func(v *ec2types.DhcpOptions) string { return awssdk.ToString(v.DhcpOptionsId) })
		}, nil)
}

func (l *Loader) flowLogsTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindFlowLogs, "ec2:DescribeFlowLogs", "",
		func(ctx context.Context, round int) ([]ec2types.FlowLog, int, error) {
			var out []ec2types.FlowLog
			p := ec2.NewDescribeFlowLogsPaginator(l.ec2, &ec2.DescribeFlowLogsInput{Filter: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeFlowLogsOutput) { out = append(out, o.FlowLogs...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe flow logs: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.FlowLog) {
			inv.FlowLogs = mergeBy(inv.FlowLogs, items, func(v *ec2types.FlowLog) string { return awssdk.ToString(v.FlowLogId) })
		}, nil)
}

// addressesTask reads Elastic IP addresses; the API has no pagination.
func (l *Loader) addressesTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindAddresses, "ec2:DescribeAddresses", "",
		func(ctx context.Context, round int) ([]ec2types.Address, int, error) {
			out, err := l.ec2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: filters})
			if err != nil {
				return nil, round, fmt.Errorf("describe addresses: %w", err)
			}
			return out.Addresses, round, nil
		},
		func(inv *inventory.Inventory, items []ec2types.Address) {
			inv.Addresses = mergeBy(inv.Addresses, items, func(v *ec2types.Address) string {
				if v.AllocationId != nil {
					return *v.AllocationId
				}
				return awssdk.ToString(v.PublicIp)
			})
		}, nil)
}

// hostedZonesTask lists hosted zones, then reads the associated VPCs and
// the records of each zone that want accepts (all when want is nil).
func (l *Loader) hostedZonesTask(want func(r53types.HostedZone) bool) *task {
	return listTask(inventory.KindHostedZones, "route53:ListHostedZones", "",
		func(ctx context.Context, round int) ([]r53types.HostedZone, int, error) {
			var out []r53types.HostedZone
			p := route53.NewListHostedZonesPaginator(l.r53, &route53.ListHostedZonesInput{MaxItems: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53.ListHostedZonesOutput) { out = append(out, o.HostedZones...) })
			if err != nil {
				return nil, last, fmt.Errorf("list hosted zones: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []r53types.HostedZone) {
			inv.HostedZones = mergeBy(inv.HostedZones, items, func(v *r53types.HostedZone) string { return awssdk.ToString(v.Id) })
		},
		func(zones []r53types.HostedZone) []*task {
			var ts []*task
			for _, z := range zones {
				if want == nil || want(z) {
					ts = append(ts, l.hostedZoneTask(awssdk.ToString(z.Id)), l.recordSetsTask(awssdk.ToString(z.Id)))
				}
			}
			return ts
		}, inventory.KindHostedZone, inventory.KindRecordSets)
}

func (l *Loader) hostedZoneTask(id string) *task {
	key := inventory.HostedZoneID(id)
	return &task{kind: inventory.KindHostedZone, action: "route53:GetHostedZone", scope: key,
		run: func(ctx context.Context, round int) (taskResult, error) {
			out, err := l.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: awssdk.String(key)})
			if err != nil {
				return taskResult{}, fmt.Errorf("get hosted zone %s: %w", key, err)
			}
			vpcs := out.VPCs
			if vpcs == nil {
				vpcs = []r53types.VPC{}
			}
			return taskResult{last: round, apply: func(inv *inventory.Inventory) { inv.HostedZoneVPCs[key] = vpcs }}, nil
		}}
}

func (l *Loader) recordSetsTask(id string) *task {
	key := inventory.HostedZoneID(id)
	return listTask(inventory.KindRecordSets, "route53:ListResourceRecordSets", key,
		func(ctx context.Context, round int) ([]r53types.ResourceRecordSet, int, error) {
			out := []r53types.ResourceRecordSet{}
			p := route53.NewListResourceRecordSetsPaginator(l.r53, &route53.ListResourceRecordSetsInput{HostedZoneId: awssdk.String(key), MaxItems: awssdk.Int32(300)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53.ListResourceRecordSetsOutput) { out = append(out, o.ResourceRecordSets...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resource record sets of %s: %w", key, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []r53types.ResourceRecordSet) { inv.RecordSets[key] = items }, nil)
}

func (l *Loader) resolverEndpointsTask() *task {
	return listTask(inventory.KindResolverEndpoints, "route53resolver:ListResolverEndpoints", "",
		func(ctx context.Context, round int) ([]resolvertypes.ResolverEndpoint, int, error) {
			var out []resolvertypes.ResolverEndpoint
			p := route53resolver.NewListResolverEndpointsPaginator(l.resolver, &route53resolver.ListResolverEndpointsInput{MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverEndpointsOutput) { out = append(out, o.ResolverEndpoints...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resolver endpoints: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.ResolverEndpoint) {
			inv.ResolverEndpoints = mergeBy(inv.ResolverEndpoints, items, func(v *resolvertypes.ResolverEndpoint) string { return awssdk.ToString(v.Id) })
		},
		func(eps []resolvertypes.ResolverEndpoint) []*task {
			var ts []*task
			for _, ep := range eps {
				ts = append(ts, l.resolverIPsTask(awssdk.ToString(ep.Id)))
			}
			return ts
		}, inventory.KindResolverEndpointIPs)
}

func (l *Loader) resolverIPsTask(id string) *task {
	return listTask(inventory.KindResolverEndpointIPs, "route53resolver:ListResolverEndpointIpAddresses", id,
		func(ctx context.Context, round int) ([]resolvertypes.IpAddressResponse, int, error) {
			out := []resolvertypes.IpAddressResponse{}
			p := route53resolver.NewListResolverEndpointIpAddressesPaginator(l.resolver, &route53resolver.ListResolverEndpointIpAddressesInput{
				ResolverEndpointId: awssdk.String(id), MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverEndpointIpAddressesOutput) { out = append(out, o.IpAddresses...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resolver endpoint ip addresses of %s: %w", id, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.IpAddressResponse) { inv.ResolverIPs[id] = items }, nil)
}

func (l *Loader) resolverRulesTask() *task {
	return listTask(inventory.KindResolverRules, "route53resolver:ListResolverRules", "",
		func(ctx context.Context, round int) ([]resolvertypes.ResolverRule, int, error) {
			var out []resolvertypes.ResolverRule
			p := route53resolver.NewListResolverRulesPaginator(l.resolver, &route53resolver.ListResolverRulesInput{MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverRulesOutput) { out = append(out, o.ResolverRules...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resolver rules: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.ResolverRule) {
			inv.ResolverRules = mergeBy(inv.ResolverRules, items, func(v *resolvertypes.ResolverRule) string { return awssdk.ToString(v.Id) })
		}, nil)
}

func (l *Loader) resolverRuleAssociationsTask() *task {
	return listTask(inventory.KindResolverRuleAssociations, "route53resolver:ListResolverRuleAssociations", "",
		func(ctx context.Context, round int) ([]resolvertypes.ResolverRuleAssociation, int, error) {
			var out []resolvertypes.ResolverRuleAssociation
			p := route53resolver.NewListResolverRuleAssociationsPaginator(l.resolver, &route53resolver.ListResolverRuleAssociationsInput{MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverRuleAssociationsOutput) {
				out = append(out, o.ResolverRuleAssociations...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("list resolver rule associations: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.ResolverRuleAssociation) {
			inv.ResolverRuleAssociations = mergeBy(inv.ResolverRuleAssociations, items, func(v *resolvertypes.ResolverRuleAssociation) string {
				return awssdk.ToString(v.Id)
			})
		}, nil)
}

// dxVirtualInterfacesTask reads the Direct Connect virtual interfaces (the
// API has no pagination), then the associations of each Direct Connect
// gateway they end on: which virtual private or transit gateways those
// gateways serve.
func (l *Loader) dxVirtualInterfacesTask() *task {
	return listTask(inventory.KindDXVirtualInterfaces, "directconnect:DescribeVirtualInterfaces", "",
		func(ctx context.Context, round int) ([]dxtypes.VirtualInterface, int, error) {
			out, err := l.dx.DescribeVirtualInterfaces(ctx, &directconnect.DescribeVirtualInterfacesInput{})
			if err != nil {
				return nil, round, fmt.Errorf("describe virtual interfaces: %w", err)
			}
			return out.VirtualInterfaces, round, nil
		},
		func(inv *inventory.Inventory, items []dxtypes.VirtualInterface) {
			inv.DXVirtualInterfaces = mergeBy(inv.DXVirtualInterfaces, items, func(v *dxtypes.VirtualInterface) string { return awssdk.ToString(v.VirtualInterfaceId) })
		},
		func(vifs []dxtypes.VirtualInterface) []*task {
			var gateways []string
			for _, v := range vifs {
				if id := awssdk.ToString(v.DirectConnectGatewayId); id != "" {
					gateways = appendNew(gateways, id)
				}
			}
			ts := make([]*task, 0, len(gateways))
			for _, id := range gateways {
				ts = append(ts, l.dxAssociationsTask(id))
			}
			return ts
		}, inventory.KindDXAssociations)
}

// dxMaxPages stops a server that keeps returning tokens (the Direct
// Connect SDK has no paginator for this call).
const dxMaxPages = 10000

func (l *Loader) dxAssociationsTask(dxgw string) *task {
	return listTask(inventory.KindDXAssociations, "directconnect:DescribeDirectConnectGatewayAssociations", dxgw,
		func(ctx context.Context, round int) ([]dxtypes.DirectConnectGatewayAssociation, int, error) {
			var out []dxtypes.DirectConnectGatewayAssociation
			in := &directconnect.DescribeDirectConnectGatewayAssociationsInput{DirectConnectGatewayId: awssdk.String(dxgw)}
			last := round
			for page := 0; ; page++ {
				if page > 0 {
					last++
				}
				o, err := l.dx.DescribeDirectConnectGatewayAssociations(withRound(ctx, last), in)
				if err != nil {
					return nil, last, fmt.Errorf("describe direct connect gateway associations of %s: %w", dxgw, err)
				}
				out = append(out, o.DirectConnectGatewayAssociations...)
				if awssdk.ToString(o.NextToken) == "" {
					return out, last, nil
				}
				if page >= dxMaxPages {
					return nil, last, fmt.Errorf("describe direct connect gateway associations of %s: more than %d pages", dxgw, dxMaxPages)
				}
				in.NextToken = o.NextToken
			}
		},
		func(inv *inventory.Inventory, items []dxtypes.DirectConnectGatewayAssociation) {
			inv.DXAssociations = mergeBy(inv.DXAssociations, items, func(a *dxtypes.DirectConnectGatewayAssociation) string {
				return awssdk.ToString(a.DirectConnectGatewayId) + "/" + awssdk.ToString(a.AssociationId)
			})
		}, nil)
}
