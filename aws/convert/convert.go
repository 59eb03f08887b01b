package convert

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// kindAction pairs a kind of data with the IAM action that reads it.
type kindAction struct {
	kind   checks.DataKind
	action string
}

// kindActions lists every kind the packet-path layers read, with the IAM
// action that reads it, in the order gaps are reported.
var kindActions = []kindAction{
	{checks.KindVPCs, "ec2:DescribeVpcs"},
	{checks.KindSubnets, "ec2:DescribeSubnets"},
	{checks.KindNetworkInterfaces, "ec2:DescribeNetworkInterfaces"},
	{checks.KindInstances, "ec2:DescribeInstances"},
	{checks.KindRouteTables, "ec2:DescribeRouteTables"},
	{checks.KindNetworkACLs, "ec2:DescribeNetworkAcls"},
	{checks.KindSecurityGroups, "ec2:DescribeSecurityGroups"},
	{checks.KindPrefixLists, "ec2:DescribeManagedPrefixLists"},
	{checks.KindPeerings, "ec2:DescribeVpcPeeringConnections"},
	{checks.KindInternetGateways, "ec2:DescribeInternetGateways"},
	{checks.KindEgressOnlyGateways, "ec2:DescribeEgressOnlyInternetGateways"},
	{checks.KindNATGateways, "ec2:DescribeNatGateways"},
	{checks.KindVPNGateways, "ec2:DescribeVpnGateways"},
	{checks.KindTransitGateways, "ec2:DescribeTransitGateways"},
	{checks.KindTransitGatewayAttachments, "ec2:DescribeTransitGatewayAttachments"},
	{checks.KindTransitGatewayRouteTables, "ec2:DescribeTransitGatewayRouteTables"},
	{checks.KindVPCEndpoints, "ec2:DescribeVpcEndpoints"},
	{checks.KindVPNConnections, "ec2:DescribeVpnConnections"},
}

// Network turns the raw inventory into the engine's network model. Every
// kind the inventory lacks (not in Present) becomes a checks.Gap, as do
// prefix lists whose entries are unknown.
//
// A malformed value (a CIDR that does not parse, a rule without a number)
// is a problem: Network leaves out the smallest piece holding it (the
// route, the rule, the address), adds a Gap scoped to the resource so its
// layer says unknown rather than pass, and returns an error joining one
// line per problem, naming the resource and the field (indices count from
// 0, as in the JSON). The network is returned even then, so a caller may
// show what did load.
func Network(inv *inventory.Inventory) (*checks.Network, error) {
	if inv == nil {
		return nil, errors.New("convert: no inventory")
	}
	c := &netConverter{inv: inv, n: checks.NewNetwork(), referencedPLs: map[string]bool{}}
	c.vpcs()
	c.subnets()
	c.instances()
	c.networkInterfaces()
	c.instanceENIs()
	c.routeTables()
	c.networkACLs()
	c.securityGroups()
	c.peerings()
	c.vpcRegions()
	c.gateways()
	c.transitGateways()
	c.endpoints()
	c.prefixLists()
	if err := convertDNS(inv, c.n); err != nil {
		c.errs = append(c.errs, err)
	}
	FlowLogs(inv, c.n)
	c.gaps()
	return c.n, errors.Join(c.errs...)
}

type netConverter struct {
	inv  *inventory.Inventory
	n    *checks.Network
	errs []error
	// scoped collects gaps for single resources, reported after the
	// whole-kind gaps.
	scoped []checks.Gap
	// referencedPLs are the prefix lists routes and rules name.
	referencedPLs map[string]bool
	// platforms maps instance IDs to their platform ("windows" or "").
	platforms map[string]string
}

// noID records an entry without its ID. Nothing can refer to it, so the
// kind as a whole is incomplete: the gap is not scoped.
func (c *netConverter) noID(kind checks.DataKind, command, at, field string) {
	c.errs = append(c.errs, fmt.Errorf("%s %s: no %s", command, at, field))
	if !slices.ContainsFunc(c.scoped, func(g checks.Gap) bool { return g.Kind == kind && g.Scope == "" }) {
		c.scoped = append(c.scoped, checks.Gap{Kind: kind, Reason: "malformed data: an entry without " + field})
	}
}

// problem records a malformed value of resource id and a gap scoped to it.
func (c *netConverter) problem(kind checks.DataKind, noun, id, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.errs = append(c.errs, fmt.Errorf("%s %s: %s", noun, id, msg))
	c.scoped = append(c.scoped, checks.Gap{Kind: kind, Scope: id, Reason: "malformed data: " + msg})
}

// awsString returns the sanitized string p points to, or "".
func awsString(p *string) string {
	if p == nil {
		return ""
	}
	return inventory.Sanitize(*p)
}

func awsBool(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

func nameTagOf(tags []ec2types.Tag) string {
	for _, t := range tags {
		if t.Key != nil && *t.Key == "Name" {
			return awsString(t.Value)
		}
	}
	return ""
}

// parseAWSPrefix parses a CIDR as AWS prints it; host bits are cleared, as AWS
// clears them.
func parseAWSPrefix(field, s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%s %q: invalid prefix", field, inventory.Clip(s))
	}
	return p.Masked(), nil
}

func parseAWSAddr(field, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%s %q: invalid address", field, inventory.Clip(s))
	}
	return a.Unmap(), nil
}

// mergePut stores v under id, merging it into an earlier copy: snapshots of
// several accounts describe shared resources (a transit gateway, a peering)
// once per account, each copy knowing a little (its own Name tag).
func mergePut[T any](m map[string]*T, id string, v *T) {
	if old, ok := m[id]; ok {
		fillZeroFields(reflect.ValueOf(old).Elem(), reflect.ValueOf(v).Elem())
		return
	}
	m[id] = v
}

var checksPkgPath = reflect.TypeFor[checks.Network]().PkgPath()

// fillZeroFields copies into dst the fields that are empty there and set in src.
// Booleans and numbers are left alone: their zero value is meaningful.
func fillZeroFields(dst, src reflect.Value) {
	for i := range dst.NumField() {
		d, s := dst.Field(i), src.Field(i)
		if !d.CanSet() {
			continue
		}
		switch d.Kind() {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			continue
		case reflect.Struct:
			if d.Type().PkgPath() == checksPkgPath && !d.IsZero() {
				fillZeroFields(d, s)
				continue
			}
		}
		if d.IsZero() && !s.IsZero() {
			d.Set(s)
		}
	}
}

func (c *netConverter) vpcs() {
	for i, v := range c.inv.VPCs {
		id := awsString(v.VpcId)
		if id == "" {
			c.noID(checks.KindVPCs, "describe-vpcs", fmt.Sprintf("entry %d", i), "VpcId")
			continue
		}
		vpc := &checks.VPC{
			ID:            id,
			Name:          nameTagOf(v.Tags),
			OwnerID:       awsString(v.OwnerId),
			IsDefault:     awsBool(v.IsDefault, false),
			DHCPOptionsID: awsString(v.DhcpOptionsId),
		}
		if v.CidrBlock != nil {
			p, err := parseAWSPrefix("CidrBlock", *v.CidrBlock)
			if err != nil {
				c.problem(checks.KindVPCs, "vpc", id, "%v", err)
			} else {
				vpc.CIDRs = append(vpc.CIDRs, p)
			}
		}
		for j, a := range v.CidrBlockAssociationSet {
			if a.CidrBlock == nil || (a.CidrBlockState != nil && a.CidrBlockState.State != "" && a.CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated) {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("CidrBlockAssociationSet[%d].CidrBlock", j), *a.CidrBlock)
			if err != nil {
				c.problem(checks.KindVPCs, "vpc", id, "%v", err)
				continue
			}
			if !slices.Contains(vpc.CIDRs, p) {
				vpc.CIDRs = append(vpc.CIDRs, p)
			}
		}
		for j, a := range v.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlock == nil || (a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State != "" && a.Ipv6CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated) {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("Ipv6CidrBlockAssociationSet[%d].Ipv6CidrBlock", j), *a.Ipv6CidrBlock)
			if err != nil {
				c.problem(checks.KindVPCs, "vpc", id, "%v", err)
				continue
			}
			if !slices.Contains(vpc.IPv6CIDRs, p) {
				vpc.IPv6CIDRs = append(vpc.IPv6CIDRs, p)
			}
		}
		if a, ok := c.inv.VPCAttributes[*v.VpcId]; ok {
			vpc.DNSSupport = cloneBool(a.EnableDNSSupport)
			vpc.DNSHostnames = cloneBool(a.EnableDNSHostnames)
		}
		mergePut(c.n.VPCs, id, vpc)
	}
}

