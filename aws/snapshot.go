package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/reachnet/reach/checks"
)

// Kinds the snapshot reads that neither checks nor inventory.go names.
const (
	snapKindTGWPeeringAttachments checks.DataKind = "describe-transit-gateway-peering-attachments"
	// snapKindAWSPrefixLists is the older describe-prefix-lists, which
	// lists the AWS service prefix lists with their CIDRs.
	snapKindAWSPrefixLists checks.DataKind = "describe-prefix-lists"
)

// snapMaxFileErrors bounds the errors ReadSnapshot reports at once: enough
// to fix a batch of files in one go without burying the first one.
const snapMaxFileErrors = 10

// ReadSnapshot reads a snapshot directory: AWS CLI JSON outputs in any
// layout of nested folders (for example one per account and region), each
// recognised by its top-level keys whatever its name. See docs/snapshot.md.
//
// Files that are not AWS outputs reach uses are listed in Inventory.Skipped;
// a file that is not valid JSON, or whose fields have the wrong types, is an
// error naming the file and the field.
func ReadSnapshot(dir string) (*Inventory, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("snapshot directory %s does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("snapshot directory %s: %v", dir, snapPathErr(err))
	case !info.IsDir():
		return nil, fmt.Errorf("snapshot %s is not a directory", dir)
	}
	return readSnapshot(os.DirFS(dir), ".", dir, func(p string) string {
		return filepath.Join(dir, filepath.FromSlash(p))
	})
}

// ReadSnapshotFS reads a snapshot directory from a file system (an embedded
// demo scenario, a test's fstest.MapFS); root is the directory inside fsys.
// It behaves as ReadSnapshot.
func ReadSnapshotFS(fsys fs.FS, root string) (*Inventory, error) {
	info, err := fs.Stat(fsys, root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("snapshot directory %s does not exist", root)
	case err != nil:
		return nil, fmt.Errorf("snapshot directory %s: %v", root, snapPathErr(err))
	case !info.IsDir():
		return nil, fmt.Errorf("snapshot %s is not a directory", root)
	}
	return readSnapshot(fsys, root, root, func(p string) string { return p })
}

func readSnapshot(fsys fs.FS, root, shown string, display func(string) string) (*Inventory, error) {
	inv := NewInventory()
	var errs []error
	jsonFiles, recognised := 0, 0
	walkErr := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", display(p), snapPathErr(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			// Version-control and editor folders are not part of a snapshot.
			if p != root && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || !strings.EqualFold(path.Ext(name), ".json") {
			return nil
		}
		jsonFiles++
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", display(p), snapPathErr(err)))
			return nil
		}
		inv.readingFolder = path.Dir(p)
		n, err := readSnapshotFile(inv, display(p), name, data)
		if err != nil {
			errs = append(errs, err)
		}
		recognised += n
		return nil
	})
	if walkErr != nil {
		errs = append(errs, fmt.Errorf("%s: %v", shown, walkErr))
	}
	if len(errs) > snapMaxFileErrors {
		more := len(errs) - snapMaxFileErrors
		errs = append(errs[:snapMaxFileErrors], fmt.Errorf("and %d more errors", more))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if jsonFiles == 0 {
		return nil, fmt.Errorf("snapshot directory %s contains no .json files", shown)
	}
	if recognised == 0 {
		return nil, fmt.Errorf("snapshot directory %s contains no AWS CLI output that reach reads (%d .json files; see docs/snapshot.md)", shown, jsonFiles)
	}
	return inv, nil
}

// snapPathErr drops the path an fs error repeats, since messages already
// start with the displayed path.
func snapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readSnapshotFile decodes one snapshot file into inv. The file may hold
// several JSON documents one after another (the output of a shell loop);
// each is recognised on its own. It returns how many documents were outputs
// reach uses.
func readSnapshotFile(inv *Inventory, shown, name string, data []byte) (int, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		// A CLI call that failed (AccessDenied, throttled) leaves an empty
		// file behind; the kind then becomes a gap rather than an error.
		inv.Skipped = append(inv.Skipped, shown+": empty file (the command that wrote it probably failed)")
		return 0, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	used := 0
	for {
		var doc any
		err := dec.Decode(&doc)
		if err == io.EOF {
			return used, nil
		}
		if err != nil {
			return used, fmt.Errorf("%s: %s", shown, snapSyntaxError(data, err))
		}
		obj, ok := doc.(map[string]any)
		if !ok {
			inv.Skipped = append(inv.Skipped, fmt.Sprintf("%s: not an AWS CLI output (a JSON %s, not an object)", shown, snapJSONType(doc)))
			continue
		}
		n, err := readSnapshotDoc(inv, shown, name, obj)
		if err != nil {
			return used, fmt.Errorf("%s: %w", shown, err)
		}
		used += n
	}
}

