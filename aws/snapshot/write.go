package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	dxtypes "github.com/aws/aws-sdk-go-v2/service/directconnect/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// Write writes inv as a snapshot directory: one JSON file per AWS
// CLI command, shaped as `aws ... --output json` prints it, named after the
// command, with the parent's ID as the last dot-separated part of the name
// for outputs that do not name their parent
// (search-transit-gateway-routes.tgw-rtb-0abc.json). Only kinds that were
// read are written, so a kind that could not be read stays a gap when the
// snapshot is read back. The files are written into a new directory next to
// dir and moved into place at the end, so a failed save leaves nothing
// behind; dir must not exist or be empty. The directory is 0700 and the
// files 0600: they describe an account's network.
func Write(dir string, inv *inventory.Inventory) error {
	if inv == nil {
		return errors.New("save snapshot: no inventory")
	}
	return writeDir(dir, func(tmp string) error { return writeFiles(tmp, inv) })
}

// WriteParts writes a snapshot of several accounts or Regions: each
// inventory of parts into its own folder, by the folder's slash-separated
// path relative to dir (accounts/111111111111/us-east-1), as Write writes
// one. Reading dir back merges the folders.
//
// unreadable are the gaps of accounts that could not be read at all
// (checks.Gap.Account set); they are written to unreadableFile at the top,
// so that reading the snapshot back names those accounts as the live load
// did.
func WriteParts(dir string, parts map[string]*inventory.Inventory, unreadable []checks.Gap) error {
	if len(parts) == 0 {
		return errors.New("save snapshot: no inventory")
	}
	for folder := range parts {
		if folder == "" || !fs.ValidPath(folder) || folder == "." {
			return fmt.Errorf("save snapshot: %q is not a folder inside the snapshot", folder)
		}
	}
	return writeDir(dir, func(tmp string) error {
		for _, folder := range mapIDs(parts) {
			sub := filepath.Join(tmp, filepath.FromSlash(folder))
			if err := os.MkdirAll(sub, 0o700); err != nil {
				return fmt.Errorf("save snapshot: %w", err)
			}
			if err := writeFiles(sub, parts[folder]); err != nil {
				return err
			}
		}
		var entries []unreadableEntry
		for _, g := range unreadable {
			if g.Account != "" {
				entries = append(entries, unreadableEntry{Account: g.Account, Kind: string(g.Kind), Reason: g.Reason, Action: g.Action, Retry: g.Retry})
			}
		}
		if len(entries) == 0 {
			return nil
		}
		data, err := cliJSON(object{{unreadableKey, entries}})
		if err != nil {
			return fmt.Errorf("save snapshot: encode %s: %w", unreadableFile, err)
		}
		if err := os.WriteFile(filepath.Join(tmp, unreadableFile), data, 0o600); err != nil {
			return fmt.Errorf("save snapshot: %w", err)
		}
		return nil
	})
}

// unreadableFile lists the accounts a load across accounts could not read,
// one entry per kind of data each lacks. It is reach's own file, not an
// AWS CLI output; its key says so.
const (
	unreadableFile = "reach-unreadable-accounts.json"
	unreadableKey  = "ReachUnreadableAccounts"
)

type unreadableEntry struct {
	Account string
	Kind    string
	Reason  string
	Action  string `json:",omitempty"`
	Retry   bool   `json:",omitempty"`
}

