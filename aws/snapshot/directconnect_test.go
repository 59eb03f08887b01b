package snapshot

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/reachnet/reach/aws/convert"
)

// TestDirectConnectSnapshotKeyStyles reads the Direct Connect outputs in
// the AWS CLI's lowerCamel JSON and in Batfish's PascalCase copies.
func TestDirectConnectSnapshotKeyStyles(t *testing.T) {
	for _, tc := range []struct {
		name       string
		vifs, assc string
	}{
		{name: "AWS CLI (lowerCamel)",
			vifs: `{"virtualInterfaces": [{"virtualInterfaceId": "dxvif-a1", "virtualInterfaceType": "private", "virtualInterfaceState": "down",
				"directConnectGatewayId": "dxgw-1", "virtualGatewayId": "", "vlan": 101, "bgpPeers": [{"bgpStatus": "down"}]}]}`,
			assc: `{"directConnectGatewayAssociations": [{"directConnectGatewayId": "dxgw-1", "associationId": "a-1", "associationState": "associated",
				"associatedGateway": {"id": "vgw-1", "type": "virtualPrivateGateway"}, "allowedPrefixesToDirectConnectGateway": [{"cidr": "10.0.0.0/16"}]}]}`},
		{name: "Batfish (PascalCase)",
			vifs: `{"VirtualInterfaces": [{"VirtualInterfaceId": "dxvif-a1", "VirtualInterfaceType": "private", "VirtualInterfaceState": "down",
				"DirectConnectGatewayId": "dxgw-1", "Vlan": 101}]}`,
			assc: `{"DirectConnectGatewayAssociations": [{"DirectConnectGatewayId": "dxgw-1", "AssociationId": "a-1", "AssociationState": "associated",
				"AssociatedGateway": {"Id": "vgw-1", "Type": "virtualPrivateGateway"}, "AllowedPrefixesToDirectConnectGateway": [{"Cidr": "10.0.0.0/16"}]}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, doc := range map[string]string{"vifs.json": tc.vifs, "associations.json": tc.assc} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			inv, err := Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Skipped) > 0 {
				t.Errorf("skipped: %v", inv.Skipped)
			}
			n, _ := convert.Network(inv)
			v := n.DirectConnectVIFs["dxvif-a1"]
			if v == nil || v.State != "down" || v.Type != "private" || v.DXGatewayID != "dxgw-1" {
				t.Fatalf("virtual interface: %+v", v)
			}
			a := n.DirectConnectAssociations["a-1"]
			if a == nil || a.GatewayID != "vgw-1" || a.State != "associated" || len(a.AllowedPrefixes) != 1 {
				t.Fatalf("association: %+v", a)
			}
		})
	}
}