func cloneBool(p *bool) *bool {
	if p == nil {
		return nil
	}
	b := *p
	return &b
}

func (c *netConverter) subnets() {
	for i, s := range c.inv.Subnets {
		id := awsString(s.SubnetId)
		if id == "" {
			c.noID(checks.KindSubnets, "describe-subnets", fmt.Sprintf("entry %d", i), "SubnetId")
			continue
		}
		sub := &checks.Subnet{
			ID:      id,
			Name:    nameTagOf(s.Tags),
			VPCID:   awsString(s.VpcId),
			OwnerID: awsString(s.OwnerId),
			AZ:      awsString(s.AvailabilityZone),
			AZID:    awsString(s.AvailabilityZoneId),
		}
		// IPv6-only subnets have no IPv4 block.
		if s.CidrBlock != nil {
			p, err := parseAWSPrefix("CidrBlock", *s.CidrBlock)
			if err != nil {
				c.problem(checks.KindSubnets, "subnet", id, "%v", err)
			} else {
				sub.CIDR = p
			}
		}
		for j, a := range s.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlock == nil || (a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State != "" && a.Ipv6CidrBlockState.State != ec2types.SubnetCidrBlockStateCodeAssociated) {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("Ipv6CidrBlockAssociationSet[%d].Ipv6CidrBlock", j), *a.Ipv6CidrBlock)
			if err != nil {
				c.problem(checks.KindSubnets, "subnet", id, "%v", err)
				continue
			}
			sub.IPv6CIDRs = append(sub.IPv6CIDRs, p)
		}
		mergePut(c.n.Subnets, id, sub)
	}
}

// isWindows reports whether an instance runs Windows; it decides the client's
// ephemeral port range.
func isWindows(in ec2types.Instance) bool {
	return strings.EqualFold(string(in.Platform), "windows") ||
		strings.HasPrefix(strings.ToLower(awsString(in.PlatformDetails)), "windows")
}

func (c *netConverter) instances() {
	c.platforms = map[string]string{}
	for ri, r := range c.inv.Reservations {
		for ii, in := range r.Instances {
			id := awsString(in.InstanceId)
			if id == "" {
				c.noID(checks.KindInstances, "describe-instances", fmt.Sprintf("Reservations[%d].Instances[%d]", ri, ii), "InstanceId")
				continue
			}
			inst := &checks.Instance{ID: id, Name: nameTagOf(in.Tags)}
			if in.State != nil {
				inst.State = inventory.Sanitize(string(in.State.Name))
			}
			if isWindows(in) {
				inst.Platform = "windows"
			}
			c.platforms[id] = inst.Platform
			nics := slices.Clone(in.NetworkInterfaces)
			slices.SortStableFunc(nics, func(a, b ec2types.InstanceNetworkInterface) int {
				return cmp.Compare(nicOrder(a), nicOrder(b))
			})
			for _, ni := range nics {
				if eni := awsString(ni.NetworkInterfaceId); eni != "" && !slices.Contains(inst.ENIIDs, eni) {
					inst.ENIIDs = append(inst.ENIIDs, eni)
				}
			}
			// The instance's flag mirrors its primary interface's.
			inst.SourceDestCheck = awsBool(in.SourceDestCheck, len(nics) == 0 || awsBool(nics[0].SourceDestCheck, true))
			mergePut(c.n.Instances, id, inst)
		}
	}
}

// nicOrder orders an instance's interfaces: device 0 of network card 0
// is the primary.
func nicOrder(ni ec2types.InstanceNetworkInterface) int64 {
	if ni.Attachment == nil {
		return 1 << 40
	}
	var dev, card int64
	if ni.Attachment.DeviceIndex != nil {
		dev = int64(*ni.Attachment.DeviceIndex)
	}
	if ni.Attachment.NetworkCardIndex != nil {
		card = int64(*ni.Attachment.NetworkCardIndex)
	}
	return card<<20 | dev
}

func (c *netConverter) networkInterfaces() {
	for i, ni := range c.inv.NetworkInterfaces {
		if awsString(ni.NetworkInterfaceId) == "" {
			c.noID(checks.KindNetworkInterfaces, "describe-network-interfaces", fmt.Sprintf("entry %d", i), "NetworkInterfaceId")
			continue
		}
		e := c.eni(ni, checks.KindNetworkInterfaces)
		mergePut(c.n.ENIs, e.ID, e)
	}
}

// eni converts one interface; problems are recorded under kind, the output
// the interface came from.
func (c *netConverter) eni(ni ec2types.NetworkInterface, kind checks.DataKind) *checks.ENI {
	id := awsString(ni.NetworkInterfaceId)
	e := &checks.ENI{
		ID:               id,
		Name:             nameTagOf(ni.TagSet),
		Description:      awsString(ni.Description),
		OwnerID:          awsString(ni.OwnerId),
		SubnetID:         awsString(ni.SubnetId),
		VPCID:            awsString(ni.VpcId),
		AZ:               awsString(ni.AvailabilityZone),
		InterfaceType:    inventory.Sanitize(string(ni.InterfaceType)),
		RequesterID:      awsString(ni.RequesterId),
		RequesterManaged: awsBool(ni.RequesterManaged, false),
		Status:           inventory.Sanitize(string(ni.Status)),
		SourceDestCheck:  awsBool(ni.SourceDestCheck, true),
	}
	bad := func(err error) { c.problem(kind, "network interface", id, "%v", err) }
	for j, p := range ni.PrivateIpAddresses {
		var public *string
		if p.Association != nil {
			public = p.Association.PublicIp
		}
		c.addPrivateIP(e, fmt.Sprintf("PrivateIpAddresses[%d]", j), p.PrivateIpAddress, awsBool(p.Primary, false), public, bad)
	}
	if len(ni.PrivateIpAddresses) == 0 && ni.PrivateIpAddress != nil {
		c.addPrivateIP(e, "", ni.PrivateIpAddress, true, nil, bad)
	}
	if ni.Association != nil {
		c.setPrimaryPublic(e, ni.Association.PublicIp, bad)
	}
	sortPrimaryFirst(e)
	for j, a := range ni.Ipv6Addresses {
		c.addIPv6(e, fmt.Sprintf("Ipv6Addresses[%d].Ipv6Address", j), a.Ipv6Address, bad)
	}
	for j, p := range ni.Ipv4Prefixes {
		c.addPrefix(&e.IPv4Prefixes, fmt.Sprintf("Ipv4Prefixes[%d].Ipv4Prefix", j), p.Ipv4Prefix, bad)
	}
	for j, p := range ni.Ipv6Prefixes {
		c.addPrefix(&e.IPv6Prefixes, fmt.Sprintf("Ipv6Prefixes[%d].Ipv6Prefix", j), p.Ipv6Prefix, bad)
	}
	for _, g := range ni.Groups {
		if gid := awsString(g.GroupId); gid != "" {
			e.SecurityGroupIDs = append(e.SecurityGroupIDs, gid)
		}
	}
	if a := ni.Attachment; a != nil {
		e.InstanceID = awsString(a.InstanceId)
		if a.DeviceIndex != nil {
			e.DeviceIndex = int(*a.DeviceIndex)
		}
	}
	return e
}

// instanceENIs completes the interfaces with what describe-instances says:
// the platform, and whole interfaces that describe-network-interfaces did
// not list (Batfish's snapshots rely on the instances' copy).
func (c *netConverter) instanceENIs() {
	for _, r := range c.inv.Reservations {
		for _, in := range r.Instances {
			instID := awsString(in.InstanceId)
			var az *string
			if in.Placement != nil {
				az = in.Placement.AvailabilityZone
			}
			for _, ni := range in.NetworkInterfaces {
				id := awsString(ni.NetworkInterfaceId)
				if id == "" || instID == "" {
					continue
				}
				if e, ok := c.n.ENIs[id]; ok {
					if e.InstanceID == "" {
						e.InstanceID = instID
						if ni.Attachment != nil && ni.Attachment.DeviceIndex != nil {
							e.DeviceIndex = int(*ni.Attachment.DeviceIndex)
						}
					}
					continue
				}
				c.n.ENIs[id] = c.eni(interfaceOfInstance(ni, in.InstanceId, az), checks.KindInstances)
			}
		}
	}
	for _, e := range c.n.ENIs {
		if e.InstanceID != "" {
			e.Platform = c.platforms[e.InstanceID]
		}
	}
}

