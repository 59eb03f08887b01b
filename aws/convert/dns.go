package convert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// dnsKindActions lists the whole-account DNS kinds with the IAM action that
// reads each; a kind the inventory lacks becomes a gap, so names that need
// it resolve to unknown.
var dnsKindActions = []struct {
	kind   checks.DataKind
	action string
}{
	{checks.KindHostedZones, "route53:ListHostedZones"},
	{checks.KindResolverEndpoints, "route53resolver:ListResolverEndpoints"},
	{checks.KindResolverRules, "route53resolver:ListResolverRules"},
	{checks.KindResolverRuleAssociations, "route53resolver:ListResolverRuleAssociations"},
	{checks.KindDHCPOptions, "ec2:DescribeDhcpOptions"},
}

// convertDNS adds the inventory's DNS data to n: hosted zones with their
// VPC associations and record sets, Resolver endpoints with their
// addresses, Resolver rules and their associations, and DHCP options sets.
// Network calls it after the VPCs and interfaces are converted (it reads
// n.VPCs to find VPCs whose DNS attributes are missing).
//
// Data that is missing becomes a checks.Gap: a whole kind when the
// inventory never read it, or one resource (a private zone whose
// get-hosted-zone is missing, a zone without list-resource-record-sets, an
// endpoint without list-resolver-endpoint-ip-addresses, a VPC without
// describe-vpc-attribute) scoped to its ID. A malformed value (an address
// that does not parse) leaves out that value, adds a gap scoped to its
// resource, and is reported in the returned error, one line per problem.
// Gaps already recorded (by the loader, or an earlier call) are not
// repeated, so calling convertDNS twice is harmless.
func convertDNS(inv *inventory.Inventory, n *checks.Network) error {
	if inv == nil || n == nil {
		return errors.New("convert DNS: no inventory or network")
	}
	d := &dnsConverter{inv: inv, n: n, have: map[gapKey]bool{}}
	for _, g := range inv.Gaps {
		d.have[gapKey{g.Kind, g.Scope}] = true
	}
	for _, g := range n.Gaps {
		d.have[gapKey{g.Kind, g.Scope}] = true
	}
	for _, k := range dnsKindActions {
		if !inv.Present[k.kind] {
			d.gap(checks.Gap{Kind: k.kind, Reason: "not in the snapshot", Action: k.action})
		}
	}
	d.hostedZones()
	d.resolverEndpoints()
	d.resolverRules()
	d.dhcpOptions()
	d.vpcAttributes()
	return errors.Join(d.errs...)
}

type gapKey struct {
	kind  checks.DataKind
	scope string
}

type dnsConverter struct {
	inv  *inventory.Inventory
	n    *checks.Network
	errs []error
	have map[gapKey]bool
}

func (d *dnsConverter) gap(g checks.Gap) {
	k := gapKey{g.Kind, g.Scope}
	if d.have[k] {
		return
	}
	d.have[k] = true
	d.n.Gaps = append(d.n.Gaps, g)
}

// problem records a malformed value of one resource.
func (d *dnsConverter) problem(kind checks.DataKind, noun, id, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	d.errs = append(d.errs, fmt.Errorf("%s %s: %s", noun, id, msg))
	d.gap(checks.Gap{Kind: kind, Scope: id, Reason: "malformed data: " + msg})
}

// dnsName lowers a domain name and drops its trailing dot; the root stays
// ".". Route 53's octal escapes are kept (the engine decodes them).
func dnsName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "." {
		return s
	}
	return strings.TrimSuffix(s, ".")
}

