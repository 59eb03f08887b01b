// The report: a verdict per path, the status, findings and decisions of
// each layer, the hops, the exit and the first blocker.

package checks

// Status is the outcome of one layer.
type Status string

// Layer statuses.
const (
	StatusPass    Status = "pass"
	StatusFail    Status = "fail"
	StatusWarn    Status = "warn"
	StatusUnknown Status = "unknown"
	StatusSkip    Status = "skip"
)

// Verdict is the outcome of the whole path.
type Verdict string

// Verdicts. Reachable means the request arrives and its reply gets back.
const (
	Reachable   Verdict = "reachable"
	Unreachable Verdict = "unreachable"
	Unknown     Verdict = "unknown"
)

// Direction says which packet of the exchange a finding speaks of.
type Direction string

// Directions.
const (
	Forward Direction = "forward"
	Return  Direction = "return"
)

// Layer names, in the order of the check contract.
const (
	LayerRoute                = "route"
	LayerNACL                 = "nacl"
	LayerSecurityGroup        = "security-group"
	LayerSourceDestCheck      = "source-dest-check"
	LayerDNS                  = "dns"
	LayerService              = "service"
	LayerReachabilityAnalyzer = "reachability-analyzer"
)

// LayerOrder is the order in which layers appear in every report.
var LayerOrder = []string{LayerRoute, LayerNACL, LayerSecurityGroup, LayerSourceDestCheck, LayerDNS, LayerService}

// Severity says what a finding does to its layer.
type Severity string

// Finding severities.
const (
	// SeverityBlock: the packet is dropped here; the layer fails.
	SeverityBlock Severity = "block"
	// SeverityWarn: the path works now but is fragile or partly blocked.
	SeverityWarn Severity = "warn"
	// SeverityUnknown: data needed to decide is missing.
	SeverityUnknown Severity = "unknown"
	// SeverityInfo: context, not a problem.
	SeverityInfo Severity = "info"
)

// Finding is one thing a layer found: the component whose rule decides, the
// rule, one plain sentence, and the fix.
type Finding struct {
	// Code reuses Reachability Analyzer's explanation-code names where one
	// fits (NO_ROUTE_TO_DESTINATION, BAD_STATE_ROUTE, ...).
	Code      string    `json:"code"`
	Severity  Severity  `json:"severity"`
	Component string    `json:"component"`
	Direction Direction `json:"direction"`
	Rule      string    `json:"rule"`
	Detail    string    `json:"detail"`
	// Fix is an AWS CLI command (or a short instruction when no single
	// command fits). In JSON it is an object: the command and FixCheck's
	// fields (findingjson.go).
	Fix string `json:"fix,omitempty"`
	// FixCheck is what the fix does when applied in the model
	// (VerifyFixes): whether it opens the path, what still blocks it, and
	// what else it opens.
	FixCheck *FixCheck `json:"-"`

	hop int
}

// RuleLine is one rule an evaluator looked at, rendered for people.
type RuleLine struct {
	Text string `json:"text"`
	// Matched is true for the rule that decided.
	Matched bool `json:"matched,omitempty"`
}

// Decision is one evaluation step of a layer: which component was asked in
// which direction, the rules it holds, and the one that decided.
type Decision struct {
	Direction Direction `json:"direction"`
	Component string    `json:"component"`
	// Step names the check: "source subnet outbound", "route lookup", ...
	Step string `json:"step"`
	// Outcome is "allow", "deny", "forward", "drop", "unknown" or "skip".
	Outcome string     `json:"outcome"`
	Rule    string     `json:"rule"`
	Rules   []RuleLine `json:"rules,omitempty"`
}

// Layer is one row of the checklist.
type Layer struct {
	Name      string     `json:"name"`
	Status    Status     `json:"status"`
	Summary   string     `json:"summary"`
	Findings  []Finding  `json:"findings"`
	Decisions []Decision `json:"decisions,omitempty"`
}

// Hop is one component the request passes through, in order.
type Hop struct {
	Component string `json:"component"`
	Kind      string `json:"kind"`
}

// Blocked names the first blocking finding along the path.
type Blocked struct {
	Layer     string    `json:"layer"`
	Component string    `json:"component"`
	Code      string    `json:"code"`
	Direction Direction `json:"direction"`
	Rule      string    `json:"rule"`
}

// Exit describes where traffic leaves the account.
type Exit struct {
	Gateway string `json:"gateway"`
	// Kind is "internet", "on-premises" or "aws-service".
	Kind string `json:"kind"`
}

// Exit kinds.
const (
	ExitInternet   = "internet"
	ExitOnPrem     = "on-premises"
	ExitAWSService = "aws-service"
)

// PathEnd describes a resolved source or destination.
type PathEnd struct {
	// Input is what the user typed.
	Input    string `json:"input"`
	Address  string `json:"address,omitempty"`
	Port     int    `json:"port,omitempty"`
	ENI      string `json:"eni,omitempty"`
	Instance string `json:"instance,omitempty"`
	Subnet   string `json:"subnet,omitempty"`
	VPC      string `json:"vpc,omitempty"`
	Name     string `json:"name,omitempty"`
	// External is true for an address outside the account.
	External bool `json:"external,omitempty"`
	// Targets are the verdicts of a load balancer's targets, each on the
	// leg from the load balancer, when the destination is a load balancer
	// that forwards the connection.
	Targets []TargetVerdict `json:"targets,omitempty"`
}

// Report is the engine's answer for one path.
type Report struct {
	Source      PathEnd  `json:"source"`
	Destination PathEnd  `json:"destination"`
	Protocol    string   `json:"protocol"`
	Verdict     Verdict  `json:"verdict"`
	Layers      []Layer  `json:"layers"`
	Hops        []Hop    `json:"hops"`
	BlockedBy   *Blocked `json:"blocked_by"`
	Exit        *Exit    `json:"exit"`
	// Notes carries assumptions the verdict rests on (the ephemeral port
	// range used, a NAT instance assumed to translate, ...).
	Notes []string `json:"notes,omitempty"`
	// Analyzer is Reachability Analyzer's second opinion, when asked for.
	Analyzer *AnalyzerResult `json:"analyzer,omitempty"`
	// returnHops are the components the reply crossed; only the
	// comparison with the analyzer's return path reads them.
	returnHops []Hop
	// Baseline is the same path's verdict on an older snapshot, and
	// Changes what differs between the two networks, when asked for.
	Baseline *Baseline `json:"baseline,omitempty"`
	Changes  []Change  `json:"changes,omitzero"`
	// History is the management events CloudTrail recorded on the path's
	// resources, newest first, when asked for; HistoryGaps says what could
	// not be read (denied, throttled, the window cut short).
	History     []HistoryEvent `json:"history,omitzero"`
	HistoryGaps []string       `json:"history_gaps,omitempty"`
	// AllFixes is what the report's fixes do applied together, when
	// there are several reach can apply (VerifyFixes).
	AllFixes *FixCheck `json:"all_fixes,omitempty"`

	// fixChanges are the fixes of the findings as changes to the model, by
	// fix text, for VerifyFixes.
	fixChanges map[string]*fixChange
}

// Layer returns the named layer, or nil.
func (r *Report) Layer(name string) *Layer {
	for i := range r.Layers {
		if r.Layers[i].Name == name {
			return &r.Layers[i]
		}
	}
	return nil
}

// ExitCode is the process exit status of the check contract: 0 reachable,
// 1 unreachable, 3 unknown.
func (r *Report) ExitCode() int {
	switch r.Verdict {
	case Reachable:
		return 0
	case Unreachable:
		return 1
	default:
		return 3
	}
}
