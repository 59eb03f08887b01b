package snapshot

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/reachnet/reach/aws/inventory"
)

// The direct decoder reads a JSON value straight into the SDK's types, in one
// pass over the file's bytes, with none of the generic maps and the second
// encode and decode the careful path (decode) goes through. It is exact but
// not explanatory: it gives up (returns false) on anything it cannot vouch
// decodes exactly as the careful path would — a value of the wrong type, a
// key that matches a field only by case, a key given twice, invalid JSON, a
// type it does not handle — and the caller then reads the file through the
// careful path, which names the file and the field of any error.

// directScanner walks JSON text held in memory.
type directScanner struct {
	data []byte
	pos  int
	// text holds the bytes of the strings decoded so far, and strings and
	// bools the values that the SDK's *string and *bool fields point to:
	// a large account has millions of them, and allocating them in blocks
	// spares the allocator and the collector as many small objects.
	text    []byte
	strings []string
	bools   []bool
}

// textBlock is the size of the blocks of decoded strings' bytes, and
// valueBlock the number of values in a block of pointed-to values.
const (
	textBlock  = 64 << 10
	valueBlock = 512
)

// newString returns raw as a string, its bytes copied to the current block.
func (s *directScanner) newString(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	if len(raw) > textBlock/8 {
		return string(raw)
	}
	if cap(s.text)-len(s.text) < len(raw) {
		s.text = make([]byte, 0, textBlock)
	}
	start := len(s.text)
	s.text = append(s.text, raw...)
	// The block's bytes are never written again once appended.
	return unsafe.String(&s.text[start], len(raw))
}

func (s *directScanner) newStringPointer(v string) *string {
	if len(s.strings) == cap(s.strings) {
		s.strings = make([]string, 0, valueBlock)
	}
	s.strings = append(s.strings, v)
	return &s.strings[len(s.strings)-1]
}

