// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading and writing per-interface sysctls; errors are returned, the caller logs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

static void sysctl_path(char *path, size_t len, const char *family, const char *ifname,
			const char *key)
{
	snprintf(path, len, "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);
}

int sysctl_if_get(const char *family, const char *ifname, const char *key, char *out, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	sysctl_path(path, sizeof(path), family, ifname, key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	out[n] = 0;
	out[strcspn(out, "\n")] = 0;
	return 0;
}

int sysctl_if_set(const char *family, const char *ifname, const char *key, const char *value)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, ret = 0;

	sysctl_path(path, sizeof(path), family, ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}
