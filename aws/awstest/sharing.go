package awstest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Sharing stands between the loader and moto for what moto cannot do
// across accounts: a subnet or a transit gateway shared through AWS RAM,
// and a security group rule that references another account's group. moto
// records a RAM share but never shows the resource to the participant, and
// refuses a rule whose group is not in the caller's own account. Sharing
// answers every account's EC2 reads as AWS answers them, in EC2's own
// Query/XML protocol, from resources that do exist in moto:
//
//   - A shared resource lives in its owner's state. A participant's reads of
//     VPCs, subnets, transit gateways and transit gateway attachments list
//     it too, as the owner's copy with the owner's OwnerId, and nothing else
//     of the owner: "participants cannot view, modify, or delete resources
//     that belong to other participants or the VPC owner"
//     (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html);
//     a participant sees the shared subnet with the owner's account ID
//     (https://docs.aws.amazon.com/vpc/latest/userguide/example-vpc-share.html).
//   - Route tables, network ACLs and transit gateway attachments of a
//     shared VPC are the owner's
//     (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html),
//     and a transit gateway's route tables and propagations are its
//     owner's alone
//     (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-share.html):
//     the owner reads them from its own state, and the participant never
//     sees them.
//   - What a participant builds in a shared subnet (its interfaces,
//     instances and security groups) is its own
//     (vpc-share-limitations.html). moto can only place it in a subnet of
//     the participant's own state, so the participant gets a stand-in VPC
//     and subnet (same CIDRs); Sharing names them by the shared IDs in
//     every answer and request, and hides the stand-ins themselves with
//     the main route table, network ACL and default group moto made for
//     them. A participant's route to a shared transit gateway works the same
//     way, through a stand-in transit gateway.
//   - A VPC attachment a participant makes to a shared transit gateway
//     appears in the owner's reads and in the participant's with the
//     participant as its resource owner. moto attaches only its own
//     account's transit gateway, so the attachment lives in the owner's
//     state and Sharing names its resource owner.
//   - A rule referencing a group of another account across a peering is
//     written account/sg-…; AWS returns it as a UserIdGroupPair with that
//     account's ID, the peer VPC and the peering
//     (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html,
//     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html).
//     The referencing account gets a stand-in group in its own state, which
//     moto accepts; requests that name the real group (authorize, revoke)
//     reach moto naming the stand-in, and answers name the real group.
//
// Requests of other services pass through unchanged; so do the EC2
// requests of accounts Sharing was told nothing of, whose answers change
// only where they name an attachment's resource owner.
type Sharing struct {
	// URL is the endpoint: point the loader (or a fault proxy) at it.
	URL string

	srv     *httptest.Server
	backend string
	client  *http.Client

	mu sync.Mutex
	// accountOf caches the account of each access key.
	accountOf map[string]string
	// keyOf is an access key of each owner, for reading its copies.
	keyOf map[string]string
	views map[string]*accountView
	// attachmentOwners names the account of each attachment that lives
	// in a transit gateway owner's state for another account's VPC.
	attachmentOwners map[string]string
	// groupRefs describes each referenced group of another account.
	groupRefs map[string]GroupRef
}

// GroupRef is how AWS describes a referenced group of another account.
type GroupRef struct {
	Owner, VPCID, PeeringID string
}

// accountView is how one account's answers differ from moto's.
type accountView struct {
	// standIns maps an ID of the account's moto state to the resource of
	// another account it stands for.
	standIns map[string]string
	hidden   map[string]bool
	// shared lists, by owner, the IDs of the owner's resources the
	// account sees.
	shared map[string]map[string]bool
}

