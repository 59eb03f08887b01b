package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
)

// outputs maps each file's command (its name up to the first dot) to the
// SDK output type that command prints.
var outputs = map[string]any{
	"describe-vpcs":                            ec2.DescribeVpcsOutput{},
	"describe-vpc-attribute-dns-support":       ec2.DescribeVpcAttributeOutput{},
	"describe-vpc-attribute-dns-hostnames":     ec2.DescribeVpcAttributeOutput{},
	"describe-subnets":                         ec2.DescribeSubnetsOutput{},
	"describe-network-interfaces":              ec2.DescribeNetworkInterfacesOutput{},
	"describe-instances":                       ec2.DescribeInstancesOutput{},
	"describe-route-tables":                    ec2.DescribeRouteTablesOutput{},
	"describe-network-acls":                    ec2.DescribeNetworkAclsOutput{},
	"describe-security-groups":                 ec2.DescribeSecurityGroupsOutput{},
	"describe-vpc-peering-connections":         ec2.DescribeVpcPeeringConnectionsOutput{},
	"describe-internet-gateways":               ec2.DescribeInternetGatewaysOutput{},
	"describe-nat-gateways":                    ec2.DescribeNatGatewaysOutput{},
	"describe-vpn-gateways":                    ec2.DescribeVpnGatewaysOutput{},
	"describe-vpn-connections":                 ec2.DescribeVpnConnectionsOutput{},
	"describe-egress-only-internet-gateways":   ec2.DescribeEgressOnlyInternetGatewaysOutput{},
	"describe-transit-gateways":                ec2.DescribeTransitGatewaysOutput{},
	"describe-transit-gateway-attachments":     ec2.DescribeTransitGatewayAttachmentsOutput{},
	"describe-transit-gateway-vpc-attachments": ec2.DescribeTransitGatewayVpcAttachmentsOutput{},
	"describe-transit-gateway-route-tables":    ec2.DescribeTransitGatewayRouteTablesOutput{},
	"describe-vpc-endpoints":                   ec2.DescribeVpcEndpointsOutput{},
	"describe-managed-prefix-lists":            ec2.DescribeManagedPrefixListsOutput{},
	"get-managed-prefix-list-entries":          ec2.GetManagedPrefixListEntriesOutput{},
	"describe-dhcp-options":                    ec2.DescribeDhcpOptionsOutput{},
	"describe-flow-logs":                       ec2.DescribeFlowLogsOutput{},
	"describe-addresses":                       ec2.DescribeAddressesOutput{},
	"list-hosted-zones":                        route53.ListHostedZonesOutput{},
	"get-hosted-zone":                          route53.GetHostedZoneOutput{},
	"list-resource-record-sets":                route53.ListResourceRecordSetsOutput{},
	"list-resolver-endpoints":                  route53resolver.ListResolverEndpointsOutput{},
	"list-resolver-endpoint-ip-addresses":      route53resolver.ListResolverEndpointIpAddressesOutput{},
	"list-resolver-rules":                      route53resolver.ListResolverRulesOutput{},
	"list-resolver-rule-associations":          route53resolver.ListResolverRuleAssociationsOutput{},
	"describe-load-balancers":                  elasticloadbalancingv2.DescribeLoadBalancersOutput{},
	"describe-listeners":                       elasticloadbalancingv2.DescribeListenersOutput{},
	"describe-target-groups":                   elasticloadbalancingv2.DescribeTargetGroupsOutput{},
	"describe-target-health":                   elasticloadbalancingv2.DescribeTargetHealthOutput{},
	"describe-rules":                           elasticloadbalancingv2.DescribeRulesOutput{},
	"describe-load-balancer-attributes":        elasticloadbalancingv2.DescribeLoadBalancerAttributesOutput{},
	"describe-target-group-attributes":         elasticloadbalancingv2.DescribeTargetGroupAttributesOutput{},
	"describe-db-instances":                    rds.DescribeDBInstancesOutput{},
}

func command(name string) string {
	// Outputs named after an ARN carry it after a '_' (ARNs hold dots).
	cmd, _, _ := strings.Cut(name, "_")
	cmd, _, _ = strings.Cut(cmd, ".")
	return cmd
}

func TestFSHoldsOnlyJSONFiles(t *testing.T) {
	entries, err := fs.ReadDir(FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("the demo snapshot is empty")
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			t.Errorf("%s: the snapshot holds only JSON files, no directories", e.Name())
		}
		if _, ok := outputs[command(e.Name())]; !ok {
			t.Errorf("%s: no known AWS CLI command %q", e.Name(), command(e.Name()))
		}
	}
	for cmd := range outputs {
		if m, _ := fs.Glob(FS(), cmd+"*.json"); len(m) == 0 {
			t.Errorf("no %s file", cmd)
		}
	}
}