func (s *directScanner) newBoolPointer(v bool) *bool {
	if len(s.bools) == cap(s.bools) {
		s.bools = make([]bool, 0, valueBlock)
	}
	s.bools = append(s.bools, v)
	return &s.bools[len(s.bools)-1]
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func (s *directScanner) skipSpace() {
	d, i := s.data, s.pos
	for i < len(d) && d[i] <= ' ' {
		// The CLI indents: runs of spaces go eight at a time.
		for i+8 <= len(d) && binary.LittleEndian.Uint64(d[i:]) == eightSpaces {
			i += 8
		}
		if i >= len(d) || !isSpace(d[i]) {
			break
		}
		i++
	}
	s.pos = i
}

const eightSpaces = 0x2020202020202020

// next returns the next byte that is not white space without consuming
// it, or 0 at the end.
func (s *directScanner) next() byte {
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

func (s *directScanner) consume(c byte) bool {
	if s.next() == c {
		s.pos++
		return true
	}
	return false
}

// stringToken scans a string at the current position and returns its raw
// bytes without the quotes, and whether it holds escapes or bytes outside
// ASCII (which need encoding/json's own unquoting).
func (s *directScanner) stringToken() (raw []byte, plain, ok bool) {
	if s.next() != '"' {
		return nil, false, false
	}
	start := s.pos + 1
	plain = true
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], plain, true
		case c == '\\':
			plain = false
			i++
		case c < 0x20:
			return nil, false, false
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return nil, false, false
}

// stringValue scans a string and returns it unquoted as encoding/json
// would (escapes resolved, invalid UTF-8 replaced).
func (s *directScanner) stringValue() (string, bool) {
	start := s.pos
	raw, plain, ok := s.stringToken()
	if !ok {
		return "", false
	}
	if plain {
		return s.newString(raw), true
	}
	var v string
	if err := json.Unmarshal(s.data[start:s.pos], &v); err != nil {
		return "", false
	}
	return v, true
}

// numberToken scans a number in JSON's grammar and returns its text.
func (s *directScanner) numberToken() ([]byte, bool) {
	s.skipSpace()
	d, i := s.data, s.pos
	start := i
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		digits := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == digits {
			return nil, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		digits := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == digits {
			return nil, false
		}
	}
	s.pos = i
	return d[start:i], true
}

func (s *directScanner) literal(word string) bool {
	s.skipSpace()
	if len(s.data)-s.pos >= len(word) && string(s.data[s.pos:s.pos+len(word)]) == word {
		s.pos += len(word)
		return true
	}
	return false
}

// skipValue scans over any JSON value, checking its syntax.
func (s *directScanner) skipValue(depth int) bool {
	if depth > maxDirectDepth {
		return false
	}
	switch s.next() {
	case '"':
		_, _, ok := s.stringToken()
		return ok
	case '{':
		s.pos++
		if s.consume('}') {
			return true
		}
		for {
			if _, _, ok := s.stringToken(); !ok || !s.consume(':') || !s.skipValue(depth+1) {
				return false
			}
			if s.consume('}') {
				return true
			}
			if !s.consume(',') {
				return false
			}
		}
	case '[':
		s.pos++
		if s.consume(']') {
			return true
		}
		for {
			if !s.skipValue(depth + 1) {
				return false
			}
			if s.consume(']') {
				return true
			}
			if !s.consume(',') {
				return false
			}
		}
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	default:
		_, ok := s.numberToken()
		return ok
	}
}

// maxDirectDepth bounds nesting, as encoding/json does (it allows 10,000);
// the SDK's types nest far less, so deeper input goes the careful way.
const maxDirectDepth = 200

// directType is how the direct decoder fills one Go type, worked out once
// per type so that decoding asks reflect nothing but to set values.
type directType struct {
	t    reflect.Type
	kind reflect.Kind
	// elem is what a pointer points to, or a slice's or a map's element.
	elem *directType
	// fields are a struct's fields by their exact JSON key; folded holds
	// the lower-cased keys, to notice a key that encoding/json would match
	// only by case.
	fields map[string]directField
	folded map[string]bool
	// unsupported marks a type the direct decoder leaves to the careful
	// path: a custom unmarshaler, bytes, interfaces, promoted fields,
	// json tags, maps keyed otherwise than by plain strings.
	unsupported bool
	isTime      bool
}

type directField struct {
	index int
	typ   *directType
}

var (
	directTypesMu sync.Mutex
	directTypes   = map[reflect.Type]*directType{}
)

// maxDirectFields bounds the fields of a struct the direct decoder handles:
// a bit per field tells a key given twice.
const maxDirectFields = 256

// directTypeOf returns the plan for t, building it (and the plans of the
// types it holds) on first use.
func directTypeOf(t reflect.Type) *directType {
	directTypesMu.Lock()
	defer directTypesMu.Unlock()
	return buildDirectType(t)
}

func buildDirectType(t reflect.Type) *directType {
	if d, ok := directTypes[t]; ok {
		return d
	}
	// Stored before its parts, so that a type holding itself ends.
	d := &directType{t: t, kind: t.Kind()}
	directTypes[t] = d
	switch {
	case t == timeType:
		d.isTime = true
		return d
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerTy):
		d.unsupported = true
		return d
	}
	switch t.Kind() {
	case reflect.Pointer:
		d.elem = buildDirectType(t.Elem())
		d.unsupported = t.Elem().Kind() == reflect.Pointer
	case reflect.Slice:
		d.elem = buildDirectType(t.Elem())
		d.unsupported = t.Elem().Kind() == reflect.Uint8
	case reflect.Map:
		d.elem = buildDirectType(t.Elem())
		d.unsupported = t.Key() != reflect.TypeFor[string]()
	case reflect.Struct:
		d.fields = map[string]directField{}
		d.folded = map[string]bool{}
		d.unsupported = t.NumField() > maxDirectFields
		for i := range t.NumField() {
			sf := t.Field(i)
			if sf.Anonymous {
				// The SDK embeds a marker struct without fields; any
				// other embedding follows encoding/json's promotion
				// rules, which are left to the careful path.
				if sf.Type.Kind() == reflect.Struct && !sf.IsExported() && sf.Type.NumField() == 0 {
					continue
				}
				d.unsupported = true
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if sf.Tag.Get("json") != "" {
				d.unsupported = true
				continue
			}
			d.fields[sf.Name] = directField{index: i, typ: buildDirectType(sf.Type)}
			d.folded[strings.ToLower(sf.Name)] = true
		}
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
	default:
		d.unsupported = true
	}
	return d
}

var (
	unmarshalerTy = reflect.TypeFor[json.Unmarshaler]()
	stringType    = reflect.TypeFor[string]()
	boolType      = reflect.TypeFor[bool]()
)

// value decodes the value at the scanner's position into v, of type d.
func (s *directScanner) value(v reflect.Value, d *directType, depth int) bool {
	if depth > maxDirectDepth || d.unsupported {
		return false
	}
	if s.next() == 'n' {
		// null leaves a fresh value as it is: nil for pointers, slices
		// and maps, unchanged otherwise, as encoding/json does.
		return s.literal("null")
	}
	if d.isTime {
		return s.timeValue(v)
	}
	switch d.kind {
	case reflect.Pointer:
		switch d.elem.t {
		case stringType:
			str, ok := s.stringValue()
			if ok {
				*(**string)(unsafe.Pointer(v.UnsafeAddr())) = s.newStringPointer(str)
			}
			return ok
		case boolType:
			var b bool
			switch {
			case s.literal("true"):
				b = true
			case s.literal("false"):
			default:
				return false
			}
			*(**bool)(unsafe.Pointer(v.UnsafeAddr())) = s.newBoolPointer(b)
			return true
		}
		p := reflect.New(d.elem.t)
		if !s.value(p.Elem(), d.elem, depth) {
			return false
		}
		v.Set(p)
		return true
	case reflect.String:
		str, ok := s.stringValue()
		if ok {
			v.SetString(str)
		}
		return ok
	case reflect.Bool:
		switch {
		case s.literal("true"):
			v.SetBool(true)
		case s.literal("false"):
		default:
			return false
		}
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		tok, ok := s.numberToken()
		if !ok {
			return false
		}
		n, err := strconv.ParseInt(string(tok), 10, d.t.Bits())
		if err != nil {
			return false
		}
		v.SetInt(n)
		return true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		tok, ok := s.numberToken()
		if !ok {
			return false
		}
		n, err := strconv.ParseUint(string(tok), 10, d.t.Bits())
		if err != nil {
			return false
		}
		v.SetUint(n)
		return true
	case reflect.Float32, reflect.Float64:
		tok, ok := s.numberToken()
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(string(tok), d.t.Bits())
		if err != nil {
			return false
		}
		v.SetFloat(f)
		return true
	case reflect.Slice:
		return s.list(v, d, depth)
	case reflect.Map:
		return s.object(v, d, depth)
	case reflect.Struct:
		return s.structValue(v, d, depth)
	}
	return false
}

// list decodes an array into the slice v, leaving it empty but not nil for
// [] as encoding/json does.
func (s *directScanner) list(v reflect.Value, d *directType, depth int) bool {
	if !s.consume('[') {
		return false
	}
	v.Set(reflect.MakeSlice(d.t, 0, 0))
	if s.consume(']') {
		return true
	}
	for n := 0; ; n++ {
		if n == v.Cap() {
			grown := reflect.MakeSlice(d.t, n, max(4, 2*n))
			reflect.Copy(grown, v)
			v.Set(grown)
		}
		v.SetLen(n + 1)
		if !s.value(v.Index(n), d.elem, depth+1) {
			return false
		}
		if s.consume(']') {
			return true
		}
		if !s.consume(',') {
			return false
		}
	}
}

// object decodes an object into the string-keyed map v; a key given twice
// keeps its last value, as it does in both encoding/json and a generic map.
func (s *directScanner) object(v reflect.Value, d *directType, depth int) bool {
	if !s.consume('{') {
		return false
	}
	m := reflect.MakeMap(d.t)
	if !s.consume('}') {
		for {
			key, ok := s.stringValue()
			if !ok || !s.consume(':') {
				return false
			}
			e := reflect.New(d.elem.t).Elem()
			if !s.value(e, d.elem, depth+1) {
				return false
			}
			m.SetMapIndex(reflect.ValueOf(key), e)
			if s.consume('}') {
				break
			}
			if !s.consume(',') {
				return false
			}
		}
	}
	v.Set(m)
	return true
}

// structValue decodes an object into the struct v. Keys it does not know
// are skipped (their syntax checked); a key that encoding/json would match
// only by case, or one given twice, makes it give up.
func (s *directScanner) structValue(v reflect.Value, d *directType, depth int) bool {
	if !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return true
	}
	var seen [maxDirectFields / 64]uint64
	for {
		raw, plain, ok := s.stringToken()
		if !ok || !plain || !s.consume(':') {
			return false
		}
		f, known := d.fields[string(raw)]
		switch {
		case known:
			bit := &seen[f.index/64]
			if *bit&(1<<(f.index%64)) != 0 {
				return false
			}
			*bit |= 1 << (f.index % 64)
			if !s.value(v.Field(f.index), f.typ, depth+1) {
				return false
			}
		case d.folded[strings.ToLower(string(raw))]:
			return false
		default:
			if !s.skipValue(depth + 1) {
				return false
			}
		}
		if s.consume('}') {
			return true
		}
		if !s.consume(',') {
			return false
		}
	}
}

