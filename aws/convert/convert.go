// Package convert turns the raw outputs of an account (an
// inventory.Inventory) into the engine's checks.Network, one file per
// resource family. Strings from AWS are untrusted: every one is sanitized
// on the way in, and a malformed value becomes a gap scoped to its
// resource, never a guess.
package convert

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"

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
	return convertNetwork(inv, convertedParts{})
}

// convertedParts replaces steps of Network with parts an Assembler
// converted as they arrived; a nil step is converted from the inventory.
type convertedParts struct {
	instances, interfaces, instanceInterfaces func(*netConverter)
}

func orConvert(step, convert func(*netConverter), c *netConverter) {
	if step != nil {
		step(c)
		return
	}
	convert(c)
}

// convertNetwork is Network with some steps done by parts.
func convertNetwork(inv *inventory.Inventory, parts convertedParts) (*checks.Network, error) {
	c := &netConverter{inv: inv, n: checks.NewNetwork(), referencedPLs: map[string]bool{}}
	c.vpcs()
	c.subnets()
	orConvert(parts.instances, (*netConverter).instances, c)
	orConvert(parts.interfaces, (*netConverter).networkInterfaces, c)
	orConvert(parts.instanceInterfaces, (*netConverter).instanceENIs, c)
	c.routeTables()
	c.networkACLs()
	c.securityGroups()
	c.peerings()
	c.vpcRegions()
	c.gateways()
	c.transitGateways()
	c.endpoints()
	c.prefixLists()
	c.loadBalancers()
	c.targetGroups()
	c.dbInstances()
	c.dbClusters()
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

// tagsOf keeps the tags as a map, nil when there are none; a key given
// twice keeps its first value, as the console shows it.
func tagsOf(tags []ec2types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		if t.Key == nil {
			continue
		}
		if _, seen := out[*t.Key]; !seen {
			out[*t.Key] = awsString(t.Value)
		}
	}
	return out
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

func sanitizeAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = inventory.Sanitize(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func sortedIDs[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
