#!/usr/bin/env python3
"""Seed the transit-hub scenario in moto and dump it with the AWS CLI.

Regenerate (from the repository root; needs moto_server (moto 5), boto3 and
the AWS CLI on PATH, and nothing else):

    python3 checks/testdata/transit-hub/seed.py
    go test ./checks -run 'TestScenarios/transit-hub' -update   # then review golden/

The script starts its own moto_server on a free loopback port, seeds moto's
random generator (so IDs come out the same on every run: cases.json names
them), builds the topology with boto3, writes snapshot/ with one
`aws --endpoint-url ... ec2 <command> --output json` per file, and stops moto.
Changing the order of the calls below changes every ID after the change.
See README.md for the topology and for where moto falls short.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from motosnap import LINUX_AMI, REGION, delete_default_vpc, patch, run, spec, tag  # noqa: E402

SEED = 20240601


def seed(ec2):
    ids = {}
    delete_default_vpc(ec2)

    tgw = ec2.create_transit_gateway(
        Description="hub",
        Options={"DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "disable"},
        TagSpecifications=spec("transit-gateway", "hub"),
    )["TransitGateway"]
    ids["tgw"] = tgw["TransitGatewayId"]
    ids["tgw-rtb-spokes"] = tgw["Options"]["AssociationDefaultRouteTableId"]
    ec2.create_tags(Resources=[ids["tgw-rtb-spokes"]], Tags=tag("spokes"))

    def vpc(name, cidr):
        v = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=spec("vpc", name))["Vpc"]["VpcId"]
        ids[name] = v
        return v

    def subnet(vpc_id, name, cidr, az):
        s = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az,
                              TagSpecifications=spec("subnet", name))["Subnet"]["SubnetId"]
        ids[name] = s
        return s

    def group(vpc_id, name, ports):
        g = ec2.create_security_group(VpcId=vpc_id, GroupName=name, Description=name,
                                      TagSpecifications=spec("security-group", name))["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
            for p in ports])
        ids[name] = g
        return g

    def instance(name, subnet_id, ip, sg):
        i = ec2.run_instances(ImageId=LINUX_AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              SubnetId=subnet_id, PrivateIpAddress=ip, SecurityGroupIds=[sg],
                              TagSpecifications=spec("instance", name))["Instances"][0]
        ids[name] = i["InstanceId"]
        ids[name + "-eni"] = i["NetworkInterfaces"][0]["NetworkInterfaceId"]

    def spoke_routes(vpc_id, name, subnets):
        rt = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=spec("route-table", name))["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=ids["tgw"])
        for s in subnets:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
        ids[name] = rt

    def attach(name, vpc_id, subnets):
        a = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=ids["tgw"], VpcId=vpc_id, SubnetIds=subnets,
            TagSpecifications=spec("transit-gateway-attachment", name),
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ids[name] = a
        return a

    # spoke1: app subnets in 1a and 1b, but the attachment only in 1a.
    s1 = vpc("spoke1", "10.1.0.0/16")
    s1a = subnet(s1, "spoke1-app-a", "10.1.1.0/24", "us-east-1a")
    s1b = subnet(s1, "spoke1-app-b", "10.1.2.0/24", "us-east-1b")
    s1t = subnet(s1, "spoke1-tgw-a", "10.1.100.0/28", "us-east-1a")
    spoke_routes(s1, "spoke1-rt", [s1a, s1b])
    g1 = group(s1, "spoke1-app", [22, 443])
    instance("spoke1-app-a-1", s1a, "10.1.1.10", g1)
    instance("spoke1-app-b-1", s1b, "10.1.2.10", g1)

    # spoke2: app, db and a quarantined /24; attachment subnets in 1a and 1b
    # share a NACL whose outbound rules keep the transit gateway away from db.
    s2 = vpc("spoke2", "10.2.0.0/16")
    s2a = subnet(s2, "spoke2-app-a", "10.2.1.0/24", "us-east-1a")
    s2d = subnet(s2, "spoke2-db-a", "10.2.2.0/24", "us-east-1a")
    s2q = subnet(s2, "spoke2-quarantine-a", "10.2.9.0/24", "us-east-1a")
    s2ta = subnet(s2, "spoke2-tgw-a", "10.2.100.0/28", "us-east-1a")
    s2tb = subnet(s2, "spoke2-tgw-b", "10.2.100.16/28", "us-east-1b")
    spoke_routes(s2, "spoke2-rt", [s2a, s2d, s2q])
    g2 = group(s2, "spoke2-app", [22, 443, 5432])
    instance("spoke2-app-a-1", s2a, "10.2.1.10", g2)
    instance("spoke2-db-a-1", s2d, "10.2.2.10", g2)
    instance("spoke2-quarantine-a-1", s2q, "10.2.9.10", g2)
    acl = ec2.create_network_acl(VpcId=s2, TagSpecifications=spec("network-acl", "spoke2-tgw"))["NetworkAcl"]["NetworkAclId"]
    ids["acl-spoke2-tgw"] = acl
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0")
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=90, Protocol="-1", RuleAction="deny",
                                 Egress=True, CidrBlock="10.2.2.0/24")
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                 Egress=True, CidrBlock="0.0.0.0/0")
    for s in (s2ta, s2tb):
        cur = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [s]}])["NetworkAcls"][0]
        assoc = [a for a in cur["Associations"] if a["SubnetId"] == s][0]["NetworkAclAssociationId"]
        ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)

    # spoke3: one subnet and its attachment subnet, both in 1a.
    s3 = vpc("spoke3", "10.3.0.0/16")
    s3a = subnet(s3, "spoke3-app-a", "10.3.1.0/24", "us-east-1a")
    s3t = subnet(s3, "spoke3-tgw-a", "10.3.100.0/28", "us-east-1a")
    spoke_routes(s3, "spoke3-rt", [s3a])
    g3 = group(s3, "spoke3-app", [22, 443])
    instance("spoke3-app-a-1", s3a, "10.3.1.10", g3)

    a1 = attach("att-spoke1", s1, [s1t])
    a2 = attach("att-spoke2", s2, [s2ta, s2tb])
    a3 = attach("att-spoke3", s3, [s3t])

    # spokes (the default table): spoke1 and spoke2 associated (by default)
    # and propagating; spoke3 does not propagate here.
    spokes = ids["tgw-rtb-spokes"]
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=spokes, TransitGatewayAttachmentId=a1)
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=spokes, TransitGatewayAttachmentId=a2)
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=spokes, DestinationCidrBlock="10.2.9.0/24", Blackhole=True)

    # isolated: spoke3 associated; only spoke1 propagates here.
    isolated = ec2.create_transit_gateway_route_table(
        TransitGatewayId=ids["tgw"], TagSpecifications=spec("transit-gateway-route-table", "isolated"),
    )["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ids["tgw-rtb-isolated"] = isolated
    try:
        # What AWS needs before re-associating; moto 5.2 fails here (it
        # never recorded the default association it made).
        ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=spokes, TransitGatewayAttachmentId=a3)
    except Exception:
        pass
    assoc = ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=isolated, TransitGatewayAttachmentId=a3)["Association"]
    ids["associations"] = {assoc["TransitGatewayAttachmentId"]: assoc["TransitGatewayRouteTableId"]}
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=isolated, TransitGatewayAttachmentId=a1)
    return ids


def postprocess(snap, ids):
    # moto keeps every VPC attachment associated with the default route table
    # in describe-transit-gateway-attachments, whatever
    # associate-transit-gateway-route-table did: set the association to the
    # table that call reported.
    def fix(doc):
        for a in doc["TransitGatewayAttachments"]:
            rtb = ids["associations"].get(a["TransitGatewayAttachmentId"])
            if rtb:
                a["Association"]["TransitGatewayRouteTableId"] = rtb
    patch(snap, "describe-transit-gateway-attachments", fix)


if __name__ == "__main__":
    run(HERE, SEED, seed, postprocess)
