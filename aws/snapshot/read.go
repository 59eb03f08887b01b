// Package snapshot reads and writes snapshot directories: the AWS CLI's own
// JSON outputs in any layout of folders (including Batfish's), recognised
// by their top-level keys. See docs/snapshot.md.
package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// maxFileErrors bounds the errors Read reports at once: enough
// to fix a batch of files in one go without burying the first one.
const maxFileErrors = 10

// Read reads a snapshot directory: AWS CLI JSON outputs in any
// layout of nested folders (for example one per account and region), each
// recognised by its top-level keys whatever its name. See docs/snapshot.md.
//
// Files that are not AWS outputs reach uses are listed in Inventory.Skipped;
// a file that is not valid JSON, or whose fields have the wrong types, is an
// error naming the file and the field.
func Read(dir string) (*inventory.Inventory, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("snapshot directory %s does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("snapshot directory %s: %v", dir, pathErr(err))
	case !info.IsDir():
		return nil, fmt.Errorf("snapshot %s is not a directory", dir)
	}
	return readSnapshot(os.DirFS(dir), ".", dir, func(p string) string {
		return filepath.Join(dir, filepath.FromSlash(p))
	}, true)
}

// ReadFS reads a snapshot directory from a file system (an embedded
// demo scenario, a test's fstest.MapFS); root is the directory inside fsys.
// It behaves as Read.
func ReadFS(fsys fs.FS, root string) (*inventory.Inventory, error) {
	info, err := fs.Stat(fsys, root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("snapshot directory %s does not exist", root)
	case err != nil:
		return nil, fmt.Errorf("snapshot directory %s: %v", root, pathErr(err))
	case !info.IsDir():
		return nil, fmt.Errorf("snapshot %s is not a directory", root)
	}
	return readSnapshot(fsys, root, root, func(p string) string { return p }, true)
}

// reader fills an inventory from the files of one snapshot directory.
type reader struct {
	inv *inventory.Inventory
	// folder is the folder of the file being read, and file its index
	// among the snapshot's files.
	folder string
	file   int
	// firstCopy is the file that first described each resource, by
	// output key and ID; duplicated holds the resources another file
	// describes too, and copyFiles the files that hold them. Only those
	// copies are compared, once every file is read (compareCopies).
	firstCopy  map[copyKey]int
	duplicated map[copyKey]bool
	copyFiles  map[int]bool
}

// copyKey names a resource: its output's key and its ID.
type copyKey struct{ output, id string }

// fingerprint is a 128-bit digest of a resource's description in a
// canonical form (keys sorted, every value tagged with its type and
// length), so two copies with the same digest are described alike.
type fingerprint [16]byte

func fingerprintOf(obj map[string]any, leaveOut string) fingerprint {
	h := fnv.New128a()
	var scratch []byte
	writeCanonical(h, &scratch, obj, leaveOut)
	var f fingerprint
	h.Sum(f[:0])
	return f
}

// writeCanonical writes v to h in a form where different JSON values never
// write the same bytes; leaveOut names a key of the outermost object to
// leave out.
func writeCanonical(h hash.Hash, scratch *[]byte, v any, leaveOut string) {
	put := func(tag byte, s string) {
		b := append((*scratch)[:0], tag)
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		*scratch = b
		h.Write(b)
	}
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			if k != leaveOut {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		put('{', strconv.Itoa(len(keys)))
		for _, k := range keys {
			put('k', k)
			writeCanonical(h, scratch, v[k], "")
		}
	case []any:
		put('[', strconv.Itoa(len(v)))
		for _, e := range v {
			writeCanonical(h, scratch, e, "")
		}
	case string:
		put('s', v)
	case json.Number:
		put('n', string(v))
	case float64:
		put('n', strconv.FormatFloat(v, 'g', -1, 64))
	case bool:
		put('b', strconv.FormatBool(v))
	case nil:
		put('z', "")
	default:
		put('?', fmt.Sprint(v))
	}
}

// walkedFile is one .json file of a snapshot, or an error met walking
// the directory, in the order of the walk.
type walkedFile struct {
	path, name, shown string
	walkErr           error
}

// fileResult is a file read and, when the direct decoder could, decoded.
type fileResult struct {
	data   []byte
	direct directFile
	isRead bool // direct holds the file
	err    error
}

