#!/bin/sh
# demo.sh - rootgate's main job on the example policy: allowed commands run
# sandboxed, hostile ones are refused. Run as root: `make demo`.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
RG=$TOP/${BUILD:-build}/rootgate
DEMO=/run/rootgate-demo

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (rootgate runs commands as root)" >&2
	exit 1
fi
# the configuration must be root-owned and not writable by others: copy it
CONF=$(mktemp -d)
trap 'rm -rf "$CONF" "$DEMO"' EXIT
cp -r "$TOP/examples/filters.d" "$TOP/examples/rootgate.conf" "$CONF/"
# the policy cache goes with the throw-away configuration, not to
# /var/cache/rootgate
printf 'policy-cache = %s/cache\n' "$CONF" >> "$CONF/rootgate.conf"
chmod -R go-w "$CONF"
rm -rf "$DEMO"
mkdir -m 0755 "$DEMO"

step() {
	printf '\n$ rootgate %s\n' "$*"
	set +e
	"$RG" --config "$CONF" "$@"
	st=$?
	set -e
	printf '[exit status %d]\n' "$st"
}

echo "== allowed: each runs in its own mount, pid, ipc and uts namespaces,"
echo "== read-only but for $DEMO, no capabilities, seccomp-filtered"
step qemu-img create -f qcow2 $DEMO/disk.qcow2 64M
step qemu-img info -f qcow2 --output=json $DEMO/disk.qcow2
step grep -E '^(NoNewPrivs|Seccomp|Cap(Eff|Prm|Bnd|Amb)):' /proc/self/status

echo
echo "== hostile: refused before anything runs (status 99)"
step qemu-img info -f qcow2 --output=json /etc/shadow
step qemu-img info -f qcow2 --output=json $DEMO/../../etc/shadow
step qemu-img info --output=json $DEMO/disk.qcow2
step qemu-img create -f qcow2 -o backing_file=/etc/shadow $DEMO/evil.qcow2 64M
step qemu-img create -f qcow2 $DEMO/huge.qcow2 1T
step tee /etc/passwd

echo
echo "== what an auditor sees"
step explain -- qemu-img create -f qcow2 $DEMO/x.qcow2 0x100000
step list
