// The ends of a query: resolving the source and the destination to
// interfaces (or addresses outside the account), and the errors of a query
// that names what the network does not hold or what is missing from it.

package checks

import (
	"fmt"
	"net/netip"
	"strings"
)

// InputError is a query that names something the network does not hold (an
// unknown ENI or instance, an address no interface owns as a source).
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// matchFamilies picks, for an end named by its ENI or instance rather than
// an address, the address of the family the other end speaks: an IPv6
// destination is reached from the source's IPv6 address.
func matchFamilies(q Query, src, dst *endpoint) {
	if !src.addr.IsValid() || !dst.addr.IsValid() || src.addr.Is6() == dst.addr.Is6() {
		return
	}
	switch {
	case q.From.Kind != EndAddress && src.eni != nil:
		if a, ok := addrOfFamily(src.eni, dst.addr.Is6()); ok {
			src.addr, src.end.Address = a, a.String()
		}
	case q.To.Kind != EndAddress && dst.eni != nil:
		if a, ok := addrOfFamily(dst.eni, src.addr.Is6()); ok {
			dst.addr, dst.end.Address = a, a.String()
		}
	}
}

func addrOfFamily(e *ENI, v6 bool) (netip.Addr, bool) {
	if v6 {
		if len(e.IPv6) > 0 {
			return e.IPv6[0], true
		}
		return netip.Addr{}, false
	}
	if p := e.PrimaryIP(); p.Is4() {
		return p, true
	}
	return netip.Addr{}, false
}

// endpoint is a resolved path end.
type endpoint struct {
	end  PathEnd
	eni  *ENI
	addr netip.Addr
	// viaPublic is set when the destination was named by a public address
	// that an internet gateway maps onto eni.
	viaPublic bool
	external  bool
	host      bool
}

// eniByID finds the interface an eni-… or i-… end names (an instance by its
// primary interface).
func (w *walker) eniByID(end End, flag string) (*ENI, error) {
	if end.Kind == EndENI {
		if e := w.n.ENIs[end.ID]; e != nil {
			return e, nil
		}
		return nil, w.notFound(flag, end.ID, KindNetworkInterfaces)
	}
	if e := w.instancePrimary(end.ID); e != nil {
		return e, nil
	}
	return nil, w.notFound(flag, end.ID, KindInstances)
}

// describe fills the report's view of a resolved end.
func (w *walker) describe(ep *endpoint, e *ENI) {
	if e != nil {
		for _, id := range []string{e.ID, e.SubnetID, e.VPCID, e.InstanceID} {
			w.touch(id)
		}
		ep.eni = e
		ep.end.ENI, ep.end.Instance, ep.end.Subnet, ep.end.VPC, ep.end.Name = e.ID, e.InstanceID, e.SubnetID, e.VPCID, w.nameOf(e)
	}
	ep.end.Address = ep.addr.String()
	ep.end.External = ep.external
}

func (w *walker) resolveSource(q Query) (endpoint, error) {
	ep := endpoint{end: PathEnd{Input: q.From.Raw}}
	var e *ENI
	switch q.From.Kind {
	case EndENI, EndInstance:
		var err error
		if e, err = w.eniByID(q.From, "--from"); err != nil {
			return ep, err
		}
		ep.addr = e.PrimaryIP()
	case EndAddress:
		ep.addr = q.From.Addr
		owners := w.ix.enisByAddr[q.From.Addr]
		if len(owners) > 1 {
			return ep, &InputError{fmt.Sprintf("--from %s: the address belongs to %d interfaces in overlapping VPCs (%s); name the ENI instead", q.From.Addr, len(owners), eniIDs(owners))}
		}
		if len(owners) == 1 {
			e = owners[0]
		} else {
			ep.external = true
		}
	}
	w.describe(&ep, e)
	return ep, nil
}

func (w *walker) resolveDestination(q Query, src endpoint) (endpoint, error) {
	ep := endpoint{end: PathEnd{Input: q.To.Raw, Port: q.Port}}
	var e *ENI
	switch q.To.Kind {
	case EndENI, EndInstance:
		var err error
		if e, err = w.eniByID(q.To, "--to"); err != nil {
			return ep, err
		}
		ep.addr = e.PrimaryIP()
	case EndHost:
		ep.host = true
		ep.end.Name = q.To.Host
		return ep, nil
	case EndAddress:
		ep.addr = q.To.Addr
		owners := w.ix.enisByAddr[q.To.Addr]
		switch {
		case len(owners) == 1:
			e = owners[0]
		case len(owners) > 1:
			for _, o := range owners {
				if src.eni != nil && o.VPCID == src.eni.VPCID {
					e = o
				}
			}
			if e == nil {
				return ep, &InputError{fmt.Sprintf("--to %s: the address belongs to %d interfaces in overlapping VPCs (%s); name the ENI instead", q.To.Addr, len(owners), eniIDs(owners))}
			}
		default:
			if m, ok := w.ix.byPublic[q.To.Addr]; ok && m.eni != nil {
				e, ep.viaPublic = m.eni, true
			} else {
				ep.external = true
			}
		}
	}
	w.describe(&ep, e)
	return ep, nil
}

// nameOf is the ENI's Name tag, else its instance's.
func (w *walker) nameOf(e *ENI) string { return w.n.nameOf(e) }

func eniIDs(list []*ENI) string {
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	return strings.Join(ids, ", ")
}

func (w *walker) instancePrimary(id string) *ENI {
	if list := w.ix.instanceENIs[id]; len(list) > 0 {
		return list[0]
	}
	if inst := w.n.Instances[id]; inst != nil && len(inst.ENIIDs) > 0 {
		return w.n.ENIs[inst.ENIIDs[0]]
	}
	return nil
}

// notFound is an input error unless the data that would hold the resource
// is missing, in which case the report says unknown.
func (w *walker) notFound(flag, id string, k DataKind) error {
	if g, ok := w.ix.gap(k); ok {
		return newDataError(flag, id, fmt.Sprintf("%s %s: cannot be found because %s is missing (%s)", flag, id, k, g.Reason), g)
	}
	if g, ok := w.n.unreadableAccount(k); ok {
		return newDataError(flag, id, fmt.Sprintf("%s %s: not in the data; it may belong to account %s, which could not be read (%s)", flag, id, g.Account, g.Reason), g)
	}
	return &InputError{fmt.Sprintf("%s %s: no such resource in the network (check the ID, the account and the region)", flag, id)}
}

// DataError says the query cannot be answered because data is missing; the
// verdict is unknown. UnknownReport turns it into the report of the path.
type DataError struct {
	Msg string
	// Flag is the end that cannot be resolved ("--from" or "--to") and
	// Input what was typed for it.
	Flag, Input string
	// Gap is the missing data: its kind, why, and the IAM action.
	Gap Gap
}

func newDataError(flag, input, msg string, g Gap) *DataError {
	return &DataError{Msg: msg + remedy(g), Flag: flag, Input: input, Gap: g}
}

func (e *DataError) Error() string { return e.Msg }
