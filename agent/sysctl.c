// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Writing per-interface sysctls; errors are returned, the caller logs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

int sysctl_if_set(const char *family, const char *ifname, const char *key, const char *value)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}