// readSnapshot reads the files of a snapshot directory. With direct, the
// files that the direct decoder reads are decoded on all cores, each
// straight into the SDK's types; every other file goes through the careful
// path, one at a time, in the walk's order. Either way the inventory is the
// same, item for item.
func readSnapshot(fsys fs.FS, root, shown string, display func(string) string, direct bool) (*inventory.Inventory, error) {
	// A large snapshot's inventory is read in one go and all of it stays
	// live: collecting less often while it grows spares marking it again
	// and again, and restoring the setting collects the files' bytes at
	// once, before conversion adds the network beside it.
	defer collectLessOften()()
	var files []walkedFile
	jsonFiles := 0
	walkErr := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			files = append(files, walkedFile{walkErr: fmt.Errorf("%s: %v", display(p), pathErr(err))})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			// Version-control and editor folders are not part of a snapshot.
			if p != root && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || !strings.EqualFold(path.Ext(name), ".json") {
			return nil
		}
		jsonFiles++
		files = append(files, walkedFile{path: p, name: name, shown: display(p)})
		return nil
	})

	results := make([]fileResult, len(files))
	done := make([]chan struct{}, len(files))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(files) {
				return
			}
			f := files[i]
			if f.walkErr == nil {
				data, err := fs.ReadFile(fsys, f.path)
				results[i] = fileResult{data: data, err: err}
				if err == nil && direct {
					if d, ok := readDirect(data); ok {
						results[i] = fileResult{direct: d, isRead: true}
					}
				}
			}
			close(done[i])
		}
	}
	workers := 1
	if direct {
		workers = runtime.GOMAXPROCS(0)
	}
	for range workers - 1 {
		go work()
	}
	go work()

	r := &reader{inv: inventory.NewInventory()}
	var errs []error
	recognised := 0
	for i, f := range files {
		<-done[i]
		res := results[i]
		results[i] = fileResult{}
		switch {
		case f.walkErr != nil:
			errs = append(errs, f.walkErr)
			continue
		case res.err != nil:
			errs = append(errs, fmt.Errorf("%s: %v", f.shown, pathErr(res.err)))
			continue
		}
		r.folder, r.file = path.Dir(f.path), i
		if res.isRead {
			r.applyDirect(res.direct)
			recognised++
			continue
		}
		n, err := r.readFile(f.shown, f.name, res.data)
		if err != nil {
			errs = append(errs, err)
		}
		recognised += n
	}
	if walkErr != nil {
		errs = append(errs, fmt.Errorf("%s: %v", shown, walkErr))
	}
	if len(errs) > maxFileErrors {
		more := len(errs) - maxFileErrors
		errs = append(errs[:maxFileErrors], fmt.Errorf("and %d more errors", more))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if jsonFiles == 0 {
		return nil, fmt.Errorf("snapshot directory %s contains no .json files", shown)
	}
	if recognised == 0 {
		return nil, fmt.Errorf("snapshot directory %s contains no AWS CLI output that reach reads (%d .json files; see docs/snapshot.md)", shown, jsonFiles)
	}
	if err := r.compareCopies(fsys, files); err != nil {
		return nil, err
	}
	return r.inv, nil
}

// readsUnderWay counts the reads under way, so that reads at once (several
// accounts' snapshots) restore the collector's setting only when the last
// one ends.
var (
	readsUnderWay  int
	gcPercentSaved int
	readsMu        sync.Mutex
)

// collectLessOften raises the collector's target for the time of a read and
// returns the function that restores it.
func collectLessOften() (restore func()) {
	readsMu.Lock()
	defer readsMu.Unlock()
	if readsUnderWay == 0 {
		gcPercentSaved = debug.SetGCPercent(400)
	}
	readsUnderWay++
	return func() {
		readsMu.Lock()
		defer readsMu.Unlock()
		readsUnderWay--
		if readsUnderWay == 0 {
			debug.SetGCPercent(gcPercentSaved)
		}
	}
}

// applyDirect adds a file the direct decoder read, as readDoc would have.
func (r *reader) applyDirect(f directFile) {
	o := f.output
	f.apply(r.inv, func(id string) { r.noteCopy(o.key, id) })
	r.markPresent(o.kind)
	for _, k := range o.also {
		r.markPresent(k)
	}
}

// pathErr drops the path an fs error repeats, since messages already
// start with the displayed path.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readFile decodes one snapshot file into the inventory. The file may hold
// several JSON documents one after another (the output of a shell loop);
// each is recognised on its own. It returns how many documents were outputs
// reach uses.
func (r *reader) readFile(shown, name string, data []byte) (int, error) {
	inv := r.inv
	if len(bytes.TrimSpace(data)) == 0 {
		// A CLI call that failed (AccessDenied, throttled) leaves an empty
		// file behind; the kind then becomes a gap rather than an error.
		inv.Skipped = append(inv.Skipped, shown+": empty file (the command that wrote it probably failed)")
		return 0, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	used := 0
	for {
		var doc any
		err := dec.Decode(&doc)
		if err == io.EOF {
			return used, nil
		}
		if err != nil {
			return used, fmt.Errorf("%s: %s", shown, syntaxError(data, err))
		}
		obj, ok := doc.(map[string]any)
		if !ok {
			inv.Skipped = append(inv.Skipped, fmt.Sprintf("%s: not an AWS CLI output (a JSON %s, not an object)", shown, jsonType(doc)))
			continue
		}
		n, err := r.readDoc(shown, name, obj)
		if err != nil {
			return used, fmt.Errorf("%s: %w", shown, err)
		}
		used += n
	}
}

func syntaxError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineColumn(data, se.Offset)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "invalid JSON: unexpected end of file"
	}
	return "invalid JSON: " + err.Error()
}

func lineColumn(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return line, col
}

// output describes one AWS CLI output that the reader understands.
type output struct {
	// key is the top-level key that identifies the output.
	key string
	// command is the CLI command, for messages.
	command string
	// kind is marked present in the inventory when the output is read,
	// and so are also.
	kind checks.DataKind
	also []checks.DataKind
	// parent names what the file name must carry when the output does not
	// name its parent ("transit gateway route table"); "" otherwise.
	parent string
	// parentIsARN says the file name carries the parent as an ARN, in the
	// form ARNFileName writes.
	parentIsARN bool
	// kindFor, when set, names the kind by the parent (an output shared
	// by two commands, told apart by their parent's ARN).
	kindFor func(parent string) checks.DataKind
	// match, when set, tells this output apart from another with the same
	// key by looking at the document.
	match func(doc map[string]any) bool
	read  func(inv *inventory.Inventory, doc map[string]any, parent string) error
}

