package snapshot

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/reachnet/reach/aws/convert"
)

// FuzzReadFile feeds arbitrary bytes as one snapshot file, under a
// plain name and under a name that carries a parent ID, and converts what
// loads. Neither step may panic, whatever the file holds.
func FuzzReadFile(f *testing.F) {
	for _, seed := range []string{
		`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`,
		`{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "10.0.0.0/33", "GatewayId": "local"}]}]}`,
		`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 80, "To": 70000}}]}]}`,
		`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "icmp", "FromPort": -1, "UserIdGroupPairs": [{"GroupId": "sg-2"}]}]}]}`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Attachment": {"AttachTime": "2019-11-29 18:24:53+00:00"}}]}`,
		`{"Routes": [{"PrefixListId": "pl-1", "State": "blackhole"}]}`,
		`{"Entries": [{"Cidr": "192.0.2.0/24"}]}`,
		`{"TransitGatewayStaticRoutes": [{"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": [{}]}]}`,
		`{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": true}}`,
		`{"HostedZone": {"Id": "/hostedzone/Z1"}, "VPCs": [null]}`,
		`{"Reservations": [{"Instances": [{"InstanceId": "i-1", "NetworkInterfaces": [{"NetworkInterfaceId": "eni-9", "PrivateIpAddresses": [{"PrivateIpAddress": "::zz"}]}]}]}]}`,
		`{"Vpcs": [{"VpcId": 1}]}`,
		`{"Vpcs": [`,
		`[]`,
		``,
		"{\"Vpcs\": []}\n{\"Subnets\": [null]}",
	} {
		f.Add([]byte(seed))
	}
	// A few real files, when the corpus is beside the repository.
	for _, p := range []string{
		"test-transit-gateway/aws_configs/TransitGatewayStaticRoutes.json",
		"test-nat-gateway/aws_configs/NetworkInterfaces.json",
		"test-vpc-peering/aws_configs/SecurityGroups.json",
	} {
		if data, err := os.ReadFile(filepath.Join(corpus, filepath.FromSlash(p))); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"x.json", "search-transit-gateway-routes.tgw-rtb-1.json"} {
			inv, err := ReadFS(fstest.MapFS{"s/" + name: &fstest.MapFile{Data: data}}, "s")
			if err != nil {
				continue
			}
			if _, err := convert.Network(inv); err != nil && err.Error() == "" {
				t.Error("empty error")
			}
		}
	})
}
