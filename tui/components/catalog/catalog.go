// Package catalog derives from one network what the screens draw and
// complete: the browser's rows, names of resources, the picker's
// completions, and the resolution of a typed path end.
package catalog

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
	ColName = iota
	ColID
	ColType
	ColPrivate
	ColPublic
	ColSubnet
	ColVPC
	colSGs
	ColStatus
	ColSDC
	// ColAccount and ColRegion are shown only when the network spans
	// several accounts or Regions (Catalog.Natural marks them hidden).
	ColAccount
	ColRegion
	NumCols
)

var Columns = [NumCols]columns.Spec{
	ColName:    {Title: "NAME", Min: 16, Max: 28, Prio: 1},
	ColID:      {Title: "ID", Min: 21, Max: 21, Prio: 0},
	ColType:    {Title: "TYPE", Min: 9, Max: 21, Prio: 7},
	ColPrivate: {Title: "PRIVATE IP", Min: 15, Max: 15, Prio: 2},
	ColPublic:  {Title: "PUBLIC IP", Min: 15, Max: 15, Prio: 6},
	ColSubnet:  {Title: "SUBNET", Min: 12, Max: 24, Prio: 3},
	ColVPC:     {Title: "VPC", Min: 7, Max: 16, Prio: 4},
	colSGs:     {Title: "SECURITY GROUPS", Min: 15, Max: 48, Prio: 8},
	ColStatus:  {Title: "STATUS", Min: 6, Max: 9, Prio: 5},
	ColSDC:     {Title: "SDC", Min: 3, Max: 3, Prio: 9},
	ColAccount: {Title: "ACCOUNT", Min: 12, Max: 12, Prio: 5},
	ColRegion:  {Title: "REGION", Min: 9, Max: 14, Prio: 6},
}

// Row is one ENI as the browser draws it: cells already cleaned of
// control characters, and a lower-case haystack the filter searches.
type Row struct {
	ID string
	// instanceID is the instance the interface is attached to, if any.
	instanceID string
	Cells      [NumCols]string
	Hay        string
}

// Completion is one value the path picker offers.
type Completion struct {
	Value string
	Desc  string
	Lower string
}

// Catalog is everything derived from one network for drawing: rows, names
// and completions. It is built by a command, off the terminal's goroutine,
// and never changed afterwards.
type Catalog struct {
	Version int
	ascii   bool
	Rows    []Row
	// Natural is the widest cell of each column, capped at its max; -1
	// hides a column (ACCOUNT and REGION when there is one of each).
	Natural [NumCols]int
	// completions are sorted by lower-case value.
	completions []Completion
	// Names maps an ID (ENI, instance, VPC, subnet, security group) to its
	// Name tag, for paths and hops.
	Names map[string]string
	// ByName maps a Name tag to the IDs carrying it (instances first), so
	// people can type "app-1" for a path end.
	ByName map[string][]string
	// managedKind says which kind of AWS resource a name in byName
	// belongs to when it is not a Name tag ("load balancer").
	managedKind map[string]string
	// ENIs is the number of interfaces, for the header.
	ENIs int
	// ENIGap says why the interfaces could not be read ("" when they
	// were), so an empty list is never mistaken for an empty account.
	ENIGap string
	// orders are the rows sorted by each column (see Order).
	orders *sortOrders
	// hayBytes holds the bytes of each row's haystack (see Candidates),
	// apart from the rows so that ruling rows out reads little memory.
	hayBytes []byteSet
}

