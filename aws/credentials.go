package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

// Retry defaults for live loads. Describe calls are cheap to repeat, and a
// throttled call that finally gives up becomes a gap, so a few more attempts
// than the SDK's default of 3 buy completeness at little cost.
const (
	DefaultMaxAttempts = 6
	DefaultMaxBackoff  = 8 * time.Second
)

// ErrNoRegion says that neither a flag, the environment nor the profile
// named a region.
var ErrNoRegion = errors.New("no AWS region configured")

// ErrNoCredentials says that the SDK's credential chain found nothing.
var ErrNoCredentials = errors.New("no AWS credentials found")

// NewRetryer returns the adaptive retryer reach uses: the SDK's standard
// retries (exponential backoff with jitter, retry quota) plus a client-side
// rate limit that slows down when AWS throttles. maxAttempts and maxBackoff
// fall back to the defaults when zero.
func NewRetryer(maxAttempts int, maxBackoff time.Duration) func() awssdk.Retryer {
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	return func() awssdk.Retryer {
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = maxAttempts
				so.MaxBackoff = maxBackoff
			})
		})
	}
}

// LoadConfig resolves the AWS configuration through the SDK's standard chain:
// environment, shared config and credentials files, SSO, assume-role,
// web identity, container and IMDSv2 credentials, and AWS_ENDPOINT_URL. An
// empty profile or region leaves the choice to that chain. It fails with
// ErrNoRegion when no region results; credentials are resolved lazily, so
// call CheckCredentials to fail early with a clear message.
func LoadConfig(ctx context.Context, profile, region string, optFns ...func(*config.LoadOptions) error) (awssdk.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRetryer(NewRetryer(0, 0))}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	opts = append(opts, optFns...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, &ConfigError{Profile: profile, Err: fmt.Errorf("load AWS config: %w", err)}
	}
	if cfg.Region == "" {
		return cfg, &ConfigError{Profile: profile, Err: fmt.Errorf("load AWS config: %w", ErrNoRegion)}
	}
	return cfg, nil
}

// CheckCredentials retrieves credentials once, so that a missing or expired
// login is reported before any call is made. profile only improves the
// message.
func CheckCredentials(ctx context.Context, cfg awssdk.Config, profile string) error {
	if cfg.Credentials == nil {
		return &ConfigError{Profile: profile, Err: ErrNoCredentials}
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return &ConfigError{Profile: profile, Err: fmt.Errorf("get AWS credentials: %w", err)}
	}
	if !creds.HasKeys() {
		return &ConfigError{Profile: profile, Err: ErrNoCredentials}
	}
	return nil
}

// ConfigError is a configuration or credential failure with the profile it
// concerns, so Explain can name the command that fixes it.
type ConfigError struct {
	Profile string
	Err     error
}

