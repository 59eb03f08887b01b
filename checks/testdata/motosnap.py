"""Shared by the scenarios' seed.py scripts: run moto_server, dump its state
with the AWS CLI (one file per command, as docs/snapshot.md lists), and
post-process what moto cannot set. Each scenario's seed.py supplies the
topology (seed) and its post-processing."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import boto3

REGION = "us-east-1"
LINUX_AMI = "ami-1e749f67"  # moto's ubuntu AMI (no Platform field)

CREDS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": REGION,
}


# --- moto ------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_moto(seed):
    port = free_port()
    proc = subprocess.Popen(
        ["moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = "http://127.0.0.1:%d" % port
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.1)
    else:
        proc.terminate()
        sys.exit("moto_server did not start")
    post(url + "/moto-api/reset")
    post(url + "/moto-api/seed?a=%d" % seed)
    return proc, url


def post(url):
    urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=5)


# --- AWS CLI dump -----------------------------------------------------------

def aws(url, *args):
    env = dict(os.environ, **CREDS)
    out = subprocess.run(
        ["aws", "--endpoint-url", url, *args, "--output", "json"],
        env=env, check=True, capture_output=True, text=True,
    )
    return out.stdout


def dump(url, snap, name, *args):
    with open(os.path.join(snap, name + ".json"), "w") as f:
        f.write(aws(url, *args))


def dump_all(url, snap):
    shutil.rmtree(snap, ignore_errors=True)
    os.makedirs(snap)
    for cmd in [
        "describe-vpcs", "describe-subnets", "describe-network-interfaces",
        "describe-instances", "describe-route-tables",
        "describe-security-groups", "describe-vpc-peering-connections",
        "describe-internet-gateways", "describe-nat-gateways",
        "describe-egress-only-internet-gateways", "describe-vpn-gateways",
        "describe-transit-gateways", "describe-transit-gateway-attachments",
        "describe-transit-gateway-vpc-attachments",
        "describe-transit-gateway-route-tables", "describe-vpc-endpoints",
        "describe-managed-prefix-lists", "describe-dhcp-options",
        "describe-flow-logs",
        # Not in DESIGN.md's list, but reach reads it to decide whether a
        # virtual private gateway carries a destination.
        "describe-vpn-connections",
    ]:
        dump(url, snap, cmd, "ec2", cmd)
    # moto leaves the deleted default VPC's network ACL behind, still
    # associated with the deleted subnets: list only the live VPCs' ACLs.
    vpcs = [v["VpcId"] for v in json.loads(aws(url, "ec2", "describe-vpcs"))["Vpcs"]]
    dump(url, snap, "describe-network-acls", "ec2", "describe-network-acls",
         "--filters", "Name=vpc-id,Values=" + ",".join(vpcs))
    tables = json.loads(aws(url, "ec2", "describe-transit-gateway-route-tables"))
    for t in tables["TransitGatewayRouteTables"]:
        rtb = t["TransitGatewayRouteTableId"]
        dump(url, snap, "search-transit-gateway-routes." + rtb, "ec2", "search-transit-gateway-routes",
             "--transit-gateway-route-table-id", rtb,
             "--filters", "Name=state,Values=active,blackhole")
        dump(url, snap, "get-transit-gateway-route-table-propagations." + rtb, "ec2",
             "get-transit-gateway-route-table-propagations",
             "--transit-gateway-route-table-id", rtb)
    pls = json.loads(aws(url, "ec2", "describe-managed-prefix-lists"))
    for p in pls["PrefixLists"]:
        pl = p["PrefixListId"]
        dump(url, snap, "get-managed-prefix-list-entries." + pl, "ec2",
             "get-managed-prefix-list-entries", "--prefix-list-id", pl)


def patch(snap, name, fn):
    """Post-process one CLI output for a field moto cannot set (README.md)."""
    path = os.path.join(snap, name + ".json")
    with open(path) as f:
        doc = json.load(f)
    fn(doc)
    with open(path, "w") as f:
        f.write(json.dumps(doc, indent=4) + "\n")


# --- topology ---------------------------------------------------------------

def tag(name):
    return [{"Key": "Name", "Value": name}]


def spec(kind, name):
    return [{"ResourceType": kind, "Tags": tag(name)}]


def delete_default_vpc(ec2):
    for v in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [v["VpcId"]]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=s["SubnetId"])
        ec2.delete_vpc(VpcId=v["VpcId"])


def run(here, seed_number, seed, postprocess, extra=None):
    """Start moto, seed it, dump snapshot/ beside the scenario, dump the
    scenario's extra outputs (extra(url, snap, ids)), post-process, stop
    moto, and print the IDs the scenario created."""
    snap = os.path.join(here, "snapshot")
    proc, url = start_moto(seed_number)
    try:
        ec2 = boto3.client("ec2", endpoint_url=url, region_name=REGION,
                           aws_access_key_id="test", aws_secret_access_key="test")
        ids = seed(ec2)
        dump_all(url, snap)
        if extra:
            extra(url, snap, ids)
        postprocess(snap, ids)
    finally:
        proc.terminate()
        proc.wait()
    json.dump(ids, sys.stdout, indent=1)
    print()
