package tui

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/components/columns"
)

// Browser columns, in display order.
const (
	colName = iota
	colID
	colType
	colPrivate
	colPublic
	colSubnet
	colVPC
	colSGs
	colStatus
	colSDC
	numCols
)

var browserColumns = [numCols]columns.Spec{
	colName:    {Title: "NAME", Min: 16, Max: 28, Prio: 1},
	colID:      {Title: "ID", Min: 21, Max: 21, Prio: 0},
	colType:    {Title: "TYPE", Min: 9, Max: 21, Prio: 7},
	colPrivate: {Title: "PRIVATE IP", Min: 15, Max: 15, Prio: 2},
	colPublic:  {Title: "PUBLIC IP", Min: 15, Max: 15, Prio: 6},
	colSubnet:  {Title: "SUBNET", Min: 12, Max: 24, Prio: 3},
	colVPC:     {Title: "VPC", Min: 7, Max: 16, Prio: 4},
	colSGs:     {Title: "SECURITY GROUPS", Min: 15, Max: 48, Prio: 8},
	colStatus:  {Title: "STATUS", Min: 6, Max: 9, Prio: 5},
	colSDC:     {Title: "SDC", Min: 3, Max: 3, Prio: 9},
}

// eniRow is one ENI as the browser draws it: cells already cleaned of
// control characters, and a lower-case haystack the filter searches.
type eniRow struct {
	id string
	// instanceID is the instance the interface is attached to, if any.
	instanceID string
	cells      [numCols]string
	hay        string
}

// completion is one value the path picker offers.
type completion struct {
	value string
	desc  string
	lower string
}

// catalog is everything derived from one network for drawing: rows, names
// and completions. It is built by a command, off the terminal's goroutine,
// and never changed afterwards.
type catalog struct {
	version int
	ascii   bool
	rows    []eniRow
	// natural is the widest cell of each column, capped at its max.
	natural [numCols]int
	// completions are sorted by lower-case value.
	completions []completion
	// names maps an ID (ENI, instance, VPC, subnet, security group) to its
	// Name tag, for paths and hops.
	names map[string]string
	// byName maps a Name tag to the IDs carrying it (instances first), so
	// people can type "app-1" for a path end.
	byName map[string][]string
	// managedKind says which kind of AWS resource a name in byName
	// belongs to when it is not a Name tag ("load balancer").
	managedKind map[string]string
	// enis is the number of interfaces, for the header.
	enis int
	// eniGap says why the interfaces could not be read ("" when they
	// were), so an empty list is never mistaken for an empty account.
	eniGap string
}

