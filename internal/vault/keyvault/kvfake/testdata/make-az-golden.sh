#!/bin/sh
# Regenerates the golden files that the fake az is checked against, from the
# real Azure CLI (Debian package azure-cli; 2.45.0 made the committed files).
#
# The CLI runs with an empty HOME and AZURE_CONFIG_DIR, so no account is
# logged in, and inside a new network namespace (unshare -n, needs root), so
# it cannot reach any network even if it tried.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/home" "$scratch/config"

# run_az runs the real az offline and leaves its exit status in $status.
run_az() {
	HOME="$scratch/home" AZURE_CONFIG_DIR="$scratch/config" AZURE_CORE_COLLECT_TELEMETRY=no \
		unshare -n az "$@" >"$scratch/stdout" 2>"$scratch/stderr" && status=0 || status=$?
}

run_az account get-access-token -o json --resource https://vault.azure.net --tenant f4ce7e57-0000-4000-8000-00000000a2ee
if [ -s "$scratch/stdout" ]; then
	echo "make-az-golden: get-access-token printed to stdout without a login" >&2
	exit 1
fi
cp "$scratch/stderr" "$here/az-not-logged-in.stderr"
echo "$status" >"$here/az-not-logged-in.status"

run_az account show
if ! cmp -s "$scratch/stderr" "$here/az-not-logged-in.stderr"; then
	echo "make-az-golden: az account show printed a different error from get-access-token" >&2
	exit 1
fi

# Only the first line of az --version is kept: the fake prints the same
# layout with its own version number.
run_az --version
head -n 1 "$scratch/stdout" >"$here/az-version.txt"
