#!/bin/sh
# Encrypts age-cli.json with the age command-line tool (Debian package "age",
# version 1.1.1 when this file was made) to the passphrase below, so that the
# tests check that a file written by age itself opens as a local vault. age
# reads a passphrase only from a terminal, so script(1) provides one and the
# passphrase is typed twice (entry and confirmation).
#
# Run from this directory: sh make-golden.sh
set -eu

passphrase='totp golden test'
rm -f age-cli.age
(sleep 1; printf '%s\r' "$passphrase"; sleep 1; printf '%s\r' "$passphrase"; sleep 1) |
	script -qec "age --encrypt --passphrase --output age-cli.age age-cli.json" /dev/null >/dev/null

# Check the result with age itself before committing it.
(sleep 1; printf '%s\r' "$passphrase"; sleep 1) |
	script -qec "age --decrypt --output age-cli.check age-cli.age" /dev/null >/dev/null
cmp age-cli.json age-cli.check
rm age-cli.check
echo "wrote age-cli.age"
