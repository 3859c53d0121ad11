/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-interface sysctls the agent sets (/proc/sys/net/<family>/conf/<if>/<key>). */
#ifndef IPMP_SYSCTL_H
#define IPMP_SYSCTL_H

int sysctl_if_set(const char *family, const char *ifname, const char *key, const char *value);

#endif
