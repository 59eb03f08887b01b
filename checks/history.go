// The change history of a path's resources: management events as
// CloudTrail event history records them, joined to the report.

package checks

import (
	"slices"
	"time"
)

// HistoryEvent is one management event on a resource of the path.
type HistoryEvent struct {
	Time time.Time `json:"time"`
	// Event is the API call: RevokeSecurityGroupIngress, ReplaceRoute, ...
	Event string `json:"event"`
	// Component is the resource of the path the event touched.
	Component string `json:"component"`
	// Principal is the caller's ARN; SessionName the role session name
	// when the caller assumed a role.
	Principal   string `json:"principal"`
	SessionName string `json:"session_name,omitempty"`
	SourceIP    string `json:"source_ip"`
	UserAgent   string `json:"user_agent,omitempty"`
	// Detail is the request parameters that say what changed: "ipProtocol
	// tcp, fromPort 5432, toPort 5432, groupId sg-0app".
	Detail string `json:"detail"`
	// EventID is CloudTrail's ID of the event.
	EventID string `json:"event_id,omitempty"`
}

// HistoryComponents lists the resources whose history explains the
// report: the path's components, the blocking one first, then the
// components of changes on the path. IDs CloudTrail does not index
// (hosted zone records, prefix list entries) are kept: a lookup of them
// simply finds nothing.
func HistoryComponents(r *Report) []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if r.BlockedBy != nil {
		add(r.BlockedBy.Component)
	}
	if r.Baseline != nil && r.Baseline.BlockedBy != nil {
		add(r.Baseline.BlockedBy.Component)
	}
	for _, c := range r.Changes {
		if c.OnPath {
			add(c.Component)
		}
	}
	rest := pathComponents(r)
	ids := make([]string, 0, len(rest))
	for id := range rest {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		add(id)
	}
	return out
}

// SortHistory puts events newest first, and drops an event listed twice
// (found by two of its resources).
func SortHistory(evs []HistoryEvent) []HistoryEvent {
	slices.SortStableFunc(evs, func(a, b HistoryEvent) int { return b.Time.Compare(a.Time) })
	seen := map[string]bool{}
	out := evs[:0]
	for _, e := range evs {
		if e.EventID != "" && seen[e.EventID] {
			continue
		}
		seen[e.EventID] = true
		out = append(out, e)
	}
	return out
}
