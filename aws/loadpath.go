package aws

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// LoadPath reads only what a check between the from and to ends needs, so
// the first verdict does not wait for the whole region. Each end is what
// checks.ParseEnd accepts: eni-…, i-…, an IP address or a hostname, with an
// optional :PORT. The calls use ID filters and run in three rounds:
//
//  1. the ends' network interfaces (by ID, instance, or address) and
//     instances;
//  2. the VPCs they sit in, with their DNS attributes, and every subnet,
//     route table (subnet, main and gateway-edge tables), NACL and security
//     group of those VPCs, their gateways, endpoints, peerings, transit
//     gateway attachments, flow logs and the interfaces' addresses (VPN
//     connections and egress-only gateways, which cannot be filtered by
//     VPC, are read whole in round 1);
//  3. what those reference: security groups of other VPCs named in rules,
//     prefix lists with their entries, transit gateways with their
//     attachments, peerings and the route tables the VPCs' attachments use
//     (routes and propagations), VPC peerings,
//     appliance interfaces and instances named in routes, DHCP options;
//  4. only when a route names an interface attached to an instance not read
//     yet: that instance, whose state decides whether the hop forwards.
//
// Round 2 reads whole VPCs rather than the ends' subnets and groups: a path
// also crosses a NAT gateway's subnet, a transit gateway attachment's
// subnet or an appliance's interface, whose NACLs and groups would
// otherwise need a fourth round, and a VPC's tables are small.
//
// A hostname adds two rounds before these: Route 53 zones whose name it
// ends in, their records, and Resolver rules, from which its addresses come.
//
// Kinds read this way are marked present: they hold everything the path can
// touch, not the whole region. For the same reason a failed listing leaves
// a gap for its whole kind (no Scope), not for what it looked for: the
// engine cannot tell a resource that failed to load from one that does not
// exist, so the layers that need the kind must say unknown. IDs that do not
// exist give *NotFoundError, with the inventory of the other ends returned.
func (l *Loader) LoadPath(ctx context.Context, from, to []string, onEvent func(Event)) (*inventory.Inventory, Stats, error) {
	return l.loadPath(ctx, from, to, pathSeeds{}, onEvent)
}

// pathSeeds are what a path load reads besides what its ends lead to: the
// VPCs and transit gateways another account's part of the path found, whose
// owner this account is (a subnet it shares, a transit gateway it shares).
type pathSeeds struct {
	vpcs, tgws []string
}