func snapSyntaxError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := snapLineColumn(data, se.Offset)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "invalid JSON: unexpected end of file"
	}
	return "invalid JSON: " + err.Error()
}

func snapLineColumn(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return line, col
}

// snapOutput describes one AWS CLI output that the reader understands.
type snapOutput struct {
	// key is the top-level key that identifies the output.
	key string
	// command is the CLI command, for messages.
	command string
	// kind is marked present in the inventory when the output is read,
	// and so are also.
	kind checks.DataKind
	also []checks.DataKind
	// parent names what the file name must carry when the output does not
	// name its parent ("transit gateway route table"); "" otherwise.
	parent string
	// match, when set, tells this output apart from another with the same
	// key by looking at the document.
	match func(doc map[string]any) bool
	read  func(inv *Inventory, doc map[string]any, parent string) error
}

// snapOutputs lists the AWS CLI outputs reach reads, in the order they are
// tried. A document may match several (a hand-merged file); each is read.
var snapOutputs = []snapOutput{
	{key: "Vpcs", command: "ec2 describe-vpcs", kind: checks.KindVPCs,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "Vpcs", &inv.VPCs)
		}},
	{key: "VpcId", command: "ec2 describe-vpc-attribute", kind: KindVPCAttribute,
		match: func(doc map[string]any) bool {
			return snapHasAny(doc, "EnableDnsSupport", "EnableDnsHostnames", "EnableNetworkAddressUsageMetrics")
		},
		read: readVPCAttribute},
	{key: "Subnets", command: "ec2 describe-subnets", kind: checks.KindSubnets,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "Subnets", &inv.Subnets)
		}},
	{key: "NetworkInterfaces", command: "ec2 describe-network-interfaces", kind: checks.KindNetworkInterfaces,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "NetworkInterfaces", &inv.NetworkInterfaces)
		}},
	{key: "Reservations", command: "ec2 describe-instances", kind: checks.KindInstances,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "Reservations", &inv.Reservations)
		}},
	{key: "RouteTables", command: "ec2 describe-route-tables", kind: checks.KindRouteTables,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "RouteTables", &inv.RouteTables)
		}},
	{key: "NetworkAcls", command: "ec2 describe-network-acls", kind: checks.KindNetworkACLs,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "NetworkAcls", &inv.NetworkACLs)
		}},
	{key: "SecurityGroups", command: "ec2 describe-security-groups", kind: checks.KindSecurityGroups,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "SecurityGroups", &inv.SecurityGroups)
		}},
	{key: "PrefixLists", command: "ec2 describe-managed-prefix-lists", kind: checks.KindPrefixLists,
		match: func(doc map[string]any) bool {
			return snapAnyElementHas(doc["PrefixLists"], "PrefixListArn", "OwnerId", "AddressFamily", "MaxEntries", "Version", "State")
		},
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "PrefixLists", &inv.ManagedPrefixLists)
		}},
	{key: "PrefixLists", command: "ec2 describe-prefix-lists", kind: checks.KindPrefixLists, also: []checks.DataKind{snapKindAWSPrefixLists},
		match: func(doc map[string]any) bool {
			return !snapAnyElementHas(doc["PrefixLists"], "PrefixListArn", "OwnerId", "AddressFamily", "MaxEntries", "Version", "State")
		},
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "PrefixLists", &inv.PrefixLists)
		}},
	{key: "Entries", command: "ec2 get-managed-prefix-list-entries", kind: checks.KindPrefixLists, also: []checks.DataKind{KindPrefixListEntries}, parent: "prefix list",
		match: func(doc map[string]any) bool { return snapEveryElementHas(doc["Entries"], "Cidr") },
		read: func(inv *Inventory, doc map[string]any, parent string) error {
			return snapAppendMap(doc, "Entries", inv.PrefixListEntries, parent)
		}},
	{key: "VpcPeeringConnections", command: "ec2 describe-vpc-peering-connections", kind: checks.KindPeerings,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "VpcPeeringConnections", &inv.Peerings)
		}},
	{key: "InternetGateways", command: "ec2 describe-internet-gateways", kind: checks.KindInternetGateways,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "InternetGateways", &inv.InternetGateways)
		}},
	{key: "EgressOnlyInternetGateways", command: "ec2 describe-egress-only-internet-gateways", kind: checks.KindEgressOnlyGateways,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "EgressOnlyInternetGateways", &inv.EgressOnlyInternetGateways)
		}},
	{key: "NatGateways", command: "ec2 describe-nat-gateways", kind: checks.KindNATGateways,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "NatGateways", &inv.NATGateways)
		}},
	{key: "VpnGateways", command: "ec2 describe-vpn-gateways", kind: checks.KindVPNGateways,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "VpnGateways", &inv.VPNGateways)
		}},
	{key: "VpnConnections", command: "ec2 describe-vpn-connections", kind: checks.KindVPNConnections,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "VpnConnections", &inv.VPNConnections)
		}},
	{key: "virtualInterfaces", command: "directconnect describe-virtual-interfaces", kind: KindDXVirtualInterfaces,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "virtualInterfaces", &inv.DXVirtualInterfaces)
		}},
	{key: "VirtualInterfaces", command: "directconnect describe-virtual-interfaces (Batfish's VirtualInterfaces.json)", kind: KindDXVirtualInterfaces,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "VirtualInterfaces", &inv.DXVirtualInterfaces)
		}},
	{key: "directConnectGatewayAssociations", command: "directconnect describe-direct-connect-gateway-associations", kind: KindDXAssociations,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "directConnectGatewayAssociations", &inv.DXAssociations)
		}},
	{key: "DirectConnectGatewayAssociations", command: "directconnect describe-direct-connect-gateway-associations (Batfish's DirectConnectGatewayAssociations.json)", kind: KindDXAssociations,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "DirectConnectGatewayAssociations", &inv.DXAssociations)
		}},
	{key: "TransitGateways", command: "ec2 describe-transit-gateways", kind: checks.KindTransitGateways,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "TransitGateways", &inv.TransitGateways)
		}},
	{key: "TransitGatewayAttachments", command: "ec2 describe-transit-gateway-attachments", kind: checks.KindTransitGatewayAttachments,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "TransitGatewayAttachments", &inv.TransitGatewayAttachments)
		}},
	{key: "TransitGatewayVpcAttachments", command: "ec2 describe-transit-gateway-vpc-attachments", kind: KindTransitGatewayVPCAttachments,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "TransitGatewayVpcAttachments", &inv.TransitGatewayVPCAttachments)
		}},
	{key: "TransitGatewayPeeringAttachments", command: "ec2 describe-transit-gateway-peering-attachments", kind: snapKindTGWPeeringAttachments,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "TransitGatewayPeeringAttachments", &inv.TransitGatewayPeerings)
		}},
	{key: "TransitGatewayRouteTables", command: "ec2 describe-transit-gateway-route-tables", kind: checks.KindTransitGatewayRouteTables,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "TransitGatewayRouteTables", &inv.TransitGatewayRouteTables)
		}},
	{key: "Routes", command: "ec2 search-transit-gateway-routes", kind: KindTransitGatewayRoutes, parent: "transit gateway route table",
		// search-local-gateway-routes prints the same key for Outposts.
		match: func(doc map[string]any) bool {
			return !snapAnyElementHas(doc["Routes"], "LocalGatewayRouteTableId", "LocalGatewayVirtualInterfaceGroupId")
		},
		read: func(inv *Inventory, doc map[string]any, parent string) error {
			if err := snapAppendMap(doc, "Routes", inv.TransitGatewayRoutes, parent); err != nil {
				return err
			}
			markStaticOnly(inv, parent, false)
			return nil
		}},
	{key: "TransitGatewayRouteTablePropagations", command: "ec2 get-transit-gateway-route-table-propagations", kind: KindTransitGatewayPropagations, parent: "transit gateway route table",
		read: func(inv *Inventory, doc map[string]any, parent string) error {
			return snapAppendMap(doc, "TransitGatewayRouteTablePropagations", inv.TransitGatewayPropagations, parent)
		}},
	{key: "TransitGatewayStaticRoutes", command: "Batfish's TransitGatewayStaticRoutes.json", kind: KindTransitGatewayRoutes,
		read: readBatfishStaticRoutes},
	{key: "TransitGatewayPropagations", command: "Batfish's TransitGatewayPropagations.json", kind: KindTransitGatewayPropagations,
		read: readBatfishPropagations},
	{key: "VpcEndpoints", command: "ec2 describe-vpc-endpoints", kind: checks.KindVPCEndpoints,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "VpcEndpoints", &inv.VPCEndpoints)
		}},
	{key: "Addresses", command: "ec2 describe-addresses", kind: KindAddresses,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "Addresses", &inv.Addresses)
		}},
	{key: "DhcpOptions", command: "ec2 describe-dhcp-options", kind: KindDHCPOptions,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "DhcpOptions", &inv.DHCPOptions)
		}},
	{key: "FlowLogs", command: "ec2 describe-flow-logs", kind: KindFlowLogs,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "FlowLogs", &inv.FlowLogs)
		}},
	{key: "HostedZones", command: "route53 list-hosted-zones", kind: KindHostedZones,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			var zones []r53types.HostedZone
			if err := snapDecodeKey(doc, "HostedZones", &zones); err != nil {
				return err
			}
			for _, z := range zones {
				addHostedZone(inv, z)
			}
			return nil
		}},
	{key: "HostedZone", command: "route53 get-hosted-zone", kind: KindHostedZone,
		read: readHostedZone},
	{key: "ResourceRecordSets", command: "route53 list-resource-record-sets", kind: KindRecordSets, parent: "hosted zone",
		read: func(inv *Inventory, doc map[string]any, parent string) error {
			return snapAppendMap(doc, "ResourceRecordSets", inv.RecordSets, HostedZoneID(parent))
		}},
	{key: "ResolverEndpoints", command: "route53resolver list-resolver-endpoints", kind: KindResolverEndpoints,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "ResolverEndpoints", &inv.ResolverEndpoints)
		}},
	{key: "IpAddresses", command: "route53resolver list-resolver-endpoint-ip-addresses", kind: KindResolverEndpointIPs, parent: "Resolver endpoint",
		read: func(inv *Inventory, doc map[string]any, parent string) error {
			return snapAppendMap(doc, "IpAddresses", inv.ResolverIPs, parent)
		}},
	{key: "ResolverRules", command: "route53resolver list-resolver-rules", kind: KindResolverRules,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "ResolverRules", &inv.ResolverRules)
		}},
	{key: "ResolverRuleAssociations", command: "route53resolver list-resolver-rule-associations", kind: KindResolverRuleAssociations,
		read: func(inv *Inventory, doc map[string]any, _ string) error {
			return snapAppend(doc, "ResolverRuleAssociations", &inv.ResolverRuleAssociations)
		}},
}