func (e *ConfigError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// EmptyRegionError says that a region was read completely and holds no
// network interfaces: the resources are most likely in another region.
type EmptyRegionError struct {
	Region string
	VPCs   int
}

func (e *EmptyRegionError) Error() string {
	return fmt.Sprintf("region %s has no network interfaces (%d VPCs)", e.Region, e.VPCs)
}

// NotFoundError says that IDs given for a path do not exist in the region
// with these credentials.
type NotFoundError struct {
	Region string
	IDs    []string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s not found in region %s", strings.Join(e.IDs, ", "), e.Region)
}

// Error codes that mean the credentials themselves are bad: every call will
// fail the same way, so the loader stops at the first.
var credentialCodes = map[string]bool{
	"AuthFailure":                 true,
	"InvalidClientTokenId":        true,
	"UnrecognizedClientException": true,
	"SignatureDoesNotMatch":       true,
	"InvalidSignatureException":   true,
	"IncompleteSignature":         true,
	"MissingAuthenticationToken":  true,
	"ExpiredToken":                true,
	"ExpiredTokenException":       true,
	"RequestExpired":              true,
	"OptInRequired":               true,
}

// Error codes that mean this one action is not permitted.
var deniedCodes = map[string]bool{
	"AccessDenied":          true,
	"AccessDeniedException": true,
	"UnauthorizedOperation": true,
}

// UserMustAct reports whether a failed load is for the user to fix before
// anything can be read: credentials, Region, profile, IDs that are not in
// the account, a Region without interfaces. Other failures (a refused
// connection, timeouts, server errors) are data that did not arrive.
func UserMustAct(err error) bool {
	var (
		cfgErr     *ConfigError
		notAllowed *NotAllowedError
		empty      *EmptyRegionError
		notFound   *NotFoundError
		apiErr     smithy.APIError
	)
	msg := err.Error()
	return errors.As(err, &cfgErr) || errors.As(err, &notAllowed) || errors.As(err, &empty) || errors.As(err, &notFound) ||
		errors.Is(err, ErrNoRegion) || errors.Is(err, ErrNoCredentials) || isNoCredentials(msg) || isSSOTokenError(msg) ||
		strings.Contains(msg, "get identity: ") || errors.As(err, &apiErr) && credentialCodes[apiErr.ErrorCode()]
}

// Explain turns an error from loading into one line that says what to do.
// It knows the SDK's credential, region and permission failures; anything
// else keeps the first line of its own message.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	profile := ""
	var ce *ConfigError
	if errors.As(err, &ce) {
		profile = ce.Profile
	}
	login := "aws sso login"
	if profile != "" {
		login += " --profile " + profile
	}
	var (
		notAllowed *NotAllowedError
		empty      *EmptyRegionError
		notFound   *NotFoundError
		noProfile  config.SharedConfigProfileNotExistError
		ssoToken   *ssocreds.InvalidTokenError
		missingReg *awssdk.MissingRegionError
		apiErr     smithy.APIError
		dnsErr     *net.DNSError
		opErr      *net.OpError
	)
	msg := err.Error()
	switch {
	case errors.As(err, &notAllowed):
		return fmt.Sprintf("reach refused to call %s: it only calls the read-only actions in its allowed list (docs/iam-policy.json).", notAllowed.Action)
	case errors.As(err, &empty):
		return fmt.Sprintf("Region %s has no network interfaces (%d VPCs): your resources are probably in another region; pass --region or set AWS_REGION.", empty.Region, empty.VPCs)
	case errors.As(err, &notFound):
		return fmt.Sprintf("%s not found in region %s: check --region and --profile (the account must own the resource).", strings.Join(notFound.IDs, ", "), notFound.Region)
	case errors.As(err, &noProfile):
		return fmt.Sprintf("AWS profile %q is not in ~/.aws/config or ~/.aws/credentials: check --profile or AWS_PROFILE (aws configure list-profiles lists them).", noProfile.Profile)
	case errors.As(err, &ssoToken), isSSOTokenError(msg):
		return fmt.Sprintf("Your AWS SSO session has expired or is missing: run `%s`, then try again.", login)
	case errors.Is(err, ErrNoRegion), errors.As(err, &missingReg):
		return "No AWS region is set: pass --region (for example --region us-east-1), set AWS_REGION, or add region to your profile."
	case errors.Is(err, ErrNoCredentials), isNoCredentials(msg):
		return "No AWS credentials found: run `aws configure` or `aws sso login`, or set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."
	case errors.As(err, &apiErr) && credentialCodes[apiErr.ErrorCode()]:
		code := apiErr.ErrorCode()
		switch code {
		case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
			return fmt.Sprintf("Your AWS credentials have expired (%s): refresh them (`%s`, or new session credentials) and try again.", code, login)
		case "OptInRequired":
			return "This region is not enabled for the account (OptInRequired): enable it or pass another --region."
		case "AuthFailure":
			return "AWS rejected the credentials (AuthFailure): check the keys, or whether the region is enabled for the account."
		}
		return fmt.Sprintf("AWS rejected the credentials (%s): check the access key and secret, or log in again.", code)
	case errors.As(err, &apiErr) && deniedCodes[apiErr.ErrorCode()]:
		if action := actionOf(err); action != "" {
			return fmt.Sprintf("Access denied for %s: grant it (docs/iam-policy.json lists every action reach needs).", action)
		}
		return "Access denied: grant the actions in docs/iam-policy.json."
	case errors.As(err, &apiErr) && isThrottle(apiErr.ErrorCode()):
		return fmt.Sprintf("AWS kept throttling the requests (%s) after retries: wait a minute and try again.", apiErr.ErrorCode())
	case errors.Is(err, context.DeadlineExceeded):
		return "Timed out waiting for AWS: check the network, or try again."
	case errors.Is(err, context.Canceled):
		return "Canceled."
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		return "Cannot reach the AWS endpoint: check the network, proxy settings (HTTPS_PROXY) and AWS_ENDPOINT_URL."
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

func isThrottle(code string) bool {
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok
}

func isSSOTokenError(msg string) bool {
	return strings.Contains(msg, "SSO session has expired") ||
		strings.Contains(msg, "cached SSO token") ||
		strings.Contains(msg, "SSO token")
}

func isNoCredentials(msg string) bool {
	return strings.Contains(msg, "no EC2 IMDS role found") ||
		strings.Contains(msg, "failed to refresh cached credentials") ||
		strings.Contains(msg, "static credentials are empty") ||
		strings.Contains(msg, "AnonymousCredentials")
}

// actionOf names the IAM action of the operation that failed, from the
// SDK's operation error.
func actionOf(err error) string {
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		return ""
	}
	prefix, ok := serviceIDs[oe.ServiceID]
	if !ok {
		prefix = strings.ToLower(strings.ReplaceAll(oe.ServiceID, " ", ""))
	}
	return prefix + ":" + oe.OperationName
}
