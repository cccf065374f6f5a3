// Package connect turns an Atlas deployment into what a user copies (the
// MONGODB-AWS connection string, the mongosh command, driver snippets, the
// equivalent Atlas CLI command), runs the live MONGODB-AWS login with the Go
// driver, and turns a failed login into a diagnosis.
//
// Nothing here prints, prompts or keeps global state: the setup engine calls it
// headless or behind the TUI. No output ever contains an AWS secret key or session
// token; commands refer to them as "$AWS_SECRET_ACCESS_KEY" and "$AWS_SESSION_TOKEN".
package connect
