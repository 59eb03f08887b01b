package aws

import (
	"context"
	"fmt"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// loadBalancersTask reads the Elastic Load Balancing v2 load balancers (all,
// or those named), then each one's listeners and attributes, and with
// withTargetGroups its target groups (a full load reads them all at once
// instead). A listener read that fails leaves a gap scoped to its load
// balancer's ARN, so only that load balancer's service layer is unknown.
func (l *Loader) loadBalancersTask(names []string, withTargetGroups bool) *task {
	holds := []checks.DataKind{checks.KindListeners, inventory.KindListenerRules, inventory.KindLoadBalancerAttributes}
	if withTargetGroups {
		holds = append(holds, inventory.KindTargetGroups, inventory.KindTargetHealth, inventory.KindTargetGroupAttributes)
	}
	return listTask(checks.KindLoadBalancers, "elasticloadbalancing:DescribeLoadBalancers", "",
		func(ctx context.Context, round int) ([]elbtypes.LoadBalancer, int, error) {
			var out []elbtypes.LoadBalancer
			p := elasticloadbalancingv2.NewDescribeLoadBalancersPaginator(l.elb, &elasticloadbalancingv2.DescribeLoadBalancersInput{Names: names})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *elasticloadbalancingv2.DescribeLoadBalancersOutput) { out = append(out, o.LoadBalancers...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe load balancers: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []elbtypes.LoadBalancer) {
			inv.LoadBalancers = mergeBy(inv.LoadBalancers, items, func(v *elbtypes.LoadBalancer) string { return awssdk.ToString(v.LoadBalancerArn) })
		},
		func(lbs []elbtypes.LoadBalancer) []*task {
			ts := make([]*task, 0, 2*len(lbs))
			for _, lb := range lbs {
				arn := awssdk.ToString(lb.LoadBalancerArn)
				ts = append(ts, l.listenersTask(arn, lb.Type == elbtypes.LoadBalancerTypeEnumApplication), l.loadBalancerAttributesTask(arn))
				if withTargetGroups {
					ts = append(ts, l.targetGroupsTask(awssdk.String(arn)))
				}
			}
			return ts
		}, holds...)
}

// listenersTask reads a load balancer's listeners, then, for an
// Application Load Balancer, each listener's rules.
func (l *Loader) listenersTask(lbARN string, application bool) *task {
	return listTask(checks.KindListeners, "elasticloadbalancing:DescribeListeners", lbARN,
		func(ctx context.Context, round int) ([]elbtypes.Listener, int, error) {
			var out []elbtypes.Listener
			p := elasticloadbalancingv2.NewDescribeListenersPaginator(l.elb, &elasticloadbalancingv2.DescribeListenersInput{LoadBalancerArn: awssdk.String(lbARN)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *elasticloadbalancingv2.DescribeListenersOutput) { out = append(out, o.Listeners...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe listeners of %s: %w", lbARN, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []elbtypes.Listener) {
			inv.Listeners = mergeBy(inv.Listeners, items, func(v *elbtypes.Listener) string { return awssdk.ToString(v.ListenerArn) })
		},
		func(listeners []elbtypes.Listener) []*task {
			// Only an Application Load Balancer's listeners have rules
			// beyond the default one.
			var ts []*task
			if !application {
				return nil
			}
			for _, li := range listeners {
				ts = append(ts, l.rulesTask(awssdk.ToString(li.ListenerArn)))
			}
			return ts
		}, inventory.KindListenerRules)
}

func (l *Loader) rulesTask(listenerARN string) *task {
	return listTask(inventory.KindListenerRules, "elasticloadbalancing:DescribeRules", listenerARN,
		func(ctx context.Context, round int) ([]elbtypes.Rule, int, error) {
			var out []elbtypes.Rule
			p := elasticloadbalancingv2.NewDescribeRulesPaginator(l.elb, &elasticloadbalancingv2.DescribeRulesInput{ListenerArn: awssdk.String(listenerARN)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *elasticloadbalancingv2.DescribeRulesOutput) { out = append(out, o.Rules...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe rules of %s: %w", listenerARN, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []elbtypes.Rule) {
			inv.ListenerRules[listenerARN] = append([]elbtypes.Rule{}, items...)
		}, nil)
}

func (l *Loader) loadBalancerAttributesTask(lbARN string) *task {
	return listTask(inventory.KindLoadBalancerAttributes, "elasticloadbalancing:DescribeLoadBalancerAttributes", lbARN,
		func(ctx context.Context, round int) ([]elbtypes.LoadBalancerAttribute, int, error) {
			out, err := l.elb.DescribeLoadBalancerAttributes(withRound(ctx, round), &elasticloadbalancingv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: awssdk.String(lbARN)})
			if err != nil {
				return nil, round, fmt.Errorf("describe load balancer attributes of %s: %w", lbARN, err)
			}
			return out.Attributes, round, nil
		},
		func(inv *inventory.Inventory, items []elbtypes.LoadBalancerAttribute) {
			inv.LoadBalancerAttributes[lbARN] = append([]elbtypes.LoadBalancerAttribute{}, items...)
		}, nil)
}

// targetGroupsTask reads the target groups (all, or those of one load
// balancer), then each one's target health and attributes.
func (l *Loader) targetGroupsTask(lbARN *string) *task {
	return listTask(inventory.KindTargetGroups, "elasticloadbalancing:DescribeTargetGroups", awssdk.ToString(lbARN),
		func(ctx context.Context, round int) ([]elbtypes.TargetGroup, int, error) {
			var out []elbtypes.TargetGroup
			p := elasticloadbalancingv2.NewDescribeTargetGroupsPaginator(l.elb, &elasticloadbalancingv2.DescribeTargetGroupsInput{LoadBalancerArn: lbARN})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *elasticloadbalancingv2.DescribeTargetGroupsOutput) { out = append(out, o.TargetGroups...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe target groups: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []elbtypes.TargetGroup) {
			inv.TargetGroups = mergeBy(inv.TargetGroups, items, func(v *elbtypes.TargetGroup) string { return awssdk.ToString(v.TargetGroupArn) })
		},
		func(tgs []elbtypes.TargetGroup) []*task {
			ts := make([]*task, 0, 2*len(tgs))
			for _, tg := range tgs {
				arn := awssdk.ToString(tg.TargetGroupArn)
				ts = append(ts, l.targetHealthTask(arn), l.targetGroupAttributesTask(arn))
			}
			return ts
		}, inventory.KindTargetHealth, inventory.KindTargetGroupAttributes)
}

func (l *Loader) targetHealthTask(tgARN string) *task {
	return listTask(inventory.KindTargetHealth, "elasticloadbalancing:DescribeTargetHealth", tgARN,
		func(ctx context.Context, round int) ([]elbtypes.TargetHealthDescription, int, error) {
			out, err := l.elb.DescribeTargetHealth(withRound(ctx, round), &elasticloadbalancingv2.DescribeTargetHealthInput{TargetGroupArn: awssdk.String(tgARN)})
			if err != nil {
				return nil, round, fmt.Errorf("describe target health of %s: %w", tgARN, err)
			}
			return out.TargetHealthDescriptions, round, nil
		},
		func(inv *inventory.Inventory, items []elbtypes.TargetHealthDescription) {
			inv.TargetHealth[tgARN] = append([]elbtypes.TargetHealthDescription{}, items...)
		}, nil)
}

func (l *Loader) targetGroupAttributesTask(tgARN string) *task {
	return listTask(inventory.KindTargetGroupAttributes, "elasticloadbalancing:DescribeTargetGroupAttributes", tgARN,
		func(ctx context.Context, round int) ([]elbtypes.TargetGroupAttribute, int, error) {
			out, err := l.elb.DescribeTargetGroupAttributes(withRound(ctx, round), &elasticloadbalancingv2.DescribeTargetGroupAttributesInput{TargetGroupArn: awssdk.String(tgARN)})
			if err != nil {
				return nil, round, fmt.Errorf("describe target group attributes of %s: %w", tgARN, err)
			}
			return out.Attributes, round, nil
		},
		func(inv *inventory.Inventory, items []elbtypes.TargetGroupAttribute) {
			inv.TargetGroupAttributes[tgARN] = append([]elbtypes.TargetGroupAttribute{}, items...)
		}, nil)
}

// loadBalancerName returns the name of the Application or Network Load
// Balancer whose interface carries the description ELB gives it
// ("ELB app/NAME/ID", "ELB net/NAME/ID").
func loadBalancerName(description string) (string, bool) {
	rest, ok := strings.CutPrefix(description, "ELB ")
	if !ok {
		return "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || (parts[0] != "app" && parts[0] != "net") || parts[1] == "" {
		return "", false
	}
	return parts[1], true
}
