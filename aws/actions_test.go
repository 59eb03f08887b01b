package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/snapshot"
)

var update = flag.Bool("update", false, "rewrite docs/iam-policy.json from AllowedActions")

const policyFile = "../docs/iam-policy.json"

// readOnlyVerbs are the only verbs an allowed action may start with, so a
// mutating call cannot slip into the list by a slip in review.
var readOnlyVerbs = []string{"Describe", "Get", "List", "Search"}

// TestIAMPolicyMatchesAllowedActions keeps docs/iam-policy.json exactly the
// policy for AllowedActions: same actions, nothing more, nothing less.
func TestIAMPolicyMatchesAllowedActions(t *testing.T) {
	want := IAMPolicy()
	if *update {
		if err := os.WriteFile(policyFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatalf("%v (run go test ./aws -run TestIAMPolicy -update)", err)
	}
	var p iamPolicy
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatalf("%s: %v", policyFile, err)
	}
	var actions []string
	for _, s := range p.Statement {
		if s.Effect != "Allow" || s.Resource != "*" {
			t.Errorf("statement %s: Effect %s Resource %s", s.Sid, s.Effect, s.Resource)
		}
		actions = append(actions, s.Action...)
	}
	slices.Sort(actions)
	allowed := slices.Sorted(slices.Values(slices.Concat(AllowedActions, AnalyzerActions)))
	if !slices.Equal(actions, allowed) {
		t.Errorf("%s grants %v\nAllowedActions is %v", policyFile, actions, allowed)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what IAMPolicy() prints; run go test ./aws -run TestIAMPolicy -update", policyFile)
	}
}

// TestAllowedActionsAreReads guards the list itself: sorted, no repeats,
// no wildcards, and only Describe/Get/List/Search verbs.
func TestAllowedActionsAreReads(t *testing.T) {
	if !slices.IsSorted(AllowedActions) {
		t.Error("AllowedActions is not sorted")
	}
	if len(slices.Compact(slices.Clone(AllowedActions))) != len(AllowedActions) {
		t.Error("AllowedActions has repeats")
	}
	for _, a := range AllowedActions {
		service, op, ok := strings.Cut(a, ":")
		if !ok || strings.ContainsAny(a, "*?") || !slices.Contains([]string{"cloudtrail", "directconnect", "ec2", "elasticloadbalancing", "logs", "organizations", "rds", "route53", "route53resolver", "sts"}, service) {
			t.Errorf("%s: not service:Operation of a service reach reads", a)
		}
		if _, why := ReadOnlyVerbExceptions[a]; why {
			continue
		}
		if !slices.ContainsFunc(readOnlyVerbs, func(v string) bool { return strings.HasPrefix(op, v) }) {
			t.Errorf("%s: not a read", a)
		}
	}
}

// TestGuardRefusesBeforeSending points guarded clients at an address where
// nothing listens: a refused operation must fail with NotAllowedError
// (not a connection error, which would mean it was about to be sent), and
// an allowed one must get as far as the network.
func TestGuardRefusesBeforeSending(t *testing.T) {
	l := NewLoader(awstest.Config("http://127.0.0.1:1"), WithRetry(1, time.Millisecond))
	ctx := context.Background()
	refused := map[string]func() error{
		"cloudtrail:StopLogging": func() error {
			_, err := NewHistory(awstest.Config("http://127.0.0.1:1")).client.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: awssdk.String("trail")})
			return err
		},
		"ec2:CreateVpc": func() error {
			_, err := l.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: awssdk.String("10.0.0.0/16")})
			return err
		},
		"ec2:DeleteSecurityGroup": func() error {
			_, err := l.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: awssdk.String("sg-1")})
			return err
		},
		"ec2:CreateNetworkInsightsPath": func() error {
			_, err := l.ec2.CreateNetworkInsightsPath(ctx, &ec2.CreateNetworkInsightsPathInput{Source: awssdk.String("eni-1"), Protocol: "tcp"})
			return err
		},
		"ec2:DescribeKeyPairs": func() error {
			_, err := l.ec2.DescribeKeyPairs(ctx, &ec2.DescribeKeyPairsInput{})
			return err
		},
		"route53:DeleteHostedZone": func() error {
			_, err := l.r53.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: awssdk.String("Z1")})
			return err
		},
		"route53resolver:DeleteResolverRule": func() error {
			_, err := l.resolver.DeleteResolverRule(ctx, &route53resolver.DeleteResolverRuleInput{ResolverRuleId: awssdk.String("rslvr-rr-1")})
			return err
		},
	}
	for action, call := range refused {
		var na *NotAllowedError
		if err := call(); !errors.As(err, &na) || na.Action != action {
			t.Errorf("%s: err = %v, want NotAllowedError", action, err)
		}
	}
	_, err := l.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	var na *NotAllowedError
	if err == nil || errors.As(err, &na) {
		t.Errorf("DescribeVpcs: err = %v, want a connection error", err)
	}
}

