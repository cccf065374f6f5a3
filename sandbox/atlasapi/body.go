package atlasapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// decodeBody reads a JSON request body into v the way Atlas judges bodies:
// malformed JSON is 400 MALFORMED_JSON, well-formed JSON of the wrong shape is 400
// INVALID_JSON, and an attribute the resource does not have is 400
// INVALID_ATTRIBUTE ("Invalid attribute foo specified.") — Atlas rejects unknown
// attributes instead of ignoring them. Bodies over the limit are 413.
func decodeBody(r *http.Request, v any, limit int64) *apiError {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		if errBodyTooLarge(err) {
			return bodyTooLarge(limit)
		}
		return malformedJSON()
	}
	if !json.Valid(data) {
		return malformedJSON()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if name, ok := unknownField(err); ok {
			return invalidAttribute(name)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return newError(http.StatusBadRequest, "INVALID_JSON_ATTRIBUTE", "Received JSON for the %s attribute does not match expected format.", te.Field)
		}
		return invalidJSON()
	}
	return nil
}

// unknownField extracts the name from encoding/json's `json: unknown field "x"`.
func unknownField(err error) (string, bool) {
	const prefix = `json: unknown field "`
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, `"`) {
		return "", false
	}
	return msg[len(prefix) : len(msg)-1], true
}
