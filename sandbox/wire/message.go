package wire

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"
)

// Limits the server advertises in hello and enforces on what it reads.
const (
	maxBSONObjectSize   = 16 * 1024 * 1024
	maxMessageSizeBytes = 48_000_000
	maxWriteBatchSize   = 100_000
	headerSize          = 16
	maxNesting          = 100 // deeper BSON is refused, as mongod refuses > 100 levels in commands
)

// errMalformed marks input that ends the connection: the stream can no longer be
// trusted to be in step with message boundaries, or the message is not a command.
var errMalformed = errors.New("malformed message")

// readMessage reads one whole wire message into buf (reused when large enough).
// Lengths outside [16, maxMessageSizeBytes] are refused before anything is allocated.
func readMessage(r io.Reader, buf []byte) ([]byte, error) {
	var hdr [headerSize]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	length, _, _, _, _, _ := wiremessage.ReadHeader(hdr[:])
	if length < headerSize || length > maxMessageSizeBytes {
		return nil, fmt.Errorf("%w: message length %d outside %d..%d", errMalformed, length, headerSize, maxMessageSizeBytes)
	}
	n := int(length)
	if cap(buf) >= n {
		buf = buf[:n]
		copy(buf, hdr[:])
		if _, err := io.ReadFull(r, buf[headerSize:]); err != nil {
			return nil, fmt.Errorf("read message body: %w", err)
		}
		return buf, nil
	}
	// Grow with the data that actually arrives, so a client announcing 48 MB and
	// sending nothing costs nothing.
	b := bytes.NewBuffer(make([]byte, 0, min(n, 64<<10)))
	b.Write(hdr[:])
	if _, err := io.CopyN(b, r, int64(n-headerSize)); err != nil {
		return nil, fmt.Errorf("read message body: %w", err)
	}
	return b.Bytes(), nil
}

// request is one decoded client message.
type request struct {
	requestID int32
	opcode    wiremessage.OpCode // OpQuery or OpMsg, after removing any OP_COMPRESSED wrapper
	// ns is the OP_QUERY collection ("admin.$cmd"); empty for OP_MSG.
	ns string
	// db is $db for OP_MSG and the namespace's database for OP_QUERY.
	db   string
	body bsoncore.Document
	// moreToCome: the client expects no reply (OP_MSG flag bit 1).
	moreToCome bool
}

// name is the command name: the first key of the body.
func (r request) name() string {
	e, err := r.body.IndexErr(0)
	if err != nil {
		return ""
	}
	return e.Key()
}

// parseRequest decodes a whole message as read by readMessage.
func parseRequest(wm []byte) (request, error) {
	length, reqID, _, op, rest, ok := wiremessage.ReadHeader(wm)
	if !ok || int(length) != len(wm) {
		return request{}, fmt.Errorf("%w: header length does not match the message", errMalformed)
	}
	switch op {
	case wiremessage.OpMsg:
		return parseMsg(reqID, wm, rest)
	case wiremessage.OpQuery:
		return parseQuery(reqID, rest)
	case wiremessage.OpCompressed:
		return parseCompressed(reqID, rest)
	}
	return request{}, fmt.Errorf("%w: unsupported opcode %d", errMalformed, op)
}

// castagnoli is the CRC-32C table OP_MSG checksums use.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Known OP_MSG flag bits; an unknown bit in the low 16 ("required") bits is an error.
const knownMsgFlags = wiremessage.ChecksumPresent | wiremessage.MoreToCome | wiremessage.ExhaustAllowed

