package convert

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// Assembler builds networks while a load is still reading the account. The
// network interfaces and the instances, the largest outputs of a region by
// far, are converted once, page by page, as the loader hands them over, and
// their raw pages are not kept; each network is then assembled from the
// converted parts and the rest of the inventory, which is small and
// converted again each time. The networks it gives are those Network gives
// for the whole inventory.
//
// A listing counts only once it has finished (Done): a listing that fails
// leaves nothing, as when its pages are merged into the inventory at the
// end. An Assembler takes one listing of each kind; it is safe for
// concurrent use.
type Assembler struct {
	mu sync.Mutex
	// interfaces and instances convert the pages of each listing; the
	// listing counts once done is set.
	interfaces *interfacePages
	instances  *instancePages
	// misuse is set when a kind was listed twice or fed after it ended.
	misuse error
	// completed is the interfaces once both listings ended, completed
	// from the instances as every network completes them.
	completed *completedInterfaces
}

// completedInterfaces is the interfaces of both finished listings as
// Network completes them from the instances: their instance and platform
// filled in, the interfaces only instances list added, with the problems
// those had. Networks share it; compilation completing an interface's VPC
// from its subnet (which may arrive later) is the one write left, so the
// interfaces without their VPC are copied per network.
type completedInterfaces struct {
	enis   map[string]*checks.ENI
	noVPC  []string
	errs   []error
	scoped []checks.Gap
}

// interfacePages is what the pages of describe-network-interfaces
// converted to, with the problems found, in the order Network reports them.
type interfacePages struct {
	enis    map[string]*checks.ENI
	errs    []error
	scoped  []checks.Gap
	entries int
	done    bool
}

// instancePages is what the pages of describe-instances converted to. The
// interfaces the instances list are kept for what Network completes from
// them: the instance of a listed interface, and whole interfaces that
// describe-network-interfaces did not list (converted from the instance's
// copy, kept until the interfaces' listing shows they are not needed).
type instancePages struct {
	// seen and kept follow the loader's merge of the pages: an instance
	// seen before is left out, a reservation left with none is dropped.
	seen      map[string]bool
	kept      int
	instances map[string]*checks.Instance
	platforms map[string]string
	errs      []error
	scoped    []checks.Gap
	nics      []instanceNIC
	// listed holds the interfaces of nics.
	listed map[string]bool
	done   bool
}

// instanceNIC is one interface an instance lists, in the order
// describe-instances gives them.
type instanceNIC struct {
	eni, instance string
	device        *int32
	// own is the interface converted from the instance's copy, with the
	// problems found in it, for a network whose listing of interfaces
	// lacks it; nil once the interfaces' listing holds it. Its platform
	// is the instance's already, so that networks can share it.
	own *instanceInterface
}

type instanceInterface struct {
	eni    *checks.ENI
	errs   []error
	scoped []checks.Gap
}

func newInstancePages() *instancePages {
	return &instancePages{seen: map[string]bool{}, instances: map[string]*checks.Instance{}, platforms: map[string]string{}, listed: map[string]bool{}}
}

// NewAssembler returns an Assembler that holds nothing yet.
func NewAssembler() *Assembler {
	return &Assembler{}
}

var errListedTwice = errors.New("convert: a kind was listed twice into one assembler")

// InterfacesPage converts one page of describe-network-interfaces output,
// entries numbered on from the pages before it.
func (a *Assembler) InterfacesPage(page []ec2types.NetworkInterface) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.interfaces == nil {
		a.interfaces = &interfacePages{enis: map[string]*checks.ENI{}}
	}
	p := a.interfaces
	if p.done {
		a.misuse = errListedTwice
		return
	}
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

