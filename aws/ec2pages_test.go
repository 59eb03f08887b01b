package aws

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pagedEC2 stands in for EC2 with many network interfaces: it speaks the
// Query protocol, pages describe-network-interfaces by MaxResults and
// NextToken as EC2 does, and describes one VPC with a subnet per 250
// interfaces and one security group. Every other EC2 read answers an
// empty list; the other services answer AccessDenied, which the loader
// records as a gap. The interfaces are written as they are asked for, so
// serving 100,000 of them holds none.
type pagedEC2 struct {
	interfaces int
	// instances are attached to the first interfaces, one each (the
	// listing of interfaces leaves the attachment out, so conversion
	// completes it from the instances); every tenth has a second
	// interface that only describe-instances lists.
	instances int
	// failPage, when positive, is the page of interfaces that answers a
	// server error instead (retried, then a gap).
	failPage int
	// late holds the answers to the listings of late, each until the
	// last page of interfaces was served and then lateEvery after the one
	// before: kinds that land after the interfaces, as in an account
	// whose instances or rules take as long to list.
	late           []string
	lateEvery      time.Duration
	lastServed     chan struct{}
	lastServedOnce sync.Once

	pages    atomic.Int64
	mu       sync.Mutex
	tokens   []string
	maxAsked int
}

const pagedAccount = "111122223333"

func newPagedEC2(t testing.TB, interfaces int) (*pagedEC2, *httptest.Server) {
	t.Helper()
	p := &pagedEC2{interfaces: interfaces, lastServed: make(chan struct{})}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

func (p *pagedEC2) subnets() int { return max(1, (p.interfaces+249)/250) }

func (p *pagedEC2) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	if action == "" || form.Get("Version") != "2016-11-15" {
		// Route 53, Resolver, Direct Connect, ELB and RDS: denied.
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"__type":"AccessDeniedException","message":"not in this stand-in"}`)
		return
	}
	if i := slices.Index(p.late, action); i >= 0 {
		select {
		case <-p.lastServed:
		case <-r.Context().Done():
			return // the client gave up; the server may close
		}
		time.Sleep(time.Duration(i+1) * p.lateEvery)
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>0</requestId>`, action)
	switch action {
	case "DescribeVpcs":
		fmt.Fprintf(&b, `<vpcSet><item><vpcId>vpc-00000000000000001</vpcId><ownerId>%s</ownerId><state>available</state><cidrBlock>10.0.0.0/8</cidrBlock>`+
			`<cidrBlockAssociationSet><item><cidrBlock>10.0.0.0/8</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState></item></cidrBlockAssociationSet></item></vpcSet>`, pagedAccount)
	case "DescribeSubnets":
		b.WriteString("<subnetSet>")
		for s := range p.subnets() {
			fmt.Fprintf(&b, `<item><subnetId>subnet-%017x</subnetId><vpcId>vpc-00000000000000001</vpcId><ownerId>%s</ownerId><state>available</state>`+
				`<cidrBlock>10.%d.%d.0/24</cidrBlock><availabilityZone>us-east-1a</availabilityZone></item>`, s, pagedAccount, s/256, s%256)
		}
		b.WriteString("</subnetSet>")
	case "DescribeSecurityGroups":
		fmt.Fprintf(&b, `<securityGroupInfo><item><groupId>sg-00000000000000001</groupId><groupName>app</groupName><vpcId>vpc-00000000000000001</vpcId><ownerId>%s</ownerId>`+
			`<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><ipRanges><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges></item></ipPermissions>`+
			`<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissionsEgress></item></securityGroupInfo>`, pagedAccount)
	case "DescribeNetworkInterfaces":
		if !p.interfacesPage(w, &b, form) {
			return
		}
	case "DescribeInstances":
		p.instancesPage(&b, form)
	}
	fmt.Fprintf(&b, "</%sResponse>", action)
	_, _ = io.WriteString(w, b.String())
}

