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
// results, one page per token, the last without a next token: pages for a
// query that filters on addresses, broad for one of the streams alone
// (broadFails: that query is throttled). queries records every query
// string in the order asked.
func insightsServer(t *testing.T, pages, broad [][]string, broadFails bool, queries *[]string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		op = op[strings.LastIndexByte(op, '.')+1:]
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch op {
		case "StartQuery":
			q, _ := in["queryString"].(string)
			mu.Lock()
			if queries != nil {
				*queries = append(*queries, q)
			}
			mu.Unlock()
			id := "q-narrow"
			if !strings.Contains(q, "@message like") {
				id = "q-broad"
				if broadFails {
					w.Header().Set("X-Amzn-Errortype", "ThrottlingException")
					w.WriteHeader(http.StatusBadRequest)
					json.NewEncoder(w).Encode(map[string]string{"__type": "ThrottlingException", "message": "Rate exceeded"})
					return
				}
			}
			json.NewEncoder(w).Encode(map[string]string{"queryId": id})
		case "GetQueryResults":
			page := 0
			if tok, ok := in["nextToken"].(string); ok {
				fmt.Sscan(tok, &page)
			}
			src := pages
			if in["queryId"] == "q-broad" {
				src = broad
			}
			var rows []any
			if page < len(src) {
				for _, msg := range src[page] {
					rows = append(rows, []map[string]string{{"field": "@message", "value": msg}, {"field": "@logStream", "value": appENI + "-all"}})
				}
			}
			out := map[string]any{"status": "Complete", "results": rows}
			if page+1 < len(src) {
				out["nextToken"] = fmt.Sprint(page + 1)
			}
			json.NewEncoder(w).Encode(out)
		default:
			json.NewEncoder(w).Encode(map[string]any{})
		}
	}))
}

// TestInsightsPagesAndNothingFound: every page of results is read once,
// in order; a query that finds nothing says what it asked for, and a
// broader query of the streams alone backs (or refutes) the absence.
func TestInsightsPagesAndNothingFound(t *testing.T) {
	rec := func(port int) string {
		return fmt.Sprintf("2 111122223333 %s 10.0.16.45 10.0.33.12 %d 5432 6 3 180 1763632800 1763632860 ACCEPT OK", appENI, port)
	}
	other := fmt.Sprintf("2 111122223333 %s 10.0.16.99 10.0.33.12 40009 5432 6 3 180 1763632800 1763632860 ACCEPT OK", appENI)
	hosts := []netip.Addr{netip.MustParseAddr("10.0.16.45"), netip.MustParseAddr("10.0.33.12")}
	asked := "the Logs Insights query found nothing: it asked for the records of /vpc/flow-logs/prod in the streams of " + appENI +
		" whose text holds 10.0.16.45 and 10.0.33.12, stamped 2025-11-20 10:00:00Z to 10:30:00Z"
	for _, tc := range []struct {
		name        string
		pages       [][]string
		broad       [][]string
		broadFails  bool
		hosts       []netip.Addr
		ports       []uint16
		queries     int
		note        string
		unconfirmed string
	}{
		{name: "three pages", pages: [][]string{{rec(40001), rec(40002)}, {rec(40003)}, {rec(40004)}}, hosts: hosts,
			ports: []uint16{40001, 40002, 40003, 40004}, queries: 1},
		{name: "nothing found, nothing in the streams either", pages: [][]string{{}}, broad: [][]string{{}}, hosts: hosts, queries: 2,
			note: asked + "; a broader query of the interfaces' streams alone found nothing either"},
		{name: "nothing found, the streams hold only other traffic", pages: [][]string{{}}, broad: [][]string{{other, other}}, hosts: hosts, queries: 2,
			note: asked + "; a broader query of the interfaces' streams alone found 2 records, none of the path"},
		{name: "nothing found, but the streams hold the path's records", pages: [][]string{{}}, broad: [][]string{{other, rec(40007)}}, hosts: hosts,
			ports: []uint16{40007}, queries: 2,
			note: asked + "; a broader query of the interfaces' streams alone found 1 record of the path, shown here: the address filter missed them"},
		{name: "the text matched, the path did not", pages: [][]string{{other}}, broad: [][]string{{other}}, hosts: hosts, queries: 2,
			note: strings.Replace(asked, "found nothing", "found 1 record, none of the path", 1) + "; a broader query of the interfaces' streams alone found 1 record, none of the path"},
		{name: "nothing found, the broader query fails", pages: [][]string{{}}, broadFails: true, hosts: hosts, queries: 2,
			unconfirmed: "the broader query of the interfaces' streams alone failed (StartQuery: ThrottlingException: Rate exceeded)",
			note:        asked + "; the broader query of the interfaces' streams alone failed (StartQuery: ThrottlingException: Rate exceeded), so the absence is not confirmed"},
		{name: "nothing found without addresses: already the broad question", pages: [][]string{{}}, queries: 1,
			note: "the Logs Insights query found nothing: it asked for the records of /vpc/flow-logs/prod in the streams of " + appENI + ", stamped 2025-11-20 10:00:00Z to 10:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var queries []string
			ts := insightsServer(t, tc.pages, tc.broad, tc.broadFails, &queries)
			defer ts.Close()
			tg := Target{LogGroups: []LogGroup{{Name: "/vpc/flow-logs/prod", ARN: groupARN}}, ENIs: []string{appENI}}
			src := NewInsightsSource(newTestLogsClient(ts.URL, nil), tg, time.Unix(1763632800, 0), time.Unix(1763634600, 0),
				InsightsOptions{Options: Options{FlushInterval: 10 * time.Millisecond, Filter: Filter{Hosts: tc.hosts}}, Hosts: tc.hosts, PollEvery: 10 * time.Millisecond})
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
				t.Errorf("ports %v, note %q;\nwant %v, %q", ports, b.Note, tc.ports, tc.note)
			}
			if len(queries) != tc.queries || len(queries) == 2 && strings.Contains(queries[1], "@message like") {
				t.Errorf("queries %q: want %d, the second of the streams alone", queries, tc.queries)
			}
			if got := src.Unconfirmed(); got != tc.unconfirmed {
				t.Errorf("unconfirmed %q, want %q", got, tc.unconfirmed)
			}
		})
	}
}
