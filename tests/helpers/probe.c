/* SPDX-License-Identifier: ISC */
/*
 * probe.c - runs inside the sandbox and reports what it sees, as
 * "key=value" lines on stdout, so that tests prove enforcement from the
 * inside rather than trusting our own return values.
 *
 * Built two ways: with -DPROBE_STANDALONE it is a program of its own;
 * linked into the unit-test runner (the Makefile builds no other test
 * binary) a constructor takes over when the program is started under
 * the name "rg-probe", so a test copies /proc/self/exe to a root-owned
 * directory as rg-probe and runs that.
 *
 * Modes:
 *   report [-w PATH]...   status, ids, ns, limits, fds, env, cwd, umask,
 *                         syscall attempts; -w tries to create PATH
 *   exit N | raise SIG    exit with N / die of SIG
 *   sigpipe | abort       write to a pipe with no reader / abort()
 *   init                  pid 1 as seen from here: init_<key>= for its
 *                         status lines, init_ptrace=, init_mem=
 *   sleep SECS [ignterm]  fork two children (one in its own session),
 *                         all sleep; "ignterm" makes all ignore SIGTERM
 *   leave SECS            fork two children (one in its own session)
 *                         that sleep; exit 0 once both run
 *   trap                  exit 42 on SIGTERM, else sleep 10 s
 *   forkbomb              fork until it fails; print forks= and errno=
 *   hog MB                allocate and touch MB MiB
 *   x32                   call getpid with the x32 syscall bit
 *   read PATH             print read=<first line> or read=<errno name>
 *   open PATH...          open read-only and read a byte: open_PATH=OK or
 *                         the errno name of whichever failed
 *   openw PATH...         open write-only and write a byte: openw_PATH=
 *   ls DIR                ls=the sorted names, space-separated, and
 *                         lnk_NAME=target for each symbolic link
 *   vfs PATH...           vfs_PATH=the mount flags of PATH (statvfs):
 *                         rw|ro and nosuid, nodev, noexec, nosymfollow
 *   int80                 call getpid through the i386 entry (int 0x80)
 *   tty [TEXT]            fd 0 as a terminal: session, /dev/tty,
 *                         TIOCSCTTY, TIOCSPGRP, TIOCSTI of TEXT (plain and
 *                         with high bits), TIOCLINUX subcodes
 *   sys                   sys_NAME= for each call of the default deny
 *                         list not covered by report, harmless arguments
 *   hostname NAME         sethostname; uts_before= uts_after= nodenames
 *   kill PID              kill(PID, 0): kill=OK or the errno name
 *   exec PATH ARG...      execv PATH (argv[0] = PATH); exec=errno if not
 *   spin                  burn CPU until killed
 *   excl DEV              open DEV with O_EXCL (a block device: fails
 *                         EBUSY while mounted anywhere): excl=OK or errno
 *   then-excl DEV CMD...  run CMD, wait for it (status=N), then at once
 *                         as excl: what a caller sees the moment a
 *                         command returns
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>

#define KEYCTL_GET_KEYRING_ID_ 0
#define KEY_SPEC_SESSION_KEYRING_ -3

extern char **environ;

int probe_main(int argc, char **argv);

static void
res(const char *key, long rc)
{
	printf("%s=%s\n", key, rc < 0 ? strerrorname_np(errno) : "OK");
}

static void
status_of(const char *file, const char *prefix)
{
	static const char *const keys[] = { "NoNewPrivs", "Seccomp", "CapInh",
	    "CapPrm", "CapEff", "CapBnd", "CapAmb", "Umask", "Uid", "Gid",
	    "SigBlk", "SigIgn", "SigCgt" };
	char line[256];
	FILE *fp = fopen(file, "re");

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL)
		for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
			size_t n = strlen(keys[i]);
			char *v;

			if (strncmp(line, keys[i], n) != 0 || line[n] != ':')
				continue;
			v = line + n + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			for (char *t = v; *t; t++)
				if (*t == '\t')
					*t = ' ';
			printf("%s%s=%s\n", prefix, keys[i], v);
		}
	fclose(fp);
}

static void
status_lines(void)
{
	status_of("/proc/self/status", "");
}

/* The init confines itself once the command has exec'd (pidinit.c,
 * invariant 5): wait, up to 2 s, for its last step, the filter. */
