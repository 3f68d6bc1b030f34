#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-for.sh ABI [make args...]: build egre.ko against
# /usr/src/linux-headers-ABI in .build/ABI, out of the source tree, so that
# several kernels can be built side by side.  Extra arguments go to kbuild
# (e.g. W=1 EGRE_WERROR=y, C=2).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
abi=$1
shift
dir=$top/.build/$abi
kdir=/usr/src/linux-headers-$abi
[ -d "$kdir" ] || { echo "build-for: $kdir missing (apt-get install linux-headers-$abi)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir/include/uapi/linux"
cd "$top"
cp Kbuild compat.h egre_priv.h egre_proto.h egre_*.c "$dir/"
cp include/uapi/linux/egre.h "$dir/include/uapi/linux/"
make -C "$kdir" M="$dir" "$@" modules