// timeValue decodes a timestamp in any of the shapes the careful path
// accepts, into the same instant.
func (s *directScanner) timeValue(v reflect.Value) bool {
	var in any
	if s.next() == '"' {
		str, ok := s.stringValue()
		if !ok {
			return false
		}
		in = str
	} else {
		tok, ok := s.numberToken()
		if !ok {
			return false
		}
		in = json.Number(tok)
	}
	out, err := conformTime(in, "")
	if err != nil {
		return false
	}
	quoted, err := json.Marshal(out)
	if err != nil {
		return false
	}
	var t time.Time
	if err := t.UnmarshalJSON(quoted); err != nil {
		return false
	}
	v.Set(reflect.ValueOf(t))
	return true
}

// directOutput is an output the direct decoder reads whole: a file holding
// one object whose only keys are the output's list and paging keys.
type directOutput struct {
	output *output
	// decode decodes the list at the scanner's position; apply appends
	// it to an inventory and passes noteID the ID of each item whose
	// copies in other files are compared.
	decode func(s *directScanner) (apply func(inv *inventory.Inventory, noteID func(id string)), ok bool)
}

// directOutputs are the outputs that make a large account's bulk.
var directOutputs = map[string]directOutput{}

func init() {
	addDirect("Vpcs", func(inv *inventory.Inventory) *[]ec2types.Vpc { return &inv.VPCs },
		func(v *ec2types.Vpc) *string { return v.VpcId })
	addDirect("Subnets", func(inv *inventory.Inventory) *[]ec2types.Subnet { return &inv.Subnets },
		func(v *ec2types.Subnet) *string { return v.SubnetId })
	addDirect("NetworkInterfaces", func(inv *inventory.Inventory) *[]ec2types.NetworkInterface { return &inv.NetworkInterfaces },
		func(v *ec2types.NetworkInterface) *string { return v.NetworkInterfaceId })
	addDirect("Reservations", func(inv *inventory.Inventory) *[]ec2types.Reservation { return &inv.Reservations }, nil)
	addDirect("RouteTables", func(inv *inventory.Inventory) *[]ec2types.RouteTable { return &inv.RouteTables },
		func(v *ec2types.RouteTable) *string { return v.RouteTableId })
	addDirect("NetworkAcls", func(inv *inventory.Inventory) *[]ec2types.NetworkAcl { return &inv.NetworkACLs },
		func(v *ec2types.NetworkAcl) *string { return v.NetworkAclId })
	addDirect("SecurityGroups", func(inv *inventory.Inventory) *[]ec2types.SecurityGroup { return &inv.SecurityGroups },
		func(v *ec2types.SecurityGroup) *string { return v.GroupId })
}