// outputs lists the AWS CLI outputs reach reads, in the order they are
// tried. A document may match several (a hand-merged file); each is read.
var outputs = []output{
	{key: "Vpcs", command: "ec2 describe-vpcs", kind: checks.KindVPCs,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "Vpcs", &inv.VPCs)
		}},
	{key: "VpcId", command: "ec2 describe-vpc-attribute", kind: inventory.KindVPCAttribute,
		match: func(doc map[string]any) bool {
			return hasAny(doc, "EnableDnsSupport", "EnableDnsHostnames", "EnableNetworkAddressUsageMetrics")
		},
		read: readVPCAttribute},
	{key: "Subnets", command: "ec2 describe-subnets", kind: checks.KindSubnets,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "Subnets", &inv.Subnets)
		}},
	{key: "NetworkInterfaces", command: "ec2 describe-network-interfaces", kind: checks.KindNetworkInterfaces,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "NetworkInterfaces", &inv.NetworkInterfaces)
		}},
	{key: "Reservations", command: "ec2 describe-instances", kind: checks.KindInstances,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "Reservations", &inv.Reservations)
		}},
	{key: "RouteTables", command: "ec2 describe-route-tables", kind: checks.KindRouteTables,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "RouteTables", &inv.RouteTables)
		}},
	{key: "NetworkAcls", command: "ec2 describe-network-acls", kind: checks.KindNetworkACLs,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "NetworkAcls", &inv.NetworkACLs)
		}},
	{key: "SecurityGroups", command: "ec2 describe-security-groups", kind: checks.KindSecurityGroups,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "SecurityGroups", &inv.SecurityGroups)
		}},
	{key: "PrefixLists", command: "ec2 describe-managed-prefix-lists", kind: checks.KindPrefixLists,
		match: func(doc map[string]any) bool {
			return anyElementHas(doc["PrefixLists"], "PrefixListArn", "OwnerId", "AddressFamily", "MaxEntries", "Version", "State")
		},
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "PrefixLists", &inv.ManagedPrefixLists)
		}},
	{key: "PrefixLists", command: "ec2 describe-prefix-lists", kind: checks.KindPrefixLists, also: []checks.DataKind{inventory.KindAWSPrefixLists},
		match: func(doc map[string]any) bool {
			return !anyElementHas(doc["PrefixLists"], "PrefixListArn", "OwnerId", "AddressFamily", "MaxEntries", "Version", "State")
		},
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "PrefixLists", &inv.PrefixLists)
		}},
	{key: "Entries", command: "ec2 get-managed-prefix-list-entries", kind: checks.KindPrefixLists, also: []checks.DataKind{inventory.KindPrefixListEntries}, parent: "prefix list",
		match: func(doc map[string]any) bool { return everyElementHas(doc["Entries"], "Cidr") },
		read: func(inv *inventory.Inventory, doc map[string]any, parent string) error {
			return appendItemsTo(doc, "Entries", inv.PrefixListEntries, parent)
		}},
	{key: "VpcPeeringConnections", command: "ec2 describe-vpc-peering-connections", kind: checks.KindPeerings,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "VpcPeeringConnections", &inv.Peerings)
		}},
	{key: "InternetGateways", command: "ec2 describe-internet-gateways", kind: checks.KindInternetGateways,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "InternetGateways", &inv.InternetGateways)
		}},
	{key: "EgressOnlyInternetGateways", command: "ec2 describe-egress-only-internet-gateways", kind: checks.KindEgressOnlyGateways,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "EgressOnlyInternetGateways", &inv.EgressOnlyInternetGateways)
		}},
	{key: "NatGateways", command: "ec2 describe-nat-gateways", kind: checks.KindNATGateways,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "NatGateways", &inv.NATGateways)
		}},
	{key: "VpnGateways", command: "ec2 describe-vpn-gateways", kind: checks.KindVPNGateways,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "VpnGateways", &inv.VPNGateways)
		}},
	{key: "VpnConnections", command: "ec2 describe-vpn-connections", kind: checks.KindVPNConnections,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "VpnConnections", &inv.VPNConnections)
		}},
	{key: "virtualInterfaces", command: "directconnect describe-virtual-interfaces", kind: inventory.KindDXVirtualInterfaces,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "virtualInterfaces", &inv.DXVirtualInterfaces)
		}},
	{key: "VirtualInterfaces", command: "directconnect describe-virtual-interfaces (Batfish's VirtualInterfaces.json)", kind: inventory.KindDXVirtualInterfaces,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "VirtualInterfaces", &inv.DXVirtualInterfaces)
		}},
	{key: "directConnectGatewayAssociations", command: "directconnect describe-direct-connect-gateway-associations", kind: inventory.KindDXAssociations,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "directConnectGatewayAssociations", &inv.DXAssociations)
		}},
	{key: "DirectConnectGatewayAssociations", command: "directconnect describe-direct-connect-gateway-associations (Batfish's DirectConnectGatewayAssociations.json)", kind: inventory.KindDXAssociations,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "DirectConnectGatewayAssociations", &inv.DXAssociations)
		}},
	{key: "TransitGateways", command: "ec2 describe-transit-gateways", kind: checks.KindTransitGateways,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "TransitGateways", &inv.TransitGateways)
		}},
	{key: "TransitGatewayAttachments", command: "ec2 describe-transit-gateway-attachments", kind: checks.KindTransitGatewayAttachments,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "TransitGatewayAttachments", &inv.TransitGatewayAttachments)
		}},
	{key: "TransitGatewayVpcAttachments", command: "ec2 describe-transit-gateway-vpc-attachments", kind: inventory.KindTransitGatewayVPCAttachments,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "TransitGatewayVpcAttachments", &inv.TransitGatewayVPCAttachments)
		}},
	{key: "TransitGatewayPeeringAttachments", command: "ec2 describe-transit-gateway-peering-attachments", kind: inventory.KindTransitGatewayPeerings,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "TransitGatewayPeeringAttachments", &inv.TransitGatewayPeerings)
		}},
	{key: "TransitGatewayRouteTables", command: "ec2 describe-transit-gateway-route-tables", kind: checks.KindTransitGatewayRouteTables,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "TransitGatewayRouteTables", &inv.TransitGatewayRouteTables)
		}},
	{key: "Routes", command: "ec2 search-transit-gateway-routes", kind: inventory.KindTransitGatewayRoutes, parent: "transit gateway route table",
		// search-local-gateway-routes prints the same key for Outposts.
		match: func(doc map[string]any) bool {
			return !anyElementHas(doc["Routes"], "LocalGatewayRouteTableId", "LocalGatewayVirtualInterfaceGroupId")
		},
		read: func(inv *inventory.Inventory, doc map[string]any, parent string) error {
			if err := appendItemsTo(doc, "Routes", inv.TransitGatewayRoutes, parent); err != nil {
				return err
			}
			markStaticOnly(inv, parent, false)
			return nil
		}},
	{key: "TransitGatewayRouteTablePropagations", command: "ec2 get-transit-gateway-route-table-propagations", kind: inventory.KindTransitGatewayPropagations, parent: "transit gateway route table",
		read: func(inv *inventory.Inventory, doc map[string]any, parent string) error {
			return appendItemsTo(doc, "TransitGatewayRouteTablePropagations", inv.TransitGatewayPropagations, parent)
		}},
	{key: "TransitGatewayStaticRoutes", command: "Batfish's TransitGatewayStaticRoutes.json", kind: inventory.KindTransitGatewayRoutes,
		read: readBatfishStaticRoutes},
	{key: "TransitGatewayPropagations", command: "Batfish's TransitGatewayPropagations.json", kind: inventory.KindTransitGatewayPropagations,
		read: readBatfishPropagations},
	{key: "VpcEndpoints", command: "ec2 describe-vpc-endpoints", kind: checks.KindVPCEndpoints,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "VpcEndpoints", &inv.VPCEndpoints)
		}},
	{key: "Addresses", command: "ec2 describe-addresses", kind: inventory.KindAddresses,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "Addresses", &inv.Addresses)
		}},
	{key: "DhcpOptions", command: "ec2 describe-dhcp-options", kind: inventory.KindDHCPOptions,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "DhcpOptions", &inv.DHCPOptions)
		}},
	{key: "FlowLogs", command: "ec2 describe-flow-logs", kind: inventory.KindFlowLogs,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "FlowLogs", &inv.FlowLogs)
		}},
	{key: "HostedZones", command: "route53 list-hosted-zones", kind: inventory.KindHostedZones,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			var zones []r53types.HostedZone
			if err := decodeKey(doc, "HostedZones", &zones); err != nil {
				return err
			}
			for _, z := range zones {
				addHostedZone(inv, z)
			}
			return nil
		}},
	{key: "HostedZone", command: "route53 get-hosted-zone", kind: inventory.KindHostedZone,
		read: readHostedZone},
	{key: "ResourceRecordSets", command: "route53 list-resource-record-sets", kind: inventory.KindRecordSets, parent: "hosted zone",
		read: func(inv *inventory.Inventory, doc map[string]any, parent string) error {
			return appendItemsTo(doc, "ResourceRecordSets", inv.RecordSets, inventory.HostedZoneID(parent))
		}},
	{key: "ResolverEndpoints", command: "route53resolver list-resolver-endpoints", kind: inventory.KindResolverEndpoints,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "ResolverEndpoints", &inv.ResolverEndpoints)
		}},
	{key: "IpAddresses", command: "route53resolver list-resolver-endpoint-ip-addresses", kind: inventory.KindResolverEndpointIPs, parent: "Resolver endpoint",
		read: func(inv *inventory.Inventory, doc map[string]any, parent string) error {
			return appendItemsTo(doc, "IpAddresses", inv.ResolverIPs, parent)
		}},
	{key: "ResolverRules", command: "route53resolver list-resolver-rules", kind: inventory.KindResolverRules,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "ResolverRules", &inv.ResolverRules)
		}},
	{key: "ResolverRuleAssociations", command: "route53resolver list-resolver-rule-associations", kind: inventory.KindResolverRuleAssociations,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "ResolverRuleAssociations", &inv.ResolverRuleAssociations)
		}},
	{key: "LoadBalancers", command: "elbv2 describe-load-balancers", kind: checks.KindLoadBalancers, match: isLoadBalancerV2List,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "LoadBalancers", &inv.LoadBalancers)
		}},
	{key: "Listeners", command: "elbv2 describe-listeners", kind: checks.KindListeners,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "Listeners", &inv.Listeners)
		}},
	{key: "LoadBalancerListeners", command: "elbv2 describe-listeners (Batfish's LoadBalancerListeners.json)", kind: checks.KindListeners,
		read: readBatfishListeners},
	{key: "TargetGroups", command: "elbv2 describe-target-groups", kind: inventory.KindTargetGroups,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "TargetGroups", &inv.TargetGroups)
		}},
	{key: "TargetHealthDescriptions", command: "elbv2 describe-target-health", kind: inventory.KindTargetHealth, parent: "target group", parentIsARN: true,
		read: func(inv *inventory.Inventory, doc map[string]any, parent string) error {
			return appendItemsTo(doc, "TargetHealthDescriptions", inv.TargetHealth, parent)
		}},
	{key: "LoadBalancerTargetHealth", command: "elbv2 describe-target-health (Batfish's LoadBalancerTargetHealth.json)", kind: inventory.KindTargetHealth,
		read: readBatfishTargetHealth},
	{key: "Attributes", command: "elbv2 describe-load-balancer-attributes", kind: inventory.KindLoadBalancerAttributes, parent: "load balancer or target group", parentIsARN: true,
		kindFor: func(parent string) checks.DataKind {
			if strings.Contains(parent, ":targetgroup/") {
				return inventory.KindTargetGroupAttributes
			}
			return inventory.KindLoadBalancerAttributes
		},
		read: readAttributes},
	{key: "Rules", command: "elbv2 describe-rules", kind: inventory.KindListenerRules, match: isListenerRuleList,
		read: readListenerRules},
	{key: "DBClusters", command: "rds describe-db-clusters", kind: checks.KindDBClusters,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "DBClusters", &inv.DBClusters)
		}},
	{key: "DBInstances", command: "rds describe-db-instances", kind: checks.KindDBInstances,
		read: func(inv *inventory.Inventory, doc map[string]any, _ string) error {
			return appendItems(doc, "DBInstances", &inv.DBInstances)
		}},
	{key: "LoadBalancerAttributes", command: "elbv2 describe-load-balancer-attributes (Batfish's LoadBalancerAttributes.json)", kind: inventory.KindLoadBalancerAttributes,
		read: readBatfishLoadBalancerAttributes},
}