// interfaceOfInstance restates an instance's interface as
// describe-network-interfaces would describe it.
func interfaceOfInstance(ni ec2types.InstanceNetworkInterface, instID, az *string) ec2types.NetworkInterface {
	out := ec2types.NetworkInterface{
		NetworkInterfaceId: ni.NetworkInterfaceId,
		Description:        ni.Description,
		OwnerId:            ni.OwnerId,
		SubnetId:           ni.SubnetId,
		VpcId:              ni.VpcId,
		AvailabilityZone:   az,
		// An instance's own interfaces are of this type; older outputs
		// leave the field out.
		InterfaceType:    ec2types.NetworkInterfaceTypeInterface,
		Status:           ni.Status,
		SourceDestCheck:  ni.SourceDestCheck,
		PrivateIpAddress: ni.PrivateIpAddress,
		Groups:           ni.Groups,
		Attachment:       &ec2types.NetworkInterfaceAttachment{InstanceId: instID},
	}
	if ni.InterfaceType != nil && *ni.InterfaceType != "" {
		out.InterfaceType = ec2types.NetworkInterfaceType(*ni.InterfaceType)
	}
	if ni.Attachment != nil {
		out.Attachment.DeviceIndex = ni.Attachment.DeviceIndex
	}
	if ni.Association != nil {
		out.Association = &ec2types.NetworkInterfaceAssociation{PublicIp: ni.Association.PublicIp}
	}
	for _, p := range ni.PrivateIpAddresses {
		ip := ec2types.NetworkInterfacePrivateIpAddress{PrivateIpAddress: p.PrivateIpAddress, Primary: p.Primary}
		if p.Association != nil {
			ip.Association = &ec2types.NetworkInterfaceAssociation{PublicIp: p.Association.PublicIp}
		}
		out.PrivateIpAddresses = append(out.PrivateIpAddresses, ip)
	}
	for _, a := range ni.Ipv6Addresses {
		out.Ipv6Addresses = append(out.Ipv6Addresses, ec2types.NetworkInterfaceIpv6Address{Ipv6Address: a.Ipv6Address})
	}
	for _, p := range ni.Ipv4Prefixes {
		out.Ipv4Prefixes = append(out.Ipv4Prefixes, ec2types.Ipv4PrefixSpecification{Ipv4Prefix: p.Ipv4Prefix})
	}
	for _, p := range ni.Ipv6Prefixes {
		out.Ipv6Prefixes = append(out.Ipv6Prefixes, ec2types.Ipv6PrefixSpecification{Ipv6Prefix: p.Ipv6Prefix})
	}
	return out
}

func (c *netConverter) addPrivateIP(e *checks.ENI, at string, addr *string, primary bool, public *string, bad func(error)) {
	if addr == nil {
		return
	}
	field := inventory.FieldPath(at, "PrivateIpAddress")
	a, err := parseAWSAddr(field, *addr)
	if err != nil {
		bad(err)
		return
	}
	ip := checks.PrivateIP{Addr: a, Primary: primary}
	if public != nil && *public != "" {
		pub, err := parseAWSAddr(inventory.FieldPath(at, "Association.PublicIp"), *public)
		if err != nil {
			bad(err)
		} else {
			ip.Public = pub
		}
	}
	e.PrivateIPs = append(e.PrivateIPs, ip)
}

// setPrimaryPublic applies the interface-level association, which describes
// the primary address, when the per-address list did not carry it.
func (c *netConverter) setPrimaryPublic(e *checks.ENI, public *string, bad func(error)) {
	if public == nil || *public == "" {
		return
	}
	pub, err := parseAWSAddr("Association.PublicIp", *public)
	if err != nil {
		bad(err)
		return
	}
	for i := range e.PrivateIPs {
		if e.PrivateIPs[i].Primary {
			if !e.PrivateIPs[i].Public.IsValid() {
				e.PrivateIPs[i].Public = pub
			}
			return
		}
	}
}

func sortPrimaryFirst(e *checks.ENI) {
	slices.SortStableFunc(e.PrivateIPs, func(a, b checks.PrivateIP) int {
		switch {
		case a.Primary == b.Primary:
			return 0
		case a.Primary:
			return -1
		}
		return 1
	})
}

func (c *netConverter) addIPv6(e *checks.ENI, field string, addr *string, bad func(error)) {
	if addr == nil {
		return
	}
	a, err := parseAWSAddr(field, *addr)
	if err != nil {
		bad(err)
		return
	}
	e.IPv6 = append(e.IPv6, a)
}

func (c *netConverter) addPrefix(dst *[]netip.Prefix, field string, s *string, bad func(error)) {
	if s == nil {
		return
	}
	p, err := parseAWSPrefix(field, *s)
	if err != nil {
		bad(err)
		return
	}
	*dst = append(*dst, p)
}

func (c *netConverter) routeTables() {
	for i, rt := range c.inv.RouteTables {
		id := awsString(rt.RouteTableId)
		if id == "" {
			c.noID(checks.KindRouteTables, "describe-route-tables", fmt.Sprintf("entry %d", i), "RouteTableId")
			continue
		}
		t := &checks.RouteTable{ID: id, Name: nameTagOf(rt.Tags), VPCID: awsString(rt.VpcId), OwnerID: awsString(rt.OwnerId)}
		for _, a := range rt.Associations {
			if a.AssociationState != nil {
				switch a.AssociationState.State {
				case ec2types.RouteTableAssociationStateCodeDisassociated, ec2types.RouteTableAssociationStateCodeFailed:
					continue
				}
			}
			if awsBool(a.Main, false) {
				t.Main = true
			}
			if s := awsString(a.SubnetId); s != "" && !slices.Contains(t.SubnetIDs, s) {
				t.SubnetIDs = append(t.SubnetIDs, s)
			}
			if g := awsString(a.GatewayId); g != "" && !slices.Contains(t.GatewayIDs, g) {
				t.GatewayIDs = append(t.GatewayIDs, g)
			}
		}
		for j, r := range rt.Routes {
			route, err := c.route(r)
			if err != nil {
				c.problem(checks.KindRouteTables, "route table", id, "route %d: %v", j, err)
				continue
			}
			t.Routes = append(t.Routes, route)
		}
		mergePut(c.n.RouteTables, id, t)
	}
}

func (c *netConverter) route(r ec2types.Route) (checks.Route, error) {
	var out checks.Route
	switch {
	case r.DestinationCidrBlock != nil:
		p, err := parseAWSPrefix("DestinationCidrBlock", *r.DestinationCidrBlock)
		if err != nil {
			return out, err
		}
		out.Destination = p
	case r.DestinationIpv6CidrBlock != nil:
		p, err := parseAWSPrefix("DestinationIpv6CidrBlock", *r.DestinationIpv6CidrBlock)
		if err != nil {
			return out, err
		}
		out.Destination = p
	case r.DestinationPrefixListId != nil && *r.DestinationPrefixListId != "":
		out.PrefixListID = awsString(r.DestinationPrefixListId)
		c.referencedPLs[out.PrefixListID] = true
	default:
		return out, errors.New("no DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId")
	}
	out.Target, out.TargetID, out.InstanceID = vpcRouteTarget(r)
	out.Origin = checks.RouteOrigin(inventory.Sanitize(string(r.Origin)))
	out.Blackhole = r.State == ec2types.RouteStateBlackhole
	return out, nil
}