// addDirect registers the direct decoding of an output whose reading
// appends its list to the inventory; idOf is the ID its copies are compared
// by (nil when they are not).
func addDirect[T any](key string, dst func(*inventory.Inventory) *[]T, idOf func(*T) *string) {
	i := slices.IndexFunc(outputs, func(o output) bool { return o.key == key })
	o := &outputs[i]
	if o.match != nil || o.parent != "" || o.kindFor != nil || (idOf != nil) != (idFields[key] != "") {
		panic("snapshot: " + key + " is not an output the direct decoder can read")
	}
	directOutputs[key] = directOutput{output: o, decode: func(s *directScanner) (func(*inventory.Inventory, func(string)), bool) {
		parts, ok := decodeItems[T](s)
		if !ok {
			return nil, false
		}
		return func(inv *inventory.Inventory, noteID func(string)) {
			list := dst(inv)
			if len(*list) == 0 && len(parts) == 1 {
				*list = parts[0]
			} else {
				n := 0
				for _, p := range parts {
					n += len(p)
				}
				*list = slices.Grow(*list, n)
				for _, p := range parts {
					*list = append(*list, p...)
				}
			}
			if idOf == nil {
				return
			}
			for _, p := range parts {
				for i := range p {
					if id := idOf(&p[i]); id != nil && *id != "" {
						noteID(*id)
					}
				}
			}
		}, true
	}}
}

// directFile is a file the direct decoder read.
type directFile struct {
	output *output
	apply  func(inv *inventory.Inventory, noteID func(id string))
}

