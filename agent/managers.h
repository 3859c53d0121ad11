/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Living with network managers. NetworkManager and systemd-networkd take
 * over the interfaces they see: a DHCP client on a member, addresses they
 * did not set flushed from the group interface. At start and on reload the
 * agent writes, for every configured group interface, its veth peer and
 * its members, the runtime configuration that tells each to leave them
 * alone, and asks the running manager to read it again:
 *
 *   <run>/NetworkManager/conf.d/90-ipmp.conf    [keyfile] unmanaged-devices=
 *   <run>/systemd/network/10-ipmp.network       [Match] Name=  [Link] Unmanaged=yes
 *
 * (<run> is /run: gone at reboot, written again by the next start.) Each
 * is written only where that manager is installed, and removed by
 * --cleanup. And because something may still manage a member (another
 * DHCP client, a script), an address or route that appears on a member
 * and is not the agent's (its test address) is said, once each: members
 * carry nothing of their own.
 */
#ifndef IPMP_MANAGERS_H
#define IPMP_MANAGERS_H

struct agent;
struct ipmp_config;

/* Write (or rewrite) the managers' files for the config; say what was written. */
void managers_write(struct agent *a);
/* Remove them (--cleanup): only files that say they are ours. */
void managers_remove(const char *run_dir);
/* After address or route events: what another tool put on a member, said once. */
void managers_watch_members(struct agent *a);

#endif