// InstancesPage converts one page of describe-instances output.
func (a *Assembler) InstancesPage(page []ec2types.Reservation) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.instances == nil {
		a.instances = newInstancePages()
	}
	p := a.instances
	if p.done {
		a.misuse = errListedTwice
		return
	}
	var kept []ec2types.Reservation
	for _, r := range page {
		var fresh []ec2types.Instance
		for _, in := range r.Instances {
			if id := awssdk.ToString(in.InstanceId); !p.seen[id] {
				p.seen[id] = true
				fresh = append(fresh, in)
			}
		}
		if len(fresh) > 0 {
			r.Instances = fresh
			kept = append(kept, r)
		}
	}
	c := &netConverter{inv: &inventory.Inventory{Reservations: kept}, n: &checks.Network{Instances: p.instances}, errs: p.errs, scoped: p.scoped}
	c.instances()
	// c.instances numbers reservations from 0: the page's come after the
	// pages before it.
	for i := len(p.errs); i < len(c.errs); i++ {
		c.errs[i] = renumberReservation(c.errs[i], p.kept)
	}
	maps.Copy(p.platforms, c.platforms)
	p.errs, p.scoped = c.errs, c.scoped
	p.kept += len(kept)
	for _, r := range kept {
		for _, in := range r.Instances {
			inst := awsString(in.InstanceId)
			var az *string
			if in.Placement != nil {
				az = in.Placement.AvailabilityZone
			}
			for _, ni := range in.NetworkInterfaces {
				id := awsString(ni.NetworkInterfaceId)
				if id == "" || inst == "" {
					continue
				}
				nic := instanceNIC{eni: id, instance: inst}
				if ni.Attachment != nil {
					nic.device = ni.Attachment.DeviceIndex
				}
				if a.interfaces == nil || !a.interfaces.done || a.interfaces.enis[id] == nil {
					own := &netConverter{n: &checks.Network{}}
					e := own.eni(interfaceOfInstance(ni, in.InstanceId, az), checks.KindInstances)
					e.Platform = p.platforms[inst]
					nic.own = &instanceInterface{eni: e, errs: own.errs, scoped: own.scoped}
				}
				p.nics = append(p.nics, nic)
				p.listed[id] = true
			}
		}
	}
}

// renumberReservation shifts the reservation index of an error of
// instances by the reservations of earlier pages.
func renumberReservation(err error, by int) error {
	msg := err.Error()
	var ri, ii int
	if _, scanErr := fmt.Sscanf(msg, "describe-instances Reservations[%d].Instances[%d]", &ri, &ii); scanErr != nil || by == 0 {
		return err
	}
	head := fmt.Sprintf("describe-instances Reservations[%d].Instances[%d]", ri, ii)
	if !strings.HasPrefix(msg, head) {
		return err
	}
	return fmt.Errorf("describe-instances Reservations[%d].Instances[%d]%s", ri+by, ii, msg[len(head):])
}

// Done ends the listing of a kind (checks.KindNetworkInterfaces or
// checks.KindInstances): when it succeeded what its pages converted to
// counts from now on; when it failed that is dropped.
func (a *Assembler) Done(kind checks.DataKind, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if kind == checks.KindNetworkInterfaces && a.interfaces != nil && a.interfaces.done || kind == checks.KindInstances && a.instances != nil && a.instances.done {
		a.misuse = errListedTwice
		return
	}
	switch kind {
	case checks.KindNetworkInterfaces:
		if !ok {
			a.interfaces = nil
			return
		}
		if a.interfaces == nil {
			a.interfaces = &interfacePages{enis: map[string]*checks.ENI{}}
		}
		a.interfaces.done = true
		if a.instances != nil {
			// The instances' copies of listed interfaces are not needed.
			for i := range a.instances.nics {
				if a.interfaces.enis[a.instances.nics[i].eni] != nil {
					a.instances.nics[i].own = nil
				}
			}
		}
	case checks.KindInstances:
		if !ok {
			a.instances = nil
			return
		}
		if a.instances == nil {
			a.instances = newInstancePages()
		}
		a.instances.done = true
	}
}

// Interfaces is the number of interfaces of the finished listing.
func (a *Assembler) Interfaces() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.interfaces == nil || !a.interfaces.done {
		return 0
	}
	return len(a.interfaces.enis)
}

