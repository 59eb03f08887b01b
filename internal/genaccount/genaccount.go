// Package genaccount generates large accounts for benchmarks: the same
// deterministic account as an engine network (Network, for the engine's
// costs at 10k, 100k and 1M interfaces) and as a snapshot directory of AWS
// CLI JSON (WriteSnapshot, for whole-process measurements of reading and
// checking). A test holds the two to the same verdicts.
//
// The account: 10 VPCs (10.16v.0.0/12) peered hub and spoke with the first,
// which has an internet gateway; a subnet (/24) per 100 interfaces, each
// with its own route table (local, the peering, eight on-premises ranges
// propagated from the VPC's VPN gateway, a default route to the internet
// gateway in the hub) and every tenth with a network ACL of 14 rules; one
// security group per 50 interfaces with six CIDR rules and a group
// reference; every interface in two groups of its VPC, every 20th in the
// hub with a public address.
package genaccount

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/reachnet/reach/checks"
)

// Spec sizes an account.
type Spec struct {
	Interfaces int
}

const (
	vpcs             = 10
	perSubnet        = 100
	perGroup         = 50
	owner            = "111122223333"
	region           = "us-east-1"
	customACLEvery   = 10
	publicEvery      = 20
	onPremisesRanges = 8
)

// shape is the derived size of every resource family.
type shape struct {
	enis, subnets, groups int
}

func (s Spec) shape() shape {
	subnets := max(vpcs, (s.Interfaces+perSubnet-1)/perSubnet)
	subnets = (subnets + vpcs - 1) / vpcs * vpcs
	groups := max(vpcs, s.Interfaces/perGroup)
	groups = (groups + vpcs - 1) / vpcs * vpcs
	return shape{enis: s.Interfaces, subnets: subnets, groups: groups}
}

func vpcID(v int) string { return fmt.Sprintf("vpc-%017x", v+1) }
func vpcCIDR(v int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(16 * v), 0, 0}), 12)
}
func subnetID(s int) string   { return fmt.Sprintf("subnet-%017x", s+1) }
func tableID(s int) string    { return fmt.Sprintf("rtb-%017x", s+1) }
func aclID(s int) string      { return fmt.Sprintf("acl-%017x", s+1) }
func defaultACL(v int) string { return fmt.Sprintf("acl-d%016x", v+1) }
func groupID(g int) string    { return fmt.Sprintf("sg-%017x", g+1) }
func eniID(e int) string      { return fmt.Sprintf("eni-%017x", e+1) }
func peeringID(v int) string  { return fmt.Sprintf("pcx-%017x", v) }
func vgwID(v int) string      { return fmt.Sprintf("vgw-%017x", v+1) }
func vpnID(v int) string      { return fmt.Sprintf("vpn-%017x", v+1) }

const igwID = "igw-00000000000000001"

// subnetVPC and subnetIndex place subnet s: subnets are dealt to the VPCs
// in turn.
func subnetVPC(s int) int { return s % vpcs }
func subnetCIDR(s int) netip.Prefix {
	v, i := s%vpcs, s/vpcs
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(16*v + i/256), byte(i % 256), 0}), 24)
}

// eniSubnet and eniAddr place interface e: 100 to a subnet, from .4.
func eniSubnet(e int) int { return e / perSubnet }
func eniAddr(e int) netip.Addr {
	a := subnetCIDR(eniSubnet(e)).Addr().As4()
	a[3] = byte(4 + e%perSubnet)
	return netip.AddrFrom4(a)
}

// eniPublic is the public address of every 20th interface of the hub.
func eniPublic(e int) (netip.Addr, bool) {
	if subnetVPC(eniSubnet(e)) != 0 || e%publicEvery != 0 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte{3, byte(e >> 16), byte(e >> 8), byte(e)}), true
}

// eniGroups are two groups of the interface's VPC: groups are dealt to
// the VPCs in turn, as subnets are.
func eniGroups(sh shape, e int) (int, int) {
	v := subnetVPC(eniSubnet(e))
	per := sh.groups / vpcs
	return (e%per)*vpcs + v, ((e+1)%per)*vpcs + v
}

