package awstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/reachnet/reach/aws/inventory"
)

// ErrNoCLI says that the AWS CLI is not on PATH.
var ErrNoCLI = errors.New("the AWS CLI (aws) is not on PATH")

// cliCommand is one AWS CLI command and the file its output goes to.
type cliCommand struct {
	File string   `json:"file"`
	Args []string `json:"args"`
}

// driver runs AWS CLI commands in one Python process through awscli's own
// entry point (awscli.clidriver, what the aws command runs), because
// starting the CLI costs most of a second per command. Each command prints
// to its file exactly what `aws ... --output json` prints.
const driver = `
import json, sys
from awscli.clidriver import create_clidriver
cmds = json.load(sys.stdin)
driver = create_clidriver()
failed = []
for c in cmds:
    with open(c["file"], "w") as out:
        saved, sys.stdout = sys.stdout, out
        try:
            rc = driver.main(c["args"])
        finally:
            sys.stdout = saved
    if rc != 0:
        failed.append(" ".join(c["args"]))
if failed:
    sys.stderr.write("failed: " + "; ".join(failed) + "\n")
    sys.exit(1)
`

// DumpCLI writes the account at endpoint into dir the way a user without
// reach would: one file per AWS CLI command of the snapshot format
// (docs/snapshot.md), named as snapshot.Write names them.
func DumpCLI(ctx context.Context, endpoint, dir string) error {
	if _, err := exec.LookPath("aws"); err != nil {
		return ErrNoCLI
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ec2 := func(file string, args ...string) cliCommand {
		return cliCommand{File: filepath.Join(dir, file+".json"), Args: append([]string{"ec2"}, args...)}
	}
	var first []cliCommand
	for _, c := range []string{
		"describe-vpcs", "describe-subnets", "describe-network-interfaces", "describe-instances", "describe-route-tables",
		"describe-network-acls", "describe-security-groups", "describe-managed-prefix-lists", "describe-vpc-peering-connections",
		"describe-internet-gateways", "describe-egress-only-internet-gateways", "describe-nat-gateways", "describe-vpn-gateways",
		"describe-vpn-connections", "describe-transit-gateways", "describe-transit-gateway-attachments",
		"describe-transit-gateway-vpc-attachments", "describe-transit-gateway-peering-attachments",
		"describe-transit-gateway-route-tables", "describe-vpc-endpoints", "describe-dhcp-options", "describe-flow-logs",
		"describe-addresses",
	} {
		first = append(first, ec2(c, c))
	}
	for _, c := range []string{"list-hosted-zones"} {
		first = append(first, cliCommand{File: filepath.Join(dir, c+".json"), Args: []string{"route53", c}})
	}
	for _, c := range []string{"list-resolver-endpoints", "list-resolver-rules", "list-resolver-rule-associations"} {
		first = append(first, cliCommand{File: filepath.Join(dir, c+".json"), Args: []string{"route53resolver", c}})
	}
	first = append(first, cliCommand{File: filepath.Join(dir, "describe-virtual-interfaces.json"), Args: []string{"directconnect", "describe-virtual-interfaces"}})
	first = append(first, cliCommand{File: filepath.Join(dir, "describe-db-instances.json"), Args: []string{"rds", "describe-db-instances"}})
	first = append(first, cliCommand{File: filepath.Join(dir, "describe-db-clusters.json"), Args: []string{"rds", "describe-db-clusters"}})
	for _, c := range []string{"describe-load-balancers", "describe-target-groups"} {
		first = append(first, cliCommand{File: filepath.Join(dir, c+".json"), Args: []string{"elbv2", c}})
	}
	if err := runCLI(ctx, endpoint, first); err != nil {
		return err
	}

	// Outputs read per parent, with the parent's ID from the first batch.
	ids := func(file, list, key string) ([]string, error) {
		data, err := os.ReadFile(filepath.Join(dir, file+".json"))
		if err != nil {
			return nil, err
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var items []map[string]any
		if err := json.Unmarshal(doc[list], &items); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, list, err)
		}
		var out []string
		for _, item := range items {
			if s, ok := item[key].(string); ok {
				out = append(out, s)
			}
		}
		return out, nil
	}
	var second []cliCommand
	vpcs, err := ids("describe-vpcs", "Vpcs", "VpcId")
	if err != nil {
		return err
	}
	for _, v := range vpcs {
		for _, a := range []string{"enableDnsSupport", "enableDnsHostnames"} {
			second = append(second, ec2("describe-vpc-attribute."+a+"."+v, "describe-vpc-attribute", "--vpc-id", v, "--attribute", a))
		}
	}
	pls, err := ids("describe-managed-prefix-lists", "PrefixLists", "PrefixListId")
	if err != nil {
		return err
	}
	for _, p := range pls {
		second = append(second, ec2("get-managed-prefix-list-entries."+p, "get-managed-prefix-list-entries", "--prefix-list-id", p))
	}
	rts, err := ids("describe-transit-gateway-route-tables", "TransitGatewayRouteTables", "TransitGatewayRouteTableId")
	if err != nil {
		return err
	}
	for _, r := range rts {
		second = append(second,
			ec2("search-transit-gateway-routes."+r, "search-transit-gateway-routes", "--transit-gateway-route-table-id", r, "--filters", "Name=type,Values=static,propagated"),
			ec2("get-transit-gateway-route-table-propagations."+r, "get-transit-gateway-route-table-propagations", "--transit-gateway-route-table-id", r))
	}
	zones, err := ids("list-hosted-zones", "HostedZones", "Id")
	if err != nil {
		return err
	}
	for _, z := range zones {
		z = inventory.HostedZoneID(z)
		second = append(second,
			cliCommand{File: filepath.Join(dir, "get-hosted-zone."+z+".json"), Args: []string{"route53", "get-hosted-zone", "--id", z}},
			cliCommand{File: filepath.Join(dir, "list-resource-record-sets."+z+".json"), Args: []string{"route53", "list-resource-record-sets", "--hosted-zone-id", z}})
	}
	eps, err := ids("list-resolver-endpoints", "ResolverEndpoints", "Id")
	if err != nil {
		return err
	}
	for _, e := range eps {
		second = append(second, cliCommand{File: filepath.Join(dir, "list-resolver-endpoint-ip-addresses."+e+".json"),
			Args: []string{"route53resolver", "list-resolver-endpoint-ip-addresses", "--resolver-endpoint-id", e}})
	}
	dxgws, err := ids("describe-virtual-interfaces", "virtualInterfaces", "directConnectGatewayId")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, g := range dxgws {
		if g == "" || seen[g] {
			continue
		}
		seen[g] = true
		second = append(second, cliCommand{File: filepath.Join(dir, "describe-direct-connect-gateway-associations."+g+".json"),
			Args: []string{"directconnect", "describe-direct-connect-gateway-associations", "--direct-connect-gateway-id", g}})
	}
	// Elastic Load Balancing outputs per ARN, the ARN percent-encoded
	// after a '_' as reach names them.
	perARN := func(command, flag, arn string) cliCommand {
		return cliCommand{File: filepath.Join(dir, command+"_"+url.QueryEscape(arn)+".json"), Args: []string{"elbv2", command, flag, arn}}
	}
	lbs, err := ids("describe-load-balancers", "LoadBalancers", "LoadBalancerArn")
	if err != nil {
		return err
	}
	for _, a := range lbs {
		second = append(second, perARN("describe-listeners", "--load-balancer-arn", a), perARN("describe-load-balancer-attributes", "--load-balancer-arn", a))
	}
	tgs, err := ids("describe-target-groups", "TargetGroups", "TargetGroupArn")
	if err != nil {
		return err
	}
	for _, a := range tgs {
		second = append(second, perARN("describe-target-health", "--target-group-arn", a), perARN("describe-target-group-attributes", "--target-group-arn", a))
	}
	if err := runCLI(ctx, endpoint, second); err != nil {
		return err
	}

	// The rules of each Application Load Balancer listener, with the
	// listeners' ARNs from the second batch.
	types, err := ids("describe-load-balancers", "LoadBalancers", "Type")
	if err != nil {
		return err
	}
	var third []cliCommand
	for i, a := range lbs {
		if i >= len(types) || types[i] != "application" {
			continue
		}
		listeners, err := ids(strings.TrimSuffix(filepath.Base(perARN("describe-listeners", "", a).File), ".json"), "Listeners", "ListenerArn")
		if err != nil {
			return err
		}
		for _, li := range listeners {
			third = append(third, perARN("describe-rules", "--listener-arn", li))
		}
	}
	return runCLI(ctx, endpoint, third)
}

// runCLI runs the commands through the in-process driver, or one aws
// process per command when awscli cannot be imported by python3 (a CLI
// installed as a standalone bundle).
func runCLI(ctx context.Context, endpoint string, cmds []cliCommand) error {
	if len(cmds) == 0 {
		return nil
	}
	for i := range cmds {
		cmds[i].Args = append(cmds[i].Args, "--endpoint-url", endpoint, "--output", "json")
	}
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION="+Region,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	if exec.CommandContext(ctx, "python3", "-c", "import awscli.clidriver").Run() == nil {
		in, err := json.Marshal(cmds)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, "python3", "-c", driver)
		cmd.Env = env
		cmd.Stdin = bytes.NewReader(in)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("aws cli: %v: %s", err, stderr.String())
		}
		return nil
	}
	for _, c := range cmds {
		cmd := exec.CommandContext(ctx, "aws", c.Args...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("aws %s: %v: %s", strings.Join(c.Args, " "), err, stderr.String())
		}
		if err := os.WriteFile(c.File, stdout.Bytes(), 0o600); err != nil {
			return err
		}
	}
	return nil
}
