module github.com/reachnet/reach

go 1.26.8

require (
	github.com/aws/aws-sdk-go-v2/service/ec2 v1.345.0
	github.com/aws/aws-sdk-go-v2/service/route53 v1.70.10
	github.com/aws/aws-sdk-go-v2/service/route53resolver v1.45.0
)

require github.com/aws/smithy-go v1.28.9 // indirect