// buildCatalog derives the browser rows and the picker's completions.
func buildCatalog(version int, n *checks.Network, hostnames []string, ascii bool) *catalog {
	c := &catalog{version: version, ascii: ascii, names: map[string]string{}, byName: map[string][]string{}, managedKind: map[string]string{}}
	if n == nil {
		return c
	}
	for _, g := range n.Gaps {
		if g.Kind == checks.KindNetworkInterfaces && g.Scope == "" && !g.Pending {
			c.eniGap = cells.Clean(g.Reason, ascii)
			if r := g.Remedy(); r != "" {
				c.eniGap += "; " + cells.Clean(r, ascii)
			}
		}
	}
	for id, v := range n.VPCs {
		c.nameOf(id, v.Name, ascii)
	}
	for id, s := range n.Subnets {
		c.nameOf(id, s.Name, ascii)
	}
	for id, g := range n.SecurityGroups {
		c.nameOf(id, g.Name, ascii)
	}
	for id, i := range n.Instances {
		c.nameOf(id, i.Name, ascii)
	}
	for id, e := range n.ENIs {
		c.nameOf(id, e.Name, ascii)
	}
	for id, rt := range n.RouteTables {
		c.nameOf(id, rt.Name, ascii)
	}
	for id, a := range n.NetworkACLs {
		c.nameOf(id, a.Name, ascii)
	}
	for id, g := range n.NATGateways {
		c.nameOf(id, g.Name, ascii)
	}
	for id, g := range n.InternetGateways {
		c.nameOf(id, g.Name, ascii)
	}
	for id, p := range n.Peerings {
		c.nameOf(id, p.Name, ascii)
	}
	rows := make([]eniRow, 0, len(n.ENIs))
	for _, e := range n.ENIs {
		rows = append(rows, c.row(n, e, ascii))
		// An interface AWS created for a load balancer, a function or a
		// Resolver endpoint is named by that resource, so "payment-api-nlb"
		// completes and resolves like a Name tag.
		if m := n.ManagedBy(e); m.Name != "" && e.Name == "" {
			if name := cells.Clean(m.Name, ascii); name != "" {
				c.byName[name] = append(c.byName[name], e.ID)
				c.managedKind[name] = m.Kind
			}
		}
	}
	// Sort indexes by precomputed keys: moving 200-byte rows around is
	// what made sorting 10,000 of them slow.
	keys := make([]string, len(rows))
	order := make([]int, len(rows))
	for i := range rows {
		order[i] = i
		keys[i] = lower(rows[i].cells[colName])
	}
	slices.SortFunc(order, func(a, b int) int {
		an, bn := rows[a].cells[colName] == "-", rows[b].cells[colName] == "-"
		if an != bn {
			if an {
				return 1
			}
			return -1
		}
		if r := cmp.Compare(keys[a], keys[b]); r != 0 {
			return r
		}
		return cmp.Compare(rows[a].id, rows[b].id)
	})
	c.rows = make([]eniRow, len(rows))
	for i, j := range order {
		c.rows[i] = rows[j]
	}
	c.enis = len(c.rows)
	for _, r := range c.rows {
		// An ENI without a Name tag is known by its instance's name or its
		// description in paths and hops, as in the browser.
		if _, ok := c.names[r.id]; !ok && r.cells[colName] != "-" {
			c.names[r.id] = r.cells[colName]
		}
	}
	for i := range browserColumns {
		c.natural[i] = min(cells.Width(browserColumns[i].Title), browserColumns[i].Max)
	}
	for _, r := range c.rows {
		for i, cell := range r.cells {
			if w := cells.Width(cell); w > c.natural[i] {
				c.natural[i] = min(w, browserColumns[i].Max)
			}
		}
	}
	for k, ids := range c.byName {
		slices.SortFunc(ids, func(a, b string) int {
			// Instances first: "app-1" names the instance rather than
			// its interface when both carry the tag.
			if ai, bi := strings.HasPrefix(a, "i-"), strings.HasPrefix(b, "i-"); ai != bi {
				if ai {
					return -1
				}
				return 1
			}
			return cmp.Compare(a, b)
		})
		c.byName[k] = slices.Compact(ids)
	}
	c.completions = buildCompletions(n, c, hostnames, ascii)
	return c
}

func (c *catalog) nameOf(id, name string, ascii bool) {
	name = cells.Clean(name, ascii)
	if name == "" {
		return
	}
	c.names[id] = name
	if strings.HasPrefix(id, "eni-") || strings.HasPrefix(id, "i-") {
		c.byName[name] = append(c.byName[name], id)
	}
}

// label names a resource for people: "name (id)" or the ID alone. IDs come
// from AWS (or a snapshot file) too, so they are cleaned like names.
func (c *catalog) label(id string) string {
	if c == nil {
		return cells.Clean(id, false)
	}
	if n, ok := c.names[id]; ok {
		return n + " (" + cells.Clean(id, c.ascii) + ")"
	}
	return cells.Clean(id, c.ascii)
}

