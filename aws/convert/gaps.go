package convert

import (
	"fmt"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

func (c *netConverter) gaps() {
	covered := map[checks.DataKind]bool{}
	for _, g := range c.inv.Gaps {
		if g.Scope == "" {
			covered[g.Kind] = true
		}
	}
	c.n.Gaps = append(c.n.Gaps, c.inv.Gaps...)
	for _, k := range kindActions {
		if !c.inv.Present[k.kind] && !covered[k.kind] {
			c.n.Gaps = append(c.n.Gaps, checks.Gap{Kind: k.kind, Reason: "not in the snapshot", Action: k.action})
			continue
		}
		if folder := c.folderLacking(k.kind); folder != "" && !covered[k.kind] {
			// One account's or Region's copy of the kind is missing: the
			// resources it would hold are unknown, wherever they are used.
			c.n.Gaps = append(c.n.Gaps, checks.Gap{Kind: k.kind, Reason: "not in the snapshot folder " + inventory.Sanitize(folder) + ", though other folders hold it", Action: k.action})
		}
	}
	c.n.Gaps = append(c.n.Gaps, c.scoped...)
	for _, cf := range c.inv.Conflicts {
		c.n.Gaps = append(c.n.Gaps, checks.Gap{Kind: cf.Kind, Scope: inventory.Sanitize(cf.ID), Conflict: true,
			Reason: fmt.Sprintf("%s and %s describe %s differently", inventory.Sanitize(cf.Files[0]), inventory.Sanitize(cf.Files[1]), inventory.Sanitize(cf.ID))})
	}
}

// folderLacking returns a folder of a snapshot of several account or
// Region captures (folders that hold describe-vpcs) that lacks kind k
// while another capture holds it, or "".
func (c *netConverter) folderLacking(k checks.DataKind) string {
	var captures []string
	for _, folder := range sortedIDs(c.inv.PresentIn) {
		if c.inv.PresentIn[folder][checks.KindVPCs] {
			captures = append(captures, folder)
		}
	}
	if len(captures) < 2 {
		return ""
	}
	for _, folder := range captures {
		if !c.inv.PresentIn[folder][k] {
			return folder
		}
	}
	return ""
}

// inventoryGap returns the gap the loader recorded for kind k, scoped to id
// or for the whole kind.
func (c *netConverter) inventoryGap(k checks.DataKind, id string) (checks.Gap, bool) {
	var whole *checks.Gap
	for i, g := range c.inv.Gaps {
		switch {
		case g.Kind == k && g.Scope == id:
			return g, true
		case g.Kind == k && g.Scope == "" && whole == nil:
			whole = &c.inv.Gaps[i]
		}
	}
	if whole != nil {
		return *whole, true
	}
	return checks.Gap{}, false
}
