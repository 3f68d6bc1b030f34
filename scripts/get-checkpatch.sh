#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch checkpatch.pl (and the files it reads) from Debian's linux-source-6.1
# package into scripts/checkpatch/.  Cached: a second run does nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dst=$here/checkpatch
[ -x "$dst/checkpatch.pl" ] && exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download -qq linux-source-6.1 >/dev/null 2>&1 ||
	{ apt-get update -qq && apt-get download -qq linux-source-6.1; }
dpkg-deb --fsys-tarfile linux-source-6.1_*.deb |
	tar -x --wildcards './usr/src/linux-source-*.tar.xz'
tarball=$(ls usr/src/linux-source-*.tar.xz)
top=$(basename "$tarball" .tar.xz)
tar -xJf "$tarball" "$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"
mkdir -p "$dst"
cp "$top"/scripts/checkpatch.pl "$top"/scripts/spelling.txt \
	"$top"/scripts/const_structs.checkpatch "$dst/"
echo "checkpatch.pl from $top"
