#!/usr/bin/env python3
"""Seed the edge scenario in moto and dump it with the AWS CLI.

Regenerate (from the repository root; needs moto_server (moto 5), boto3 and
the AWS CLI on PATH, and nothing else):

    python3 checks/testdata/edge/seed.py
    go test ./checks -run 'TestScenarios/edge' -update   # then review golden/

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

SEED = 20240603
WINDOWS_AMI = "ami-1ecc1e67"  # moto's Windows_Server-2012-R2_RTM-English-64Bit-Base (Platform: windows)
NAT_PRIVATE_IP = "10.30.1.5"
NAT_PUBLIC_IP = "44.192.10.20"


def seed(ec2):
    ids = {}
    delete_default_vpc(ec2)
    AZ = "us-east-1a"

    def vpc(name, cidr):
        v = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=spec("vpc", name))["Vpc"]["VpcId"]
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

    def instance(name, subnet_id, ip, sgs, public=False, ami=LINUX_AMI):
        i = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet_id, "PrivateIpAddress": ip,
                                                  "Groups": sgs, "AssociatePublicIpAddress": public}],
                              TagSpecifications=spec("instance", name))["Instances"][0]
        ids[name] = i["InstanceId"]
        ids[name + "-eni"] = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
        if public:
            ids[name + "-public-ip"] = i["PublicIpAddress"]

    def table(vpc_id, name, subnets, routes):
        rt = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=spec("route-table", name))["RouteTable"]["RouteTableId"]
        for r in routes:
            ec2.create_route(RouteTableId=rt, **r)
        for s in subnets:
            ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
        ids[name] = rt
        return rt

    def acl(vpc_id, name, subnets, entries):
        a = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=spec("network-acl", name))["NetworkAcl"]["NetworkAclId"]
        ids[name] = a
        for e in entries:
            ec2.create_network_acl_entry(NetworkAclId=a, **e)
        for s in subnets:
            cur = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [s]}])["NetworkAcls"][0]
            assoc = [x for x in cur["Associations"] if x["SubnetId"] == s][0]["NetworkAclAssociationId"]
            ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=a)

    # --- edge: the VPC with the gateways -------------------------------------
    edge = vpc("edge", "10.30.0.0/16")
    igw = ec2.create_internet_gateway(TagSpecifications=spec("internet-gateway", "edge"))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=edge)
    ids["igw"] = igw
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", TagSpecifications=spec("vpn-gateway", "edge"))["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=edge)
    ids["vgw"] = vgw
    # A BGP VPN connection (moto implements neither static VPN routes nor
    # create-vpn-connection-route, and prints no Options).
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.10", BgpAsn=65000,
                                      TagSpecifications=spec("customer-gateway", "on-premises"))["CustomerGateway"]["CustomerGatewayId"]
    ids["vpn"] = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw,
                                           TagSpecifications=spec("vpn-connection", "on-premises"))["VpnConnection"]["VpnConnectionId"]

    pub = subnet(edge, "public", "10.30.0.0/24")
    natsub = subnet(edge, "nat-subnet", "10.30.1.0/24")
    priv = subnet(edge, "private", "10.30.2.0/24")
    ops = subnet(edge, "ops", "10.30.3.0/24")

    sg_web = group(edge, "sg-web", [cidr_rule("tcp", 443, 443, "0.0.0.0/0")])
    sg_app = group(edge, "sg-app", [])
    sg_ops = group(edge, "sg-ops", [])
    instance("web-1", pub, "10.30.0.10", [sg_web], public=True)
    instance("web-nopub-1", pub, "10.30.0.11", [sg_web])
    instance("app-1", priv, "10.30.2.10", [sg_app])
    instance("ops-linux-1", ops, "10.30.3.10", [sg_ops])
    instance("ops-windows-1", ops, "10.30.3.11", [sg_ops], ami=WINDOWS_AMI)

    eip = ec2.allocate_address(Domain="vpc", Address=NAT_PUBLIC_IP)["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=natsub, AllocationId=eip, PrivateIpAddress=NAT_PRIVATE_IP,
                                 TagSpecifications=spec("natgateway", "edge"))["NatGateway"]
    ids["nat"] = nat["NatGatewayId"]
    ids["nat-eni"] = nat["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    ids["nat-moto-private-ip"] = nat["NatGatewayAddresses"][0]["PrivateIp"]

    # --- partner: peering requested, never accepted ----------------------------
    partner = vpc("partner", "10.40.0.0/16")
    psub = subnet(partner, "partner-app", "10.40.1.0/24")
    instance("partner-1", psub, "10.40.1.10", [group(partner, "sg-partner", [cidr_rule("tcp", 443, 443, "10.30.0.0/16")])])
    pcx_pending = ec2.create_vpc_peering_connection(
        VpcId=edge, PeerVpcId=partner, TagSpecifications=spec("vpc-peering-connection", "edge-partner"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ids["pcx-pending"] = pcx_pending

    # --- peer: active peering; the peer sends everything to it -----------------
    peer = vpc("peer", "10.50.0.0/16")
    qsub = subnet(peer, "peer-app", "10.50.1.0/24")
    instance("peer-1", qsub, "10.50.1.10", [group(peer, "sg-peer", [cidr_rule("tcp", 443, 443, "10.30.0.0/16")])])
    pcx_active = ec2.create_vpc_peering_connection(
        VpcId=edge, PeerVpcId=peer, TagSpecifications=spec("vpc-peering-connection", "edge-peer"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_active)
    ids["pcx-active"] = pcx_active
    table(peer, "rt-peer", [qsub], [
        {"DestinationCidrBlock": "10.30.0.0/16", "VpcPeeringConnectionId": pcx_active},
        {"DestinationCidrBlock": "0.0.0.0/0", "VpcPeeringConnectionId": pcx_active},
    ])

    # --- edge route tables -------------------------------------------------
    table(edge, "rt-public", [pub], [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}])
    table(edge, "rt-nat", [natsub], [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}])
    rt_priv = table(edge, "rt-private", [priv], [
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat["NatGatewayId"]},
        {"DestinationCidrBlock": "10.40.0.0/16", "VpcPeeringConnectionId": pcx_pending},
        {"DestinationCidrBlock": "10.50.0.0/16", "VpcPeeringConnectionId": pcx_active},
        {"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": vgw},
    ])
    # The S3 gateway endpoint adds pl-<s3> -> vpce-... to the private table.
    ids["vpce-s3"] = ec2.create_vpc_endpoint(
        VpcId=edge, ServiceName="com.amazonaws.%s.s3" % REGION, VpcEndpointType="Gateway",
        RouteTableIds=[rt_priv], TagSpecifications=spec("vpc-endpoint", "s3"),
    )["VpcEndpoint"]["VpcEndpointId"]

    # --- network ACLs --------------------------------------------------------
    # The NAT gateway's subnet admits internet replies on 32768-65535 only,
    # while a NAT gateway picks its source ports from 1024-65535.
    acl(edge, "acl-nat", [natsub], [
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.30.0.0/16"},
        {"RuleNumber": 110, "Protocol": "6", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0",
         "PortRange": {"From": 32768, "To": 65535}},
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"},
    ])
    # ops admits replies on the Windows range only.
    acl(edge, "acl-ops", [ops], [
        {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.30.0.0/16",
         "PortRange": {"From": 49152, "To": 65535}},
        {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"},
    ])
    return ids


def postprocess(snap, ids):
    # moto gives a NAT gateway's interface a random 10.x address outside its
    # subnet (it ignores PrivateIpAddress), the type "interface" and the
    # VPC's default security group. AWS prints the address asked for, the
    # type nat_gateway, requester-managed, and no security groups.
    moto_ip = ids["nat-moto-private-ip"]

    def fix_nat(doc):
        for n in doc["NatGateways"]:
            for a in n["NatGatewayAddresses"]:
                if a.get("PrivateIp") == moto_ip:
                    a["PrivateIp"] = NAT_PRIVATE_IP

    def fix_eni(doc):
        for e in doc["NetworkInterfaces"]:
            if e["NetworkInterfaceId"] != ids["nat-eni"]:
                continue
            e["PrivateIpAddress"] = NAT_PRIVATE_IP
            for a in e["PrivateIpAddresses"]:
                if a["PrivateIpAddress"] == moto_ip:
                    a["PrivateIpAddress"] = NAT_PRIVATE_IP
            e["InterfaceType"] = "nat_gateway"
            e["RequesterManaged"] = True
            e["Groups"] = []
            e["Description"] = "Interface for NAT Gateway " + ids["nat"]
    # moto prints no VgwTelemetry; AWS prints one entry per tunnel. Both
    # tunnels are UP with the on-premises route learned over BGP.
    def fix_vpn(doc):
        for c in doc["VpnConnections"]:
            c["VgwTelemetry"] = [
                {"AcceptedRouteCount": 1, "LastStatusChange": "2026-11-30T08:00:00+00:00",
                 "OutsideIpAddress": ip, "Status": "UP", "StatusMessage": "1 BGP ROUTES"}
                for ip in ("52.2.144.13", "52.2.144.14")
            ]

    patch(snap, "describe-nat-gateways", fix_nat)
    patch(snap, "describe-network-interfaces", fix_eni)
    patch(snap, "describe-vpn-connections", fix_vpn)


if __name__ == "__main__":
    run(HERE, SEED, seed, postprocess)
