#!/bin/sh
# Cross-checks the QR codes of package export with zbarimg (Debian:
# zbar-tools), a decoder independent of the gozxing reader that the Go tests
# use. The tests write every PNG code and every rasterized terminal code
# into a temporary directory, and zbarimg must read each back to its text.
# PNGs at 1 pixel per module are left out, because zbarimg does not find
# codes that small. The Go tests read them after scaling them up.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

TOTP_QR_DUMP_DIR=$dir go test -count=1 -run 'TestQRPNGDecodes|TestQRTerminalDecodes' . >/dev/null

failed=0
checked=0
for image in "$dir"/*.png; do
	case $image in
	*_scale_1.png) continue ;;
	esac
	want=$(cat "${image%.png}.txt")
	got=$(zbarimg --quiet --raw "$image" 2>/dev/null || true)
	checked=$((checked + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL: zbarimg read $(basename "$image") as \"$got\"" >&2
		failed=$((failed + 1))
	fi
done
echo "zbarimg read $((checked - failed)) of $checked codes"
[ "$failed" -eq 0 ]
