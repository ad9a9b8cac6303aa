#!/bin/sh
# Writes uris.txt: otpauth URIs, and a Google Authenticator export of two
# batches whose payloads protoc encodes from text format, independently of
# package migration's Go code. Needs protoc (Debian: protobuf-compiler).
# Secrets are made up.
set -eu
cd "$(dirname "$0")"
proto=../../migration/migration.proto

# migration_uri prints an otpauth-migration URI for a text-format payload
# read from standard input.
migration_uri() {
	data=$(protoc --proto_path=../../migration --encode=totp.migration.Payload "$proto" | base64 -w0 |
		sed -e 's/+/%2B/g' -e 's,/,%2F,g' -e 's/=/%3D/g')
	printf 'otpauth-migration://offline?data=%s\n' "$data"
}

batch1=$(migration_uri <<'PAYLOAD'
version: 1 batch_size: 2 batch_index: 0 batch_id: 31337
otp_parameters { secret: "made-up secret 1" name: "Mail:olivia@example.com" issuer: "Mail" algorithm: ALGORITHM_SHA1 digits: DIGIT_COUNT_SIX type: OTP_TYPE_TOTP }
otp_parameters { secret: "made-up secret 2" name: "peter" issuer: "Shop" algorithm: ALGORITHM_SHA256 digits: DIGIT_COUNT_EIGHT type: OTP_TYPE_HOTP counter: 9 }
PAYLOAD
)
batch2=$(migration_uri <<'PAYLOAD'
version: 1 batch_size: 2 batch_index: 1 batch_id: 31337
otp_parameters { secret: "made-up secret 3" name: "quinn" issuer: "Legacy" algorithm: ALGORITHM_MD5 }
otp_parameters { secret: "made-up secret 4" name: "Ünïcødé:rosa" algorithm: ALGORITHM_SHA512 type: OTP_TYPE_TOTP }
PAYLOAD
)

# The header, blank lines and CRLF line ends are part of the test.
{
	printf '# Accounts exported for the importer tests.\r\n'
	printf '\r\n'
	printf 'otpauth://totp/GitHub:alice%%40example.com?secret=HHHWG7IYP673VH27&issuer=GitHub\r\n'
	printf '   otpauth://hotp/Forge:carol?secret=YSFFIGXXOEJSNPR2LFMT3KNVOCX74DE5&issuer=Forge&algorithm=SHA512&digits=7&counter=42   \n'
	printf '# Steam, written the way some apps do:\n'
	printf 'otpauth://steam/Steam:gamer?secret=W7DDCKCSCIZBQYQG&issuer=Steam\n'
	printf 'OTPAUTH://TOTP/%%E9%%8A%%80%%E8%%A1%%8C:bob?secret=P7PG5F5YIQLDRZ2NQ7ISSVVGEUBHWKX6&issuer=%%E9%%8A%%80%%E8%%A1%%8C&algorithm=SHA256&digits=8&period=60\n'
	printf '\n'
	printf '%s\n' "$batch1"
	printf '%s\n' "$batch2"
	printf 'this line is not a URI\n'
	printf 'otpauth://totp/Broken:nosecret?issuer=Broken\n'
	printf 'otpauth-migration://offline?data=not*base64\n'
	printf 'otpauth://totp/Last:one?secret=TQCJAXOSPCOFMZN4&issuer=Last'
} >uris.txt