// NewSharing starts Sharing in front of backend (moto's URL).
func NewSharing(backend string) *Sharing {
	s := &Sharing{backend: strings.TrimRight(backend, "/"), client: &http.Client{},
		accountOf: map[string]string{}, keyOf: map[string]string{}, views: map[string]*accountView{},
		attachmentOwners: map[string]string{}, groupRefs: map[string]GroupRef{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Sharing) Close() { s.srv.Close() }

func (s *Sharing) view(account string) *accountView {
	v := s.views[account]
	if v == nil {
		v = &accountView{standIns: map[string]string{}, hidden: map[string]bool{}, shared: map[string]map[string]bool{}}
		s.views[account] = v
	}
	return v
}

// Share shows the owner's resources ids (subnets, their VPCs, transit
// gateways, transit gateway attachments) to each participant.
func (s *Sharing) Share(owner string, ids []string, participants ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range participants {
		v := s.view(p)
		if v.shared[owner] == nil {
			v.shared[owner] = map[string]bool{}
		}
		for _, id := range ids {
			v.shared[owner][id] = true
		}
	}
}

// StandIn names standIn, a resource of account's moto state, as real in
// the account's answers, and real as standIn in its requests.
func (s *Sharing) StandIn(account, standIn, real string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.view(account).standIns[standIn] = real
}

// Hide leaves ids (stand-ins, and what moto made for them) out of the
// account's answers.
func (s *Sharing) Hide(account string, ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		s.view(account).hidden[id] = true
	}
}

// AttachmentOwner names account as the resource owner of attachment.
func (s *Sharing) AttachmentOwner(attachment, account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachmentOwners[attachment] = account
}

// ReferencedGroup describes group, of another account, wherever a rule
// references it.
func (s *Sharing) ReferencedGroup(group string, ref GroupRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groupRefs[group] = ref
}

// itemIDs names, per read, the element that identifies each item.
var itemIDs = map[string]string{
	"DescribeVpcs":                             "vpcId",
	"DescribeSubnets":                          "subnetId",
	"DescribeRouteTables":                      "routeTableId",
	"DescribeNetworkAcls":                      "networkAclId",
	"DescribeSecurityGroups":                   "groupId",
	"DescribeTransitGateways":                  "transitGatewayId",
	"DescribeTransitGatewayRouteTables":        "transitGatewayRouteTableId",
	"DescribeTransitGatewayAttachments":        "transitGatewayAttachmentId",
	"DescribeTransitGatewayVpcAttachments":     "transitGatewayAttachmentId",
	"DescribeTransitGatewayPeeringAttachments": "transitGatewayAttachmentId",
}

// sharedReads are the reads that list an owner's resources shared with
// the caller.
var sharedReads = map[string]bool{
	"DescribeVpcs": true, "DescribeSubnets": true, "DescribeTransitGateways": true,
	"DescribeTransitGatewayAttachments": true, "DescribeTransitGatewayVpcAttachments": true,
}

var accessKeyRE = regexp.MustCompile(`Credential=([^/,\s]+)/`)

func (s *Sharing) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	service, action := Action(r, body)
	var v *accountView
	var account string
	if service == "ec2" {
		account, err = s.account(r)
		if err != nil {
			http.Error(w, "sharing: "+err.Error(), http.StatusBadGateway)
			return
		}
		s.mu.Lock()
		v = s.views[account]
		s.mu.Unlock()
	}
	if v == nil && service != "ec2" {
		s.pass(w, r, body)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	sent := form
	if v != nil {
		sent = v.toMoto(form)
	}
	status, header, answer, err := s.forward(r, []byte(sent.Encode()), "")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if status == http.StatusOK {
		answer, err = s.rewrite(r, account, action, form, v, answer)
		if err != nil {
			http.Error(w, "sharing: "+err.Error(), http.StatusBadGateway)
			return
		}
	}
	for k, vs := range header {
		if k != "Content-Length" && k != "Content-Encoding" {
			w.Header()[k] = vs
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(status)
	w.Write(answer)
}

// toMoto names stand-ins in place of the resources they stand for.
func (v *accountView) toMoto(form url.Values) url.Values {
	back := map[string]string{}
	for standIn, real := range v.standIns {
		back[real] = standIn
	}
	out := url.Values{}
	for k, vs := range form {
		for _, val := range vs {
			if standIn, ok := back[val]; ok {
				val = standIn
			}
			out.Add(k, val)
		}
	}
	return out
}

// rewrite turns moto's answer to account into AWS's.
func (s *Sharing) rewrite(r *http.Request, account, action string, form url.Values, v *accountView, answer []byte) ([]byte, error) {
	doc, err := parseXML(answer)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	idField := itemIDs[action]
	var owners []string
	if v != nil {
		if idField != "" {
			doc.dropItems(idField, v.hidden)
		}
		doc.renameLeaves(v.standIns)
		if sharedReads[action] && form.Get("NextToken") == "" {
			for owner := range v.shared {
				owners = append(owners, owner)
			}
		}
	}
	s.mu.Unlock()
	for _, owner := range owners {
		if err := s.addShared(r, doc, owner, idField, form, v); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	doc.nameOwners(s.attachmentOwners, s.groupRefs)
	s.mu.Unlock()
	return doc.encode(), nil
}

// addShared appends the owner's items v may see to doc's list.
func (s *Sharing) addShared(r *http.Request, doc *node, owner, idField string, form url.Values, v *accountView) error {
	key, err := s.ownerKey(owner)
	if err != nil {
		return err
	}
	status, _, answer, err := s.forward(r, []byte(form.Encode()), key)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("the owner %s's read answered HTTP %d: %.200s", owner, status, answer)
	}
	theirs, err := parseXML(answer)
	if err != nil {
		return err
	}
	list := doc.itemList()
	if list == nil {
		return errors.New("the answer has no list of items")
	}
	s.mu.Lock()
	visible := v.shared[owner]
	s.mu.Unlock()
	if from := theirs.itemList(); from != nil {
		for _, it := range from.kids {
			if visible[it.child(idField).leafText()] {
				list.kids = append(list.kids, it)
			}
		}
	}
	return nil
}

// account names the account of the request's access key, asking moto once
// per key.
func (s *Sharing) account(r *http.Request) (string, error) {
	m := accessKeyRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "", errors.New("the request is not signed")
	}
	s.mu.Lock()
	acc, ok := s.accountOf[m[1]]
	s.mu.Unlock()
	if ok {
		return acc, nil
	}
	status, _, answer, err := s.call(m[1], "sts", "us-east-1", "Action=GetCallerIdentity&Version=2011-06-15")
	if err != nil || status != http.StatusOK {
		return "", fmt.Errorf("whose key is %s: %v (HTTP %d)", m[1], err, status)
	}
	doc, err := parseXML(answer)
	if err != nil {
		return "", err
	}
	acc = doc.find("Account").leafText()
	s.mu.Lock()
	s.accountOf[m[1]] = acc
	s.mu.Unlock()
	return acc, nil
}

// ownerKey is an access key of owner's, from a role assumed in it.
func (s *Sharing) ownerKey(owner string) (string, error) {
	s.mu.Lock()
	key, ok := s.keyOf[owner]
	s.mu.Unlock()
	if ok {
		return key, nil
	}
	form := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"},
		"RoleArn": {"arn:aws:iam::" + owner + ":role/sharing"}, "RoleSessionName": {"sharing"}}
	status, _, answer, err := s.call("test", "sts", "us-east-1", form.Encode())
	if err != nil || status != http.StatusOK {
		return "", fmt.Errorf("assume a role in %s: %v (HTTP %d)", owner, err, status)
	}
	doc, err := parseXML(answer)
	if err != nil {
		return "", err
	}
	key = doc.find("AccessKeyId").leafText()
	s.mu.Lock()
	s.keyOf[owner], s.accountOf[key] = key, owner
	s.mu.Unlock()
	return key, nil
}

// call sends a form to moto as the holder of key. moto checks no
// signature, only whose key it is.
func (s *Sharing) call(key, service, region, form string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, s.backend+"/", strings.NewReader(form))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20260101/%s/%s/aws4_request, SignedHeaders=host, Signature=00", key, region, service))
	return s.do(req)
}