// interfacesPage writes one page: MaxResults entries from NextToken on.
func (p *pagedEC2) interfacesPage(w http.ResponseWriter, b *strings.Builder, form url.Values) bool {
	size, _ := strconv.Atoi(form.Get("MaxResults"))
	if size < 5 || size > 1000 {
		size = 1000
	}
	start := 0
	if tok := form.Get("NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-from-"))
		if err != nil {
			writeEC2Error(w, "InvalidNextToken", "bad token")
			return false
		}
		start = n
	}
	page := int(p.pages.Add(1))
	p.mu.Lock()
	p.tokens = append(p.tokens, form.Get("NextToken"))
	p.maxAsked = max(p.maxAsked, size)
	p.mu.Unlock()
	if p.failPage > 0 && start/size+1 == p.failPage {
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>Unavailable</Code><Message>page `+strconv.Itoa(page)+`</Message></Error></Errors><RequestID>0</RequestID></Response>`)
		return false
	}
	end := min(start+size, p.interfaces)
	b.WriteString("<networkInterfaceSet>")
	for e := start; e < end; e++ {
		s := e / 250
		addr := fmt.Sprintf("10.%d.%d.%d", s/256, s%256, 4+e%250)
		fmt.Fprintf(b, `<item><networkInterfaceId>eni-%017x</networkInterfaceId><subnetId>subnet-%017x</subnetId><vpcId>vpc-00000000000000001</vpcId>`+
			`<availabilityZone>us-east-1a</availabilityZone><description>node %d</description><ownerId>%s</ownerId><requesterManaged>false</requesterManaged>`+
			`<status>in-use</status><macAddress>02:00:00:00:00:01</macAddress><privateIpAddress>%s</privateIpAddress><sourceDestCheck>true</sourceDestCheck><interfaceType>interface</interfaceType>`+
			`<groupSet><item><groupId>sg-00000000000000001</groupId><groupName>app</groupName></item></groupSet>`+
			`<privateIpAddressesSet><item><privateIpAddress>%s</privateIpAddress><primary>true</primary></item></privateIpAddressesSet>`+
			`<ipv6AddressesSet/><tagSet><item><key>Name</key><value>node-%05d</value></item></tagSet></item>`,
			e, s, e, pagedAccount, addr, addr, e)
	}
	b.WriteString("</networkInterfaceSet>")
	if end < p.interfaces {
		fmt.Fprintf(b, "<nextToken>page-from-%d</nextToken>", end)
	} else {
		p.lastServedOnce.Do(func() { close(p.lastServed) })
	}
	return true
}

// pageBounds reads MaxResults and NextToken.
func pageBounds(form url.Values, total int) (start, end int) {
	size, _ := strconv.Atoi(form.Get("MaxResults"))
	if size < 5 || size > 1000 {
		size = 1000
	}
	start, _ = strconv.Atoi(strings.TrimPrefix(form.Get("NextToken"), "page-from-"))
	return start, min(start+size, total)
}

// instancesPage writes one page of instances, one reservation each.
func (p *pagedEC2) instancesPage(b *strings.Builder, form url.Values) {
	start, end := pageBounds(form, p.instances)
	nic := func(eni string, e, device int) {
		s := e / 250
		addr := fmt.Sprintf("10.%d.%d.%d", s/256, s%256, 4+e%250)
		fmt.Fprintf(b, `<item><networkInterfaceId>%s</networkInterfaceId><subnetId>subnet-%017x</subnetId><vpcId>vpc-00000000000000001</vpcId><ownerId>%s</ownerId>`+
			`<status>in-use</status><privateIpAddress>%s</privateIpAddress><sourceDestCheck>true</sourceDestCheck>`+
			`<attachment><attachmentId>eni-attach-%017x</attachmentId><deviceIndex>%d</deviceIndex><status>attached</status></attachment>`+
			`<groupSet><item><groupId>sg-00000000000000001</groupId><groupName>app</groupName></item></groupSet>`+
			`<privateIpAddressesSet><item><privateIpAddress>%s</privateIpAddress><primary>true</primary></item></privateIpAddressesSet></item>`,
			eni, s, pagedAccount, addr, e, device, addr)
	}
	b.WriteString("<reservationSet>")
	for i := start; i < end; i++ {
		fmt.Fprintf(b, `<item><reservationId>r-%017x</reservationId><ownerId>%s</ownerId><instancesSet><item><instanceId>i-%017x</instanceId>`+
			`<instanceState><code>16</code><name>running</name></instanceState><placement><availabilityZone>us-east-1a</availabilityZone></placement>`+
			`<sourceDestCheck>true</sourceDestCheck><tagSet><item><key>Name</key><value>vm-%05d</value></item></tagSet><networkInterfaceSet>`,
			i, pagedAccount, i, i)
		nic(fmt.Sprintf("eni-%017x", i), i, 0)
		if i%10 == 0 {
			nic(fmt.Sprintf("eni-f%016x", i), p.interfaces+i, 1)
		}
		b.WriteString("</networkInterfaceSet></item></instancesSet></item>")
	}
	b.WriteString("</reservationSet>")
	if end < p.instances {
		fmt.Fprintf(b, "<nextToken>page-from-%d</nextToken>", end)
	}
}

func writeEC2Error(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>0</RequestID></Response>`, code, msg)
}