// groupRule is inbound rule r of group g: six CIDR rules on ports 8000-8049
// from /24s of other VPCs, then 443 from another group of its VPC.
func groupRule(sh shape, g, r int) checks.SGRule {
	if r == 6 {
		return checks.SGRule{Protocol: checks.ProtocolTCP, Ports: checks.PortRange{From: 443, To: 443}, Peer: checks.SGPeer{GroupID: groupID((g + vpcs) % sh.groups)}}
	}
	port := uint16(8000 + (g+r)%50)
	peer := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(16 * r), byte(g % 50), 0}), 24)
	return checks.SGRule{Protocol: checks.ProtocolTCP, Ports: checks.PortRange{From: port, To: port}, Peer: checks.SGPeer{CIDR: peer}}
}

const groupRules = 7

// aclRules are the inbound entries of a custom network ACL: twelve TCP
// ranges from the VPCs' first /16s (every fourth a deny), then every
// address of 10.0.0.0/8.
func aclRules() (in, out []checks.NACLRule) {
	for r := 0; r < 12; r++ {
		in = append(in, checks.NACLRule{Number: 100 + r*10, Protocol: checks.ProtocolTCP, Allow: r%4 != 3,
			CIDR: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(16 * (r % vpcs)), 0, 0}), 16), Ports: checks.PortRange{From: uint16(1000 * r), To: uint16(1000*r + 999)}})
	}
	in = append(in, checks.NACLRule{Number: 500, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("10.0.0.0/8")})
	out = []checks.NACLRule{
		{Number: 100, Protocol: checks.ProtocolTCP, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Ports: checks.PortRange{From: 1024, To: 65535}},
		{Number: 110, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("10.0.0.0/8")},
	}
	return in, out
}

func onPremises(p int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(16 + p), 0, 0}), 16)
}

