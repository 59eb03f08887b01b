package aws

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// An endpoint that accepts a connection and never answers would otherwise
// hold a load forever: the SDK sets no timeout of its own. Each attempt of
// each call gets DefaultCallTimeout, and a whole load DefaultLoadTimeout;
// what did not arrive by then is a gap (its layers unknown, named), never
// a hang.
const (
	DefaultCallTimeout = 20 * time.Second
	DefaultLoadTimeout = 2 * time.Minute
)

// WithTimeouts bounds each attempt of a call and a whole load (the defaults
// when a value is zero or less).
func WithTimeouts(call, load time.Duration) Option {
	return func(o *loaderOptions) { o.callTimeout, o.loadTimeout = call, load }
}

// attemptTimeoutError is the cause of an attempt that ran out of time.
type attemptTimeoutError struct{ after time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within %s", e.after)
}

// RetryableError tells the SDK's retryer to try again: a stalled attempt
// may be one bad connection, and the next one may answer.
func (e *attemptTimeoutError) RetryableError() bool { return true }

// loadBudgetError is the cause of calls cut short when the load's budget
// ran out.
type loadBudgetError struct{ after time.Duration }

func (e *loadBudgetError) Error() string {
	return fmt.Sprintf("the load's time budget of %s ran out", e.after)
}

// attemptTimeout is added after the retryer, so that every attempt, not
// the call with its retries, has the deadline; the retryer then decides
// whether to try again.
func attemptTimeout(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc("reachAttemptTimeout",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				attempt, cancel := context.WithTimeout(ctx, d)
				defer cancel()
				out, md, err := next.HandleFinalize(attempt, in)
				if err != nil && attempt.Err() != nil && ctx.Err() == nil {
					// Only this attempt ran out of time. The transport
					// reports a cancellation, which the retryer would not
					// retry; this error says what happened and is retried.
					err = &attemptTimeoutError{after: d}
				}
				return out, md, err
			})
		if err := stack.Finalize.Insert(mw, "Retry", middleware.After); err != nil {
			return stack.Finalize.Add(mw, middleware.After)
		}
		return nil
	}
}