// TestRecordedActionsAreAllowed records every request a full load, a
// targeted load and a snapshot save send to moto: each must be in
// AllowedActions, and the full load must use every allowed action (the
// policy grants nothing reach does not call).
func TestRecordedActionsAreAllowed(t *testing.T) {
	m, topo := seededMoto(t)
	ctx := context.Background()
	proxy, err := awstest.NewProxy(m.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	l := testLoader(proxy.URL)
	inv, _, err := l.LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := snapshot.Write(filepath.Join(t.TempDir(), "snap"), inv); err != nil {
		t.Fatal(err)
	}
	// The terminal's header asks who reach runs as; moto answers with its
	// fixed account.
	id, err := CallerIdentity(ctx, awstest.Config(proxy.URL))
	if err != nil || id.Account != "123456789012" {
		t.Errorf("caller identity: %+v %v", id, err)
	}
	full := proxy.Actions()
	// The flow-log sources' logs: actions are exercised by aws/flowlogs'
	// tests, the history's by history_test.go, the organisation's calls by the tests
	// across accounts; the
	// inventory load uses every other one.
	inventory := slices.DeleteFunc(slices.Clone(AllowedActions), func(a string) bool { return FlowLogAction(a) || a == HistoryAction || OrganizationAction(a) })
	if !slices.Equal(full, inventory) {
		t.Errorf("a full load called %v\nAllowedActions (without logs: and the history) is %v", full, inventory)
	}
	if _, _, err := l.LoadPath(ctx, []string{topo.InstanceApp}, []string{topo.DBRecordName}, nil); err != nil {
		t.Fatal(err)
	}
	for _, a := range proxy.Actions() {
		if !Allowed(a) {
			t.Errorf("called %s, which is not in AllowedActions", a)
		}
	}
}

// TestStackSetRoleGrantsTheAccountReads keeps the role of
// docs/organization-stackset.yaml granting exactly the reads a load of one
// account makes: every allowed action but the bastion's own
// (OrganizationAction) and the flow-log reads.
func TestStackSetRoleGrantsTheAccountReads(t *testing.T) {
	b, err := os.ReadFile("../docs/organization-stackset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var granted []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if a, ok := strings.CutPrefix(line, `- "`); ok && strings.Contains(a, ":") {
			granted = append(granted, strings.TrimSuffix(a, `"`))
		}
	}
	slices.Sort(granted)
	// CloudTrail history (--history) reads the account of the base
	// credentials only, so the roles in other accounts need not grant it.
	want := slices.DeleteFunc(slices.Clone(AllowedActions), func(a string) bool { return OrganizationAction(a) || FlowLogAction(a) || a == HistoryAction })
	slices.Sort(want)
	if !slices.Equal(granted, want) {
		t.Errorf("the StackSet role grants %v\nan account's load calls %v", granted, want)
	}
}