// forward sends the request to moto with body, as the caller or, when key
// is set, as the holder of key.
func (s *Sharing) forward(r *http.Request, body []byte, key string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, s.backend+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = r.Header.Clone()
	req.Header.Del("Content-Length")
	req.Header.Del("Accept-Encoding")
	if key != "" {
		req.Header.Set("Authorization", accessKeyRE.ReplaceAllString(r.Header.Get("Authorization"), "Credential="+key+"/"))
		req.Header.Del("X-Amz-Security-Token")
	}
	return s.do(req)
}

func (s *Sharing) do(req *http.Request) (int, http.Header, []byte, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// pass forwards a request Sharing leaves alone.
func (s *Sharing) pass(w http.ResponseWriter, r *http.Request, body []byte) {
	status, header, answer, err := s.forward(r, body, "")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, vs := range header {
		if k != "Content-Length" && k != "Content-Encoding" {
			w.Header()[k] = vs
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(status)
	w.Write(answer)
}

// node is an element of an EC2 answer: EC2's XML has no mixed content and
// no attributes but the namespace, so a tree of names and leaf texts holds
// it whole.
type node struct {
	name  string
	attrs []xml.Attr
	text  string
	kids  []*node
	leaf  bool
}

func parseXML(b []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read the answer: %w", err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, leaf: true}
			for _, a := range t.Attr {
				if a.Name.Space == "" {
					n.attrs = append(n.attrs, a)
				}
			}
			top.kids = append(top.kids, n)
			top.leaf = false
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(t)
		}
	}
	if len(root.kids) != 1 {
		return nil, errors.New("the answer has no single root element")
	}
	return root.kids[0], nil
}

func (n *node) encode() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	n.write(&b)
	return b.Bytes()
}

