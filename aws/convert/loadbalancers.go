package convert

import (
	"fmt"
	"strings"

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
		}
		lb.Listeners = append(lb.Listeners, li)
	}
}