static void
await_init_confined(void)
{
	char line[256];

	for (int i = 0; i < 200; i++) {
		FILE *fp = fopen("/proc/1/status", "re");
		int done = 0;

		if (fp == NULL)
			return;
		while (!done && fgets(line, sizeof(line), fp) != NULL)
			done = strncmp(line, "Seccomp:\t2", 10) == 0;
		fclose(fp);
		if (done)
			return;
		usleep(10000);
	}
}

/* What the command could do to its namespace's init. */
static int
init_report(void)
{
	int fd;

	await_init_confined();
	status_of("/proc/1/status", "init_");
	res("init_ptrace", ptrace(PTRACE_ATTACH, 1, NULL, NULL));
	fd = open("/proc/1/mem", O_RDONLY | O_CLOEXEC);
	res("init_mem", fd);
	if (fd >= 0)
		close(fd);
	printf("pid=%ld\nppid=%ld\n", (long)getpid(), (long)getppid());
	return 0;
}

static int
sigpipe(void)
{
	int p[2];

	if (pipe(p) < 0)
		return 1;
	close(p[0]);
	(void)!write(p[1], "x", 1);
	return 1;
}

static void
ids(void)
{
	gid_t g[64];
	int n = getgroups(64, g);

	printf("uid=%ld\ngid=%ld\ngroups=", (long)getuid(), (long)getgid());
	for (int i = 0; i < n; i++)
		printf("%s%ld", i ? "," : "", (long)g[i]);
	printf("\n");
}

static void
namespaces(void)
{
	static const char *const ns[] = { "mnt", "pid", "ipc", "uts", "net",
	    "cgroup" };
	char path[64];
	struct stat st;

	for (size_t i = 0; i < sizeof(ns) / sizeof(*ns); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		if (stat(path, &st) == 0)
			printf("ns_%s=%lu\n", ns[i], (unsigned long)st.st_ino);
	}
	printf("pid=%ld\n", (long)getpid());
}

static void
limits(void)
{
	static const struct { const char *k; int r; } rl[] = {
		{ "as", RLIMIT_AS }, { "cpu", RLIMIT_CPU },
		{ "fsize", RLIMIT_FSIZE }, { "nofile", RLIMIT_NOFILE },
		{ "nproc", RLIMIT_NPROC }, { "core", RLIMIT_CORE },
	};
	struct rlimit r;

	for (size_t i = 0; i < sizeof(rl) / sizeof(*rl); i++) {
		if (getrlimit(rl[i].r, &r) < 0)
			continue;
		if (r.rlim_cur == RLIM_INFINITY)
			printf("rl_%s=inf", rl[i].k);
		else
			printf("rl_%s=%llu", rl[i].k,
			    (unsigned long long)r.rlim_cur);
		if (r.rlim_max == RLIM_INFINITY)
			printf(":inf\n");
		else
			printf(":%llu\n", (unsigned long long)r.rlim_max);
	}
}

static void
fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char buf[512] = "";
	size_t used = 0;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		int n;

		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		n = snprintf(buf + used, sizeof(buf) - used, "%s ",
		    de->d_name);
		if (n < 0 || (size_t)n >= sizeof(buf) - used)
			break;
		used += (size_t)n;
	}
	closedir(d);
	printf("fds=%s\n", buf);
}

static void
tries(void)
{
	char c = 0;
	pid_t p;

	res("try_ptrace", ptrace(PTRACE_TRACEME, 0, NULL, NULL));
	/* Calls that fail harmlessly even unconfined (t_disabled runs this
	 * as full root in the host's namespaces): a mount point that does
	 * not exist, kexec flags that do not exist. */
	res("try_mount", mount("none", "/nonexistent-rg-probe", "tmpfs", 0,
	    NULL));
	res("try_unshare_ns", unshare(CLONE_NEWNS));
	res("try_unshare_user", unshare(CLONE_NEWUSER));
	res("try_keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID_,
	    KEY_SPEC_SESSION_KEYRING_, 0));
	res("try_bpf", syscall(SYS_bpf, 0, NULL, 0));
	res("try_tiocsti", ioctl(0, TIOCSTI, &c));
	res("try_tiocsti_hi", syscall(SYS_ioctl, 0,
	    (unsigned long)TIOCSTI | (1UL << 32), &c));
	res("try_kexec", syscall(SYS_kexec_load, 0, 0, NULL, 0xdead0000UL));
	res("try_init_module", syscall(SYS_init_module, NULL, 0, ""));
	res("try_userfaultfd", syscall(SYS_userfaultfd, 0));
	res("try_personality_query", personality(0xffffffff));
	res("try_personality_set", personality(ADDR_NO_RANDOMIZE));
	res("try_clone3", syscall(SYS_clone3, NULL, 0));
	p = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid(p, NULL, 0);
	res("try_clone_newuser", p);
}

