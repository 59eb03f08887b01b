package catalog

import (
	"strings"
	"testing"

	"github.com/reachnet/reach/checks"
)

// TestAccountAndRegionColumns: the ACCOUNT and REGION columns are hidden
// when the network holds one account and one Region, shown otherwise, and
// the filter's haystack holds their values.
func TestAccountAndRegionColumns(t *testing.T) {
	network := func(owners, regions [2]string) *checks.Network {
		n := checks.NewNetwork()
		for i, id := range []string{"vpc-1", "vpc-2"} {
			n.VPCs[id] = &checks.VPC{ID: id, OwnerID: owners[i], Region: regions[i]}
			eni := "eni-" + id
			n.ENIs[eni] = &checks.ENI{ID: eni, VPCID: id, OwnerID: owners[i]}
		}
		return n
	}
	cases := []struct {
		name                  string
		owners, regions       [2]string
		accountShown, regShow bool
	}{
		{"one account, one Region", [2]string{"111111111111", "111111111111"}, [2]string{"us-east-1", "us-east-1"}, false, false},
		{"two accounts", [2]string{"111111111111", "222222222222"}, [2]string{"us-east-1", "us-east-1"}, true, false},
		{"two Regions", [2]string{"111111111111", "111111111111"}, [2]string{"us-east-1", "eu-west-1"}, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat := Build(1, network(c.owners, c.regions), nil, false)
			if shown := cat.Natural[ColAccount] >= 0; shown != c.accountShown {
				t.Errorf("ACCOUNT shown %v, want %v", shown, c.accountShown)
			}
			if shown := cat.Natural[ColRegion] >= 0; shown != c.regShow {
				t.Errorf("REGION shown %v, want %v", shown, c.regShow)
			}
			for _, r := range cat.Rows {
				if !strings.Contains(r.Hay, r.Cells[ColAccount]) || !strings.Contains(r.Hay, r.Cells[ColRegion]) {
					t.Errorf("row %s: the filter cannot find its account or Region: %q", r.ID, r.Hay)
				}
			}
		})
	}
}
