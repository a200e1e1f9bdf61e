# t_explain.sh - the shipped Nova policy decides what issue 2 promises:
# the real command lines are allowed; variants that leave the instance
# directory, add an unlisted option, exceed a size bound or omit -f are
# denied with 99 and a reason. explain executes nothing.

I=/var/lib/nova/instances

nova_conf() {
	scratch
	mkconf "$SCRATCH/c" "$TOP/filters.d/nova-libvirt.conf"
	EX="$RG --config $SCRATCH/c explain"
}

t_explain_allows_nova_command_lines() {
	need_root
	nova_conf
	in_nova_ns "
		touch $I/i1/disk $I/_base/b1
		ok() { $EX -- \"\$@\" >/dev/null || { echo \"denied: \$*\" >&2; $EX -- \"\$@\" >&2; exit 1; }; }
		ok qemu-img info -f qcow2 --output=json $I/i1/disk
		ok qemu-img create -f qcow2 -o backing_file=$I/_base/b1,backing_fmt=raw $I/i1/new 10G
		ok qemu-img create -f qcow2 $I/i1/new 10G
		ok qemu-img convert -t none -O raw -f qcow2 $I/i1/disk $I/i1/out
		ok qemu-img resize -f qcow2 $I/i1/disk 20G
		ok fallocate -n -l 10G $I/i1/disk
	"
}

# For tools this host does not have (ploop, rbd, lvm, cryptsetup), the
# decision is still the policy's: explain says which rule allows the
# command line and that the executable is absent (status 96). What cannot
# be tested here is the tool itself running: no ploop kernel module, no
# Ceph cluster.
t_explain_absent_tools_decided() {
	need_root
	nova_conf
	# a copy of /etc with a Ceph configuration, over /etc in the test's
	# own mount namespace only
	cp -a /etc "$SCRATCH/etc"
	mkdir -p "$SCRATCH/etc/ceph"
	touch "$SCRATCH/etc/ceph/ceph.conf"
	in_nova_ns "
		mount --bind $SCRATCH/etc /etc
		touch $I/i1/disk
		chk() { want=\$1; shift; st=0; $EX -- \"\$@\" > $SCRATCH/o 2>&1 || st=\$?
			[ \$st -eq 0 ] || [ \$st -eq 96 ] || { cat $SCRATCH/o >&2; exit 1; }
			grep -q \"\$want\" $SCRATCH/o || { echo \"\$want not in:\" >&2; cat $SCRATCH/o >&2; exit 1; }; }
		chk 'ploop-restore-descriptor' ploop restore-descriptor -f ploop1 $I/i1 $I/i1/disk
		chk 'ploop-init' ploop init -s 10G -f ploop1 -t ext4 $I/i1/new
		chk 'lvcreate' lvcreate -L 10G -n i1_disk nova-vg
		chk 'lvcreate' lvcreate -L 10737418240b -n i1_disk nova-vg
		chk 'lvcreate-sparse' lvcreate -L 4M --virtualsize 10G -n i1_disk nova-vg
		chk 'lvremove' lvremove -f nova-vg/i1_disk
		chk 'cryptsetup-create' cryptsetup create --cipher aes-xts-plain64 --key-size 512 --key-file=- crypt-vol1 /dev/null
		chk 'rbd-import' rbd import --pool vms $I/i1/disk i1_disk --image-format=2 --id nova --conf /etc/ceph/ceph.conf
	"
}

t_explain_denies_variants() {
	need_root
	nova_conf
	in_nova_ns "
		touch $I/i1/disk $I/_base/b1
		no() { st=0; $EX -- \"\$@\" > $SCRATCH/o 2>&1 || st=\$?
			[ \$st -eq 99 ] || { echo \"status \$st for: \$*\" >&2; cat $SCRATCH/o >&2; exit 1; }
			grep -q '^denied (status 99): ' $SCRATCH/o || { cat $SCRATCH/o >&2; exit 1; }; }
		# leaving the instance directory
		no qemu-img info -f qcow2 --output=json /etc/shadow
		no qemu-img info -f qcow2 --output=json $I/../../../etc/shadow
		no qemu-img info -f qcow2 --output=json ${I}_evil/disk
		no qemu-img create -f qcow2 -o backing_file=/etc/shadow,backing_fmt=raw $I/i1/new 10G
		no qemu-img create -f qcow2 $I/../evil 10G
		no qemu-img convert -t none -O raw -f qcow2 $I/i1/disk /etc/cron.d/evil
		no fallocate -n -l 10G /etc/passwd
		ln -s /etc $I/i1/etc
		no qemu-img info -f qcow2 --output=json $I/i1/etc/shadow
		# unlisted options
		no qemu-img info -f qcow2 --output=json -U $I/i1/disk
		no qemu-img info -f qcow2 --output=json --image-opts $I/i1/disk
		no qemu-img create -f qcow2 -o backing_file=$I/_base/b1,data_file=/etc/shadow,backing_fmt=raw $I/i1/new 10G
		no qemu-img convert -t none -O raw -f qcow2 -o preallocation=full $I/i1/disk $I/i1/out
		no qemu-img commit -f qcow2 $I/i1/disk
		no fallocate -n -l 10G -o 0 $I/i1/disk
		no fallocate -l 10G $I/i1/disk
		no cryptsetup create --cipher aes-cbc-plain --key-size 512 --key-file=- crypt-vol1 /dev/null
		no cryptsetup create --cipher aes-xts-plain64 --key-size 128 --key-file=- crypt-vol1 /dev/null
		# sizes beyond bounds or in ambiguous spellings
		no qemu-img create -f qcow2 $I/i1/new 3T
		no qemu-img resize -f qcow2 $I/i1/disk 5T
		no fallocate -n -l 3T $I/i1/disk
		no fallocate -n -l 0x1000 $I/i1/disk
		no lvcreate -L 3T -n i1_disk nova-vg
		no lvcreate -L 3298534883328b -n i1_disk nova-vg
		no lvcreate -L 0x1000b -n i1_disk nova-vg
		# -f omitted: the format would be probed from tenant data
		no qemu-img info --output=json $I/i1/disk
		no qemu-img resize $I/i1/disk 20G
		no qemu-img convert -t none -O raw $I/i1/disk $I/i1/out
		no qemu-img create $I/i1/new 10G
	"
}

t_explain_json() {
	need_root
	nova_conf
	in_nova_ns "
		touch $I/i1/disk
		$EX --json -- qemu-img info -f qcow2 --output=json $I/i1/disk > $SCRATCH/allow.json
		$EX --json -- qemu-img info -f qcow2 --output=json /etc/shadow > $SCRATCH/deny.json || true
	"
	python3 - "$SCRATCH" <<'PY' || fail "explain --json output"
import json, sys
d = sys.argv[1]
a = json.load(open(d + "/allow.json"))
assert a["allowed"] is True and a["status"] == 0, a
assert a["rule"]["name"] == "qemu-img-info", a
assert a["argv"][0] == "/usr/bin/qemu-img" and a["argv"][-1].endswith("/i1/disk"), a
assert a["env"][0].startswith("PATH="), a
assert a["sandbox"]["enabled"] is True, a
n = json.load(open(d + "/deny.json"))
assert n["allowed"] is False and n["status"] == 99, n
assert "not beneath /var/lib/nova/instances" in n["reason"], n
assert n["near_misses"][0]["rule"]["name"] == "qemu-img-info", n
PY
}

t_explain_statuses() {
	nova_conf
	run "$RG" --config "$SCRATCH/c" explain
	expect_status 98
	run "$RG" --config "$SCRATCH/c" explain -- tee /etc/shadow
	expect_status 99
	expect_out "no rule for command 'tee'"
	run "$RG" --config "$SCRATCH/nope" explain -- true
	expect_status 97
}
