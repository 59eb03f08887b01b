package flowlogs

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/reachnet/reach/checks"
)

func flowN(i int) checks.Flow {
	return checks.Flow{DstPort: uint16(i % 65536), Bytes: int64(i), Action: "ACCEPT", LogStatus: "OK", TCPFlags: -1}
}

// TestBatcherLossyDropsOldest: a live source never waits for a slow
// consumer; it keeps the newest records and counts the others.
func TestBatcherLossyDropsOldest(t *testing.T) {
	var got []Batch
	b := newBatcher(Options{MaxPending: 10}, true, "test", func(x Batch) { got = append(got, x) })
	for i := 0; i < 25; i++ {
		r := flowN(i)
		b.add(&r)
	}
	b.flush()
	if len(got) != 1 || len(got[0].Flows) != 10 || got[0].Dropped != 15 || got[0].Flows[0].Bytes != 15 || got[0].Source != "test" {
		t.Fatalf("got %d batches: %+v", len(got), got)
	}
	b.flush()
	if len(got) != 1 {
		t.Errorf("an idle flush emitted %+v", got[1:])
	}
}

// TestBatcherLosslessWaits: a file source slows to its consumer instead.
func TestBatcherLosslessWaits(t *testing.T) {
	var n, batches int
	b := newBatcher(Options{MaxPending: 10}, false, "test", func(x Batch) { n += len(x.Flows); batches++ })
	for i := 0; i < 25; i++ {
		r := flowN(i)
		b.add(&r)
	}
	b.flush()
	if n != 25 || batches != 3 {
		t.Errorf("%d records in %d batches", n, batches)
	}
}

func TestBatcherFiltersAndCountsMalformed(t *testing.T) {
	var got Batch
	b := newBatcher(Options{Filter: Filter{Hosts: []netip.Addr{ip("10.0.0.1")}, Action: "REJECT"}}, true, "test", func(x Batch) { got = x })
	b.line("2 1 eni-1 10.0.0.1 10.0.0.2 1024 22 6 1 60 1 2 REJECT OK")
	b.line("2 1 eni-1 10.0.0.1 10.0.0.2 1024 22 6 1 60 1 2 ACCEPT OK")
	b.line("2 1 eni-1 10.0.0.3 10.0.0.2 1024 22 6 1 60 1 2 REJECT OK")
	for i := 0; i < 5; i++ {
		b.line(fmt.Sprintf("garbage %d", i))
	}
	b.flush()
	if len(got.Flows) != 1 || got.Filtered != 2 || got.Malformed != 5 || len(got.Samples) != maxSamples || got.Samples[0].Line != "garbage 0" {
		t.Errorf("got %+v", got)
	}
}

// pace produces lines at rate per second for d, as a busy Live Tail would,
// through the batcher's real path (parse, filter, pending buffer), and
// returns how many it produced.
func pace(ctx context.Context, b *batcher, rate int, d time.Duration) int {
	const tick = 10 * time.Millisecond
	per := rate * int(tick) / int(time.Second)
	t := time.NewTicker(tick)
	defer t.Stop()
	end := time.Now().Add(d)
	n := 0
	line := []byte("2 123456789010 eni-0f6a7b8c9d0e10012 10.0.16.45 10.0.33.12 40512 5432 6 12 2880 1763632800 1763632860 ACCEPT OK")
	for time.Now().Before(end) && ctx.Err() == nil {
		<-t.C
		for i := 0; i < per; i++ {
			b.lineBytes(line)
			n++
		}
	}
	return n
}

// TestBatchingKeepsUpWithTwentyThousand: a tail delivering 20,000 records a
// second reaches a consumer (standing in for the terminal's Update: a
// channel, then Ring.Add) in batches about every 200 ms. Only counts and
// bounds are asserted; the batch figures are logged.
func TestBatchingKeepsUpWithTwentyThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("paced for two seconds")
	}
	const rate, dur = 20_000, 2 * time.Second
	ring := NewRing(10_000)
	ch := make(chan Batch, 1)
	var wg sync.WaitGroup
	var batches, biggest int
	var worst time.Duration
	wg.Add(1)
	go func() {
		defer wg.Done()
		last := time.Now()
		for b := range ch {
			if gap := time.Since(last); gap > worst {
				worst = gap
			}
			last = time.Now()
			batches++
			biggest = max(biggest, len(b.Flows))
			ring.Add(b)
		}
	}()
	ctx := context.Background()
	b := newBatcher(Options{}, true, "paced", func(x Batch) { ch <- x })
	stop := b.start(ctx, DefaultFlushInterval)
	produced := pace(ctx, b, rate, dur)
	stop()
	close(ch)
	wg.Wait()
	if ring.Total()+ring.Dropped() != produced {
		t.Errorf("produced %d, received %d, dropped %d", produced, ring.Total(), ring.Dropped())
	}
	if ring.Len() != min(ring.Cap(), ring.Total()) || ring.Evicted() != ring.Total()-ring.Len() {
		t.Errorf("ring holds %d of %d (cap %d), evicted %d", ring.Len(), ring.Total(), ring.Cap(), ring.Evicted())
	}
	t.Logf("%d records in %v (%d/s): %d batches, largest %d records, longest gap between batches %v, dropped %d",
		produced, dur, produced*int(time.Second)/int(dur), batches, biggest, worst.Round(time.Millisecond), ring.Dropped())
}

// TestMemoryAfterAnHour pushes an hour's worth of records at 20,000 a
// second (72 million, unpaced) through parsing, the batcher and a ring of
// 10,000, and reports the heap: the ring, not the stream's length, bounds
// it. It takes a minute, so it runs only with REACH_FLOW_HOUR=1; by
// default it pushes one minute's worth (1.2 million).
func TestMemoryAfterAnHour(t *testing.T) {
	records := 20_000 * 60
	if os.Getenv("REACH_FLOW_HOUR") == "1" {
		records = 20_000 * 3600
	}
	ring := NewRing(10_000)
	b := newBatcher(Options{}, false, "hour", func(x Batch) { ring.Add(x) })
	line := []byte("2 123456789010 eni-0f6a7b8c9d0e10012 10.0.16.45 10.0.33.12 40512 5432 6 12 2880 1763632800 1763632860 ACCEPT OK")
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	for i := 0; i < records; i++ {
		b.lineBytes(line)
		if i%4000 == 3999 {
			// A flush every 200 ms of the stream's time.
			b.flush()
		}
	}
	b.flush()
	elapsed := time.Since(start)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if ring.Total() != records || ring.Len() != ring.Cap() || ring.Dropped() != 0 {
		t.Errorf("total %d of %d, ring %d/%d, dropped %d", ring.Total(), records, ring.Len(), ring.Cap(), ring.Dropped())
	}
	t.Logf("%d records (%.0f s at 20,000/s) in %v (%.2f M records/s through parse, batch and ring): live heap %.1f MiB (ring of %d records × %d B = %.1f MiB), %.1f MiB allocated in total",
		records, float64(records)/20_000, elapsed.Round(time.Millisecond), float64(records)/elapsed.Seconds()/1e6,
		float64(after.HeapAlloc)/(1<<20), ring.Cap(), flowSize, float64(ring.Cap()*flowSize)/(1<<20),
		float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
	runtime.KeepAlive(ring)
}

var flowSize = int(unsafeSizeofFlow())

func unsafeSizeofFlow() uintptr { return unsafe.Sizeof(checks.Flow{}) }
