package awstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CloudTrailTargetPrefix is the X-Amz-Target prefix of CloudTrail's JSON
// 1.1 protocol; the SDK sends CloudTrail_20131101.LookupEvents.
const CloudTrailTargetPrefix = "CloudTrail_20131101."

// cloudTrailLongPrefix is the target's fully qualified form, which some
// clients send; both name the same operation.
const cloudTrailLongPrefix = "com.amazonaws.cloudtrail.v20131101." + CloudTrailTargetPrefix

// TrailEvent is one management event as CloudTrail event history holds
// it. Record is the full CloudTrail record, which LookupEvents returns as
// a JSON string (CloudTrailEvent).
type TrailEvent struct {
	ID        string
	Name      string
	Source    string
	Time      time.Time
	Username  string
	ReadOnly  bool
	Resources []TrailResource
	Record    map[string]any
}

// TrailResource is one resource an event names.
type TrailResource struct {
	Type, Name string
}

// CloudTrail answers LookupEvents from events held in memory, as CloudTrail
// does: newest first, filtered by one lookup attribute and the time range,
// MaxResults (at most 50) a page with NextToken; ThrottlingException to a
// call that comes sooner than MinInterval after the previous one (the
// documented limit is 2 per second per account and Region), and
// AccessDeniedException while Denied. Every other request goes to Next
// (moto), or gets 501.
type CloudTrail struct {
	Next http.Handler
	// MinInterval is the least time between two calls that are answered;
	// zero means 500ms.
	MinInterval time.Duration

	mu        sync.Mutex
	events    []TrailEvent
	denied    bool
	throttle  bool
	calls     []time.Time
	throttled int
	answered  int
}

// Add records events.
func (c *CloudTrail) Add(evs ...TrailEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, evs...)
}

// Deny makes every LookupEvents fail with AccessDeniedException (or
// succeed again).
func (c *CloudTrail) Deny(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.denied = on
}

// ThrottleAll makes every LookupEvents fail with ThrottlingException, as
// when other callers use up the account's rate.
func (c *CloudTrail) ThrottleAll(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.throttle = on
}

// Stats says how many LookupEvents calls arrived, how many were answered
// with events and how many throttled for coming too fast, and the
// shortest interval between two calls (zero with fewer than two).
func (c *CloudTrail) Stats() (calls, answered, throttled int, shortest time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := 1; i < len(c.calls); i++ {
		if d := c.calls[i].Sub(c.calls[i-1]); shortest == 0 || d < shortest {
			shortest = d
		}
	}
	return len(c.calls), c.answered, c.throttled, shortest
}

func (c *CloudTrail) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, cloudTrailLongPrefix)
	if !ok {
		op, ok = strings.CutPrefix(target, CloudTrailTargetPrefix)
	}
	if !ok {
		if c.Next == nil {
			http.Error(w, "not implemented by the stand-in", http.StatusNotImplemented)
			return
		}
		c.Next.ServeHTTP(w, r)
		return
	}
	if op != "LookupEvents" {
		trailError(w, http.StatusBadRequest, "UnknownOperationException", "the stand-in answers LookupEvents only")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		trailError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	c.mu.Lock()
	now := time.Now()
	minInterval := c.MinInterval
	if minInterval <= 0 {
		minInterval = 500 * time.Millisecond
	}
	tooSoon := len(c.calls) > 0 && now.Sub(c.calls[len(c.calls)-1]) < minInterval
	c.calls = append(c.calls, now)
	denied, throttle := c.denied, c.throttle
	if tooSoon {
		c.throttled++
	}
	c.mu.Unlock()
	switch {
	case denied:
		trailError(w, http.StatusBadRequest, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/test is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action")
		return
	case throttle || tooSoon:
		trailError(w, http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
		return
	}
	var in struct {
		LookupAttributes []struct{ AttributeKey, AttributeValue string }
		StartTime        *float64
		EndTime          *float64
		MaxResults       *int
		NextToken        *string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		trailError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	if len(in.LookupAttributes) > 1 {
		trailError(w, http.StatusBadRequest, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute")
		return
	}
	size := 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			trailError(w, http.StatusBadRequest, "InvalidMaxResultsException", "MaxResults must be between 1 and 50")
			return
		}
		size = *in.MaxResults
	}
	offset := 0
	if in.NextToken != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*in.NextToken, "page-"))
		if err != nil || n < 0 {
			trailError(w, http.StatusBadRequest, "InvalidNextTokenException", "invalid NextToken")
			return
		}
		offset = n
	}
	c.mu.Lock()
	matched := c.lookup(in.LookupAttributes, epoch(in.StartTime), epoch(in.EndTime))
	c.answered++
	c.mu.Unlock()
	page := matched[min(offset, len(matched)):min(offset+size, len(matched))]
	out := map[string]any{"Events": page}
	if offset+size < len(matched) {
		out["NextToken"] = "page-" + strconv.Itoa(offset+size)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	_ = json.NewEncoder(w).Encode(out)
}

