package aws

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/reachnet/reach/checks"
)

// DefaultAnalyzerTimeout bounds one analysis, from creating the path to
// its last poll; AWS says analyses take tens of seconds to minutes.
const DefaultAnalyzerTimeout = 3 * time.Minute

// analyzerCleanupTimeout bounds the deletes, which run on their own
// context so that a cancelled or timed-out analysis is still removed.
const analyzerCleanupTimeout = 30 * time.Second

// AnalyzerRequest is the path to hand to Reachability Analyzer, in its
// terms: resources by ID, addresses where the end is not a resource.
type AnalyzerRequest struct {
	// Source is a resource ID (eni-…, i-…, igw-…, vgw-…): the analyzer
	// needs one even when the source is an address.
	Source string
	// SourceIP is set when the source is an address behind Source.
	SourceIP string
	// Destination is a resource ID, or "" when DestinationIP alone names
	// the destination.
	Destination   string
	DestinationIP string
	// Protocol is "tcp" or "udp", the only ones the analyzer takes.
	Protocol string
	Port     int
}

// AnalyzerRequestFor turns a report's resolved ends into the analyzer's
// terms, or says why the analyzer cannot take this path.
func AnalyzerRequestFor(rep *checks.Report) (AnalyzerRequest, error) {
	req := AnalyzerRequest{Protocol: rep.Protocol, Port: rep.Destination.Port}
	if req.Protocol != "tcp" && req.Protocol != "udp" {
		return req, fmt.Errorf("the analyzer takes only tcp and udp, not %s", rep.Protocol)
	}
	switch src := rep.Source; {
	case src.ENI != "":
		req.Source = src.ENI
	case src.External && len(rep.Hops) > 0 && gatewayID(rep.Hops[0].Component):
		req.Source, req.SourceIP = rep.Hops[0].Component, src.Address
	default:
		return req, errors.New("the source is neither an interface nor an address behind a gateway, which the analyzer needs as a start")
	}
	dst := rep.Destination
	switch {
	case dst.ENI != "":
		req.Destination = dst.ENI
	case dst.Address != "":
		req.DestinationIP = dst.Address
	default:
		return req, errors.New("the destination resolved to no interface nor address")
	}
	return req, nil
}

func gatewayID(id string) bool {
	return strings.HasPrefix(id, "igw-") || strings.HasPrefix(id, "vgw-") || strings.HasPrefix(id, "tgw-")
}

// Analyzer runs one Reachability Analyzer analysis at a time. Its client
// may call the opt-in AnalyzerActions besides the reads; nothing else in
// reach holds such a client.
type Analyzer struct {
	client *ec2.Client
	// last is the path and the finished analysis of the last Run, for
	// `snapshot save --analyzer`.
	last *SavedAnalysis
	// PollInterval is the first wait between polls; it doubles up to
	// MaxPollInterval.
	PollInterval, MaxPollInterval time.Duration
}

// NewAnalyzer builds the opt-in client. Building it calls nothing.
func NewAnalyzer(cfg sdkaws.Config) *Analyzer {
	return &Analyzer{
		client: ec2.NewFromConfig(cfg, func(o *ec2.Options) {
			o.APIOptions = append(o.APIOptions, AnalyzerGuard())
		}),
		PollInterval:    2 * time.Second,
		MaxPollInterval: 15 * time.Second,
	}
}

