#!/bin/sh
# Encodes every-value.txtpb with protoc, an encoder independent of this
# package's Go code, and writes the otpauth-migration URI that the tests
# decode to every-value.golden. Needs protoc (Debian: protobuf-compiler).
set -eu
cd "$(dirname "$0")/.."
data=$(grep -v '^#' testdata/every-value.txtpb |
	protoc --encode=totp.migration.Payload migration.proto |
	base64 -w0)
# Percent-encode the base64 text the way Google Authenticator does.
data=$(printf '%s' "$data" | sed -e 's/+/%2B/g' -e 's,/,%2F,g' -e 's/=/%3D/g')
printf 'otpauth-migration://offline?data=%s\n' "$data" >testdata/every-value.golden
