#!/bin/sh
# deps.sh KIND PKG... - make sure the Debian packages are installed.
# As root on a machine that lacks some, run apt-get (update first, once);
# otherwise name what is missing and fail.
set -eu
kind=$1; shift
missing=
for p in "$@"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "rootgate: missing $kind dependencies:$missing (install them, or run make as root)" >&2
	exit 1
fi
echo "rootgate: installing $kind dependencies:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