static int
report(int argc, char **argv)
{
	char cwd[PATH_MAX];

	status_lines();
	ids();
	namespaces();
	limits();
	fds();
	for (char **e = environ; *e != NULL; e++)
		printf("env=%s\n", *e);
	printf("cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	tries();
	for (int i = 0; i + 1 < argc; i++) {
		int fd;

		if (strcmp(argv[i], "-w") != 0)
			continue;
		fd = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
		printf("write_%s=%s\n", argv[i],
		    fd < 0 ? strerrorname_np(errno) : "OK");
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int
sleeper(int secs, int ignterm)
{
	if (ignterm)
		signal(SIGTERM, SIG_IGN);
	for (int i = 0; i < 2; i++) {
		pid_t p = fork();

		if (p == 0) {
			if (i == 1)
				setsid();	/* try to escape the group */
			sleep((unsigned)secs);
			_exit(0);
		}
	}
	sleep((unsigned)secs);
	return 0;
}

/* Two children that outlive the probe, one in a session of its own; the
 * probe exits 0 once both run. */
static int
leaver(int secs)
{
	int p[2];
	char c;

	if (pipe(p) < 0)
		return 1;
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			if (i == 1)
				setsid();	/* escape the group */
			(void)!write(p[1], "x", 1);
			close(p[0]);
			close(p[1]);
			sleep((unsigned)secs);
			_exit(0);
		}
	}
	close(p[1]);
	for (int i = 0; i < 2; i++)
		if (read(p[0], &c, 1) != 1)
			return 1;
	return 0;
}

static void
on_term(int sig)
{
	(void)sig;
	_exit(42);
}

static int
forkbomb(void)
{
	int n = 0;

	for (; n < 100000; n++) {
		pid_t p = fork();

		if (p < 0)
			break;
		if (p == 0) {
			pause();
			_exit(0);
		}
	}
	printf("forks=%d\nerrno=%s\n", n, strerrorname_np(errno));
	fflush(stdout);
	return 0;
}

static int
hog(long mb)
{
	for (long i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);

		if (p == NULL) {
			printf("hog=ENOMEM at %ld\n", i);
			return 1;
		}
		memset(p, 1, 1 << 20);
	}
	printf("hog=OK\n");
	return 0;
}

/* open and one byte of I/O, each path in turn; never O_CREAT. */
static int
try_open(int argc, char **argv, bool wr)
{
	for (int i = 0; i < argc; i++) {
		char c = 0;
		int fd = open(argv[i], (wr ? O_WRONLY : O_RDONLY) | O_NOCTTY |
		    O_CLOEXEC);
		ssize_t n = -1;

		if (fd >= 0) {
			n = wr ? write(fd, &c, 1) : read(fd, &c, 1);
			close(fd);
		}
		printf("%s_%s=%s\n", wr ? "openw" : "open", argv[i],
		    fd >= 0 && n >= 0 ? "OK" : strerrorname_np(errno));
	}
	return 0;
}

static int
excl(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);

	res("excl", fd);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int
then_excl(const char *dev, char **cmd)
{
	pid_t p;
	int ws;

	fflush(stdout);
	if ((p = fork()) == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &ws, 0) != p)
		return printf("status=%s\n", strerrorname_np(errno)), 0;
	excl(dev);
	printf("status=%d\n", WIFEXITED(ws) ? WEXITSTATUS(ws) : 128);
	return 0;
}

