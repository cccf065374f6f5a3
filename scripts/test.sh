#!/usr/bin/env bash
# The test command of README.md, and what CI runs (.ci/run): installs mongosh from
# npm into a cache outside the repo, then vets, runs every test and a short run of
# every fuzz target. Real-client tests need mongosh and tmux; under CI=true a
# missing client fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-mongosh.sh
command -v tmux >/dev/null || echo "note: tmux not found; the real-terminal tests will skip (they fail under CI=true)" >&2

go vet ./...
# Unit, contract and package tests with the race detector (the engine, the TUI
# bridge and the sandbox are concurrent); the end-to-end tests drive the built
# binary and real clients, so they run without it.
go test -race -count=1 $(go list ./... | grep -v /e2e$)
go test -count=1 ./e2e

# Short fuzzing runs; the long-run command is in README.md.
fuzztime=${FUZZTIME:-5s}
go list -f '{{.ImportPath}} {{.Dir}}' ./... | while read -r pkg dir; do
  for target in $(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/'); do
    echo "fuzz $pkg $target ($fuzztime)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/dev/null
  done
done
echo "all tests passed"
