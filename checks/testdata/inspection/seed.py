#!/usr/bin/env python3
"""Seed the inspection scenario in moto and dump it with the AWS CLI.

Regenerate (from the repository root; needs moto_server (moto 5), boto3 and
the AWS CLI on PATH, and nothing else):

    python3 checks/testdata/inspection/seed.py
    go test ./checks -run 'TestScenarios/inspection' -update   # then review golden/

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

SEED = 20240602


# NACL entries whose ICMP type moto 5.2 drops (it reads Icmp.Type, the wire
# name boto3 no longer sends): (acl name, rule number, egress) -> IcmpTypeCode.
ICMP_ENTRIES = {}


def seed(ec2):
    ids = {}
    delete_default_vpc(ec2)
    AZ = "us-east-1a"

    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=spec("vpc", "inspection"))["Vpc"]["VpcId"]
    ids["vpc"] = vpc
    igw = ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway", "inspection"))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ids["igw"] = igw

    def subnet(name, cidr):
        s = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=AZ,
                              TagSpecifications=spec("subnet", name))["Subnet"]["SubnetId"]
        ids[name] = s
        return s

    def group(name, rules):
        g = ec2.create_security_group(VpcId=vpc, GroupName=name, Description=name,
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

    def table(name, subnets, routes):
        rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=spec("route-table", name))["RouteTable"]["RouteTableId"]
        for r in routes:
            ec2.create_route(RouteTableId=rt, **r)
        for s in subnets:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
        ids[name] = rt

    def acl(name, subnets, entries):
        a = ec2.create_network_acl(VpcId=vpc, TagSpecifications=spec("network-acl", name))["NetworkAcl"]["NetworkAclId"]
        ids[name] = a
        for e in entries:
            ec2.create_network_acl_entry(NetworkAclId=a, **e)
            if "IcmpTypeCode" in e:
                ICMP_ENTRIES[(a, e["RuleNumber"], e["Egress"])] = e["IcmpTypeCode"]
        for s in subnets:
            cur = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [s]}])["NetworkAcls"][0]
            assoc = [x for x in cur["Associations"] if x["SubnetId"] == s][0]["NetworkAclAssociationId"]
            ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=a)

    fw_sub = subnet("firewall", "10.20.0.0/24")
    app_sub = subnet("app", "10.20.1.0/24")
    data_sub = subnet("data", "10.20.2.0/24")
    batch_sub = subnet("batch", "10.20.3.0/24")
    rep_sub = subnet("reporting", "10.20.4.0/24")
    pub_sub = subnet("public", "10.20.10.0/24")

    # Security groups. data admits 5432 only from members of clients (a
    # group reference) and 443 from the app subnet's CIDR.
    sg_fw = group("sg-firewall", [cidr_rule("-1", -1, -1, "10.20.0.0/16")])
    sg_nat = group("sg-nat", [cidr_rule("-1", -1, -1, "10.20.0.0/16")])
    sg_clients = group("sg-clients", [cidr_rule("tcp", 443, 443, "10.20.0.0/16")])
    sg_rep = group("sg-reporting", [cidr_rule("icmp", -1, -1, "10.20.0.0/16")])
    sg_batch = group("sg-batch", [])
    sg_data = group("sg-data", [
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": sg_clients}]},
        cidr_rule("tcp", 443, 443, "10.20.1.0/24"),
        cidr_rule("tcp", 22, 22, "10.20.0.0/16"),
        cidr_rule("icmp", -1, -1, "10.20.0.0/16"),
    ])

    # The firewall appliance: source/dest check off on its interface.
    _, fw_eni = instance("firewall-1", fw_sub, "10.20.0.10", [sg_fw])
    ec2.modify_network_interface_attribute(NetworkInterfaceId=fw_eni, SourceDestCheck={"Value": False})
    # moto keeps the instance attribute apart from the interface's: set both,
    # as AWS shows them (the instance attribute is its primary interface's).
    ec2.modify_instance_attribute(InstanceId=ids["firewall-1"], SourceDestCheck={"Value": False})
    instance("app-1", app_sub, "10.20.1.10", [sg_clients])
    instance("data-1", data_sub, "10.20.2.10", [sg_data])
    instance("batch-1", batch_sub, "10.20.3.10", [sg_batch])
    instance("reporting-1", rep_sub, "10.20.4.10", [sg_clients, sg_rep])
    # The NAT instance keeps its source/dest check (the default): the mistake.
    _, nat_eni = instance("nat-instance-1", pub_sub, "10.20.10.10", [sg_nat], public=True)

    # Routes: app <-> data through the appliance, both ways (more specific
    # than local); batch to the internet through the NAT instance.
    table("rt-app", [app_sub], [{"DestinationCidrBlock": "10.20.2.0/24", "NetworkInterfaceId": fw_eni}])
    table("rt-data", [data_sub], [{"DestinationCidrBlock": "10.20.1.0/24", "NetworkInterfaceId": fw_eni}])
    table("rt-batch", [batch_sub], [{"DestinationCidrBlock": "0.0.0.0/0", "NetworkInterfaceId": nat_eni}])
    table("rt-public", [pub_sub], [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}])

    # data: the allow (#200) is created before the deny (#100).
    acl("acl-data", [data_sub], [
        {"RuleNumber": 200, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.20.0.0/16"},
        {"RuleNumber": 100, "Protocol": "6", "RuleAction": "deny", "Egress": False, "CidrBlock": "10.20.1.0/24",
         "PortRange": {"From": 22, "To": 22}},
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"},
    ])
    # reporting: TCP from the VPC, and ICMP echo requests (type 8) only.
    acl("acl-reporting", [rep_sub], [
        {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.20.0.0/16",
         "PortRange": {"From": 0, "To": 65535}},
        {"RuleNumber": 110, "Protocol": "1", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.20.0.0/16",
         "IcmpTypeCode": {"Type": 8, "Code": -1}},
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"},
    ])
    return ids


def postprocess(snap, ids):
    # moto 5.2 stores no ICMP type/code for network ACL entries: set
    # IcmpTypeCode on the entries created with one, as AWS prints it.
    def fix(doc):
        for a in doc["NetworkAcls"]:
            for e in a["Entries"]:
                icmp = ICMP_ENTRIES.get((a["NetworkAclId"], e["RuleNumber"], e["Egress"]))
                if icmp and "IcmpTypeCode" not in e:
                    e["IcmpTypeCode"] = {"Code": icmp["Code"], "Type": icmp["Type"]}
    patch(snap, "describe-network-acls", fix)


if __name__ == "__main__":
    run(HERE, SEED, seed, postprocess)
