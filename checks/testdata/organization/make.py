#!/usr/bin/env python3
"""Writes snapshot/accounts/ACCOUNT/us-east-1/*.json: three accounts of one
organisation as each account's AWS CLI would describe them (see README.md).
Run from this directory; the output is deterministic."""
import json, os, shutil

N, W, D = "333333333333", "111111111111", "222222222222"
AZ = "us-east-1a"
T = "2026-12-06T12:00:00.000Z"

def tags(name): return [{"Key": "Name", "Value": name}]
def vpc(id, cidr, owner, name): return {"VpcId": id, "OwnerId": owner, "CidrBlock": cidr, "State": "available", "IsDefault": False, "DhcpOptionsId": "default",
    "CidrBlockAssociationSet": [{"AssociationId": id.replace("vpc-", "vpc-cidr-assoc-"), "CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}], "Tags": tags(name)}
def subnet(id, vpcid, cidr, owner, name): return {"SubnetId": id, "VpcId": vpcid, "CidrBlock": cidr, "OwnerId": owner, "AvailabilityZone": AZ, "AvailabilityZoneId": "use1-az1",
    "State": "available", "DefaultForAz": False, "MapPublicIpOnLaunch": False, "SubnetArn": f"arn:aws:ec2:us-east-1:{owner}:subnet/{id}", "Tags": tags(name)}
def rtb(id, vpcid, owner, cidr, routes, subnets=(), main=False):
    assoc = [{"Main": False, "RouteTableAssociationId": id.replace("rtb-", "rtbassoc-") + str(i), "RouteTableId": id, "SubnetId": s, "AssociationState": {"State": "associated"}} for i, s in enumerate(subnets)]
    if main: assoc.append({"Main": True, "RouteTableAssociationId": id.replace("rtb-", "rtbassoc-m"), "RouteTableId": id, "AssociationState": {"State": "associated"}})
    return {"RouteTableId": id, "VpcId": vpcid, "OwnerId": owner, "Associations": assoc,
        "Routes": [{"DestinationCidrBlock": cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}] + [dict(r, Origin="CreateRoute", State="active") for r in routes]}
def entry(n, egress, action, cidr="0.0.0.0/0", proto="-1", ports=None):
    e = {"RuleNumber": n, "Egress": egress, "RuleAction": action, "CidrBlock": cidr, "Protocol": proto}
    if ports: e["PortRange"] = {"From": ports[0], "To": ports[1]}
    return e
def acl(id, vpcid, owner, subnets, extra=()):
    entries = list(extra) + [entry(100, eg, "allow") for eg in (True, False)] + [entry(32767, eg, "deny") for eg in (True, False)]
    return {"NetworkAclId": id, "VpcId": vpcid, "OwnerId": owner, "IsDefault": True, "Entries": entries,
        "Associations": [{"NetworkAclAssociationId": id.replace("acl-", "aclassoc-") + str(i), "NetworkAclId": id, "SubnetId": s} for i, s in enumerate(subnets)]}
def perm(proto, lo, hi, cidrs=(), pairs=()):
    return {"IpProtocol": proto, "FromPort": lo, "ToPort": hi, "IpRanges": [{"CidrIp": c} for c in cidrs], "UserIdGroupPairs": list(pairs), "Ipv6Ranges": [], "PrefixListIds": []}
ALL_OUT = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "UserIdGroupPairs": [], "Ipv6Ranges": [], "PrefixListIds": []}]
def sg(id, vpcid, owner, name, ingress=()):
    return {"GroupId": id, "GroupName": name, "Description": name, "VpcId": vpcid, "OwnerId": owner, "IpPermissions": list(ingress), "IpPermissionsEgress": ALL_OUT, "Tags": tags(name)}
def instance(iid, eniid, ip, subnetid, vpcid, owner, group, name):
    ni = {"NetworkInterfaceId": eniid, "SubnetId": subnetid, "VpcId": vpcid, "OwnerId": owner, "PrivateIpAddress": ip, "Status": "in-use", "SourceDestCheck": True,
        "InterfaceType": "interface", "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}], "Groups": [{"GroupId": group[0], "GroupName": group[1]}],
        "Attachment": {"AttachmentId": eniid.replace("eni-", "eni-attach-"), "DeviceIndex": 0, "Status": "attached", "InstanceId": iid, "InstanceOwnerId": owner}}
    eni = dict(ni, AvailabilityZone=AZ, Description="Primary network interface", TagSet=[])
    res = {"ReservationId": iid.replace("i-", "r-"), "OwnerId": owner, "Groups": [], "Instances": [{"InstanceId": iid, "State": {"Code": 16, "Name": "running"},
        "SubnetId": subnetid, "VpcId": vpcid, "PrivateIpAddress": ip, "Placement": {"AvailabilityZone": AZ}, "SecurityGroups": [{"GroupId": group[0], "GroupName": group[1]}],
        "NetworkInterfaces": [ni], "SourceDestCheck": True, "Tags": tags(name)}]}
    return eni, res

# The network account: the shared VPC and subnet, their route table and
# network ACL, the transit gateway and its route table.
VPC_SHARED, SUBNET_SHARED = "vpc-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60011"
VPC_WORK, SUBNET_WORK = "vpc-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60012"
VPC_DATA, SUBNET_DATA = "vpc-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60111"
TGW, TGW_RTB = "tgw-0a1b2c3d4e5f60031", "tgw-rtb-0a1b2c3d4e5f60032"
ATT_SHARED, ATT_DATA = "tgw-attach-0a1b2c3d4e5f60051", "tgw-attach-0a1b2c3d4e5f60052"
PCX = "pcx-0a1b2c3d4e5f60091"
SG_APP, SG_WEB, SG_DB = "sg-0a1b2c3d4e5f60061", "sg-0a1b2c3d4e5f60062", "sg-0a1b2c3d4e5f60161"

shared_vpc = vpc(VPC_SHARED, "10.50.0.0/16", N, "shared")
shared_subnet = subnet(SUBNET_SHARED, VPC_SHARED, "10.50.1.0/24", N, "shared-app")
tgw = {"TransitGatewayId": TGW, "TransitGatewayArn": f"arn:aws:ec2:us-east-1:{N}:transit-gateway/{TGW}", "State": "available", "OwnerId": N,
    "Options": {"DefaultRouteTableAssociation": "enable", "AssociationDefaultRouteTableId": TGW_RTB, "DefaultRouteTablePropagation": "enable",
                "PropagationDefaultRouteTableId": TGW_RTB, "SecurityGroupReferencingSupport": "disable"}, "Tags": tags("hub")}
def attachment(id, vpcid, owner): return {"TransitGatewayAttachmentId": id, "TransitGatewayId": TGW, "TransitGatewayOwnerId": N, "ResourceOwnerId": owner,
    "ResourceType": "vpc", "ResourceId": vpcid, "State": "available", "Association": {"TransitGatewayRouteTableId": TGW_RTB, "State": "associated"}}
def vpc_attachment(id, vpcid, owner, subnetid): return {"TransitGatewayAttachmentId": id, "TransitGatewayId": TGW, "VpcId": vpcid, "VpcOwnerId": owner,
    "State": "available", "SubnetIds": [subnetid], "Options": {"DnsSupport": "enable", "SecurityGroupReferencingSupport": "disable", "ApplianceModeSupport": "disable", "Ipv6Support": "disable"}}
peering = {"VpcPeeringConnectionId": PCX, "Status": {"Code": "active", "Message": "Active"},
    "RequesterVpcInfo": {"VpcId": VPC_WORK, "OwnerId": W, "CidrBlock": "10.70.0.0/16", "CidrBlockSet": [{"CidrBlock": "10.70.0.0/16"}], "Region": "us-east-1"},
    "AccepterVpcInfo": {"VpcId": VPC_DATA, "OwnerId": D, "CidrBlock": "10.60.0.0/16", "CidrBlockSet": [{"CidrBlock": "10.60.0.0/16"}], "Region": "us-east-1"}}

app_eni, app_res = instance("i-0a1b2c3d4e5f60081", "eni-0a1b2c3d4e5f60071", "10.50.1.10", SUBNET_SHARED, VPC_SHARED, W, (SG_APP, "app"), "app-1")
web_eni, web_res = instance("i-0a1b2c3d4e5f60082", "eni-0a1b2c3d4e5f60072", "10.70.1.10", SUBNET_WORK, VPC_WORK, W, (SG_WEB, "web"), "web-1")
db_eni, db_res = instance("i-0a1b2c3d4e5f60181", "eni-0a1b2c3d4e5f60171", "10.60.1.20", SUBNET_DATA, VPC_DATA, D, (SG_DB, "db"), "db-1")

accounts = {
    N: {
        "describe-vpcs": {"Vpcs": [shared_vpc]},
        "describe-subnets": {"Subnets": [shared_subnet]},
        "describe-route-tables": {"RouteTables": [
            rtb("rtb-0a1b2c3d4e5f60021", VPC_SHARED, N, "10.50.0.0/16", [{"DestinationCidrBlock": "10.60.0.0/16", "TransitGatewayId": TGW}], [SUBNET_SHARED]),
            rtb("rtb-0a1b2c3d4e5f60022", VPC_SHARED, N, "10.50.0.0/16", [], main=True)]},
        "describe-network-acls": {"NetworkAcls": [acl("acl-0a1b2c3d4e5f60041", VPC_SHARED, N, [SUBNET_SHARED],
            [entry(90, True, "deny", "10.60.0.0/16", "6", (3306, 3306))])]},
        "describe-transit-gateways": {"TransitGateways": [tgw]},
        "describe-transit-gateway-attachments": {"TransitGatewayAttachments": [attachment(ATT_SHARED, VPC_SHARED, N), attachment(ATT_DATA, VPC_DATA, D)]},
        "describe-transit-gateway-vpc-attachments": {"TransitGatewayVpcAttachments": [vpc_attachment(ATT_SHARED, VPC_SHARED, N, SUBNET_SHARED), vpc_attachment(ATT_DATA, VPC_DATA, D, SUBNET_DATA)]},
        "describe-transit-gateway-route-tables": {"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": TGW_RTB, "TransitGatewayId": TGW, "State": "available",
            "DefaultAssociationRouteTable": True, "DefaultPropagationRouteTable": True}]},
        "search-transit-gateway-routes." + TGW_RTB: {"Routes": [
            {"DestinationCidrBlock": c, "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": a, "ResourceId": v, "ResourceType": "vpc"}], "Type": "propagated", "State": "active"}
            for c, a, v in (("10.50.0.0/16", ATT_SHARED, VPC_SHARED), ("10.60.0.0/16", ATT_DATA, VPC_DATA))]},
        "get-transit-gateway-route-table-propagations." + TGW_RTB: {"TransitGatewayRouteTablePropagations": [
            {"TransitGatewayAttachmentId": a, "ResourceId": v, "ResourceType": "vpc", "State": "enabled"} for a, v in ((ATT_SHARED, VPC_SHARED), (ATT_DATA, VPC_DATA))]},
    },
    W: {
        # A participant sees the shared VPC and subnet, not their route
        # tables or network ACLs.
        "describe-vpcs": {"Vpcs": [dict(shared_vpc, Tags=[]), vpc(VPC_WORK, "10.70.0.0/16", W, "work")]},
        "describe-subnets": {"Subnets": [dict(shared_subnet, Tags=[]), subnet(SUBNET_WORK, VPC_WORK, "10.70.1.0/24", W, "work-web")]},
        "describe-network-interfaces": {"NetworkInterfaces": [app_eni, web_eni]},
        "describe-instances": {"Reservations": [app_res, web_res]},
        "describe-security-groups": {"SecurityGroups": [sg(SG_APP, VPC_SHARED, W, "app"), sg(SG_WEB, VPC_WORK, W, "web")]},
        "describe-route-tables": {"RouteTables": [rtb("rtb-0a1b2c3d4e5f60023", VPC_WORK, W, "10.70.0.0/16", [{"DestinationCidrBlock": "10.60.0.0/16", "VpcPeeringConnectionId": PCX}], main=True)]},
        "describe-network-acls": {"NetworkAcls": [acl("acl-0a1b2c3d4e5f60042", VPC_WORK, W, [SUBNET_WORK])]},
        "describe-vpc-peering-connections": {"VpcPeeringConnections": [peering]},
    },
    D: {
        "describe-vpcs": {"Vpcs": [vpc(VPC_DATA, "10.60.0.0/16", D, "data")]},
        "describe-subnets": {"Subnets": [subnet(SUBNET_DATA, VPC_DATA, "10.60.1.0/24", D, "data-db")]},
        "describe-network-interfaces": {"NetworkInterfaces": [db_eni]},
        "describe-instances": {"Reservations": [db_res]},
        "describe-security-groups": {"SecurityGroups": [sg(SG_DB, VPC_DATA, D, "db", [
            perm("tcp", 5432, 5432, ["10.50.0.0/16"]), perm("tcp", 3306, 3306, ["10.50.0.0/16"]),
            perm("tcp", 8443, 8443, pairs=[{"UserId": W, "GroupId": SG_WEB, "VpcId": VPC_WORK, "VpcPeeringConnectionId": PCX, "PeeringStatus": "active"}])])]},
        "describe-route-tables": {"RouteTables": [rtb("rtb-0a1b2c3d4e5f60121", VPC_DATA, D, "10.60.0.0/16", [
            {"DestinationCidrBlock": "10.50.0.0/16", "TransitGatewayId": TGW}, {"DestinationCidrBlock": "10.70.0.0/16", "VpcPeeringConnectionId": PCX}], main=True)]},
        "describe-network-acls": {"NetworkAcls": [acl("acl-0a1b2c3d4e5f60141", VPC_DATA, D, [SUBNET_DATA])]},
        "describe-vpc-peering-connections": {"VpcPeeringConnections": [peering]},
        # The transit gateway shared through RAM, and the data account's own attachment.
        "describe-transit-gateways": {"TransitGateways": [dict(tgw, Tags=[])]},
        "describe-transit-gateway-attachments": {"TransitGatewayAttachments": [attachment(ATT_DATA, VPC_DATA, D)]},
        "describe-transit-gateway-vpc-attachments": {"TransitGatewayVpcAttachments": [vpc_attachment(ATT_DATA, VPC_DATA, D, SUBNET_DATA)]},
    },
}
# Every account answers every listing, most with nothing.
empty = {"describe-network-interfaces": "NetworkInterfaces", "describe-instances": "Reservations", "describe-route-tables": "RouteTables",
    "describe-network-acls": "NetworkAcls", "describe-security-groups": "SecurityGroups", "describe-managed-prefix-lists": "PrefixLists",
    "describe-vpc-peering-connections": "VpcPeeringConnections", "describe-internet-gateways": "InternetGateways",
    "describe-egress-only-internet-gateways": "EgressOnlyInternetGateways", "describe-nat-gateways": "NatGateways", "describe-vpn-gateways": "VpnGateways",
    "describe-transit-gateways": "TransitGateways", "describe-transit-gateway-attachments": "TransitGatewayAttachments",
    "describe-transit-gateway-vpc-attachments": "TransitGatewayVpcAttachments", "describe-transit-gateway-route-tables": "TransitGatewayRouteTables",
    "describe-vpc-endpoints": "VpcEndpoints", "describe-vpn-connections": "VpnConnections"}
shutil.rmtree("snapshot", ignore_errors=True)
for account, files in accounts.items():
    d = os.path.join("snapshot", "accounts", account, "us-east-1")
    os.makedirs(d)
    for name, key in empty.items():
        files.setdefault(name, {key: []})
    for name, doc in files.items():
        with open(os.path.join(d, name + ".json"), "w") as f:
            json.dump(doc, f, indent=4)
            f.write("\n")