// lookup returns the wire form of the events that match, newest first.
func (c *CloudTrail) lookup(attrs []struct{ AttributeKey, AttributeValue string }, start, end time.Time) []map[string]any {
	evs := slices.Clone(c.events)
	slices.SortStableFunc(evs, func(a, b TrailEvent) int { return b.Time.Compare(a.Time) })
	var out []map[string]any
	for _, e := range evs {
		if !start.IsZero() && e.Time.Before(start) || !end.IsZero() && e.Time.After(end) {
			continue
		}
		if len(attrs) == 1 && !matches(e, attrs[0].AttributeKey, attrs[0].AttributeValue) {
			continue
		}
		record, _ := json.Marshal(e.Record)
		resources := make([]map[string]string, len(e.Resources))
		for i, r := range e.Resources {
			resources[i] = map[string]string{"ResourceType": r.Type, "ResourceName": r.Name}
		}
		out = append(out, map[string]any{
			"EventId": e.ID, "EventName": e.Name, "EventSource": e.Source, "ReadOnly": strconv.FormatBool(e.ReadOnly),
			"EventTime": float64(e.Time.UnixMilli()) / 1000, "Username": e.Username, "Resources": resources,
			"AccessKeyId": "ASIAEXAMPLEEXAMPLE00", "CloudTrailEvent": string(record),
		})
	}
	return out
}

func matches(e TrailEvent, key, value string) bool {
	switch key {
	case "ResourceName":
		for _, r := range e.Resources {
			if r.Name == value {
				return true
			}
		}
		return false
	case "EventName":
		return e.Name == value
	case "Username":
		return e.Username == value
	case "EventId":
		return e.ID == value
	case "EventSource":
		return e.Source == value
	case "ReadOnly":
		return strconv.FormatBool(e.ReadOnly) == value
	}
	return false
}

func epoch(f *float64) time.Time {
	if f == nil {
		return time.Time{}
	}
	sec, frac := math.Modf(*f)
	return time.Unix(int64(sec), int64(frac*1e9))
}

func trailError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", code)
	w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(map[string]string{"__type": code, "message": msg})
	_, _ = w.Write(b.Bytes())
}

// ManagementEvent builds an event as CloudTrail records a console or CLI
// call by an assumed role: the record's userIdentity, sourceIPAddress,
// userAgent and requestParameters, and the resource it names.
func ManagementEvent(id, name, resourceType, resource string, when time.Time, roleARN, session, sourceIP, userAgent string, params map[string]any) TrailEvent {
	account := "123456789012"
	role := roleARN[strings.LastIndexByte(roleARN, '/')+1:]
	assumed := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", account, role, session)
	return TrailEvent{
		ID: id, Name: name, Source: "ec2.amazonaws.com", Time: when, Username: session,
		Resources: []TrailResource{{Type: resourceType, Name: resource}},
		Record: map[string]any{
			"eventVersion": "1.09",
			"userIdentity": map[string]any{
				"type": "AssumedRole", "principalId": "AROAEXAMPLEEXAMPLE:" + session, "arn": assumed, "accountId": account,
				"accessKeyId": "ASIAEXAMPLEEXAMPLE00",
				"sessionContext": map[string]any{
					"sessionIssuer": map[string]any{"type": "Role", "principalId": "AROAEXAMPLEEXAMPLE", "arn": roleARN, "accountId": account, "userName": role},
					"attributes":    map[string]any{"creationDate": when.Add(-time.Hour).UTC().Format(time.RFC3339), "mfaAuthenticated": "false"},
				},
			},
			"eventTime": when.UTC().Format(time.RFC3339), "eventSource": "ec2.amazonaws.com", "eventName": name,
			"awsRegion": Region, "sourceIPAddress": sourceIP, "userAgent": userAgent,
			"requestParameters": params, "responseElements": map[string]any{"_return": true},
			"requestID": "req-" + id, "eventID": id, "readOnly": false, "eventType": "AwsApiCall",
			"managementEvent": true, "recipientAccountId": account, "eventCategory": "Management",
		},
	}
}