func parseMsg(reqID int32, wm, rest []byte) (request, error) {
	flags, rest, ok := wiremessage.ReadMsgFlags(rest)
	if !ok {
		return request{}, fmt.Errorf("%w: OP_MSG without flags", errMalformed)
	}
	if unknown := flags &^ knownMsgFlags; unknown&0xffff != 0 {
		return request{}, fmt.Errorf("%w: unknown required OP_MSG flags %#x", errMalformed, uint32(unknown))
	}
	if flags&wiremessage.ChecksumPresent != 0 {
		if len(rest) < 4 {
			return request{}, fmt.Errorf("%w: OP_MSG checksum missing", errMalformed)
		}
		got, _, _ := wiremessage.ReadMsgChecksum(rest[len(rest)-4:])
		if want := crc32.Checksum(wm[:len(wm)-4], castagnoli); got != want {
			return request{}, fmt.Errorf("%w: OP_MSG checksum %08x, computed %08x", errMalformed, got, want)
		}
		rest = rest[:len(rest)-4]
	}
	req := request{requestID: reqID, opcode: wiremessage.OpMsg, moreToCome: flags&wiremessage.MoreToCome != 0}
	for len(rest) > 0 {
		var stype wiremessage.SectionType
		stype, rest, _ = wiremessage.ReadMsgSectionType(rest)
		switch stype {
		case wiremessage.SingleDocument:
			if req.body != nil {
				return request{}, fmt.Errorf("%w: OP_MSG with two body sections", errMalformed)
			}
			doc, r, ok := wiremessage.ReadMsgSectionSingleDocument(rest)
			if !ok {
				return request{}, fmt.Errorf("%w: truncated OP_MSG body", errMalformed)
			}
			req.body, rest = doc, r
		case wiremessage.DocumentSequence:
			// Sequences carry bulk-write payloads; no emulated command uses them,
			// so they are validated and dropped.
			_, docs, r, ok := wiremessage.ReadMsgSectionDocumentSequence(rest)
			if !ok {
				return request{}, fmt.Errorf("%w: truncated OP_MSG document sequence", errMalformed)
			}
			for _, d := range docs {
				if err := validateDocument(d); err != nil {
					return request{}, fmt.Errorf("%w: document sequence: %v", errMalformed, err)
				}
			}
			rest = r
		default:
			return request{}, fmt.Errorf("%w: unknown OP_MSG section kind %d", errMalformed, stype)
		}
	}
	if req.body == nil {
		return request{}, fmt.Errorf("%w: OP_MSG without a body section", errMalformed)
	}
	if err := validateDocument(req.body); err != nil {
		return request{}, fmt.Errorf("%w: OP_MSG body: %v", errMalformed, err)
	}
	if v, err := req.body.LookupErr("$db"); err == nil {
		req.db, _ = v.StringValueOK()
	}
	return req, nil
}

func parseQuery(reqID int32, rest []byte) (request, error) {
	_, rest, ok := wiremessage.ReadQueryFlags(rest)
	if !ok {
		return request{}, fmt.Errorf("%w: OP_QUERY without flags", errMalformed)
	}
	ns, rest, ok := wiremessage.ReadQueryFullCollectionName(rest)
	if !ok {
		return request{}, fmt.Errorf("%w: OP_QUERY without a collection name", errMalformed)
	}
	if _, rest, ok = wiremessage.ReadQueryNumberToSkip(rest); !ok {
		return request{}, fmt.Errorf("%w: OP_QUERY without numberToSkip", errMalformed)
	}
	if _, rest, ok = wiremessage.ReadQueryNumberToReturn(rest); !ok {
		return request{}, fmt.Errorf("%w: OP_QUERY without numberToReturn", errMalformed)
	}
	q, rest, ok := wiremessage.ReadQueryQuery(rest)
	if !ok {
		return request{}, fmt.Errorf("%w: OP_QUERY without a query document", errMalformed)
	}
	if err := validateDocument(q); err != nil {
		return request{}, fmt.Errorf("%w: OP_QUERY query: %v", errMalformed, err)
	}
	if len(rest) > 0 {
		fields, _, ok := wiremessage.ReadQueryReturnFieldsSelector(rest)
		if !ok || validateDocument(fields) != nil {
			return request{}, fmt.Errorf("%w: OP_QUERY returnFieldsSelector", errMalformed)
		}
	}
	// Legacy drivers wrap the command as {$query: {...}, $readPreference: ...}.
	for _, key := range []string{"$query", "query"} {
		if e, err := q.IndexErr(0); err == nil && e.Key() == key {
			if inner, ok := e.Value().DocumentOK(); ok {
				q = inner
			}
		}
	}
	db, _, _ := strings.Cut(ns, ".")
	return request{requestID: reqID, opcode: wiremessage.OpQuery, ns: ns, db: db, body: q}, nil
}

