package flowlogs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInsightsQuery(t *testing.T) {
	got := InsightsQuery([]string{"eni-0a", "eni-0b"}, []netip.Addr{ip("10.0.16.45"), ip("10.0.33.12")})
	want := `fields @timestamp, @message, @logStream
| filter @logStream like "eni-0a" or @logStream like "eni-0b"
| filter @message like "10.0.16.45" and @message like "10.0.33.12"
| sort @timestamp asc
| limit 10000`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if q := InsightsQuery(nil, nil); strings.Contains(q, "filter") {
		t.Errorf("no filters expected: %s", q)
	}
	if quote(`a"b\`) != `"a\"b\\"` {
		t.Errorf("quote: %s", quote(`a"b\`))
	}
}

// TestInsightsStopsQueryOnCancel: a query the user gives up on is stopped
// on the service side (moto has no StopQuery, so a small server speaking
// the JSON protocol stands in).
func TestInsightsStopsQueryOnCancel(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	var start map[string]any
	stopped := make(chan string, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		op = op[strings.LastIndexByte(op, '.')+1:]
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		calls = append(calls, op)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch op {
		case "StartQuery":
			mu.Lock()
			start = in
			mu.Unlock()
			json.NewEncoder(w).Encode(map[string]string{"queryId": "q-1"})
		case "GetQueryResults":
			json.NewEncoder(w).Encode(map[string]any{"status": "Running", "results": []any{}})
		case "StopQuery":
			stopped <- in["queryId"].(string)
			json.NewEncoder(w).Encode(map[string]bool{"success": true})
		}
	}))
	defer ts.Close()
	tg := Target{LogGroups: []LogGroup{{Name: "/vpc/flow-logs/prod", ARN: groupARN}}, ENIs: []string{appENI}}
	from, to := time.Unix(1763632800, 0), time.Unix(1763634600, 0)
	src := NewInsightsSource(newTestLogsClient(ts.URL, nil), tg, from, to, InsightsOptions{PollEvery: 10 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := src.Run(ctx, func(Batch) {}); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-stopped:
		if id != "q-1" {
			t.Errorf("stopped %q", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("StopQuery was not called: %v", calls)
	}
	mu.Lock()
	defer mu.Unlock()
	if start["startTime"] != float64(1763632800) || start["endTime"] != float64(1763634600) || !equalJSON(start["logGroupNames"], []string{"/vpc/flow-logs/prod"}) ||
		start["limit"] != float64(InsightsLimit) || !strings.Contains(start["queryString"].(string), `@logStream like "`+appENI+`"`) {
		t.Errorf("StartQuery input %v", start)
	}
}

// insightsServer answers StartQuery and GetQueryResults with pages of
// results, one page per token, the last without a next token.
func insightsServer(t *testing.T, pages [][]string) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		op = op[strings.LastIndexByte(op, '.')+1:]
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch op {
		case "StartQuery":
			json.NewEncoder(w).Encode(map[string]string{"queryId": "q-1"})
		case "GetQueryResults":
			page := 0
			if tok, ok := in["nextToken"].(string); ok {
				fmt.Sscan(tok, &page)
			}
			var rows []any
			if page < len(pages) {
				for _, msg := range pages[page] {
					rows = append(rows, []map[string]string{{"field": "@message", "value": msg}, {"field": "@logStream", "value": appENI + "-all"}})
				}
			}
			out := map[string]any{"status": "Complete", "results": rows}
			if page+1 < len(pages) {
				out["nextToken"] = fmt.Sprint(page + 1)
			}
			json.NewEncoder(w).Encode(out)
		default:
			json.NewEncoder(w).Encode(map[string]any{})
		}
	}))
}

// TestInsightsPagesAndNothingFound: every page of results is read once,
// in order; a query that finds nothing says what it asked for.
func TestInsightsPagesAndNothingFound(t *testing.T) {
	rec := func(port int) string {
		return fmt.Sprintf("2 111122223333 %s 10.0.16.45 10.0.33.12 %d 5432 6 3 180 1763632800 1763632860 ACCEPT OK", appENI, port)
	}
	hosts := []netip.Addr{netip.MustParseAddr("10.0.16.45"), netip.MustParseAddr("10.0.33.12")}
	for _, tc := range []struct {
		name  string
		pages [][]string
		ports []uint16
		note  string
	}{
		{name: "three pages", pages: [][]string{{rec(40001), rec(40002)}, {rec(40003)}, {rec(40004)}}, ports: []uint16{40001, 40002, 40003, 40004}},
		{name: "nothing found", pages: [][]string{{}},
			note: "the Logs Insights query found nothing: it asked for the records of /vpc/flow-logs/prod in the streams of " + appENI +
				" whose text holds 10.0.16.45 and 10.0.33.12, stamped 2025-11-20 10:00:00Z to 10:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := insightsServer(t, tc.pages)
			defer ts.Close()
			tg := Target{LogGroups: []LogGroup{{Name: "/vpc/flow-logs/prod", ARN: groupARN}}, ENIs: []string{appENI}}
			src := NewInsightsSource(newTestLogsClient(ts.URL, nil), tg, time.Unix(1763632800, 0), time.Unix(1763634600, 0),
				InsightsOptions{Options: Options{FlushInterval: 10 * time.Millisecond}, Hosts: hosts, PollEvery: 10 * time.Millisecond})
			bs, err := collect(t, src)
			if err != nil {
				t.Fatal(err)
			}
			b := sum(bs)
			var ports []uint16
			for _, f := range b.Flows {
				ports = append(ports, f.SrcPort)
			}
			if !slices.Equal(ports, tc.ports) || strings.TrimSpace(b.Note) != tc.note {
				t.Errorf("ports %v, note %q; want %v, %q", ports, b.Note, tc.ports, tc.note)
			}
		})
	}
}
