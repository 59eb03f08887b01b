package awstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
)

// DirectConnect answers the Direct Connect reads reach makes
// (DescribeVirtualInterfaces, DescribeDirectConnectGatewayAssociations),
// which moto_server does not implement, in the service's wire protocol:
// AWS JSON 1.1, the operation in the X-Amz-Target header
// (OvertureService.<Operation>), lowerCamel member names. Tests put the
// virtual interfaces and associations in with Set; Reset empties it.
type DirectConnect struct {
	mu           sync.Mutex
	vifs         []map[string]any
	associations []map[string]any
}

// Set replaces the virtual interfaces and the gateway associations, each
// an object as the Direct Connect API prints it.
func (d *DirectConnect) Set(vifs, associations []map[string]any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.vifs, d.associations = vifs, associations
}

// Reset forgets every virtual interface and association.
func (d *DirectConnect) Reset() { d.Set(nil, nil) }

// serve answers one Direct Connect request.
func (d *DirectConnect) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		dxError(w, http.StatusBadRequest, "DirectConnectClientException", err.Error())
		return
	}
	var in map[string]any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			dxError(w, http.StatusBadRequest, "DirectConnectClientException", "request is not JSON: "+err.Error())
			return
		}
	}
	str := func(k string) string { s, _ := in[k].(string); return s }
	d.mu.Lock()
	defer d.mu.Unlock()
	target := r.Header.Get("X-Amz-Target")
	switch strings.TrimPrefix(target, "OvertureService.") {
	case "DescribeVirtualInterfaces":
		var out []map[string]any
		for _, v := range d.vifs {
			if id := str("virtualInterfaceId"); id != "" && v["virtualInterfaceId"] != id {
				continue
			}
			if id := str("connectionId"); id != "" && v["connectionId"] != id {
				continue
			}
			out = append(out, v)
		}
		dxReply(w, map[string]any{"virtualInterfaces": nonNil(out)})
	case "DescribeDirectConnectGatewayAssociations":
		dxgw, gateway, vgw := str("directConnectGatewayId"), str("associatedGatewayId"), str("virtualGatewayId")
		if dxgw == "" && gateway == "" && vgw == "" && str("associationId") == "" {
			// The API needs a Direct Connect gateway, a gateway or an
			// association to list.
			dxError(w, http.StatusBadRequest, "DirectConnectClientException", "directConnectGatewayId, associatedGatewayId, virtualGatewayId or associationId is required")
			return
		}
		var out []map[string]any
		for _, a := range d.associations {
			g, _ := a["associatedGateway"].(map[string]any)
			switch {
			case dxgw != "" && a["directConnectGatewayId"] != dxgw,
				gateway != "" && (g == nil || g["id"] != gateway),
				vgw != "" && a["virtualGatewayId"] != vgw,
				str("associationId") != "" && a["associationId"] != str("associationId"):
				continue
			}
			out = append(out, a)
		}
		dxReply(w, map[string]any{"directConnectGatewayAssociations": nonNil(out)})
	default:
		dxError(w, http.StatusBadRequest, "DirectConnectClientException", fmt.Sprintf("operation %q is not emulated", target))
	}
}

func nonNil(list []map[string]any) []map[string]any {
	if list == nil {
		return []map[string]any{}
	}
	return list
}

func dxReply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000001")
	_ = json.NewEncoder(w).Encode(v)
}

func dxError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

// front starts the server a Moto's URL points at: Direct Connect requests
// are answered by dx, everything else is forwarded to moto_server.
func front(backend string, dx *DirectConnect, ins *Insights) (*httptest.Server, error) {
	u, err := url.Parse(backend)
	if err != nil {
		return nil, err
	}
	ins.Next = httputil.NewSingleHostReverseProxy(u)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil && m[1] == "directconnect" {
			dx.serve(w, r)
			return
		}
		ins.ServeHTTP(w, r)
	})), nil
}

// The Direct Connect resources SeedDirectConnect puts in front of a seeded
// topology.
const (
	// SeedVIFUp is a private virtual interface on the topology's virtual
	// private gateway, available.
	SeedVIFUp = "dxvif-ffseed01"
	// SeedVIFDown is a private virtual interface on SeedDXGateway, down.
	SeedVIFDown = "dxvif-ffseed02"
	// SeedDXGateway is a Direct Connect gateway associated with the
	// topology's virtual private gateway.
	SeedDXGateway = "0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
)

// SeedDirectConnect gives the topology's virtual private gateway Direct
// Connect: one available private virtual interface on the gateway, and a
// Direct Connect gateway associated with it whose virtual interface is
// down.
func SeedDirectConnect(d *DirectConnect, t *Topology) {
	vif := func(id, state, vgw, dxgw string, vlan int) map[string]any {
		return map[string]any{
			"ownerAccount": "123456789012", "virtualInterfaceId": id, "location": "EqDC2", "connectionId": "dxcon-ffseed01",
			"virtualInterfaceType": "private", "virtualInterfaceName": id, "vlan": vlan, "asn": 65000, "amazonSideAsn": 64512,
			"addressFamily": "ipv4", "virtualInterfaceState": state, "virtualGatewayId": vgw, "directConnectGatewayId": dxgw,
			"region": Region, "bgpPeers": []any{}, "routeFilterPrefixes": []any{}, "tags": []any{},
		}
	}
	d.Set([]map[string]any{
		vif(SeedVIFUp, "available", t.VGW, "", 101),
		vif(SeedVIFDown, "down", "", SeedDXGateway, 102),
	}, []map[string]any{{
		"directConnectGatewayId": SeedDXGateway, "directConnectGatewayOwnerAccount": "123456789012",
		"associationState": "associated", "associationId": "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
		"associatedGateway":                     map[string]any{"id": t.VGW, "type": "virtualPrivateGateway", "ownerAccount": "123456789012", "region": Region},
		"allowedPrefixesToDirectConnectGateway": []any{map[string]any{"cidr": "10.0.0.0/16"}},
		"virtualGatewayId":                      t.VGW, "virtualGatewayRegion": Region, "virtualGatewayOwnerAccount": "123456789012",
	}})
}
