// RDS instances (describe-db-instances): which instance an RDS interface
// belongs to, the port it listens on, whether it is publicly accessible and
// whether it runs. ELB and EC2 data alone cannot say any of these.

package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// The RDS data the service and dns layers read.
const (
	KindDBInstances DataKind = "describe-db-instances"
	KindDBClusters  DataKind = "describe-db-clusters"
)

// DBCluster is an Aurora DB cluster: its writer (cluster) endpoint, its
// reader endpoint and the instances behind each.
type DBCluster struct {
	ID             string
	Status         string
	Endpoint       string
	ReaderEndpoint string
	Port           int
	// Writers and Readers are the member instances' identifiers.
	Writers, Readers []string
}

// DBInstance is an RDS DB instance.
type DBInstance struct {
	ID string
	// Status is the instance's DBInstanceStatus: available, stopped, ...
	Status             string
	Address            string
	Port               int
	PubliclyAccessible bool
	VPCID              string
	// SubnetIDs are the subnets of its DB subnet group; SecurityGroupIDs
	// its VPC security groups, sorted.
	SubnetIDs        []string
	SecurityGroupIDs []string
}

// dbInstanceOf finds the DB instance whose interface e is: in the
// instance's VPC, in a subnet of its DB subnet group, with exactly its
// security groups. RDS interfaces name no instance, so that match can be
// ambiguous: every candidate is returned.
func (n *Network) dbInstanceOf(e *ENI) []*DBInstance {
	groups := slices.Clone(e.SecurityGroupIDs)
	slices.Sort(groups)
	var out []*DBInstance
	for _, id := range sortedKeys(n.DBInstances) {
		db := n.DBInstances[id]
		if db.VPCID == e.VPCID && slices.Contains(db.SubnetIDs, e.SubnetID) && slices.Equal(db.SecurityGroupIDs, groups) {
			out = append(out, db)
		}
	}
	return out
}

// notAnswering lists DB instance states in which the instance accepts no
// connection (RDS user guide, "Viewing Amazon RDS DB instance status").
var notAnswering = []string{"stopped", "stopping", "creating", "deleting", "failed", "inaccessible-encryption-credentials"}

// dbInstanceDestination decides the service layer from the DB instance
// behind e. It reports false when the data does not single out one
// instance (not read, no match, or candidates that disagree), so the
// caller falls back to what the interface shows.
func (w *walker) dbInstanceDestination(q Query, src, dst endpoint) bool {
	if w.n.DBInstances == nil {
		return false
	}
	dbs := w.n.dbInstanceOf(dst.eni)
	if len(dbs) == 0 {
		return false
	}
	db := dbs[0]
	for _, other := range dbs[1:] {
		if other.Port != db.Port || other.PubliclyAccessible != db.PubliclyAccessible || other.Status != db.Status {
			return false
		}
	}
	name := db.ID
	if len(dbs) > 1 {
		var ids []string
		for _, d := range dbs {
			ids = append(ids, d.ID)
		}
		name = strings.Join(ids, " or ")
	}
	if slices.Contains(notAnswering, strings.ToLower(db.Status)) {
		w.decide(LayerService, Decision{Component: db.ID, Step: "DB instance " + name, Outcome: "deny", Rule: "status " + db.Status})
		w.find(LayerService, Finding{Code: "DB_INSTANCE_NOT_AVAILABLE", Severity: SeverityBlock, Component: db.ID, Rule: "status " + db.Status,
			Detail: fmt.Sprintf("%s belongs to RDS instance %s, which is %s and accepts no connection", dst.eni.ID, name, db.Status),
			Fix:    "aws rds start-db-instance --db-instance-identifier " + db.ID})
		return true
	}
	port := q.Port
	if port == 0 {
		port = dst.end.Port
	}
	if q.Protocol.HasPorts() && db.Port != 0 && (q.Protocol != ProtocolTCP || port != db.Port) {
		what := fmt.Sprintf("listens on tcp %d only", db.Port)
		w.decide(LayerService, Decision{Component: db.ID, Step: "DB instance " + name, Outcome: "deny", Rule: what})
		w.find(LayerService, Finding{Code: "DB_INSTANCE_PORT_MISMATCH", Severity: SeverityBlock, Component: db.ID, Rule: what,
			Detail: fmt.Sprintf("RDS instance %s %s (Endpoint.Port), so nothing answers %s %d on %s", name, what, q.Protocol, port, dst.eni.ID),
			Fix:    fmt.Sprintf("connect to port %d", db.Port)})
		return true
	}
	fromInternet := dst.viaPublic || src.eni == nil && isInternetAddr(src.addr)
	switch {
	case db.PubliclyAccessible:
		w.decide(LayerService, Decision{Component: db.ID, Step: "DB instance " + name, Outcome: "allow", Rule: fmt.Sprintf("RDS instance, status %s, publicly accessible, port %d", db.Status, db.Port)})
	case fromInternet:
		w.decide(LayerService, Decision{Component: db.ID, Step: "DB instance " + name, Outcome: "deny", Rule: "PubliclyAccessible false"})
		w.find(LayerService, Finding{Code: "RDS_NOT_PUBLICLY_ACCESSIBLE", Severity: SeverityBlock, Component: db.ID, Rule: "PubliclyAccessible false",
			Detail: fmt.Sprintf("RDS instance %s is not publicly accessible, so it is reachable only from its VPC, peered VPCs and private connections, not from %s", name, src.addr),
			Fix:    "aws rds modify-db-instance --db-instance-identifier " + db.ID + " --publicly-accessible --apply-immediately  (and its subnets need a route to an internet gateway; prefer reaching it privately)"})
	default:
		w.decide(LayerService, Decision{Component: db.ID, Step: "DB instance " + name, Outcome: "allow", Rule: fmt.Sprintf("RDS instance, status %s, not publicly accessible, reached privately on port %d", db.Status, db.Port)})
	}
	return true
}

