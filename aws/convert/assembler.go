package convert

import (
	"fmt"
	"maps"
	"reflect"
	"sync"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// Assembler builds networks while a load is still reading the account. The
// network interfaces, the largest output of a region by far, are converted
// once, page by page, as the loader hands them over, and their raw pages
// are not kept; each network is then assembled from the converted
// interfaces and the rest of the inventory, which is small and converted
// again each time. The networks it gives are those Network gives for the
// whole inventory.
//
// The interfaces of a listing count only once the listing has finished
// (Done): a listing that fails leaves none, as when its pages are merged
// into the inventory at the end. An Assembler is safe for concurrent use.
type Assembler struct {
	mu sync.Mutex
	// reading converts the pages of the listing in progress; done holds
	// the interfaces of the last listing that finished.
	reading *interfacePages
	done    *interfacePages
}

// interfacePages is what the pages of one listing converted to, with the
// problems found, in the order Network reports them.
type interfacePages struct {
	enis    map[string]*checks.ENI
	errs    []error
	scoped  []checks.Gap
	entries int
}

func newInterfacePages() *interfacePages {
	return &interfacePages{enis: map[string]*checks.ENI{}}
}

// NewAssembler returns an Assembler that holds no interfaces yet.
func NewAssembler() *Assembler {
	return &Assembler{}
}

// Page converts one page of describe-network-interfaces output, entries
// numbered on from the pages before it.
func (a *Assembler) Page(page []ec2types.NetworkInterface) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.reading == nil {
		a.reading = newInterfacePages()
	}
	p := a.reading
	c := &netConverter{inv: inventory.NewInventory(), n: &checks.Network{ENIs: p.enis}, errs: p.errs, scoped: p.scoped}
	for i, ni := range page {
		at := p.entries + i
		if awsString(ni.NetworkInterfaceId) == "" {
			c.noID(checks.KindNetworkInterfaces, "describe-network-interfaces", fmt.Sprintf("entry %d", at), "NetworkInterfaceId")
			continue
		}
		e := c.eni(ni, checks.KindNetworkInterfaces)
		mergePut(c.n.ENIs, e.ID, e)
	}
	p.entries += len(page)
	p.errs, p.scoped = c.errs, c.scoped
}

// Done ends the listing whose pages arrived: when it succeeded its
// interfaces replace those of any earlier listing; when it failed they are
// dropped.
func (a *Assembler) Done(ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ok {
		if a.reading == nil {
			a.reading = newInterfacePages()
		}
		a.done = a.reading
	}
	a.reading = nil
}

// Interfaces is the number of interfaces of the finished listing.
func (a *Assembler) Interfaces() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done == nil {
		return 0
	}
	return len(a.done.enis)
}

// Network assembles the network of rest (an inventory whose interfaces
// were handed to the assembler instead of kept in it) and the converted
// interfaces, with the errors and gaps Network would give. The networks
// share the converted interfaces, so a region's interfaces are held once
// however many networks a load shows; an interface that this network's
// conversion or compilation would write to (its instance or platform
// completed from describe-instances, its VPC from its subnet) is copied
// first, so nothing a network handed out earlier can see is ever written.
func (a *Assembler) Network(rest *inventory.Inventory) (*checks.Network, error) {
	if rest == nil {
		return nil, fmt.Errorf("convert: no inventory")
	}
	a.mu.Lock()
	done := a.done
	a.mu.Unlock()
	return convertNetwork(rest, func(c *netConverter) {
		// Interfaces in rest itself (none from a load that handed its
		// pages over) are converted as Network would, first.
		c.networkInterfaces()
		if done == nil {
			return
		}
		// The map and slices of done are never changed once it is done:
		// a later listing builds a new one.
		listed := map[string]bool{}
		for _, r := range c.inv.Reservations {
			for _, in := range r.Instances {
				if awsString(in.InstanceId) == "" {
					continue
				}
				for _, ni := range in.NetworkInterfaces {
					listed[awsString(ni.NetworkInterfaceId)] = true
				}
			}
		}
		// A clone of the map copies its table wholesale, far faster than
		// inserting the interfaces one by one.
		all := maps.Clone(done.enis)
		own := c.n.ENIs
		for id, e := range own {
			if shared, ok := all[id]; ok {
				// As mergePut: rest's copy, converted first, is kept
				// and completed from the listing's.
				fillZeroFields(reflect.ValueOf(e).Elem(), reflect.ValueOf(shared).Elem())
			}
			all[id] = e
		}
		c.n.ENIs = all
		for id, e := range all {
			if len(own) > 0 && own[id] == e {
				continue
			}
			if e.VPCID == "" || e.InstanceID == "" && listed[id] || e.InstanceID != "" && e.Platform != c.platforms[e.InstanceID] {
				cp := *e
				all[id] = &cp
			}
		}
		c.errs = append(c.errs, done.errs...)
		for _, g := range done.scoped {
			if g.Scope == "" && containsWholeGap(c.scoped, g.Kind) {
				continue
			}
			c.scoped = append(c.scoped, g)
		}
	})
}

func containsWholeGap(gaps []checks.Gap, kind checks.DataKind) bool {
	for _, g := range gaps {
		if g.Kind == kind && g.Scope == "" {
			return true
		}
	}
	return false
}
