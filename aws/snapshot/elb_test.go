package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

const (
	testLB = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef"
	testTG = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/89abcdef01234567"
)

// TestLoadBalancerOutputs: the AWS CLI's elbv2 outputs, the per-parent ones
// named by ARNFileName, are read whatever else the file is called.
func TestLoadBalancerOutputs(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"lbs.json":       `{"LoadBalancers": [{"LoadBalancerArn": "` + testLB + `", "LoadBalancerName": "api", "Type": "network", "Scheme": "internal", "CreatedTime": "2024-01-02 03:04:05.678000+00:00"}]}`,
		"listeners.json": `{"Listeners": [{"ListenerArn": "l1", "LoadBalancerArn": "` + testLB + `", "Port": 443, "Protocol": "TLS", "DefaultActions": [{"Type": "forward", "TargetGroupArn": "` + testTG + `"}]}]}`,
		"tgs.json":       `{"TargetGroups": [{"TargetGroupArn": "` + testTG + `", "Port": 8443, "TargetType": "instance"}]}`,
		ARNFileName("describe-target-health", testTG):            `{"TargetHealthDescriptions": [{"Target": {"Id": "i-1", "Port": 8443}, "TargetHealth": {"State": "draining"}}]}`,
		ARNFileName("describe-load-balancer-attributes", testLB): `{"Attributes": [{"Key": "load_balancing.cross_zone.enabled", "Value": "false"}]}`,
		ARNFileName("describe-target-group-attributes", testTG):  `{"Attributes": [{"Key": "preserve_client_ip.enabled", "Value": "true"}]}`,
	})
	if len(inv.LoadBalancers) != 1 || len(inv.Listeners) != 1 || len(inv.TargetGroups) != 1 {
		t.Fatalf("load balancers %d, listeners %d, target groups %d; want 1 each", len(inv.LoadBalancers), len(inv.Listeners), len(inv.TargetGroups))
	}
	if h := inv.TargetHealth[testTG]; len(h) != 1 || h[0].TargetHealth.State != "draining" {
		t.Errorf("target health by %s: %+v", testTG, h)
	}
	if a := inv.LoadBalancerAttributes[testLB]; len(a) != 1 {
		t.Errorf("load balancer attributes: %+v", inv.LoadBalancerAttributes)
	}
	if a := inv.TargetGroupAttributes[testTG]; len(a) != 1 {
		t.Errorf("target group attributes: %+v", inv.TargetGroupAttributes)
	}
	for _, k := range []checks.DataKind{checks.KindLoadBalancers, checks.KindListeners, inventory.KindTargetGroups, inventory.KindTargetHealth,
		inventory.KindLoadBalancerAttributes, inventory.KindTargetGroupAttributes} {
		if !inv.Present[k] {
			t.Errorf("%s not marked present", k)
		}
	}
}

func TestARNFileName(t *testing.T) {
	name := ARNFileName("describe-target-health", testTG)
	if want := "describe-target-health_arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A111122223333%3Atargetgroup%2Fapi%2F89abcdef01234567.json"; name != want {
		t.Fatalf("ARNFileName = %s, want %s", name, want)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"written by ARNFileName", name, testTG},
		{"in a folder", "us-east-1/" + name, testTG},
		{"no ARN", "describe-target-health.json", ""},
		{"not an ARN", "describe-target-health_tg-1.json", ""},
		{"bad escape", "describe-target-health_arn%3.json", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parentARNFromFileName(tc.file); got != tc.want {
				t.Errorf("parentARNFromFileName(%q) = %q, want %q", tc.file, got, tc.want)
			}
		})
	}
	_, err := mapSnapshot(t, map[string]string{"health.json": `{"TargetHealthDescriptions": []}`})
	if err == nil || !strings.Contains(err.Error(), "does not name its target group") {
		t.Errorf("target health without its parent: %v", err)
	}
}

// TestBatfishLoadBalancerFiles: Batfish's wrapped files carry the parent
// inside; every one of test-load-balancer's is read.
func TestBatfishLoadBalancerFiles(t *testing.T) {
	dir := filepath.Join(corpus, "test-load-balancer")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	inv, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	const lb = "arn:aws:elasticloadbalancing:us-east-2:554773406868:loadbalancer/net/test-lb/725b996cb6be8fba"
	const tg = "arn:aws:elasticloadbalancing:us-east-2:554773406868:targetgroup/test-lb-tg/8e891d8fcdf8ece8"
	if len(inv.LoadBalancers) != 1 || len(inv.Listeners) != 1 || len(inv.TargetGroups) != 4 {
		t.Fatalf("load balancers %d, listeners %d, target groups %d; want 1, 1, 4", len(inv.LoadBalancers), len(inv.Listeners), len(inv.TargetGroups))
	}
	if l := inv.Listeners[0]; l.LoadBalancerArn == nil || *l.LoadBalancerArn != lb {
		t.Errorf("listener's load balancer: %v", l.LoadBalancerArn)
	}
	if len(inv.TargetHealth[tg]) != 2 || len(inv.LoadBalancerAttributes[lb]) != 5 {
		t.Errorf("target health %d, attributes %d; want 2, 5", len(inv.TargetHealth[tg]), len(inv.LoadBalancerAttributes[lb]))
	}
	for _, s := range inv.Skipped {
		if strings.Contains(s, "LoadBalancer") || strings.Contains(s, "TargetGroups") {
			t.Errorf("skipped: %s", s)
		}
	}
}

// TestListenerRules: describe-rules names no listener, but each rule's ARN
// does; a Rules output of another service is not mistaken for it.
func TestListenerRules(t *testing.T) {
	const listener = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/fedcba9876543210"
	const rule = "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/web/0123456789abcdef/fedcba9876543210/0011223344556677"
	inv := mustSnapshot(t, map[string]string{
		"rules.json": `{"Rules": [{"RuleArn": "` + rule + `", "Priority": "10", "IsDefault": false,
			"Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}], "Actions": [{"Type": "forward", "TargetGroupArn": "` + testTG + `"}]}]}`,
	})
	if r := inv.ListenerRules[listener]; len(r) != 1 || *r[0].Priority != "10" || !inv.Present[inventory.KindListenerRules] {
		t.Fatalf("rules by listener: %+v", inv.ListenerRules)
	}
	for _, tc := range []struct{ name, rule, listener string }{
		{"a rule of an application listener", rule, listener},
		{"not a rule", "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/web/0123456789abcdef/fedcba9876543210", ""},
		{"a rule without its own ID", "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/x", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ListenerOfRule(tc.rule)
			if got != tc.listener || ok != (tc.listener != "") {
				t.Errorf("ListenerOfRule(%s) = %q, %t; want %q", tc.rule, got, ok, tc.listener)
			}
		})
	}
	if isListenerRuleList(map[string]any{"Rules": []any{map[string]any{"Name": "nightly", "Arn": "arn:aws:events:us-east-1:111122223333:rule/nightly"}}}) {
		t.Error("an EventBridge rule list read as listener rules")
	}
}