// vpcRouteTarget classifies a route's target. A route names exactly one; a
// route whose target is gone (blackhole) may name none.
func vpcRouteTarget(r ec2types.Route) (checks.TargetKind, string, string) {
	set := func(p *string) bool { return p != nil && *p != "" }
	switch {
	case set(r.GatewayId):
		id := awsString(r.GatewayId)
		switch {
		case id == "local":
			return checks.TargetLocal, id, ""
		case strings.HasPrefix(id, "igw-"):
			return checks.TargetIGW, id, ""
		case strings.HasPrefix(id, "vgw-"):
			return checks.TargetVGW, id, ""
		case strings.HasPrefix(id, "vpce-"):
			return checks.TargetEndpoint, id, ""
		case strings.HasPrefix(id, "eigw-"):
			return checks.TargetEIGW, id, ""
		}
		return checks.TargetOther, id, ""
	case set(r.NatGatewayId):
		return checks.TargetNAT, awsString(r.NatGatewayId), ""
	case set(r.NetworkInterfaceId):
		return checks.TargetENI, awsString(r.NetworkInterfaceId), awsString(r.InstanceId)
	case set(r.InstanceId):
		return checks.TargetInstance, awsString(r.InstanceId), awsString(r.InstanceId)
	case set(r.TransitGatewayId):
		return checks.TargetTGW, awsString(r.TransitGatewayId), ""
	case set(r.VpcPeeringConnectionId):
		return checks.TargetPeering, awsString(r.VpcPeeringConnectionId), ""
	case set(r.EgressOnlyInternetGatewayId):
		return checks.TargetEIGW, awsString(r.EgressOnlyInternetGatewayId), ""
	case set(r.CarrierGatewayId):
		return checks.TargetCarrier, awsString(r.CarrierGatewayId), ""
	case set(r.LocalGatewayId):
		return checks.TargetLocalGW, awsString(r.LocalGatewayId), ""
	case set(r.CoreNetworkArn):
		return checks.TargetCoreNetwork, awsString(r.CoreNetworkArn), ""
	case set(r.IpAddress):
		return checks.TargetOther, awsString(r.IpAddress), ""
	case set(r.OdbNetworkArn):
		return checks.TargetOther, awsString(r.OdbNetworkArn), ""
	}
	return checks.TargetOther, "", ""
}

// parseIPProtocol reads an IP protocol as AWS prints it: a name (security
// groups), a number as a string (network ACLs), or -1 for all.
func parseIPProtocol(field, s string) (checks.Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "-1", "all":
		return checks.ProtocolAll, nil
	case "tcp":
		return checks.ProtocolTCP, nil
	case "udp":
		return checks.ProtocolUDP, nil
	case "icmp":
		return checks.ProtocolICMP, nil
	case "icmpv6":
		return checks.ProtocolICMPv6, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("%s %q: expected tcp, udp, icmp, icmpv6, -1 or a number from 0 to 255", field, inventory.Clip(s))
	}
	return checks.Protocol(n), nil
}

func isICMPProto(p checks.Protocol) bool {
	return p == checks.ProtocolICMP || p == checks.ProtocolICMPv6
}

func hasPortsProto(p checks.Protocol) bool { return p == checks.ProtocolTCP || p == checks.ProtocolUDP }

// parsePortRange reads an inclusive range; absent bounds or -1 mean every port.
func parsePortRange(field string, from, to *int32) (checks.PortRange, error) {
	if from == nil || to == nil || *from == -1 {
		return checks.AllPorts, nil
	}
	if *from < 0 || *from > 65535 || *to < 0 || *to > 65535 || *from > *to {
		return checks.PortRange{}, fmt.Errorf("%s %d-%d: expected ports from 0 to 65535, the first no higher than the last", field, *from, *to)
	}
	return checks.PortRange{From: uint16(*from), To: uint16(*to)}, nil
}

func icmpOrAny(p *int32) int {
	if p == nil {
		return -1
	}
	return int(*p)
}

func (c *netConverter) networkACLs() {
	for i, a := range c.inv.NetworkACLs {
		id := awsString(a.NetworkAclId)
		if id == "" {
			c.noID(checks.KindNetworkACLs, "describe-network-acls", fmt.Sprintf("entry %d", i), "NetworkAclId")
			continue
		}
		acl := &checks.NetworkACL{
			ID:        id,
			Name:      nameTagOf(a.Tags),
			VPCID:     awsString(a.VpcId),
			OwnerID:   awsString(a.OwnerId),
			IsDefault: awsBool(a.IsDefault, false),
		}
		for _, as := range a.Associations {
			if s := awsString(as.SubnetId); s != "" && !slices.Contains(acl.SubnetIDs, s) {
				acl.SubnetIDs = append(acl.SubnetIDs, s)
			}
		}
		for j, e := range a.Entries {
			rule, err := convNACLRule(e)
			if err != nil {
				c.problem(checks.KindNetworkACLs, "network ACL", id, "entry %d: %v", j, err)
				continue
			}
			if awsBool(e.Egress, false) {
				acl.Outbound = append(acl.Outbound, rule)
			} else {
				acl.Inbound = append(acl.Inbound, rule)
			}
		}
		mergePut(c.n.NetworkACLs, id, acl)
	}
}

func convNACLRule(e ec2types.NetworkAclEntry) (checks.NACLRule, error) {
	var r checks.NACLRule
	if e.RuleNumber == nil {
		return r, errors.New("no RuleNumber")
	}
	r.Number = int(*e.RuleNumber)
	if e.Protocol == nil {
		return r, errors.New("no Protocol")
	}
	proto, err := parseIPProtocol("Protocol", *e.Protocol)
	if err != nil {
		return r, err
	}
	r.Protocol = proto
	switch e.RuleAction {
	case ec2types.RuleActionAllow:
		r.Allow = true
	case ec2types.RuleActionDeny:
	default:
		return r, fmt.Errorf("RuleAction %q: expected allow or deny", inventory.Clip(string(e.RuleAction)))
	}
	switch {
	case e.CidrBlock != nil:
		r.CIDR, err = parseAWSPrefix("CidrBlock", *e.CidrBlock)
	case e.Ipv6CidrBlock != nil:
		r.CIDR, err = parseAWSPrefix("Ipv6CidrBlock", *e.Ipv6CidrBlock)
	default:
		err = errors.New("no CidrBlock or Ipv6CidrBlock")
	}
	if err != nil {
		return r, err
	}
	r.Ports, r.ICMPType, r.ICMPCode = checks.AllPorts, -1, -1
	if hasPortsProto(proto) && e.PortRange != nil {
		r.Ports, err = parsePortRange("PortRange", e.PortRange.From, e.PortRange.To)
		if err != nil {
			return r, err
		}
	}
	if isICMPProto(proto) && e.IcmpTypeCode != nil {
		r.ICMPType, r.ICMPCode = icmpOrAny(e.IcmpTypeCode.Type), icmpOrAny(e.IcmpTypeCode.Code)
	}
	return r, nil
}

func (c *netConverter) securityGroups() {
	for i, g := range c.inv.SecurityGroups {
		id := awsString(g.GroupId)
		if id == "" {
			c.noID(checks.KindSecurityGroups, "describe-security-groups", fmt.Sprintf("entry %d", i), "GroupId")
			continue
		}
		sg := &checks.SecurityGroup{
			ID:          id,
			Name:        awsString(g.GroupName),
			Description: awsString(g.Description),
			VPCID:       awsString(g.VpcId),
			OwnerID:     awsString(g.OwnerId),
		}
		sg.Inbound = c.sgRules(id, "IpPermissions", g.IpPermissions)
		sg.Outbound = c.sgRules(id, "IpPermissionsEgress", g.IpPermissionsEgress)
		mergePut(c.n.SecurityGroups, id, sg)
	}
}

// sgRules flattens IpPermissions into one rule per peer: a CIDR, an IPv6
// CIDR, a prefix list or a group.
func (c *netConverter) sgRules(sgID, field string, perms []ec2types.IpPermission) []checks.SGRule {
	var rules []checks.SGRule
	for i, p := range perms {
		at := fmt.Sprintf("%s[%d]", field, i)
		bad := func(err error) { c.problem(checks.KindSecurityGroups, "security group", sgID, "%s: %v", at, err) }
		if p.IpProtocol == nil {
			bad(errors.New("no IpProtocol"))
			continue
		}
		proto, err := parseIPProtocol("IpProtocol", *p.IpProtocol)
		if err != nil {
			bad(err)
			continue
		}
		base := checks.SGRule{Protocol: proto, Ports: checks.AllPorts, ICMPType: -1, ICMPCode: -1}
		switch {
		case hasPortsProto(proto):
			base.Ports, err = parsePortRange("FromPort-ToPort", p.FromPort, p.ToPort)
			if err != nil {
				bad(err)
				continue
			}
		case isICMPProto(proto):
			// For ICMP, FromPort is the type and ToPort the code.
			base.ICMPType, base.ICMPCode = icmpOrAny(p.FromPort), icmpOrAny(p.ToPort)
		}
		for j, r := range p.IpRanges {
			if r.CidrIp == nil {
				continue
			}
			cidr, err := parseAWSPrefix(fmt.Sprintf("IpRanges[%d].CidrIp", j), *r.CidrIp)
			if err != nil {
				bad(err)
				continue
			}
			rule := base
			rule.Peer.CIDR, rule.Description = cidr, awsString(r.Description)
			rules = append(rules, rule)
		}
		for j, r := range p.Ipv6Ranges {
			if r.CidrIpv6 == nil {
				continue
			}
			cidr, err := parseAWSPrefix(fmt.Sprintf("Ipv6Ranges[%d].CidrIpv6", j), *r.CidrIpv6)
			if err != nil {
				bad(err)
				continue
			}
			rule := base
			rule.Peer.CIDR, rule.Description = cidr, awsString(r.Description)
			rules = append(rules, rule)
		}
		for _, r := range p.PrefixListIds {
			pl := awsString(r.PrefixListId)
			if pl == "" {
				continue
			}
			c.referencedPLs[pl] = true
			rule := base
			rule.Peer.PrefixListID, rule.Description = pl, awsString(r.Description)
			rules = append(rules, rule)
		}
		for _, r := range p.UserIdGroupPairs {
			gid := awsString(r.GroupId)
			if gid == "" {
				continue
			}
			rule := base
			rule.Peer = checks.SGPeer{
				GroupID:      gid,
				GroupOwnerID: awsString(r.UserId),
				GroupVPCID:   awsString(r.VpcId),
				PeeringID:    awsString(r.VpcPeeringConnectionId),
			}
			rule.Description = awsString(r.Description)
			rules = append(rules, rule)
		}
	}
	return rules
}

