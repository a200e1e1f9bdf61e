# lib.sh - helpers for the adversarial suite (tests/attacks/t_*.sh), sourced
# after tests/e2e/lib.sh by tests/e2e/run.sh.
#
# Each test is one attack: the exact input the attacker controls and the
# safe outcome asserted (the status the caller gets, what stderr says, and
# that the effect the attack wanted did not happen). The attacker is the
# unprivileged service that calls rootgate (SECURITY.md, "Threat model").

# attack_policy : a scratch configuration whose one filter file is read
# from standard input (@SCRATCH@ becomes the test's scratch directory).
# Sets SCRATCH, C (configuration directory), R (the rootgate command).
attack_policy() {
	need_root
	scratch
	C=$SCRATCH/c
	mkdir -p "$C/filters.d"
	sed "s|@SCRATCH@|$SCRATCH|g" > "$C/filters.d/attack.conf"
	printf '[rootgate]\naudit-log = %s/audit.jsonl\nsyslog = no\n' \
		"$SCRATCH" > "$C/rootgate.conf"
	chmod -R go-w "$C"
	R="$RG --config $C"
}

# refused ARG... : rootgate refuses this command line: status 99, one line
# on stderr beginning "rootgate: denied", and a deny in the audit file.
refused() {
	run $R "$@"
	expect_status 99
	expect_err "rootgate: denied"
	expect_err_lines 1
	grep -q '"event":"decision","allowed":false' "$SCRATCH/audit.jsonl" ||
		fail "no deny record in the audit file"
}

# allowed ARG... : the control case: the same rule runs this command line
# (status 0). An attack test shows the rule works before it shows the
# attack fails, so a test cannot pass because nothing runs at all.
allowed() {
	run $R "$@"
	expect_status 0
}

# attack_probe : the sandbox probe (tests/helpers/probe.c, built by
# mk/attacks.mk; compiled here if that copy is missing or stale) as
# $SCRATCH/bin/rg-probe, root-owned 0755 as a rule's exec must be.
# Sets P.
attack_probe() {
	mkdir -p "$SCRATCH/bin"
	_b=$TOP/$BUILD/tests/helpers/rg-probe
	if [ -x "$_b" ] && [ "$_b" -nt "$TOP/tests/helpers/probe.c" ]; then
		cp "$_b" "$SCRATCH/bin/rg-probe"
	else
		cc -std=gnu11 -O1 -DPROBE_STANDALONE -o "$SCRATCH/bin/rg-probe" \
			"$TOP/tests/helpers/probe.c" || fail "unable to build the probe"
	fi
	chmod 0755 "$SCRATCH/bin" "$SCRATCH/bin/rg-probe"
	P=$SCRATCH/bin/rg-probe
}
