/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One agent per host: an exclusive flock(2) on the bpffs root directory,
 * where every group's pins live, held for the agent's whole life (the
 * kernel drops it when the process dies, however it dies). A second agent
 * on the same pins would adopt them and undo the first one's work (its
 * probe key, its bindings); it stops before changing anything, naming the
 * running one. --cleanup takes the same lock, so it never tears down what
 * a running agent uses.
 */
#ifndef IPMP_LOCK_H
#define IPMP_LOCK_H

#include <sys/types.h>

/*
 * The lock on root (which must exist): its fd, or -EWOULDBLOCK when
 * another process holds it (*holder: its pid, 0 if unknown), or -errno.
 */
int lock_take(const char *root, pid_t *holder);
void lock_drop(int fd);

#endif