// snapIgnoredKeys are top-level keys of outputs that a snapshot may contain
// (Batfish's collect them, for example) but that play no part in reach's
// checks. They are recognised so that they are not reported as unknown.
var snapIgnoredKeys = map[string]bool{
	"AvailabilityZones":        true,
	"Regions":                  true,
	"CustomerGateways":         true,
	"DBInstances":              true,
	"LoadBalancers":            true,
	"LoadBalancerDescriptions": true,
	"LoadBalancerAttributes":   true,
	"LoadBalancerListeners":    true,
	"LoadBalancerTargetHealth": true,
	"Listeners":                true,
	"TargetGroups":             true,
	"TargetHealthDescriptions": true,
	"DomainStatusList":         true,
	"ServiceDetails":           true,
	"ServiceNames":             true,
	"DirectConnectGateways":    true,
	"directConnectGateways":    true,
	"Connections":              true,
	"KeyPairs":                 true,
	"Images":                   true,
	"Volumes":                  true,
	"Account":                  true,
}

// snapPagingKeys accompany outputs (pagination, truncation) and say nothing
// about the kind of output.
var snapPagingKeys = map[string]bool{
	"NextToken":                 true,
	"Marker":                    true,
	"NextMarker":                true,
	"IsTruncated":               true,
	"MaxItems":                  true,
	"MaxResults":                true,
	"NextRecordName":            true,
	"NextRecordType":            true,
	"NextRecordIdentifier":      true,
	"AdditionalRoutesAvailable": true,
	"ResponseMetadata":          true,
}