func (n *node) write(b *bytes.Buffer) {
	b.WriteString("<" + n.name)
	for _, a := range n.attrs {
		b.WriteString(" " + a.Name.Local + `="`)
		xml.EscapeText(b, []byte(a.Value))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	if n.leaf {
		xml.EscapeText(b, []byte(n.text))
	}
	for _, k := range n.kids {
		k.write(b)
	}
	b.WriteString("</" + n.name + ">")
}

func (n *node) leafText() string {
	if n == nil || !n.leaf {
		return ""
	}
	return strings.TrimSpace(n.text)
}

// child is n's first direct child named name.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// find is the first element named name, depth first.
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	if n.name == name {
		return n
	}
	for _, k := range n.kids {
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

// itemList is the root's child that lists the answer's items (subnetSet,
// securityGroupInfo, …): the one whose children are items.
func (n *node) itemList() *node {
	for _, k := range n.kids {
		if strings.HasSuffix(k.name, "Set") || k.name == "securityGroupInfo" ||
			k.name == "transitGatewayAttachments" || k.name == "transitGatewayVpcAttachments" ||
			k.name == "transitGatewayRouteTables" || k.name == "transitGatewayPeeringAttachments" {
			return k
		}
	}
	return nil
}

// dropItems removes the listed items whose idField is hidden.
func (n *node) dropItems(idField string, hidden map[string]bool) {
	list := n.itemList()
	if list == nil {
		return
	}
	kept := list.kids[:0]
	for _, it := range list.kids {
		if !hidden[it.child(idField).leafText()] {
			kept = append(kept, it)
		}
	}
	list.kids = kept
}

// renameLeaves replaces every leaf whose whole text is a stand-in's ID.
func (n *node) renameLeaves(names map[string]string) {
	if n.leaf {
		if real, ok := names[strings.TrimSpace(n.text)]; ok {
			n.text = real
		}
		return
	}
	for _, k := range n.kids {
		k.renameLeaves(names)
	}
}

// nameOwners writes the resource owner of attachments that live in
// another account's state, and describes references to other accounts'
// groups as AWS does.
func (n *node) nameOwners(attachments map[string]string, groups map[string]GroupRef) {
	if owner, ok := attachments[n.child("transitGatewayAttachmentId").leafText()]; ok {
		for _, field := range []string{"resourceOwnerId", "vpcOwnerId"} {
			if f := n.child(field); f != nil {
				f.text = owner
			}
		}
	}
	if ref, ok := groups[n.child("groupId").leafText()]; ok && n.child("userId") != nil {
		n.setLeaf("userId", ref.Owner)
		n.setLeaf("vpcId", ref.VPCID)
		n.setLeaf("vpcPeeringConnectionId", ref.PeeringID)
		n.setLeaf("peeringStatus", "active")
	}
	for _, k := range n.kids {
		k.nameOwners(attachments, groups)
	}
}

func (n *node) setLeaf(name, text string) {
	if text == "" {
		return
	}
	if f := n.child(name); f != nil {
		f.text = text
		return
	}
	n.kids = append(n.kids, &node{name: name, text: text, leaf: true})
}