// Build derives the browser rows and the picker's completions.
func Build(version int, n *checks.Network, hostnames []string, ascii bool) *Catalog {
	c := &Catalog{Version: version, ascii: ascii, Names: map[string]string{}, ByName: map[string][]string{}, managedKind: map[string]string{}}
	if n == nil {
		return c
	}
	for _, g := range n.Gaps {
		if g.Kind == checks.KindNetworkInterfaces && g.Scope == "" && !g.Pending {
			c.ENIGap = cells.Clean(g.Reason, ascii)
			if r := g.Remedy(); r != "" {
				c.ENIGap += "; " + cells.Clean(r, ascii)
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
	rows := make([]Row, 0, len(n.ENIs))
	for _, e := range n.ENIs {
		rows = append(rows, c.row(n, e, ascii))
		// An interface AWS created for a load balancer, a function or a
		// Resolver endpoint is named by that resource, so "payment-api-nlb"
		// completes and resolves like a Name tag.
		if m := n.ManagedBy(e); m.Name != "" && e.Name == "" {
			if name := cells.Clean(m.Name, ascii); name != "" {
				c.ByName[name] = append(c.ByName[name], e.ID)
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
		keys[i] = Lower(rows[i].Cells[ColName])
	}
	slices.SortFunc(order, func(a, b int) int {
		an, bn := rows[a].Cells[ColName] == "-", rows[b].Cells[ColName] == "-"
		if an != bn {
			if an {
				return 1
			}
			return -1
		}
		if r := cmp.Compare(keys[a], keys[b]); r != 0 {
			return r
		}
		return cmp.Compare(rows[a].ID, rows[b].ID)
	})
	c.Rows = make([]Row, len(rows))
	for i, j := range order {
		c.Rows[i] = rows[j]
	}
	c.ENIs = len(c.Rows)
	for _, r := range c.Rows {
		// An ENI without a Name tag is known by its instance's name or its
		// description in paths and hops, as in the browser.
		if _, ok := c.Names[r.ID]; !ok && r.Cells[ColName] != "-" {
			c.Names[r.ID] = r.Cells[ColName]
		}
	}
	for i := range Columns {
		c.Natural[i] = min(cells.Width(Columns[i].Title), Columns[i].Max)
	}
	for _, r := range c.Rows {
		for i, cell := range r.Cells {
			if w := cells.Width(cell); w > c.Natural[i] {
				c.Natural[i] = min(w, Columns[i].Max)
			}
		}
	}
	for _, col := range []int{ColAccount, ColRegion} {
		if distinctCells(c.Rows, col) < 2 {
			c.Natural[col] = -1
		}
	}
	for k, ids := range c.ByName {
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
		c.ByName[k] = slices.Compact(ids)
	}
	c.completions = buildCompletions(n, c, hostnames, ascii)
	c.hayBytes = make([]byteSet, len(c.Rows))
	for i := range c.Rows {
		c.hayBytes[i] = bytesOf(c.Rows[i].Hay)
	}
	c.buildOrders()
	return c
}

func (c *Catalog) nameOf(id, name string, ascii bool) {
	name = cells.Clean(name, ascii)
	if name == "" {
		return
	}
	c.Names[id] = name
	if strings.HasPrefix(id, "eni-") || strings.HasPrefix(id, "i-") {
		c.ByName[name] = append(c.ByName[name], id)
	}
}

// Label names a resource for people: "name (id)" or the ID alone. IDs come
// from AWS (or a snapshot file) too, so they are cleaned like names.
func (c *Catalog) Label(id string) string {
	if c == nil {
		return cells.Clean(id, false)
	}
	if n, ok := c.Names[id]; ok {
		return n + " (" + cells.Clean(id, c.ascii) + ")"
	}
	return cells.Clean(id, c.ascii)
}

func (c *Catalog) row(n *checks.Network, e *checks.ENI, ascii bool) Row {
	r := Row{ID: e.ID, instanceID: e.InstanceID}
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
	r.Cells[ColName] = name
	r.Cells[ColID] = cells.Clean(e.ID, ascii)
	r.Cells[ColType] = OrDash(cells.Clean(e.InterfaceType, ascii))
	primary := e.PrimaryIP()
	if primary.IsValid() {
		r.Cells[ColPrivate] = primary.String()
	} else {
		r.Cells[ColPrivate] = "-"
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
		r.Cells[ColPublic] = pub.String()
	} else {
		r.Cells[ColPublic] = "-"
	}
	r.Cells[ColSubnet] = OrDash(c.Short(e.SubnetID))
	r.Cells[ColVPC] = OrDash(c.Short(e.VPCID))
	sgs := make([]string, len(e.SecurityGroupIDs))
	for i, id := range e.SecurityGroupIDs {
		sgs[i] = c.Short(id)
	}
	r.Cells[colSGs] = OrDash(strings.Join(sgs, ","))
	r.Cells[ColStatus] = OrDash(cells.Clean(e.Status, ascii))
	r.Cells[ColAccount] = OrDash(cells.Clean(e.OwnerID, ascii))
	region := ""
	if v := n.VPCs[e.VPCID]; v != nil {
		region = v.Region
	}
	r.Cells[ColRegion] = OrDash(cells.Clean(region, ascii))
	if e.SourceDestCheck {
		r.Cells[ColSDC] = "on"
	} else {
		r.Cells[ColSDC] = "off"
	}
	// The haystack holds every column plus what the narrow layout hides:
	// every address, every ID behind a name, the description.
	var hay strings.Builder
	for _, cell := range r.Cells {
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
	r.Hay = Lower(hay.String())
	return r
}

// groupReference is a security group in rule text, with the owner's
// account when the rule names one ("111122223333/sg-0abc").
var groupReference = regexp.MustCompile(`\b(?:[0-9]{12}/)?(sg-[0-9A-Za-z]+)\b`)

// GroupNames writes the security groups a rule names as "name (sg-…)",
// which people recognise, instead of "account/sg-…".
func (c *Catalog) GroupNames(text string) string {
	if c == nil || !strings.Contains(text, "sg-") {
		return text
	}
	return groupReference.ReplaceAllStringFunc(text, func(ref string) string {
		id := ref[strings.Index(ref, "sg-"):]
		if n, ok := c.Names[id]; ok {
			return n + " (" + id + ")"
		}
		return ref
	})
}

// WhereIs tells apart resources that share a name: the interface's type,
// address, subnet and VPC, or an instance's state and primary interface.
func (c *Catalog) WhereIs(id string) string {
	if c == nil {
		return ""
	}
	for _, r := range c.Rows {
		if r.ID == id || r.instanceID == id && r.instanceID != "" {
			return strings.Join([]string{r.Cells[ColType], r.Cells[ColPrivate], r.Cells[ColSubnet], r.Cells[ColVPC]}, "  ")
		}
	}
	return ""
}

// Short names a resource by its Name tag, or its ID when it has none.
func (c *Catalog) Short(id string) string {
	if c == nil {
		return cells.Clean(id, false)
	}
	if n, ok := c.Names[id]; ok {
		return n
	}
	return cells.Clean(id, c.ascii)
}

// Lower is strings.ToLower without the copy for strings that are already
// lower case ASCII, which addresses and IDs are.
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func buildCompletions(n *checks.Network, c *Catalog, hostnames []string, ascii bool) []Completion {
	var out []Completion
	add := func(value, desc string) {
		value, desc = cells.Clean(value, ascii), cells.Clean(desc, ascii)
		if value == "" {
			return
		}
		out = append(out, Completion{Value: value, Desc: desc, Lower: Lower(value)})
	}
	for _, e := range n.ENIs {
		label := c.Short(e.ID)
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
	for name, ids := range c.ByName {
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
	slices.SortFunc(out, func(a, b Completion) int {
		if r := cmp.Compare(a.Lower, b.Lower); r != 0 {
			return r
		}
		return cmp.Compare(a.Desc, b.Desc)
	})
	return slices.CompactFunc(out, func(a, b Completion) bool { return a.Lower == b.Lower })
}

// Complete returns up to limit values for what was typed: the value typed
// exactly, when the inventory has it (it always wins: "app-1" must never
// become "staging-app-1"), then prefix matches (found by binary search),
// then values containing it.
func (c *Catalog) Complete(typed string, limit int) []Completion {
	if c == nil || typed == "" {
		return nil
	}
	q := strings.ToLower(typed)
	i, _ := slices.BinarySearchFunc(c.completions, q, func(e Completion, t string) int { return cmp.Compare(e.Lower, t) })
	var out []Completion
	for ; i < len(c.completions) && len(out) < limit; i++ {
		if !strings.HasPrefix(c.completions[i].Lower, q) {
			break
		}
		out = append(out, c.completions[i])
	}
	if len(out) < limit && len(q) >= 2 {
		for _, e := range c.completions {
			if len(out) >= limit {
				break
			}
			if !strings.HasPrefix(e.Lower, q) && strings.Contains(e.Lower, q) {
				out = append(out, e)
			}
		}
	}
	return out
}

// AmbiguousEnd is a path end whose name stands for several resources;
// the picker asks which one.
type AmbiguousEnd struct {
	Dest bool
	name string
	IDs  []string
}

func (a *AmbiguousEnd) Error() string {
	end := "from"
	if a.Dest {
		end = "to"
	}
	return fmt.Sprintf("%s: %q names %d resources (%s); pick one", end, a.name, len(a.IDs), strings.Join(a.IDs, ", "))
}

// ResolveEnd turns a typed path end into what the engine parses: a name
// ("app-1", "app-1:443") becomes the ID it stands for; anything else is
// returned unchanged for checks.ParseEnd to judge. A name that stands for
// several resources is an *ambiguousEnd.
func ResolveEnd(n *checks.Network, typed string, dest bool) (string, error) {
	if n != nil && dest {
		// A load balancer is reached by its DNS name, whichever way it
		// is named.
		if to, ok := n.LoadBalancerEnd(typed); ok {
			return to, nil
		}
	}
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
	return "", &AmbiguousEnd{Dest: dest, name: host, IDs: ids}
}

// distinctCells counts the different values of a column, dashes aside.
func distinctCells(rows []Row, col int) int {
	seen := map[string]bool{}
	for _, r := range rows {
		if v := r.Cells[col]; v != "-" {
			seen[v] = true
		}
	}
	return len(seen)
}