// ignoredKeys are top-level keys of outputs that a snapshot may contain
// (Batfish's collect them, for example) but that play no part in reach's
// checks. They are recognised so that they are not reported as unknown.
var ignoredKeys = map[string]bool{
	"AvailabilityZones":        true,
	"Regions":                  true,
	"CustomerGateways":         true,
	"LoadBalancerDescriptions": true,
	// A saved Reachability Analyzer analysis, read by check --analyzer.
	"NetworkInsightsAnalyses": true,
	"NetworkInsightsPaths":    true,
	"DomainStatusList":        true,
	"ServiceDetails":          true,
	"ServiceNames":            true,
	"DirectConnectGateways":   true,
	"directConnectGateways":   true,
	"Connections":             true,
	"KeyPairs":                true,
	"Images":                  true,
	"Volumes":                 true,
	"Account":                 true,
}

// pagingKeys accompany outputs (pagination, truncation) and say nothing
// about the kind of output.
var pagingKeys = map[string]bool{
	"NextToken":                 true,
	"Marker":                    true,
	"NextMarker":                true,
	"IsTruncated":               true,
	"MaxItems":                  true,
	"MaxResults":                true,
	"NextRecordName":            true,
	"NextRecordType":            true,
	"NextRecordIdentifier":      true,
	"AdditionalRoutesAvailable": true,
	"ResponseMetadata":          true,
}

