# t_argv.sh - argument injection: every spelling a rule does not state is
# refused, so the tool never reads an option or operand the rule's author
# did not write. Most attacks aim at a real qemu-img with real files: a
# secret outside the image directory ($SCRATCH/secret) and a victim file
# ($SCRATCH/victim) that qemu-img would read or overwrite if an option got
# through. The last tests run against the shipped policy
# filters.d/nova-libvirt.conf in a private mount namespace (in_nova_ns).

argv_setup() {
	command -v qemu-img >/dev/null || skip "qemu-img missing"
	attack_policy <<'P'
[qemu-img-info]
exec = /usr/bin/qemu-img
args = info { -f <fmt>, --output=json, [ --force-share ] } <image>
<fmt> = set qcow2 raw
<image> = path @SCRATCH@/img file

[qemu-img-create]
exec = /usr/bin/qemu-img
args = create -f qcow2 <image> <size>
<image> = path @SCRATCH@/img new
<size> = size 1M..1G
writable = @SCRATCH@/img

[qemu-img-create-backed]
exec = /usr/bin/qemu-img
args = create -f qcow2 -o backing_file=<base>,backing_fmt=raw <image> <size>
<base> = path @SCRATCH@/img/_base file
<image> = path @SCRATCH@/img new
<size> = size 1M..1G
writable = @SCRATCH@/img

[qemu-img-convert]
exec = /usr/bin/qemu-img
args = convert { -f <ifmt>, -O raw } <src> <dst>
<ifmt> = set raw
<src> = path @SCRATCH@/img file
<dst> = path @SCRATCH@/img new
writable = @SCRATCH@/img

[rm-two]
exec = /usr/bin/rm
args = <a> <b>
<a> = regex [A-Za-z0-9_.-]+
<b> = regex [A-Za-z0-9_.-]+
cwd = @SCRATCH@/img
writable = @SCRATCH@/img

[echo]
exec = /usr/bin/echo
args = hello

[sh-word]
exec = /usr/bin/sh
args = -c 'printf "<%s>\n" "$1"' sh <w>
<w> = regex [^\x00-\x08\x0a-\x1f]*
writable = @SCRATCH@/img
P
	I=$SCRATCH/img
	mkdir -p "$I/_base"
	echo "TOPSECRET-ARGV-$$" > "$SCRATCH/secret"
	chmod 0600 "$SCRATCH/secret"
	echo "victim unchanged" > "$SCRATCH/victim"
	qemu-img create -q -f qcow2 "$I/disk" 16M
	qemu-img create -q -f raw "$I/_base/base" 16M
	allowed qemu-img info -f qcow2 --output=json "$I/disk"
	expect_out '"format": "qcow2"'
}

argv_no_secret() {
	case $OUT$ERR in *TOPSECRET*) fail "the secret reached the caller" ;; esac
	[ "$(cat "$SCRATCH/victim")" = "victim unchanged" ] ||
		fail "the victim file was written"
}

# Operands after the image: getopt would permute "-o x" back into options,
# and qemu-img would read a second file name.
t_argv_extra_trailing_arguments() {
	argv_setup
	refused qemu-img info -f qcow2 --output=json "$I/disk" "$SCRATCH/secret"
	expect_err "not expected (extra argument)"
	refused qemu-img info -f qcow2 --output=json "$I/disk" -U
	refused qemu-img info -f qcow2 --output=json "$I/disk" --backing-chain
	refused qemu-img info -f qcow2 --output=json "$I/disk" ''
	refused qemu-img create -f qcow2 "$I/new" 1M -b "$SCRATCH/secret"
	[ ! -e "$I/new" ] || fail "image created"
	refused echo hello world
	argv_no_secret
}

# "--" ends options for getopt: "-- --image-opts" or a value "--"
t_argv_double_dash() {
	argv_setup
	refused qemu-img info -f qcow2 --output=json -- "$I/disk"
	refused qemu-img info -- -f qcow2 --output=json "$I/disk"
	refused qemu-img info -f -- --output=json "$I/disk"
	expect_err "'--'"
	refused qemu-img create -f qcow2 -- "$I/new" 1M
	refused rm -- victimdir
	[ ! -e "$I/new" ] || fail "image created"
}

# --opt=value for --opt value and the reverse
t_argv_opt_equals_vs_space() {
	argv_setup
	refused qemu-img info --format=qcow2 --output=json "$I/disk"
	refused qemu-img info -f qcow2 --output json "$I/disk"
	refused qemu-img info -f=qcow2 --output=json "$I/disk"
	refused qemu-img info -f qcow2 --output=json= "$I/disk"
}

