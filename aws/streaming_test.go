package aws

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// A full load that hands the interfaces over page by page gives the
// network the whole inventory converts to, and keeps no interface in the
// inventory it returns or in any event's.
func TestLoadAllStreamingGivesTheSameNetwork(t *testing.T) {
	for _, tc := range []struct {
		name       string
		interfaces int
		instances  int
		failPage   int
		pages      int
		wantENIs   int
		empty      bool
	}{
		{"three pages, and two of instances", 2500, 1200, 0, 3, 2500 + 120, false},
		{"exactly one page", 1000, 0, 0, 1, 1000, false},
		// The instances' own interfaces remain, from describe-instances.
		{"the second page fails", 2500, 1200, 2, 0, 1200 + 120, false},
		{"no interfaces", 0, 0, 0, 1, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stand, srv := newPagedEC2(t, tc.interfaces)
			stand.failPage, stand.instances = tc.failPage, tc.instances
			ctx := context.Background()
			whole, _, wholeErr := testLoader(srv.URL).LoadAll(ctx, nil)
			want, wantConvErr := convert.Network(whole)

			stand.pages.Store(0)
			stand.tokens = nil
			asm := convert.NewAssembler()
			events, carried := 0, 0
			rest, _, err := testLoader(srv.URL).LoadAllStreaming(ctx, asm, func(ev Event) {
				events++
				carried += len(ev.Inventory.NetworkInterfaces) + len(ev.Inventory.Reservations)
			})
			var empty *EmptyRegionError
			if errors.As(err, &empty) != tc.empty || errors.As(wholeErr, &empty) != tc.empty {
				t.Fatalf("errors: streaming %v, whole %v; want an empty region: %v", err, wholeErr, tc.empty)
			}
			if !tc.empty && (err != nil || wholeErr != nil) {
				t.Fatalf("errors: streaming %v, whole %v", err, wholeErr)
			}
			if len(rest.NetworkInterfaces) != 0 || len(rest.Reservations) != 0 || carried != 0 || events == 0 {
				t.Fatalf("the inventory kept %d interfaces and %d reservations, %d events carried %d", len(rest.NetworkInterfaces), len(rest.Reservations), events, carried)
			}
			if len(assembledNetwork(asm, rest).Instances) != tc.instances {
				t.Fatalf("%d instances, want %d", len(assembledNetwork(asm, rest).Instances), tc.instances)
			}
			got, convErr := asm.Network(rest)
			if !reflect.DeepEqual(errText(convErr), errText(wantConvErr)) {
				t.Fatalf("conversion error %v, want %v", convErr, wantConvErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("the streamed network differs from the converted inventory's: %d interfaces, want %d; gaps %v, want %v", len(got.ENIs), len(want.ENIs), got.Gaps, want.Gaps)
			}
			if len(got.ENIs) != tc.wantENIs {
				t.Fatalf("%d interfaces, want %d", len(got.ENIs), tc.wantENIs)
			}
			failed := slices.ContainsFunc(got.Gaps, func(g checks.Gap) bool { return g.Kind == checks.KindNetworkInterfaces })
			if failed != (tc.failPage > 0) {
				t.Fatalf("interfaces gap %v, want %v: %v", failed, tc.failPage > 0, got.Gaps)
			}
			if tc.pages > 0 {
				var want []string
				for p := range tc.pages {
					tok := ""
					if p > 0 {
						tok = "page-from-" + strconv.Itoa(p*1000)
					}
					want = append(want, tok)
				}
				// A retried attempt asks for the same page again.
				if asked := slices.Compact(slices.Clone(stand.tokens)); !slices.Equal(asked, want) {
					t.Fatalf("pages asked %q, want %q", asked, want)
				}
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// assembledNetwork is the network of rest and what asm converted.
func assembledNetwork(asm *convert.Assembler, rest *inventory.Inventory) *checks.Network {
	n, _ := asm.Network(rest)
	return n
}