func (r *reader) readDoc(shown, name string, doc map[string]any) (int, error) {
	inv := r.inv
	if _, ok := doc[unreadableKey]; ok {
		return 1, r.readUnreadable(doc)
	}
	used := 0
	for i := range outputs {
		o := &outputs[i]
		if _, ok := doc[o.key]; !ok || (o.match != nil && !o.match(doc)) {
			continue
		}
		parent := ""
		switch {
		case o.parentIsARN:
			parent = parentARNFromFileName(name)
			if parent == "" {
				_, verb, _ := strings.Cut(o.command, " ")
				return used, fmt.Errorf("%s output does not name its %s: put the %s's ARN, percent-encoded, in the file name after the last _ (for example %s)",
					o.command, o.parent, o.parent, ARNFileName(verb, "arn:aws:elasticloadbalancing:REGION:ACCOUNT:…"))
			}
		case o.parent != "":
			parent = parentFromFileName(name)
			if parent == "" {
				_, verb, _ := strings.Cut(o.command, " ")
				return used, fmt.Errorf("%s output does not name its %s: put the %s's ID in the file name before .json (for example %s.ID.json)",
					o.command, o.parent, o.parent, verb)
			}
		}
		if err := o.read(inv, doc, parent); err != nil {
			return used, err
		}
		r.noteCopies(o, doc)
		if o.kindFor != nil {
			r.markPresent(o.kindFor(parent))
		} else {
			r.markPresent(o.kind)
		}
		for _, k := range o.also {
			r.markPresent(k)
		}
		used++
	}
	if used > 0 {
		return used, nil
	}
	var unknown []string
	for k := range doc {
		if ignoredKeys[k] {
			return 0, nil
		}
		if !pagingKeys[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	if len(unknown) == 0 {
		inv.Skipped = append(inv.Skipped, shown+": no output reach recognises (an empty object, or paging keys only)")
		return 0, nil
	}
	inv.Skipped = append(inv.Skipped, fmt.Sprintf("%s: unrecognised top-level keys %v", shown, unknown))
	return 0, nil
}

// idFields names the ID field of the outputs whose copies in several
// files must agree. Outputs that are views from one side are left out: a
// transit gateway attachment or a peering connection seen by each account
// (each sees its own side's options) differ by design, and conversion merges
// them.
var idFields = map[string]string{
	"Vpcs":                       "VpcId",
	"Subnets":                    "SubnetId",
	"NetworkInterfaces":          "NetworkInterfaceId",
	"RouteTables":                "RouteTableId",
	"NetworkAcls":                "NetworkAclId",
	"SecurityGroups":             "GroupId",
	"InternetGateways":           "InternetGatewayId",
	"EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId",
	"NatGateways":                "NatGatewayId",
	"VpnGateways":                "VpnGatewayId",
	"VpnConnections":             "VpnConnectionId",
	"TransitGateways":            "TransitGatewayId",
	"TransitGatewayRouteTables":  "TransitGatewayRouteTableId",
	"VpcEndpoints":               "VpcEndpointId",
}

// noteCopies notes the IDs of an output's resources, to compare the copies
// that several files describe (compareCopies).
func (r *reader) noteCopies(o *output, doc map[string]any) {
	idField, ok := idFields[o.key]
	if !ok {
		return
	}
	items, _ := doc[o.key].([]any)
	for _, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			continue
		}
		if id, _ := obj[idField].(string); id != "" {
			r.noteCopy(o.key, id)
		}
	}
}

func (r *reader) noteCopy(output, id string) {
	if r.firstCopy == nil {
		r.firstCopy = map[copyKey]int{}
		r.duplicated = map[copyKey]bool{}
		r.copyFiles = map[int]bool{}
	}
	k := copyKey{output, id}
	first, seen := r.firstCopy[k]
	switch {
	case !seen:
		r.firstCopy[k] = r.file
	case first != r.file:
		r.duplicated[k] = true
		r.copyFiles[first] = true
		r.copyFiles[r.file] = true
	}
}