static int
list_dir(const char *path)
{
	struct dirent **de;
	char lnk[PATH_MAX];
	int n = scandir(path, &de, NULL, alphasort), dfd;
	ssize_t len;

	if (n < 0) {
		printf("ls=%s\n", strerrorname_np(errno));
		return 0;
	}
	printf("ls=");
	for (int i = 0, first = 1; i < n; i++)
		if (strcmp(de[i]->d_name, ".") && strcmp(de[i]->d_name, "..")) {
			printf("%s%s", first ? "" : " ", de[i]->d_name);
			first = 0;
		}
	printf("\n");
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (dfd >= 0 && (len = readlinkat(dfd, de[i]->d_name, lnk,
		    sizeof(lnk) - 1)) >= 0)
			printf("lnk_%s=%.*s\n", de[i]->d_name, (int)len, lnk);
		if (dfd >= 0 && fstatat(dfd, de[i]->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode))
			printf("chr_%s=%u:%u %04o %u:%u\n", de[i]->d_name,
			    major(st.st_rdev), minor(st.st_rdev),
			    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
			    (unsigned)st.st_gid);
		free(de[i]);
	}
	free(de);
	if (dfd >= 0)
		close(dfd);
	return 0;
}

static int
mount_flags(int argc, char **argv)
{
	static const struct { unsigned long f; const char *n; } fl[] = {
		{ ST_NOSUID, "nosuid" }, { ST_NODEV, "nodev" },
		{ ST_NOEXEC, "noexec" }, { 0x2000 /* ST_NOSYMFOLLOW */,
		"nosymfollow" },
	};
	struct statvfs v;

	for (int i = 0; i < argc; i++) {
		if (statvfs(argv[i], &v) < 0) {
			printf("vfs_%s=%s\n", argv[i], strerrorname_np(errno));
			continue;
		}
		printf("vfs_%s=%s", argv[i],
		    v.f_flag & ST_RDONLY ? "ro" : "rw");
		for (size_t k = 0; k < sizeof(fl) / sizeof(*fl); k++)
			if (v.f_flag & fl[k].f)
				printf(",%s", fl[k].n);
		printf("\n");
	}
	return 0;
}

/* i386 getpid (20) through int 0x80: a filter that checks only the
 * native arch would let every 32-bit number through. */
static int
int80(void)
{
#if defined(__x86_64__)
	long rc;

	fflush(stdout);
	__asm__ volatile ("int $0x80" : "=a"(rc) : "a"(20L) : "memory");
	printf("int80=%ld\n", rc);
#else
	printf("int80=unsupported\n");
#endif
	return 0;
}

static int
tty(const char *text)
{
	int fd;

	printf("isatty=%d\n", isatty(0));
	printf("sid_is_pid=%d\n", getsid(0) == getpid());
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	res("devtty", fd);
	if (fd >= 0)
		close(fd);
	res("tiocsctty", ioctl(0, TIOCSCTTY, 0));
	{
		pid_t pg = getpgrp();

		res("tiocspgrp", ioctl(0, TIOCSPGRP, &pg));
	}
	for (const char *t = text; *t; t++) {
		char c = *t;
		int rc = ioctl(0, TIOCSTI, &c);

		if (rc < 0 || t[1] == '\0') {
			res("tiocsti", rc);
			break;
		}
	}
	for (const char *t = text; *t; t++) {
		char c = *t;
		long rc = syscall(SYS_ioctl, 0,
		    0xffffffff00000000UL | (unsigned long)TIOCSTI, &c);

		if (rc < 0 || t[1] == '\0') {
			res("tiocsti_hi", rc);
			break;
		}
	}
	{
		static const int sub[] = { 2, 3, 6, 11, 12 };

		for (size_t i = 0; i < sizeof(sub) / sizeof(*sub); i++) {
			char arg[8] = { (char)sub[i] }, key[32];

			snprintf(key, sizeof(key), "tioclinux_%d", sub[i]);
			res(key, ioctl(0, TIOCLINUX, arg));
		}
		{
			char arg[8] = { 3 };

			res("tioclinux_hi", syscall(SYS_ioctl, 0,
			    0xffffffff00000000UL | (unsigned long)TIOCLINUX,
			    arg));
		}
	}
	return 0;
}

/* Every call fails harmlessly even unconfined: bad descriptors, bad
 * pointers, flags that do not exist. */