func (c *catalog) row(n *checks.Network, e *checks.ENI, ascii bool) eniRow {
	r := eniRow{id: e.ID, instanceID: e.InstanceID}
	name := cells.Clean(e.Name, ascii)
	if name == "" && e.InstanceID != "" {
		if inst := n.Instances[e.InstanceID]; inst != nil {
			name = cells.Clean(inst.Name, ascii)
		}
	}
	if name == "" {
		name = cells.Clean(n.ManagedBy(e).Name, ascii)
	}
	if name == "" {
		name = cells.Clean(e.Description, ascii)
	}
	if name == "" {
		name = "-"
	}
	r.cells[colName] = name
	r.cells[colID] = cells.Clean(e.ID, ascii)
	r.cells[colType] = orDash(cells.Clean(e.InterfaceType, ascii))
	primary := e.PrimaryIP()
	if primary.IsValid() {
		r.cells[colPrivate] = primary.String()
	} else {
		r.cells[colPrivate] = "-"
	}
	pub := e.PublicFor(primary)
	if !pub.IsValid() {
		for _, p := range e.PrivateIPs {
			if p.Public.IsValid() {
				pub = p.Public
				break
			}
		}
	}
	if pub.IsValid() {
		r.cells[colPublic] = pub.String()
	} else {
		r.cells[colPublic] = "-"
	}
	r.cells[colSubnet] = orDash(c.short(e.SubnetID))
	r.cells[colVPC] = orDash(c.short(e.VPCID))
	sgs := make([]string, len(e.SecurityGroupIDs))
	for i, id := range e.SecurityGroupIDs {
		sgs[i] = c.short(id)
	}
	r.cells[colSGs] = orDash(strings.Join(sgs, ","))
	r.cells[colStatus] = orDash(cells.Clean(e.Status, ascii))
	if e.SourceDestCheck {
		r.cells[colSDC] = "on"
	} else {
		r.cells[colSDC] = "off"
	}
	// The haystack holds every column plus what the narrow layout hides:
	// every address, every ID behind a name, the description.
	var hay strings.Builder
	for _, cell := range r.cells {
		hay.WriteString(cell)
		hay.WriteByte(' ')
	}
	for _, p := range e.PrivateIPs {
		hay.WriteString(p.Addr.String())
		hay.WriteByte(' ')
		if p.Public.IsValid() {
			hay.WriteString(p.Public.String())
			hay.WriteByte(' ')
		}
	}
	for _, a := range e.IPv6 {
		hay.WriteString(a.String())
		hay.WriteByte(' ')
	}
	hay.WriteString(e.SubnetID + " " + e.VPCID + " " + e.InstanceID + " " + strings.Join(e.SecurityGroupIDs, " ") + " ")
	hay.WriteString(cells.Clean(e.Description, ascii))
	r.hay = lower(hay.String())
	return r
}

// groupReference is a security group in rule text, with the owner's
// account when the rule names one ("111122223333/sg-0abc").
var groupReference = regexp.MustCompile(`\b(?:[0-9]{12}/)?(sg-[0-9A-Za-z]+)\b`)

// groupNames writes the security groups a rule names as "name (sg-…)",
// which people recognise, instead of "account/sg-…".
func (c *catalog) groupNames(text string) string {
	if c == nil || !strings.Contains(text, "sg-") {
		return text
	}
	return groupReference.ReplaceAllStringFunc(text, func(ref string) string {
		id := ref[strings.Index(ref, "sg-"):]
		if n, ok := c.names[id]; ok {
			return n + " (" + id + ")"
		}
		return ref
	})
}

// whereIs tells apart resources that share a name: the interface's type,
// address, subnet and VPC, or an instance's state and primary interface.
func (c *catalog) whereIs(id string) string {
	if c == nil {
		return ""
	}
	for _, r := range c.rows {
		if r.id == id || r.instanceID == id && r.instanceID != "" {
			return strings.Join([]string{r.cells[colType], r.cells[colPrivate], r.cells[colSubnet], r.cells[colVPC]}, "  ")
		}
	}
	return ""
}

// short names a resource by its Name tag, or its ID when it has none.
func (c *catalog) short(id string) string {
	if c == nil {
		return cells.Clean(id, false)
	}
	if n, ok := c.names[id]; ok {
		return n
	}
	return cells.Clean(id, c.ascii)
}