# Glued short options: -fqcow2, -fraw
t_argv_glued_short_option() {
	argv_setup
	refused qemu-img info -fqcow2 --output=json "$I/disk"
	refused qemu-img info -fraw --output=json "$I/disk"
	refused qemu-img info -Uf qcow2 --output=json "$I/disk"
}

# A repeated option: getopt keeps the last value (-f qcow2 -f raw is raw)
t_argv_repeated_option() {
	argv_setup
	refused qemu-img info -f qcow2 -f raw --output=json "$I/disk"
	refused qemu-img info -f qcow2 --output=json --output=json "$I/disk"
	refused qemu-img info -f qcow2 --force-share --output=json --force-share "$I/disk"
	refused qemu-img convert -f raw -O raw -O qcow2 "$I/_base/base" "$I/out"
	[ ! -e "$I/out" ] || fail "converted"
}

# Abbreviated long options: getopt_long takes any unique prefix
t_argv_abbreviated_long_option() {
	argv_setup
	refused qemu-img info -f qcow2 --out=json "$I/disk"
	refused qemu-img info -f qcow2 --outp=json "$I/disk"
	refused qemu-img info -f qcow2 --output=json --force "$I/disk"
	refused qemu-img info -f qcow2 --output=JSON "$I/disk"
}

# A placeholder never takes an argument starting with '-': rm <a> <b>
# with "-r victimdir" would remove a directory the rule never allowed.
t_argv_placeholder_leading_dash() {
	argv_setup
	mkdir -p "$I/victimdir/sub"
	: > "$I/f1"
	: > "$I/f2"
	allowed rm f1 f2
	[ ! -e "$I/f1" ] || fail "control: rm did not run"
	for opt in -r -rf --recursive --no-preserve-root -- -; do
		refused rm "$opt" victimdir
		expect_err "may not start with '-'"
	done
	[ -d "$I/victimdir/sub" ] || fail "the directory was removed"
	# a path placeholder: -o, --image-opts, -U cannot ride in as the image
	for opt in -o --image-opts -U --backing-chain; do
		refused qemu-img info -f qcow2 --output=json "$opt"
	done
}

# qemu-img options that name another file: -o backing_file=, -b, -F,
# data_file; none is in the create rule, so the secret is never linked
# and the victim never overwritten.
t_argv_qemu_backing_options() {
	argv_setup
	allowed qemu-img create -f qcow2 "$I/ok" 1M
	[ -f "$I/ok" ] || fail "control: no image"
	refused qemu-img create -f qcow2 -b "$SCRATCH/secret" "$I/new" 1M
	refused qemu-img create -f qcow2 -b "$SCRATCH/secret" -F raw "$I/new" 1M
	refused qemu-img create -f qcow2 -F raw "$I/new" 1M
	refused qemu-img create -f qcow2 -o "backing_file=$SCRATCH/secret" "$I/new" 1M
	refused qemu-img create -f qcow2 -o "data_file=$SCRATCH/victim" "$I/new" 1M
	refused qemu-img create -f qcow2 -o"data_file=$SCRATCH/victim" "$I/new" 1M
	refused qemu-img create -f qcow2 "$I/new" 1M -o "data_file=$SCRATCH/victim"
	[ ! -e "$I/new" ] || fail "an image was created"
	argv_no_secret
}

# --image-opts and json: pseudo-file names open anything qemu can open.
t_argv_qemu_image_opts_json() {
	argv_setup
	j='json:{"driver":"raw","file":{"driver":"file","filename":"'$SCRATCH'/secret"}}'
	refused qemu-img info -f raw --output=json "$j"
	expect_err "is not an absolute path"
	refused qemu-img info --image-opts -f raw --output=json "driver=raw,file.filename=$SCRATCH/secret"
	refused qemu-img info -f raw --output=json --image-opts "driver=raw,file.filename=$SCRATCH/secret"
	refused qemu-img convert -f raw -O raw "$j" "$I/out"
	refused qemu-img convert -f raw -O raw "file:$SCRATCH/secret" "$I/out"
	[ ! -e "$I/out" ] || fail "converted"
	argv_no_secret
}

