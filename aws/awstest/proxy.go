package awstest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// FaultKind is a failure the proxy answers with instead of forwarding.
type FaultKind int

// Faults the proxy can inject, each in its service's wire format.
const (
	// Deny answers UnauthorizedOperation (EC2), AccessDenied (Route 53) or
	// AccessDeniedException (Resolver, Direct Connect).
	Deny FaultKind = iota + 1
	// Throttle answers RequestLimitExceeded (EC2), Throttling (Route 53) or
	// ThrottlingException (Resolver).
	Throttle
	// ServerError answers HTTP 500 with the service's internal error.
	ServerError
	// Hang accepts the request and never answers, until the client gives
	// up or the proxy closes: a stalled endpoint.
	Hang
	// OptIn answers OptInRequired, as AWS does in a Region the account has
	// not enabled.
	OptIn
)

// Proxy is a reverse proxy in front of moto that records the AWS action of
// every request (ec2:DescribeVpcs) and injects faults for chosen actions.
type Proxy struct {
	// URL is the proxy's endpoint.
	URL string

	srv    *httptest.Server
	mu     sync.Mutex
	calls  []string
	faults map[string]*fault
	// matching are faults for requests of an action whose form values
	// contain a string (one account's AssumeRole).
	matching []matchingFault
	// regions are faults for every request signed for a Region.
	regions map[string]FaultKind
	latency time.Duration
	// inFlight and maxInFlight count requests being answered at once.
	inFlight, maxInFlight int
}

type matchingFault struct {
	action, match string
	kind          FaultKind
}

type fault struct {
	kind FaultKind
	// left counts the faults still to inject; negative means always.
	left int
}

// NewProxy starts a proxy that forwards to target (moto's URL).
func NewProxy(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("proxy target: %w", err)
	}
	p := &Proxy{faults: map[string]*fault{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		service, action := Action(r, body)
		name := service + ":" + action
		p.mu.Lock()
		p.inFlight++
		p.maxInFlight = max(p.maxInFlight, p.inFlight)
		defer func() {
			p.mu.Lock()
			p.inFlight--
			p.mu.Unlock()
		}()
		p.calls = append(p.calls, name)
		delay := p.latency
		var kind FaultKind
		if f := p.faults[name]; f != nil && f.left != 0 {
			kind = f.kind
			if f.left > 0 {
				f.left--
			}
		}
		for _, f := range p.matching {
			if f.action == name && formContains(body, f.match) {
				kind = f.kind
			}
		}
		if m := regionRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil && p.regions[m[1]] != 0 {
			kind = p.regions[m[1]]
		}
		p.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		if kind == Hang {
			<-r.Context().Done()
			return
		}
		if kind != 0 {
			writeFault(w, service, kind)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.Close() }

// Inject makes the next times requests for action fail with kind (every
// request when times < 0).
func (p *Proxy) Inject(action string, kind FaultKind, times int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[action] = &fault{kind: kind, left: times}
}

// InjectMatching makes every request for action whose form values contain
// match fail with kind: sts:AssumeRole of one account's role, say.
func (p *Proxy) InjectMatching(action, match string, kind FaultKind) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.matching = append(p.matching, matchingFault{action: action, match: match, kind: kind})
}

// InjectRegion makes every request signed for region fail with kind: a
// Region the account has not enabled (OptIn).
func (p *Proxy) InjectRegion(region string, kind FaultKind) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.regions == nil {
		p.regions = map[string]FaultKind{}
	}
	p.regions[region] = kind
}

var regionRE = regexp.MustCompile(`Credential=[^/]+/[^/]+/([^/]+)/[^/]+/aws4_request`)

func formContains(body []byte, match string) bool {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return false
	}
	for _, vs := range form {
		for _, v := range vs {
			if strings.Contains(v, match) {
				return true
			}
		}
	}
	return false
}

// SetLatency delays every request by d before it is answered.
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// Reset forgets the recorded calls and the injected faults.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = nil
	p.faults = map[string]*fault{}
	p.matching = nil
	p.regions = nil
	p.latency = 0
	p.maxInFlight = 0
}

// MaxInFlight returns the most requests the proxy was answering at once
// since it started or was reset.
func (p *Proxy) MaxInFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxInFlight
}

// Calls returns every recorded action in arrival order, with repeats.
func (p *Proxy) Calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// Actions returns the distinct recorded actions, sorted.
func (p *Proxy) Actions() []string {
	a := p.Calls()
	slices.Sort(a)
	return slices.Compact(a)
}

