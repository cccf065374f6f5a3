// Package wire is the sandbox's MongoDB wire-protocol server: one emulated Atlas
// deployment on loopback that speaks enough of the protocol for the real Go driver
// and mongosh to connect, log in with MONGODB-AWS and ask who they are.
//
// What it speaks:
//   - OP_QUERY on <db>.$cmd for the legacy handshake (hello, isMaster, ismaster),
//     answered with OP_REPLY; OP_MSG for everything else (kind-0 body, kind-1
//     document sequences accepted and ignored, checksums verified, moreToCome
//     honoured by not replying). OP_COMPRESSED is accepted only with the noop
//     compressor: the server never advertises compression, so a conforming client
//     never compresses.
//   - MONGODB-AWS SASL (saslStart/saslContinue on $external) with a local STS
//     check: the signed GetCallerIdentity request is rebuilt from server state and
//     verified by world.VerifySignature; the caller ARN is simplified the way
//     MongoDB Enterprise does and mapped to an Atlas database user.
//   - ping, hello/isMaster, buildInfo, connectionStatus, endSessions, listDatabases;
//     find, aggregate, listCollections and count answer as an empty deployment
//     would. Every other known MongoDB command fails cleanly: 13 Unauthorized when
//     the user's roles do not cover it (approximated from role names), else 115
//     CommandNotSupported (the sandbox holds no data). Unknown commands get 59
//     CommandNotFound, before any authentication check, as on mongod.
//
// Which commands need authentication (as on a mongod with auth enabled): none of
// hello/isMaster, ping, buildInfo, connectionStatus, saslStart, saslContinue and
// endSessions; every other command does, and an unauthenticated client gets
// 13 Unauthorized "command X requires authentication".
//
// The firewall is the project's IP access list: a connection from an address the
// list does not admit is accepted and never answered, which is how a blocked
// client experiences Atlas (a server selection timeout).
package wire