func TestFilesAreJSONObjects(t *testing.T) {
	for _, name := range fileNames(t) {
		b, err := fs.ReadFile(FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestFilesDecodeIntoSDKOutputs holds every file to the exact shape the AWS
// CLI prints: each key must name a field of the SDK output type, with the
// same spelling and case, and each value must decode into that field.
func TestFilesDecodeIntoSDKOutputs(t *testing.T) {
	for _, name := range fileNames(t) {
		proto, ok := outputs[command(name)]
		if !ok {
			continue
		}
		b, err := fs.ReadFile(FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		typ := reflect.TypeOf(proto)
		out := reflect.New(typ).Interface()
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(out); err != nil {
			t.Errorf("%s: does not decode into %s: %v", name, typ, err)
			continue
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, p := range keyMismatches("", doc, typ) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// keyMismatches lists the object keys under v that are not spelled exactly
// like a field of typ (encoding/json alone matches case-insensitively).
func keyMismatches(path string, v any, typ reflect.Type) []string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	var bad []string
	switch v := v.(type) {
	case map[string]any:
		if typ.Kind() != reflect.Struct {
			return nil // a document or map-typed field
		}
		for key, child := range v {
			f, ok := typ.FieldByName(key)
			if !ok || !f.IsExported() {
				bad = append(bad, fmt.Sprintf("%s.%s: no field %s in %s", path, key, key, typ))
				continue
			}
			bad = append(bad, keyMismatches(path+"."+key, child, f.Type)...)
		}
	case []any:
		if typ.Kind() != reflect.Slice {
			return []string{fmt.Sprintf("%s: a list where %s expects %s", path, typ, typ.Kind())}
		}
		for i, child := range v {
			bad = append(bad, keyMismatches(fmt.Sprintf("%s[%d]", path, i), child, typ.Elem())...)
		}
	}
	return bad
}

func fileNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(FS(), "*.json")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

// obj is one decoded JSON object.
type obj = map[string]any

func load(t *testing.T, name string) obj {
	t.Helper()
	b, err := fs.ReadFile(FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	var doc obj
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

func list(o obj, key string) []obj {
	raw, _ := o[key].([]any)
	out := make([]obj, 0, len(raw))
	for _, r := range raw {
		if m, ok := r.(obj); ok {
			out = append(out, m)
		}
	}
	return out
}

func str(o obj, key string) string {
	s, _ := o[key].(string)
	return s
}

func strs(o obj, key string) []string {
	raw, _ := o[key].([]any)
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		s, _ := r.(string)
		out = append(out, s)
	}
	return out
}

func child(o obj, key string) obj {
	m, _ := o[key].(obj)
	return m
}

// world indexes the snapshot's resources by ID.
type world struct {
	vpcs, subnets, enis, instances, routeTables, nacls, groups    map[string]obj
	igws, nats, vgws, peerings, endpoints, prefixLists, dhcp, eip map[string]obj
	zones, resolverEndpoints, resolverRules, flowLogs             map[string]obj
	vpcCIDR, subnetCIDR                                           map[string]netip.Prefix
}

func index(t *testing.T, items []obj, key string) map[string]obj {
	t.Helper()
	m := map[string]obj{}
	for _, it := range items {
		id := str(it, key)
		if id == "" {
			t.Errorf("an item without %s: %v", key, it)
			continue
		}
		if _, dup := m[id]; dup {
			t.Errorf("duplicate %s %s", key, id)
		}
		m[id] = it
	}
	return m
}

func loadWorld(t *testing.T) *world {
	t.Helper()
	w := &world{
		vpcs:              index(t, list(load(t, "describe-vpcs.json"), "Vpcs"), "VpcId"),
		subnets:           index(t, list(load(t, "describe-subnets.json"), "Subnets"), "SubnetId"),
		enis:              index(t, list(load(t, "describe-network-interfaces.json"), "NetworkInterfaces"), "NetworkInterfaceId"),
		routeTables:       index(t, list(load(t, "describe-route-tables.json"), "RouteTables"), "RouteTableId"),
		nacls:             index(t, list(load(t, "describe-network-acls.json"), "NetworkAcls"), "NetworkAclId"),
		groups:            index(t, list(load(t, "describe-security-groups.json"), "SecurityGroups"), "GroupId"),
		igws:              index(t, list(load(t, "describe-internet-gateways.json"), "InternetGateways"), "InternetGatewayId"),
		nats:              index(t, list(load(t, "describe-nat-gateways.json"), "NatGateways"), "NatGatewayId"),
		vgws:              index(t, list(load(t, "describe-vpn-gateways.json"), "VpnGateways"), "VpnGatewayId"),
		peerings:          index(t, list(load(t, "describe-vpc-peering-connections.json"), "VpcPeeringConnections"), "VpcPeeringConnectionId"),
		endpoints:         index(t, list(load(t, "describe-vpc-endpoints.json"), "VpcEndpoints"), "VpcEndpointId"),
		prefixLists:       index(t, list(load(t, "describe-managed-prefix-lists.json"), "PrefixLists"), "PrefixListId"),
		dhcp:              index(t, list(load(t, "describe-dhcp-options.json"), "DhcpOptions"), "DhcpOptionsId"),
		eip:               index(t, list(load(t, "describe-addresses.json"), "Addresses"), "AllocationId"),
		flowLogs:          index(t, list(load(t, "describe-flow-logs.json"), "FlowLogs"), "FlowLogId"),
		resolverEndpoints: index(t, list(load(t, "list-resolver-endpoints.json"), "ResolverEndpoints"), "Id"),
		resolverRules:     index(t, list(load(t, "list-resolver-rules.json"), "ResolverRules"), "Id"),
		instances:         map[string]obj{},
		zones:             map[string]obj{},
		vpcCIDR:           map[string]netip.Prefix{},
		subnetCIDR:        map[string]netip.Prefix{},
	}
	var insts []obj
	for _, r := range list(load(t, "describe-instances.json"), "Reservations") {
		insts = append(insts, list(r, "Instances")...)
	}
	w.instances = index(t, insts, "InstanceId")
	for _, z := range list(load(t, "list-hosted-zones.json"), "HostedZones") {
		w.zones[strings.TrimPrefix(str(z, "Id"), "/hostedzone/")] = z
	}
	for id, v := range w.vpcs {
		p, err := netip.ParsePrefix(str(v, "CidrBlock"))
		if err != nil {
			t.Errorf("%s: CidrBlock: %v", id, err)
		}
		w.vpcCIDR[id] = p
	}
	for id, s := range w.subnets {
		p, err := netip.ParsePrefix(str(s, "CidrBlock"))
		if err != nil {
			t.Errorf("%s: CidrBlock: %v", id, err)
		}
		w.subnetCIDR[id] = p
	}
	return w
}

// all returns every resource ID the snapshot defines.
func (w *world) all() map[string]bool {
	ids := map[string]bool{}
	for _, m := range []map[string]obj{w.vpcs, w.subnets, w.enis, w.instances, w.routeTables, w.nacls,
		w.groups, w.igws, w.nats, w.vgws, w.peerings, w.endpoints, w.prefixLists, w.dhcp, w.eip, w.zones,
		w.resolverEndpoints, w.resolverRules, w.flowLogs} {
		for id := range m {
			ids[id] = true
		}
	}
	return ids
}

func TestVPCsAndSubnets(t *testing.T) {
	w := loadWorld(t)
	for id, v := range w.vpcs {
		if _, ok := w.dhcp[str(v, "DhcpOptionsId")]; !ok {
			t.Errorf("%s: DhcpOptionsId %s does not exist", id, str(v, "DhcpOptionsId"))
		}
		for _, attr := range []string{"dns-support", "dns-hostnames"} {
			name := fmt.Sprintf("describe-vpc-attribute-%s.%s.json", attr, id)
			doc := load(t, name)
			if str(doc, "VpcId") != id {
				t.Errorf("%s: VpcId %s, want %s", name, str(doc, "VpcId"), id)
			}
		}
		for other, o := range w.vpcCIDR {
			if other != id && o.Overlaps(w.vpcCIDR[id]) {
				t.Errorf("VPCs %s and %s overlap", id, other)
			}
		}
	}
	for id, s := range w.subnets {
		vpc := str(s, "VpcId")
		if _, ok := w.vpcs[vpc]; !ok {
			t.Errorf("%s: VpcId %s does not exist", id, vpc)
			continue
		}
		c := w.subnetCIDR[id]
		if !w.vpcCIDR[vpc].Contains(c.Addr()) || c.Bits() < w.vpcCIDR[vpc].Bits() {
			t.Errorf("%s: %s is not inside its VPC's %s", id, c, w.vpcCIDR[vpc])
		}
		for other, o := range w.subnetCIDR {
			if other != id && o.Overlaps(c) {
				t.Errorf("subnets %s and %s overlap", id, other)
			}
		}
	}
}

func TestENIsAndInstances(t *testing.T) {
	w := loadWorld(t)
	owner := map[netip.Addr]string{}
	for id, e := range w.enis {
		sub, ok := w.subnets[str(e, "SubnetId")]
		if !ok {
			t.Errorf("%s: SubnetId %s does not exist", id, str(e, "SubnetId"))
			continue
		}
		if str(e, "VpcId") != str(sub, "VpcId") {
			t.Errorf("%s: VpcId %s, but its subnet is in %s", id, str(e, "VpcId"), str(sub, "VpcId"))
		}
		if str(e, "AvailabilityZone") != str(sub, "AvailabilityZone") {
			t.Errorf("%s: in %s, but its subnet is in %s", id, str(e, "AvailabilityZone"), str(sub, "AvailabilityZone"))
		}
		for _, g := range list(e, "Groups") {
			sg, ok := w.groups[str(g, "GroupId")]
			switch {
			case !ok:
				t.Errorf("%s: security group %s does not exist", id, str(g, "GroupId"))
			case str(sg, "VpcId") != str(e, "VpcId"):
				t.Errorf("%s: security group %s belongs to another VPC", id, str(g, "GroupId"))
			case str(sg, "GroupName") != str(g, "GroupName"):
				t.Errorf("%s: group %s is named %q, not %q", id, str(g, "GroupId"), str(sg, "GroupName"), str(g, "GroupName"))
			}
		}
		primary := 0
		for _, p := range list(e, "PrivateIpAddresses") {
			addr, err := netip.ParseAddr(str(p, "PrivateIpAddress"))
			if err != nil {
				t.Errorf("%s: %v", id, err)
				continue
			}
			if !w.subnetCIDR[str(e, "SubnetId")].Contains(addr) {
				t.Errorf("%s: %s is outside its subnet %s", id, addr, w.subnetCIDR[str(e, "SubnetId")])
			}
			if prev, dup := owner[addr]; dup {
				t.Errorf("%s and %s both own %s", prev, id, addr)
			}
			owner[addr] = id
			if p["Primary"] == true {
				primary++
				if str(p, "PrivateIpAddress") != str(e, "PrivateIpAddress") {
					t.Errorf("%s: the primary address differs from PrivateIpAddress", id)
				}
			}
		}
		if primary != 1 {
			t.Errorf("%s: %d primary addresses", id, primary)
		}
		if a := child(e, "Association"); a != nil {
			if alloc := str(a, "AllocationId"); alloc != "" {
				eip, ok := w.eip[alloc]
				if !ok || str(eip, "PublicIp") != str(a, "PublicIp") || str(eip, "NetworkInterfaceId") != id {
					t.Errorf("%s: Elastic IP %s does not match describe-addresses", id, alloc)
				}
			}
		}
		if inst := str(child(e, "Attachment"), "InstanceId"); inst != "" {
			if _, ok := w.instances[inst]; !ok {
				t.Errorf("%s: attached to instance %s, which does not exist", id, inst)
			}
		}
	}
	for id, in := range w.instances {
		for _, key := range []string{"SubnetId", "VpcId"} {
			if _, ok := map[string]map[string]obj{"SubnetId": w.subnets, "VpcId": w.vpcs}[key][str(in, key)]; !ok {
				t.Errorf("%s: %s %s does not exist", id, key, str(in, key))
			}
		}
		nis := list(in, "NetworkInterfaces")
		if len(nis) == 0 {
			t.Errorf("%s: no network interfaces", id)
		}
		for _, ni := range nis {
			eid := str(ni, "NetworkInterfaceId")
			e, ok := w.enis[eid]
			if !ok {
				t.Errorf("%s: ENI %s is not in describe-network-interfaces", id, eid)
				continue
			}
			if str(child(e, "Attachment"), "InstanceId") != id {
				t.Errorf("%s: ENI %s is not attached to it", id, eid)
			}
			for _, key := range []string{"SubnetId", "VpcId", "PrivateIpAddress", "MacAddress"} {
				if str(ni, key) != str(e, key) {
					t.Errorf("%s: ENI %s: %s %q in describe-instances, %q in describe-network-interfaces", id, eid, key, str(ni, key), str(e, key))
				}
			}
			if !reflect.DeepEqual(ni["Groups"], e["Groups"]) || ni["SourceDestCheck"] != e["SourceDestCheck"] {
				t.Errorf("%s: ENI %s: groups or SourceDestCheck differ between the two files", id, eid)
			}
			if child(ni, "Attachment")["DeviceIndex"] == float64(0) {
				if in["SourceDestCheck"] != ni["SourceDestCheck"] || str(in, "PrivateIpAddress") != str(ni, "PrivateIpAddress") {
					t.Errorf("%s: the instance and its primary ENI %s disagree", id, eid)
				}
				if !reflect.DeepEqual(in["SecurityGroups"], ni["Groups"]) {
					t.Errorf("%s: SecurityGroups differ from its primary ENI's Groups", id)
				}
			}
		}
	}
}

func TestRouteTables(t *testing.T) {
	w := loadWorld(t)
	explicit := map[string]string{}
	mains := map[string]int{}
	for id, rt := range w.routeTables {
		vpc := str(rt, "VpcId")
		if _, ok := w.vpcs[vpc]; !ok {
			t.Errorf("%s: VpcId %s does not exist", id, vpc)
		}
		for _, a := range list(rt, "Associations") {
			if str(a, "RouteTableId") != id {
				t.Errorf("%s: association %s names table %s", id, str(a, "RouteTableAssociationId"), str(a, "RouteTableId"))
			}
			if a["Main"] == true {
				mains[vpc]++
				continue
			}
			s := str(a, "SubnetId")
			sub, ok := w.subnets[s]
			switch {
			case !ok:
				t.Errorf("%s: associated subnet %s does not exist", id, s)
			case str(sub, "VpcId") != vpc:
				t.Errorf("%s: associated subnet %s is in another VPC", id, s)
			case explicit[s] != "":
				t.Errorf("subnet %s is associated with %s and %s", s, explicit[s], id)
			}
			explicit[s] = id
		}
		local := false
		for _, r := range list(rt, "Routes") {
			if pl := str(r, "DestinationPrefixListId"); pl != "" {
				if _, ok := w.prefixLists[pl]; !ok {
					t.Errorf("%s: route to prefix list %s, which does not exist", id, pl)
				}
			} else if _, err := netip.ParsePrefix(str(r, "DestinationCidrBlock")); err != nil {
				t.Errorf("%s: %v", id, err)
			}
			if str(r, "State") != "active" {
				t.Errorf("%s: route %v is not active", id, r)
			}
			for _, bad := range w.routeTargetErrors(vpc, r) {
				t.Errorf("%s: %s", id, bad)
			}
			if str(r, "GatewayId") == "local" && str(r, "DestinationCidrBlock") == w.vpcCIDR[vpc].String() {
				local = true
			}
		}
		if !local {
			t.Errorf("%s: no local route for %s", id, w.vpcCIDR[vpc])
		}
	}
	for vpc := range w.vpcs {
		if mains[vpc] != 1 {
			t.Errorf("%s: %d main route tables", vpc, mains[vpc])
		}
	}
}

// routeTargetErrors checks that a route's target exists and is usable from
// the table's VPC.
func (w *world) routeTargetErrors(vpc string, r obj) []string {
	var bad []string
	attached := func(atts []obj, key string) bool {
		for _, a := range atts {
			if str(a, key) == vpc {
				return true
			}
		}
		return false
	}
	if g := str(r, "GatewayId"); g != "" && g != "local" {
		switch {
		case strings.HasPrefix(g, "igw-"):
			if igw, ok := w.igws[g]; !ok || !attached(list(igw, "Attachments"), "VpcId") {
				bad = append(bad, fmt.Sprintf("route to %s, not an internet gateway attached to %s", g, vpc))
			}
		case strings.HasPrefix(g, "vgw-"):
			if vgw, ok := w.vgws[g]; !ok || !attached(list(vgw, "VpcAttachments"), "VpcId") {
				bad = append(bad, fmt.Sprintf("route to %s, not a VPN gateway attached to %s", g, vpc))
			}
		case strings.HasPrefix(g, "vpce-"):
			if ep, ok := w.endpoints[g]; !ok || str(ep, "VpcId") != vpc || str(ep, "VpcEndpointType") != "Gateway" {
				bad = append(bad, fmt.Sprintf("route to %s, not a gateway endpoint of %s", g, vpc))
			}
		default:
			bad = append(bad, "unexpected GatewayId "+g)
		}
	}
	if n := str(r, "NatGatewayId"); n != "" {
		if nat, ok := w.nats[n]; !ok || str(nat, "VpcId") != vpc {
			bad = append(bad, fmt.Sprintf("route to %s, not a NAT gateway of %s", n, vpc))
		}
	}
	if p := str(r, "VpcPeeringConnectionId"); p != "" {
		pcx, ok := w.peerings[p]
		if !ok || (str(child(pcx, "RequesterVpcInfo"), "VpcId") != vpc && str(child(pcx, "AccepterVpcInfo"), "VpcId") != vpc) {
			bad = append(bad, fmt.Sprintf("route to %s, not a peering of %s", p, vpc))
		}
	}
	if e := str(r, "NetworkInterfaceId"); e != "" {
		eni, ok := w.enis[e]
		if !ok || str(eni, "VpcId") != vpc {
			bad = append(bad, fmt.Sprintf("route to %s, not an ENI of %s", e, vpc))
		} else if i := str(r, "InstanceId"); i != "" && str(child(eni, "Attachment"), "InstanceId") != i {
			bad = append(bad, fmt.Sprintf("route names instance %s, but %s is attached to another", i, e))
		}
	}
	return bad
}

func TestNetworkACLs(t *testing.T) {
	w := loadWorld(t)
	assoc := map[string]string{}
	defaults := map[string]int{}
	for id, acl := range w.nacls {
		vpc := str(acl, "VpcId")
		if _, ok := w.vpcs[vpc]; !ok {
			t.Errorf("%s: VpcId %s does not exist", id, vpc)
		}
		if acl["IsDefault"] == true {
			defaults[vpc]++
		}
		for _, a := range list(acl, "Associations") {
			s := str(a, "SubnetId")
			sub, ok := w.subnets[s]
			switch {
			case !ok:
				t.Errorf("%s: associated subnet %s does not exist", id, s)
			case str(sub, "VpcId") != vpc:
				t.Errorf("%s: associated subnet %s is in another VPC", id, s)
			case assoc[s] != "":
				t.Errorf("subnet %s is associated with %s and %s", s, assoc[s], id)
			}
			assoc[s] = id
		}
		for _, egress := range []bool{true, false} {
			last := 0
			for _, e := range list(acl, "Entries") {
				if e["Egress"] != egress {
					continue
				}
				n := int(e["RuleNumber"].(float64))
				if n <= last {
					t.Errorf("%s: entries are not sorted by rule number (%d after %d)", id, n, last)
				}
				last = n
				if _, err := netip.ParsePrefix(str(e, "CidrBlock")); err != nil {
					t.Errorf("%s: rule %d: %v", id, n, err)
				}
				if p := str(e, "Protocol"); (p == "6" || p == "17") != (e["PortRange"] != nil) {
					t.Errorf("%s: rule %d: protocol %s with PortRange %v", id, n, p, e["PortRange"])
				}
			}
			if last != 32767 {
				t.Errorf("%s: the last rule (egress %v) is %d, not 32767", id, egress, last)
			}
		}
	}
	for s := range w.subnets {
		if assoc[s] == "" {
			t.Errorf("subnet %s has no network ACL (AWS always shows one)", s)
		}
	}
	for vpc := range w.vpcs {
		if defaults[vpc] != 1 {
			t.Errorf("%s: %d default network ACLs", vpc, defaults[vpc])
		}
	}
}

func TestSecurityGroupReferences(t *testing.T) {
	w := loadWorld(t)
	for id, sg := range w.groups {
		vpc := str(sg, "VpcId")
		if _, ok := w.vpcs[vpc]; !ok {
			t.Errorf("%s: VpcId %s does not exist", id, vpc)
		}
		for _, dir := range []string{"IpPermissions", "IpPermissionsEgress"} {
			for _, p := range list(sg, dir) {
				for _, pl := range list(p, "PrefixListIds") {
					if _, ok := w.prefixLists[str(pl, "PrefixListId")]; !ok {
						t.Errorf("%s %s: prefix list %s does not exist", id, dir, str(pl, "PrefixListId"))
					}
				}
				for _, r := range list(p, "IpRanges") {
					if _, err := netip.ParsePrefix(str(r, "CidrIp")); err != nil {
						t.Errorf("%s %s: %v", id, dir, err)
					}
				}
				for _, pair := range list(p, "UserIdGroupPairs") {
					ref := str(pair, "GroupId")
					other, ok := w.groups[ref]
					if !ok {
						t.Errorf("%s %s: group %s does not exist", id, dir, ref)
						continue
					}
					pcxID := str(pair, "VpcPeeringConnectionId")
					if pcxID == "" {
						if str(other, "VpcId") != vpc {
							t.Errorf("%s %s: group %s is in another VPC but the rule names no peering", id, dir, ref)
						}
						continue
					}
					pcx, ok := w.peerings[pcxID]
					if !ok {
						t.Errorf("%s %s: peering %s does not exist", id, dir, pcxID)
						continue
					}
					ends := []string{str(child(pcx, "RequesterVpcInfo"), "VpcId"), str(child(pcx, "AccepterVpcInfo"), "VpcId")}
					sort.Strings(ends)
					want := []string{vpc, str(other, "VpcId")}
					sort.Strings(want)
					if !reflect.DeepEqual(ends, want) || str(pair, "VpcId") != str(other, "VpcId") {
						t.Errorf("%s %s: group %s over %s, which does not join their VPCs", id, dir, ref, pcxID)
					}
				}
			}
		}
	}
}

func TestGatewaysEndpointsAndPeering(t *testing.T) {
	w := loadWorld(t)
	for id, nat := range w.nats {
		sub, ok := w.subnets[str(nat, "SubnetId")]
		if !ok || str(sub, "VpcId") != str(nat, "VpcId") {
			t.Errorf("%s: subnet %s is missing or in another VPC", id, str(nat, "SubnetId"))
		}
		for _, a := range list(nat, "NatGatewayAddresses") {
			e, ok := w.enis[str(a, "NetworkInterfaceId")]
			if !ok || str(e, "PrivateIpAddress") != str(a, "PrivateIp") || str(e, "InterfaceType") != "nat_gateway" {
				t.Errorf("%s: ENI %s is missing or does not match", id, str(a, "NetworkInterfaceId"))
			}
			if str(child(e, "Association"), "PublicIp") != str(a, "PublicIp") {
				t.Errorf("%s: public IP %s is not on its ENI", id, str(a, "PublicIp"))
			}
		}
	}
	for id, igw := range w.igws {
		for _, a := range list(igw, "Attachments") {
			if _, ok := w.vpcs[str(a, "VpcId")]; !ok {
				t.Errorf("%s: attached to %s, which does not exist", id, str(a, "VpcId"))
			}
		}
	}
	for id, vgw := range w.vgws {
		for _, a := range list(vgw, "VpcAttachments") {
			if _, ok := w.vpcs[str(a, "VpcId")]; !ok {
				t.Errorf("%s: attached to %s, which does not exist", id, str(a, "VpcId"))
			}
		}
	}
	for id, pcx := range w.peerings {
		for _, side := range []string{"RequesterVpcInfo", "AccepterVpcInfo"} {
			info := child(pcx, side)
			vpc := str(info, "VpcId")
			if _, ok := w.vpcs[vpc]; !ok {
				t.Errorf("%s: %s %s does not exist", id, side, vpc)
			} else if str(info, "CidrBlock") != w.vpcCIDR[vpc].String() {
				t.Errorf("%s: %s CidrBlock %s, but the VPC has %s", id, side, str(info, "CidrBlock"), w.vpcCIDR[vpc])
			}
		}
	}
	for id, ep := range w.endpoints {
		vpc := str(ep, "VpcId")
		if _, ok := w.vpcs[vpc]; !ok {
			t.Errorf("%s: VpcId %s does not exist", id, vpc)
		}
		for _, rt := range strs(ep, "RouteTableIds") {
			table, ok := w.routeTables[rt]
			if !ok || str(table, "VpcId") != vpc {
				t.Errorf("%s: route table %s is missing or in another VPC", id, rt)
				continue
			}
			found := false
			for _, r := range list(table, "Routes") {
				found = found || str(r, "GatewayId") == id
			}
			if !found {
				t.Errorf("%s: route table %s has no route to the endpoint", id, rt)
			}
		}
		for _, key := range []string{"SubnetIds", "NetworkInterfaceIds"} {
			m := map[string]map[string]obj{"SubnetIds": w.subnets, "NetworkInterfaceIds": w.enis}[key]
			for _, x := range strs(ep, key) {
				if r, ok := m[x]; !ok || str(r, "VpcId") != vpc {
					t.Errorf("%s: %s %s is missing or in another VPC", id, key, x)
				}
			}
		}
		for _, g := range list(ep, "Groups") {
			if _, ok := w.groups[str(g, "GroupId")]; !ok {
				t.Errorf("%s: group %s does not exist", id, str(g, "GroupId"))
			}
		}
	}
	for id := range w.prefixLists {
		doc := load(t, "get-managed-prefix-list-entries."+id+".json")
		for _, e := range list(doc, "Entries") {
			if _, err := netip.ParsePrefix(str(e, "Cidr")); err != nil {
				t.Errorf("%s: %v", id, err)
			}
		}
	}
	for id, fl := range w.flowLogs {
		if _, ok := w.vpcs[str(fl, "ResourceId")]; !ok {
			t.Errorf("%s: ResourceId %s does not exist", id, str(fl, "ResourceId"))
		}
	}
}

func TestDNS(t *testing.T) {
	w := loadWorld(t)
	for id, z := range w.zones {
		got := load(t, "get-hosted-zone."+id+".json")
		if !reflect.DeepEqual(child(got, "HostedZone"), z) {
			t.Errorf("%s: get-hosted-zone disagrees with list-hosted-zones", id)
		}
		private := child(z, "Config")["PrivateZone"] == true
		vpcs := list(got, "VPCs")
		if private != (len(vpcs) > 0) {
			t.Errorf("%s: private %v with %d VPCs", id, private, len(vpcs))
		}
		for _, v := range vpcs {
			if _, ok := w.vpcs[str(v, "VPCId")]; !ok {
				t.Errorf("%s: associated VPC %s does not exist", id, str(v, "VPCId"))
			}
		}
		records := list(load(t, "list-resource-record-sets."+id+".json"), "ResourceRecordSets")
		if n := int(z["ResourceRecordSetCount"].(float64)); n != len(records) {
			t.Errorf("%s: ResourceRecordSetCount %d, but %d records", id, n, len(records))
		}
		for _, r := range records {
			if !strings.HasSuffix(str(r, "Name"), str(z, "Name")) {
				t.Errorf("%s: record %s is outside the zone", id, str(r, "Name"))
			}
		}
	}
	for id, ep := range w.resolverEndpoints {
		vpc := str(ep, "HostVPCId")
		if _, ok := w.vpcs[vpc]; !ok {
			t.Errorf("%s: HostVPCId %s does not exist", id, vpc)
		}
		groups := strs(ep, "SecurityGroupIds")
		ips := list(load(t, "list-resolver-endpoint-ip-addresses."+id+".json"), "IpAddresses")
		if n := int(ep["IpAddressCount"].(float64)); n != len(ips) {
			t.Errorf("%s: IpAddressCount %d, but %d addresses", id, n, len(ips))
		}
		for _, ip := range ips {
			// The endpoint's interface is the ENI that owns the address in
			// that subnet and carries the endpoint's groups.
			var eni obj
			for _, e := range w.enis {
				if str(e, "PrivateIpAddress") == str(ip, "Ip") {
					eni = e
				}
			}
			if eni == nil || str(eni, "SubnetId") != str(ip, "SubnetId") || str(eni, "VpcId") != vpc {
				t.Errorf("%s: no ENI owns %s in %s", id, str(ip, "Ip"), str(ip, "SubnetId"))
				continue
			}
			if !strings.Contains(str(eni, "Description"), id+":"+str(ip, "IpId")) {
				t.Errorf("%s: ENI %s does not describe itself as %s:%s", id, str(eni, "NetworkInterfaceId"), id, str(ip, "IpId"))
			}
			for i, g := range list(eni, "Groups") {
				if i >= len(groups) || str(g, "GroupId") != groups[i] {
					t.Errorf("%s: ENI %s has groups %v, the endpoint %v", id, str(eni, "NetworkInterfaceId"), eni["Groups"], groups)
				}
			}
		}
	}
	for id, r := range w.resolverRules {
		if str(r, "RuleType") != "FORWARD" {
			continue
		}
		if _, ok := w.resolverEndpoints[str(r, "ResolverEndpointId")]; !ok {
			t.Errorf("%s: endpoint %s does not exist", id, str(r, "ResolverEndpointId"))
		}
	}
	for _, a := range list(load(t, "list-resolver-rule-associations.json"), "ResolverRuleAssociations") {
		if _, ok := w.resolverRules[str(a, "ResolverRuleId")]; !ok {
			t.Errorf("%s: rule %s does not exist", str(a, "Id"), str(a, "ResolverRuleId"))
		}
		if _, ok := w.vpcs[str(a, "VPCId")]; !ok {
			t.Errorf("%s: VPC %s does not exist", str(a, "Id"), str(a, "VPCId"))
		}
	}
}

// idPattern matches the resource IDs PATHS.md may name.
var idPattern = regexp.MustCompile(`\b(?:vpc|subnet|eni|i|sg|rtb|acl|pcx|igw|nat|vgw|vpce|pl|dopt|fl|eipalloc|rslvr-(?:in|out|rr))-[0-9a-f]{8,17}\b|\bZ[0-9A-Z]{12,31}\b`)

// TestPathsNameExistingResources keeps PATHS.md in step with the snapshot:
// every resource ID it names must exist.
func TestPathsNameExistingResources(t *testing.T) {
	b, err := os.ReadFile("PATHS.md")
	if err != nil {
		t.Fatal(err)
	}
	ids := loadWorld(t).all()
	seen := 0
	for _, id := range idPattern.FindAllString(string(b), -1) {
		seen++
		if !ids[id] {
			t.Errorf("PATHS.md names %s, which is not in the snapshot", id)
		}
	}
	if seen == 0 {
		t.Error("PATHS.md names no resource")
	}
}