// Run creates the path, starts the analysis, polls it until it succeeds,
// fails or timeout passes, and always deletes the analysis and then the
// path, also when ctx is cancelled (the result is named so that the
// deferred cleanup's outcome reaches the caller). The result's Status says how it ended;
// Run never returns an error, since the second opinion must not stop the
// check.
func (a *Analyzer) Run(ctx context.Context, req AnalyzerRequest, timeout time.Duration) (res checks.AnalyzerResult) {
	a.last = nil
	if timeout <= 0 {
		timeout = DefaultAnalyzerTimeout
	}
	res = checks.AnalyzerResult{Explanations: []checks.AnalyzerExplanation{}, Differences: []checks.AnalyzerDifference{}}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var pathID, analysisID string
	// unsure is the create request whose answer was lost (a cancel or a
	// timeout while it was in flight): the path may exist all the same.
	var unsure *ec2.CreateNetworkInsightsPathInput
	defer func() {
		res.CleanedUp, res.Message = a.cleanup(pathID, analysisID, unsure, res.Message)
	}()

	in := &ec2.CreateNetworkInsightsPathInput{
		Source:   sdkaws.String(req.Source),
		Protocol: types.Protocol(req.Protocol),
		// The token makes the create idempotent, so that cleanup can ask
		// again for a path whose creation it never heard back from.
		ClientToken: sdkaws.String(clientToken()),
	}
	if req.SourceIP != "" {
		in.SourceIp = sdkaws.String(req.SourceIP)
	}
	if req.Destination != "" {
		in.Destination = sdkaws.String(req.Destination)
	}
	if req.DestinationIP != "" {
		in.DestinationIp = sdkaws.String(req.DestinationIP)
	}
	if req.Port > 0 {
		in.DestinationPort = sdkaws.Int32(int32(req.Port))
	}
	path, err := a.client.CreateNetworkInsightsPath(runCtx, in)
	if err != nil {
		if runCtx.Err() != nil {
			unsure = in
		}
		a.failed(&res, ctx, runCtx, "create the path", err)
		return res
	}
	var created types.NetworkInsightsPath
	if path.NetworkInsightsPath != nil {
		created = *path.NetworkInsightsPath
		pathID = sdkaws.ToString(created.NetworkInsightsPathId)
	}
	if pathID == "" {
		res.Status, res.Message = checks.AnalyzerError, "CreateNetworkInsightsPath returned no path ID"
		return res
	}
	started, err := a.client.StartNetworkInsightsAnalysis(runCtx, &ec2.StartNetworkInsightsAnalysisInput{NetworkInsightsPathId: sdkaws.String(pathID)})
	if err != nil {
		a.failed(&res, ctx, runCtx, "start the analysis", err)
		return res
	}
	if started.NetworkInsightsAnalysis != nil {
		analysisID = sdkaws.ToString(started.NetworkInsightsAnalysis.NetworkInsightsAnalysisId)
	}
	res.AnalysisID = analysisID
	if analysisID == "" {
		res.Status, res.Message = checks.AnalyzerError, "StartNetworkInsightsAnalysis returned no analysis ID"
		return res
	}
	wait := a.PollInterval
	for {
		out, err := a.client.DescribeNetworkInsightsAnalyses(runCtx, &ec2.DescribeNetworkInsightsAnalysesInput{NetworkInsightsAnalysisIds: []string{analysisID}})
		if err != nil {
			a.failed(&res, ctx, runCtx, "poll the analysis", err)
			return res
		}
		if len(out.NetworkInsightsAnalyses) > 0 {
			an := out.NetworkInsightsAnalyses[0]
			if an.Status == types.AnalysisStatusSucceeded || an.Status == types.AnalysisStatusFailed {
				a.last = &SavedAnalysis{Path: created, Analysis: an}
				fillFinished(&res, an)
				return res
			}
		}
		select {
		case <-runCtx.Done():
			a.failed(&res, ctx, runCtx, "wait for the analysis", runCtx.Err())
			return res
		case <-time.After(wait):
		}
		wait = min(wait*2, a.MaxPollInterval)
	}
}

// failed classifies err: a deadline of the analysis is timed-out, a
// refusal denied, anything else (the caller's cancel included) an error.
func (a *Analyzer) failed(res *checks.AnalyzerResult, parent, run context.Context, step string, err error) {
	var api smithy.APIError
	var refused *NotAllowedError
	switch {
	case parent.Err() != nil:
		res.Status, res.Message = checks.AnalyzerError, "cancelled while trying to "+step
	case run.Err() != nil:
		res.Status, res.Message = checks.AnalyzerTimedOut, "no answer in time while trying to "+step+" (--analyzer-timeout)"
	case errors.As(err, &refused):
		res.Status, res.Message = checks.AnalyzerDenied, refused.Error()
	case errors.As(err, &api) && deniedCode(api.ErrorCode()):
		res.Status, res.Message = checks.AnalyzerDenied, fmt.Sprintf("%s: %s (grant the opt-in statement of docs/iam-policy.json)", step, api.ErrorCode())
	default:
		res.Status, res.Message = checks.AnalyzerError, fmt.Sprintf("%s: %v", step, err)
	}
}

