package inventory

import (
	"encoding/json"
	"maps"
	"reflect"

	"github.com/reachnet/reach/checks"
)

// Merger joins the inventories of several accounts and Regions into one, as
// reading a snapshot of several folders does: every part's resources are
// kept (a resource both sides describe, such as a shared transit gateway or
// a peering, appears once per part and conversion joins the copies by ID),
// two copies of a resource that differ beyond their tags are a Conflict,
// never a choice, and each part's kinds are recorded under its folder in
// PresentIn.
type Merger struct {
	inv *Inventory
	// copies holds the first copy of each compared resource, by field and
	// ID.
	copies map[string]mergedCopy
}

type mergedCopy struct {
	folder, content string
}

// NewMerger returns a Merger holding an empty inventory.
func NewMerger() *Merger {
	return &Merger{inv: NewInventory(), copies: map[string]mergedCopy{}}
}

// comparedFields are the outputs whose copies in two parts must agree,
// with the kind they are and their ID field: the same list the snapshot
// reader compares. Views from one side (a peering or an attachment as each
// account sees it) differ by design and are left out.
var comparedFields = []struct {
	field, idField string
	kind           checks.DataKind
}{
	{"VPCs", "VpcId", checks.KindVPCs},
	{"Subnets", "SubnetId", checks.KindSubnets},
	{"NetworkInterfaces", "NetworkInterfaceId", checks.KindNetworkInterfaces},
	{"RouteTables", "RouteTableId", checks.KindRouteTables},
	{"NetworkACLs", "NetworkAclId", checks.KindNetworkACLs},
	{"SecurityGroups", "GroupId", checks.KindSecurityGroups},
	{"InternetGateways", "InternetGatewayId", checks.KindInternetGateways},
	{"EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId", checks.KindEgressOnlyGateways},
	{"NATGateways", "NatGatewayId", checks.KindNATGateways},
	{"VPNGateways", "VpnGatewayId", checks.KindVPNGateways},
	{"VPNConnections", "VpnConnectionId", checks.KindVPNConnections},
	{"TransitGateways", "TransitGatewayId", checks.KindTransitGateways},
	{"TransitGatewayRouteTables", "TransitGatewayRouteTableId", checks.KindTransitGatewayRouteTables},
	{"VPCEndpoints", "VpcEndpointId", checks.KindVPCEndpoints},
}

// The fields Add joins by hand; every other slice is appended and every
// other map of slices joined key by key.
var bookkeeping = map[string]bool{
	"Present": true, "Gaps": true, "Skipped": true, "PresentIn": true, "Conflicts": true,
	"TransitGatewayRoutesStaticOnly": true,
}

// Add joins part, read from the account and Region folder names, into the
// merged inventory. relabel, when set, rewrites each of the part's gaps
// (to name the account it concerns). The part is not changed.
func (m *Merger) Add(part *Inventory, folder string, relabel func(checks.Gap) checks.Gap) {
	m.compare(part, folder)
	dst, src := reflect.ValueOf(m.inv).Elem(), reflect.ValueOf(part).Elem()
	t := dst.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if bookkeeping[f.Name] || !f.IsExported() {
			continue
		}
		d, s := dst.Field(i), src.Field(i)
		switch f.Type.Kind() {
		case reflect.Slice:
			if s.Len() > 0 {
				d.Set(reflect.AppendSlice(d, s))
			}
		case reflect.Map:
			if s.Len() == 0 {
				continue
			}
			if d.IsNil() {
				d.Set(reflect.MakeMap(f.Type))
			}
			iter := s.MapRange()
			for iter.Next() {
				k, v := iter.Key(), iter.Value()
				if cur := d.MapIndex(k); cur.IsValid() && v.Kind() == reflect.Slice {
					// A global service read in two Regions of one account
					// (Route 53's records of a zone) gives the same list
					// twice: keep one, or each record would count double.
					if !reflect.DeepEqual(cur.Interface(), v.Interface()) {
						// Clipped, the append copies: cur may be a part's
						// own list, which another merge of the same parts
						// (a load's progress) reads.
						d.SetMapIndex(k, reflect.AppendSlice(cur.Slice3(0, cur.Len(), cur.Len()), v))
					}
					continue
				}
				d.SetMapIndex(k, v)
			}
		}
	}
	for k, ok := range part.Present {
		if ok {
			m.inv.Present[k] = true
		}
	}
	if m.inv.PresentIn == nil {
		m.inv.PresentIn = map[string]map[checks.DataKind]bool{}
	}
	m.inv.PresentIn[folder] = maps.Clone(part.Present)
	if m.inv.PresentIn[folder] == nil {
		m.inv.PresentIn[folder] = map[checks.DataKind]bool{}
	}
	for _, g := range part.Gaps {
		if relabel != nil {
			g = relabel(g)
		}
		m.inv.Gaps = append(m.inv.Gaps, g)
	}
	m.inv.Skipped = append(m.inv.Skipped, part.Skipped...)
	m.inv.Conflicts = append(m.inv.Conflicts, part.Conflicts...)
	for id, v := range part.TransitGatewayRoutesStaticOnly {
		if m.inv.TransitGatewayRoutesStaticOnly == nil {
			m.inv.TransitGatewayRoutesStaticOnly = map[string]bool{}
		}
		m.inv.TransitGatewayRoutesStaticOnly[id] = v
	}
}

// AddGaps records gaps that belong to no part (an account that could not
// be read at all).
func (m *Merger) AddGaps(gaps ...checks.Gap) {
	m.inv.Gaps = append(m.inv.Gaps, gaps...)
}

// Inventory returns the merged inventory. The Merger must not be used
// afterwards.
func (m *Merger) Inventory() *Inventory { return m.inv }

// compare records a Conflict for each resource of part that an earlier
// part described differently (tags aside: each account names a shared
// resource its own way).
func (m *Merger) compare(part *Inventory, folder string) {
	src := reflect.ValueOf(part).Elem()
	for _, cf := range comparedFields {
		items := src.FieldByName(cf.field)
		for i := range items.Len() {
			item := reflect.New(items.Type().Elem()).Elem()
			item.Set(items.Index(i))
			idField := item.FieldByName(cf.idField)
			if !idField.IsValid() || idField.IsNil() {
				continue
			}
			id := idField.Elem().String()
			if tags := item.FieldByName("Tags"); tags.IsValid() && tags.CanSet() {
				tags.Set(reflect.Zero(tags.Type()))
			}
			content, err := json.Marshal(item.Interface())
			if err != nil {
				continue
			}
			key := cf.field + "/" + id
			first, seen := m.copies[key]
			switch {
			case !seen:
				m.copies[key] = mergedCopy{folder: folder, content: string(content)}
			case first.folder != folder && first.content != string(content):
				if !m.hasConflict(cf.kind, id) {
					m.inv.Conflicts = append(m.inv.Conflicts, Conflict{Kind: cf.kind, ID: id, Files: [2]string{first.folder, folder}})
				}
			}
		}
	}
}

func (m *Merger) hasConflict(k checks.DataKind, id string) bool {
	for _, c := range m.inv.Conflicts {
		if c.Kind == k && c.ID == id {
			return true
		}
	}
	return false
}
