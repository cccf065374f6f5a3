#!/usr/bin/env bash
# Installs mongosh from npm into a cache outside the repository (never into the
# checkout), once. The tests find it there (internal/testenv).
set -euo pipefail
version=2.12.0
cache=${ATLAS_IAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atlas-iam}
dir=$cache/mongosh-$version
if [ -x "$dir/node_modules/.bin/mongosh" ]; then
  echo "mongosh $version already in $dir"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is required to install mongosh (apt-get install nodejs npm)" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || npm init -y >/dev/null
# Native install scripts are optional for mongosh and npm 11 skips them by default.
npm install --no-audit --no-fund --loglevel=error "mongosh@$version"
"$dir/node_modules/.bin/mongosh" --version