func readSnapshotDoc(inv *Inventory, shown, name string, doc map[string]any) (int, error) {
	used := 0
	for i := range snapOutputs {
		o := &snapOutputs[i]
		if _, ok := doc[o.key]; !ok || (o.match != nil && !o.match(doc)) {
			continue
		}
		parent := ""
		if o.parent != "" {
			parent = parentFromFileName(name)
			if parent == "" {
				_, verb, _ := strings.Cut(o.command, " ")
				return used, fmt.Errorf("%s output does not name its %s: put the %s's ID in the file name before .json (for example %s.ID.json)",
					o.command, o.parent, o.parent, verb)
			}
		}
		if err := o.read(inv, doc, parent); err != nil {
			return used, err
		}
		inv.noteCopies(o, shown, doc)
		inv.markPresent(o.kind)
		for _, k := range o.also {
			inv.markPresent(k)
		}
		used++
	}
	if used > 0 {
		return used, nil
	}
	var unknown []string
	for k := range doc {
		if snapIgnoredKeys[k] {
			return 0, nil
		}
		if !snapPagingKeys[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	if len(unknown) == 0 {
		inv.Skipped = append(inv.Skipped, shown+": no output reach recognises (an empty object, or paging keys only)")
		return 0, nil
	}
	inv.Skipped = append(inv.Skipped, fmt.Sprintf("%s: unrecognised top-level keys %v", shown, unknown))
	return 0, nil
}

// snapIDFields names the ID field of the outputs whose copies in several
// files must agree. Outputs that are views from one side are left out: a
// transit gateway attachment or a peering connection seen by each account
// (each sees its own side's options) differ by design, and Convert merges
// them.
var snapIDFields = map[string]string{
	"Vpcs":                       "VpcId",
	"Subnets":                    "SubnetId",
	"NetworkInterfaces":          "NetworkInterfaceId",
	"RouteTables":                "RouteTableId",
	"NetworkAcls":                "NetworkAclId",
	"SecurityGroups":             "GroupId",
	"InternetGateways":           "InternetGatewayId",
	"EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId",
	"NatGateways":                "NatGatewayId",
	"VpnGateways":                "VpnGatewayId",
	"VpnConnections":             "VpnConnectionId",
	"TransitGateways":            "TransitGatewayId",
	"TransitGatewayRouteTables":  "TransitGatewayRouteTableId",
	"VpcEndpoints":               "VpcEndpointId",
}

// noteCopies compares each resource of an output with the copy another
// file described, and records a conflict when they differ. Tags are left
// out of the comparison: each account names a shared resource its own way.
func (inv *Inventory) noteCopies(o *snapOutput, file string, doc map[string]any) {
	idField, ok := snapIDFields[o.key]
	if !ok {
		return
	}
	items, _ := doc[o.key].([]any)
	for _, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			continue
		}
		id, _ := obj[idField].(string)
		if id == "" {
			continue
		}
		trimmed := make(map[string]any, len(obj))
		for k, v := range obj {
			if k != "Tags" {
				trimmed[k] = v
			}
		}
		content, err := json.Marshal(trimmed)
		if err != nil {
			continue
		}
		if inv.copies == nil {
			inv.copies = map[string]resourceCopy{}
		}
		key := o.key + "/" + id
		first, seen := inv.copies[key]
		switch {
		case !seen:
			inv.copies[key] = resourceCopy{file: file, content: string(content)}
		case first.file != file && first.content != string(content):
			if !slices.ContainsFunc(inv.Conflicts, func(c Conflict) bool { return c.Kind == o.kind && c.ID == id }) {
				inv.Conflicts = append(inv.Conflicts, Conflict{Kind: o.kind, ID: id, Files: [2]string{first.file, file}})
			}
		}
	}
}

