package awsapi

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/sigv4"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// maxQueryBody bounds an awsQuery request body; real STS/IAM requests are tiny.
const maxQueryBody = 1 << 20

// queryAPI is one awsQuery service: its API version, XML namespace and the
// component name its log lines carry.
type queryAPI struct {
	component string
	version   string
	xmlns     string
}

var (
	stsAPI = queryAPI{component: "sts", version: "2011-06-15", xmlns: "https://sts.amazonaws.com/doc/2011-06-15/"}
	iamAPI = queryAPI{component: "iam", version: "2010-05-08", xmlns: "https://iam.amazonaws.com/doc/2010-05-08/"}
)

// queryRequest is a received awsQuery request.
type queryRequest struct {
	r         *http.Request
	body      []byte
	params    url.Values // query string and form body merged
	action    string
	requestID string
	// json is set when the client asked for the JSON rendering (Accept:
	// application/json), as the Go driver's built-in web identity call does.
	json bool
}

// query serves STS and IAM on "/". Both live on one endpoint (so one
// AWS_ENDPOINT_URL can serve them); the API version, or failing that the signing
// service, tells them apart.
func (s *server) query(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQueryBody))
	q := &queryRequest{r: r, body: body, requestID: newUUID(), json: wantsJSON(r.Header.Get("Accept"))}
	api := stsAPI
	if err == nil {
		q.params, err = parseParams(r, body)
	}
	if q.params != nil && (q.params.Get("Version") == iamAPI.version ||
		q.params.Get("Version") == "" && strings.Contains(r.Header.Get("Authorization"), "/iam/aws4_request")) {
		api = iamAPI
	}
	if err != nil {
		s.fail(w, q, api, &world.AWSError{Status: http.StatusBadRequest, Type: "Sender", Code: "MalformedQueryString", Message: "The request could not be parsed as a form."}, err.Error())
		return
	}
	q.action = q.params.Get("Action")
	if api == iamAPI {
		s.iam(w, q)
		return
	}
	s.sts(w, q)
}

func wantsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/json" {
			return true
		}
	}
	return false
}

// parseParams merges the query string and a form body, as awsQuery services
// accept parameters in either.
func parseParams(r *http.Request, body []byte) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	return params, nil
}

// authenticate checks the request's SigV4 signature as the service would and
// returns the caller. region is the one the endpoint serves, or anyRegion. The second result explains a rejection for the log.
func (s *server) authenticate(q *queryRequest, service, region string) (world.Credentials, *world.AWSError, string) {
	authz := q.r.Header.Get("Authorization")
	if authz == "" {
		return world.Credentials{}, &world.AWSError{Status: http.StatusForbidden, Type: "Sender", Code: "MissingAuthenticationToken",
			Message: "Request is missing Authentication Token"}, "the request is not signed"
	}
	if region == anyRegion {
		if a, err := sigv4.ParseAuthorization(authz); err == nil {
			region = a.Region
		}
	}
	c, err := s.w.VerifySignature(world.SignedRequest{
		Request:       receivedRequest(q.r, q.body),
		Authorization: authz,
		AmzDate:       q.r.Header.Get("X-Amz-Date"),
		SessionToken:  q.r.Header.Get("X-Amz-Security-Token"),
		Service:       service,
		Region:        region,
	})
	if err != nil {
		return c, err, s.explainAuthFailure(authz, q.r.Header.Get("X-Amz-Security-Token"), err)
	}
	return c, nil, ""
}

// explainAuthFailure names the real cause behind an authentication error, using
// only access key ids (never secrets or tokens).
func (s *server) explainAuthFailure(authz, token string, err *world.AWSError) string {
	a, perr := sigv4.ParseAuthorization(authz)
	if perr != nil {
		return perr.Error()
	}
	switch err.Code {
	case "InvalidClientTokenId":
		k, ok := s.w.LookupKey(a.AccessKeyID)
		switch {
		case !ok:
			return "access key " + a.AccessKeyID + " is unknown to the account"
		case k.Temporary() && token == "":
			return "temporary key " + a.AccessKeyID + " was sent without its session token"
		case k.Temporary():
			return "the session token does not belong to key " + a.AccessKeyID
		default:
			return "long-term key " + a.AccessKeyID + " was sent with a session token"
		}
	case "ExpiredToken":
		k, _ := s.w.LookupKey(a.AccessKeyID)
		return "key " + a.AccessKeyID + " expired at " + isoTime(k.Expiration)
	case "SignatureDoesNotMatch":
		if strings.HasPrefix(err.Message, "The request signature") {
			return "signature of key " + a.AccessKeyID + " is wrong: wrong secret key, or the request changed after signing"
		}
		return "key " + a.AccessKeyID + ", scope " + a.Scope()
	}
	return "key " + a.AccessKeyID
}