func (l *Loader) loadPath(ctx context.Context, from, to []string, seeds pathSeeds, onEvent func(Event)) (*inventory.Inventory, Stats, error) {
	if l.region == "" {
		return inventory.NewInventory(), Stats{}, &ConfigError{Err: ErrNoRegion}
	}
	var ends []checks.End
	for _, s := range slices.Concat(from, to) {
		e, err := checks.ParseEnd(s)
		if err != nil {
			return inventory.NewInventory(), Stats{}, fmt.Errorf("load path: %w", err)
		}
		ends = append(ends, e)
	}
	r := l.newRun(ctx, onEvent)
	defer r.cancel(nil)

	stage2 := []checks.DataKind{checks.KindSubnets, checks.KindVPCs, inventory.KindVPCAttribute, checks.KindRouteTables, checks.KindNetworkACLs,
		checks.KindInternetGateways, checks.KindNATGateways, checks.KindVPNGateways, checks.KindVPCEndpoints,
		inventory.KindTransitGatewayVPCAttachments, inventory.KindFlowLogs, inventory.KindAddresses, checks.KindEgressOnlyGateways, checks.KindVPNConnections}
	stage3 := []checks.DataKind{checks.KindNetworkInterfaces, checks.KindInstances, checks.KindSecurityGroups, checks.KindPeerings,
		checks.KindTransitGatewayAttachments, checks.KindPrefixLists, inventory.KindPrefixListEntries, checks.KindTransitGateways,
		checks.KindTransitGatewayRouteTables, inventory.KindTransitGatewayRoutes, inventory.KindTransitGatewayPropagations, inventory.KindDHCPOptions, inventory.KindTransitGatewayPeerings}
	r.hold(slices.Concat(stage2, stage3)...)

	var hosts []string
	var eniIDs, instanceIDs, privateIPs, publicIPs, v6IPs []string
	addAddr := func(a netip.Addr) {
		switch {
		case a.Is6() && !a.Is4In6():
			v6IPs = append(v6IPs, a.String())
		case a.Unmap().IsPrivate() || cgnat.Contains(a.Unmap()):
			privateIPs = append(privateIPs, a.Unmap().String())
		default:
			// A public address may belong to an interface (Elastic or
			// auto-assigned public IP) or be a VPC's own non-RFC 1918 range.
			privateIPs = append(privateIPs, a.Unmap().String())
			publicIPs = append(publicIPs, a.Unmap().String())
		}
	}
	for _, e := range ends {
		switch e.Kind {
		case checks.EndENI:
			eniIDs = append(eniIDs, e.ID)
		case checks.EndInstance:
			instanceIDs = append(instanceIDs, e.ID)
		case checks.EndAddress:
			addAddr(e.Addr)
		case checks.EndHost:
			hosts = append(hosts, e.Host)
		}
	}

	if len(hosts) > 0 {
		r.spawn(1,
			l.hostedZonesTask(func(z r53types.HostedZone) bool { return zoneServes(awssdk.ToString(z.Name), hosts) }),
			l.resolverRulesTask(), l.resolverRuleAssociationsTask(), l.resolverEndpointsTask())
		r.wg.Wait()
		r.mu.Lock()
		addrs := resolveInZones(r.inv, hosts)
		r.mu.Unlock()
		for _, a := range addrs {
			addAddr(a)
		}
	}

	// Round 1: the ends.
	next := int(r.maxRound.Load()) + 1
	var first []*task
	if len(eniIDs) > 0 {
		first = append(first, l.enisTask(filter("network-interface-id", eniIDs)))
	}
	if len(instanceIDs) > 0 {
		first = append(first,
			l.enisTask(filter("attachment.instance-id", instanceIDs)),
			l.instancesTask(filter("instance-id", instanceIDs)))
	}
	if len(privateIPs) > 0 {
		first = append(first, l.enisTask(filter("addresses.private-ip-address", privateIPs)))
	}
	if len(publicIPs) > 0 {
		first = append(first, l.enisTask(filter("association.public-ip", publicIPs)))
	}
	if len(v6IPs) > 0 {
		first = append(first, l.enisTask(filter("ipv6-addresses.ipv6-address", v6IPs)))
	}
	// Accounts hold few of these, and neither can be filtered by VPC.
	first = append(first, l.eigwsTask(), l.vpnConnectionsTask())
	r.spawn(next, first...)
	r.wg.Wait()
	// Direct Connect needs nothing from round 1 either, but its gateway
	// associations need its virtual interfaces: started now, the two run
	// alongside round 2 and add no round to the path.
	r.spawn(next, l.dxVirtualInterfacesTask())

	// Round 2: what the interfaces sit in.
	r.mu.Lock()
	var subnets, attached, enis, loadBalancers []string
	vpcs := slices.Clone(seeds.vpcs)
	databases := false
	for _, n := range r.inv.NetworkInterfaces {
		if name, ok := loadBalancerName(awssdk.ToString(n.Description)); ok {
			loadBalancers = appendNew(loadBalancers, name)
		}
		if awssdk.ToString(n.RequesterId) == "amazon-rds" || awssdk.ToString(n.Description) == "RDSNetworkInterface" {
			databases = true
		}
		enis = appendNew(enis, awssdk.ToString(n.NetworkInterfaceId))
		subnets = appendNew(subnets, awssdk.ToString(n.SubnetId))
		vpcs = appendNew(vpcs, awssdk.ToString(n.VpcId))
		if n.Attachment != nil && n.Attachment.InstanceId != nil {
			attached = appendNew(attached, *n.Attachment.InstanceId)
		}
	}
	instances := loadedInstances(r.inv)
	var missing []string
	// An ID whose lookup failed is not known to be missing.
	if len(r.failures[checks.KindNetworkInterfaces]) == 0 && len(r.failures[checks.KindInstances]) == 0 {
		missing = notFound(r.inv, eniIDs, instanceIDs)
	}
	r.mu.Unlock()
	attached = slices.DeleteFunc(attached, func(id string) bool { return instances[id] })
	var second []*task
	if len(vpcs) > 0 {
		second = append(second,
			l.subnetsTask(filter("vpc-id", vpcs)),
			l.vpcsTask(filter("vpc-id", vpcs), false),
			l.routeTablesTask(filter("vpc-id", vpcs)),
			l.naclsTask(filter("vpc-id", vpcs)),
			l.securityGroupsTask(filter("vpc-id", vpcs)),
			l.igwsTask(filter("attachment.vpc-id", vpcs)),
			l.natsTask(filter("vpc-id", vpcs)),
			l.vgwsTask(filter("attachment.vpc-id", vpcs)),
			l.endpointsTask(filter("vpc-id", vpcs)),
			l.tgwAttachmentsTask(filter("resource-id", vpcs)),
			l.tgwVPCAttachmentsTask(filter("vpc-id", vpcs)),
			l.peeringsTask(filter("requester-vpc-info.vpc-id", vpcs)),
			l.peeringsTask(filter("accepter-vpc-info.vpc-id", vpcs)),
		)
		second = append(second, chunked(slices.Concat(enis, subnets, vpcs), func(ids []string) *task { return l.flowLogsTask(filter("resource-id", ids)) })...)
		second = append(second, chunked(enis, func(ids []string) *task { return l.addressesTask(filter("network-interface-id", ids)) })...)
		second = append(second, l.vpcAttributeTasks(vpcs)...)
	}
	if len(attached) > 0 {
		second = append(second, l.instancesTask(filter("instance-id", attached)))
	}
	if len(loadBalancers) > 0 {
		// The load balancer behind an end decides which ports it accepts.
		second = append(second, l.loadBalancersTask(loadBalancers, true))
	}
	if databases {
		// RDS interfaces name no instance: the instances say which port
		// answers and whether the database is public or running.
		second = append(second, l.dbInstancesTask(), l.dbClustersTask())
	}
	// The round after the ends', not one more than the highest so far:
	// Direct Connect's second call may already have raised it, and the two
	// run alongside each other.
	r.spawn(next+1, second...)
	r.wg.Wait()
	r.release(stage2...)

	// Round 3: what those name.
	r.mu.Lock()
	ref := references(r.inv)
	r.mu.Unlock()
	for _, id := range seeds.tgws {
		ref.tgws = appendNew(ref.tgws, id)
	}
	var third []*task
	if len(ref.groups) > 0 {
		third = append(third, chunked(ref.groups, func(ids []string) *task { return l.securityGroupsTask(filter("group-id", ids)) })...)
	}
	if len(ref.prefixLists) > 0 {
		third = append(third, chunked(ref.prefixLists, func(ids []string) *task { return l.prefixListsTask(filter("prefix-list-id", ids), false) })...)
		for _, id := range ref.prefixLists {
			third = append(third, l.prefixListEntriesTask(id))
		}
	}
	if len(ref.tgws) > 0 {
		third = append(third,
			l.tgwsTask(filter("transit-gateway-id", ref.tgws)),
			l.tgwAttachmentsTask(filter("transit-gateway-id", ref.tgws)),
			l.tgwPeeringsTask(filter("transit-gateway-id", ref.tgws)))
	}
	if len(ref.tgwRouteTables) > 0 {
		third = append(third, l.tgwRouteTablesTask(filter("transit-gateway-route-table-id", ref.tgwRouteTables), false))
		for _, id := range ref.tgwRouteTables {
			third = append(third, l.tgwRoutesTask(id), l.tgwPropagationsTask(id))
		}
	}
	if len(ref.peerings) > 0 {
		third = append(third, chunked(ref.peerings, func(ids []string) *task { return l.peeringsTask(filter("vpc-peering-connection-id", ids)) })...)
	}
	if len(ref.enis) > 0 {
		third = append(third, l.enisTask(filter("network-interface-id", ref.enis)))
	}
	if len(ref.instances) > 0 {
		// A route to an instance goes to its primary interface, whose
		// source/destination check decides.
		third = append(third,
			l.instancesTask(filter("instance-id", ref.instances)),
			l.enisTask(filter("attachment.instance-id", ref.instances)))
	}
	if len(ref.dhcp) > 0 {
		third = append(third, l.dhcpTask(filter("dhcp-options-id", ref.dhcp)))
	}
	r.spawn(int(r.maxRound.Load())+1, third...)
	r.wg.Wait()
	// An appliance interface named in a route is read in round 3; the
	// instance behind it decides whether it forwards anything (a stopped
	// one does not), so it is read too, in one more round that only such
	// paths pay.
	r.mu.Lock()
	loaded := loadedInstances(r.inv)
	var behind []string
	for _, n := range r.inv.NetworkInterfaces {
		if n.Attachment != nil && n.Attachment.InstanceId != nil && !loaded[*n.Attachment.InstanceId] {
			behind = appendNew(behind, *n.Attachment.InstanceId)
		}
	}
	r.mu.Unlock()
	if len(behind) > 0 {
		r.spawn(int(r.maxRound.Load())+1, chunked(behind, func(ids []string) *task { return l.instancesTask(filter("instance-id", ids)) })...)
		r.wg.Wait()
	}
	r.release(stage3...)

	inv, stats, err := r.finish()
	if err == nil && len(missing) > 0 {
		err = &NotFoundError{Region: l.region, IDs: missing}
	}
	return inv, stats, err
}