// copyAt is where a copy of a resource is described: the file, the
// document in it, the output and the item, in the order they are read.
type copyAt [4]int

// compareCopies compares the resources that several files describe, each
// with its first copy, and records a conflict for the first copy in
// another file that differs. Tags are left out of the comparison: each
// account names a shared resource its own way. Only the files holding such
// resources are decoded again, and only their shared resources compared.
func (r *reader) compareCopies(fsys fs.FS, files []walkedFile) error {
	if len(r.duplicated) == 0 {
		return nil
	}
	type copyOf struct {
		at      copyAt
		content fingerprint
	}
	copies := map[copyKey][]copyOf{}
	for _, fi := range slices.Sorted(maps.Keys(r.copyFiles)) {
		f := files[fi]
		data, err := fs.ReadFile(fsys, f.path)
		if err != nil {
			return fmt.Errorf("%s: %v", f.shown, pathErr(err))
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		for di := 0; ; di++ {
			var doc any
			if err := dec.Decode(&doc); err != nil {
				break
			}
			obj, ok := doc.(map[string]any)
			if !ok {
				continue
			}
			if _, ok := obj[unreadableKey]; ok {
				continue
			}
			for oi := range outputs {
				o := &outputs[oi]
				idField, compared := idFields[o.key]
				if _, ok := obj[o.key]; !ok || !compared || (o.match != nil && !o.match(obj)) {
					continue
				}
				items, _ := obj[o.key].([]any)
				for ii, it := range items {
					item, ok := it.(map[string]any)
					if !ok {
						continue
					}
					id, _ := item[idField].(string)
					if k := (copyKey{o.key, id}); id != "" && r.duplicated[k] {
						copies[k] = append(copies[k], copyOf{at: copyAt{fi, di, oi, ii}, content: fingerprintOf(item, "Tags")})
					}
				}
			}
		}
	}
	type conflictAt struct {
		at       copyAt
		conflict inventory.Conflict
	}
	var conflicts []conflictAt
	for k, cs := range copies {
		slices.SortFunc(cs, func(a, b copyOf) int { return slices.Compare(a.at[:], b.at[:]) })
		first := cs[0]
		for _, c := range cs[1:] {
			if c.at[0] != first.at[0] && c.content != first.content {
				o := &outputs[c.at[2]]
				conflicts = append(conflicts, conflictAt{at: c.at, conflict: inventory.Conflict{
					Kind: o.kind, ID: k.id, Files: [2]string{files[first.at[0]].shown, files[c.at[0]].shown},
				}})
				break
			}
		}
	}
	slices.SortFunc(conflicts, func(a, b conflictAt) int { return slices.Compare(a.at[:], b.at[:]) })
	for _, c := range conflicts {
		r.inv.Conflicts = append(r.inv.Conflicts, c.conflict)
	}
	return nil
}

// markPresent records that the snapshot holds kind k, and in which folder.
func (r *reader) markPresent(k checks.DataKind) {
	r.inv.Present[k] = true
	if r.inv.PresentIn == nil {
		r.inv.PresentIn = map[string]map[checks.DataKind]bool{}
	}
	if r.inv.PresentIn[r.folder] == nil {
		r.inv.PresentIn[r.folder] = map[checks.DataKind]bool{}
	}
	r.inv.PresentIn[r.folder][k] = true
}

// parentFromFileName returns the last dot-separated part of the file name
// before its extension: "search-transit-gateway-routes.tgw-rtb-0abc.json"
// gives "tgw-rtb-0abc". It returns "" when the name has no such part.
func parentFromFileName(name string) string {
	base := strings.TrimSuffix(name, path.Ext(name))
	i := strings.LastIndexByte(base, '.')
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(base[i+1:])
}

func hasAny(doc map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := doc[k]; ok {
			return true
		}
	}
	return false
}

func anyElementHas(list any, keys ...string) bool {
	items, _ := list.([]any)
	for _, it := range items {
		if obj, ok := it.(map[string]any); ok && hasAny(obj, keys...) {
			return true
		}
	}
	return false
}

func everyElementHas(list any, keys ...string) bool {
	items, ok := list.([]any)
	if !ok {
		return list == nil
	}
	for _, it := range items {
		obj, ok := it.(map[string]any)
		if !ok || !hasAny(obj, keys...) {
			return false
		}
	}
	return true
}

// appendItems decodes doc[key] and appends it to *dst.
func appendItems[T any](doc map[string]any, key string, dst *[]T) error {
	var items []T
	if err := decodeKey(doc, key, &items); err != nil {
		return err
	}
	*dst = append(*dst, items...)
	return nil
}

// appendItemsTo decodes doc[key] and appends it to m[parent]. The key is set
// even for an empty list: an empty list read is known to be empty.
func appendItemsTo[T any](doc map[string]any, key string, m map[string][]T, parent string) error {
	var items []T
	if err := decodeKey(doc, key, &items); err != nil {
		return err
	}
	m[parent] = append(m[parent], items...)
	if m[parent] == nil {
		m[parent] = []T{}
	}
	return nil
}

func decodeKey[T any](doc map[string]any, key string, dst *T) error {
	return decode(doc[key], key, dst)
}

func markStaticOnly(inv *inventory.Inventory, rtb string, staticOnly bool) {
	if inv.TransitGatewayRoutesStaticOnly == nil {
		inv.TransitGatewayRoutesStaticOnly = map[string]bool{}
	}
	if !staticOnly {
		inv.TransitGatewayRoutesStaticOnly[rtb] = false
	} else if _, seen := inv.TransitGatewayRoutesStaticOnly[rtb]; !seen {
		inv.TransitGatewayRoutesStaticOnly[rtb] = true
	}
}

type vpcAttributeOutput struct {
	VpcId                            *string
	EnableDnsSupport                 *ec2types.AttributeBooleanValue
	EnableDnsHostnames               *ec2types.AttributeBooleanValue
	EnableNetworkAddressUsageMetrics *ec2types.AttributeBooleanValue
}

