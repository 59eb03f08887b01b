package convert

import (
	"fmt"
	"slices"

	"github.com/reachnet/reach/checks"
)

// dbInstances converts RDS's DB instances. The map stays nil when
// describe-db-instances was not read, so the service layer infers from the
// interface rather than take "no instance" for an answer.
func (c *netConverter) dbInstances() {
	if !c.inv.Present[checks.KindDBInstances] {
		return
	}
	if _, gap := c.inventoryGap(checks.KindDBInstances, ""); gap {
		return
	}
	c.n.DBInstances = map[string]*checks.DBInstance{}
	for i, d := range c.inv.DBInstances {
		id := awsString(d.DBInstanceIdentifier)
		if id == "" {
			c.noID(checks.KindDBInstances, "describe-db-instances", fmt.Sprintf("entry %d", i), "DBInstanceIdentifier")
			continue
		}
		db := &checks.DBInstance{ID: id, Status: awsString(d.DBInstanceStatus), PubliclyAccessible: awsBool(d.PubliclyAccessible, false)}
		if d.Endpoint != nil {
			db.Address = awsString(d.Endpoint.Address)
			if d.Endpoint.Port != nil {
				db.Port = int(*d.Endpoint.Port)
			}
		}
		if g := d.DBSubnetGroup; g != nil {
			db.VPCID = awsString(g.VpcId)
			for _, s := range g.Subnets {
				if sid := awsString(s.SubnetIdentifier); sid != "" {
					db.SubnetIDs = append(db.SubnetIDs, sid)
				}
			}
		}
		for _, g := range d.VpcSecurityGroups {
			if gid := awsString(g.VpcSecurityGroupId); gid != "" {
				db.SecurityGroupIDs = append(db.SecurityGroupIDs, gid)
			}
		}
		slices.Sort(db.SecurityGroupIDs)
		c.n.DBInstances[id] = db
	}
}
