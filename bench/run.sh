#!/bin/sh
# Runs the totp benchmarks and prints their results as Markdown, for
# docs/benchmarks.md: the end-to-end commands against the fake Key Vault
# (bench/e2e), then the Go benchmarks of the watch board and of parallel
# reads. Flags go to bench/e2e, such as -runs 10 or -latency 100ms.
#
# Needs Go and nothing else; the end-to-end watch row needs Linux.
set -eu
cd "$(dirname "$0")/.."

go run ./bench/e2e "$@"

echo
echo "Go benchmarks:"
echo
echo '```'
go test -run '^$' -bench . ./internal/board ./internal/account
echo '```'
