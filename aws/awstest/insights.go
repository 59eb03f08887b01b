package awstest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// InsightsActions are the Reachability Analyzer actions moto lacks, which
// Insights answers itself.
var InsightsActions = []string{
	"CreateNetworkInsightsPath",
	"DeleteNetworkInsightsAnalysis",
	"DeleteNetworkInsightsPath",
	"DescribeNetworkInsightsAnalyses",
	"DescribeNetworkInsightsPaths",
	"StartNetworkInsightsAnalysis",
}

// InsightsOutcome is how a scripted analysis ends.
type InsightsOutcome int

// Outcomes of a scripted analysis.
const (
	// PathFound succeeds with a forward and a return path.
	PathFound InsightsOutcome = iota
	// NoPath succeeds without a path, with the script's explanations.
	NoPath
	// AnalysisFails fails with the script's status message.
	AnalysisFails
	// NeverFinishes stays running for ever.
	NeverFinishes
)

// InsightsExplanation is one explanation of a scripted analysis: its code
// and direction, and the components it names by element name ("acl",
// "securityGroup", "routeTable", "internetGateway", "component", ...).
type InsightsExplanation struct {
	Code       string
	Direction  string
	Components map[string]string
	// SecurityGroups fill securityGroupSet.
	SecurityGroups []string
	// LoadBalancerArn fills loadBalancerArn.
	LoadBalancerArn string
}

// InsightsScript says what the next analyses do.
type InsightsScript struct {
	Outcome InsightsOutcome
	// RunningPolls is how many polls answer "running" before the outcome.
	RunningPolls  int
	Explanations  []InsightsExplanation
	StatusMessage string
	// ForwardPath and ReturnPath are the component IDs of a found path; by
	// default the path's source and destination.
	ForwardPath, ReturnPath []string
}

// Insights speaks the EC2 Query protocol for the six network-insights
// actions, as the SDK deserializes them, and hands every other request to
// Next. Its paths and analyses live in memory.
type Insights struct {
	// Next answers every other request (moto); nil answers 501.
	Next http.Handler

	mu       sync.Mutex
	script   InsightsScript
	seq      int
	paths    map[string]*insightsPath
	analyses map[string]*insightsAnalysis
	// tokens maps a create's client token to the path it made.
	tokens map[string]string
	calls  []string
}

type insightsPath struct {
	id, source, destination, destinationIP, sourceIP, protocol string
	port                                                       int
}

type insightsAnalysis struct {
	id, pathID string
	script     InsightsScript
	polls      int
}

// NewInsights returns an empty Insights in front of next.
func NewInsights(next http.Handler) *Insights {
	return &Insights{Next: next, paths: map[string]*insightsPath{}, analyses: map[string]*insightsAnalysis{}, tokens: map[string]string{}}
}

// Script sets what every analysis started from now on does.
func (s *Insights) Script(sc InsightsScript) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = sc
}

// Calls returns the network-insights actions answered, in order.
func (s *Insights) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Left returns the IDs of the paths and analyses that still exist.
func (s *Insights) Left() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id := range s.paths {
		ids = append(ids, id)
	}
	for id := range s.analyses {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Reset forgets every path, analysis, call and script.
func (s *Insights) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script, s.calls = InsightsScript{}, nil
	s.paths, s.analyses, s.tokens = map[string]*insightsPath{}, map[string]*insightsAnalysis{}, map[string]string{}
}