// readDirect decodes a file that holds one output the direct decoder
// reads; ok is false for any other file, or any doubt.
func readDirect(data []byte) (f directFile, ok bool) {
	s := &directScanner{data: data}
	if !s.consume('{') {
		return f, false
	}
	if s.consume('}') {
		return f, false
	}
	for {
		raw, plain, ok := s.stringToken()
		if !ok || !plain || !s.consume(':') {
			return f, false
		}
		switch d, isDirect := directOutputs[string(raw)]; {
		case isDirect && f.output == nil:
			apply, ok := d.decode(s)
			if !ok {
				return f, false
			}
			f = directFile{output: d.output, apply: apply}
		case pagingKeys[string(raw)]:
			if !s.skipValue(1) {
				return f, false
			}
		default:
			return f, false
		}
		if s.consume('}') {
			break
		}
		if !s.consume(',') {
			return f, false
		}
	}
	s.skipSpace()
	return f, f.output != nil && s.pos == len(s.data)
}

// parallelFrom is the size of a list from which decodeItems splits it
// among the cores.
const parallelFrom = 4 << 20

// decodeItems decodes the array at the scanner's position, in parts whose
// concatenation is the list (none for null). A large array is split among
// the cores: each part starts where an element seems to start, and a part
// counts only if the part before it, decoded element by element, ends
// exactly there; otherwise the whole array is decoded again in one go.
func decodeItems[T any](s *directScanner) ([][]T, bool) {
	if s.next() == 'n' {
		return nil, s.literal("null")
	}
	if !s.consume('[') {
		return nil, false
	}
	if s.consume(']') {
		return nil, true
	}
	start := s.pos
	parts := runtime.GOMAXPROCS(0)
	if len(s.data)-start < parallelFrom || parts < 2 {
		parts = 1
	}
	starts := []int{start}
	for i := 1; i < parts; i++ {
		g := guessElementStart(s.data, start+(len(s.data)-start)*i/parts)
		if g > starts[len(starts)-1] {
			starts = append(starts, g)
		}
	}
	type part struct {
		items []T
		end   int
		ok    bool
	}
	results := make([]part, len(starts))
	elem := directTypeOf(reflect.TypeFor[T]())
	decodePart := func(i int) {
		stop := -1
		if i+1 < len(starts) {
			stop = starts[i+1]
		}
		ps := &directScanner{data: s.data, pos: starts[i]}
		items, end, ok := decodeElements[T](ps, elem, stop)
		results[i] = part{items: items, end: end, ok: ok}
	}
	var wg sync.WaitGroup
	for i := 1; i < len(starts); i++ {
		wg.Go(func() { decodePart(i) })
	}
	decodePart(0)
	wg.Wait()
	lists := make([][]T, 0, len(results))
	for _, r := range results {
		if !r.ok {
			if len(starts) == 1 {
				return nil, false
			}
			s.pos = start
			items, end, ok := decodeElements[T](s, elem, -1)
			s.pos = end
			return [][]T{items}, ok
		}
		lists = append(lists, r.items)
	}
	s.pos = results[len(results)-1].end
	return lists, true
}

// decodeElements decodes array elements from the scanner's position. With
// stop < 0 it decodes to the end of the array and returns the position
// after it; otherwise it stops where the next element starts, which must be
// stop exactly.
func decodeElements[T any](s *directScanner, elem *directType, stop int) (items []T, end int, ok bool) {
	start := s.pos
	for {
		if len(items) == estimateAfter {
			// Size the list once from the bytes its first elements took,
			// rather than growing it step by step.
			span := stop
			if span < 0 {
				span = len(s.data)
			}
			if want := (span-start)/max(1, (s.pos-start)/len(items))*11/10 + 1; want > cap(items) {
				items = slices.Grow(items, want-len(items))
			}
		}
		var zero T
		items = append(items, zero)
		if !s.value(reflect.ValueOf(&items[len(items)-1]).Elem(), elem, 1) {
			return nil, 0, false
		}
		switch {
		case s.consume(','):
			if stop >= 0 {
				s.skipSpace()
				if s.pos == stop {
					return items, s.pos, true
				}
				if s.pos > stop {
					return nil, 0, false
				}
			}
		case s.consume(']'):
			return items, s.pos, stop < 0
		default:
			return nil, 0, false
		}
	}
}

// estimateAfter is the number of elements after which decodeElements sizes
// its list.
const estimateAfter = 32

// guessElementStart returns the first position from from that looks like
// the start of an object element of an array: a '{' whose previous byte
// other than white space is a ','. It may be wrong (inside a string);
// decodeItems checks it. It returns -1 when there is none.
func guessElementStart(data []byte, from int) int {
	for i := from; i < len(data); i++ {
		if data[i] != '{' {
			continue
		}
		j := i - 1
		for j >= 0 && isSpace(data[j]) {
			j--
		}
		if j >= 0 && data[j] == ',' {
			return i
		}
	}
	return -1
}
