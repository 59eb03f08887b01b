// Query end cases: an end the network does not hold is bad input, unless
// the data that would hold it is missing.

package checks

import "testing"

func TestQueryEndErrors(t *testing.T) {
	interfacesMissing := func(b *netBuilder) {
		b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkInterfaces, Reason: "AccessDenied"})
	}
	for _, tc := range []struct {
		name     string
		change   func(b *netBuilder)
		from, to string
		// dataError: the end is unknown for want of data, not bad input.
		dataError bool
	}{
		{name: "an unknown source interface", from: "eni-nothere", to: "10.0.2.20:443"},
		{name: "an unknown destination interface", from: "eni-client", to: "eni-nothere:443"},
		{name: "an unknown source instance", from: "i-nothere", to: "10.0.2.20:443"},
		{name: "an unknown source interface without the interfaces", change: interfacesMissing, from: "eni-nothere", to: "10.0.2.20:443", dataError: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			if tc.change != nil {
				tc.change(b)
			}
			_, err := Evaluate(b.n, mustQuery(t, tc.from, tc.to, "tcp", 0))
			if err == nil {
				t.Fatalf("%s → %s: want an error", tc.from, tc.to)
			}
			_, input := err.(*InputError)
			_, data := err.(*DataError)
			switch {
			case tc.dataError && !data:
				t.Errorf("%s → %s: %T %v, want a *DataError", tc.from, tc.to, err, err)
			case !tc.dataError && !input:
				t.Errorf("%s → %s: %T %v, want an *InputError", tc.from, tc.to, err, err)
			}
		})
	}
}
