package cli

import (
	"context"
	"path/filepath"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/awstest"
)

// pointAtEndpoint makes the commands under test read the account behind
// url (moto, or a proxy in front of it) with dummy keys, and nothing from
// the machine's own AWS configuration.
func pointAtEndpoint(t *testing.T, url string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", url)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", awstest.Region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// seededBehindProxy starts moto, seeds the full test topology into it, and
// points the commands under test at a fault proxy in front of it; all of
// it stops when the test ends.
func seededBehindProxy(t *testing.T) (*awstest.Moto, *awstest.Topology, *awstest.Proxy) {
	t.Helper()
	m, err := awstest.Start()
	m = awstest.Require(t, m, err)
	t.Cleanup(m.Stop)
	topo, err := awstest.SeedFull(context.Background(), awstest.NewClients(m.URL))
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	pointAtEndpoint(t, proxy.URL)
	return m, topo, proxy
}

// seedFlowLoggedVPC creates a VPC (10.9.0.0/16) with one subnet, an
// interface for each address, a VPC flow log to CloudWatch Logs group
// (format empty: the default), and the log group itself.
func seedFlowLoggedVPC(t *testing.T, ctx context.Context, cfg awssdk.Config, group, format string, ips ...string) (vpcID, subnetID string, enis []string) {
	t.Helper()
	e := ec2.NewFromConfig(cfg)
	vpc, err := e.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: awssdk.String("10.9.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := e.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: awssdk.String("10.9.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	for _, ip := range ips {
		ni, err := e.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.Subnet.SubnetId, PrivateIpAddress: awssdk.String(ip)})
		if err != nil {
			t.Fatal(err)
		}
		enis = append(enis, *ni.NetworkInterface.NetworkInterfaceId)
	}
	in := &ec2.CreateFlowLogsInput{ResourceIds: []string{*vpc.Vpc.VpcId}, ResourceType: ec2types.FlowLogsResourceTypeVpc,
		TrafficType: ec2types.TrafficTypeAll, LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs, LogGroupName: awssdk.String(group),
		DeliverLogsPermissionArn: awssdk.String("arn:aws:iam::123456789012:role/flow-logs"), MaxAggregationInterval: awssdk.Int32(60)}
	if format != "" {
		in.LogFormat = awssdk.String(format)
	}
	if _, err := e.CreateFlowLogs(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := cloudwatchlogs.NewFromConfig(cfg).CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: awssdk.String(group)}); err != nil {
		t.Fatal(err)
	}
	return *vpc.Vpc.VpcId, *sub.Subnet.SubnetId, enis
}
