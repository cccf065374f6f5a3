package atlasapi

import (
	"net/url"
	"strings"
)

// router matches escaped request paths against segment patterns such as
// /api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}.
//
// http.ServeMux cannot hold this API: GET /groups/byName/{groupName} conflicts with
// GET /groups/{groupId}/userSecurity (both match /groups/byName/userSecurity and
// neither is more specific), which ServeMux rejects with a panic at registration.
// It would also answer unclean paths with text redirects where Atlas answers JSON.
// The router keeps ServeMux's semantics that matter here: it splits the *escaped*
// path, so an ARN's %2F stays inside its segment, and handlers read unescaped values
// with r.PathValue.
type router struct {
	routes []*route
}

// route is one path pattern with its operations by method.
type route struct {
	segments []string // literal, or "{name}" for a parameter
	ops      map[string]*operation
}

// handle registers an operation; patterns are written in ServeMux style.
func (rt *router) handle(method, pattern string, op *operation) {
	segs := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	for _, r := range rt.routes {
		if equalSegments(r.segments, segs) {
			r.ops[method] = op
			return
		}
	}
	rt.routes = append(rt.routes, &route{segments: segs, ops: map[string]*operation{method: op}})
}

func equalSegments(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// match finds the route for an escaped path. Literal segments win over parameters
// at the first position where candidates differ, as in ServeMux ("byName" beats
// "{groupId}"). Parameter values are unescaped; empty segments (a "//" or trailing
// "/") never match, so unclean paths are simply not found.
func (rt *router) match(escapedPath string) (*route, map[string]string) {
	if !strings.HasPrefix(escapedPath, "/") {
		return nil, nil
	}
	raw := strings.Split(escapedPath[1:], "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		v, err := url.PathUnescape(s)
		if err != nil || v == "" {
			return nil, nil
		}
		segs[i] = v
	}
	var best *route
	var bestMask []bool
	for _, r := range rt.routes {
		mask, ok := r.matches(raw, segs)
		if ok && (best == nil || moreLiteral(mask, bestMask)) {
			best, bestMask = r, mask
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for i, s := range best.segments {
		if name, ok := paramName(s); ok {
			params[name] = segs[i]
		}
	}
	return best, params
}

// matches compares literals against the raw (escaped) segment, so a literal never
// matches an escaped look-alike, and reports which positions matched literally.
func (r *route) matches(raw, segs []string) ([]bool, bool) {
	if len(r.segments) != len(segs) {
		return nil, false
	}
	mask := make([]bool, len(segs))
	for i, s := range r.segments {
		if _, ok := paramName(s); ok {
			continue
		}
		if s != raw[i] {
			return nil, false
		}
		mask[i] = true
	}
	return mask, true
}

func moreLiteral(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}

func paramName(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// allowed lists a route's methods for the Allow header of a 405.
func (r *route) allowed() string {
	var ms []string
	for _, m := range []string{"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"} {
		if _, ok := r.ops[m]; ok {
			ms = append(ms, m)
		} else if m == "HEAD" && r.ops["GET"] != nil {
			ms = append(ms, m)
		}
	}
	return strings.Join(ms, ", ")
}