// markPresent records that the snapshot holds kind k, and in which folder.
func (inv *Inventory) markPresent(k checks.DataKind) {
	inv.Present[k] = true
	if inv.PresentIn == nil {
		inv.PresentIn = map[string]map[checks.DataKind]bool{}
	}
	if inv.PresentIn[inv.readingFolder] == nil {
		inv.PresentIn[inv.readingFolder] = map[checks.DataKind]bool{}
	}
	inv.PresentIn[inv.readingFolder][k] = true
}

// parentFromFileName returns the last dot-separated part of the file name
// before its extension: "search-transit-gateway-routes.tgw-rtb-0abc.json"
// gives "tgw-rtb-0abc". It returns "" when the name has no such part.
func parentFromFileName(name string) string {
	base := strings.TrimSuffix(name, path.Ext(name))
	i := strings.LastIndexByte(base, '.')
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(base[i+1:])
}

// HostedZoneID returns a hosted zone ID without the "/hostedzone/" prefix
// Route 53 puts on it in some outputs, so that IDs from list-hosted-zones,
// get-hosted-zone and file names compare equal.
func HostedZoneID(id string) string {
	return strings.TrimPrefix(id, "/hostedzone/")
}

func snapHasAny(doc map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := doc[k]; ok {
			return true
		}
	}
	return false
}