// parseCompressed unwraps OP_COMPRESSED. Only the noop compressor is accepted: the
// server advertises no compression, so a real compressor was never negotiated.
func parseCompressed(reqID int32, rest []byte) (request, error) {
	orig, rest, ok := wiremessage.ReadCompressedOriginalOpCode(rest)
	if !ok {
		return request{}, fmt.Errorf("%w: truncated OP_COMPRESSED", errMalformed)
	}
	size, rest, ok := wiremessage.ReadCompressedUncompressedSize(rest)
	if !ok {
		return request{}, fmt.Errorf("%w: truncated OP_COMPRESSED", errMalformed)
	}
	id, rest, ok := wiremessage.ReadCompressedCompressorID(rest)
	if !ok {
		return request{}, fmt.Errorf("%w: truncated OP_COMPRESSED", errMalformed)
	}
	switch {
	case id != wiremessage.CompressorNoOp:
		return request{}, fmt.Errorf("%w: compressor %s was not negotiated", errMalformed, id)
	case orig != wiremessage.OpMsg && orig != wiremessage.OpQuery:
		return request{}, fmt.Errorf("%w: OP_COMPRESSED wraps opcode %d", errMalformed, orig)
	case int(size) != len(rest):
		return request{}, fmt.Errorf("%w: OP_COMPRESSED uncompressedSize %d, payload %d bytes", errMalformed, size, len(rest))
	}
	inner := wiremessage.AppendHeader(make([]byte, 0, headerSize+len(rest)), int32(headerSize+len(rest)), reqID, 0, orig)
	inner = append(inner, rest...)
	if orig == wiremessage.OpMsg {
		return parseMsg(reqID, inner, inner[headerSize:])
	}
	return parseQuery(reqID, inner[headerSize:])
}

// validateDocument checks a document and everything nested in it, so later
// lookups never meet truncated data.
func validateDocument(d bsoncore.Document) error {
	return validateNested(d, 0)
}

func validateNested(d bsoncore.Document, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("BSON nesting deeper than %d levels", maxNesting)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	elems, err := d.Elements()
	if err != nil {
		return err
	}
	for _, e := range elems {
		v := e.Value()
		var inner bsoncore.Document
		switch v.Type {
		case bsoncore.TypeEmbeddedDocument, bsoncore.TypeArray:
			inner = v.Data
		case bsoncore.TypeCodeWithScope:
			_, scope, ok := v.CodeWithScopeOK()
			if !ok {
				return errors.New("invalid code with scope")
			}
			inner = scope
		default:
			continue
		}
		if err := validateNested(inner, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// appendMsgReply appends an OP_MSG reply carrying doc.
func appendMsgReply(dst []byte, reqID, responseTo int32, doc bsoncore.Document) []byte {
	idx, dst := wiremessage.AppendHeaderStart(dst, reqID, responseTo, wiremessage.OpMsg)
	dst = wiremessage.AppendMsgFlags(dst, 0)
	dst = wiremessage.AppendMsgSectionType(dst, wiremessage.SingleDocument)
	dst = append(dst, doc...)
	return bsoncore.UpdateLength(dst, idx, int32(len(dst)-int(idx)))
}

// appendReply appends an OP_REPLY carrying doc, as answer to OP_QUERY.
func appendReply(dst []byte, reqID, responseTo int32, flags wiremessage.ReplyFlag, doc bsoncore.Document) []byte {
	idx, dst := wiremessage.AppendHeaderStart(dst, reqID, responseTo, wiremessage.OpReply)
	dst = wiremessage.AppendReplyFlags(dst, flags)
	dst = wiremessage.AppendReplyCursorID(dst, 0)
	dst = wiremessage.AppendReplyStartingFrom(dst, 0)
	dst = wiremessage.AppendReplyNumberReturned(dst, 1)
	dst = append(dst, doc...)
	return bsoncore.UpdateLength(dst, idx, int32(len(dst)-int(idx)))
}