# The image header is the attacker's: a file the service believes raw
# holds a qcow2 header whose backing file is the secret. With the format
# probed (no -f) qemu-img follows it; pinned -f raw, it copies the header
# bytes and never opens the secret.
t_argv_qemu_format_probe() {
	argv_setup
	qemu-img create -q -f qcow2 -b "$SCRATCH/secret" -F raw "$I/evil" 1M
	# control: the payload works when the format is probed
	qemu-img convert -O raw "$I/evil" "$SCRATCH/probed.raw"
	grep -q TOPSECRET "$SCRATCH/probed.raw" ||
		fail "control: probing qemu-img did not follow the backing file"
	refused qemu-img convert -O raw "$I/evil" "$I/out.raw"
	expect_err "'-f' is required"
	refused qemu-img info --output=json "$I/evil"
	refused qemu-img convert -f qcow2 -O raw "$I/evil" "$I/out.raw"
	[ ! -e "$I/out.raw" ] || fail "converted without a pinned raw format"
	allowed qemu-img convert -f raw -O raw "$I/evil" "$I/out.raw"
	grep -q TOPSECRET "$I/out.raw" && fail "the secret was copied"
	head -c 4 "$I/out.raw" | grep -q QFI || fail "not a byte copy of the header"
	allowed qemu-img info -f raw --output=json "$I/evil"
	case $OUT in *backing*|*"$SCRATCH/secret"*) fail "info followed the header: $OUT" ;; esac
	argv_no_secret
}

# A template value may not contain the separator after it:
# backing_file=X,data_file=VICTIM,backing_fmt=raw would make qemu-img
# create an image whose data file is the victim (truncating it).
t_argv_template_separator() {
	argv_setup
	# control: the payload is real
	cp "$SCRATCH/victim" "$SCRATCH/victim2"
	qemu-img create -q -f qcow2 -o "backing_file=$I/_base/base,data_file=$SCRATCH/victim2,backing_fmt=raw" \
		"$SCRATCH/ctl.qcow2" 1M
	[ "$(cat "$SCRATCH/victim2")" != "victim unchanged" ] ||
		fail "control: qemu-img did not touch the data file"
	allowed qemu-img create -f qcow2 -o "backing_file=$I/_base/base,backing_fmt=raw" "$I/overlay" 1M
	refused qemu-img create -f qcow2 \
		-o "backing_file=$I/_base/base,data_file=$SCRATCH/victim,backing_fmt=raw" "$I/new" 1M
	expect_err "contains ','"
	refused qemu-img create -f qcow2 \
		-o "backing_file=$I/_base/base,backing_fmt=raw,data_file=$SCRATCH/victim" "$I/new" 1M
	refused qemu-img create -f qcow2 \
		-o "backing_file=$SCRATCH/secret,backing_fmt=raw" "$I/new" 1M
	expect_err "is not beneath"
	refused qemu-img create -f qcow2 \
		-o "backing_file=$I/_base/base,,data_file=$SCRATCH/victim,backing_fmt=raw" "$I/new" 1M
	[ ! -e "$I/new" ] || fail "an image was created"
	argv_no_secret
}

# Empty arguments: as an operand, as an option value, as an extra word
t_argv_empty_arguments() {
	argv_setup
	refused qemu-img info -f qcow2 --output=json ''
	expect_err "is empty"
	refused qemu-img info -f '' --output=json "$I/disk"
	refused qemu-img info '' -f qcow2 --output=json "$I/disk"
	refused qemu-img create -f qcow2 "$I/new" ''
	refused echo hello ''
	refused echo ''
	refused ''
	[ ! -e "$I/new" ] || fail "an image was created"
}

# Shell metacharacters in a word a rule hands to "sh -c '...' sh <w>":
# they stay one word, printed back literally; nothing they spell runs.
t_argv_shell_metacharacters() {
	argv_setup
	allowed sh -c 'printf "<%s>\n" "$1"' sh plain
	[ "$OUT" = "<plain>" ] || fail "control: $OUT"
	for w in "\$(touch $I/pwned)" "\`touch $I/pwned\`" "; touch $I/pwned" \
	    "| touch $I/pwned" "&& touch $I/pwned" "\$(touch $I/pwned)\$IFS*" \
	    "' ; touch $I/pwned ; '" "\" ; touch $I/pwned ; \"" "*" "~root" \
	    "\${PATH}" "> $I/pwned"; do
		allowed sh -c 'printf "<%s>\n" "$1"' sh "$w"
		[ "$OUT" = "<$w>" ] || fail "the word changed: '$w' -> '$OUT'"
	done
	[ ! -e "$I/pwned" ] || fail "a metacharacter ran a command"
	# the literal script cannot be replaced
	refused sh -c "touch $I/pwned" sh x
	refused sh -c 'printf "<%s>\n" "$1"; touch '"$I/pwned" sh x
	[ ! -e "$I/pwned" ] || fail "ran another script"
}

