package checks

import "testing"

// TestDBInstanceDestination: the RDS instance behind an interface decides
// what answers on it. "Endpoint.Port: Specifies the port that the database
// engine is listening on" and "PubliclyAccessible: Indicates whether the DB
// instance is publicly accessible" (RDS API reference, DBInstance); a
// stopped instance accepts no connection (RDS user guide, "Stopping an
// Amazon RDS DB instance temporarily").
func TestDBInstanceDestination(t *testing.T) {
	db := func(id, status string, port int, public bool, groups ...string) *DBInstance {
		return &DBInstance{ID: id, Status: status, Port: port, PubliclyAccessible: public, VPCID: "vpc-app",
			SubnetIDs: []string{"subnet-b"}, SecurityGroupIDs: groups}
	}
	for _, tc := range []struct {
		name    string
		dbs     map[string]*DBInstance
		to      string
		verdict Verdict
		code    string
		cmp     string
	}{
		{"the instance's port", map[string]*DBInstance{"payments": db("payments", "available", 443, false, "sg-server")}, "10.0.2.20:443", Reachable, "", ""},
		{"another port", map[string]*DBInstance{"payments": db("payments", "available", 5432, false, "sg-server")}, "10.0.2.20:443", Unreachable, "DB_INSTANCE_PORT_MISMATCH", "payments"},
		{"a stopped instance", map[string]*DBInstance{"payments": db("payments", "stopped", 443, false, "sg-server")}, "10.0.2.20:443", Unreachable, "DB_INSTANCE_NOT_AVAILABLE", "payments"},
		{"two candidates that agree", map[string]*DBInstance{"a": db("a", "available", 443, false, "sg-server"), "b": db("b", "available", 443, false, "sg-server")}, "10.0.2.20:443", Reachable, "", ""},
		{"two candidates that disagree fall back to the interface", map[string]*DBInstance{"a": db("a", "stopped", 443, false, "sg-server"), "b": db("b", "available", 443, false, "sg-server")}, "10.0.2.20:443", Reachable, "", ""},
		{"other security groups are another instance's", map[string]*DBInstance{"payments": db("payments", "stopped", 443, false, "sg-client")}, "10.0.2.20:443", Reachable, "", ""},
		{"not read: the interface decides", nil, "10.0.2.20:443", Reachable, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			b.n.ENIs["eni-server"].RequesterID, b.n.ENIs["eni-server"].Description = "amazon-rds", "RDSNetworkInterface"
			b.n.DBInstances = tc.dbs
			r := check(t, b.n, "eni-client", tc.to)
			if r.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s\n%s", r.Verdict, tc.verdict, dump(r))
			}
			if tc.code == "" {
				return
			}
			if f := finding(r, LayerService, tc.code); f == nil || f.Component != tc.cmp {
				t.Fatalf("want %s at %s\n%s", tc.code, tc.cmp, dump(r))
			}
		})
	}
}

// TestDBInstancePubliclyAccessible: PubliclyAccessible is read, not
// inferred from the interface's addresses.
func TestDBInstancePubliclyAccessible(t *testing.T) {
	for _, tc := range []struct {
		name   string
		public bool
	}{
		{"not publicly accessible: the internet is refused", false},
		{"publicly accessible: the service layer refuses nothing", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			e := b.n.ENIs["eni-server"]
			e.RequesterID, e.Description = "amazon-rds", "RDSNetworkInterface"
			b.n.DBInstances = map[string]*DBInstance{"payments": {ID: "payments", Status: "available", Port: 443, PubliclyAccessible: tc.public,
				VPCID: "vpc-app", SubnetIDs: []string{"subnet-b"}, SecurityGroupIDs: []string{"sg-server"}}}
			q := mustQuery(t, "203.0.113.9", "10.0.2.20:443", "tcp", 0)
			r, err := Evaluate(b.n, q)
			if err != nil {
				t.Fatal(err)
			}
			svc := r.Layer(LayerService)
			blocked := finding(r, LayerService, "RDS_NOT_PUBLICLY_ACCESSIBLE") != nil
			if blocked == tc.public {
				t.Fatalf("RDS_NOT_PUBLICLY_ACCESSIBLE %v with PubliclyAccessible %v\n%s", blocked, tc.public, dump(r))
			}
			if !tc.public && (svc.Status != StatusFail || r.Verdict != Unreachable) {
				t.Fatalf("service %s, verdict %s\n%s", svc.Status, r.Verdict, dump(r))
			}
		})
	}
}

