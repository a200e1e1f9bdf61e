# t_env.sh - environment injection: variables that make a program load
# code or data chosen by whoever sets them. Each test shows that the
# payload works when the variable reaches a program (the control, run
# outside rootgate), then that through rootgate the variable does not
# reach the command (its env output) and the payload did not run (no
# marker line from the command).
#
# The payload is a real shared object (built here with cc) whose
# constructor appends "INJECTED <program name>" to $SCRATCH/w/marker and
# prints the same line on standard output.

# env_setup : the policy below, the payload built. Sets W, M, SO.
env_setup() {
	command -v cc >/dev/null || skip "cc missing"
	attack_policy <<'P'
[env]
exec = /usr/bin/env
args =
writable = @SCRATCH@/w

[id]
exec = /usr/bin/id
args = -u
writable = @SCRATCH@/w

[true]
exec = /usr/bin/true
args =
writable = @SCRATCH@/w

[cat]
exec = /usr/bin/cat
args = /dev/null
writable = @SCRATCH@/w

[sh-cat]
exec = /usr/bin/sh
args = -c 'cat /dev/null; echo done'
writable = @SCRATCH@/w

[sh-ifs]
exec = /usr/bin/sh
args = -c 'x=a/b; echo $x'

[sh-interactive]
exec = /usr/bin/sh
args = -i -c 'echo done'
writable = @SCRATCH@/w

[bash]
exec = /usr/bin/bash
args = -c 'echo done'
writable = @SCRATCH@/w

[python]
exec = /usr/bin/python3
args = -c 'print("done")'
writable = @SCRATCH@/w

[iconv]
exec = /usr/bin/iconv
args = -f UTF-8 -t <cs>
<cs> = set EVILCS UTF-16
writable = @SCRATCH@/w

[printenv]
exec = /usr/bin/printenv
args =
env-keep = MYVAR
P
	W=$SCRATCH/w
	M=$W/marker
	mkdir -p "$W"
	chmod 0777 "$W"
	cat > "$SCRATCH/evil.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void
evil_ctor(void)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "INJECTED %s\n",
	    program_invocation_short_name);
	int fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);

	if (fd >= 0) {
		(void)!write(fd, line, (size_t)n);
		close(fd);
	}
	(void)!write(1, line, (size_t)n);
}

/* LD_AUDIT */
unsigned int la_version(unsigned int v) { return v; }
C
	SO=$SCRATCH/evil.so
	cc -shared -fPIC -DMARKER="\"$M\"" -o "$SO" "$SCRATCH/evil.c" ||
		fail "unable to build the payload"
	chmod 0755 "$SO"
}

# env_no_injection : neither the command's output nor the marker shows
# the payload running in anything but rootgate itself
env_no_injection() {
	case $OUT in
	*INJECTED*)
		printf '%s\n' "$OUT" | grep INJECTED | grep -qv '^INJECTED rootgate$' &&
			fail "the payload ran in the command: $OUT"
		;;
	esac
	if [ -e "$M" ] && grep -qv '^INJECTED rootgate$' "$M"; then
		fail "the payload ran in the command: $(cat "$M")"
	fi
	return 0
}

# env_control VAR=VALUE PROG... : outside rootgate the payload does run
env_control() {
	rm -f "$M"
	env "$@" >/dev/null 2>&1 </dev/null || :
	[ -s "$M" ] || fail "control: the payload did not run outside rootgate ($*)"
	rm -f "$M"
}

# LD_PRELOAD: the dynamic loader of rootgate itself honours it (sudo's
# env_reset removes it before rootgate starts); the command never sees it.
t_env_ld_preload() {
	env_setup
	env_control LD_PRELOAD="$SO" /usr/bin/true
	# a sanitizer build of rootgate needs its own option behind a preload
	_san=
	[ "${ROOTGATE_SANITIZED:-}" != 1 ] ||
		_san=ASAN_OPTIONS=verify_asan_link_order=0
	run env $_san LD_PRELOAD="$SO" $R env
	expect_status 0
	case $OUT in *LD_PRELOAD*) fail "LD_PRELOAD reached the command: $OUT" ;; esac
	env_no_injection
	run env $_san LD_PRELOAD="$SO" $R true
	expect_status 0
	env_no_injection
}

# LD_LIBRARY_PATH with a library id loads (libselinux.so.1): a filter
# library that forwards to the real one, so id works and the constructor
# runs.
t_env_ld_library_path() {
	env_setup
	mkdir -p "$SCRATCH/lib"
	cc -shared -fPIC -DMARKER="\"$M\"" -o "$SCRATCH/lib/libselinux.so.1" \
		"$SCRATCH/evil.c" -Wl,-soname,libselinux.so.1 \
		-Wl,--filter,"$(ldd /usr/bin/id | awk '/libselinux/ { print $3 }')" ||
		skip "unable to build a libselinux filter library"
	chmod -R go-w "$SCRATCH/lib"
	ldd /usr/bin/id | grep -q libselinux.so.1 || skip "id does not use libselinux"
	env_control LD_LIBRARY_PATH="$SCRATCH/lib" /usr/bin/id -u
	run env LD_LIBRARY_PATH="$SCRATCH/lib" $R id -u
	expect_status 0
	[ "$OUT" = 0 ] || fail "output: $OUT"
	env_no_injection
	run env LD_LIBRARY_PATH="$SCRATCH/lib" $R env
	case $OUT in *LD_LIBRARY_PATH*) fail "LD_LIBRARY_PATH reached the command" ;; esac
}

