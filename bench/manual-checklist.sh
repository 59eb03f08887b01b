#!/usr/bin/env bash
# manual-checklist.sh: the connectivity checklist of the seed chapter
# ("Systematic Network Debugging": route table, network ACL, security group,
# then DNS and service checks) done the way a person does it, one AWS CLI
# command after another, so its time can be compared with reach's targeted
# load of the same path. Reading and comparing the outputs by eye is not
# counted, so the figure is a lower bound on the manual method.
#
# usage: manual-checklist.sh SOURCE_ENI DESTINATION_IP [PORT]
#
# Uses the AWS CLI's usual configuration; set AWS_ENDPOINT_URL to run
# against an emulator (moto_server), as the benchmark in aws/ does. Prints
# one line per step and a last line "commands N seconds S".
set -euo pipefail

if [[ $# -lt 2 ]]; then
	echo "usage: $0 SOURCE_ENI DESTINATION_IP [PORT]" >&2
	exit 2
fi
src=$1 dst=$2 port=${3:-443}

endpoint=()
if [[ -n ${AWS_ENDPOINT_URL:-} ]]; then
	endpoint=(--endpoint-url "$AWS_ENDPOINT_URL")
fi
# Commands run in $(...) subshells too, so they are counted in a file.
count=$(mktemp)
trap 'rm -f "$count"' EXIT
start=$(date +%s.%N)
aws_() {
	echo >>"$count"
	aws "${endpoint[@]}" --output text "$@"
}
step() { printf '%-44s %s\n' "$1" "$2"; }

# The two ends: subnet, VPC, groups, source/destination check.
read -r src_subnet src_vpc src_check < <(aws_ ec2 describe-network-interfaces --network-interface-ids "$src" \
	--query 'NetworkInterfaces[0].[SubnetId,VpcId,SourceDestCheck]')
src_groups=$(aws_ ec2 describe-network-interfaces --network-interface-ids "$src" --query 'NetworkInterfaces[0].Groups[].GroupId')
step "source $src" "subnet $src_subnet vpc $src_vpc source-dest-check $src_check"
read -r dst_eni dst_subnet dst_vpc < <(aws_ ec2 describe-network-interfaces --filters "Name=addresses.private-ip-address,Values=$dst" \
	--query 'NetworkInterfaces[0].[NetworkInterfaceId,SubnetId,VpcId]')
dst_groups=$(aws_ ec2 describe-network-interfaces --filters "Name=addresses.private-ip-address,Values=$dst" --query 'NetworkInterfaces[0].Groups[].GroupId')
step "destination $dst" "eni $dst_eni subnet $dst_subnet vpc $dst_vpc"

# [1] Route table of each subnet (its own, else the VPC's main table).
route_table() {
	local subnet=$1 vpc=$2 rtb
	rtb=$(aws_ ec2 describe-route-tables --filters "Name=association.subnet-id,Values=$subnet" --query 'RouteTables[0].RouteTableId')
	if [[ -z $rtb || $rtb == None ]]; then
		rtb=$(aws_ ec2 describe-route-tables --filters "Name=vpc-id,Values=$vpc" "Name=association.main,Values=true" --query 'RouteTables[0].RouteTableId')
	fi
	echo "$rtb"
}
src_rtb=$(route_table "$src_subnet" "$src_vpc")
aws_ ec2 describe-route-tables --route-table-ids "$src_rtb" --query 'RouteTables[0].Routes[].[DestinationCidrBlock,GatewayId,NatGatewayId,VpcPeeringConnectionId,TransitGatewayId,State]' >/dev/null
step "[1] route table (forward)" "$src_rtb"
dst_rtb=$(route_table "$dst_subnet" "$dst_vpc")
aws_ ec2 describe-route-tables --route-table-ids "$dst_rtb" --query 'RouteTables[0].Routes[].[DestinationCidrBlock,GatewayId,NatGatewayId,VpcPeeringConnectionId,TransitGatewayId,State]' >/dev/null
step "[1] route table (return)" "$dst_rtb"
if [[ $src_vpc != "$dst_vpc" ]]; then
	aws_ ec2 describe-vpc-peering-connections --filters "Name=requester-vpc-info.vpc-id,Values=$src_vpc,$dst_vpc" \
		--query 'VpcPeeringConnections[].[VpcPeeringConnectionId,Status.Code]' >/dev/null
	aws_ ec2 describe-transit-gateway-attachments --filters "Name=resource-id,Values=$src_vpc,$dst_vpc" \
		--query 'TransitGatewayAttachments[].[TransitGatewayAttachmentId,Association.TransitGatewayRouteTableId]' >/dev/null
	step "[1] cross-VPC: peering, transit gateway" "checked"
fi

# [2] Network ACLs, both directions on both subnets.
src_acl=$(aws_ ec2 describe-network-acls --filters "Name=association.subnet-id,Values=$src_subnet" --query 'NetworkAcls[0].NetworkAclId')
aws_ ec2 describe-network-acls --network-acl-ids "$src_acl" --query 'NetworkAcls[0].Entries' >/dev/null
dst_acl=$(aws_ ec2 describe-network-acls --filters "Name=association.subnet-id,Values=$dst_subnet" --query 'NetworkAcls[0].NetworkAclId')
aws_ ec2 describe-network-acls --network-acl-ids "$dst_acl" --query 'NetworkAcls[0].Entries' >/dev/null
step "[2] network ACLs" "$src_acl $dst_acl"

# [3] Security groups: the source's egress, the destination's ingress.
# shellcheck disable=SC2086 # word splitting of the group list is intended
aws_ ec2 describe-security-groups --group-ids $src_groups --query 'SecurityGroups[].IpPermissionsEgress' >/dev/null
# shellcheck disable=SC2086
aws_ ec2 describe-security-groups --group-ids $dst_groups --query 'SecurityGroups[].IpPermissions' >/dev/null
step "[3] security groups (port $port)" "$(echo $src_groups) -> $(echo $dst_groups)"

# [4] DNS applies to hostnames only; [5] service checks need the service.
end=$(date +%s.%N)
echo "commands $(wc -l <"$count" | tr -d ' ') seconds $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