// TestDBInstanceEndpointName: "the endpoint ... resolves to the private IP
// address from within the DB instance's VPC" and, for a publicly accessible
// instance, to the public one from outside it (RDS user guide, "Working
// with a DB instance in a VPC"); a private-zone CNAME to it follows. An
// Aurora cluster endpoint resolves to its writer and the reader endpoint
// to its readers, to the writer when there are none (Aurora user guide,
// "Amazon Aurora endpoint connections").
func TestDBInstanceEndpointName(t *testing.T) {
	const endpoint = "payments.c8x2k1m9q4zt.us-east-1.rds.amazonaws.com"
	for _, tc := range []struct {
		name    string
		setup   func(b *netBuilder)
		query   string
		verdict Verdict
		dns     Status
		want    string
	}{
		{"the endpoint name", nil, endpoint, Reachable, StatusPass, "10.0.2.20"},
		{"a CNAME in a private zone", func(b *netBuilder) {
			addRec(b.n.HostedZones["Zapp"], "db.example.internal", "CNAME", endpoint)
		}, "db.example.internal", Reachable, StatusPass, "10.0.2.20"},
		{"two interfaces could be the instance's", func(b *netBuilder) {
			e := b.eni("eni-server-2", "subnet-b", "10.0.2.21", "sg-server")
			e.RequesterID, e.Description = "amazon-rds", "RDSNetworkInterface"
		}, endpoint, Unknown, StatusUnknown, ""},
		{"another instance's name", nil, "other.c8x2k1m9q4zt.us-east-1.rds.amazonaws.com", Unknown, StatusUnknown, ""},
		{"an Aurora cluster endpoint: its writer", func(b *netBuilder) {
			b.n.DBClusters = map[string]*DBCluster{"orders": {ID: "orders", Endpoint: "orders.cluster-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com",
				ReaderEndpoint: "orders.cluster-ro-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com", Writers: []string{"payments"}}}
		}, "orders.cluster-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com", Reachable, StatusPass, "10.0.2.20"},
		{"an Aurora reader endpoint without readers: the writer", func(b *netBuilder) {
			b.n.DBClusters = map[string]*DBCluster{"orders": {ID: "orders", Endpoint: "orders.cluster-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com",
				ReaderEndpoint: "orders.cluster-ro-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com", Writers: []string{"payments"}}}
		}, "orders.cluster-ro-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com", Reachable, StatusPass, "10.0.2.20"},
		{"an Aurora reader endpoint whose reader is not among the instances read", func(b *netBuilder) {
			b.n.DBClusters = map[string]*DBCluster{"orders": {ID: "orders", Endpoint: "orders.cluster-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com",
				ReaderEndpoint: "orders.cluster-ro-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com", Writers: []string{"payments"}, Readers: []string{"orders-2"}}}
		}, "orders.cluster-ro-c8x2k1m9q4zt.us-east-1.rds.amazonaws.com", Unknown, StatusUnknown, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			e := b.n.ENIs["eni-server"]
			e.RequesterID, e.Description = "amazon-rds", "RDSNetworkInterface"
			b.n.DBInstances = map[string]*DBInstance{"payments": {ID: "payments", Status: "available", Address: endpoint, Port: 443,
				VPCID: "vpc-app", SubnetIDs: []string{"subnet-b"}, SecurityGroupIDs: []string{"sg-server"}}}
			if tc.setup != nil {
				tc.setup(b)
			}
			r := check(t, b.n, "eni-client", tc.query+":443")
			if r.Verdict != tc.verdict || r.Layer(LayerDNS).Status != tc.dns {
				t.Fatalf("verdict %s, dns %s; want %s, %s\n%s", r.Verdict, r.Layer(LayerDNS).Status, tc.verdict, tc.dns, dump(r))
			}
			if tc.want != "" && r.Destination.Address != tc.want {
				t.Errorf("destination %s, want %s", r.Destination.Address, tc.want)
			}
		})
	}
}

// TestManagedByNamesTheDBInstance: an RDS interface is named by the one
// DB instance that singles it out, and stays unnamed when none or two do.
func TestManagedByNamesTheDBInstance(t *testing.T) {
	for _, tc := range []struct {
		name string
		dbs  []*DBInstance
		want string
	}{
		{"one instance singles it out", []*DBInstance{{ID: "payments", VPCID: "vpc-app", SubnetIDs: []string{"subnet-b"}, SecurityGroupIDs: []string{"sg-server"}}}, "payments"},
		{"no instance matches", []*DBInstance{{ID: "other", VPCID: "vpc-data"}}, ""},
		{"two instances match", []*DBInstance{
			{ID: "a", VPCID: "vpc-app", SubnetIDs: []string{"subnet-b"}, SecurityGroupIDs: []string{"sg-server"}},
			{ID: "b", VPCID: "vpc-app", SubnetIDs: []string{"subnet-b"}, SecurityGroupIDs: []string{"sg-server"}}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			e := b.n.ENIs["eni-server"]
			e.Description = "RDSNetworkInterface"
			b.n.DBInstances = map[string]*DBInstance{}
			for _, db := range tc.dbs {
				b.n.DBInstances[db.ID] = db
			}
			if m := b.n.ManagedBy(e); m.Kind != "RDS database" || m.Name != tc.want {
				t.Errorf("ManagedBy = %+v, want an RDS database named %q", m, tc.want)
			}
		})
	}
}