func snapAnyElementHas(list any, keys ...string) bool {
	items, _ := list.([]any)
	for _, it := range items {
		if obj, ok := it.(map[string]any); ok && snapHasAny(obj, keys...) {
			return true
		}
	}
	return false
}

func snapEveryElementHas(list any, keys ...string) bool {
	items, ok := list.([]any)
	if !ok {
		return list == nil
	}
	for _, it := range items {
		obj, ok := it.(map[string]any)
		if !ok || !snapHasAny(obj, keys...) {
			return false
		}
	}
	return true
}

// snapAppend decodes doc[key] and appends it to *dst.
func snapAppend[T any](doc map[string]any, key string, dst *[]T) error {
	var items []T
	if err := snapDecodeKey(doc, key, &items); err != nil {
		return err
	}
	*dst = append(*dst, items...)
	return nil
}

// snapAppendMap decodes doc[key] and appends it to m[parent]. The key is set
// even for an empty list: an empty list read is known to be empty.
func snapAppendMap[T any](doc map[string]any, key string, m map[string][]T, parent string) error {
	var items []T
	if err := snapDecodeKey(doc, key, &items); err != nil {
		return err
	}
	m[parent] = append(m[parent], items...)
	if m[parent] == nil {
		m[parent] = []T{}
	}
	return nil
}

func snapDecodeKey[T any](doc map[string]any, key string, dst *T) error {
	return snapDecode(doc[key], key, dst)
}

func markStaticOnly(inv *Inventory, rtb string, staticOnly bool) {
	if inv.TransitGatewayRoutesStaticOnly == nil {
		inv.TransitGatewayRoutesStaticOnly = map[string]bool{}
	}
	if !staticOnly {
		inv.TransitGatewayRoutesStaticOnly[rtb] = false
	} else if _, seen := inv.TransitGatewayRoutesStaticOnly[rtb]; !seen {
		inv.TransitGatewayRoutesStaticOnly[rtb] = true
	}
}

type vpcAttributeOutput struct {
	VpcId                            *string
	EnableDnsSupport                 *ec2types.AttributeBooleanValue
	EnableDnsHostnames               *ec2types.AttributeBooleanValue
	EnableNetworkAddressUsageMetrics *ec2types.AttributeBooleanValue
}

func readVPCAttribute(inv *Inventory, doc map[string]any, _ string) error {
	var out vpcAttributeOutput
	if err := snapDecode(doc, "", &out); err != nil {
		return err
	}
	if out.VpcId == nil || *out.VpcId == "" {
		return errors.New("VpcId: expected a VPC ID")
	}
	a := inv.VPCAttributes[*out.VpcId]
	if out.EnableDnsSupport != nil && out.EnableDnsSupport.Value != nil {
		a.EnableDNSSupport = out.EnableDnsSupport.Value
	}
	if out.EnableDnsHostnames != nil && out.EnableDnsHostnames.Value != nil {
		a.EnableDNSHostnames = out.EnableDnsHostnames.Value
	}
	inv.VPCAttributes[*out.VpcId] = a
	return nil
}

type getHostedZoneOutput struct {
	HostedZone *r53types.HostedZone
	VPCs       []r53types.VPC
}

func readHostedZone(inv *Inventory, doc map[string]any, _ string) error {
	var out getHostedZoneOutput
	if err := snapDecode(doc, "", &out); err != nil {
		return err
	}
	if out.HostedZone == nil || out.HostedZone.Id == nil {
		return errors.New("HostedZone.Id: expected a hosted zone ID")
	}
	addHostedZone(inv, *out.HostedZone)
	id := HostedZoneID(*out.HostedZone.Id)
	inv.HostedZoneVPCs[id] = append(inv.HostedZoneVPCs[id], out.VPCs...)
	if inv.HostedZoneVPCs[id] == nil {
		inv.HostedZoneVPCs[id] = []r53types.VPC{}
	}
	return nil
}

// addHostedZone appends a zone unless it is already there: list-hosted-zones
// and get-hosted-zone both describe the same zones.
func addHostedZone(inv *Inventory, z r53types.HostedZone) {
	if z.Id != nil {
		for _, have := range inv.HostedZones {
			if have.Id != nil && HostedZoneID(*have.Id) == HostedZoneID(*z.Id) {
				return
			}
		}
	}
	inv.HostedZones = append(inv.HostedZones, z)
}

type batfishStaticRoutes struct {
	TransitGatewayRouteTableId *string
	Routes                     []ec2types.TransitGatewayRoute
}