static int
sys_tries(void)
{
	struct timespec ts = { 0, 0 };
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	tx.modes = 0x8000;	/* no such mode */
	res("sys_finit_module", syscall(SYS_finit_module, -1, "", 0));
	res("sys_delete_module", syscall(SYS_delete_module,
	    "rg_no_such_module", O_NONBLOCK));
	res("sys_kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0,
	    NULL, 0xdead0000UL));
	res("sys_reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
	res("sys_swapon", syscall(SYS_swapon, "/nonexistent-rg-probe", 0));
	res("sys_swapoff", syscall(SYS_swapoff, "/nonexistent-rg-probe"));
	res("sys_process_vm_readv", syscall(SYS_process_vm_readv, 1, NULL, 0,
	    NULL, 0, 0));
	res("sys_process_vm_writev", syscall(SYS_process_vm_writev, 1, NULL,
	    0, NULL, 0, 0));
	res("sys_perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1,
	    -1, 0));
	res("sys_add_key", syscall(SYS_add_key, "user", "rg", "x", 1,
	    KEY_SPEC_SESSION_KEYRING_));
	res("sys_request_key", syscall(SYS_request_key, "user", "rg", NULL,
	    0));
	res("sys_umount2", syscall(SYS_umount2, "/nonexistent-rg-probe", 0));
	res("sys_pivot_root", syscall(SYS_pivot_root, "/nonexistent-rg-probe",
	    "/nonexistent-rg-probe"));
	res("sys_move_mount", syscall(SYS_move_mount, -1, "", -1, "", 0));
	res("sys_open_tree", syscall(SYS_open_tree, -1, "", 0));
	res("sys_fsopen", syscall(SYS_fsopen, "rg-no-such-fs", 0));
	res("sys_fsconfig", syscall(SYS_fsconfig, -1, 0, NULL, NULL, 0));
	res("sys_fsmount", syscall(SYS_fsmount, -1, 0, 0));
	res("sys_fspick", syscall(SYS_fspick, -1, "", 0));
	res("sys_mount_setattr", syscall(SYS_mount_setattr, -1, "", 0, NULL,
	    0));
	res("sys_setns", syscall(SYS_setns, -1, 0));
	res("sys_open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL,
	    0));
	res("sys_name_to_handle_at", syscall(SYS_name_to_handle_at, -1, "",
	    NULL, NULL, 0));
	res("sys_clock_settime", syscall(SYS_clock_settime, -1, &ts));
	res("sys_clock_adjtime", syscall(SYS_clock_adjtime, -1, &tx));
	res("sys_settimeofday", syscall(SYS_settimeofday, NULL, NULL));
	res("sys_adjtimex", syscall(SYS_adjtimex, &tx));
	res("sys_iopl", syscall(SYS_iopl, 0));
	res("sys_ioperm", syscall(SYS_ioperm, 0, 0, 0));
	res("sys_ptrace_attach", ptrace(PTRACE_ATTACH, 1, NULL, NULL));
	res("sys_kexec_load", syscall(SYS_kexec_load, 0, 0, NULL,
	    0xdead0000UL));
	res("sys_init_module", syscall(SYS_init_module, NULL, 0, ""));
	res("sys_userfaultfd", syscall(SYS_userfaultfd, 0));
	res("sys_bpf", syscall(SYS_bpf, -1, NULL, 0));
	res("sys_keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID_,
	    KEY_SPEC_SESSION_KEYRING_, 0));
	res("sys_mount", mount("none", "/nonexistent-rg-probe", "tmpfs", 0,
	    NULL));
	res("sys_unshare_user", unshare(CLONE_NEWUSER));
	res("sys_unshare_net", unshare(CLONE_NEWNET));
	res("sys_personality_set", personality(ADDR_NO_RANDOMIZE));
	res("sys_clone3", syscall(SYS_clone3, NULL, 0));
	res("sys_getpid", syscall(SYS_getpid));
	return 0;
}

static int
set_hostname(const char *name)
{
	struct utsname u;

	uname(&u);
	printf("uts_before=%s\n", u.nodename);
	res("sethostname", sethostname(name, strlen(name)));
	uname(&u);
	printf("uts_after=%s\n", u.nodename);
	return 0;
}

static int
spin(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
	return 0;
}