func (c *netConverter) peerings() {
	for i, p := range c.inv.Peerings {
		id := awsString(p.VpcPeeringConnectionId)
		if id == "" {
			c.noID(checks.KindPeerings, "describe-vpc-peering-connections", fmt.Sprintf("entry %d", i), "VpcPeeringConnectionId")
			continue
		}
		pcx := &checks.Peering{ID: id, Name: nameTagOf(p.Tags)}
		if p.Status != nil {
			pcx.Status = inventory.Sanitize(string(p.Status.Code))
		}
		bad := func(err error) { c.problem(checks.KindPeerings, "peering", id, "%v", err) }
		pcx.Requester = convPeeringSide("RequesterVpcInfo", p.RequesterVpcInfo, bad)
		pcx.Accepter = convPeeringSide("AccepterVpcInfo", p.AccepterVpcInfo, bad)
		mergePut(c.n.Peerings, id, pcx)
	}
}

func convPeeringSide(field string, info *ec2types.VpcPeeringConnectionVpcInfo, bad func(error)) checks.PeeringSide {
	var s checks.PeeringSide
	if info == nil {
		return s
	}
	s.VPCID, s.OwnerID, s.Region = awsString(info.VpcId), awsString(info.OwnerId), awsString(info.Region)
	add := func(dst *[]netip.Prefix, at string, v *string) {
		if v == nil {
			return
		}
		p, err := parseAWSPrefix(at, *v)
		if err != nil {
			bad(err)
			return
		}
		if !slices.Contains(*dst, p) {
			*dst = append(*dst, p)
		}
	}
	if info.PeeringOptions != nil {
		s.AllowDNSFromRemote = awsBool(info.PeeringOptions.AllowDnsResolutionFromRemoteVpc, false)
	}
	add(&s.CIDRs, field+".CidrBlock", info.CidrBlock)
	for i, b := range info.CidrBlockSet {
		add(&s.CIDRs, fmt.Sprintf("%s.CidrBlockSet[%d].CidrBlock", field, i), b.CidrBlock)
	}
	for i, b := range info.Ipv6CidrBlockSet {
		add(&s.IPv6CIDRs, fmt.Sprintf("%s.Ipv6CidrBlockSet[%d].Ipv6CidrBlock", field, i), b.Ipv6CidrBlock)
	}
	return s
}