// writeFiles writes the files of inv into the directory dir.
func writeFiles(dir string, inv *inventory.Inventory) error {
	for _, f := range snapshotFiles(inv) {
		data, err := cliJSON(f.doc)
		if err != nil {
			return fmt.Errorf("save snapshot: encode %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), data, 0o600); err != nil {
			return fmt.Errorf("save snapshot: %w", err)
		}
	}
	return nil
}

// writeDir fills a new directory next to dir and moves it into place, so a
// failed save leaves nothing behind.
func writeDir(dir string, fill func(tmp string) error) error {
	if dir == "" {
		return errors.New("save snapshot: no directory given")
	}
	dir = filepath.Clean(dir)
	existed := false
	switch entries, err := os.ReadDir(dir); {
	case err == nil && len(entries) > 0:
		return fmt.Errorf("save snapshot: %s is not empty; choose a new directory", dir)
	case err == nil:
		existed = true
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("save snapshot: %w", err)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("save snapshot: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".reach-snapshot-*")
	if err != nil {
		return fmt.Errorf("save snapshot: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := fill(tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return fmt.Errorf("save snapshot: %w", err)
	}
	if existed {
		if err := os.Remove(dir); err != nil {
			return fmt.Errorf("save snapshot: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("save snapshot: %w", err)
	}
	return nil
}

type snapshotFile struct {
	name string
	doc  object
}

// object is a JSON object that keeps its keys in order, as the CLI does.
type object []field

type field struct {
	key   string
	value any
}

// snapshotFiles lists the files of a snapshot of inv.
func snapshotFiles(inv *inventory.Inventory) []snapshotFile {
	var files []snapshotFile
	add := func(kind checks.DataKind, key string, value any) {
		if v := reflect.ValueOf(value); v.Kind() == reflect.Slice && v.IsNil() {
			// The CLI prints an empty list, never null.
			value = reflect.MakeSlice(v.Type(), 0, 0).Interface()
		}
		if inv.Present[kind] {
			files = append(files, snapshotFile{name: string(kind) + ".json", doc: object{{key, value}}})
		}
	}
	add(checks.KindVPCs, "Vpcs", inv.VPCs)
	add(checks.KindSubnets, "Subnets", inv.Subnets)
	add(checks.KindNetworkInterfaces, "NetworkInterfaces", inv.NetworkInterfaces)
	add(checks.KindInstances, "Reservations", inv.Reservations)
	add(checks.KindRouteTables, "RouteTables", inv.RouteTables)
	add(checks.KindNetworkACLs, "NetworkAcls", inv.NetworkACLs)
	add(checks.KindSecurityGroups, "SecurityGroups", inv.SecurityGroups)
	add(checks.KindPrefixLists, "PrefixLists", inv.ManagedPrefixLists)
	add(inventory.KindAWSPrefixLists, "PrefixLists", inv.PrefixLists)
	add(checks.KindPeerings, "VpcPeeringConnections", inv.Peerings)
	add(checks.KindInternetGateways, "InternetGateways", inv.InternetGateways)
	add(checks.KindEgressOnlyGateways, "EgressOnlyInternetGateways", inv.EgressOnlyInternetGateways)
	add(checks.KindNATGateways, "NatGateways", inv.NATGateways)
	add(checks.KindVPNGateways, "VpnGateways", inv.VPNGateways)
	add(checks.KindVPNConnections, "VpnConnections", withoutTunnelSecrets(inv.VPNConnections))
	// The Direct Connect API speaks lowerCamel JSON, and so does its CLI.
	add(inventory.KindDXVirtualInterfaces, "virtualInterfaces", lowerCamel(inv.DXVirtualInterfaces))
	add(checks.KindTransitGateways, "TransitGateways", inv.TransitGateways)
	add(checks.KindTransitGatewayAttachments, "TransitGatewayAttachments", inv.TransitGatewayAttachments)
	add(inventory.KindTransitGatewayVPCAttachments, "TransitGatewayVpcAttachments", inv.TransitGatewayVPCAttachments)
	add(inventory.KindTransitGatewayPeerings, "TransitGatewayPeeringAttachments", inv.TransitGatewayPeerings)
	add(checks.KindTransitGatewayRouteTables, "TransitGatewayRouteTables", inv.TransitGatewayRouteTables)
	add(checks.KindVPCEndpoints, "VpcEndpoints", inv.VPCEndpoints)
	add(inventory.KindDHCPOptions, "DhcpOptions", inv.DHCPOptions)
	add(inventory.KindFlowLogs, "FlowLogs", inv.FlowLogs)
	add(inventory.KindAddresses, "Addresses", inv.Addresses)
	add(inventory.KindHostedZones, "HostedZones", inv.HostedZones)
	add(inventory.KindResolverEndpoints, "ResolverEndpoints", inv.ResolverEndpoints)
	add(inventory.KindResolverRules, "ResolverRules", inv.ResolverRules)
	add(inventory.KindResolverRuleAssociations, "ResolverRuleAssociations", inv.ResolverRuleAssociations)
	add(checks.KindLoadBalancers, "LoadBalancers", inv.LoadBalancers)
	add(inventory.KindTargetGroups, "TargetGroups", inv.TargetGroups)
	add(checks.KindDBInstances, "DBInstances", inv.DBInstances)
	add(checks.KindDBClusters, "DBClusters", inv.DBClusters)

	// Outputs read per parent: one file each, the parent's ID last in the
	// name. IDs go into file names, so anything that is not a plain ID is
	// left out rather than allowed to name a path.
	perParent := func(kind checks.DataKind, ids []string, doc func(id string) object) {
		for _, id := range ids {
			if safeID(id) {
				files = append(files, snapshotFile{name: string(kind) + "." + id + ".json", doc: doc(id)})
			}
		}
	}
	for _, id := range mapIDs(inv.VPCAttributes) {
		if !safeID(id) {
			continue
		}
		a := inv.VPCAttributes[id]
		if a.EnableDNSSupport != nil {
			files = append(files, snapshotFile{name: string(inventory.KindVPCAttribute) + ".enableDnsSupport." + id + ".json",
				doc: object{{"EnableDnsSupport", object{{"Value", *a.EnableDNSSupport}}}, {"VpcId", id}}})
		}
		if a.EnableDNSHostnames != nil {
			files = append(files, snapshotFile{name: string(inventory.KindVPCAttribute) + ".enableDnsHostnames." + id + ".json",
				doc: object{{"EnableDnsHostnames", object{{"Value", *a.EnableDNSHostnames}}}, {"VpcId", id}}})
		}
	}
	perParent(inventory.KindPrefixListEntries, mapIDs(inv.PrefixListEntries), func(id string) object {
		return object{{"Entries", inv.PrefixListEntries[id]}}
	})
	perParent(inventory.KindTransitGatewayRoutes, mapIDs(inv.TransitGatewayRoutes), func(id string) object {
		return object{{"Routes", inv.TransitGatewayRoutes[id]}, {"AdditionalRoutesAvailable", false}}
	})
	perParent(inventory.KindTransitGatewayPropagations, mapIDs(inv.TransitGatewayPropagations), func(id string) object {
		return object{{"TransitGatewayRouteTablePropagations", inv.TransitGatewayPropagations[id]}}
	})
	perParent(inventory.KindHostedZone, mapIDs(inv.HostedZoneVPCs), func(id string) object {
		doc := object{}
		for _, z := range inv.HostedZones {
			if z.Id != nil && inventory.HostedZoneID(*z.Id) == id {
				doc = append(doc, field{"HostedZone", z})
				break
			}
		}
		return append(doc, field{"VPCs", inv.HostedZoneVPCs[id]})
	})
	perParent(inventory.KindRecordSets, mapIDs(inv.RecordSets), func(id string) object {
		return object{{"ResourceRecordSets", inv.RecordSets[id]}}
	})
	perParent(inventory.KindResolverEndpointIPs, mapIDs(inv.ResolverIPs), func(id string) object {
		return object{{"IpAddresses", inv.ResolverIPs[id]}}
	})
	// Elastic Load Balancing outputs are read per ARN, which holds ':'
	// and '/': the ARN goes into the name percent-encoded (ARNFileName).
	perARN := func(kind checks.DataKind, arns []string, doc func(arn string) object) {
		for _, arn := range arns {
			if strings.HasPrefix(arn, "arn:") {
				files = append(files, snapshotFile{name: ARNFileName(string(kind), arn), doc: doc(arn)})
			}
		}
	}
	if inv.Present[checks.KindListeners] {
		// describe-listeners is called per load balancer, as the CLI
		// must (--load-balancer-arn); each listener names its own.
		byLB := map[string][]elbtypes.Listener{}
		for _, lb := range inv.LoadBalancers {
			byLB[awssdk.ToString(lb.LoadBalancerArn)] = []elbtypes.Listener{}
		}
		for _, l := range inv.Listeners {
			arn := awssdk.ToString(l.LoadBalancerArn)
			byLB[arn] = append(byLB[arn], l)
		}
		perARN(checks.KindListeners, mapIDs(byLB), func(arn string) object { return object{{"Listeners", byLB[arn]}} })
	}
	perARN(inventory.KindTargetHealth, mapIDs(inv.TargetHealth), func(arn string) object {
		return object{{"TargetHealthDescriptions", inv.TargetHealth[arn]}}
	})
	perARN(inventory.KindLoadBalancerAttributes, mapIDs(inv.LoadBalancerAttributes), func(arn string) object {
		return object{{"Attributes", inv.LoadBalancerAttributes[arn]}}
	})
	perARN(inventory.KindTargetGroupAttributes, mapIDs(inv.TargetGroupAttributes), func(arn string) object {
		return object{{"Attributes", inv.TargetGroupAttributes[arn]}}
	})
	perARN(inventory.KindListenerRules, mapIDs(inv.ListenerRules), func(arn string) object {
		return object{{"Rules", inv.ListenerRules[arn]}}
	})
	if inv.Present[inventory.KindDXAssociations] {
		// One file per Direct Connect gateway, as the CLI lists them
		// (describe-direct-connect-gateway-associations
		// --direct-connect-gateway-id); a gateway without associations
		// still gets its file, an empty list.
		var gateways []string
		for _, v := range inv.DXVirtualInterfaces {
			if id := awssdk.ToString(v.DirectConnectGatewayId); id != "" && !slices.Contains(gateways, id) {
				gateways = append(gateways, id)
			}
		}
		for _, a := range inv.DXAssociations {
			if id := awssdk.ToString(a.DirectConnectGatewayId); id != "" && !slices.Contains(gateways, id) {
				gateways = append(gateways, id)
			}
		}
		slices.Sort(gateways)
		perParent(inventory.KindDXAssociations, gateways, func(id string) object {
			list := []dxtypes.DirectConnectGatewayAssociation{}
			for _, a := range inv.DXAssociations {
				if awssdk.ToString(a.DirectConnectGatewayId) == id {
					list = append(list, a)
				}
			}
			return object{{"directConnectGatewayAssociations", lowerCamel(list)}}
		})
	}
	return files
}

// withoutTunnelSecrets drops the customer gateway configuration of VPN
// connections: it holds the tunnels' pre-shared keys. The loader never keeps
// it; an inventory read from another tool's snapshot may.
func withoutTunnelSecrets(conns []ec2types.VpnConnection) []ec2types.VpnConnection {
	if conns == nil {
		return nil
	}
	out := make([]ec2types.VpnConnection, len(conns))
	for i, c := range conns {
		c.CustomerGatewayConfiguration = nil
		out[i] = c
	}
	return out
}

// mapIDs returns the keys of m, sorted.
func mapIDs[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// safeID accepts the characters AWS IDs are made of.
func safeID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// cliJSON encodes v as the AWS CLI prints it: keys in the API's order,
// absent (nil) members and unset enums left out, timestamps in RFC 3339,
// four-space indentation. Encoding SDK types with encoding/json alone would
// print every absent member as null and unset enums as "".
func cliJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeValue(&buf, reflect.ValueOf(v), ""); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

var timeType = reflect.TypeFor[time.Time]()

// omitted reports whether a member is left out of the output.
func omitted(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.String:
		// A non-pointer string member is an enum; "" means unset.
		return v.Type() != reflect.TypeFor[string]() && v.Len() == 0
	}
	return false
}

// lowerCamel turns SDK values into what a JSON protocol with lowerCamel
// member names (Direct Connect's) prints: each struct becomes an object
// whose keys are its field names with the first letter lowered, with the
// same members left out as writeValue leaves out.
func lowerCamel(v any) any {
	return camelValue(reflect.ValueOf(v))
}

func camelValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Type() == timeType {
		return v.Interface()
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return camelValue(v.Elem())
	case reflect.Struct:
		o := object{}
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() || sf.Anonymous || sf.Name == "ResultMetadata" || omitted(v.Field(i)) {
				continue
			}
			o = append(o, field{strings.ToLower(sf.Name[:1]) + sf.Name[1:], camelValue(v.Field(i))})
		}
		return o
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		list := make([]any, v.Len())
		for i := range v.Len() {
			list[i] = camelValue(v.Index(i))
		}
		return list
	}
	return v.Interface()
}

func writeValue(buf *bytes.Buffer, v reflect.Value, indent string) error {
	const step = "    "
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	if o, ok := v.Interface().(object); ok {
		if len(o) == 0 {
			buf.WriteString("{}")
			return nil
		}
		buf.WriteString("{\n")
		for i, f := range o {
			buf.WriteString(indent + step)
			writeString(buf, f.key)
			buf.WriteString(": ")
			if err := writeValue(buf, reflect.ValueOf(f.value), indent+step); err != nil {
				return err
			}
			if i < len(o)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent + "}")
		return nil
	}
	if v.Type() == timeType {
		writeString(buf, v.Interface().(time.Time).Format(time.RFC3339Nano))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return writeValue(buf, v.Elem(), indent)
	case reflect.Struct:
		var o object
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() || sf.Anonymous || sf.Name == "ResultMetadata" {
				continue
			}
			fv := v.Field(i)
			if omitted(fv) {
				continue
			}
			o = append(o, field{sf.Name, fv.Interface()})
		}
		return writeValue(buf, reflect.ValueOf(o), indent)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if v.Len() == 0 {
			buf.WriteString("[]")
			return nil
		}
		buf.WriteString("[\n")
		for i := range v.Len() {
			buf.WriteString(indent + step)
			if err := writeValue(buf, v.Index(i), indent+step); err != nil {
				return err
			}
			if i < v.Len()-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent + "]")
		return nil
	case reflect.Map:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("map with %s keys", v.Type().Key())
		}
		var o object
		ks := v.MapKeys()
		slices.SortFunc(ks, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range ks {
			if mv := v.MapIndex(k); !omitted(mv) {
				o = append(o, field{k.String(), mv.Interface()})
			}
		}
		return writeValue(buf, reflect.ValueOf(o), indent)
	case reflect.String:
		writeString(buf, v.String())
		return nil
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return err
		}
		buf.Write(b)
		return nil
	}
	return fmt.Errorf("cannot encode %s", v.Type())
}

func writeString(buf *bytes.Buffer, s string) {
	// Marshalling a string cannot fail. The CLI prints non-ASCII text as
	// is; encoding/json's HTML escaping of <, > and & is turned off to match.
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	buf.Truncate(buf.Len() - 1) // Encode's newline
}