func deniedCode(code string) bool {
	switch code {
	case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "AuthFailure":
		return true
	}
	return false
}

// cleanup deletes the analysis before the path (AWS refuses to delete a
// path that still has analyses), on a context of its own. It reports
// whether nothing is left behind, and appends what it could not delete to
// message.
func (a *Analyzer) cleanup(pathID, analysisID string, unsure *ec2.CreateNetworkInsightsPathInput, message string) (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), analyzerCleanupTimeout)
	defer cancel()
	if pathID == "" && unsure != nil {
		// The same token returns the path if the lost request made one
		// (and makes it if not, which costs nothing): then it is deleted.
		out, err := a.client.CreateNetworkInsightsPath(ctx, unsure)
		switch {
		case err != nil:
			note := fmt.Sprintf("could not tell whether a path was created (%s); look for one with client token %s", errorCode(err), sdkaws.ToString(unsure.ClientToken))
			return false, joinMessage(message, note)
		case out.NetworkInsightsPath != nil:
			pathID = sdkaws.ToString(out.NetworkInsightsPath.NetworkInsightsPathId)
		}
	}
	if pathID == "" {
		return true, message
	}
	// Every analysis of the path goes first, also one whose start was
	// never answered.
	analyses := []string{}
	if analysisID != "" {
		analyses = append(analyses, analysisID)
	}
	if out, err := a.client.DescribeNetworkInsightsAnalyses(ctx, &ec2.DescribeNetworkInsightsAnalysesInput{NetworkInsightsPathId: sdkaws.String(pathID)}); err == nil {
		for _, an := range out.NetworkInsightsAnalyses {
			if id := sdkaws.ToString(an.NetworkInsightsAnalysisId); id != "" && !slices.Contains(analyses, id) {
				analyses = append(analyses, id)
			}
		}
	}
	var left []string
	for _, id := range analyses {
		if _, err := a.client.DeleteNetworkInsightsAnalysis(ctx, &ec2.DeleteNetworkInsightsAnalysisInput{NetworkInsightsAnalysisId: sdkaws.String(id)}); err != nil && !analyzerGone(err) {
			left = append(left, fmt.Sprintf("analysis %s (%s)", id, errorCode(err)))
		}
	}
	if _, err := a.client.DeleteNetworkInsightsPath(ctx, &ec2.DeleteNetworkInsightsPathInput{NetworkInsightsPathId: sdkaws.String(pathID)}); err != nil && !analyzerGone(err) {
		left = append(left, fmt.Sprintf("path %s (%s)", pathID, errorCode(err)))
	}
	if len(left) == 0 {
		// A delete that answered is not proof: confirm the path is gone.
		out, err := a.client.DescribeNetworkInsightsPaths(ctx, &ec2.DescribeNetworkInsightsPathsInput{NetworkInsightsPathIds: []string{pathID}})
		if err == nil && len(out.NetworkInsightsPaths) > 0 {
			left = append(left, fmt.Sprintf("path %s (still listed after its delete)", pathID))
		}
	}
	if len(left) == 0 {
		return true, message
	}
	return false, joinMessage(message, "could not delete "+strings.Join(left, " and "))
}

func joinMessage(message, note string) string {
	if message == "" {
		return note
	}
	return message + "; " + note
}

// clientToken is a fresh idempotency token for one create.
func clientToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "reach-" + hex.EncodeToString(b)
}

func analyzerGone(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && strings.HasSuffix(api.ErrorCode(), ".NotFound")
}

func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}

// Last returns the path and the finished analysis of the last Run, if it
// finished (succeeded or failed).
func (a *Analyzer) Last() (SavedAnalysis, bool) {
	if a.last == nil {
		return SavedAnalysis{}, false
	}
	return *a.last, true
}

// fillFinished maps a succeeded or failed analysis onto the result.
func fillFinished(res *checks.AnalyzerResult, an types.NetworkInsightsAnalysis) {
	res.AnalysisID = sdkaws.ToString(an.NetworkInsightsAnalysisId)
	if an.Status != types.AnalysisStatusSucceeded {
		res.Status = checks.AnalyzerFailed
		res.Message = sdkaws.ToString(an.StatusMessage)
		if res.Message == "" {
			res.Message = "the analysis failed without a status message"
		}
		return
	}
	fillAnalysis(res, an)
}

