// Resource names: the service resource behind an interface (from the
// description AWS writes on it), and the IDs a name given as a path end
// stands for.

package checks

import (
	"slices"
	"strings"
)

// Managed names the AWS resource an interface was created for, read from
// the description AWS writes on it, so that people can name a load balancer
// or a function rather than its interfaces. Kind is empty for interfaces
// that belong to no such resource.
type Managed struct {
	// Kind is "load balancer", "Lambda function", "Resolver endpoint",
	// "VPC endpoint", "NAT gateway" or "RDS database".
	Kind string
	// Name is the resource's name: the load balancer's or function's name,
	// the Resolver endpoint's or NAT gateway's Name (its ID when it has
	// none), the endpoint's ID. Empty when AWS does not say (RDS).
	Name string
	// ID is the resource's ID where the description carries one.
	ID string
}

// lambdaSuffix is the "-" and UUID AWS appends to a function's name in the
// description of its interfaces.
const lambdaSuffix = len("-00000000-0000-0000-0000-000000000000")

// ManagedBy reads the description AWS writes on the interfaces it creates
// for a service into the resource that owns them; the description is the
// only place the EC2 API names it.
func (n *Network) ManagedBy(e *ENI) Managed {
	d := e.Description
	switch {
	case strings.HasPrefix(d, "ELB "):
		// "ELB app/NAME/ID", "ELB net/NAME/ID", "ELB gwy/NAME/ID" or, for a
		// Classic Load Balancer, "ELB NAME".
		rest := strings.TrimPrefix(d, "ELB ")
		parts := strings.Split(rest, "/")
		if len(parts) == 3 {
			return Managed{Kind: "load balancer", Name: parts[1], ID: rest}
		}
		return Managed{Kind: "load balancer", Name: rest, ID: rest}
	case strings.HasPrefix(d, "AWS Lambda VPC ENI-"):
		name := strings.TrimPrefix(d, "AWS Lambda VPC ENI-")
		if len(name) > lambdaSuffix && name[len(name)-lambdaSuffix] == '-' {
			name = name[:len(name)-lambdaSuffix]
		}
		return Managed{Kind: "Lambda function", Name: name}
	case strings.HasPrefix(d, "Route 53 Resolver: "):
		id, _, _ := strings.Cut(strings.TrimPrefix(d, "Route 53 Resolver: "), ":")
		name := id
		if ep := n.ResolverEndpoints[id]; ep != nil && ep.Name != "" {
			name = ep.Name
		}
		return Managed{Kind: "Resolver endpoint", Name: name, ID: id}
	case strings.HasPrefix(d, "VPC Endpoint Interface "):
		id := strings.TrimPrefix(d, "VPC Endpoint Interface ")
		return Managed{Kind: "VPC endpoint", Name: id, ID: id}
	case strings.HasPrefix(d, "Interface for NAT Gateway "):
		id := strings.TrimPrefix(d, "Interface for NAT Gateway ")
		name := id
		if g := n.NATGateways[id]; g != nil && g.Name != "" {
			name = g.Name
		}
		return Managed{Kind: "NAT gateway", Name: name, ID: id}
	case d == "RDSNetworkInterface":
		// The interface names no instance; the one DB instance whose VPC,
		// subnet group and security groups single it out does.
		if dbs := n.dbInstanceOf(e); len(dbs) == 1 {
			return Managed{Kind: "RDS database", Name: dbs[0].ID, ID: dbs[0].ID}
		}
		return Managed{Kind: "RDS database"}
	}
	return Managed{}
}

// NamedEnds returns the IDs that a name given as a path end stands for, in
// a stable order: the instances whose Name tag it is; when none, the
// interfaces whose Name tag it is; when none, the interfaces of the managed
// resource of that name (a load balancer has one per Availability Zone).
// More than one ID means the name is ambiguous and people must pick.
func (n *Network) NamedEnds(name string) []string {
	if name == "" {
		return nil
	}
	var ids []string
	for id, inst := range n.Instances {
		if inst.Name == name {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		for id, e := range n.ENIs {
			if e.Name == name {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		for id, e := range n.ENIs {
			if m := n.ManagedBy(e); m.Kind != "" && m.Name == name {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// IsResourceName reports whether a path end, without its port, can only
// be a name: not an ID, an address or a DNS name.
func IsResourceName(end string) bool {
	host, _, _ := strings.Cut(end, ":")
	return host != "" && !strings.HasPrefix(host, "eni-") && !strings.HasPrefix(host, "i-") &&
		!strings.Contains(host, ".") && strings.Count(end, ":") <= 1 && !strings.HasPrefix(end, "[")
}