// dbInstanceAnswer resolves an RDS endpoint name to the interface of the
// instance that owns it: its private address, or from outside the
// instance's VPC its public one when the instance is publicly accessible.
// An Aurora cluster's endpoint resolves to its writer, its reader endpoint
// to its readers (to the writer when it has none: "if the cluster contains
// only a primary instance, the reader endpoint connects to the primary",
// Aurora user guide, Aurora endpoints). It reports false when the data
// does not single out the interfaces.
func (w *walker) dbInstanceAnswer(ctx *dnsCtx, name string) ([]netip.Addr, bool) {
	for _, id := range sortedKeys(w.n.DBInstances) {
		if d := w.n.DBInstances[id]; d.Address != "" && normName(d.Address) == name {
			addr, e, ok := w.dbInstanceAddr(ctx, d)
			if !ok {
				return nil, false
			}
			w.dnsDecide(Decision{Component: d.ID, Step: "RDS endpoint " + name, Outcome: "allow",
				Rule: fmt.Sprintf("the endpoint of DB instance %s, whose interface %s (its VPC, DB subnet group and security groups) has %s", d.ID, e.ID, addr)})
			return []netip.Addr{addr}, true
		}
	}
	for _, id := range sortedKeys(w.n.DBClusters) {
		cl := w.n.DBClusters[id]
		var members []string
		role := ""
		switch {
		case cl.Endpoint != "" && normName(cl.Endpoint) == name:
			members, role = cl.Writers, "cluster (writer) endpoint"
		case cl.ReaderEndpoint != "" && normName(cl.ReaderEndpoint) == name:
			members, role = cl.Readers, "reader endpoint"
			if len(members) == 0 {
				members = cl.Writers
			}
		default:
			continue
		}
		if len(members) == 0 || w.n.DBInstances == nil {
			return nil, false
		}
		var addrs []netip.Addr
		var parts []string
		for _, m := range members {
			db := w.n.DBInstances[m]
			if db == nil {
				return nil, false
			}
			addr, e, ok := w.dbInstanceAddr(ctx, db)
			if !ok {
				return nil, false
			}
			addrs = append(addrs, addr)
			parts = append(parts, fmt.Sprintf("%s (%s, %s)", db.ID, e.ID, addr))
		}
		w.dnsDecide(Decision{Component: cl.ID, Step: "Aurora " + role + " " + name, Outcome: "allow",
			Rule: fmt.Sprintf("the %s of DB cluster %s: %s", role, cl.ID, strings.Join(parts, ", "))})
		return addrs, true
	}
	return nil, false
}

// dbInstanceAddr is the address a name of DB instance db answers with,
// from the interface that db alone singles out.
func (w *walker) dbInstanceAddr(ctx *dnsCtx, db *DBInstance) (netip.Addr, *ENI, bool) {
	var enis []*ENI
	for _, id := range w.ix.eniOrder {
		e := w.n.ENIs[id]
		if w.serviceOf(e) != svcRDS {
			continue
		}
		if dbs := w.n.dbInstanceOf(e); len(dbs) == 1 && dbs[0] == db {
			enis = append(enis, e)
		}
	}
	if len(enis) != 1 {
		return netip.Addr{}, nil, false
	}
	e := enis[0]
	addr := e.PrimaryIP()
	if db.PubliclyAccessible && ctx.vpcID != db.VPCID {
		addr = e.PublicFor(e.PrimaryIP())
	}
	return addr, e, addr.IsValid()
}
