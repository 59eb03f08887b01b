package flowlogs

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

var (
	demoOnce sync.Once
	demoNet  *checks.Network
)

func demoNetwork(t *testing.T) *checks.Network {
	t.Helper()
	demoOnce.Do(func() {
		inv, err := snapshot.ReadFS(demo.FS(), ".")
		if err != nil {
			t.Fatal(err)
		}
		n, err := convert.Network(inv)
		if err != nil {
			t.Fatal(err)
		}
		convert.FlowLogs(inv, n)
		demoNet = n
	})
	return demoNet
}

// TestDemoSource: the demo stream needs no account, is reproducible, and
// every reject in it is explained by a rule of the demo's configuration.
func TestDemoSource(t *testing.T) {
	n := demoNetwork(t)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	run := func() Batch {
		bs, err := collect(t, NewDemoSource(n, DemoOptions{Seed: 7, Window: 5 * time.Minute, Now: func() time.Time { return now }}))
		if err != nil {
			t.Fatal(err)
		}
		return sum(bs)
	}
	a, b := run(), run()
	if len(a.Flows) < 100 || !reflect.DeepEqual(a.Flows, b.Flows) {
		t.Fatalf("%d and %d records, equal %v", len(a.Flows), len(b.Flows), reflect.DeepEqual(a.Flows, b.Flows))
	}
	rejects := 0
	for _, f := range a.Flows {
		if f.End.After(now) || f.End.Before(now.Add(-5*time.Minute)) {
			t.Errorf("record outside the window: %+v", f)
		}
		if f.Action != "REJECT" {
			continue
		}
		rejects++
		if at := checks.Attribute(n, f); !at.Agrees || at.Component == "" {
			t.Errorf("unexplained reject %+v: %+v", f, at)
		}
	}
	if rejects == 0 {
		t.Error("no rejects in the demo stream")
	}
}

// TestDemoSourceFollows keeps generating in real time after the history:
// records of both sides of the start appear (told apart by their times,
// not by when they arrive).
func TestDemoSourceFollows(t *testing.T) {
	n := demoNetwork(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	var mu sync.Mutex
	var history, followed int
	start := time.Now().Truncate(time.Second)
	err := NewDemoSource(n, DemoOptions{Window: time.Minute, Follow: true, Rate: 20, Options: Options{FlushInterval: 50 * time.Millisecond}}).Run(ctx, func(b Batch) {
		mu.Lock()
		defer mu.Unlock()
		for _, f := range b.Flows {
			if f.End.After(start) {
				followed++
			} else {
				history++
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if history == 0 || followed == 0 {
		t.Errorf("history %d records, then %d", history, followed)
	}
}
