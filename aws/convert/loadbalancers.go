package convert

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// loadBalancers converts the Elastic Load Balancing v2 load balancers and
// their listeners. The map stays nil when describe-load-balancers was not
// read, so the service layer says unknown rather than "no load balancer";
// a load balancer's listeners count as read only when describe-listeners
// was read and no gap covers that load balancer.
func (c *netConverter) loadBalancers() {
	if !c.inv.Present[checks.KindLoadBalancers] {
		return
	}
	c.n.LoadBalancers = map[string]*checks.LoadBalancer{}
	_, listenersGap := c.inventoryGap(checks.KindListeners, "")
	listenersRead := c.inv.Present[checks.KindListeners] && !listenersGap
	for i, lb := range c.inv.LoadBalancers {
		arn := awsString(lb.LoadBalancerArn)
		if arn == "" {
			c.noID(checks.KindLoadBalancers, "describe-load-balancers", fmt.Sprintf("entry %d", i), "LoadBalancerArn")
			continue
		}
		state := ""
		if lb.State != nil {
			state = inventory.Sanitize(string(lb.State.Code))
		}
		_, scoped := c.inventoryGap(checks.KindListeners, arn)
		c.n.LoadBalancers[arn] = &checks.LoadBalancer{
			ARN:           arn,
			Name:          awsString(lb.LoadBalancerName),
			Type:          inventory.Sanitize(string(lb.Type)),
			Scheme:        inventory.Sanitize(string(lb.Scheme)),
			VPCID:         awsString(lb.VpcId),
			State:         state,
			DNSName:       strings.ToLower(awsString(lb.DNSName)),
			ListenersRead: listenersRead && !scoped,
			Attributes: elbAttributes(c, inventory.KindLoadBalancerAttributes, arn, c.inv.LoadBalancerAttributes,
				func(a elbtypes.LoadBalancerAttribute) (*string, *string) { return a.Key, a.Value }),
		}
		for _, z := range lb.AvailabilityZones {
			if name := awsString(z.ZoneName); name != "" {
				c.n.LoadBalancers[arn].Zones = append(c.n.LoadBalancers[arn].Zones, name)
			}
		}
	}
	for i, l := range c.inv.Listeners {
		lb := c.n.LoadBalancers[awsString(l.LoadBalancerArn)]
		if lb == nil || !lb.ListenersRead {
			continue
		}
		if l.Port == nil {
			if lb.Type == "gateway" {
				// GENEVE listeners have no port; Gateway Load Balancers are
				// reported as not modelled anyway.
				continue
			}
			// Without its port the listener could be the one a path
			// needs: none of this load balancer's listeners decide.
			c.errs = append(c.errs, fmt.Errorf("describe-listeners entry %d: no Port", i))
			lb.ListenersRead, lb.Listeners = false, nil
			continue
		}
		li := checks.Listener{ARN: awsString(l.ListenerArn), Port: int(*l.Port), Protocol: inventory.Sanitize(string(l.Protocol))}
		for _, a := range l.DefaultActions {
			li.Actions = append(li.Actions, inventory.Sanitize(string(a.Type)))
			if arn := awsString(a.TargetGroupArn); arn != "" && !slices.Contains(li.TargetGroupARNs, arn) {
				li.TargetGroupARNs = append(li.TargetGroupARNs, arn)
			}
			if a.ForwardConfig != nil {
				for _, tg := range a.ForwardConfig.TargetGroups {
					if arn := awsString(tg.TargetGroupArn); arn != "" && !slices.Contains(li.TargetGroupARNs, arn) {
						li.TargetGroupARNs = append(li.TargetGroupARNs, arn)
					}
				}
			}
		}
		li.Rules, li.RulesRead = c.listenerRules(li.ARN)
		lb.Listeners = append(lb.Listeners, li)
	}
}

