/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-interface sysctls the agent sets (/proc/sys/net/<family>/conf/<if>/<key>). */
#ifndef IPMP_SYSCTL_H
#define IPMP_SYSCTL_H

#include <stddef.h>

int sysctl_if_set(const char *family, const char *ifname, const char *key, const char *value);
/* The value, without its newline, into out (len bytes): 0 or -errno. */
int sysctl_if_get(const char *family, const char *ifname, const char *key, char *out, size_t len);

#endif
