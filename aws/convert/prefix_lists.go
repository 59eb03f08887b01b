package convert

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

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
				Reason: "prefix list entries not read (get-managed-prefix-list-entries)",
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
