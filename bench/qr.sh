#!/bin/sh
# Compares totp's QR decoder with zbarimg on internal/qr/testdata/images and
# prints the decode rate and the time per image as Markdown, for
# docs/benchmarks.md. Flags go to bench/qr, such as -runs 5.
#
# Needs Go and zbarimg (Debian package zbar-tools).
set -eu
cd "$(dirname "$0")/.."

go run ./bench/qr "$@"
