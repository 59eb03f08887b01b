package aws

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
)

// maxOwnerRounds bounds the rounds that ask owners for what other
// accounts found: a subnet's VPC, then its transit gateway, then what that
// names. Each round asks only for resources no part has read yet, so the
// chain ends; the bound keeps a pathological organisation finite.
const maxOwnerRounds = 3

// LoadOrganizationPath reads, in every account and Region of res, only
// what a check between the from and to ends needs, instead of every
// resource of every account (LoadOrganization).
//
// First every part runs Loader.LoadPath on the ends at once: a part finds
// the ends it holds and reads what they lead to, and a part that holds
// neither makes only the first round's calls. Then the resources the
// parts found but do not own are read by their owners, the parts of the
// same Region in the accounts named by their OwnerId: the VPC of a subnet
// shared with the account that holds an end (its route tables, network
// ACLs and transit gateway attachments are the owner's), a transit gateway
// shared with it (its route tables and propagations are the owner's), and
// the VPC across a peering a route names (in the Region and account the
// peering names), where an address that is no interface's may lie. That repeats while new owners' resources turn up, at most
// maxOwnerRounds times: the rounds grow with the chain of owners a path
// crosses, not with the number of accounts.
//
// As with LoadPath, each part marks the kinds it read present: together
// the parts hold everything the path can touch. A part that fails as a
// whole is a ScopeFailure, as in LoadOrganization; an end found in no
// account is left to the check to report.
func LoadOrganizationPath(ctx context.Context, res *Resolution, accountConcurrency, overallConcurrency int, from, to []string, opts ...Option) (*Organization, error) {
	start := time.Now()
	overall, accountSlots := sharedLimits(res, accountConcurrency, overallConcurrency)
	type partState struct {
		invs    []*inventory.Inventory
		stats   Stats
		failure *ScopeFailure
		// asked are the VPCs and transit gateways this part was asked to
		// read for another part.
		asked map[string]bool
	}
	states := make([]partState, len(res.Targets))
	index := map[string]int{}
	for i, t := range res.Targets {
		index[t.Scope.Account+"/"+t.Scope.Region] = i
		states[i].asked = map[string]bool{}
	}
	stats := Stats{Calls: res.Calls, Rounds: res.Rounds, ByAction: map[string]int{}}

	// run loads the parts in seeds at once, each with its seeds (the ends
	// themselves when first is set).
	run := func(seeds map[int]pathSeeds, first bool) {
		var wg sync.WaitGroup
		longest := 0
		var mu sync.Mutex
		for i, seed := range seeds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t := res.Targets[i]
				l := NewLoader(t.Config, append(slices.Clone(opts), WithSharedLimits(accountSlots[t.Scope.Account], overall))...)
				var ends, others []string
				if first {
					ends, others = from, to
				}
				inv, st, err := l.loadPath(ctx, ends, others, seed, nil)
				var notFound *NotFoundError
				mu.Lock()
				defer mu.Unlock()
				s := &states[i]
				s.stats.Calls += st.Calls
				s.stats.Attempts += st.Attempts
				if s.stats.ByAction == nil {
					s.stats.ByAction = map[string]int{}
				}
				for a, n := range st.ByAction {
					s.stats.ByAction[a] += n
				}
				longest = max(longest, st.Rounds)
				switch {
				case err == nil, errors.As(err, &notFound):
					// An end this part does not hold is another's.
					s.invs = append(s.invs, inv)
				case s.failure == nil:
					s.failure = partFailure(t.Scope, err)
				}
			}()
		}
		wg.Wait()
		stats.Rounds += longest
	}

	all := map[int]pathSeeds{}
	for i := range res.Targets {
		all[i] = pathSeeds{}
	}
	run(all, true)
	for range maxOwnerRounds {
		if ctx.Err() != nil {
			break
		}
		// What each part read, and the owners of what it found.
		read := make([]map[string]bool, len(states))
		for i, s := range states {
			read[i] = map[string]bool{}
			for _, inv := range s.invs {
				for _, v := range inv.VPCs {
					read[i][awssdk.ToString(v.VpcId)] = true
				}
				for _, g := range inv.TransitGateways {
					read[i][awssdk.ToString(g.TransitGatewayId)] = true
				}
			}
		}
		need := map[int]pathSeeds{}
		ask := func(owner, region, id string, tgw bool) {
			j, ok := index[owner+"/"+region]
			if !ok || id == "" || read[j][id] || states[j].asked[id] || states[j].failure != nil {
				return
			}
			states[j].asked[id] = true
			seed := need[j]
			if tgw {
				seed.tgws = append(seed.tgws, id)
			} else {
				seed.vpcs = append(seed.vpcs, id)
			}
			need[j] = seed
		}
		// The peerings a route of a read VPC names: the VPC on their other
		// side is where such a route leads, whoever owns it.
		routed := map[string]bool{}
		for _, s := range states {
			for _, inv := range s.invs {
				for _, rt := range inv.RouteTables {
					for _, r := range rt.Routes {
						if id := awssdk.ToString(r.VpcPeeringConnectionId); id != "" {
							routed[id] = true
						}
					}
				}
			}
		}
		for _, s := range states {
			for _, inv := range s.invs {
				for _, p := range inv.Peerings {
					if !routed[awssdk.ToString(p.VpcPeeringConnectionId)] {
						continue
					}
					for _, side := range []*ec2types.VpcPeeringConnectionVpcInfo{p.RequesterVpcInfo, p.AccepterVpcInfo} {
						if side != nil {
							ask(awssdk.ToString(side.OwnerId), awssdk.ToString(side.Region), awssdk.ToString(side.VpcId), false)
						}
					}
				}
			}
		}
		for i, s := range states {
			scope := res.Targets[i].Scope
			for _, inv := range s.invs {
				for _, v := range inv.VPCs {
					if owner := awssdk.ToString(v.OwnerId); owner != scope.Account {
						ask(owner, scope.Region, awssdk.ToString(v.VpcId), false)
					}
				}
				for _, g := range inv.TransitGateways {
					if owner := awssdk.ToString(g.OwnerId); owner != scope.Account {
						ask(owner, scope.Region, awssdk.ToString(g.TransitGatewayId), true)
					}
				}
			}
		}
		if len(need) == 0 {
			break
		}
		run(need, false)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var parts []Part
	failures := slices.Clone(res.Failures)
	for i, s := range states {
		scope := res.Targets[i].Scope
		stats.Calls += s.stats.Calls
		stats.Attempts += s.stats.Attempts
		for a, n := range s.stats.ByAction {
			stats.ByAction[a] += n
		}
		if s.failure != nil {
			failures = append(failures, *s.failure)
			parts = append(parts, Part{Scope: scope, Stats: s.stats})
			continue
		}
		parts = append(parts, Part{Scope: scope, Inventory: joinRounds(s.invs, scope.Folder()), Stats: s.stats})
	}
	org := assemble(parts, failures, nil)
	stats.Elapsed = time.Since(start)
	org.Stats = stats
	return org, nil
}

// joinRounds is one part's inventory from its rounds: a kind is present
// when a round read it.
func joinRounds(invs []*inventory.Inventory, folder string) *inventory.Inventory {
	if len(invs) == 1 {
		return invs[0]
	}
	m := inventory.NewMerger()
	for _, inv := range invs {
		m.Add(inv, folder, nil)
	}
	return m.Inventory()
}