// Network assembles the network of rest (an inventory whose interfaces
// and instances were handed to the assembler instead of kept in it) and
// the converted parts, with the errors and gaps Network would give. The
// networks share the converted interfaces and instances, so a region's are
// held once however many networks a load shows; an interface that this
// network's conversion or compilation would write to (its instance or
// platform completed from describe-instances, its VPC from its subnet) is
// copied first, so nothing a network handed out earlier can see is ever
// written.
func (a *Assembler) Network(rest *inventory.Inventory) (*checks.Network, error) {
	if rest == nil {
		return nil, errors.New("convert: no inventory")
	}
	// Held throughout: the end of the interfaces' listing drops the
	// instances' copies this reads.
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.misuse != nil {
		return nil, a.misuse
	}
	var ifaces *interfacePages
	if a.interfaces != nil && a.interfaces.done {
		ifaces = a.interfaces
	}
	var insts *instancePages
	if a.instances != nil && a.instances.done {
		insts = a.instances
		if len(rest.Reservations) > 0 {
			return nil, errors.New("convert: instances both in the inventory and handed to the assembler")
		}
	}
	var parts convertedParts
	if ifaces != nil && insts != nil && len(rest.NetworkInterfaces) == 0 {
		if a.completed == nil {
			a.completed = completeInterfaces(ifaces, insts)
		}
		done := a.completed
		parts.instances = func(c *netConverter) {
			c.platforms = maps.Clone(insts.platforms)
			c.n.Instances = maps.Clone(insts.instances)
			c.errs = append(c.errs, insts.errs...)
			c.scoped = appendGaps(c.scoped, insts.scoped)
		}
		parts.interfaces = func(c *netConverter) {
			c.n.ENIs = maps.Clone(done.enis)
			for _, id := range done.noVPC {
				cp := *c.n.ENIs[id]
				c.n.ENIs[id] = &cp
			}
			c.errs = append(c.errs, ifaces.errs...)
			c.scoped = appendGaps(c.scoped, ifaces.scoped)
		}
		parts.instanceInterfaces = func(c *netConverter) {
			c.errs = append(c.errs, done.errs...)
			c.scoped = append(c.scoped, done.scoped...)
		}
		return convertNetwork(rest, parts)
	}
	if insts != nil {
		parts.instances = func(c *netConverter) {
			c.platforms = maps.Clone(insts.platforms)
			c.n.Instances = maps.Clone(insts.instances)
			c.errs = append(c.errs, insts.errs...)
			c.scoped = appendGaps(c.scoped, insts.scoped)
		}
		parts.instanceInterfaces = func(c *netConverter) {
			for _, nic := range insts.nics {
				if e, ok := c.n.ENIs[nic.eni]; ok {
					if e.InstanceID == "" {
						e.InstanceID = nic.instance
						if nic.device != nil {
							e.DeviceIndex = int(*nic.device)
						}
					}
					continue
				}
				if nic.own == nil {
					// Dropped because the interfaces' listing holds it,
					// and every listed interface is in the network.
					continue
				}
				e := nic.own.eni
				if e.VPCID == "" {
					cp := *e // compilation fills it in
					e = &cp
				}
				c.n.ENIs[nic.eni] = e
				c.errs = append(c.errs, nic.own.errs...)
				c.scoped = append(c.scoped, nic.own.scoped...)
			}
			c.interfacePlatforms()
		}
	}
	parts.interfaces = func(c *netConverter) {
		// Interfaces in rest itself (none from a load that handed its
		// pages over) are converted as Network would, first.
		c.networkInterfaces()
		if ifaces == nil {
			return
		}
		// The interfaces an instance lists whose instance this network
		// fills in.
		listed := map[string]bool{}
		if insts != nil {
			listed = insts.listed
		} else {
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
		}
		// A clone of the map copies its table wholesale, far faster than
		// inserting the interfaces one by one.
		all := maps.Clone(ifaces.enis)
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
		c.errs = append(c.errs, ifaces.errs...)
		c.scoped = appendGaps(c.scoped, ifaces.scoped)
	}
	return convertNetwork(rest, parts)
}

// completeInterfaces does once, for both finished listings, what Network
// does to the interfaces with the instances: interfaces whose instance or
// platform it fills in are copies, interfaces only instances list are
// their converted copies, already with their platform.
func completeInterfaces(ifaces *interfacePages, insts *instancePages) *completedInterfaces {
	all := maps.Clone(ifaces.enis)
	for id, e := range all {
		if e.InstanceID == "" && insts.listed[id] || e.InstanceID != "" && e.Platform != insts.platforms[e.InstanceID] {
			cp := *e
			all[id] = &cp
		}
	}
	c := &netConverter{n: &checks.Network{ENIs: all}, platforms: insts.platforms}
	for _, nic := range insts.nics {
		if e, ok := c.n.ENIs[nic.eni]; ok {
			if e.InstanceID == "" {
				e.InstanceID = nic.instance
				if nic.device != nil {
					e.DeviceIndex = int(*nic.device)
				}
			}
			continue
		}
		if nic.own == nil {
			continue // the interfaces' listing holds it
		}
		c.n.ENIs[nic.eni] = nic.own.eni
		c.errs = append(c.errs, nic.own.errs...)
		c.scoped = append(c.scoped, nic.own.scoped...)
	}
	c.interfacePlatforms()
	done := &completedInterfaces{enis: all, errs: c.errs, scoped: c.scoped}
	for id, e := range all {
		if e.VPCID == "" {
			done.noVPC = append(done.noVPC, id)
		}
	}
	return done
}

// appendGaps adds gaps as noID would: one whole-kind gap per kind.
func appendGaps(to, gaps []checks.Gap) []checks.Gap {
	for _, g := range gaps {
		if g.Scope == "" && containsWholeGap(to, g.Kind) {
			continue
		}
		to = append(to, g)
	}
	return to
}

func containsWholeGap(gaps []checks.Gap, kind checks.DataKind) bool {
	for _, g := range gaps {
		if g.Kind == kind && g.Scope == "" {
			return true
		}
	}
	return false
}