func readVPCAttribute(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var out vpcAttributeOutput
	if err := decode(doc, "", &out); err != nil {
		return err
	}
	if out.VpcId == nil || *out.VpcId == "" {
		return errors.New("VpcId: expected a VPC ID")
	}
	a := inv.VPCAttributes[*out.VpcId]
	if out.EnableDnsSupport != nil && out.EnableDnsSupport.Value != nil {
		a.EnableDNSSupport = out.EnableDnsSupport.Value
	}
	if out.EnableDnsHostnames != nil && out.EnableDnsHostnames.Value != nil {
		a.EnableDNSHostnames = out.EnableDnsHostnames.Value
	}
	inv.VPCAttributes[*out.VpcId] = a
	return nil
}

type getHostedZoneOutput struct {
	HostedZone *r53types.HostedZone
	VPCs       []r53types.VPC
}

func readHostedZone(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var out getHostedZoneOutput
	if err := decode(doc, "", &out); err != nil {
		return err
	}
	if out.HostedZone == nil || out.HostedZone.Id == nil {
		return errors.New("HostedZone.Id: expected a hosted zone ID")
	}
	addHostedZone(inv, *out.HostedZone)
	id := inventory.HostedZoneID(*out.HostedZone.Id)
	inv.HostedZoneVPCs[id] = append(inv.HostedZoneVPCs[id], out.VPCs...)
	if inv.HostedZoneVPCs[id] == nil {
		inv.HostedZoneVPCs[id] = []r53types.VPC{}
	}
	return nil
}

// addHostedZone appends a zone unless it is already there: list-hosted-zones
// and get-hosted-zone both describe the same zones.
func addHostedZone(inv *inventory.Inventory, z r53types.HostedZone) {
	if z.Id != nil {
		for _, have := range inv.HostedZones {
			if have.Id != nil && inventory.HostedZoneID(*have.Id) == inventory.HostedZoneID(*z.Id) {
				return
			}
		}
	}
	inv.HostedZones = append(inv.HostedZones, z)
}

type batfishStaticRoutes struct {
	TransitGatewayRouteTableId *string
	Routes                     []ec2types.TransitGatewayRoute
}

func readBatfishStaticRoutes(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var tables []batfishStaticRoutes
	if err := decodeKey(doc, "TransitGatewayStaticRoutes", &tables); err != nil {
		return err
	}
	for i, t := range tables {
		if t.TransitGatewayRouteTableId == nil || *t.TransitGatewayRouteTableId == "" {
			return fmt.Errorf("TransitGatewayStaticRoutes[%d].TransitGatewayRouteTableId: expected a route table ID", i)
		}
		id := *t.TransitGatewayRouteTableId
		inv.TransitGatewayRoutes[id] = append(inv.TransitGatewayRoutes[id], t.Routes...)
		if inv.TransitGatewayRoutes[id] == nil {
			inv.TransitGatewayRoutes[id] = []ec2types.TransitGatewayRoute{}
		}
		markStaticOnly(inv, id, true)
	}
	return nil
}

type batfishPropagations struct {
	TransitGatewayRouteTableId           *string
	TransitGatewayRouteTablePropagations []ec2types.TransitGatewayRouteTablePropagation
}

func readBatfishPropagations(inv *inventory.Inventory, doc map[string]any, _ string) error {
	var tables []batfishPropagations
	if err := decodeKey(doc, "TransitGatewayPropagations", &tables); err != nil {
		return err
	}
	for i, t := range tables {
		if t.TransitGatewayRouteTableId == nil || *t.TransitGatewayRouteTableId == "" {
			return fmt.Errorf("TransitGatewayPropagations[%d].TransitGatewayRouteTableId: expected a route table ID", i)
		}
		id := *t.TransitGatewayRouteTableId
		inv.TransitGatewayPropagations[id] = append(inv.TransitGatewayPropagations[id], t.TransitGatewayRouteTablePropagations...)
		if inv.TransitGatewayPropagations[id] == nil {
			inv.TransitGatewayPropagations[id] = []ec2types.TransitGatewayRouteTablePropagation{}
		}
	}
	return nil
}

// timeLayouts are the timestamp shapes AWS CLI versions print: RFC 3339
// (CLI v2, "iso8601"), Python's str(datetime) with a space (CLI v1 and
// boto3 dumps, as in the Batfish snapshots), offsets without a colon, and
// no offset at all (taken as UTC).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// maxUnixSeconds is the end of year 9999, the last instant RFC 3339 (and so
// time.Time's JSON form) can write.
const maxUnixSeconds = 253402300799

// decode decodes v, a document decoded with UseNumber, into dst as
// encoding/json would. It first checks every value against the Go type it
// lands in, so that a mistyped field is reported by its path with indices
// (RouteTables[3].Routes[0].DestinationCidrBlock), and rewrites timestamps
// into RFC 3339, the only shape time.Time accepts. Unknown fields are
// ignored, as encoding/json ignores them.
func decode[T any](v any, at string, dst *T) error {
	v, err := conform(v, reflect.TypeFor[T](), at)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %v", orTop(at), err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		// conform mirrors encoding/json, so this is a backstop; the
		// field path then lacks indices.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s: expected %s, got %s", orTop(te.Field), goType(te.Type), te.Value)
		}
		return fmt.Errorf("%s: %v", orTop(at), err)
	}
	return nil
}

func orTop(at string) string {
	if at == "" {
		return "top level"
	}
	return at
}