# --- the shipped policy, filters.d/nova-libvirt.conf ---------------------
# In direct mode the caller is root and `callers = nova` is not
# consulted (SECURITY.md), so these rules apply as written.

# argv_nova SCRIPT : SCRIPT runs (sh -eu) in a private mount namespace
# where /var/lib/nova/instances is an empty tmpfs; R, SCRATCH and the
# helpers nrun/nstatus/nerr/nrefused/nfail are available in it.
argv_nova() {
	command -v qemu-img >/dev/null || skip "qemu-img missing"
	need_root
	scratch
	C=$SCRATCH/c
	mkconf "$C" "$TOP/filters.d/nova-libvirt.conf"
	printf '[rootgate]\naudit-log = %s/audit.jsonl\nsyslog = no\n' \
		"$SCRATCH" > "$C/rootgate.conf"
	chmod -R go-w "$C"
	R="$RG --config $C"
	echo "TOPSECRET-NOVA-$$" > "$SCRATCH/secret"
	chmod 0600 "$SCRATCH/secret"
	echo "victim unchanged" > "$SCRATCH/victim"
	export SCRATCH R
	in_nova_ns '
I=/var/lib/nova/instances
nfail() { echo "    FAIL (nova namespace): $*" >&2; exit 1; }
nrun() {
	set +e
	"$@" >"$SCRATCH/.out" 2>"$SCRATCH/.err"
	ST=$?
	set -e
	OUT=$(cat "$SCRATCH/.out")
	ERR=$(cat "$SCRATCH/.err")
}
nstatus() { [ "$ST" -eq "$1" ] || nfail "status $ST, expected $1; stderr: $ERR"; }
nerr() { case $ERR in *"$1"*) ;; *) nfail "stderr lacks $1: $ERR" ;; esac; }
nrefused() {
	nrun $R "$@"
	nstatus 99
	nerr "rootgate: denied"
	[ "$(printf "%s\n" "$ERR" | grep -c .)" -eq 1 ] || nfail "stderr: $ERR"
	case $OUT$ERR in *TOPSECRET*) nfail "the secret reached the caller" ;; esac
}
'"$1" || fail "an assertion failed in the Nova namespace"
	[ "$(cat "$SCRATCH/victim")" = "victim unchanged" ] ||
		fail "the victim file was written"
}

# qemu-img info without -f, with --image-opts, a json: name, -fqcow2...
t_argv_nova_info_format_pinned() {
	argv_nova '
qemu-img create -q -f qcow2 -b "$SCRATCH/secret" -F raw $I/i1/disk 1M
nrun $R qemu-img info -f raw --output=json $I/i1/disk
nstatus 0
case $OUT in *"\"format\": \"raw\""*) ;; *) nfail "control: $OUT" ;; esac
case $OUT in *backing*) nfail "raw info read the backing file: $OUT" ;; esac
nrefused qemu-img info --output=json $I/i1/disk
nerr "'"'"'-f'"'"' is required"
nrefused qemu-img info -f qcow2 --output=json --image-opts $I/i1/disk
nrefused qemu-img info -f qcow2 --output=json "json:{\"file\":{\"filename\":\"$SCRATCH/secret\"}}"
nrefused qemu-img info -fqcow2 --output=json $I/i1/disk
nrefused qemu-img info --format=qcow2 --output=json $I/i1/disk
nrefused qemu-img info -f qcow2 --output json $I/i1/disk
nrefused qemu-img info -f qcow2 -f raw --output=json $I/i1/disk
nrefused qemu-img info -f vmdk --output=json $I/i1/disk
nrefused qemu-img info -f qcow2 --output=json -U $I/i1/disk
nrefused qemu-img info -f qcow2 --output=json --backing-chain $I/i1/disk
nrefused qemu-img info -f qcow2 --output=json $SCRATCH/secret
'
}

