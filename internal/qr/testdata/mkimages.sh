#!/bin/sh
# Regenerates images/: encodes the payloads with qrencode, checks that
# zbarimg reads each encoding back, then draws the test images with
# mkimages, which also records zbarimg's results in images/zbarimg.tsv.
#
# Needs go, qrencode, zbarimg and ImageMagick's convert (Debian packages
# golang, qrencode, zbar-tools, imagemagick). Run from anywhere:
#
#	sh internal/qr/testdata/mkimages.sh
set -eu

cd "$(dirname "$0")"
codes=$(mktemp -d)
trap 'rm -rf "$codes"' EXIT

go run ./mkimages payloads >"$codes/payloads.tsv"

tab=$(printf '\t')
while IFS="$tab" read -r name level text; do
	if [ "$name" = split ]; then
		# Structured append: the text split over version 2 codes, written
		# to split-01.png, split-02.png, ...
		qrencode -S -v 2 -l "$level" -s 1 -m 0 -o "$codes/split.png" "$text"
		qrencode -S -v 2 -l "$level" -s 4 -m 4 -o "$codes/check-split.png" "$text"
		convert "$codes"/check-split-*.png +append "$codes/check-$name.png"
	else
		qrencode -l "$level" -s 1 -m 0 -o "$codes/$name.png" "$text"
		qrencode -l "$level" -s 4 -m 4 -o "$codes/check-$name.png" "$text"
	fi

	# Binary mode prints the bytes as encoded: zbarimg otherwise guesses a
	# legacy encoding for UTF-8 text.
	got=$(zbarimg --raw -q -Sdisable -Sqrcode.enable -Sbinary "$codes/check-$name.png" 2>/dev/null)
	if [ "$got" != "$text" ]; then
		echo "zbarimg read $name back as: $got" >&2
		exit 1
	fi
done <"$codes/payloads.tsv"

github=$(awk -F "$tab" '$1 == "github" { print $3 }' "$codes/payloads.tsv")
qrencode -l L -s 8 -m 4 -o "$codes/github-direct.png" "$github"

rm -f images/*
go run ./mkimages images -codes "$codes" -out images
