package convert

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// corpus is the Batfish snapshot corpus, beside the repository (CI clones
// the repository next to a copy of shared/).
const corpus = "../../../shared/corpora/batfish-aws"

// TestBatfishCorpusDetails spot-checks values read off the JSON with jq.
func TestBatfishCorpusDetails(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	load := func(t *testing.T, name string) (*inventory.Inventory, *checks.Network) {
		t.Helper()
		inv, err := snapshot.Read(filepath.Join(corpus, name))
		if err != nil {
			t.Fatal(err)
		}
		n, err := Network(inv)
		if err != nil {
			t.Fatal(err)
		}
		return inv, n
	}
	t.Run("nat gateway", func(t *testing.T) {
		_, n := load(t, "test-nat-gateway")
		nat := n.NATGateways["nat-07ab4846da51f4612"]
		if nat == nil {
			t.Fatal("nat-07ab4846da51f4612 missing")
		}
		if nat.ENIID != "eni-017aaec115610308a" || nat.PrivateIP.String() != "10.1.250.210" ||
			nat.PublicIP.String() != "3.135.127.225" || !nat.Public || nat.State != "available" ||
			nat.SubnetID != "subnet-0428892a357fa1f94" {
			t.Errorf("nat = %+v", nat)
		}
		rt := n.RouteTables["rtb-02fe228b42de92a7c"]
		if rt == nil || len(rt.Routes) != 2 || rt.Routes[1].Target != checks.TargetNAT || rt.Routes[1].TargetID != "nat-07ab4846da51f4612" {
			t.Errorf("rtb-02fe228b42de92a7c = %+v", rt)
		}
	})
	t.Run("gateway endpoint", func(t *testing.T) {
		_, n := load(t, "test-vpc-endpoint-gateway")
		rt := n.RouteTables["rtb-0efde4139784b75b0"]
		if rt == nil || len(rt.Routes) != 3 {
			t.Fatalf("rtb-0efde4139784b75b0 = %+v", rt)
		}
		r := rt.Routes[2]
		if r.PrefixListID != "pl-63a5400a" || r.Target != checks.TargetEndpoint || r.TargetID != "vpce-0b7357542bb7b83ec" {
			t.Errorf("route = %+v", r)
		}
		if pl := n.PrefixLists["pl-63a5400a"]; pl == nil || len(pl.CIDRs) != 4 || pl.Name != "com.amazonaws.us-east-1.s3" {
			t.Errorf("pl-63a5400a = %+v", pl)
		}
		ep := n.Endpoints["vpce-0b7357542bb7b83ec"]
		if ep == nil || ep.Type != "Gateway" || ep.ServiceName != "com.amazonaws.us-east-1.s3" || len(ep.RouteTableIDs) != 2 {
			t.Errorf("endpoint = %+v", ep)
		}
		if v := n.VPCs["vpc-05d56c7295fca139b"]; v == nil || v.Region != "us-east-1" || v.Name != "testing" {
			t.Errorf("vpc = %+v", v)
		}
	})
	t.Run("transit gateway peering", func(t *testing.T) {
		inv, n := load(t, "test-transit-gateway-peering")
		a := n.TransitGatewayAttachments["tgw-attach-012e5d602f859dd80"]
		if a == nil || a.ResourceType != "peering" || a.TGWID != "tgw-0e20010ebf43d07a2" || a.PeerTGWID != "tgw-03201f1960ddb0c25" {
			t.Errorf("peering attachment = %+v", a)
		}
		rt := n.TransitGatewayRouteTables["tgw-rtb-018a5e572ec3088d1"]
		if rt == nil || !rt.RoutesKnown || len(rt.Routes) != 1 || !rt.Routes[0].Static ||
			rt.Routes[0].Destination.String() != "192.168.0.0/16" ||
			!slices.Equal(rt.Routes[0].AttachmentIDs, []string{"tgw-attach-012e5d602f859dd80"}) ||
			!slices.Equal(rt.Propagations, []string{"tgw-attach-02ff0f113900dd06d"}) || rt.TGWID != "tgw-0e20010ebf43d07a2" {
			t.Errorf("tgw route table = %+v", rt)
		}
		if !inv.TransitGatewayRoutesStaticOnly["tgw-rtb-018a5e572ec3088d1"] {
			t.Error("routes from TransitGatewayStaticRoutes.json not marked static-only")
		}
		if v := n.VPCs["vpc-0ecbcbd110fd839d1"]; v == nil || v.Region != "us-west-1" || v.OwnerID != "804819755326" {
			t.Errorf("vpc = %+v", v)
		}
	})
	t.Run("multi-account merge", func(t *testing.T) {
		_, n := load(t, "test-transit-gateway-multi-account")
		// The attachment appears in both accounts; the copy seen first
		// (account 028403472736) has no Name tag, the other's does, and
		// both have the subnet.
		a := n.TransitGatewayAttachments["tgw-attach-0f8397dbb9b9bce0d"]
		if a == nil || !slices.Equal(a.SubnetIDs, []string{"subnet-0ffa87ae0b553703e"}) || a.RouteTableID != "tgw-rtb-0b2c8eeefcf19371b" {
			t.Errorf("attachment = %+v", a)
		}
	})
	t.Run("peering status", func(t *testing.T) {
		_, n := load(t, "test-vpc-peering-multi-account")
		p := n.Peerings["pcx-0040f7640e10191f4"]
		if p == nil || !p.Active() || p.Accepter.VPCID != "vpc-05951c91977125d2e" || p.Accepter.OwnerID != "951601349076" ||
			len(p.Accepter.CIDRs) != 1 || p.Accepter.CIDRs[0].String() != "10.2.0.0/16" {
			t.Errorf("pcx-0040f7640e10191f4 = %+v", p)
		}
		if p := n.Peerings["pcx-00eeab4f3bd2a40da"]; p == nil || p.Status != "deleted" {
			t.Errorf("pcx-00eeab4f3bd2a40da = %+v", p)
		}
	})
	t.Run("gaps", func(t *testing.T) {
		_, n := load(t, "test-multi-account")
		kinds := map[checks.DataKind]bool{}
		packetPath := map[checks.DataKind]bool{}
		for _, k := range kindActions {
			packetPath[k.kind] = true
		}
		for _, g := range n.Gaps {
			if g.Scope == "" && packetPath[g.Kind] {
				kinds[g.Kind] = true
			}
		}
		if kinds[checks.KindVPCs] || !kinds[checks.KindSubnets] || !kinds[checks.KindNetworkACLs] || len(kinds) != len(kindActions)-1 {
			t.Errorf("gap kinds = %v", kinds)
		}
	})
}
