/* SPDX-License-Identifier: ISC */
/*
 * stdfds.c - keep fds 0, 1 and 2 open (stdfds.h).
 *
 * A caller that starts us with stdin closed would otherwise see the next
 * file we open take fd 0, and the command run with that file as its
 * standard input (the executable's descriptor, read by cat); sudo and
 * doas guard against the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "stdfds.h"

int
rg_keep_stdio(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* the lowest free descriptor: this one */
		nfd = open("/dev/null", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (nfd != fd) {
			if (nfd >= 0)
				close(nfd);
			return -1;
		}
		/* O_CLOEXEC off again: it is the command's stdio now */
		if (fcntl(fd, F_SETFD, 0) < 0)
			return -1;
	}
	return 0;
}