# resize without -f (CVE-2026-24708), with a sign, --shrink, -- -1G
t_argv_nova_resize_format_pinned() {
	argv_nova '
qemu-img create -q -f raw $I/i1/disk 1M
nrun $R qemu-img resize -f raw $I/i1/disk 2M
nstatus 0
[ "$(stat -c %s $I/i1/disk)" -eq 2097152 ] || nfail "control: resize"
nrefused qemu-img resize $I/i1/disk 4M
nerr "expected '"'"'-f'"'"'"
nrefused qemu-img resize -f raw $I/i1/disk +4M
nrefused qemu-img resize -f raw --shrink $I/i1/disk 1M
nrefused qemu-img resize -f raw $I/i1/disk -- -1M
nrefused qemu-img resize -f raw $I/i1/disk 0x400000
nrefused qemu-img resize -f raw $I/i1/disk 4MB
nrefused qemu-img resize -f raw $I/i1/disk 4M --shrink
nrefused qemu-img resize -f raw --object secret,id=s,file=$SCRATCH/secret $I/i1/disk 4M
[ "$(stat -c %s $I/i1/disk)" -eq 2097152 ] || nfail "the image was resized"
'
}

# The backed create: the template keeps data_file= out; -b/-F/-B too
t_argv_nova_create_backed_template() {
	argv_nova '
qemu-img create -q -f raw $I/_base/b 1M
nrun $R qemu-img create -f qcow2 -o backing_file=$I/_base/b,backing_fmt=raw $I/i1/disk 2M
nstatus 0
nrefused qemu-img create -f qcow2 -o backing_file=$I/_base/b,data_file=$SCRATCH/victim,backing_fmt=raw $I/i1/d2 2M
nerr "contains '"'"','"'"'"
nrefused qemu-img create -f qcow2 -o backing_file=$SCRATCH/secret,backing_fmt=raw $I/i1/d2 2M
nrefused qemu-img create -f qcow2 -o backing_file=$I/i1/disk,backing_fmt=raw $I/i1/d2 2M
nrefused qemu-img create -f qcow2 -b $I/_base/b -F raw $I/i1/d2 2M
nrefused qemu-img create -f qcow2 -o data_file=$SCRATCH/victim $I/i1/d2 2M
nrefused qemu-img create -f qcow2 $I/i1/d2 2M -o data_file=$SCRATCH/victim
nrefused qemu-img create -f qcow2 -u -o backing_file=$I/_base/b,backing_fmt=raw $I/i1/d2 2M
[ ! -e $I/i1/d2 ] || nfail "an image was created"
'
}

# fallocate: numbers and options as util-linux reads them
t_argv_nova_fallocate_spellings() {
	argv_nova '
: > $I/i1/disk
nrun $R fallocate -n -l 1M $I/i1/disk
nstatus 0
for l in 0x1000 010 1KB 1.5K +1M 1KiB " 1M" 1m -1M; do
	nrefused fallocate -n -l "$l" $I/i1/disk
done
nrefused fallocate -n -l1M $I/i1/disk
nrefused fallocate -n --length=1M $I/i1/disk
nrefused fallocate -nl 1M $I/i1/disk
nrefused fallocate -l 1M -n $I/i1/disk
nrefused fallocate -n -l 1M -l 2M $I/i1/disk
nrefused fallocate -n -l 1M -o 0 $I/i1/disk
nrefused fallocate -n -l 1M -d $I/i1/disk
nrefused fallocate -n -l 1M --punch-hole $I/i1/disk
nrefused fallocate -n -l 1M $I/i1/disk $SCRATCH/victim
'
}

# A qcow2 header naming an external data file outside the instance
# directory: an allowed resize -f qcow2 must not write it (the sandbox's
# read-only view), and a convert must not copy /etc/shadow (hidden).
t_argv_nova_qcow2_header_sandbox() {
	argv_nova '
cp "$SCRATCH/victim" $I/i1/data
qemu-img create -q -f qcow2 -o data_file=$SCRATCH/victim,data_file_raw=on $I/i1/evil 1M
echo "victim unchanged" > "$SCRATCH/victim"
nrun $R qemu-img resize -f qcow2 $I/i1/evil 64M
[ "$ST" -ne 0 ] || nfail "resize with an external data file outside succeeded"
nerr "Read-only file system"
[ "$(stat -c %s "$SCRATCH/victim")" -eq 17 ] || nfail "the data file outside grew"
qemu-img create -q -f qcow2 -b /etc/shadow -F raw $I/i1/shadowed 1M
nrun $R qemu-img convert -t none -O raw -f qcow2 $I/i1/shadowed $I/i1/out.raw
nstatus 0
[ -s $I/i1/out.raw ] || nfail "convert wrote nothing"
grep -q "^root:" $I/i1/out.raw && nfail "/etc/shadow was copied"
:
'
}