var awsRegionPattern = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+`)

// vpcRegions fills each VPC's Region, which describe-vpcs does not print,
// from its subnets' ARNs or zones, or else from a peering that names it.
func (c *netConverter) vpcRegions() {
	for _, s := range c.inv.Subnets {
		vpc := c.n.VPCs[awsString(s.VpcId)]
		if vpc == nil || vpc.Region != "" {
			continue
		}
		if parts := strings.Split(awsString(s.SubnetArn), ":"); len(parts) > 3 && parts[3] != "" {
			vpc.Region = parts[3]
		} else {
			vpc.Region = awsRegionPattern.FindString(awsString(s.AvailabilityZone))
		}
	}
	for _, id := range sortedIDs(c.n.Peerings) {
		p := c.n.Peerings[id]
		for _, side := range []checks.PeeringSide{p.Requester, p.Accepter} {
			if vpc := c.n.VPCs[side.VPCID]; vpc != nil && vpc.Region == "" {
				vpc.Region = side.Region
			}
		}
	}
}

func attachedState(state string) bool { return state == "available" || state == "attached" }

func (c *netConverter) gateways() {
	for i, g := range c.inv.InternetGateways {
		id := awsString(g.InternetGatewayId)
		if id == "" {
			c.noID(checks.KindInternetGateways, "describe-internet-gateways", fmt.Sprintf("entry %d", i), "InternetGatewayId")
			continue
		}
		igw := &checks.InternetGateway{ID: id, Name: nameTagOf(g.Tags)}
		for _, a := range g.Attachments {
			if v := awsString(a.VpcId); v != "" && attachedState(string(a.State)) {
				igw.VPCIDs = append(igw.VPCIDs, v)
			}
		}
		mergePut(c.n.InternetGateways, id, igw)
	}
	for i, g := range c.inv.EgressOnlyInternetGateways {
		id := awsString(g.EgressOnlyInternetGatewayId)
		if id == "" {
			c.noID(checks.KindEgressOnlyGateways, "describe-egress-only-internet-gateways", fmt.Sprintf("entry %d", i), "EgressOnlyInternetGatewayId")
			continue
		}
		eigw := &checks.EgressOnlyInternetGateway{ID: id}
		for _, a := range g.Attachments {
			if v := awsString(a.VpcId); v != "" && attachedState(string(a.State)) {
				eigw.VPCIDs = append(eigw.VPCIDs, v)
			}
		}
		mergePut(c.n.EgressOnlyInternetGateways, id, eigw)
	}
	for i, g := range c.inv.NATGateways {
		id := awsString(g.NatGatewayId)
		if id == "" {
			c.noID(checks.KindNATGateways, "describe-nat-gateways", fmt.Sprintf("entry %d", i), "NatGatewayId")
			continue
		}
		nat := &checks.NATGateway{
			ID:       id,
			Name:     nameTagOf(g.Tags),
			VPCID:    awsString(g.VpcId),
			SubnetID: awsString(g.SubnetId),
			State:    inventory.Sanitize(string(g.State)),
			// Outputs from before private NAT gateways have no
			// ConnectivityType; those gateways are public.
			Public: g.ConnectivityType != ec2types.ConnectivityTypePrivate,
		}
		if addr, at, ok := primaryNATAddress(g.NatGatewayAddresses); ok {
			nat.ENIID = awsString(addr.NetworkInterfaceId)
			if addr.PrivateIp != nil {
				if a, err := parseAWSAddr(at+".PrivateIp", *addr.PrivateIp); err != nil {
					c.problem(checks.KindNATGateways, "NAT gateway", id, "%v", err)
				} else {
					nat.PrivateIP = a
				}
			}
			if addr.PublicIp != nil && *addr.PublicIp != "" {
				if a, err := parseAWSAddr(at+".PublicIp", *addr.PublicIp); err != nil {
					c.problem(checks.KindNATGateways, "NAT gateway", id, "%v", err)
				} else {
					nat.PublicIP = a
				}
			}
		}
		mergePut(c.n.NATGateways, id, nat)
	}
	for i, g := range c.inv.VPNGateways {
		id := awsString(g.VpnGatewayId)
		if id == "" {
			c.noID(checks.KindVPNGateways, "describe-vpn-gateways", fmt.Sprintf("entry %d", i), "VpnGatewayId")
			continue
		}
		vgw := &checks.VPNGateway{ID: id, Name: nameTagOf(g.Tags), State: inventory.Sanitize(string(g.State))}
		for _, a := range g.VpcAttachments {
			if v := awsString(a.VpcId); v != "" && a.State == ec2types.AttachmentStatusAttached {
				vgw.VPCIDs = append(vgw.VPCIDs, v)
			}
		}
		mergePut(c.n.VPNGateways, id, vgw)
	}
	c.directConnect()
	for i, v := range c.inv.VPNConnections {
		id := awsString(v.VpnConnectionId)
		if id == "" {
			c.noID(checks.KindVPNConnections, "describe-vpn-connections", fmt.Sprintf("entry %d", i), "VpnConnectionId")
			continue
		}
		conn := &checks.VPNConnection{ID: id, VGWID: awsString(v.VpnGatewayId), TGWID: awsString(v.TransitGatewayId),
			CustomerGatewayID: inventory.Sanitize(awsString(v.CustomerGatewayId)), State: inventory.Sanitize(string(v.State))}
		for _, t := range v.VgwTelemetry {
			conn.Tunnels = append(conn.Tunnels, checks.VPNTunnel{OutsideIP: inventory.Sanitize(awsString(t.OutsideIpAddress)), Status: inventory.Sanitize(string(t.Status)),
				StatusMessage: inventory.Sanitize(awsString(t.StatusMessage)), AcceptedRouteCount: int(awssdk.ToInt32(t.AcceptedRouteCount))})
		}
		if v.Options != nil {
			conn.StaticRoutesOnly = awsBool(v.Options.StaticRoutesOnly, false)
		}
		for j, r := range v.Routes {
			if r.State == ec2types.VpnStateDeleted || r.State == ec2types.VpnStateDeleting {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("Routes[%d].DestinationCidrBlock", j), awsString(r.DestinationCidrBlock))
			if err != nil {
				c.problem(checks.KindVPNConnections, "VPN connection", id, "%v", err)
				continue
			}
			conn.Routes = append(conn.Routes, p)
		}
		mergePut(c.n.VPNConnections, id, conn)
	}
}

func primaryNATAddress(addrs []ec2types.NatGatewayAddress) (ec2types.NatGatewayAddress, string, bool) {
	for i, a := range addrs {
		if awsBool(a.IsPrimary, false) {
			return a, fmt.Sprintf("NatGatewayAddresses[%d]", i), true
		}
	}
	if len(addrs) > 0 {
		return addrs[0], "NatGatewayAddresses[0]", true
	}
	return ec2types.NatGatewayAddress{}, "", false
}

func (c *netConverter) transitGateways() {
	for i, g := range c.inv.TransitGateways {
		id := awsString(g.TransitGatewayId)
		if id == "" {
			c.noID(checks.KindTransitGateways, "describe-transit-gateways", fmt.Sprintf("entry %d", i), "TransitGatewayId")
			continue
		}
		tgw := &checks.TransitGateway{ID: id, Name: nameTagOf(g.Tags), OwnerID: awsString(g.OwnerId), State: inventory.Sanitize(string(g.State))}
		if o := g.Options; o != nil {
			tgw.DefaultAssociationRTID = awsString(o.AssociationDefaultRouteTableId)
			tgw.DefaultPropagationRTID = awsString(o.PropagationDefaultRouteTableId)
			tgw.SGReferencing = o.SecurityGroupReferencingSupport == ec2types.SecurityGroupReferencingSupportValueEnable
		}
		mergePut(c.n.TransitGateways, id, tgw)
	}
	c.tgwAttachments()
	c.tgwRouteTables()
}

// tgwAttachments merges the generic attachments output with the VPC and
// peering attachments outputs, which alone carry subnets, options and the
// peer.
func (c *netConverter) tgwAttachments() {
	for i, a := range c.inv.TransitGatewayAttachments {
		id := awsString(a.TransitGatewayAttachmentId)
		if id == "" {
			c.noID(checks.KindTransitGatewayAttachments, "describe-transit-gateway-attachments", fmt.Sprintf("entry %d", i), "TransitGatewayAttachmentId")
			continue
		}
		att := &checks.TransitGatewayAttachment{
			ID:           id,
			TGWID:        awsString(a.TransitGatewayId),
			ResourceType: inventory.Sanitize(string(a.ResourceType)),
			ResourceID:   awsString(a.ResourceId),
			State:        inventory.Sanitize(string(a.State)),
		}
		if as := a.Association; as != nil {
			att.RouteTableID = awsString(as.TransitGatewayRouteTableId)
			att.AssociationState = inventory.Sanitize(string(as.State))
		}
		switch ec2types.TransitGatewayAttachmentResourceType(att.ResourceType) {
		case ec2types.TransitGatewayAttachmentResourceTypePeering, ec2types.TransitGatewayAttachmentResourceTypeTgwPeering:
			// A peering attachment's resource is the transit gateway on
			// the other side. The deprecated name is folded into the one
			// the model lists.
			att.ResourceType = string(ec2types.TransitGatewayAttachmentResourceTypePeering)
			att.PeerTGWID = att.ResourceID
		}
		if old, ok := c.n.TransitGatewayAttachments[id]; ok && old.TGWID != att.TGWID && att.TGWID != "" && old.TGWID != "" {
			// The other account's view of a peering attachment: its
			// transit gateway is this side's peer, and its association
			// is the peer's route table for traffic arriving over it.
			if old.PeerTGWID == "" {
				old.PeerTGWID = att.TGWID
			}
			if old.PeerRouteTableID == "" {
				old.PeerRouteTableID, old.PeerAssociationState = att.RouteTableID, att.AssociationState
			}
			continue
		}
		mergePut(c.n.TransitGatewayAttachments, id, att)
	}
	for i, a := range c.inv.TransitGatewayVPCAttachments {
		id := awsString(a.TransitGatewayAttachmentId)
		if id == "" {
			c.noID(checks.KindTransitGatewayAttachments, "describe-transit-gateway-vpc-attachments", fmt.Sprintf("entry %d", i), "TransitGatewayAttachmentId")
			continue
		}
		att := &checks.TransitGatewayAttachment{
			ID:           id,
			TGWID:        awsString(a.TransitGatewayId),
			ResourceType: string(ec2types.TransitGatewayAttachmentResourceTypeVpc),
			ResourceID:   awsString(a.VpcId),
			State:        inventory.Sanitize(string(a.State)),
		}
		for _, s := range a.SubnetIds {
			if s := inventory.Sanitize(s); s != "" && !slices.Contains(att.SubnetIDs, s) {
				att.SubnetIDs = append(att.SubnetIDs, s)
			}
		}
		if o := a.Options; o != nil {
			att.ApplianceMode = o.ApplianceModeSupport == ec2types.ApplianceModeSupportValueEnable
			att.SGReferencing = o.SecurityGroupReferencingSupport == ec2types.SecurityGroupReferencingSupportValueEnable
		}
		if old, ok := c.n.TransitGatewayAttachments[id]; ok {
			// The options live only in the VPC attachment's output.
			old.ApplianceMode = old.ApplianceMode || att.ApplianceMode
			old.SGReferencing = old.SGReferencing || att.SGReferencing
		}
		mergePut(c.n.TransitGatewayAttachments, id, att)
	}
	for _, p := range c.inv.TransitGatewayPeerings {
		id := awsString(p.TransitGatewayAttachmentId)
		att := c.n.TransitGatewayAttachments[id]
		if att == nil || p.RequesterTgwInfo == nil || p.AccepterTgwInfo == nil {
			continue
		}
		req, acc := awsString(p.RequesterTgwInfo.TransitGatewayId), awsString(p.AccepterTgwInfo.TransitGatewayId)
		switch att.TGWID {
		case req:
			att.PeerTGWID = acc
		case acc:
			att.PeerTGWID = req
		}
	}
	if !c.inv.Present[inventory.KindTransitGatewayVPCAttachments] {
		for _, id := range sortedIDs(c.n.TransitGatewayAttachments) {
			if att := c.n.TransitGatewayAttachments[id]; att.ResourceType == "vpc" && len(att.SubnetIDs) == 0 {
				c.scoped = append(c.scoped, checks.Gap{
					Kind: checks.KindTransitGatewayAttachments, Scope: id,
					Reason: "attachment subnets not in the snapshot (describe-transit-gateway-vpc-attachments)",
					Action: "ec2:DescribeTransitGatewayVpcAttachments",
				})
			}
		}
	}
}

func (c *netConverter) tgwRouteTables() {
	for i, t := range c.inv.TransitGatewayRouteTables {
		id := awsString(t.TransitGatewayRouteTableId)
		if id == "" {
			c.noID(checks.KindTransitGatewayRouteTables, "describe-transit-gateway-route-tables", fmt.Sprintf("entry %d", i), "TransitGatewayRouteTableId")
			continue
		}
		mergePut(c.n.TransitGatewayRouteTables, id, &checks.TransitGatewayRouteTable{ID: id, TGWID: awsString(t.TransitGatewayId), Name: nameTagOf(t.Tags)})
	}
	// Routes and propagations may name tables describe-transit-gateway-
	// route-tables did not list (another account's, a partial snapshot).
	for _, raw := range sortedIDs(c.inv.TransitGatewayRoutes) {
		if id := inventory.Sanitize(raw); c.n.TransitGatewayRouteTables[id] == nil {
			c.n.TransitGatewayRouteTables[id] = &checks.TransitGatewayRouteTable{ID: id}
		}
	}
	for _, raw := range sortedIDs(c.inv.TransitGatewayPropagations) {
		if id := inventory.Sanitize(raw); c.n.TransitGatewayRouteTables[id] == nil {
			c.n.TransitGatewayRouteTables[id] = &checks.TransitGatewayRouteTable{ID: id}
		}
	}
	for _, raw := range sortedIDs(c.inv.TransitGatewayRoutes) {
		t := c.n.TransitGatewayRouteTables[inventory.Sanitize(raw)]
		t.RoutesKnown = true
		t.StaticOnly = c.inv.TransitGatewayRoutesStaticOnly[raw]
		for j, r := range c.inv.TransitGatewayRoutes[raw] {
			route, err := c.tgwRoute(r)
			if err != nil {
				c.problem(checks.KindTransitGatewayRouteTables, "transit gateway route table", t.ID, "route %d: %v", j, err)
				continue
			}
			if route != nil {
				t.Routes = append(t.Routes, *route)
			}
		}
	}
	for _, raw := range sortedIDs(c.inv.TransitGatewayPropagations) {
		t := c.n.TransitGatewayRouteTables[inventory.Sanitize(raw)]
		for _, p := range c.inv.TransitGatewayPropagations[raw] {
			if a := awsString(p.TransitGatewayAttachmentId); a != "" && p.State == ec2types.TransitGatewayPropagationStateEnabled && !slices.Contains(t.Propagations, a) {
				t.Propagations = append(t.Propagations, a)
			}
		}
	}
	for _, id := range sortedIDs(c.n.TransitGatewayRouteTables) {
		t := c.n.TransitGatewayRouteTables[id]
		if t.TGWID == "" {
			t.TGWID = c.tgwOfRouteTable(id)
		}
		_, propagationsRead := c.inv.TransitGatewayPropagations[id]
		if t.RoutesKnown && !propagationsRead && !slices.ContainsFunc(t.Routes, func(r checks.TGWRoute) bool { return !r.Static }) {
			// The routes read list no propagated route: either there is
			// none, or the routes came from a source that leaves them out,
			// and only the propagations would tell.
			t.PropagationsUnknown = true
			if !t.StaticOnly {
				g := checks.Gap{Kind: checks.KindTransitGatewayRouteTables, Scope: id,
					Reason: "propagations not in the snapshot (get-transit-gateway-route-table-propagations)",
					Action: "ec2:GetTransitGatewayRouteTablePropagations"}
				if lg, ok := c.inventoryGap(inventory.KindTransitGatewayPropagations, id); ok {
					g.Reason, g.Retry = "propagations not read (get-transit-gateway-route-table-propagations: "+lg.Reason+")", lg.Retry
				}
				c.scoped = append(c.scoped, g)
			}
		}
		switch {
		case !t.RoutesKnown:
			g := checks.Gap{
				Kind: checks.KindTransitGatewayRouteTables, Scope: id,
				Reason: "routes not in the snapshot (search-transit-gateway-routes)",
				Action: "ec2:SearchTransitGatewayRoutes",
			}
			if lg, ok := c.inventoryGap(inventory.KindTransitGatewayRoutes, id); ok {
				g.Reason, g.Retry = "routes not read (search-transit-gateway-routes: "+lg.Reason+")", lg.Retry
			}
			c.scoped = append(c.scoped, g)
		case c.inv.TransitGatewayRoutesStaticOnly[id] && !propagationsRead:
			g := checks.Gap{
				Kind: checks.KindTransitGatewayRouteTables, Scope: id,
				Reason: "only static routes, and no propagations, in the snapshot (get-transit-gateway-route-table-propagations)",
				Action: "ec2:GetTransitGatewayRouteTablePropagations",
			}
			if lg, ok := c.inventoryGap(inventory.KindTransitGatewayPropagations, id); ok {
				g.Reason, g.Retry = "only static routes, and no propagations (get-transit-gateway-route-table-propagations: "+lg.Reason+")", lg.Retry
			}
			c.scoped = append(c.scoped, g)
		}
	}
}

// tgwOfRouteTable finds a route table's transit gateway from the attachments
// associated with it, for tables that were not described.
func (c *netConverter) tgwOfRouteTable(rtb string) string {
	for _, id := range sortedIDs(c.n.TransitGatewayAttachments) {
		if a := c.n.TransitGatewayAttachments[id]; a.RouteTableID == rtb && a.TGWID != "" {
			return a.TGWID
		}
	}
	for _, id := range sortedIDs(c.n.TransitGateways) {
		if g := c.n.TransitGateways[id]; g.DefaultAssociationRTID == rtb || g.DefaultPropagationRTID == rtb {
			return id
		}
	}
	return ""
}

// tgwRoute converts one searched route; it returns nil for routes that no
// longer exist (state deleted or deleting).
func (c *netConverter) tgwRoute(r ec2types.TransitGatewayRoute) (*checks.TGWRoute, error) {
	switch r.State {
	case ec2types.TransitGatewayRouteStateDeleted, ec2types.TransitGatewayRouteStateDeleting:
		return nil, nil
	}
	out := &checks.TGWRoute{
		Static:    r.Type != ec2types.TransitGatewayRouteTypePropagated,
		Blackhole: r.State == ec2types.TransitGatewayRouteStateBlackhole,
	}
	switch {
	case r.DestinationCidrBlock != nil:
		p, err := parseAWSPrefix("DestinationCidrBlock", *r.DestinationCidrBlock)
		if err != nil {
			return nil, err
		}
		out.Destination = p
	case r.PrefixListId != nil && *r.PrefixListId != "":
		out.PrefixListID = awsString(r.PrefixListId)
		c.referencedPLs[out.PrefixListID] = true
	default:
		return nil, errors.New("no DestinationCidrBlock or PrefixListId")
	}
	for _, a := range r.TransitGatewayAttachments {
		if id := awsString(a.TransitGatewayAttachmentId); id != "" && !slices.Contains(out.AttachmentIDs, id) {
			out.AttachmentIDs = append(out.AttachmentIDs, id)
		}
	}
	return out, nil
}

func (c *netConverter) endpoints() {
	for i, e := range c.inv.VPCEndpoints {
		id := awsString(e.VpcEndpointId)
		if id == "" {
			c.noID(checks.KindVPCEndpoints, "describe-vpc-endpoints", fmt.Sprintf("entry %d", i), "VpcEndpointId")
			continue
		}
		ep := &checks.Endpoint{
			ID:                id,
			Type:              inventory.Sanitize(string(e.VpcEndpointType)),
			ServiceName:       awsString(e.ServiceName),
			VPCID:             awsString(e.VpcId),
			State:             inventory.Sanitize(string(e.State)),
			RouteTableIDs:     sanitizeAll(e.RouteTableIds),
			SubnetIDs:         sanitizeAll(e.SubnetIds),
			ENIIDs:            sanitizeAll(e.NetworkInterfaceIds),
			PrivateDNSEnabled: awsBool(e.PrivateDnsEnabled, false),
			PolicyDocument:    awsString(e.PolicyDocument),
		}
		for _, g := range e.Groups {
			if gid := awsString(g.GroupId); gid != "" {
				ep.SecurityGroupIDs = append(ep.SecurityGroupIDs, gid)
			}
		}
		for _, d := range e.DnsEntries {
			if name := awsString(d.DnsName); name != "" {
				ep.DNSNames = append(ep.DNSNames, name)
			}
		}
		mergePut(c.n.Endpoints, id, ep)
	}
}

func sanitizeAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = inventory.Sanitize(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// prefixLists runs last, once routes and rules have named the lists they
// use, so that a list referenced but never read becomes a scoped gap.
func (c *netConverter) prefixLists() {
	// describe-prefix-lists carries the AWS service lists with their CIDRs.
	serviceCIDRs := map[string][]netip.Prefix{}
	for i, pl := range c.inv.PrefixLists {
		id := awsString(pl.PrefixListId)
		if id == "" {
			c.noID(checks.KindPrefixLists, "describe-prefix-lists", fmt.Sprintf("entry %d", i), "PrefixListId")
			continue
		}
		cidrs := []netip.Prefix{}
		for j, s := range pl.Cidrs {
			p, err := parseAWSPrefix(fmt.Sprintf("Cidrs[%d]", j), s)
			if err != nil {
				c.problem(checks.KindPrefixLists, "prefix list", id, "%v", err)
				continue
			}
			cidrs = append(cidrs, p)
		}
		serviceCIDRs[id] = append(serviceCIDRs[id], cidrs...)
		mergePut(c.n.PrefixLists, id, &checks.PrefixList{ID: id, Name: awsString(pl.PrefixListName)})
	}
	for i, pl := range c.inv.ManagedPrefixLists {
		id := awsString(pl.PrefixListId)
		if id == "" {
			c.noID(checks.KindPrefixLists, "describe-managed-prefix-lists", fmt.Sprintf("entry %d", i), "PrefixListId")
			continue
		}
		mergePut(c.n.PrefixLists, id, &checks.PrefixList{ID: id, Name: awsString(pl.PrefixListName)})
	}
	entries := map[string][]netip.Prefix{}
	for _, raw := range sortedIDs(c.inv.PrefixListEntries) {
		id := inventory.Sanitize(raw)
		cidrs := []netip.Prefix{}
		for j, e := range c.inv.PrefixListEntries[raw] {
			if e.Cidr == nil {
				continue
			}
			p, err := parseAWSPrefix(fmt.Sprintf("Entries[%d].Cidr", j), *e.Cidr)
			if err != nil {
				c.problem(checks.KindPrefixLists, "prefix list", id, "%v", err)
				continue
			}
			cidrs = append(cidrs, p)
		}
		entries[id] = append(entries[id], cidrs...)
		if c.n.PrefixLists[id] == nil {
			c.n.PrefixLists[id] = &checks.PrefixList{ID: id}
		}
	}
	for id := range c.referencedPLs {
		if c.n.PrefixLists[id] == nil {
			c.n.PrefixLists[id] = &checks.PrefixList{ID: id}
		}
	}
	for _, id := range sortedIDs(c.n.PrefixLists) {
		pl := c.n.PrefixLists[id]
		if cidrs, ok := entries[id]; ok {
			pl.CIDRs = uniquePrefixes(cidrs)
		} else if cidrs, ok := serviceCIDRs[id]; ok {
			pl.CIDRs = uniquePrefixes(cidrs)
		} else {
			c.scoped = append(c.scoped, checks.Gap{
				Kind: checks.KindPrefixLists, Scope: id,
				Reason: "prefix list entries not in the snapshot (get-managed-prefix-list-entries)",
				Action: "ec2:GetManagedPrefixListEntries",
			})
		}
	}
}

func uniquePrefixes(ps []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func (c *netConverter) gaps() {
	covered := map[checks.DataKind]bool{}
	for _, g := range c.inv.Gaps {
		if g.Scope == "" {
			covered[g.Kind] = true
		}
	}
	c.n.Gaps = append(c.n.Gaps, c.inv.Gaps...)
	for _, k := range kindActions {
		if !c.inv.Present[k.kind] && !covered[k.kind] {
			c.n.Gaps = append(c.n.Gaps, checks.Gap{Kind: k.kind, Reason: "not in the snapshot", Action: k.action})
			continue
		}
		if folder := c.folderLacking(k.kind); folder != "" && !covered[k.kind] {
			// One account's or Region's copy of the kind is missing: the
			// resources it would hold are unknown, wherever they are used.
			c.n.Gaps = append(c.n.Gaps, checks.Gap{Kind: k.kind, Reason: "not in the snapshot folder " + inventory.Sanitize(folder) + ", though other folders hold it", Action: k.action})
		}
	}
	c.n.Gaps = append(c.n.Gaps, c.scoped...)
	for _, cf := range c.inv.Conflicts {
		c.n.Gaps = append(c.n.Gaps, checks.Gap{Kind: cf.Kind, Scope: inventory.Sanitize(cf.ID), Conflict: true,
			Reason: fmt.Sprintf("%s and %s describe %s differently", inventory.Sanitize(cf.Files[0]), inventory.Sanitize(cf.Files[1]), inventory.Sanitize(cf.ID))})
	}
}

// folderLacking returns a folder of a snapshot of several account or
// Region captures (folders that hold describe-vpcs) that lacks kind k
// while another capture holds it, or "".
func (c *netConverter) folderLacking(k checks.DataKind) string {
	var captures []string
	for _, folder := range sortedIDs(c.inv.PresentIn) {
		if c.inv.PresentIn[folder][checks.KindVPCs] {
			captures = append(captures, folder)
		}
	}
	if len(captures) < 2 {
		return ""
	}
	for _, folder := range captures {
		if !c.inv.PresentIn[folder][k] {
			return folder
		}
	}
	return ""
}

// inventoryGap returns the gap the loader recorded for kind k, scoped to id
// or for the whole kind.
func (c *netConverter) inventoryGap(k checks.DataKind, id string) (checks.Gap, bool) {
	var whole *checks.Gap
	for i, g := range c.inv.Gaps {
		switch {
		case g.Kind == k && g.Scope == id:
			return g, true
		case g.Kind == k && g.Scope == "" && whole == nil:
			whole = &c.inv.Gaps[i]
		}
	}
	if whole != nil {
		return *whole, true
	}
	return checks.Gap{}, false
}

func sortedIDs[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// directConnect converts the Direct Connect virtual interfaces and gateway
// associations; each stays nil in the network when it was not read.
func (c *netConverter) directConnect() {
	if c.inv.Present[inventory.KindDXVirtualInterfaces] {
		c.n.DirectConnectVIFs = map[string]*checks.DirectConnectVIF{}
	}
	for i, v := range c.inv.DXVirtualInterfaces {
		id := inventory.Sanitize(awsString(v.VirtualInterfaceId))
		if id == "" {
			c.noID(inventory.KindDXVirtualInterfaces, "describe-virtual-interfaces", fmt.Sprintf("entry %d", i), "virtualInterfaceId")
			continue
		}
		c.n.DirectConnectVIFs[id] = &checks.DirectConnectVIF{ID: id, Name: inventory.Sanitize(awsString(v.VirtualInterfaceName)),
			Type: strings.ToLower(inventory.Sanitize(awsString(v.VirtualInterfaceType))), State: strings.ToLower(inventory.Sanitize(string(v.VirtualInterfaceState))),
			VGWID: inventory.Sanitize(awsString(v.VirtualGatewayId)), DXGatewayID: inventory.Sanitize(awsString(v.DirectConnectGatewayId))}
	}
	if c.inv.Present[inventory.KindDXAssociations] {
		c.n.DirectConnectAssociations = map[string]*checks.DirectConnectAssociation{}
	}
	for i, a := range c.inv.DXAssociations {
		assoc := &checks.DirectConnectAssociation{ID: inventory.Sanitize(awsString(a.AssociationId)), DXGatewayID: inventory.Sanitize(awsString(a.DirectConnectGatewayId)),
			State: strings.ToLower(inventory.Sanitize(string(a.AssociationState)))}
		if g := a.AssociatedGateway; g != nil {
			assoc.GatewayID, assoc.GatewayType = inventory.Sanitize(awsString(g.Id)), inventory.Sanitize(string(g.Type))
		}
		if assoc.GatewayID == "" && a.VirtualGatewayId != nil {
			assoc.GatewayID, assoc.GatewayType = inventory.Sanitize(awsString(a.VirtualGatewayId)), "virtualPrivateGateway"
		}
		if assoc.DXGatewayID == "" || assoc.GatewayID == "" {
			c.noID(inventory.KindDXAssociations, "describe-direct-connect-gateway-associations", fmt.Sprintf("entry %d", i), "directConnectGatewayId or associatedGateway.id")
			continue
		}
		if assoc.ID == "" {
			assoc.ID = assoc.DXGatewayID + "/" + assoc.GatewayID
		}
		for j, p := range a.AllowedPrefixesToDirectConnectGateway {
			prefix, err := parseAWSPrefix(fmt.Sprintf("allowedPrefixesToDirectConnectGateway[%d].cidr", j), awsString(p.Cidr))
			if err != nil {
				c.problem(inventory.KindDXAssociations, "Direct Connect gateway association", assoc.ID, "%v", err)
				continue
			}
			assoc.AllowedPrefixes = append(assoc.AllowedPrefixes, prefix)
		}
		c.n.DirectConnectAssociations[assoc.ID] = assoc
	}
}