func (d *dnsConverter) hostedZones() {
	for i, z := range d.inv.HostedZones {
		id := inventory.HostedZoneID(awsString(z.Id))
		if id == "" {
			d.problem(checks.KindHostedZones, "list-hosted-zones", fmt.Sprintf("entry %d", i), "no Id")
			continue
		}
		hz := &checks.HostedZone{ID: id, Name: dnsName(awsString(z.Name)), Private: z.Config != nil && z.Config.PrivateZone}
		if vpcs, ok := d.inv.HostedZoneVPCs[id]; ok {
			hz.VPCs = make([]checks.ZoneVPC, 0, len(vpcs))
			for _, v := range vpcs {
				if vid := awsString(v.VPCId); vid != "" {
					hz.VPCs = append(hz.VPCs, checks.ZoneVPC{VPCID: vid, Region: inventory.Sanitize(string(v.VPCRegion))})
				}
			}
		} else if hz.Private {
			d.gap(checks.Gap{Kind: checks.KindHostedZoneVPCs, Scope: id, Reason: "not in the snapshot", Action: "route53:GetHostedZone"})
		}
		if sets, ok := d.inv.RecordSets[id]; ok {
			hz.Records = make([]checks.Record, 0, len(sets))
			for _, s := range sets {
				r := checks.Record{Name: awsString(s.Name), Type: inventory.Sanitize(string(s.Type)), SetIdentifier: awsString(s.SetIdentifier)}
				if s.TTL != nil {
					r.TTL = *s.TTL
				}
				for _, v := range s.ResourceRecords {
					if v.Value != nil {
						r.Values = append(r.Values, awsString(v.Value))
					}
				}
				if a := s.AliasTarget; a != nil {
					r.Alias = &checks.AliasTarget{DNSName: awsString(a.DNSName), HostedZoneID: inventory.HostedZoneID(awsString(a.HostedZoneId))}
				}
				hz.Records = append(hz.Records, r)
			}
		} else {
			d.gap(checks.Gap{Kind: checks.KindRecordSets, Scope: id, Reason: "not in the snapshot", Action: "route53:ListResourceRecordSets"})
		}
		d.n.HostedZones[id] = hz
	}
}

func (d *dnsConverter) resolverEndpoints() {
	for i, e := range d.inv.ResolverEndpoints {
		id := awsString(e.Id)
		if id == "" {
			d.problem(checks.KindResolverEndpoints, "list-resolver-endpoints", fmt.Sprintf("entry %d", i), "no Id")
			continue
		}
		ep := &checks.ResolverEndpoint{ID: id, Name: awsString(e.Name), Direction: inventory.Sanitize(string(e.Direction)), VPCID: awsString(e.HostVPCId),
			SecurityGroupIDs: sanitizeAll(e.SecurityGroupIds), Status: inventory.Sanitize(string(e.Status))}
		if ips, ok := d.inv.ResolverIPs[id]; ok {
			ep.IPs = make([]checks.ResolverIP, 0, len(ips))
			for j, ip := range ips {
				for _, f := range []struct {
					field string
					v     *string
				}{{"Ip", ip.Ip}, {"Ipv6", ip.Ipv6}} {
					if f.v == nil || strings.TrimSpace(*f.v) == "" {
						continue
					}
					a, err := parseAWSAddr(fmt.Sprintf("IpAddresses[%d].%s", j, f.field), *f.v)
					if err != nil {
						d.problem(checks.KindResolverEndpointIPs, "Resolver endpoint", id, "%v", err)
						continue
					}
					ep.IPs = append(ep.IPs, checks.ResolverIP{Addr: a, SubnetID: awsString(ip.SubnetId)})
				}
			}
		} else {
			d.gap(checks.Gap{Kind: checks.KindResolverEndpointIPs, Scope: id, Reason: "not in the snapshot", Action: "route53resolver:ListResolverEndpointIpAddresses"})
		}
		d.n.ResolverEndpoints[id] = ep
	}
}