// Network builds the account as the engine's model.
func Network(spec Spec) *checks.Network {
	sh := spec.shape()
	n := checks.NewNetwork()
	for v := 0; v < vpcs; v++ {
		id := vpcID(v)
		on := true
		n.VPCs[id] = &checks.VPC{ID: id, CIDRs: []netip.Prefix{vpcCIDR(v)}, Region: region, OwnerID: owner, DNSSupport: &on, DNSHostnames: &on}
		all := []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0")},
			{Number: 32767, Protocol: checks.ProtocolAll, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
		n.NetworkACLs[defaultACL(v)] = &checks.NetworkACL{ID: defaultACL(v), VPCID: id, OwnerID: owner, IsDefault: true, Inbound: all, Outbound: append([]checks.NACLRule(nil), all...)}
		n.VPNGateways[vgwID(v)] = &checks.VPNGateway{ID: vgwID(v), State: "available", VPCIDs: []string{id}}
		n.VPNConnections[vpnID(v)] = &checks.VPNConnection{ID: vpnID(v), VGWID: vgwID(v), CustomerGatewayID: "cgw-1", State: "available",
			Tunnels: []checks.VPNTunnel{{OutsideIP: "198.51.100.1", Status: "UP", AcceptedRouteCount: onPremisesRanges}}}
		if v > 0 {
			n.Peerings[peeringID(v)] = &checks.Peering{ID: peeringID(v), Status: "active",
				Requester: checks.PeeringSide{VPCID: vpcID(0), OwnerID: owner, Region: region, CIDRs: []netip.Prefix{vpcCIDR(0)}},
				Accepter:  checks.PeeringSide{VPCID: id, OwnerID: owner, Region: region, CIDRs: []netip.Prefix{vpcCIDR(v)}}}
		}
	}
	n.InternetGateways[igwID] = &checks.InternetGateway{ID: igwID, VPCIDs: []string{vpcID(0)}}
	in, out := aclRules()
	for s := 0; s < sh.subnets; s++ {
		v := subnetVPC(s)
		n.Subnets[subnetID(s)] = &checks.Subnet{ID: subnetID(s), VPCID: vpcID(v), CIDR: subnetCIDR(s), AZ: "us-east-1a"}
		n.RouteTables[tableID(s)] = &checks.RouteTable{ID: tableID(s), VPCID: vpcID(v), SubnetIDs: []string{subnetID(s)}, Routes: routes(v)}
		if s%customACLEvery == 0 {
			n.NetworkACLs[aclID(s)] = &checks.NetworkACL{ID: aclID(s), VPCID: vpcID(v), OwnerID: owner, SubnetIDs: []string{subnetID(s)},
				Inbound: append([]checks.NACLRule(nil), in...), Outbound: append([]checks.NACLRule(nil), out...)}
		}
	}
	for g := 0; g < sh.groups; g++ {
		sg := &checks.SecurityGroup{ID: groupID(g), Name: fmt.Sprintf("group-%d", g), VPCID: vpcID(g % vpcs), OwnerID: owner,
			Outbound: []checks.SGRule{{Protocol: checks.ProtocolAll, Peer: checks.SGPeer{CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}}
		for r := 0; r < groupRules; r++ {
			sg.Inbound = append(sg.Inbound, groupRule(sh, g, r))
		}
		n.SecurityGroups[sg.ID] = sg
	}
	for e := 0; e < sh.enis; e++ {
		s := eniSubnet(e)
		g1, g2 := eniGroups(sh, e)
		ip := checks.PrivateIP{Addr: eniAddr(e), Primary: true}
		if pub, ok := eniPublic(e); ok {
			ip.Public = pub
		}
		name := fmt.Sprintf("node-%d", e)
		n.ENIs[eniID(e)] = &checks.ENI{ID: eniID(e), Name: name, OwnerID: owner, SubnetID: subnetID(s), VPCID: vpcID(subnetVPC(s)), AZ: "us-east-1a",
			InterfaceType: "interface", Status: "in-use", PrivateIPs: []checks.PrivateIP{ip},
			SecurityGroupIDs: []string{groupID(g1), groupID(g2)}, SourceDestCheck: true, Tags: map[string]string{"Name": name}}
	}
	return n
}

// routes is the route table of a subnet of VPC v.
func routes(v int) []checks.Route {
	rs := []checks.Route{{Destination: vpcCIDR(v), Target: checks.TargetLocal, TargetID: "local", Origin: checks.OriginLocal}}
	if v == 0 {
		for w := 1; w < vpcs; w++ {
			rs = append(rs, checks.Route{Destination: vpcCIDR(w), Target: checks.TargetPeering, TargetID: peeringID(w), Origin: checks.OriginStatic})
		}
		rs = append(rs, checks.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Target: checks.TargetIGW, TargetID: igwID, Origin: checks.OriginStatic})
	} else {
		rs = append(rs, checks.Route{Destination: vpcCIDR(0), Target: checks.TargetPeering, TargetID: peeringID(v), Origin: checks.OriginStatic})
	}
	for p := 0; p < onPremisesRanges; p++ {
		rs = append(rs, checks.Route{Destination: onPremises(p), Target: checks.TargetVGW, TargetID: vgwID(v), Origin: checks.OriginPropagated})
	}
	return rs
}

// WriteSnapshot writes the account as a snapshot directory, one file per
// AWS CLI command, streamed: memory stays flat whatever the size. dir must
// not exist or be empty.
func WriteSnapshot(dir string, spec Spec) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sh := spec.shape()
	files := []struct {
		name, key string
		count     int
		item      func(w *bufio.Writer, i int)
	}{
		{"describe-vpcs", "Vpcs", vpcs, writeVPC},
		{"describe-subnets", "Subnets", sh.subnets, writeSubnet},
		{"describe-route-tables", "RouteTables", sh.subnets, writeRouteTable},
		{"describe-network-acls", "NetworkAcls", vpcs + (sh.subnets+customACLEvery-1)/customACLEvery, writeACL},
		{"describe-security-groups", "SecurityGroups", sh.groups, func(w *bufio.Writer, g int) { writeGroup(w, sh, g) }},
		{"describe-network-interfaces", "NetworkInterfaces", sh.enis, func(w *bufio.Writer, e int) { writeENI(w, sh, e) }},
		{"describe-vpc-peering-connections", "VpcPeeringConnections", vpcs - 1, writePeering},
		{"describe-internet-gateways", "InternetGateways", 1, writeIGW},
		{"describe-vpn-gateways", "VpnGateways", vpcs, writeVGW},
		{"describe-vpn-connections", "VpnConnections", vpcs, writeVPN},
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.name+".json"), f.key, f.count, f.item); err != nil {
			return err
		}
	}
	// The kinds this account has none of are read, and empty: an absent
	// file would be a gap, and every path near it unknown.
	for _, e := range []struct{ name, key string }{
		{"describe-instances", "Reservations"}, {"describe-nat-gateways", "NatGateways"},
		{"describe-egress-only-internet-gateways", "EgressOnlyInternetGateways"}, {"describe-vpc-endpoints", "VpcEndpoints"},
		{"describe-transit-gateways", "TransitGateways"}, {"describe-transit-gateway-attachments", "TransitGatewayAttachments"},
		{"describe-transit-gateway-vpc-attachments", "TransitGatewayVpcAttachments"},
		{"describe-transit-gateway-route-tables", "TransitGatewayRouteTables"}, {"describe-addresses", "Addresses"},
		{"describe-dhcp-options", "DhcpOptions"}, {"describe-flow-logs", "FlowLogs"}, {"list-hosted-zones", "HostedZones"},
		{"list-resolver-endpoints", "ResolverEndpoints"}, {"list-resolver-rules", "ResolverRules"},
		{"list-resolver-rule-associations", "ResolverRuleAssociations"}, {"describe-load-balancers", "LoadBalancers"},
		{"describe-target-groups", "TargetGroups"}, {"describe-db-instances", "DBInstances"},
		{"describe-managed-prefix-lists", "PrefixLists"},
	} {
		if err := os.WriteFile(filepath.Join(dir, e.name+".json"), fmt.Appendf(nil, "{\n    %q: []\n}\n", e.key), 0o644); err != nil {
			return err
		}
	}
	for v := 0; v < vpcs; v++ {
		for _, attr := range []struct{ file, key string }{{"dns-support", "EnableDnsSupport"}, {"dns-hostnames", "EnableDnsHostnames"}} {
			body := fmt.Appendf(nil, "{\n    \"VpcId\": %q,\n    %q: {\n        \"Value\": true\n    }\n}\n", vpcID(v), attr.key)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("describe-vpc-attribute-%s.%s.json", attr.file, vpcID(v))), body, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFile writes {"KEY": [item, item, …]} as the CLI indents it.
func writeFile(path, key string, count int, item func(w *bufio.Writer, i int)) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "{\n    %q: [", key)
	// Each item is written compact, then indented as the AWS CLI prints it
	// (four spaces a level): the files have the size of real ones.
	var compact, indented bytes.Buffer
	one := bufio.NewWriter(&compact)
	for i := 0; i < count; i++ {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n        ")
		compact.Reset()
		indented.Reset()
		item(one, i)
		if err := one.Flush(); err != nil {
			return err
		}
		if err := json.Indent(&indented, compact.Bytes(), "        ", "    "); err != nil {
			return fmt.Errorf("%s item %d: %w", path, i, err)
		}
		w.Write(indented.Bytes())
	}
	w.WriteString("\n    ]\n}\n")
	return w.Flush()
}

