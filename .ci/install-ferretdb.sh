#!/bin/sh
# Installs FerretDB 1.24.0 (MongoDB wire protocol on SQLite), the stand-in for MongoDB in tests.
# Idempotent: an existing binary that reports the right version is reused. Prints the binary's path.
#
# Why not plain `go install ...@v1.24.0`: the module zip lacks build/version/version.txt (it is generated
# by the project's task runner), so the resulting binary panics at start-up. We build from a copy of the
# module with that file written, which is what `bin/task gen-version` would do.
set -eu

version="v1.24.0"
gopath="$(go env GOPATH)"
target="${FERRETDB_BIN:-$gopath/bin/ferretdb}"

if [ -x "$target" ] && "$target" --version 2>/dev/null | grep -q "version: $version"; then
  echo "$target"
  exit 0
fi

go mod download "github.com/FerretDB/FerretDB@$version" >/dev/null
module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT
cp -R "$module_dir/." "$work_dir/"
chmod -R u+w "$work_dir"
echo "$version" >"$work_dir/build/version/version.txt"
mkdir -p "$(dirname "$target")"
(cd "$work_dir" && go build -o "$target" ./cmd/ferretdb) >&2
echo "$target"