// Action names the AWS service (IAM prefix) and operation of a request:
// the credential scope of its signature gives the service; the operation is
// the Action form field (EC2's query protocol), the X-Amz-Target header
// (JSON protocols such as Route 53 Resolver) or the method and path (Route
// 53's REST protocol). An unknown request gives a name that no allowed list
// holds, so a test notices it.
func Action(r *http.Request, body []byte) (service, action string) {
	service = "unknown"
	if m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		service = m[1]
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		if i := strings.LastIndexByte(t, '.'); i >= 0 {
			return service, t[i+1:]
		}
		return service, t
	}
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
		return service, form.Get("Action")
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return service, a
	}
	for _, rt := range route53Ops {
		if r.Method == rt.method && rt.path.MatchString(r.URL.Path) {
			return service, rt.op
		}
	}
	return service, "UNKNOWN " + r.Method + " " + r.URL.Path
}

var scopeRE = regexp.MustCompile(`Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request`)

// route53Ops maps Route 53's REST paths to operations: the reads reach
// makes and the writes the seeding makes.
var route53Ops = []struct {
	method string
	path   *regexp.Regexp
	op     string
}{
	{http.MethodGet, regexp.MustCompile(`^/2013-04-01/hostedzone/?$`), "ListHostedZones"},
	{http.MethodPost, regexp.MustCompile(`^/2013-04-01/hostedzone/?$`), "CreateHostedZone"},
	{http.MethodGet, regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/rrset/?$`), "ListResourceRecordSets"},
	{http.MethodPost, regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/rrset/?$`), "ChangeResourceRecordSets"},
	{http.MethodPost, regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/associatevpc/?$`), "AssociateVPCWithHostedZone"},
	{http.MethodGet, regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/?$`), "GetHostedZone"},
	{http.MethodDelete, regexp.MustCompile(`^/2013-04-01/hostedzone/[^/]+/?$`), "DeleteHostedZone"},
	{http.MethodGet, regexp.MustCompile(`^/2013-04-01/hostedzonesbyname/?$`), "ListHostedZonesByName"},
	{http.MethodGet, regexp.MustCompile(`^/2013-04-01/hostedzonesbyvpc/?$`), "ListHostedZonesByVPC"},
}

// writeFault answers in the service's own error format, so the SDK parses
// the code as it would from AWS.
func writeFault(w http.ResponseWriter, service string, kind FaultKind) {
	const reqID = "00000000-0000-4000-8000-000000000000"
	switch service {
	case "route53":
		code, status := map[FaultKind]string{Deny: "AccessDenied", Throttle: "Throttling", ServerError: "InternalFailure"}[kind],
			map[FaultKind]int{Deny: 403, Throttle: 400, ServerError: 500}[kind]
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0"?>
<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>%s</Code><Message>injected by awstest</Message></Error><RequestId>%s</RequestId></ErrorResponse>`, code, reqID)
	case "sts":
		code, status := map[FaultKind]string{Deny: "AccessDenied", Throttle: "Throttling", ServerError: "InternalFailure"}[kind],
			map[FaultKind]int{Deny: 403, Throttle: 400, ServerError: 500}[kind]
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>injected by awstest: not authorized to perform sts:AssumeRole</Message></Error><RequestId>%s</RequestId></ErrorResponse>`, code, reqID)
	case "route53resolver", "logs", "directconnect", "organizations":
		code, status := map[FaultKind]string{Deny: "AccessDeniedException", Throttle: "ThrottlingException", ServerError: "InternalServiceErrorException"}[kind],
			map[FaultKind]int{Deny: 403, Throttle: 400, ServerError: 500}[kind]
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", code)
		w.Header().Set("X-Amzn-Requestid", reqID)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":"%s","Message":"injected by awstest"}`, code)
	default: // EC2's query protocol
		code, status := map[FaultKind]string{Deny: "UnauthorizedOperation", Throttle: "RequestLimitExceeded", ServerError: "InternalError", OptIn: "OptInRequired"}[kind],
			map[FaultKind]int{Deny: 403, Throttle: 503, ServerError: 500, OptIn: 401}[kind]
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>injected by awstest</Message></Error></Errors><RequestID>%s</RequestID></Response>`, code, reqID)
	}
}

func (k FaultKind) String() string {
	switch k {
	case Deny:
		return "deny"
	case Throttle:
		return "throttle"
	case ServerError:
		return "server error"
	case OptIn:
		return "opt-in required"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}
