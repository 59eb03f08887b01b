package flowlogs

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/checks"
)

// NewClient returns a CloudWatch Logs client for cfg (see aws.LoadConfig)
// that refuses, before signing, every operation outside
// aws.AllowedActions: reach reads flow logs and changes nothing.
//
// With a custom endpoint (AWS_ENDPOINT_URL, a VPC endpoint, a local
// emulator) the client sends every operation to that endpoint as given:
// Live Tail's "stream-" host prefix would turn an address into a name
// that does not resolve.
func NewClient(cfg awssdk.Config, optFns ...func(*cloudwatchlogs.Options)) *cloudwatchlogs.Client {
	guard := func(o *cloudwatchlogs.Options) { o.APIOptions = append(o.APIOptions, aws.ReadOnlyGuard("logs")) }
	fns := append([]func(*cloudwatchlogs.Options){guard}, optFns...)
	fns = append(fns, keepCustomEndpointHost)
	return cloudwatchlogs.NewFromConfig(cfg, fns...)
}

// keepCustomEndpointHost runs after every other option, so that it sees
// the endpoint however it was set.
func keepCustomEndpointHost(o *cloudwatchlogs.Options) {
	if o.BaseEndpoint == nil || *o.BaseEndpoint == "" {
		return
	}
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("reachNoHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}

// TargetFor builds the CloudWatch Logs target of a path from flow-log
// discovery: the log groups of the tailable flow logs covering the ENIs,
// the ENIs themselves (their log streams), and a filter pattern on the
// path's addresses (none when hosts is empty). It also returns the log
// formats of those flow logs, for Options.Formats.
func TargetFor(d checks.FlowLogDiscovery, region, account string, hosts ...netip.Addr) (Target, []*Format, error) {
	var t Target
	var formats []*Format
	seenGroup, seenFormat := map[string]bool{}, map[string]bool{}
	for _, c := range d.Tailable() {
		if !seenGroup[c.LogGroup] {
			seenGroup[c.LogGroup] = true
			arn := c.FlowLog.LogGroupARN()
			if arn == "" && c.LogGroup != "" && region != "" && account != "" {
				// Flow logs created with only a group name carry no ARN;
				// Live Tail needs one, and the group lives in the flow
				// log's own account and region.
				arn = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, account, c.LogGroup)
			}
			t.LogGroups = append(t.LogGroups, LogGroup{Name: c.LogGroup, ARN: arn})
		}
		if !containsString(t.ENIs, c.ENI) {
			t.ENIs = append(t.ENIs, c.ENI)
		}
		if !seenFormat[c.Format] {
			seenFormat[c.Format] = true
			f, err := ParseFormat(c.Format)
			if err != nil {
				return t, nil, fmt.Errorf("flow log %s: %w", c.FlowLogID, err)
			}
			formats = append(formats, f)
		}
	}
	if len(t.LogGroups) == 0 {
		return t, nil, errors.New("no flow log reach can read covers the path (CloudWatch Logs destinations only)")
	}
	t.Pattern = AddressPattern(hosts...)
	return t, formats, nil
}

func containsString(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// AddressPattern is the CloudWatch Logs filter pattern that pre-filters a
// path's records on the server: one quoted term (the documented form of a
// term with dots in space-delimited events), the first IPv4 address among
// hosts, or "" when there is none. It is only a pre-filter: every record
// of the path holds that address, the match is on text ("10.0.1.2" also
// matches "10.0.1.25"), and the sources filter the records again on their
// parsed fields. It never ANDs two addresses, which some endpoints answer
// with nothing while records of the path are there, and it never names an
// IPv6 address, whose text in a log may be written otherwise than reach
// writes it: a pattern that hid records would read as traffic that never
// happened.
func AddressPattern(hosts ...netip.Addr) string {
	for _, h := range hosts {
		if h.Is4() {
			return `"` + h.String() + `"`
		}
	}
	return ""
}

// streamMatches reports whether a log stream belongs to one of the ENIs:
// flow logs name each interface's stream by its ID (with a suffix such as
// "-all" in some accounts).
func streamMatches(stream string, enis []string) bool {
	if len(enis) == 0 || stream == "" {
		return true
	}
	for _, e := range enis {
		if strings.HasPrefix(stream, e) {
			return true
		}
	}
	return false
}

// broaderRead is the second, broader read that backs a pre-filtered query
// which found nothing of the path: what it read, and what the first one
// filtered on.
type broaderRead struct {
	what, missed, unit string
}

// conclude words what the broader read found (found records of the path
// among read, at most limit, or err) and says why the absence stays
// unconfirmed: "" when the broader read agrees, or found the records the
// first one missed.
func (r broaderRead) conclude(found, read, limit int, err error) (said, unconfirmed string) {
	switch {
	case found > 0:
		return fmt.Sprintf("a broader %s found %s of the path, shown here: %s missed them", r.what, plural(found, "record"), r.missed), ""
	case err != nil:
		why := fmt.Sprintf("the broader %s failed (%v)", r.what, err)
		return why + ", so the absence is not confirmed", why
	case read >= limit:
		why := fmt.Sprintf("a broader %s stopped at its limit of %d %ss, none of the path, and records of the path may lie beyond them", r.what, limit, r.unit)
		return why, why
	case read > 0:
		return fmt.Sprintf("a broader %s found %s, none of the path", r.what, plural(read, r.unit)), ""
	}
	return fmt.Sprintf("a broader %s found nothing either", r.what), ""
}

// errorCode returns the AWS error code of err ("AccessDeniedException"),
// or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// denied reports whether err says the caller lacks a permission.
func denied(err error) bool {
	var na *aws.NotAllowedError
	if errors.As(err, &na) {
		return true
	}
	switch errorCode(err) {
	case "AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnrecognizedClientException":
		return true
	}
	return false
}

// shortReason is one line saying why a call failed.
func shortReason(err error) string {
	if code := errorCode(err); code != "" {
		var ae smithy.APIError
		errors.As(err, &ae)
		msg := ae.ErrorMessage()
		if len(msg) > 120 {
			msg = msg[:120] + "…"
		}
		if msg == "" {
			return code
		}
		return code + ": " + msg
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 0 {
		return fmt.Sprintf("HTTP %d from the endpoint", re.HTTPStatusCode())
	}
	var se *smithyhttp.RequestSendError
	if errors.As(err, &se) {
		// The innermost error says it best ("lookup stream-…: no such
		// host", "connection refused").
		inner := se.Err
		for inner != nil && errors.Unwrap(inner) != nil {
			inner = errors.Unwrap(inner)
		}
		if inner == nil {
			inner = se
		}
		return "cannot reach the endpoint: " + inner.Error()
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