func conform(v any, t reflect.Type, at string) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil, nil
	}
	if t == timeType {
		return conformTime(v, at)
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, mismatch(at, "an object", v)
		}
		fields := fieldsOf(t)
		// In the keys' order, so that of two mistyped fields the same one
		// is reported every time.
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			ft, ok := fields.lookup(k)
			if !ok {
				continue
			}
			nv, err := conform(obj[k], ft, inventory.FieldPath(at, k))
			if err != nil {
				return nil, err
			}
			obj[k] = nv
		}
		return obj, nil
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, mismatch(at, "an object", v)
		}
		if t.Key().Kind() != reflect.String {
			return obj, nil
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			nv, err := conform(obj[k], t.Elem(), inventory.FieldPath(at, k))
			if err != nil {
				return nil, err
			}
			obj[k] = nv
		}
		return obj, nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			if _, ok := v.(string); !ok {
				return nil, mismatch(at, "a base64 string", v)
			}
			return v, nil
		}
		list, ok := v.([]any)
		if !ok {
			return nil, mismatch(at, "an array", v)
		}
		for i := range list {
			nv, err := conform(list[i], t.Elem(), fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return nil, err
			}
			list[i] = nv
		}
		return list, nil
	case reflect.String:
		if _, ok := v.(string); !ok {
			return nil, mismatch(at, "a string", v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return nil, mismatch(at, "a boolean", v)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, mismatch(at, "an integer", v)
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			return nil, numberError(at, n, t, err)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, mismatch(at, "an integer", v)
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			return nil, numberError(at, n, t, err)
		}
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, mismatch(at, "a number", v)
		}
		if _, err := strconv.ParseFloat(string(n), t.Bits()); err != nil {
			return nil, numberError(at, n, t, err)
		}
	}
	return v, nil
}

func conformTime(v any, at string) (any, error) {
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(x)
		for _, layout := range timeLayouts {
			t, err := time.Parse(layout, s)
			if err != nil {
				continue
			}
			if t.Year() < 0 || t.Year() > 9999 {
				break
			}
			return t.Format(time.RFC3339Nano), nil
		}
		return nil, fmt.Errorf("%s: expected a timestamp, got %q", orTop(at), inventory.Clip(x))
	case json.Number:
		// CLI v1 with cli_timestamp_format = none prints seconds since
		// the epoch for services whose wire format does.
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > maxUnixSeconds {
			return nil, fmt.Errorf("%s: expected a timestamp, got number %s", orTop(at), inventory.Clip(string(x)))
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC().Format(time.RFC3339Nano), nil
	}
	return nil, mismatch(at, "a timestamp", v)
}

func numberError(at string, n json.Number, t reflect.Type, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%s: number %s out of range for %s", orTop(at), inventory.Clip(string(n)), goType(t))
	}
	return fmt.Errorf("%s: expected %s, got number %s", orTop(at), goType(t), inventory.Clip(string(n)))
}

func mismatch(at, want string, v any) error {
	return fmt.Errorf("%s: expected %s, got %s", orTop(at), want, article(jsonType(v)))
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

func article(s string) string {
	switch s {
	case "null":
		return s
	case "object", "array", "integer":
		return "an " + s
	}
	return "a " + s
}

func goType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer (" + t.Kind().String() + ")"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		if t == timeType {
			return "a timestamp"
		}
		return "an object"
	}
	return t.String()
}

// fieldSet maps the JSON keys that encoding/json would decode into a struct
// to the fields' types: exact names first, then case-insensitively.
type fieldSet struct {
	exact  map[string]reflect.Type
	folded map[string]reflect.Type
}

func (f *fieldSet) lookup(key string) (reflect.Type, bool) {
	if t, ok := f.exact[key]; ok {
		return t, true
	}
	t, ok := f.folded[strings.ToLower(key)]
	return t, ok
}

var fieldSets sync.Map // reflect.Type → *fieldSet

func fieldsOf(t reflect.Type) *fieldSet {
	if f, ok := fieldSets.Load(t); ok {
		return f.(*fieldSet)
	}
	f := &fieldSet{exact: map[string]reflect.Type{}, folded: map[string]reflect.Type{}}
	addFields(f, t, 0)
	fieldSets.Store(t, f)
	return f
}

// addFields adds t's fields, then those promoted from embedded structs, so
// that shallower fields win as they do in encoding/json.
func addFields(f *fieldSet, t reflect.Type, depth int) {
	if depth > 8 {
		return
	}
	var embedded []reflect.Type
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		name := sf.Name
		if tag := sf.Tag.Get("json"); tag != "" {
			tagName, _, _ := strings.Cut(tag, ",")
			if tagName == "-" {
				continue
			}
			if tagName != "" {
				name = tagName
			}
		}
		if _, dup := f.exact[name]; !dup {
			f.exact[name] = sf.Type
		}
		if _, dup := f.folded[strings.ToLower(name)]; !dup {
			f.folded[strings.ToLower(name)] = sf.Type
		}
	}
	for _, et := range embedded {
		addFields(f, et, depth+1)
	}
}

// readUnreadable reads the accounts a load across accounts could not read
// (WriteParts): each entry is a gap scoped to its account.
func (r *reader) readUnreadable(doc map[string]any) error {
	var entries []unreadableEntry
	if err := decode(doc[unreadableKey], unreadableKey, &entries); err != nil {
		return err
	}
	for i, e := range entries {
		account := clipTo(e.Account, 80)
		if account == "" || e.Kind == "" {
			return fmt.Errorf("%s[%d]: an entry without Account or Kind", unreadableKey, i)
		}
		r.inv.Gaps = append(r.inv.Gaps, checks.Gap{
			Kind: checks.DataKind(clipTo(e.Kind, 80)), Scope: account, Account: account,
			Reason: clipTo(e.Reason, 400), Action: clipTo(e.Action, 80), Retry: e.Retry,
		})
	}
	return nil
}

// clipTo sanitizes s and keeps at most n bytes of it, whole runes only.
func clipTo(s string, n int) string {
	s = inventory.Sanitize(s)
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