func writeVPC(w *bufio.Writer, v int) {
	fmt.Fprintf(w, `{"CidrBlock": %q, "DhcpOptionsId": "dopt-1", "State": "available", "VpcId": %q, "OwnerId": %q, "InstanceTenancy": "default", "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-%d", "CidrBlock": %q, "CidrBlockState": {"State": "associated"}}], "IsDefault": false, "Tags": [{"Key": "Name", "Value": "vpc-%d"}]}`,
		vpcCIDR(v), vpcID(v), owner, v, vpcCIDR(v), v)
}

func writeSubnet(w *bufio.Writer, s int) {
	fmt.Fprintf(w, `{"AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1", "AvailableIpAddressCount": 151, "CidrBlock": %q, "DefaultForAz": false, "MapPublicIpOnLaunch": false, "State": "available", "SubnetId": %q, "VpcId": %q, "OwnerId": %q, "AssignIpv6AddressOnCreation": false, "Ipv6CidrBlockAssociationSet": [], "SubnetArn": "arn:aws:ec2:us-east-1:%s:subnet/%s", "Tags": [{"Key": "Name", "Value": "subnet-%d"}]}`,
		subnetCIDR(s), subnetID(s), vpcID(subnetVPC(s)), owner, owner, subnetID(s), s)
}

