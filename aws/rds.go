package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// dbInstancesTask reads RDS's DB instances; the API has no filter by VPC.
func (l *Loader) dbInstancesTask() *task {
	return listTask(checks.KindDBInstances, "rds:DescribeDBInstances", "",
		func(ctx context.Context, round int) ([]rdstypes.DBInstance, int, error) {
			var out []rdstypes.DBInstance
			p := rds.NewDescribeDBInstancesPaginator(l.rds, &rds.DescribeDBInstancesInput{})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *rds.DescribeDBInstancesOutput) { out = append(out, o.DBInstances...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe db instances: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []rdstypes.DBInstance) {
			inv.DBInstances = mergeBy(inv.DBInstances, items, func(v *rdstypes.DBInstance) string { return awssdk.ToString(v.DBInstanceIdentifier) })
		}, nil)
}

// dbClustersTask reads RDS's DB clusters (Aurora): which instances answer
// a cluster's writer and reader endpoints.
func (l *Loader) dbClustersTask() *task {
	return listTask(checks.KindDBClusters, "rds:DescribeDBClusters", "",
		func(ctx context.Context, round int) ([]rdstypes.DBCluster, int, error) {
			var out []rdstypes.DBCluster
			p := rds.NewDescribeDBClustersPaginator(l.rds, &rds.DescribeDBClustersInput{})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *rds.DescribeDBClustersOutput) { out = append(out, o.DBClusters...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe db clusters: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []rdstypes.DBCluster) {
			inv.DBClusters = mergeBy(inv.DBClusters, items, func(v *rdstypes.DBCluster) string { return awssdk.ToString(v.DBClusterIdentifier) })
		}, nil)
}
