#!/usr/bin/env python3
"""Writes each case's changed/ files: the base snapshot's file with one
setting changed. Run from the repository root:

    python3 checks/testdata/baseline/make.py
"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASES = {"demo": "demo/snapshot", "transit-hub": "checks/testdata/transit-hub/snapshot"}


def load(base, name):
    with open(os.path.join(BASES[base], name)) as f:
        return json.load(f)


def save(case, name, doc):
    d = os.path.join(HERE, case, "changed")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        json.dump(doc, f, indent=4)
        f.write("\n")


def sg_rule():
    name = "describe-security-groups.json"
    doc = load("demo", name)
    for g in doc["SecurityGroups"]:
        if g["GroupId"] == "sg-0e5f6a7b8c9d00014":
            for p in g["IpPermissions"]:
                p["UserIdGroupPairs"] = [u for u in p.get("UserIdGroupPairs", []) if u["GroupId"] != "sg-0e5f6a7b8c9d00012"]
            g["IpPermissions"] = [p for p in g["IpPermissions"] if p["UserIdGroupPairs"] or p.get("IpRanges") or p.get("PrefixListIds")]
    save("sg-rule", name, doc)


def route():
    name = "describe-route-tables.json"
    doc = load("demo", name)
    for t in doc["RouteTables"]:
        if t["RouteTableId"] == "rtb-0c3d4e5f6a7b80012":
            t["Routes"] = [r for r in t["Routes"] if r.get("DestinationCidrBlock") != "0.0.0.0/0"]
    save("route", name, doc)


def propagation():
    name = "get-transit-gateway-route-table-propagations.tgw-rtb-3139fd75df41ffa2f.json"
    doc = load("transit-hub", name)
    doc["TransitGatewayRouteTablePropagations"].append({
        "TransitGatewayAttachmentId": "tgw-attach-0df25ccb556728d8f",
        "ResourceId": "vpc-18ab218f1ff74b833",
        "ResourceType": "vpc",
        "State": "enabled",
    })
    save("propagation", name, doc)


def source_dest_check():
    name = "describe-network-interfaces.json"
    doc = load("demo", name)
    for e in doc["NetworkInterfaces"]:
        if e["NetworkInterfaceId"] == "eni-0f6a7b8c9d0e10032":
            e["SourceDestCheck"] = False
    save("source-dest-check", name, doc)
    name = "describe-instances.json"
    doc = load("demo", name)
    for r in doc["Reservations"]:
        for i in r["Instances"]:
            if i["InstanceId"] == "i-01a2b3c4d5e6f0022":
                i["SourceDestCheck"] = False
                for e in i.get("NetworkInterfaces", []):
                    if e["NetworkInterfaceId"] == "eni-0f6a7b8c9d0e10032":
                        e["SourceDestCheck"] = False
    save("source-dest-check", name, doc)


def record():
    name = "list-resource-record-sets.Z0354961T7UQXK6LNBPN.json"
    doc = load("demo", name)
    doc["ResourceRecordSets"] = [r for r in doc["ResourceRecordSets"] if r["Name"] != "db.internal.mycompany.com."]
    save("record", name, doc)


if __name__ == "__main__":
    if not os.path.isdir("demo/snapshot"):
        sys.exit("run from the repository root")
    for f in (sg_rule, route, propagation, source_dest_check, record):
        f()