func (d *dnsConverter) resolverRules() {
	for i, r := range d.inv.ResolverRules {
		id := awsString(r.Id)
		if id == "" {
			d.problem(checks.KindResolverRules, "list-resolver-rules", fmt.Sprintf("entry %d", i), "no Id")
			continue
		}
		rule := &checks.ResolverRule{ID: id, Name: awsString(r.Name), DomainName: dnsName(awsString(r.DomainName)), RuleType: inventory.Sanitize(string(r.RuleType)),
			EndpointID: awsString(r.ResolverEndpointId), OwnerID: awsString(r.OwnerId), Status: inventory.Sanitize(string(r.Status))}
		for j, t := range r.TargetIps {
			port := 53
			if t.Port != nil && *t.Port > 0 && *t.Port <= 65535 {
				port = int(*t.Port)
			} else if t.Port != nil && *t.Port != 0 {
				d.problem(checks.KindResolverRules, "Resolver rule", id, "TargetIps[%d].Port %d: expected a port from 1 to 65535", j, *t.Port)
				continue
			}
			for _, f := range []struct {
				field string
				v     *string
			}{{"Ip", t.Ip}, {"Ipv6", t.Ipv6}} {
				if f.v == nil || strings.TrimSpace(*f.v) == "" {
					continue
				}
				a, err := parseAWSAddr(fmt.Sprintf("TargetIps[%d].%s", j, f.field), *f.v)
				if err != nil {
					d.problem(checks.KindResolverRules, "Resolver rule", id, "%v", err)
					continue
				}
				rule.TargetIPs = append(rule.TargetIPs, checks.TargetIP{Addr: a, Port: port})
			}
		}
		d.n.ResolverRules[id] = rule
	}
	for i, a := range d.inv.ResolverRuleAssociations {
		id := awsString(a.Id)
		if id == "" {
			id = fmt.Sprintf("%s/%s", awsString(a.ResolverRuleId), awsString(a.VPCId))
		}
		if awsString(a.ResolverRuleId) == "" || awsString(a.VPCId) == "" {
			d.problem(checks.KindResolverRuleAssociations, "list-resolver-rule-associations", fmt.Sprintf("entry %d", i), "no ResolverRuleId or VPCId")
			continue
		}
		d.n.ResolverRuleAssociations[id] = &checks.ResolverRuleAssociation{ID: id, RuleID: awsString(a.ResolverRuleId), VPCID: awsString(a.VPCId), Status: inventory.Sanitize(string(a.Status))}
	}
}

func (d *dnsConverter) dhcpOptions() {
	for i, o := range d.inv.DHCPOptions {
		id := awsString(o.DhcpOptionsId)
		if id == "" {
			d.problem(checks.KindDHCPOptions, "describe-dhcp-options", fmt.Sprintf("entry %d", i), "no DhcpOptionsId")
			continue
		}
		opt := &checks.DHCPOptions{ID: id}
		var domains []string
		for _, c := range o.DhcpConfigurations {
			var vals []string
			for _, v := range c.Values {
				if s := strings.TrimSpace(awsString(v.Value)); s != "" {
					vals = append(vals, s)
				}
			}
			switch awsString(c.Key) {
			case "domain-name-servers":
				// The API returns the servers as one value each; some
				// tools write them comma-separated in one value.
				for _, v := range vals {
					for _, s := range strings.Split(v, ",") {
						if s = strings.TrimSpace(s); s != "" {
							opt.DomainNameServers = append(opt.DomainNameServers, s)
						}
					}
				}
			case "domain-name":
				domains = append(domains, vals...)
			}
		}
		opt.DomainName = strings.Join(domains, " ")
		d.n.DHCPOptions[id] = opt
	}
}

// vpcAttributes records a gap for every VPC whose DNS attributes were not
// read: without them neither private zones nor the Amazon DNS server can be
// said to answer.
func (d *dnsConverter) vpcAttributes() {
	for _, id := range sortedIDs(d.n.VPCs) {
		v := d.n.VPCs[id]
		if v.DNSSupport == nil || v.DNSHostnames == nil {
			d.gap(checks.Gap{Kind: checks.KindVPCAttributes, Scope: id, Reason: "not in the snapshot", Action: "ec2:DescribeVpcAttribute"})
		}
	}
}
