// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one-agent lock (agent/lock.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lock.h"

/*
 * Who holds the flock on this inode: /proc/locks lists it. Only for the
 * message; nothing is decided from it.
 */
static pid_t lock_holder(const struct stat *st)
{
	char line[256];
	pid_t holder = 0;
	FILE *f = fopen("/proc/locks", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		char kind[16];
		int pid;

		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%llu", kind, &pid, &maj, &min, &ino) != 5)
			continue;
		if (maj == major(st->st_dev) && min == minor(st->st_dev) && ino == st->st_ino) {
			holder = pid;
			break;
		}
	}
	fclose(f);
	return holder;
}

int lock_take(const char *root, pid_t *holder)
{
	struct stat st;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*holder = 0;
	if (fd < 0)
		return -errno;
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	if (errno == EWOULDBLOCK && !fstat(fd, &st))
		*holder = lock_holder(&st);
	close(fd);
	return -EWOULDBLOCK;
}

void lock_drop(int fd)
{
	if (fd >= 0)
		close(fd);	/* and with it the lock */
}