// listenerRules converts a listener's describe-rules, by priority with
// the default rule last. They count as read when the output holds the
// listener's rules (it always lists the default one) and no gap covers it.
func (c *netConverter) listenerRules(listener string) ([]checks.ListenerRule, bool) {
	raw, read := c.inv.ListenerRules[listener]
	if !read || len(raw) == 0 || !c.inv.Present[inventory.KindListenerRules] {
		return nil, false
	}
	if _, gap := c.inventoryGap(inventory.KindListenerRules, listener); gap {
		return nil, false
	}
	var rules []checks.ListenerRule
	for _, r := range raw {
		rule := checks.ListenerRule{Priority: awsString(r.Priority), IsDefault: r.IsDefault != nil && *r.IsDefault, OnlySourceIP: true}
		for _, cond := range r.Conditions {
			field := awsString(cond.Field)
			values := cond.Values
			switch {
			case cond.SourceIpConfig != nil:
				values = cond.SourceIpConfig.Values
			case cond.HostHeaderConfig != nil:
				values = cond.HostHeaderConfig.Values
			case cond.PathPatternConfig != nil:
				values = cond.PathPatternConfig.Values
			case cond.HttpRequestMethodConfig != nil:
				values = cond.HttpRequestMethodConfig.Values
			case cond.HttpHeaderConfig != nil:
				values = append([]string{awsString(cond.HttpHeaderConfig.HttpHeaderName)}, cond.HttpHeaderConfig.Values...)
			}
			if field != "source-ip" {
				rule.OnlySourceIP = false
			} else {
				for _, v := range values {
					p, err := netip.ParsePrefix(v)
					if err != nil {
						// A range reach cannot read: whether the rule
						// matches is unknown.
						rule.OnlySourceIP = false
						continue
					}
					rule.SourceCIDRs = append(rule.SourceCIDRs, p.Masked())
				}
			}
			rule.Conditions = append(rule.Conditions, inventory.Sanitize(field+" "+strings.Join(values, ",")))
		}
		for _, a := range r.Actions {
			rule.Actions = append(rule.Actions, inventory.Sanitize(string(a.Type)))
			if arn := awsString(a.TargetGroupArn); arn != "" && !slices.Contains(rule.TargetGroupARNs, arn) {
				rule.TargetGroupARNs = append(rule.TargetGroupARNs, arn)
			}
			if a.ForwardConfig != nil {
				for _, tg := range a.ForwardConfig.TargetGroups {
					if arn := awsString(tg.TargetGroupArn); arn != "" && !slices.Contains(rule.TargetGroupARNs, arn) {
						rule.TargetGroupARNs = append(rule.TargetGroupARNs, arn)
					}
				}
			}
		}
		rules = append(rules, rule)
	}
	slices.SortStableFunc(rules, func(a, b checks.ListenerRule) int {
		if a.IsDefault != b.IsDefault {
			if a.IsDefault {
				return 1
			}
			return -1
		}
		x, _ := strconv.Atoi(a.Priority)
		y, _ := strconv.Atoi(b.Priority)
		return x - y
	})
	return rules, true
}

// targetGroups converts the target groups and their targets' health. A
// group's targets count as read only when describe-target-health was read
// for it (an entry, even empty) and no gap covers it.
func (c *netConverter) targetGroups() {
	if !c.inv.Present[inventory.KindTargetGroups] {
		return
	}
	c.n.TargetGroups = map[string]*checks.TargetGroup{}
	for i, tg := range c.inv.TargetGroups {
		arn := awsString(tg.TargetGroupArn)
		if arn == "" {
			c.noID(inventory.KindTargetGroups, "describe-target-groups", fmt.Sprintf("entry %d", i), "TargetGroupArn")
			continue
		}
		g := &checks.TargetGroup{ARN: arn, Name: awsString(tg.TargetGroupName), Protocol: inventory.Sanitize(string(tg.Protocol)),
			TargetType: inventory.Sanitize(string(tg.TargetType))}
		if tg.Port != nil {
			g.Port = int(*tg.Port)
		}
		g.Attributes = elbAttributes(c, inventory.KindTargetGroupAttributes, arn, c.inv.TargetGroupAttributes,
			func(a elbtypes.TargetGroupAttribute) (*string, *string) { return a.Key, a.Value })
		health, read := c.inv.TargetHealth[arn]
		_, gap := c.inventoryGap(inventory.KindTargetHealth, arn)
		g.TargetsRead = read && !gap
		for _, h := range health {
			if h.Target == nil || awsString(h.Target.Id) == "" {
				g.TargetsRead = false
				continue
			}
			t := checks.Target{ID: awsString(h.Target.Id), AZ: awsString(h.Target.AvailabilityZone), Port: g.Port}
			if h.Target.Port != nil {
				t.Port = int(*h.Target.Port)
			}
			if h.TargetHealth != nil {
				t.State = inventory.Sanitize(string(h.TargetHealth.State))
				t.Reason = inventory.Sanitize(string(h.TargetHealth.Reason))
			}
			if t.State == "" {
				// Health unknown: the target cannot count as one that
				// takes no traffic.
				t.State = "unknown"
			}
			g.Targets = append(g.Targets, t)
		}
		c.n.TargetGroups[arn] = g
	}
}

// elbAttributes turns a load balancer's or target group's attributes into
// a map, or nil when they were not read for that parent (no output, or a
// gap covering it): a default then cannot be assumed, since the attribute
// may have changed it.
func elbAttributes[T any](c *netConverter, kind checks.DataKind, parent string, byParent map[string][]T, keyValue func(T) (*string, *string)) map[string]string {
	list, read := byParent[parent]
	if !read || !c.inv.Present[kind] {
		return nil
	}
	if _, gap := c.inventoryGap(kind, parent); gap {
		return nil
	}
	out := make(map[string]string, len(list))
	for _, a := range list {
		k, v := keyValue(a)
		out[awsString(k)] = awsString(v)
	}
	return out
}
