package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// IdentityAction is the one call that is not about the network: who reach
// runs as, for the terminal's header.
const IdentityAction = "sts:GetCallerIdentity"

// Identity is who reach runs as, for the terminal's header.
type Identity struct {
	Account string
	ARN     string
}

// CallerIdentity asks STS which account and principal the credentials
// belong to. GetCallerIdentity needs no permission: it works for any
// credentials that can sign a request, so it is also the cheapest test that
// they do.
func CallerIdentity(ctx context.Context, cfg awssdk.Config) (Identity, error) {
	c := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, ReadOnlyGuard("sts"))
	})
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	return Identity{Account: awssdk.ToString(out.Account), ARN: awssdk.ToString(out.Arn)}, nil
}