// maxFilterValues is the most values EC2 accepts in one filter.
const maxFilterValues = 200

// chunked builds one task per maxFilterValues IDs.
func chunked(ids []string, mk func([]string) *task) []*task {
	var ts []*task
	for c := range slices.Chunk(ids, maxFilterValues) {
		ts = append(ts, mk(c))
	}
	return ts
}

// cgnat is the shared address space VPCs may use besides RFC 1918.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func appendNew(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func loadedInstances(inv *inventory.Inventory) map[string]bool {
	ids := map[string]bool{}
	for _, res := range inv.Reservations {
		for _, i := range res.Instances {
			ids[awssdk.ToString(i.InstanceId)] = true
		}
	}
	return ids
}

// notFound lists the requested interface and instance IDs the first round
// did not find.
func notFound(inv *inventory.Inventory, eniIDs, instanceIDs []string) []string {
	var missing []string
	for _, id := range eniIDs {
		if !slices.ContainsFunc(inv.NetworkInterfaces, func(n ec2types.NetworkInterface) bool { return awssdk.ToString(n.NetworkInterfaceId) == id }) {
			missing = append(missing, id)
		}
	}
	have := loadedInstances(inv)
	for _, id := range instanceIDs {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	return missing
}

// refs are IDs that the second round's data names and the third reads.
type refs struct {
	groups, prefixLists, tgws, tgwRouteTables, peerings, enis, instances, dhcp []string
}

// references collects what the loaded route tables, security groups, VPCs
// and transit gateway attachments refer to and is not loaded yet.
func references(inv *inventory.Inventory) refs {
	var r refs
	haveGroup := map[string]bool{}
	for _, g := range inv.SecurityGroups {
		haveGroup[awssdk.ToString(g.GroupId)] = true
	}
	for _, g := range inv.SecurityGroups {
		for _, p := range slices.Concat(g.IpPermissions, g.IpPermissionsEgress) {
			for _, pair := range p.UserIdGroupPairs {
				if id := awssdk.ToString(pair.GroupId); !haveGroup[id] {
					r.groups = appendNew(r.groups, id)
				}
			}
			for _, pl := range p.PrefixListIds {
				r.prefixLists = appendNew(r.prefixLists, awssdk.ToString(pl.PrefixListId))
			}
		}
	}
	havePeering := map[string]bool{}
	for _, p := range inv.Peerings {
		havePeering[awssdk.ToString(p.VpcPeeringConnectionId)] = true
	}
	haveENI := map[string]bool{}
	for _, n := range inv.NetworkInterfaces {
		haveENI[awssdk.ToString(n.NetworkInterfaceId)] = true
	}
	haveInstance := loadedInstances(inv)
	for _, rt := range inv.RouteTables {
		for _, rte := range rt.Routes {
			r.prefixLists = appendNew(r.prefixLists, awssdk.ToString(rte.DestinationPrefixListId))
			r.tgws = appendNew(r.tgws, awssdk.ToString(rte.TransitGatewayId))
			if id := awssdk.ToString(rte.VpcPeeringConnectionId); id != "" && !havePeering[id] {
				r.peerings = appendNew(r.peerings, id)
			}
			if id := awssdk.ToString(rte.NetworkInterfaceId); id != "" && !haveENI[id] {
				r.enis = appendNew(r.enis, id)
			}
			if id := awssdk.ToString(rte.InstanceId); id != "" && !haveInstance[id] {
				r.instances = appendNew(r.instances, id)
			}
		}
	}
	for _, a := range inv.TransitGatewayAttachments {
		r.tgws = appendNew(r.tgws, awssdk.ToString(a.TransitGatewayId))
		owner, resourceOwner := awssdk.ToString(a.TransitGatewayOwnerId), awssdk.ToString(a.ResourceOwnerId)
		if owner != "" && resourceOwner != "" && owner != resourceOwner {
			// A transit gateway shared with this account: its route
			// tables are its owner's, which alone may read them
			// (transit-gateway-share.html); a load across accounts reads
			// them there.
			continue
		}
		if a.Association != nil {
			r.tgwRouteTables = appendNew(r.tgwRouteTables, awssdk.ToString(a.Association.TransitGatewayRouteTableId))
		}
	}
	for _, v := range inv.VPCs {
		if id := awssdk.ToString(v.DhcpOptionsId); id != "default" {
			r.dhcp = appendNew(r.dhcp, id)
		}
	}
	return r
}

// zoneServes reports whether a hosted zone named zone could hold a record
// for one of the hosts.
func zoneServes(zone string, hosts []string) bool {
	zone = strings.ToLower(strings.TrimSuffix(zone, "."))
	for _, h := range hosts {
		if h == zone || strings.HasSuffix(h, "."+zone) {
			return true
		}
	}
	return false
}

// resolveInZones finds the addresses the loaded records give the hosts,
// following CNAME and alias records within the loaded zones. It only picks
// which interfaces to read; the DNS layer decides what the source's
// resolver would answer.
func resolveInZones(inv *inventory.Inventory, hosts []string) []netip.Addr {
	byName := map[string][]r53types.ResourceRecordSet{}
	for _, sets := range inv.RecordSets {
		for _, rs := range sets {
			name := strings.ToLower(strings.TrimSuffix(awssdk.ToString(rs.Name), "."))
			byName[name] = append(byName[name], rs)
		}
	}
	var out []netip.Addr
	seen := map[string]bool{}
	var walk func(name string, depth int)
	walk = func(name string, depth int) {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		if depth > 8 || seen[name] {
			return
		}
		seen[name] = true
		for _, rs := range byName[name] {
			if rs.AliasTarget != nil {
				walk(awssdk.ToString(rs.AliasTarget.DNSName), depth+1)
			}
			for _, rr := range rs.ResourceRecords {
				v := awssdk.ToString(rr.Value)
				switch rs.Type {
				case r53types.RRTypeA, r53types.RRTypeAaaa:
					if a, err := netip.ParseAddr(v); err == nil && !slices.Contains(out, a) {
						out = append(out, a)
					}
				case r53types.RRTypeCname:
					walk(v, depth+1)
				}
			}
		}
	}
	for _, h := range hosts {
		walk(h, 0)
	}
	return out
}
