#!/usr/bin/env python3
"""Writes snapshot/ for the load-balancers scenario: the demo account's
outputs, with the demo's own load balancers, RDS and flow logs left out, plus three load
balancers of this fixture (their interfaces, groups, listeners, target
groups, target health and attributes), one rule of the ELB user guides per
listener. Run from the repository root; README.md says what each case shows."""
import json, os, shutil, urllib.parse

DEMO = "demo/snapshot"
OUT = "checks/testdata/load-balancers/snapshot"
ACCT, REGION, VPC = "111122223333", "us-east-1", "vpc-0a1b2c3d4e5f60001"
SUBNETS = {"us-east-1a": "subnet-0b2c3d4e5f6a70012", "us-east-1b": "subnet-0b2c3d4e5f6a70016"}
APP1, APP2, BATCH1 = "i-01a2b3c4d5e6f0012", "i-01a2b3c4d5e6f0013", "i-01a2b3c4d5e6f0014"

def arn(kind, path):
    return f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:{kind}/{path}"

def load(name):
    with open(os.path.join(DEMO, name)) as f:
        return json.load(f)

def save(name, doc):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(json.dumps(doc, indent=4) + "\n")

def per_arn(cmd, parent, doc):
    save(f"{cmd}_{urllib.parse.quote(parent, safe='')}.json", doc)

shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
for name in sorted(os.listdir(DEMO)):
    cmd = name.split("_")[0].split(".")[0]
    if cmd not in ("describe-load-balancers", "describe-listeners", "describe-target-groups",
                                                 "describe-target-health", "describe-load-balancer-attributes",
                                                 "describe-target-group-attributes", "describe-db-instances", "describe-flow-logs"):
        shutil.copy(os.path.join(DEMO, name), os.path.join(OUT, name))

enis = load("describe-network-interfaces.json")
groups = load("describe-security-groups.json")
template = next(e for e in enis["NetworkInterfaces"] if e["NetworkInterfaceId"] == "eni-0f6a7b8c9d0e10023")
lbs, listeners, tgs = [], [], []

def interface(eni_id, zone, ip, lb_path, kind, sgs):
    e = json.loads(json.dumps(template))
    e["NetworkInterfaceId"], e["AvailabilityZone"], e["SubnetId"] = eni_id, zone, SUBNETS[zone]
    e.pop("AvailabilityZoneId", None)
    e["Attachment"]["AttachmentId"] = "ela-attach-" + eni_id[4:]
    e["Description"], e["InterfaceType"] = "ELB " + lb_path, kind
    e["Groups"] = [{"GroupId": g, "GroupName": g} for g in sgs]
    e["MacAddress"] = "0e:3a:7a:3c:13:" + eni_id[-2:]
    e["PrivateIpAddress"], e["PrivateDnsName"] = ip, "ip-" + ip.replace(".", "-") + ".ec2.internal"
    e["PrivateIpAddresses"] = [{"Primary": True, "PrivateDnsName": e["PrivateDnsName"], "PrivateIpAddress": ip}]
    enis["NetworkInterfaces"].append(e)

def balancer(path, name, typ, nodes, sgs, attrs):
    lb_arn = arn("loadbalancer", path)
    kind = "network_load_balancer" if typ == "network" else "interface"
    for eni_id, zone, ip in nodes:
        interface(eni_id, zone, ip, path, kind, sgs)
    lb = {"LoadBalancerArn": lb_arn, "DNSName": f"{name}-{path.split('/')[-1]}.elb.{REGION}.amazonaws.com", "LoadBalancerName": name,
          "Scheme": "internal", "VpcId": VPC, "State": {"Code": "active"}, "Type": typ, "IpAddressType": "ipv4",
          "AvailabilityZones": [{"ZoneName": z, "SubnetId": SUBNETS[z], "LoadBalancerAddresses": []} for z in sorted({n[1] for n in nodes})]}
    if sgs:
        lb["SecurityGroups"] = sgs
    lbs.append(lb)
    per_arn("describe-load-balancer-attributes", lb_arn, {"Attributes": [{"Key": k, "Value": v} for k, v in attrs]})
    return lb_arn

def listen(lb_arn, port, proto, actions):
    listeners.append({"ListenerArn": lb_arn.replace(":loadbalancer/", ":listener/") + f"/{port:016x}", "LoadBalancerArn": lb_arn,
                      "Port": port, "Protocol": proto, "DefaultActions": actions})

def group(path, port, proto, typ, lb_arn, targets, attrs):
    tg_arn = arn("targetgroup", path)
    tgs.append({"TargetGroupArn": tg_arn, "TargetGroupName": path.split("/")[0], "Protocol": proto, "Port": port, "VpcId": VPC,
                "TargetType": typ, "LoadBalancerArns": [lb_arn], "HealthCheckEnabled": typ != "lambda"})
    per_arn("describe-target-health", tg_arn, {"TargetHealthDescriptions": [
        {"Target": {k: v for k, v in (("Id", t[0]), ("Port", t[1]), ("AvailabilityZone", t[2])) if v is not None},
         "TargetHealth": {"State": t[3]}} for t in targets]})
    per_arn("describe-target-group-attributes", tg_arn, {"Attributes": [{"Key": k, "Value": v} for k, v in attrs]})
    return tg_arn

def forward(tg_arn):
    return [{"Type": "forward", "TargetGroupArn": tg_arn, "Order": 1}]

# zonal-nlb: no security groups, cross-zone off (the NLB default, said
# explicitly), client IP preserved (the instance default).
zonal = balancer("net/zonal-nlb/1a2b3c4d5e6f7a80", "zonal-nlb", "network",
                 [("eni-0f6a7b8c9d0e10051", "us-east-1a", "10.0.16.220"), ("eni-0f6a7b8c9d0e10052", "us-east-1b", "10.0.80.220")], [],
                 [("load_balancing.cross_zone.enabled", "false"), ("deletion_protection.enabled", "false")])
