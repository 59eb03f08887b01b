package inventory

import "strings"

// Sanitize removes C0 and C1 control characters and DEL from a string that
// came from AWS, since names, tags and descriptions are user-controlled and
// end up on a terminal, where control characters could rewrite the screen.
func Sanitize(s string) string {
	clean := true
	for _, r := range s {
		if isControlRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControlRune(r) {
			return -1
		}
		return r
	}, s)
}

func isControlRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// Clip keeps messages one line and short whatever a file holds.
func Clip(s string) string {
	const max = 40
	s = Sanitize(s)
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// FieldPath names a field inside an output for messages
// (RouteTables[3].Routes[0]), at being the path so far ("" at the top).
func FieldPath(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}
