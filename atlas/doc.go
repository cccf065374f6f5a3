// Package atlas is atlas-iam's access to the MongoDB Atlas Admin API.
//
// It finds credentials the way the Atlas CLI does (environment, then the Atlas CLI
// profile in config.toml), builds an atlas-sdk client with digest or OAuth
// authentication and a retrying transport, wraps the handful of operations the setup
// engine needs, and turns API failures into typed errors with predicates
// (IsNotFound, IsForbiddenRole, …). It never prints, prompts or keeps global state;
// the engine (steps/) declares the narrow interfaces it consumes beside itself.
//
// Secrets (API private keys, client secrets, OAuth tokens) stay in memory: they are
// redacted from every String, GoString, JSON and error message this package makes.
package atlas
