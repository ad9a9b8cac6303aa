#!/bin/sh
# Runs the totp benchmarks and prints their results as Markdown, for
# docs/benchmarks.md: the end-to-end commands against the fake Key Vault
# (bench/e2e), then the Go benchmarks of the watch board and of parallel
# reads.
#
# Without arguments the end-to-end commands run twice: over a simulated
# link with a 50 ms round trip, which the TCP and TLS handshakes pay too,
# and with 50 ms added before every response. Arguments replace both runs
# with one run of bench/e2e with those flags, such as -runs 10 or
# -round-trip 100ms.
#
# Needs Go and nothing else; the end-to-end watch rows need Linux.
set -eu
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
	go run ./bench/e2e -latency 0 -round-trip 50ms
	echo
	go run ./bench/e2e -latency 50ms -round-trip 0
else
	go run ./bench/e2e "$@"
fi

echo
echo "Go benchmarks:"
echo
echo '```'
go test -run '^$' -bench . ./internal/board ./internal/account
echo '```'