// lower is strings.ToLower without the copy for strings that are already
// lower case ASCII, which addresses and IDs are.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func buildCompletions(n *checks.Network, c *catalog, hostnames []string, ascii bool) []completion {
	var out []completion
	add := func(value, desc string) {
		value, desc = cells.Clean(value, ascii), cells.Clean(desc, ascii)
		if value == "" {
			return
		}
		out = append(out, completion{value: value, desc: desc, lower: lower(value)})
	}
	for _, e := range n.ENIs {
		label := c.short(e.ID)
		if label == e.ID {
			label = cells.Clean(e.Description, ascii)
		}
		add(e.ID, label)
		for _, p := range e.PrivateIPs {
			add(p.Addr.String(), e.ID+" "+label)
			if p.Public.IsValid() {
				add(p.Public.String(), "public, "+e.ID+" "+label)
			}
		}
	}
	for id, i := range n.Instances {
		add(id, cells.Clean(i.Name, ascii))
	}
	for name, ids := range c.byName {
		desc := strings.Join(ids, " ")
		if kind := c.managedKind[name]; kind != "" {
			desc = kind + ": " + desc
		}
		add(name, desc)
	}
	for _, h := range hostnames {
		add(cells.Clean(strings.ToLower(strings.TrimSuffix(h, ".")), ascii), "DNS name")
	}
	for _, z := range n.HostedZones {
		kind := "public zone " + z.Name
		if z.Private {
			kind = "private zone " + z.Name
		}
		for _, r := range z.Records {
			switch r.Type {
			case "A", "AAAA", "CNAME":
			default:
				continue
			}
			name := strings.ToLower(strings.TrimSuffix(r.Name, "."))
			if strings.HasPrefix(name, `\052`) || strings.HasPrefix(name, "*") {
				continue // a wildcard is not a name anyone types
			}
			add(cells.Clean(name, ascii), cells.Clean(kind, ascii))
		}
	}
	slices.SortFunc(out, func(a, b completion) int {
		if r := cmp.Compare(a.lower, b.lower); r != 0 {
			return r
		}
		return cmp.Compare(a.desc, b.desc)
	})
	return slices.CompactFunc(out, func(a, b completion) bool { return a.lower == b.lower })
}

// complete returns up to limit values for what was typed: the value typed
// exactly, when the inventory has it (it always wins: "app-1" must never
// become "staging-app-1"), then prefix matches (found by binary search),
// then values containing it.
func (c *catalog) complete(typed string, limit int) []completion {
	if c == nil || typed == "" {
		return nil
	}
	q := strings.ToLower(typed)
	i, _ := slices.BinarySearchFunc(c.completions, q, func(e completion, t string) int { return cmp.Compare(e.lower, t) })
	var out []completion
	for ; i < len(c.completions) && len(out) < limit; i++ {
		if !strings.HasPrefix(c.completions[i].lower, q) {
			break
		}
		out = append(out, c.completions[i])
	}
	if len(out) < limit && len(q) >= 2 {
		for _, e := range c.completions {
			if len(out) >= limit {
				break
			}
			if !strings.HasPrefix(e.lower, q) && strings.Contains(e.lower, q) {
				out = append(out, e)
			}
		}
	}
	return out
}

// ambiguousEnd is a path end whose name stands for several resources;
// the picker asks which one.
type ambiguousEnd struct {
	dest bool
	name string
	ids  []string
}

func (a *ambiguousEnd) Error() string {
	end := "from"
	if a.dest {
		end = "to"
	}
	return fmt.Sprintf("%s: %q names %d resources (%s); pick one", end, a.name, len(a.ids), strings.Join(a.ids, ", "))
}

// resolveEnd turns a typed path end into what the engine parses: a name
// ("app-1", "app-1:443") becomes the ID it stands for; anything else is
// returned unchanged for checks.ParseEnd to judge. A name that stands for
// several resources is an *ambiguousEnd.
func resolveEnd(n *checks.Network, typed string, dest bool) (string, error) {
	if n == nil || !checks.IsResourceName(typed) {
		return typed, nil
	}
	host, port, hasPort := strings.Cut(typed, ":")
	ids := n.NamedEnds(host)
	switch len(ids) {
	case 0:
		return typed, nil
	case 1:
		if hasPort {
			return ids[0] + ":" + port, nil
		}
		return ids[0], nil
	}
	return "", &ambiguousEnd{dest: dest, name: host, ids: ids}
}
