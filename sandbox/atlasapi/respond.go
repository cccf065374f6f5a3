package atlasapi

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// call is one request on its way through the handler.
type call struct {
	h         *Handler
	w         *statusWriter
	r         *http.Request
	principal principal
	// mediaType is the Content-Type of a successful answer: the versioned type the
	// client asked for, echoed.
	mediaType string
	// project is the {groupId} of the path, once looked up and authorised.
	project world.Project
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// encode marshals like Atlas: no HTML escaping, so "&" in hrefs stays readable.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ok answers with a versioned JSON body.
func (c *call) ok(status int, v any) {
	body, err := encode(v)
	if err != nil {
		c.h.world.Logf("atlas", "encode %s response: %v", c.r.URL.Path, err)
		c.fail(unexpectedError())
		return
	}
	c.w.Header().Set("Content-Type", c.mediaType)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	c.w.Write(body)
}

// noContent answers 204; Atlas still names the versioned media type.
func (c *call) noContent() {
	c.w.Header().Set("Content-Type", c.mediaType)
	c.w.WriteHeader(http.StatusNoContent)
}

// fail answers with an Atlas error: application/json and X-Error-Code.
func (c *call) fail(e *apiError) {
	writeAPIError(c.w, e)
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	hdr := w.Header()
	for k, vs := range e.header {
		hdr[k] = vs
	}
	if e.challenge != "" {
		hdr.Set("WWW-Authenticate", e.challenge)
	}
	if e.status == http.StatusTooManyRequests {
		hdr.Set("Retry-After", retryAfterHeader(e.retryAfter))
	}
	body := admin.ApiError{Error: e.status, ErrorCode: e.code, Detail: admin.PtrString(e.detail), Reason: admin.PtrString(reason(e.status))}
	if e.params != nil {
		p := e.params
		body.Parameters = &p
	}
	b, _ := encode(body) // ApiError with string/number parameters always encodes
	hdr.Set("Content-Type", "application/json")
	hdr.Set("X-Error-Code", e.code)
	hdr.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.status)
	w.Write(b)
}

// writeJSON answers the unversioned endpoints (ipinfo, OAuth).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := encode(v)
	if err != nil {
		writeAPIError(w, unexpectedError())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

var versionedType = regexp.MustCompile(`^application/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$`)

// negotiate picks the response media type from Accept. A versioned type must name
// the operation's version; it is echoed with ";charset=utf-8" like real responses.
// Generic types (application/json, */*, none) get the operation's version, named
// in the answer's media type. Anything else is 406 (see unsupportedVersion).
func negotiate(accept, version string) (string, *apiError) {
	served := "application/vnd.atlas." + version + "+json;charset=utf-8"
	if strings.TrimSpace(accept) == "" {
		return served, nil
	}
	var rejected string
	generic := false
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if m := versionedType.FindStringSubmatch(mt); m != nil {
			if m[1] == version {
				return served, nil
			}
			rejected = m[1]
			continue
		}
		switch mt {
		case "application/json", "application/*", "*/*":
			generic = true
		}
	}
	if generic {
		return served, nil
	}
	if rejected == "" {
		rejected = strings.TrimSpace(accept)
		if len(rejected) > 100 {
			rejected = rejected[:100]
		}
	}
	return "", unsupportedVersion(rejected, version)
}

// href is the absolute URL Atlas puts in links, built from the request's host.
func (c *call) href(escapedPath string) string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host + escapedPath
}

// self is the one-element links list of a resource.
func (c *call) self(escapedPath string) *[]admin.Link {
	return &[]admin.Link{{Href: admin.PtrString(c.href(escapedPath)), Rel: admin.PtrString("self")}}
}
