package convert

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

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
			inst := &checks.Instance{ID: id, Name: nameTagOf(in.Tags), Tags: tagsOf(in.Tags)}
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
	if len(c.n.ENIs) == 0 {
		// Sized once: a large account has a hundred thousand.
		c.n.ENIs = make(map[string]*checks.ENI, len(c.inv.NetworkInterfaces))
	}
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
		Tags:             tagsOf(ni.TagSet),
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
		c.addPrivateIP(e, "PrivateIpAddresses["+strconv.Itoa(j)+"]", p.PrivateIpAddress, awsBool(p.Primary, false), public, bad)
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
	c.interfacePlatforms()
}

// interfacePlatforms gives each interface its instance's platform.
func (c *netConverter) interfacePlatforms() {
	for _, e := range c.n.ENIs {
		// Written only when it changes: an Assembler's networks share the
		// interfaces this leaves alone.
		if p := c.platforms[e.InstanceID]; e.InstanceID != "" && e.Platform != p {
			e.Platform = p
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