# 8080: app-2 only, in us-east-1b, the group following the load balancer.
listen(zonal, 8080, "TCP", forward(group("zonal-app/0a0b0c0d0e0f1011", 8080, "TCP", "instance", zonal,
       [(APP2, 8080, None, "healthy")], [("load_balancing.cross_zone.enabled", "use_load_balancer_configuration")])))
# 8081: the same target, the group turning cross-zone on.
listen(zonal, 8081, "TCP", forward(group("zonal-app-xz/0a0b0c0d0e0f1012", 8080, "TCP", "instance", zonal,
       [(APP2, 8080, None, "healthy")], [("load_balancing.cross_zone.enabled", "true")])))
# 8082: client IP preservation turned off: app-2 then sees the node's
# address, which app's group (8080 from web and app only) does not admit.
listen(zonal, 8082, "TCP", forward(group("zonal-app-nopreserve/0a0b0c0d0e0f1013", 8080, "TCP", "instance", zonal,
       [(APP2, 8080, None, "healthy")], [("load_balancing.cross_zone.enabled", "true"), ("preserve_client_ip.enabled", "false")])))
# 8083: every target unhealthy: the load balancer fails open.
listen(zonal, 8083, "TCP", forward(group("zonal-app-unhealthy/0a0b0c0d0e0f1014", 8080, "TCP", "instance", zonal,
       [(APP1, 8080, None, "unhealthy"), (APP2, 8080, None, "unhealthy")], [("load_balancing.cross_zone.enabled", "true")])))
# 8084: app-2 draining, batch-1 healthy but its group admits nothing on
# 8080.
listen(zonal, 8084, "TCP", forward(group("zonal-mixed/0a0b0c0d0e0f1015", 8080, "TCP", "instance", zonal,
       [(APP2, 8080, None, "draining"), (BATCH1, 8080, None, "healthy")], [("load_balancing.cross_zone.enabled", "true")])))

def save_default_rule(listener):
    """describe-rules of an ALB listener with no rule but its default one:
    without it, where a connection goes would be unknown."""
    save("describe-rules_" + urllib.parse.quote(listener["ListenerArn"], safe="") + ".json", {"Rules": [
        {"RuleArn": listener["ListenerArn"].replace(":listener/", ":listener-rule/") + "/0a0b0c0d0e0f20fe", "Priority": "default",
         "IsDefault": True, "Conditions": [], "Actions": listener["DefaultActions"]}]})


# edge-alb: an internal ALB in front of a Lambda function, an on-premises
# address and a fixed response.
groups["SecurityGroups"].append({"GroupId": "sg-0e5f6a7b8c9d00051", "GroupName": "edge-alb", "Description": "edge-alb", "VpcId": VPC, "OwnerId": ACCT,
    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 82, "IpRanges": [{"CidrIp": "10.0.0.0/16"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]})
edge = balancer("app/edge-alb/2b3c4d5e6f7a8b90", "edge-alb", "application",
                [("eni-0f6a7b8c9d0e10053", "us-east-1a", "10.0.16.230"), ("eni-0f6a7b8c9d0e10054", "us-east-1b", "10.0.80.230")], ["sg-0e5f6a7b8c9d00051"],
                [("idle_timeout.timeout_seconds", "60")])
listen(edge, 80, "HTTP", forward(group("edge-lambda/0a0b0c0d0e0f1021", 0, None, "lambda", edge,
       [(f"arn:aws:lambda:{REGION}:{ACCT}:function:payments-webhook", None, None, "unavailable")], [("lambda.multi_value_headers.enabled", "false")])))
tgs[-1].pop("Protocol")
tgs[-1].pop("Port")
# Its rules: /legacy/* goes to the on-premises group; anything else to the
# default action, the Lambda function.
rule_base = listeners[-1]["ListenerArn"].replace(":listener/", ":listener-rule/")
save("describe-rules_" + urllib.parse.quote(listeners[-1]["ListenerArn"], safe="") + ".json", {"Rules": [
    {"RuleArn": rule_base + "/0a0b0c0d0e0f2010", "Priority": "10", "IsDefault": False,
     "Conditions": [{"Field": "path-pattern", "Values": ["/legacy/*"], "PathPatternConfig": {"Values": ["/legacy/*"]}}],
     "Actions": [{"Type": "forward", "TargetGroupArn": arn("targetgroup", "edge-onprem/0a0b0c0d0e0f1022"), "Order": 1}]},
    {"RuleArn": rule_base + "/0a0b0c0d0e0f20ff", "Priority": "default", "IsDefault": True, "Conditions": [],
     "Actions": listeners[-1]["DefaultActions"]}]})
listen(edge, 81, "HTTP", [{"Type": "fixed-response", "Order": 1, "FixedResponseConfig": {"StatusCode": "503", "ContentType": "text/plain"}}])
save_default_rule(listeners[-1])
listen(edge, 82, "HTTP", forward(group("edge-onprem/0a0b0c0d0e0f1022", 443, "HTTPS", "ip", edge,
       [("172.16.5.10", 443, "all", "healthy")], [("load_balancing.cross_zone.enabled", "use_load_balancer_configuration")])))
save_default_rule(listeners[-1])

save("describe-network-interfaces.json", enis)
save("describe-security-groups.json", groups)
save("describe-load-balancers.json", {"LoadBalancers": lbs})
save("describe-listeners.json", {"Listeners": listeners})
save("describe-target-groups.json", {"TargetGroups": tgs})
