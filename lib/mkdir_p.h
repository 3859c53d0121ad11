/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A directory and its missing parents, as mkdir -p. */
#ifndef IPMP_MKDIR_P_H
#define IPMP_MKDIR_P_H

#include <sys/types.h>

/* Every missing component of path made with mode: 0, or -errno. */
int mkdir_p(const char *path, mode_t mode);

#endif