func writeRouteTable(w *bufio.Writer, s int) {
	v := subnetVPC(s)
	fmt.Fprintf(w, `{"Associations": [{"Main": false, "RouteTableAssociationId": "rtbassoc-%017x", "RouteTableId": %q, "SubnetId": %q, "AssociationState": {"State": "associated"}}], "PropagatingVgws": [{"GatewayId": %q}], "RouteTableId": %q, "Routes": [`,
		s+1, tableID(s), subnetID(s), vgwID(v), tableID(s))
	for i, r := range routes(v) {
		if i > 0 {
			w.WriteString(", ")
		}
		target := ""
		switch r.Target {
		case checks.TargetLocal:
			target = `"GatewayId": "local"`
		case checks.TargetPeering:
			target = fmt.Sprintf(`"VpcPeeringConnectionId": %q`, r.TargetID)
		default:
			target = fmt.Sprintf(`"GatewayId": %q`, r.TargetID)
		}
		fmt.Fprintf(w, `{"DestinationCidrBlock": %q, %s, "Origin": %q, "State": "active"}`, r.Destination, target, r.Origin)
	}
	fmt.Fprintf(w, `], "VpcId": %q, "OwnerId": %q}`, vpcID(v), owner)
}

// writeACL writes the default ACL of each VPC, then the custom ACL of
// every tenth subnet.
func writeACL(w *bufio.Writer, i int) {
	if i < vpcs {
		fmt.Fprintf(w, `{"Associations": [], "Entries": [{"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}, {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}, {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100}, {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767}], "IsDefault": true, "NetworkAclId": %q, "VpcId": %q, "OwnerId": %q}`,
			defaultACL(i), vpcID(i), owner)
		return
	}
	s := (i - vpcs) * customACLEvery
	in, out := aclRules()
	fmt.Fprintf(w, `{"Associations": [{"NetworkAclAssociationId": "aclassoc-%017x", "NetworkAclId": %q, "SubnetId": %q}], "Entries": [`, s+1, aclID(s), subnetID(s))
	first := true
	for _, side := range []struct {
		egress bool
		rules  []checks.NACLRule
	}{{false, in}, {true, out}} {
		for _, r := range side.rules {
			if !first {
				w.WriteString(", ")
			}
			first = false
			action := "deny"
			if r.Allow {
				action = "allow"
			}
			proto := "-1"
			ports := ""
			if r.Protocol == checks.ProtocolTCP {
				proto = "6"
				ports = fmt.Sprintf(`, "PortRange": {"From": %d, "To": %d}`, r.Ports.From, r.Ports.To)
			}
			fmt.Fprintf(w, `{"CidrBlock": %q, "Egress": %t, "Protocol": %q, "RuleAction": %q, "RuleNumber": %d%s}`, r.CIDR, side.egress, proto, action, r.Number, ports)
		}
	}
	fmt.Fprintf(w, `], "IsDefault": false, "NetworkAclId": %q, "VpcId": %q, "OwnerId": %q}`, aclID(s), vpcID(subnetVPC(s)), owner)
}

func writeGroup(w *bufio.Writer, sh shape, g int) {
	fmt.Fprintf(w, `{"Description": "generated group %d", "GroupName": "group-%d", "IpPermissions": [`, g, g)
	for r := 0; r < groupRules; r++ {
		if r > 0 {
			w.WriteString(", ")
		}
		rule := groupRule(sh, g, r)
		peer := fmt.Sprintf(`"IpRanges": [{"CidrIp": %q}], "UserIdGroupPairs": []`, rule.Peer.CIDR)
		if rule.Peer.GroupID != "" {
			peer = fmt.Sprintf(`"IpRanges": [], "UserIdGroupPairs": [{"GroupId": %q, "UserId": %q}]`, rule.Peer.GroupID, owner)
		}
		fmt.Fprintf(w, `{"FromPort": %d, "IpProtocol": "tcp", %s, "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": %d}`, rule.Ports.From, peer, rule.Ports.To)
	}
	fmt.Fprintf(w, `], "OwnerId": %q, "GroupId": %q, "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}], "VpcId": %q}`,
		owner, groupID(g), vpcID(g%vpcs))
}

