package snapshot

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/reachnet/reach/aws/inventory"
)

// ARNFileName is the file name of an output that does not name its parent,
// an Elastic Load Balancing ARN: "describe-target-health_" + the ARN
// percent-encoded as url.QueryEscape does + ".json". ARNs hold ':' and '/',
// which no file name may, so the dot-separated form of other per-parent
// outputs does not fit them.
func ARNFileName(command, arn string) string {
	return command + "_" + url.QueryEscape(arn) + ".json"
}

// parentARNFromFileName returns the ARN ARNFileName put in a file name, or
// "" when the name holds none.
func parentARNFromFileName(name string) string {
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	i := strings.LastIndexByte(base, '_')
	if i < 0 {
		return ""
	}
	arn, err := url.QueryUnescape(base[i+1:])
	if err != nil || !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	return arn
}

// isLoadBalancerV2List tells describe-load-balancers of elbv2 apart from
// a Classic Load Balancer's (which names its list LoadBalancerDescriptions,
// but a hand-made file may not): v2 load balancers carry an ARN.
func isLoadBalancerV2List(doc map[string]any) bool {
	return everyElementHas(doc["LoadBalancers"], "LoadBalancerArn")
}

// readBatfishListeners reads Batfish's LoadBalancerListeners.json: one
// describe-listeners output per load balancer, wrapped with its ARN.
func readBatfishListeners(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var wrapped []struct {
		LoadBalancerArn *string
		Listeners       []elbtypes.Listener
	}
	if err := decodeKey(doc, "LoadBalancerListeners", &wrapped); err != nil {
		return err
	}
	for _, w := range wrapped {
		for _, l := range w.Listeners {
			if l.LoadBalancerArn == nil {
				l.LoadBalancerArn = w.LoadBalancerArn
			}
			inv.Listeners = append(inv.Listeners, l)
		}
	}
	return nil
}

// readBatfishTargetHealth reads Batfish's LoadBalancerTargetHealth.json:
// describe-target-health per target group, wrapped with its ARN.
func readBatfishTargetHealth(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var wrapped []struct {
		TargetGroupArn           string
		TargetHealthDescriptions []elbtypes.TargetHealthDescription
	}
	if err := decodeKey(doc, "LoadBalancerTargetHealth", &wrapped); err != nil {
		return err
	}
	for _, w := range wrapped {
		inv.TargetHealth[w.TargetGroupArn] = append(inv.TargetHealth[w.TargetGroupArn], w.TargetHealthDescriptions...)
		if inv.TargetHealth[w.TargetGroupArn] == nil {
			inv.TargetHealth[w.TargetGroupArn] = []elbtypes.TargetHealthDescription{}
		}
	}
	return nil
}

// readBatfishLoadBalancerAttributes reads Batfish's
// LoadBalancerAttributes.json: describe-load-balancer-attributes per load
// balancer, wrapped with its ARN.
func readBatfishLoadBalancerAttributes(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var wrapped []struct {
		LoadBalancerArn string
		Attributes      []elbtypes.LoadBalancerAttribute
	}
	if err := decodeKey(doc, "LoadBalancerAttributes", &wrapped); err != nil {
		return err
	}
	for _, w := range wrapped {
		inv.LoadBalancerAttributes[w.LoadBalancerArn] = append(inv.LoadBalancerAttributes[w.LoadBalancerArn], w.Attributes...)
	}
	return nil
}

// readAttributes reads describe-load-balancer-attributes or
// describe-target-group-attributes, told apart by the parent's ARN.
func readAttributes(inv *inventory.Inventory, doc map[string]any, parent string) error {
	if strings.Contains(parent, ":targetgroup/") {
		return appendItemsTo(doc, "Attributes", inv.TargetGroupAttributes, parent)
	}
	return appendItemsTo(doc, "Attributes", inv.LoadBalancerAttributes, parent)
}

// isListenerRuleList tells describe-rules apart from other outputs with a
// Rules key: its rules are Elastic Load Balancing listener rules.
func isListenerRuleList(doc map[string]any) bool {
	items, ok := doc["Rules"].([]any)
	if !ok {
		return false
	}
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return false
		}
		arn, _ := m["RuleArn"].(string)
		if !strings.Contains(arn, ":listener-rule/") {
			return false
		}
	}
	return true
}

// readListenerRules reads describe-rules; each rule's ARN names its
// listener ("…:listener-rule/app/NAME/LB/LISTENER/RULE" belongs to
// "…:listener/app/NAME/LB/LISTENER"), so the file name need not.
func readListenerRules(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var rules []elbtypes.Rule
	if err := decodeKey(doc, "Rules", &rules); err != nil {
		return err
	}
	for i, r := range rules {
		listener, ok := ListenerOfRule(awssdk.ToString(r.RuleArn))
		if !ok {
			return fmt.Errorf("describe-rules entry %d: RuleArn %q does not name a listener", i, awssdk.ToString(r.RuleArn))
		}
		inv.ListenerRules[listener] = append(inv.ListenerRules[listener], r)
	}
	return nil
}

// ListenerOfRule returns the ARN of the listener a rule's ARN belongs to.
func ListenerOfRule(ruleARN string) (string, bool) {
	head, path, ok := strings.Cut(ruleARN, ":listener-rule/")
	if !ok {
		return "", false
	}
	i := strings.LastIndex(path, "/")
	if i <= 0 {
		return "", false
	}
	return head + ":listener/" + path[:i], true
}
