#!/usr/bin/env python3
"""Seed the on-premises scenario in moto and dump it with the AWS CLI.

Regenerate (from the repository root; needs moto_server (moto 5), boto3 and
the AWS CLI on PATH, and nothing else):

    python3 checks/testdata/on-premises/seed.py
    go test ./checks -run 'TestScenarios/on-premises' -update   # then review golden/

The script starts its own moto_server on a free loopback port, seeds moto's
random generator (so IDs come out the same on every run: cases.json names
them), builds the topology with boto3, writes snapshot/ and stops moto.
moto has neither VPN tunnel telemetry nor Direct Connect virtual
interfaces: the post-processing adds the telemetry, and writes the two
Direct Connect outputs in the Direct Connect API's own JSON (lowerCamel
keys). See README.md.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import boto3  # noqa: E402
from motosnap import LINUX_AMI, REGION, delete_default_vpc, dump, patch, run, spec  # noqa: E402

SEED = 20261207
AZ = "us-east-1a"

# Each site is one VPC with its own virtual private gateway (a VPC takes
# one): name -> (VPC CIDR, how the gateway reaches on-premises).
SITES = [
    ("dead", "10.71.0.0/16", "vpn"),
    ("half", "10.72.0.0/16", "vpn"),
    ("nobgp", "10.73.0.0/16", "vpn"),
    ("notelemetry", "10.74.0.0/16", "vpn"),
    ("dx", "10.75.0.0/16", "dx"),
    ("dxdown", "10.76.0.0/16", "dx"),
    ("nothing", "10.77.0.0/16", "none"),
]

# Tunnel telemetry per VPN, as describe-vpn-connections prints it.
TELEMETRY = {
    "dead": [("DOWN", "IPSEC IS DOWN", 0), ("DOWN", "IPSEC IS DOWN", 0)],
    "half": [("UP", "2 BGP ROUTES", 2), ("DOWN", "IPSEC IS DOWN", 0)],
    "nobgp": [("UP", "0 BGP ROUTES", 0), ("UP", "0 BGP ROUTES", 0)],
}


def seed(ec2):
    ids = {}
    delete_default_vpc(ec2)
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.10", BgpAsn=65010,
                                      TagSpecifications=spec("customer-gateway", "dc1"))["CustomerGateway"]["CustomerGatewayId"]
    ids["cgw"] = cgw
    for name, cidr, link in SITES:
        v = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=spec("vpc", name))["Vpc"]["VpcId"]
        ids[name] = v
        net = cidr.split(".")
        sub_cidr = "%s.%s.1.0/24" % (net[0], net[1])
        s = ec2.create_subnet(VpcId=v, CidrBlock=sub_cidr, AvailabilityZone=AZ,
                              TagSpecifications=spec("subnet", name + "-a"))["Subnet"]["SubnetId"]
        ids[name + "-subnet"] = s
        g = ec2.create_security_group(VpcId=v, GroupName=name, Description=name,
                                      TagSpecifications=spec("security-group", name))["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "172.16.0.0/12"}]}])
        ids[name + "-sg"] = g
        ip = "%s.%s.1.10" % (net[0], net[1])
        i = ec2.run_instances(ImageId=LINUX_AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": s, "PrivateIpAddress": ip, "Groups": [g]}],
                              TagSpecifications=spec("instance", name + "-1"))["Instances"][0]
        ids[name + "-1"] = i["InstanceId"]
        vgw = ec2.create_vpn_gateway(Type="ipsec.1", TagSpecifications=spec("vpn-gateway", name))["VpnGateway"]["VpnGatewayId"]
        ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=v)
        ids[name + "-vgw"] = vgw
        if link == "vpn":
            vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw,
                                            TagSpecifications=spec("vpn-connection", name))["VpnConnection"]["VpnConnectionId"]
            ids[name + "-vpn"] = vpn
        rt = ec2.create_route_table(VpcId=v, TagSpecifications=spec("route-table", name))["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
        ids[name + "-rt"] = rt
    return ids


def extra(url, snap, ids):
    # A Resolver rule in the dead site forwards corp.example.com to the
    # on-premises DNS server over the VPN. The endpoint's interfaces are
    # made here, after the first dump, so describe-network-interfaces is
    # dumped again.
    r53r = boto3.client("route53resolver", endpoint_url=url, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test")
    ep = r53r.create_resolver_endpoint(CreatorRequestId="dead-out", Name="dead-outbound", Direction="OUTBOUND",
                                       SecurityGroupIds=[ids["dead-sg"]],
                                       IpAddresses=[{"SubnetId": ids["dead-subnet"], "Ip": "10.71.1.53"},
                                                    {"SubnetId": ids["dead-subnet"], "Ip": "10.71.1.54"}])["ResolverEndpoint"]
    ids["dead-resolver-out"] = ep["Id"]
    rule = r53r.create_resolver_rule(CreatorRequestId="corp", Name="corp", RuleType="FORWARD", DomainName="corp.example.com",
                                     TargetIps=[{"Ip": "172.16.0.53", "Port": 53}], ResolverEndpointId=ep["Id"])["ResolverRule"]
    ids["corp-rule"] = rule["Id"]
    r53r.associate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=ids["dead"])
    dump(url, snap, "describe-network-interfaces", "ec2", "describe-network-interfaces")
    dump(url, snap, "list-resolver-endpoint-ip-addresses." + ep["Id"], "route53resolver",
         "list-resolver-endpoint-ip-addresses", "--resolver-endpoint-id", ep["Id"])
    dump(url, snap, "describe-vpc-attribute-dns-support." + ids["dead"], "ec2", "describe-vpc-attribute",
         "--vpc-id", ids["dead"], "--attribute", "enableDnsSupport")
    dump(url, snap, "list-hosted-zones", "route53", "list-hosted-zones")
    for cmd in ("list-resolver-endpoints", "list-resolver-rules", "list-resolver-rule-associations"):
        dump(url, snap, cmd, "route53resolver", cmd)


def postprocess(snap, ids):
    by_vpn = {ids[n + "-vpn"]: n for n, _, link in SITES if link == "vpn"}

    def fix_vpn(doc):
        for c in doc["VpnConnections"]:
            site = by_vpn[c["VpnConnectionId"]]
            if site not in TELEMETRY:
                c.pop("VgwTelemetry", None)
                continue
            c["VgwTelemetry"] = [
                {"AcceptedRouteCount": n, "LastStatusChange": "2026-12-01T06:00:00+00:00",
                 "OutsideIpAddress": "52.2.144.%d" % (10 + k), "Status": status, "StatusMessage": msg}
                for k, (status, msg, n) in enumerate(TELEMETRY[site])
            ]
    patch(snap, "describe-vpn-connections", fix_vpn)

    # moto leaves the Resolver endpoint's interfaces available and not
    # requester-managed; AWS prints them in use, attached by amazon-aws.
    def fix_eni(doc):
        for k, e in enumerate(doc["NetworkInterfaces"]):
            if e.get("Description", "").startswith("Route 53 Resolver: "):
                e["Status"] = "in-use"
                e["RequesterManaged"] = True
                e["RequesterId"] = "AROAEXAMPLEROLEID:Route53Resolver"
                e["Attachment"] = {"AttachmentId": "ela-attach-0c0ffee0000%05d" % k, "DeleteOnTermination": False,
                                   "DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"}
    patch(snap, "describe-network-interfaces", fix_eni)

    # Direct Connect, as `aws directconnect describe-virtual-interfaces`
    # and `describe-direct-connect-gateway-associations` print it.
    dxgw = "5f2c8a1e-7b3d-4e9f-a0c1-2d3e4f5a6b7c"
    vifs = {"virtualInterfaces": [
        {"ownerAccount": "123456789012", "virtualInterfaceId": "dxvif-fgq2k5d1", "location": "EqDC2",
         "connectionId": "dxcon-fh6ayh1d", "virtualInterfaceType": "private", "virtualInterfaceName": "dc1-private",
         "vlan": 101, "asn": 65010, "amazonSideAsn": 64512, "amazonAddress": "169.254.10.1/30",
         "customerAddress": "169.254.10.2/30", "addressFamily": "ipv4", "virtualInterfaceState": "available",
         "customerRouterConfig": "", "mtu": 1500, "jumboFrameCapable": True, "virtualGatewayId": ids["dx-vgw"],
         "directConnectGatewayId": "", "routeFilterPrefixes": [],
         "bgpPeers": [{"bgpPeerId": "dxpeer-fg5kzm2x", "asn": 65010, "addressFamily": "ipv4",
                       "amazonAddress": "169.254.10.1/30", "customerAddress": "169.254.10.2/30",
                       "bgpPeerState": "available", "bgpStatus": "up", "awsDeviceV2": "EqDC2-4h2lbk6nfmjxl"}],
         "region": "us-east-1", "awsDeviceV2": "EqDC2-4h2lbk6nfmjxl", "tags": []},
        {"ownerAccount": "123456789012", "virtualInterfaceId": "dxvif-fh0u7kab", "location": "EqDC2",
         "connectionId": "dxcon-fh6ayh1d", "virtualInterfaceType": "private", "virtualInterfaceName": "dc1-private-dxgw",
         "vlan": 102, "asn": 65010, "amazonSideAsn": 64512, "amazonAddress": "169.254.11.1/30",
         "customerAddress": "169.254.11.2/30", "addressFamily": "ipv4", "virtualInterfaceState": "down",
         "customerRouterConfig": "", "mtu": 1500, "jumboFrameCapable": True, "virtualGatewayId": "",
         "directConnectGatewayId": dxgw, "routeFilterPrefixes": [],
         "bgpPeers": [{"bgpPeerId": "dxpeer-fgy8b3n0", "asn": 65010, "addressFamily": "ipv4",
                       "amazonAddress": "169.254.11.1/30", "customerAddress": "169.254.11.2/30",
                       "bgpPeerState": "available", "bgpStatus": "down", "awsDeviceV2": "EqDC2-4h2lbk6nfmjxl"}],
         "region": "us-east-1", "awsDeviceV2": "EqDC2-4h2lbk6nfmjxl", "tags": []},
    ]}
    assocs = {"directConnectGatewayAssociations": [
        {"directConnectGatewayId": dxgw, "directConnectGatewayOwnerAccount": "123456789012",
         "associationState": "associated", "associationId": "2f7c1b9e-3a4d-4c5b-8e6f-7a8b9c0d1e2f",
         "associatedGateway": {"id": ids["dxdown-vgw"], "type": "virtualPrivateGateway",
                               "ownerAccount": "123456789012", "region": "us-east-1"},
         "allowedPrefixesToDirectConnectGateway": [{"cidr": "10.76.0.0/16"}],
         "virtualGatewayId": ids["dxdown-vgw"], "virtualGatewayRegion": "us-east-1",
         "virtualGatewayOwnerAccount": "123456789012"},
    ]}
    for name, doc in (("describe-virtual-interfaces", vifs), ("describe-direct-connect-gateway-associations", assocs)):
        with open(os.path.join(snap, name + ".json"), "w") as f:
            f.write(json.dumps(doc, indent=4) + "\n")


if __name__ == "__main__":
    run(HERE, SEED, seed, postprocess, extra)