func readBatfishStaticRoutes(inv *Inventory, doc map[string]any, _ string) error {
	var tables []batfishStaticRoutes
	if err := snapDecodeKey(doc, "TransitGatewayStaticRoutes", &tables); err != nil {
		return err
	}
	for i, t := range tables {
		if t.TransitGatewayRouteTableId == nil || *t.TransitGatewayRouteTableId == "" {
			return fmt.Errorf("TransitGatewayStaticRoutes[%d].TransitGatewayRouteTableId: expected a route table ID", i)
		}
		id := *t.TransitGatewayRouteTableId
		inv.TransitGatewayRoutes[id] = append(inv.TransitGatewayRoutes[id], t.Routes...)
		if inv.TransitGatewayRoutes[id] == nil {
			inv.TransitGatewayRoutes[id] = []ec2types.TransitGatewayRoute{}
		}
		markStaticOnly(inv, id, true)
	}
	return nil
}

type batfishPropagations struct {
	TransitGatewayRouteTableId           *string
	TransitGatewayRouteTablePropagations []ec2types.TransitGatewayRouteTablePropagation
}

func readBatfishPropagations(inv *Inventory, doc map[string]any, _ string) error {
	var tables []batfishPropagations
	if err := snapDecodeKey(doc, "TransitGatewayPropagations", &tables); err != nil {
		return err
	}
	for i, t := range tables {
		if t.TransitGatewayRouteTableId == nil || *t.TransitGatewayRouteTableId == "" {
			return fmt.Errorf("TransitGatewayPropagations[%d].TransitGatewayRouteTableId: expected a route table ID", i)
		}
		id := *t.TransitGatewayRouteTableId
		inv.TransitGatewayPropagations[id] = append(inv.TransitGatewayPropagations[id], t.TransitGatewayRouteTablePropagations...)
		if inv.TransitGatewayPropagations[id] == nil {
			inv.TransitGatewayPropagations[id] = []ec2types.TransitGatewayRouteTablePropagation{}
		}
	}
	return nil
}

var snapTimeType = reflect.TypeFor[time.Time]()

// snapTimeLayouts are the timestamp shapes AWS CLI versions print: RFC 3339
// (CLI v2, "iso8601"), Python's str(datetime) with a space (CLI v1 and
// boto3 dumps, as in the Batfish snapshots), offsets without a colon, and
// no offset at all (taken as UTC).
var snapTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// snapMaxUnixSeconds is the end of year 9999, the last instant RFC 3339 (and so
// time.Time's JSON form) can write.
const snapMaxUnixSeconds = 253402300799

// snapDecode decodes v, a document decoded with UseNumber, into dst as
// encoding/json would. It first checks every value against the Go type it
// lands in, so that a mistyped field is reported by its path with indices
// (RouteTables[3].Routes[0].DestinationCidrBlock), and rewrites timestamps
// into RFC 3339, the only shape time.Time accepts. Unknown fields are
// ignored, as encoding/json ignores them.
func snapDecode[T any](v any, at string, dst *T) error {
	v, err := snapConform(v, reflect.TypeFor[T](), at)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %v", snapOrTop(at), err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		// conform mirrors encoding/json, so this is a backstop; the
		// field path then lacks indices.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s: expected %s, got %s", snapOrTop(te.Field), snapGoType(te.Type), te.Value)
		}
		return fmt.Errorf("%s: %v", snapOrTop(at), err)
	}
	return nil
}

func snapOrTop(at string) string {
	if at == "" {
		return "top level"
	}
	return at
}

func snapConform(v any, t reflect.Type, at string) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil, nil
	}
	if t == snapTimeType {
		return snapConformTime(v, at)
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, snapMismatch(at, "an object", v)
		}
		fields := snapFieldsOf(t)
		for k, val := range obj {
			ft, ok := fields.lookup(k)
			if !ok {
				continue
			}
			nv, err := snapConform(val, ft, snapJoinPath(at, k))
			if err != nil {
				return nil, err
			}
			obj[k] = nv
		}
		return obj, nil
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, snapMismatch(at, "an object", v)
		}
		if t.Key().Kind() != reflect.String {
			return obj, nil
		}
		for k, val := range obj {
			nv, err := snapConform(val, t.Elem(), snapJoinPath(at, k))
			if err != nil {
				return nil, err
			}
			obj[k] = nv
		}
		return obj, nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			if _, ok := v.(string); !ok {
				return nil, snapMismatch(at, "a base64 string", v)
			}
			return v, nil
		}
		list, ok := v.([]any)
		if !ok {
			return nil, snapMismatch(at, "an array", v)
		}
		for i := range list {
			nv, err := snapConform(list[i], t.Elem(), fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return nil, err
			}
			list[i] = nv
		}
		return list, nil
	case reflect.String:
		if _, ok := v.(string); !ok {
			return nil, snapMismatch(at, "a string", v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return nil, snapMismatch(at, "a boolean", v)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, snapMismatch(at, "an integer", v)
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			return nil, snapNumberError(at, n, t, err)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, snapMismatch(at, "an integer", v)
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			return nil, snapNumberError(at, n, t, err)
		}
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, snapMismatch(at, "a number", v)
		}
		if _, err := strconv.ParseFloat(string(n), t.Bits()); err != nil {
			return nil, snapNumberError(at, n, t, err)
		}
	}
	return v, nil
}

