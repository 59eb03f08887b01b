#!/usr/bin/env python3
"""Seed the dead-ends scenario in moto and dump it with the AWS CLI.

Regenerate (from the repository root; needs moto_server (moto 5), boto3 and
the AWS CLI on PATH, and nothing else):

    python3 checks/testdata/dead-ends/seed.py
    go test ./checks -run 'TestScenarios/dead-ends' -update   # then review golden/

The script starts its own moto_server on a free loopback port, seeds moto's
random generator (so IDs come out the same on every run: cases.json names
them), builds the topology with boto3, writes snapshot/ and stops moto.
Changing the order of the calls below changes every ID after the change.
See README.md for the topology, the AWS pages behind each case, and where
moto falls short.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from motosnap import LINUX_AMI, delete_default_vpc, dump, patch, run, spec  # noqa: E402

SEED = 20261206
LAMBDA_IP = "10.60.1.50"


def seed(ec2):
    ids = {}
    delete_default_vpc(ec2)
    AZ = "us-east-1a"

    def vpc(name, cidr):
        v = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=spec("vpc", name))["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=v, EnableDnsHostnames={"Value": True})
        ids[name] = v
        return v

    def subnet(vpc_id, name, cidr):
        s = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=AZ,
                              TagSpecifications=spec("subnet", name))["Subnet"]["SubnetId"]
        ids[name] = s
        return s

    def group(vpc_id, name, rules):
        g = ec2.create_security_group(VpcId=vpc_id, GroupName=name, Description=name,
                                      TagSpecifications=spec("security-group", name))["GroupId"]
        ids[name] = g
        if rules:
            ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=rules)
        return g

    def cidr_rule(proto, lo, hi, cidr):
        return {"IpProtocol": proto, "FromPort": lo, "ToPort": hi, "IpRanges": [{"CidrIp": cidr}]}

    def instance(name, subnet_id, ip, sgs, public=False):
        i = ec2.run_instances(ImageId=LINUX_AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet_id, "PrivateIpAddress": ip,
                                                  "Groups": sgs, "AssociatePublicIpAddress": public}],
                              TagSpecifications=spec("instance", name))["Instances"][0]
        ids[name] = i["InstanceId"]
        ids[name + "-eni"] = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
        return i["InstanceId"], i["NetworkInterfaces"][0]["NetworkInterfaceId"]

    def table(vpc_id, name, subnets, routes):
        rt = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=spec("route-table", name))["RouteTable"]["RouteTableId"]
        for r in routes:
            ec2.create_route(RouteTableId=rt, **r)
        for s in subnets:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
        ids[name] = rt
        return rt

    def igw(vpc_id, name):
        g = ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway", name))["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=g, VpcId=vpc_id)
        ids[name] = g
        return g

    app = vpc("app", "10.60.0.0/16")
    svc = vpc("svc", "10.61.0.0/16")
    shadow = vpc("shadow", "10.60.0.0/16")
    igw_app = igw(app, "igw-app")
    igw_svc = igw(svc, "igw-svc")

    public = subnet(app, "public", "10.60.0.0/24")
    private = subnet(app, "private", "10.60.1.0/24")
    private2 = subnet(app, "private2", "10.60.2.0/24")
    fw = subnet(app, "firewall", "10.60.9.0/24")
    svc_a = subnet(svc, "svc-a", "10.61.1.0/24")
    shadow_a = subnet(shadow, "shadow-a", "10.60.1.0/24")

    everything_private = cidr_rule("-1", -1, -1, "10.0.0.0/8")
    sg_web = group(app, "sg-web", [cidr_rule("tcp", 443, 443, "0.0.0.0/0"), everything_private])
    sg_app = group(app, "sg-app", [everything_private])
    sg_appliance = group(app, "sg-appliance", [cidr_rule("-1", -1, -1, "0.0.0.0/0")])
    sg_lambda = group(app, "sg-lambda", [everything_private])
    sg_svc = group(svc, "sg-svc", [everything_private])
    sg_shadow = group(shadow, "sg-shadow", [everything_private])

    instance("web-1", public, "10.60.0.10", [sg_web], public=True)
    # The firewall of the ingress route and the NAT instance are stopped;
    # their interfaces stay attached and their routes stay active.
    _, fw_eni = instance("firewall-1", fw, "10.60.9.10", [sg_appliance])
    _, nat_eni = instance("nat-instance-1", public, "10.60.0.30", [sg_appliance], public=True)
    for name, eni in (("firewall-1", fw_eni), ("nat-instance-1", nat_eni)):
        ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, SourceDestCheck={"Value": False})
        ec2.modify_instance_attribute(InstanceId=ids[name], SourceDestCheck={"Value": False})
    ec2.stop_instances(InstanceIds=[ids["firewall-1"], ids["nat-instance-1"]])
    # An appliance interface that was detached from its instance (or never
    # attached): Status available.
    spare = ec2.create_network_interface(SubnetId=fw, PrivateIpAddress="10.60.9.20", Groups=[sg_appliance],
                                         TagSpecifications=spec("network-interface", "spare-appliance"))
    ids["spare-eni"] = spare["NetworkInterface"]["NetworkInterfaceId"]
    instance("app-1", private, "10.60.1.10", [sg_app])
    instance("app-2", private2, "10.60.2.10", [sg_app])
    # The Lambda function's interface (post-processed into InterfaceType
    # lambda, as AWS creates it).
    lam = ec2.create_network_interface(SubnetId=private, PrivateIpAddress=LAMBDA_IP, Groups=[sg_lambda],
                                       Description="AWS Lambda VPC ENI-orders-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    ids["lambda-eni"] = lam["NetworkInterface"]["NetworkInterfaceId"]
    instance("svc-1", svc_a, "10.61.1.10", [sg_svc], public=True)
    instance("shadow-1", shadow_a, "10.60.1.10", [sg_shadow])

    pcx = ec2.create_vpc_peering_connection(VpcId=app, PeerVpcId=svc)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ids["pcx-app-svc"] = pcx
    # svc lets app resolve its instances' public names to private addresses.
    ec2.modify_vpc_peering_connection_options(VpcPeeringConnectionId=pcx,
                                              AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    pcx2 = ec2.create_vpc_peering_connection(VpcId=shadow, PeerVpcId=svc)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx2)
    ids["pcx-shadow-svc"] = pcx2

    table(app, "rt-public", [public], [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_app}])
    table(app, "rt-firewall", [fw], [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_app}])
    table(app, "rt-private", [private, private2], [
        {"DestinationCidrBlock": "0.0.0.0/0", "NetworkInterfaceId": nat_eni},
        {"DestinationCidrBlock": "192.168.0.0/16", "NetworkInterfaceId": ids["spare-eni"]},
        {"DestinationCidrBlock": "10.61.0.0/16", "VpcPeeringConnectionId": pcx},
    ])
    # Ingress routing: traffic from the internet to the public subnet goes
    # through the (stopped) firewall.
    edge = table(app, "rt-edge", [], [{"DestinationCidrBlock": "10.60.0.0/24", "NetworkInterfaceId": fw_eni}])
    ec2.associate_route_table(RouteTableId=edge, GatewayId=igw_app)
    # svc routes app's VPC back over the peering, but a more specific route
    # sends app's private subnet to the shadow VPC, which reuses the range.
    table(svc, "rt-svc", [svc_a], [
        {"DestinationCidrBlock": "10.60.0.0/16", "VpcPeeringConnectionId": pcx},
        {"DestinationCidrBlock": "10.60.1.0/24", "VpcPeeringConnectionId": pcx2},
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_svc},
    ])
    table(shadow, "rt-shadow", [shadow_a], [{"DestinationCidrBlock": "10.61.0.0/16", "VpcPeeringConnectionId": pcx2}])
    return ids


def extra(url, snap, ids):
    # The Resolver's configuration (none: the VPCs use the Amazon DNS
    # server), and the DNS attributes that decide the peering's DNS
    # resolution.
    dump(url, snap, "list-hosted-zones", "route53", "list-hosted-zones")
    for cmd in ("list-resolver-endpoints", "list-resolver-rules", "list-resolver-rule-associations"):
        dump(url, snap, cmd, "route53resolver", cmd)
    for name in ("app", "svc", "shadow"):
        v = ids[name]
        dump(url, snap, "describe-vpc-attribute-dns-hostnames." + v, "ec2", "describe-vpc-attribute",
             "--vpc-id", v, "--attribute", "enableDnsHostnames")
        dump(url, snap, "describe-vpc-attribute-dns-support." + v, "ec2", "describe-vpc-attribute",
             "--vpc-id", v, "--attribute", "enableDnsSupport")


def postprocess(snap, ids):
    # moto cannot create a Lambda interface: AWS prints InterfaceType lambda,
    # requester-managed, in use and attached to no instance.
    def fix_eni(doc):
        for e in doc["NetworkInterfaces"]:
            if e["NetworkInterfaceId"] == ids["lambda-eni"]:
                e["InterfaceType"] = "lambda"
                e["RequesterManaged"] = True
                e["RequesterId"] = "AROAEXAMPLEROLEID:orders"
                e["Status"] = "in-use"
                e["Attachment"] = {"AttachmentId": "ela-attach-0a1b2c3d4e5f60001", "DeleteOnTermination": False,
                                   "DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"}
    patch(snap, "describe-network-interfaces", fix_eni)


if __name__ == "__main__":
    run(HERE, SEED, seed, postprocess, extra)
