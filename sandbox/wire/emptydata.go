package wire

import "go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

// The sandbox holds no data: the reads an authorised user may run answer as on a
// deployment with empty databases, so applications and mongosh see "nothing"
// rather than an error.

// emptyCursor answers find, aggregate and listCollections with an exhausted cursor.
func (s *Server) emptyCursor(sess *session, req request) (bsoncore.Document, error) {
	if err := authorize(sess.user, req, dbScope); err != nil {
		return nil, err
	}
	ns := req.db + ".$cmd." + req.name() // listCollections, or aggregate: 1 on a database
	if e, err := req.body.IndexErr(0); err == nil {
		if coll, ok := e.Value().StringValueOK(); ok && req.name() != "listCollections" {
			ns = req.db + "." + coll
		}
	}
	cursor := bsoncore.NewDocumentBuilder().
		AppendInt64("id", 0).
		AppendString("ns", ns).
		AppendArray("firstBatch", bsoncore.NewArrayBuilder().Build()).
		Build()
	return bsoncore.NewDocumentBuilder().AppendDocument("cursor", cursor).AppendDouble("ok", 1).Build(), nil
}

// countZero answers count.
func (s *Server) countZero(sess *session, req request) (bsoncore.Document, error) {
	if err := authorize(sess.user, req, dbScope); err != nil {
		return nil, err
	}
	return bsoncore.NewDocumentBuilder().AppendInt32("n", 0).AppendDouble("ok", 1).Build(), nil
}