func (s *Insights) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	if !slices.Contains(InsightsActions, action) {
		if s.Next == nil {
			http.Error(w, "not served here", http.StatusNotImplemented)
			return
		}
		s.Next.ServeHTTP(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, action)
	var inner string
	var err *ec2Error
	switch action {
	case "CreateNetworkInsightsPath":
		inner, err = s.createPath(form)
	case "StartNetworkInsightsAnalysis":
		inner, err = s.startAnalysis(form)
	case "DescribeNetworkInsightsAnalyses":
		inner, err = s.describeAnalyses(form)
	case "DescribeNetworkInsightsPaths":
		inner, err = s.describePaths(form)
	case "DeleteNetworkInsightsAnalysis":
		inner, err = s.deleteAnalysis(form)
	case "DeleteNetworkInsightsPath":
		inner, err = s.deletePath(form)
	}
	if err != nil {
		writeEC2Error(w, err.code, err.message)
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>%s</requestId>%s</%sResponse>`,
		action, requestID(), inner, action)
}

type ec2Error struct{ code, message string }

// writeEC2Error answers in the EC2 Query error shape the SDK reads.
func writeEC2Error(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
		esc(code), esc(message), requestID())
}

func requestID() string { return "7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f" }

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (s *Insights) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s-%017x", prefix, 0xa11a000+s.seq)
}

func (s *Insights) createPath(form url.Values) (string, *ec2Error) {
	token := form.Get("ClientToken")
	if id, ok := s.tokens[token]; ok && token != "" {
		// Idempotent, as EC2: the same token answers the same path.
		if p, ok := s.paths[id]; ok {
			return "<networkInsightsPath>" + pathXML(p) + "</networkInsightsPath>", nil
		}
	}
	p := &insightsPath{
		source: form.Get("Source"), destination: form.Get("Destination"), destinationIP: form.Get("DestinationIp"),
		sourceIP: form.Get("SourceIp"), protocol: form.Get("Protocol"),
	}
	if p.source == "" {
		return "", &ec2Error{"MissingParameter", "The request must contain the parameter Source"}
	}
	if p.protocol != "tcp" && p.protocol != "udp" {
		return "", &ec2Error{"InvalidParameterValue", "Protocol must be tcp or udp"}
	}
	if p.destination == "" && p.destinationIP == "" {
		return "", &ec2Error{"MissingParameter", "The request must contain Destination or DestinationIp"}
	}
	if v := form.Get("DestinationPort"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			return "", &ec2Error{"InvalidParameterValue", "DestinationPort is out of range"}
		}
		p.port = n
	}
	p.id = s.nextID("nip")
	s.paths[p.id] = p
	if token != "" {
		s.tokens[token] = p.id
	}
	return "<networkInsightsPath>" + pathXML(p) + "</networkInsightsPath>", nil
}

func pathXML(p *insightsPath) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<networkInsightsPathId>%s</networkInsightsPathId>", p.id)
	fmt.Fprintf(&b, "<networkInsightsPathArn>arn:aws:ec2:%s:123456789012:network-insights-path/%s</networkInsightsPathArn>", Region, p.id)
	fmt.Fprintf(&b, "<createdDate>2026-01-01T00:00:00.000Z</createdDate><source>%s</source><protocol>%s</protocol>", esc(p.source), esc(p.protocol))
	if p.destination != "" {
		fmt.Fprintf(&b, "<destination>%s</destination>", esc(p.destination))
	}
	if p.destinationIP != "" {
		fmt.Fprintf(&b, "<destinationIp>%s</destinationIp>", esc(p.destinationIP))
	}
	if p.sourceIP != "" {
		fmt.Fprintf(&b, "<sourceIp>%s</sourceIp>", esc(p.sourceIP))
	}
	if p.port > 0 {
		fmt.Fprintf(&b, "<destinationPort>%d</destinationPort>", p.port)
	}
	b.WriteString("<tagSet/>")
	return b.String()
}

func (s *Insights) startAnalysis(form url.Values) (string, *ec2Error) {
	pathID := form.Get("NetworkInsightsPathId")
	if _, ok := s.paths[pathID]; !ok {
		return "", &ec2Error{"InvalidNetworkInsightsPathId.NotFound", fmt.Sprintf("The networkInsightsPath ID '%s' does not exist", pathID)}
	}
	a := &insightsAnalysis{id: s.nextID("nia"), pathID: pathID, script: s.script}
	s.analyses[a.id] = a
	return "<networkInsightsAnalysis>" + s.analysisXML(a, false) + "</networkInsightsAnalysis>", nil
}

// ids reads a Query list parameter (Name.1, Name.2, ...).
func ids(form url.Values, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v := form.Get(name + "." + strconv.Itoa(i))
		if v == "" {
			return out
		}
		out = append(out, v)
	}
}

func (s *Insights) describeAnalyses(form url.Values) (string, *ec2Error) {
	want := ids(form, "NetworkInsightsAnalysisId")
	if path := form.Get("NetworkInsightsPathId"); path != "" && len(want) == 0 {
		for id, a := range s.analyses {
			if a.pathID == path {
				want = append(want, id)
			}
		}
		sort.Strings(want)
	}
	var b strings.Builder
	b.WriteString("<networkInsightsAnalysisSet>")
	for _, id := range want {
		a, ok := s.analyses[id]
		if !ok {
			return "", &ec2Error{"InvalidNetworkInsightsAnalysisId.NotFound", fmt.Sprintf("The networkInsightsAnalysis ID '%s' does not exist", id)}
		}
		a.polls++
		b.WriteString("<item>" + s.analysisXML(a, true) + "</item>")
	}
	b.WriteString("</networkInsightsAnalysisSet>")
	return b.String(), nil
}

func (s *Insights) describePaths(form url.Values) (string, *ec2Error) {
	var b strings.Builder
	b.WriteString("<networkInsightsPathSet>")
	for _, id := range ids(form, "NetworkInsightsPathId") {
		p, ok := s.paths[id]
		if !ok {
			return "", &ec2Error{"InvalidNetworkInsightsPathId.NotFound", fmt.Sprintf("The networkInsightsPath ID '%s' does not exist", id)}
		}
		b.WriteString("<item>" + pathXML(p) + "</item>")
	}
	b.WriteString("</networkInsightsPathSet>")
	return b.String(), nil
}

func (s *Insights) deleteAnalysis(form url.Values) (string, *ec2Error) {
	id := form.Get("NetworkInsightsAnalysisId")
	if _, ok := s.analyses[id]; !ok {
		return "", &ec2Error{"InvalidNetworkInsightsAnalysisId.NotFound", fmt.Sprintf("The networkInsightsAnalysis ID '%s' does not exist", id)}
	}
	delete(s.analyses, id)
	return "<networkInsightsAnalysisId>" + id + "</networkInsightsAnalysisId>", nil
}

func (s *Insights) deletePath(form url.Values) (string, *ec2Error) {
	id := form.Get("NetworkInsightsPathId")
	if _, ok := s.paths[id]; !ok {
		return "", &ec2Error{"InvalidNetworkInsightsPathId.NotFound", fmt.Sprintf("The networkInsightsPath ID '%s' does not exist", id)}
	}
	for _, a := range s.analyses {
		if a.pathID == id {
			return "", &ec2Error{"DependencyViolation", fmt.Sprintf("Network Insights Path %s has dependent analyses", id)}
		}
	}
	delete(s.paths, id)
	return "<networkInsightsPathId>" + id + "</networkInsightsPathId>", nil
}

// analysisXML renders the analysis as it stands; a poll (polled) moves it
// towards its scripted outcome.
func (s *Insights) analysisXML(a *insightsAnalysis, polled bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<networkInsightsAnalysisId>%s</networkInsightsAnalysisId>", a.id)
	fmt.Fprintf(&b, "<networkInsightsAnalysisArn>arn:aws:ec2:%s:123456789012:network-insights-analysis/%s</networkInsightsAnalysisArn>", Region, a.id)
	fmt.Fprintf(&b, "<networkInsightsPathId>%s</networkInsightsPathId><startDate>2026-01-01T00:00:00.000Z</startDate><tagSet/>", a.pathID)
	running := !polled || a.script.Outcome == NeverFinishes || a.polls <= a.script.RunningPolls
	if running {
		b.WriteString("<status>running</status>")
		return b.String()
	}
	switch a.script.Outcome {
	case AnalysisFails:
		fmt.Fprintf(&b, "<status>failed</status><statusMessage>%s</statusMessage>", esc(a.script.StatusMessage))
	case PathFound:
		b.WriteString("<status>succeeded</status><networkPathFound>true</networkPathFound><explanationSet/>")
		p := s.paths[a.pathID]
		fwd, ret := a.script.ForwardPath, a.script.ReturnPath
		if fwd == nil && p != nil {
			fwd = []string{p.source, p.destination + p.destinationIP}
			ret = []string{p.destination + p.destinationIP, p.source}
		}
		writeComponents(&b, "forwardPathComponentSet", fwd)
		writeComponents(&b, "returnPathComponentSet", ret)
	case NoPath:
		b.WriteString("<status>succeeded</status><networkPathFound>false</networkPathFound><explanationSet>")
		for _, e := range a.script.Explanations {
			b.WriteString("<item>")
			fmt.Fprintf(&b, "<explanationCode>%s</explanationCode>", esc(e.Code))
			if e.Direction != "" {
				fmt.Fprintf(&b, "<direction>%s</direction>", esc(e.Direction))
			}
			names := make([]string, 0, len(e.Components))
			for n := range e.Components {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				fmt.Fprintf(&b, "<%s><id>%s</id><arn>arn:aws:ec2:%s:123456789012:%s</arn></%s>", n, esc(e.Components[n]), Region, esc(e.Components[n]), n)
			}
			if len(e.SecurityGroups) > 0 {
				b.WriteString("<securityGroupSet>")
				for _, sg := range e.SecurityGroups {
					fmt.Fprintf(&b, "<item><id>%s</id></item>", esc(sg))
				}
				b.WriteString("</securityGroupSet>")
			}
			if e.LoadBalancerArn != "" {
				fmt.Fprintf(&b, "<loadBalancerArn>%s</loadBalancerArn>", esc(e.LoadBalancerArn))
			}
			b.WriteString("</item>")
		}
		b.WriteString("</explanationSet><forwardPathComponentSet/><returnPathComponentSet/>")
	}
	return b.String()
}

func writeComponents(b *strings.Builder, set string, ids []string) {
	fmt.Fprintf(b, "<%s>", set)
	for i, id := range ids {
		fmt.Fprintf(b, "<item><sequenceNumber>%d</sequenceNumber><component><id>%s</id></component></item>", i+1, esc(id))
	}
	fmt.Fprintf(b, "</%s>", set)
}
