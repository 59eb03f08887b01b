package checks

import (
	"bytes"
	"encoding/json"
)

// FixJSON is a finding's fix in the JSON report: the command, and what it
// does when applied in the model (FixCheck), so that a script reads
// whether a fix is verified where it reads the fix.
type FixJSON struct {
	Command string `json:"command"`
	// Verified is true when the path is reachable with the fix applied;
	// false too when the fix was not checked (Note says why).
	Verified       bool       `json:"verified"`
	Applied        bool       `json:"applied"`
	StillBlockedBy *Blocked   `json:"still_blocked_by"`
	StillVerdict   Verdict    `json:"verdict_after,omitempty"`
	AlsoOpens      *AlsoOpens `json:"also_opens"`
	Note           string     `json:"note,omitempty"`
}

// The notes of a fix that was not applied in the model: only the fixes
// of blocking findings are, when a path is checked (VerifyFixes).
const (
	notCheckedMissingData = "not applied in the model: it gives reach the data it lacks, it does not change the network"
	notCheckedNotBlocking = "not applied in the model: this finding does not block the path"
	notChecked            = "not checked in the model"
)

func uncheckedNote(s Severity) string {
	switch s {
	case SeverityUnknown:
		return notCheckedMissingData
	case SeverityBlock:
		return notChecked
	}
	return notCheckedNotBlocking
}

// findingFields is Finding without its JSON methods.
type findingFields Finding

// MarshalJSON writes the fix as a FixJSON object.
func (f Finding) MarshalJSON() ([]byte, error) {
	out := struct {
		findingFields
		Fix *FixJSON `json:"fix,omitempty"`
	}{findingFields: findingFields(f)}
	if f.Fix != "" {
		fx := &FixJSON{Command: f.Fix, Note: uncheckedNote(f.Severity)}
		if c := f.FixCheck; c != nil {
			fx.Verified, fx.Applied, fx.StillBlockedBy, fx.StillVerdict, fx.AlsoOpens, fx.Note = c.Verified, c.Applied, c.StillBlockedBy, c.StillVerdict, c.AlsoOpens, c.Note
		}
		out.Fix = fx
	}
	// Fixes are shell commands: keep their && and <…> readable, as the
	// report's encoder does (an encoder leaves a Marshaler's escapes be).
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// UnmarshalJSON reads a finding written by MarshalJSON, or one whose fix
// is the command alone, as reports before fixes were checked wrote it.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var in struct {
		findingFields
		Fix json.RawMessage `json:"fix"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*f = Finding(in.findingFields)
	raw := bytes.TrimSpace(in.Fix)
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
	case raw[0] == '"':
		return json.Unmarshal(raw, &f.Fix)
	default:
		var fx FixJSON
		if err := json.Unmarshal(raw, &fx); err != nil {
			return err
		}
		f.Fix = fx.Command
		if fx.Applied || fx.Verified || fx.Note != uncheckedNote(f.Severity) {
			f.FixCheck = &FixCheck{Verified: fx.Verified, Applied: fx.Applied, StillBlockedBy: fx.StillBlockedBy, StillVerdict: fx.StillVerdict, AlsoOpens: fx.AlsoOpens, Note: fx.Note}
		}
	}
	return nil
}