// receivedRequest is the request as SigV4 sees it. Go's server moves Host out of
// the header map, so it is put back; Content-Length too when a client signed it.
func receivedRequest(r *http.Request, body []byte) sigv4.Request {
	hs := []sigv4.Header{{Name: "Host", Value: r.Host}}
	for name, vals := range r.Header {
		for _, v := range vals {
			hs = append(hs, sigv4.Header{Name: name, Value: v})
		}
	}
	if len(r.Header.Values("Content-Length")) == 0 && r.ContentLength > 0 {
		hs = append(hs, sigv4.Header{Name: "Content-Length", Value: strconv.FormatInt(r.ContentLength, 10)})
	}
	return sigv4.Request{
		Method:      r.Method,
		Path:        r.URL.Path,
		RawQuery:    r.URL.RawQuery,
		Headers:     hs,
		PayloadHash: sigv4.HashHex(body),
		Normalize:   true,
	}
}

// awsTime is a timestamp as the query protocol renders it: ISO 8601 in XML,
// epoch seconds in JSON.
type awsTime time.Time

func (t awsTime) MarshalText() ([]byte, error) { return []byte(isoTime(time.Time(t))), nil }
func (t awsTime) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, time.Time(t).Unix(), 10), nil
}

type responseMetadata struct {
	RequestID string `xml:"RequestId" json:"RequestId"`
}

// setDate stamps responses with the sandbox clock, as AWS stamps them with its
// own: SDKs read Date to detect and correct clock skew.
func (s *server) setDate(w http.ResponseWriter) {
	w.Header().Set("Date", s.w.Now().Format(http.TimeFormat))
}

// respond writes <Action>Response{<Action>Result, ResponseMetadata} as XML, or as
// the equivalent JSON object when the client asked for JSON.
func (s *server) respond(w http.ResponseWriter, q *queryRequest, api queryAPI, result any) {
	s.setDate(w)
	w.Header().Set("X-Amzn-Requestid", q.requestID)
	md := responseMetadata{RequestID: q.requestID}
	if q.json {
		writeJSON(w, map[string]any{q.action + "Response": map[string]any{q.action + "Result": result, "ResponseMetadata": md}})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	enc := xml.NewEncoder(w)
	root := xml.StartElement{Name: xml.Name{Local: q.action + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: api.xmlns}}}
	enc.EncodeToken(root)
	enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: q.action + "Result"}})
	enc.EncodeElement(md, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	enc.EncodeToken(root.End())
	enc.Flush()
}

type errorBody struct {
	Type    string `xml:"Type" json:"Type"`
	Code    string `xml:"Code" json:"Code"`
	Message string `xml:"Message" json:"Message"`
}

// fail logs a rejection with its real reason and writes the service's error
// response with the status the error carries.
func (s *server) fail(w http.ResponseWriter, q *queryRequest, api queryAPI, e *world.AWSError, why string) {
	action := q.action
	if action == "" {
		action = "request"
	}
	if why != "" {
		why = " (" + why + ")"
	}
	s.w.Logf(api.component, "%s rejected with %d %s: %s%s", action, e.Status, e.Code, e.Message, why)
	s.setDate(w)
	w.Header().Set("X-Amzn-Requestid", q.requestID)
	typ := e.Type
	if typ == "" {
		typ = "Sender"
	}
	body := errorBody{Type: typ, Code: e.Code, Message: e.Message}
	if q.json {
		// JSON error rendering of the query protocol (shape unverified).
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(e.Status)
		json.NewEncoder(w).Encode(map[string]any{"Error": body, "RequestId": q.requestID})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	xml.NewEncoder(w).Encode(struct {
		XMLName   xml.Name  `xml:"ErrorResponse"`
		Xmlns     string    `xml:"xmlns,attr"`
		Error     errorBody `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}{Xmlns: api.xmlns, Error: body, RequestID: q.requestID})
}

// validationError is the awsQuery error for a missing or malformed parameter.
func validationError(format string, args ...any) *world.AWSError {
	return &world.AWSError{Status: http.StatusBadRequest, Type: "Sender", Code: "ValidationError", Message: fmt.Sprintf(format, args...)}
}

// unknownAction answers an action the service does not have (or the sandbox
// does not emulate).
func unknownAction(api queryAPI, action string) *world.AWSError {
	return &world.AWSError{Status: http.StatusBadRequest, Type: "Sender", Code: "InvalidAction",
		Message: "Could not find operation " + action + " for version " + api.version}
}