int
probe_main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "report";

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (strcmp(m, "report") == 0)
		return report(argc - 2, argv + 2);
	if (strcmp(m, "exit") == 0 && argc > 2)
		return atoi(argv[2]);
	if (strcmp(m, "raise") == 0 && argc > 2) {
		signal(atoi(argv[2]), SIG_DFL);
		raise(atoi(argv[2]));
		return 1;
	}
	if (strcmp(m, "sigpipe") == 0)
		return sigpipe();
	if (strcmp(m, "abort") == 0)
		abort();
	if (strcmp(m, "init") == 0)
		return init_report();
	if (strcmp(m, "sleep") == 0 && argc > 2)
		return sleeper(atoi(argv[2]), argc > 3);
	if (strcmp(m, "leave") == 0 && argc > 2)
		return leaver(atoi(argv[2]));
	if (strcmp(m, "trap") == 0) {
		signal(SIGTERM, on_term);
		sleep(10);
		return 0;
	}
	if (strcmp(m, "forkbomb") == 0)
		return forkbomb();
	if (strcmp(m, "hog") == 0 && argc > 2)
		return hog(atol(argv[2]));
	if (strcmp(m, "read") == 0 && argc > 2) {
		char line[256] = "";
		FILE *fp = fopen(argv[2], "re");

		if (fp == NULL) {
			printf("read=%s\n", strerrorname_np(errno));
			return 0;
		}
		if (fgets(line, sizeof(line), fp) != NULL)
			line[strcspn(line, "\n")] = '\0';
		fclose(fp);
		printf("read=%s\n", line);
		return 0;
	}
	if (strcmp(m, "devno") == 0) {	/* the file system of each path */
		for (int i = 2; i < argc; i++) {
			struct stat st;

			if (stat(argv[i], &st) < 0)
				printf("devno_%s=%s\n", argv[i],
				    strerrorname_np(errno));
			else
				printf("devno_%s=%u:%u\n", argv[i],
				    major(st.st_dev), minor(st.st_dev));
		}
		return 0;
	}
	if (strcmp(m, "open") == 0 || strcmp(m, "openw") == 0)
		return try_open(argc - 2, argv + 2, m[4] == 'w');
	if (strcmp(m, "ls") == 0 && argc > 2)
		return list_dir(argv[2]);
	if (strcmp(m, "vfs") == 0)
		return mount_flags(argc - 2, argv + 2);
	if (strcmp(m, "x32") == 0) {
		syscall(0x40000000 | SYS_getpid);
		printf("x32=%s\n", strerrorname_np(errno));
		return 0;
	}
	if (strcmp(m, "int80") == 0)
		return int80();
	if (strcmp(m, "tty") == 0)
		return tty(argc > 2 ? argv[2] : "id\n");
	if (strcmp(m, "sys") == 0)
		return sys_tries();
	if (strcmp(m, "hostname") == 0 && argc > 2)
		return set_hostname(argv[2]);
	if (strcmp(m, "kill") == 0 && argc > 2) {
		res("kill", kill((pid_t)atol(argv[2]), 0));
		return 0;
	}
	if (strcmp(m, "exec") == 0 && argc > 2) {
		fflush(stdout);
		execv(argv[2], argv + 2);
		printf("exec=%s\n", strerrorname_np(errno));
		return 0;
	}
	if (strcmp(m, "spin") == 0)
		return spin();
	if (strcmp(m, "excl") == 0 && argc > 2)
		return excl(argv[2]);
	if (strcmp(m, "then-excl") == 0 && argc > 3)
		return then_excl(argv[2], argv + 3);
	fprintf(stderr, "rg-probe: unknown mode %s\n", m);
	return 2;
}

#ifdef PROBE_STANDALONE
int
main(int argc, char **argv)
{
	return probe_main(argc, argv);
}
#else
/* glibc passes (argc, argv, envp) to ELF constructors. */
static void __attribute__((constructor))
probe_ctor(int argc, char **argv, char **envp)
{
	const char *b;

	(void)envp;
	if (argc < 1 || argv == NULL || argv[0] == NULL)
		return;
	b = strrchr(argv[0], '/');
	b = b ? b + 1 : argv[0];
	if (strcmp(b, "rg-probe") == 0) {
		int rc = probe_main(argc, argv);

		fflush(stdout);
		_exit(rc);
	}
}
#endif