func snapConformTime(v any, at string) (any, error) {
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(x)
		for _, layout := range snapTimeLayouts {
			t, err := time.Parse(layout, s)
			if err != nil {
				continue
			}
			if t.Year() < 0 || t.Year() > 9999 {
				break
			}
			return t.Format(time.RFC3339Nano), nil
		}
		return nil, fmt.Errorf("%s: expected a timestamp, got %q", snapOrTop(at), snapClip(x))
	case json.Number:
		// CLI v1 with cli_timestamp_format = none prints seconds since
		// the epoch for services whose wire format does.
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > snapMaxUnixSeconds {
			return nil, fmt.Errorf("%s: expected a timestamp, got number %s", snapOrTop(at), snapClip(string(x)))
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC().Format(time.RFC3339Nano), nil
	}
	return nil, snapMismatch(at, "a timestamp", v)
}

func snapNumberError(at string, n json.Number, t reflect.Type, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%s: number %s out of range for %s", snapOrTop(at), snapClip(string(n)), snapGoType(t))
	}
	return fmt.Errorf("%s: expected %s, got number %s", snapOrTop(at), snapGoType(t), snapClip(string(n)))
}

func snapMismatch(at, want string, v any) error {
	return fmt.Errorf("%s: expected %s, got %s", snapOrTop(at), want, snapArticle(snapJSONType(v)))
}

func snapJoinPath(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// snapClip keeps messages one line and short whatever a file holds.
func snapClip(s string) string {
	const max = 40
	s = sanitize(s)
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

func snapJSONType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

func snapArticle(s string) string {
	switch s {
	case "null":
		return s
	case "object", "array", "integer":
		return "an " + s
	}
	return "a " + s
}

func snapGoType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer (" + t.Kind().String() + ")"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		if t == snapTimeType {
			return "a timestamp"
		}
		return "an object"
	}
	return t.String()
}

// snapFieldSet maps the JSON keys that encoding/json would decode into a struct
// to the fields' types: exact names first, then case-insensitively.
type snapFieldSet struct {
	exact  map[string]reflect.Type
	folded map[string]reflect.Type
}

func (f *snapFieldSet) lookup(key string) (reflect.Type, bool) {
	if t, ok := f.exact[key]; ok {
		return t, true
	}
	t, ok := f.folded[strings.ToLower(key)]
	return t, ok
}

var snapFieldSets sync.Map // reflect.Type → *fieldSet

func snapFieldsOf(t reflect.Type) *snapFieldSet {
	if f, ok := snapFieldSets.Load(t); ok {
		return f.(*snapFieldSet)
	}
	f := &snapFieldSet{exact: map[string]reflect.Type{}, folded: map[string]reflect.Type{}}
	snapAddFields(f, t, 0)
	snapFieldSets.Store(t, f)
	return f
}

// snapAddFields adds t's fields, then those promoted from embedded structs, so
// that shallower fields win as they do in encoding/json.
func snapAddFields(f *snapFieldSet, t reflect.Type, depth int) {
	if depth > 8 {
		return
	}
	var embedded []reflect.Type
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		name := sf.Name
		if tag := sf.Tag.Get("json"); tag != "" {
			tagName, _, _ := strings.Cut(tag, ",")
			if tagName == "-" {
				continue
			}
			if tagName != "" {
				name = tagName
			}
		}
		if _, dup := f.exact[name]; !dup {
			f.exact[name] = sf.Type
		}
		if _, dup := f.folded[strings.ToLower(name)]; !dup {
			f.folded[strings.ToLower(name)] = sf.Type
		}
	}
	for _, et := range embedded {
		snapAddFields(f, et, depth+1)
	}
}