t_env_ld_audit() {
	env_setup
	env_control LD_AUDIT="$SO" /usr/bin/true
	run env LD_AUDIT="$SO" $R env
	expect_status 0
	case $OUT in *LD_AUDIT*) fail "LD_AUDIT reached the command: $OUT" ;; esac
	env_no_injection
}

# GCONV_PATH with a gconv-modules naming the payload as a converter
# (the pkexec exploit, CVE-2021-4034): iconv would dlopen it.
t_env_gconv_path() {
	env_setup
	mkdir -p "$SCRATCH/gconv"
	cp "$SO" "$SCRATCH/gconv/evil.so"
	printf 'module UTF-8// EVILCS// evil 1\nmodule EVILCS// UTF-8// evil 1\n' \
		> "$SCRATCH/gconv/gconv-modules"
	env_control GCONV_PATH="$SCRATCH/gconv" /usr/bin/iconv -f UTF-8 -t EVILCS
	run sh -c "echo x | GCONV_PATH='$SCRATCH/gconv' $R iconv -f UTF-8 -t EVILCS"
	[ "$ST" -ne 0 ] || fail "iconv knew EVILCS without GCONV_PATH"
	expect_err "conversion"
	env_no_injection
	run env GCONV_PATH="$SCRATCH/gconv" $R env
	case $OUT in *GCONV_PATH*) fail "GCONV_PATH reached the command" ;; esac
}

# An evil cat earlier in PATH: neither rootgate's lookup of the command
# name nor the command's own lookups use the caller's PATH.
t_env_path_evil_binary() {
	env_setup
	mkdir -p "$SCRATCH/evilbin"
	printf '#!/bin/sh\necho "INJECTED cat" | tee -a %s\n' "$M" > "$SCRATCH/evilbin/cat"
	chmod 0755 "$SCRATCH/evilbin/cat"
	env_control PATH="$SCRATCH/evilbin:/usr/bin:/bin" sh -c 'cat /dev/null'
	run env PATH="$SCRATCH/evilbin:/usr/bin:/bin" $R cat /dev/null
	expect_status 0
	env_no_injection
	run env PATH="$SCRATCH/evilbin:/usr/bin:/bin" $R sh -c 'cat /dev/null; echo done'
	expect_status 0
	[ "$OUT" = done ] || fail "output: $OUT"
	env_no_injection
	run env PATH="$SCRATCH/evilbin" $R env
	expect_status 0
	printf '%s\n' "$OUT" | grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' ||
		fail "PATH of the command: $OUT"
}

# IFS: a shell that imported it would split $x on '/'.
t_env_ifs() {
	env_setup
	run env IFS=/ $R sh -c 'x=a/b; echo $x'
	expect_status 0
	[ "$OUT" = a/b ] || fail "IFS changed word splitting: $OUT"
	run env IFS=/ $R env
	case $OUT in *IFS=*) fail "IFS reached the command" ;; esac
}

# BASH_ENV: bash sources it before running -c.
t_env_bash_env() {
	env_setup
	printf 'echo "INJECTED bash" | tee -a %s\n' "$M" > "$SCRATCH/evil.sh"
	env_control BASH_ENV="$SCRATCH/evil.sh" /usr/bin/bash -c 'echo done'
	run env BASH_ENV="$SCRATCH/evil.sh" $R bash -c 'echo done'
	expect_status 0
	[ "$OUT" = done ] || fail "output: $OUT"
	env_no_injection
}

# ENV: an interactive POSIX shell sources it.
t_env_env_var() {
	env_setup
	printf 'echo "INJECTED sh" | tee -a %s\n' "$M" > "$SCRATCH/evil.sh"
	env_control ENV="$SCRATCH/evil.sh" /usr/bin/sh -i -c 'echo done'
	run env ENV="$SCRATCH/evil.sh" $R sh -i -c 'echo done'
	expect_status 0
	expect_out done
	env_no_injection
}

# PYTHONPATH with a sitecustomize.py; PYTHONSTARTUP, PYTHONHOME, too.
t_env_pythonpath() {
	env_setup
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
	mkdir -p "$SCRATCH/py"
	printf 'open("%s", "a").write("INJECTED python\\n")\nprint("INJECTED python")\n' \
		"$M" > "$SCRATCH/py/sitecustomize.py"
	env_control PYTHONPATH="$SCRATCH/py" /usr/bin/python3 -c 'print("done")'
	run env PYTHONPATH="$SCRATCH/py" PYTHONSTARTUP="$SCRATCH/py/sitecustomize.py" \
		PYTHONINSPECT=1 $R python3 -c 'print("done")'
	expect_status 0
	[ "$OUT" = done ] || fail "output: $OUT"
	env_no_injection
}