func writeENI(w *bufio.Writer, sh shape, e int) {
	s := eniSubnet(e)
	g1, g2 := eniGroups(sh, e)
	addr := eniAddr(e)
	a := addr.As4()
	dns := fmt.Sprintf("ip-%d-%d-%d-%d.ec2.internal", a[0], a[1], a[2], a[3])
	assoc := ""
	if pub, ok := eniPublic(e); ok {
		assoc = fmt.Sprintf(`"Association": {"IpOwnerId": "amazon", "PublicDnsName": "", "PublicIp": %q}, `, pub)
	}
	fmt.Fprintf(w, `{%s"AvailabilityZone": "us-east-1a", "Description": "", "Groups": [{"GroupName": "group-%d", "GroupId": %q}, {"GroupName": "group-%d", "GroupId": %q}], "InterfaceType": "interface", "Ipv6Addresses": [], "MacAddress": "0a:%02x:%02x:%02x:%02x:01", "NetworkInterfaceId": %q, "OwnerId": %q, "PrivateDnsName": %q, "PrivateIpAddress": %q, "PrivateIpAddresses": [{%s"Primary": true, "PrivateDnsName": %q, "PrivateIpAddress": %q}], "RequesterManaged": false, "SourceDestCheck": true, "Status": "in-use", "SubnetId": %q, "TagSet": [{"Key": "Name", "Value": "node-%d"}], "VpcId": %q}`,
		assoc, g1, groupID(g1), g2, groupID(g2), byte(e>>24), byte(e>>16), byte(e>>8), byte(e), eniID(e), owner, dns, addr, assoc, dns, addr, subnetID(s), e, vpcID(subnetVPC(s)))
}

func writePeering(w *bufio.Writer, i int) {
	v := i + 1
	side := func(v int) string {
		return fmt.Sprintf(`{"CidrBlock": %q, "CidrBlockSet": [{"CidrBlock": %q}], "OwnerId": %q, "PeeringOptions": {"AllowDnsResolutionFromRemoteVpc": false}, "VpcId": %q, "Region": %q}`,
			vpcCIDR(v), vpcCIDR(v), owner, vpcID(v), region)
	}
	fmt.Fprintf(w, `{"AccepterVpcInfo": %s, "RequesterVpcInfo": %s, "Status": {"Code": "active", "Message": "Active"}, "VpcPeeringConnectionId": %q}`, side(v), side(0), peeringID(v))
}

func writeIGW(w *bufio.Writer, _ int) {
	fmt.Fprintf(w, `{"Attachments": [{"State": "available", "VpcId": %q}], "InternetGatewayId": %q, "OwnerId": %q}`, vpcID(0), igwID, owner)
}

func writeVGW(w *bufio.Writer, v int) {
	fmt.Fprintf(w, `{"State": "available", "Type": "ipsec.1", "VpcAttachments": [{"State": "attached", "VpcId": %q}], "VpnGatewayId": %q, "AmazonSideAsn": 64512}`, vpcID(v), vgwID(v))
}

func writeVPN(w *bufio.Writer, v int) {
	fmt.Fprintf(w, `{"CustomerGatewayId": "cgw-1", "Category": "VPN", "State": "available", "Type": "ipsec.1", "VpnConnectionId": %q, "VpnGatewayId": %q, "Options": {"StaticRoutesOnly": false}, "Routes": [], "VgwTelemetry": [{"AcceptedRouteCount": %d, "LastStatusChange": "2026-01-01T00:00:00.000Z", "OutsideIpAddress": "198.51.100.1", "Status": "UP", "StatusMessage": ""}]}`,
		vpnID(v), vgwID(v), onPremisesRanges)
}

// Size reports the bytes of the snapshot files in dir.
func Size(dir string) (int64, error) {
	var total int64
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return 0, err
		}
		total += info.Size()
	}
	return total, nil
}
