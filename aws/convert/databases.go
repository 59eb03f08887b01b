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

// dbClusters converts the Aurora DB clusters: their endpoints and which
// member instance writes and which read. The map stays nil when
// describe-db-clusters was not read.
func (c *netConverter) dbClusters() {
	if !c.inv.Present[checks.KindDBClusters] {
		return
	}
	if _, gap := c.inventoryGap(checks.KindDBClusters, ""); gap {
		return
	}
	c.n.DBClusters = map[string]*checks.DBCluster{}
	for i, d := range c.inv.DBClusters {
		id := awsString(d.DBClusterIdentifier)
		if id == "" {
			c.noID(checks.KindDBClusters, "describe-db-clusters", fmt.Sprintf("entry %d", i), "DBClusterIdentifier")
			continue
		}
		cl := &checks.DBCluster{ID: id, Status: awsString(d.Status), Endpoint: awsString(d.Endpoint), ReaderEndpoint: awsString(d.ReaderEndpoint)}
		if d.Port != nil {
			cl.Port = int(*d.Port)
		}
		for _, m := range d.DBClusterMembers {
			mid := awsString(m.DBInstanceIdentifier)
			if mid == "" {
				continue
			}
			if m.IsClusterWriter != nil && *m.IsClusterWriter {
				cl.Writers = append(cl.Writers, mid)
			} else {
				cl.Readers = append(cl.Readers, mid)
			}
		}
		c.n.DBClusters[id] = cl
	}
}