// fillAnalysis maps a finished analysis onto reach's layers.
func fillAnalysis(res *checks.AnalyzerResult, an types.NetworkInsightsAnalysis) {
	res.Status = checks.AnalyzerSucceeded
	found := sdkaws.ToBool(an.NetworkPathFound)
	res.PathFound = &found
	for _, e := range an.Explanations {
		res.Explanations = append(res.Explanations, mapExplanation(e))
	}
	res.ForwardPath = pathIDs(an.ForwardPathComponents)
	res.ReturnPath = pathIDs(an.ReturnPathComponents)
}

func pathIDs(cs []types.PathComponent) []string {
	var ids []string
	for _, c := range cs {
		if c.Component != nil && c.Component.Id != nil {
			ids = append(ids, *c.Component.Id)
		}
	}
	return ids
}

// mapExplanation names the explanation's layer and the component reach
// would name: the most specific resource the explanation carries.
func mapExplanation(e types.Explanation) checks.AnalyzerExplanation {
	type named struct {
		kind string
		c    *types.AnalysisComponent
	}
	candidates := []named{
		{"acl", e.Acl},
		{"securityGroup", e.SecurityGroup},
		{"routeTable", e.RouteTable},
		{"subnetRouteTable", e.SubnetRouteTable},
		{"transitGatewayRouteTable", e.TransitGatewayRouteTable},
		{"loadBalancerTargetGroup", e.LoadBalancerTargetGroup},
		{"loadBalancerListener", e.ElasticLoadBalancerListener},
		{"internetGateway", e.InternetGateway},
		{"natGateway", e.NatGateway},
		{"vpcPeeringConnection", e.VpcPeeringConnection},
		{"transitGateway", e.TransitGateway},
		{"transitGatewayAttachment", e.TransitGatewayAttachment},
		{"vpnGateway", e.VpnGateway},
		{"vpnConnection", e.VpnConnection},
		{"vpcEndpoint", e.VpcEndpoint},
		{"networkInterface", e.NetworkInterface},
		{"subnet", e.Subnet},
		{"component", e.Component},
		{"vpc", e.Vpc},
	}
	for _, sg := range e.SecurityGroups {
		candidates = append(candidates, named{"securityGroup", &sg})
	}
	var kinds []string
	for _, c := range candidates {
		if c.c != nil && (c.c.Id != nil || c.c.Arn != nil) {
			kinds = append(kinds, c.kind)
		}
	}
	if e.LoadBalancerArn != nil {
		kinds = append(kinds, "loadBalancer")
	}
	code := sdkaws.ToString(e.ExplanationCode)
	layer := checks.ExplanationLayer(code, kinds)
	// The component is the one of the explanation's layer, as reach names
	// the group of a security-group finding, not the interface it guards.
	component := ""
	for _, pass := range []bool{true, false} {
		for _, c := range candidates {
			if component != "" || c.c == nil || (c.c.Id == nil && c.c.Arn == nil) {
				continue
			}
			if pass && checks.ExplanationLayer("", []string{c.kind}) != layer {
				continue
			}
			component = sdkaws.ToString(c.c.Id)
			if component == "" {
				component = sdkaws.ToString(c.c.Arn)
			}
		}
		if component == "" && e.LoadBalancerArn != nil && (!pass || layer == checks.LayerService) {
			component = *e.LoadBalancerArn
		}
	}
	return checks.AnalyzerExplanation{
		Code:      code,
		Direction: analyzerDirection(sdkaws.ToString(e.Direction)),
		Layer:     checks.ExplanationLayer(code, kinds),
		Component: component,
	}
}

// analyzerDirection turns the analyzer's ingress/egress, said of the
// component, into reach's forward/return where it can tell; otherwise it
// keeps the analyzer's word.
func analyzerDirection(d string) string {
	switch strings.ToLower(d) {
	case "forward", "return":
		return strings.ToLower(d)
	}
	return d
}