# Resolver, temporary-directory, allocator and tunable variables: none
# reaches the command.
t_env_misc_dangerous_variables() {
	env_setup
	echo "evil 127.0.0.1" > "$SCRATCH/hosts"
	run env LOCALDOMAIN=evil.example HOSTALIASES="$SCRATCH/hosts" \
		RES_OPTIONS="ndots:15 attempts:5" TMPDIR="$SCRATCH/w" \
		GLIBC_TUNABLES=glibc.malloc.mxfast=0 MALLOC_CHECK_=3 \
		LOCPATH="$SCRATCH" NLSPATH="$SCRATCH/%N" TZDIR="$SCRATCH" \
		PERL5OPT=-d PERL5LIB="$SCRATCH" NODE_OPTIONS=--require=x \
		SHELLOPTS=xtrace PS4='$(id)' CDPATH="$SCRATCH" \
		QEMU_AUDIO_DRV=none OPENSSL_CONF="$SCRATCH/x" \
		BASH_FUNC_echo%%='() { id; }' HOME="$SCRATCH" TERM=evil \
		$R env
	expect_status 0
	for v in LOCALDOMAIN HOSTALIASES RES_OPTIONS TMPDIR GLIBC_TUNABLES \
	    MALLOC_CHECK_ LOCPATH NLSPATH TZDIR PERL5OPT PERL5LIB NODE_OPTIONS \
	    SHELLOPTS PS4 CDPATH QEMU_AUDIO_DRV OPENSSL_CONF BASH_FUNC HOME TERM; do
		case $OUT in *"$v"*) fail "$v reached the command: $OUT" ;; esac
	done
	[ "$(printf '%s\n' "$OUT" | wc -l)" -le 2 ] || fail "environment: $OUT"
}

# LANG / LC_* naming a file path (CVE-2014-0475: glibc loaded locale data
# from ../ paths); a value that names a locale is kept.
t_env_locale_path() {
	env_setup
	mkdir -p "$SCRATCH/loc/evil/LC_MESSAGES"
	run env LC_ALL="$SCRATCH/loc/evil" LANG=../../../../tmp/x \
		LC_MESSAGES=C.UTF-8/../../evil LC_CTYPE='C.UTF-8 x' \
		LANGUAGE=../evil LC_TIME=C.UTF-8 $R env
	expect_status 0
	printf '%s\n' "$OUT" | grep -qx 'LC_TIME=C.UTF-8' ||
		fail "a locale name was not kept: $OUT"
	case $OUT in
	*LC_ALL*|*LANG=*|*LC_MESSAGES*|*LC_CTYPE*|*LANGUAGE*|*"$SCRATCH"*|*..*)
		fail "a locale path reached the command: $OUT" ;;
	esac
}

# A raw environment (built with execve, as an attacker's own program
# would): the same name twice, an entry without '=', an empty name.
# The first LANG counts, as the command's getenv would read it; loader
# variables are gone in any position.
t_env_raw_duplicates() {
	env_setup
	cat > "$SCRATCH/envexec.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
/* envexec N VAR... PROG ARG... : execve PROG with exactly N entries */
int
main(int argc, char **argv)
{
	int n = atoi(argv[1]);
	char **envp = calloc((size_t)n + 1, sizeof(char *));

	for (int i = 0; i < n; i++)
		envp[i] = argv[2 + i];
	execve(argv[2 + n], argv + 2 + n, envp);
	perror("execve");
	return 127;
}
C
	cc -o "$SCRATCH/envexec" "$SCRATCH/envexec.c" || fail "unable to build envexec"
	# a sanitizer build needs its own option to start behind a preload
	if [ "${ROOTGATE_SANITIZED:-}" = 1 ]; then
		set -- 9 ASAN_OPTIONS=verify_asan_link_order=0
	else
		set -- 8
	fi
	run "$SCRATCH/envexec" "$@" LANG=C.UTF-8 LANG=/evil/locale MYVAR=first \
		LD_PRELOAD= NOEQUALS =empty MYVAR=second \
		"LD_PRELOAD=$SO" $RG --config "$C" printenv
	expect_status 0
	env_no_injection
	printf '%s\n' "$OUT" | grep -q '^LANG=C.UTF-8$' || fail "first LANG lost: $OUT"
	[ "$(printf '%s\n' "$OUT" | grep -c '^LANG=')" -eq 1 ] || fail "LANG twice: $OUT"
	[ "$(printf '%s\n' "$OUT" | grep -c '^MYVAR=')" -eq 1 ] || fail "MYVAR twice: $OUT"
	printf '%s\n' "$OUT" | grep -q '^MYVAR=first$' || fail "MYVAR: $OUT"
	case $OUT in *LD_PRELOAD*|*NOEQUALS*|*=empty*) fail "environment: $OUT" ;; esac
}
