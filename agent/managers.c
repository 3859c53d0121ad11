// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Network managers told to leave our interfaces alone (agent/managers.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "managers.h"
#include "mkdir_p.h"

#define MARK	"# written by ipmp-agent: the interfaces of its groups are its own"

static const char *run_dir(const struct agent *a)
{
	return a->run_dir ? a->run_dir : "/run";
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

/* Every interface the config names: group interfaces, their peers, members; sep between. */
static void names(const struct ipmp_config *cfg, char *out, size_t len, const char *prefix,
		  const char *sep)
{
	size_t used = 0;

	out[0] = 0;
	for (unsigned i = 0; i < cfg->ngroups; i++) {
		const struct config_group *g = &cfg->groups[i];
		const char *ifs[2] = { g->ifname, g->peer_ifname };

		for (unsigned k = 0; k < 2 + g->nmembers && used < len; k++) {
			const char *n = k < 2 ? ifs[k] : g->members[k - 2].ifname;

			used += snprintf(out + used, len - used, "%s%s%s", used ? sep : "", prefix, n);
		}
	}
}

/* path's content becomes text (written aside, renamed); true if it changed. */
static bool file_put(const char *path, const char *text)
{
	char tmp[PATH_MAX + 8], old[8192];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, old, sizeof(old) - 1);
		close(fd);
		if (n >= 0 && (size_t)n == strlen(text) && !memcmp(old, text, (size_t)n))
			return false;
	}
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fsync(fd)) {
		pr_warn("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return false;
	}
	close(fd);
	if (rename(tmp, path)) {
		pr_warn("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return false;
	}
	return true;
}

/* Ask a running manager to read its configuration again (it is reaped with the hooks). */
static void reload(const char *program, char *const argv[])
{
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (!exists(program))
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, program, &fa, NULL, argv, envp))
		pr_warn("cannot run %s", program);
	posix_spawn_file_actions_destroy(&fa);
}

/*
 * One manager's file: dir and file under the runtime directory; told to read
 * it again (program with argv) when it runs (running exists) and this is
 * the machine's /run, not a test's.
 */
static void write_for(struct agent *a, const char *who, const char *dir, const char *file,
		      const char *text, const char *running, const char *program, char *const argv[])
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", run_dir(a), dir);
	mkdir_p(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", run_dir(a), dir, file);
	if (!file_put(path, text))
		return;
	pr_info("told %s to leave the groups' interfaces alone (%s)", who, path);
	if (!a->run_dir && exists(running))
		reload(program, argv);
}

void managers_write(struct agent *a)
{
	char list[4096], text[8192];
	/* with --run-dir (tests) both are written; else only where the manager is installed */
	bool nm = a->run_dir || exists("/etc/NetworkManager");
	bool networkd = a->run_dir || exists("/lib/systemd/systemd-networkd") ||
			exists("/usr/lib/systemd/systemd-networkd");

	if (!a->cfg.managers)
		return;
	if (nm) {
		names(&a->cfg, list, sizeof(list), "interface-name:", ";");
		snprintf(text, sizeof(text), "%s\n[keyfile]\nunmanaged-devices=%s\n", MARK, list);
		write_for(a, "NetworkManager", "NetworkManager/conf.d", "90-ipmp.conf", text,
			  "/run/NetworkManager", "/usr/bin/nmcli",
			  (char *const[]){ "nmcli", "general", "reload", "conf", NULL });
	}
	if (networkd) {
		names(&a->cfg, list, sizeof(list), "", " ");
		snprintf(text, sizeof(text), "%s\n[Match]\nName=%s\n\n[Link]\nUnmanaged=yes\n", MARK,
			 list);
		write_for(a, "systemd-networkd", "systemd/network", "10-ipmp.network", text,
			  "/run/systemd/netif", "/usr/bin/networkctl",
			  (char *const[]){ "networkctl", "reload", NULL });
	}
}

static void remove_ours(const char *path)
{
	char head[sizeof(MARK)];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n == (ssize_t)sizeof(head) - 1 && !memcmp(head, MARK, sizeof(head) - 1) && !unlink(path))
		pr_info("removed %s", path);
}

void managers_remove(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/NetworkManager/conf.d/90-ipmp.conf", dir ? dir : "/run");
	remove_ours(path);
	snprintf(path, sizeof(path), "%s/systemd/network/10-ipmp.network", dir ? dir : "/run");
	remove_ours(path);
}

/* --- something else on a member -------------------------------------------------------- */

static bool said(struct agent_group *ag, const struct ipmp_member *m, const struct ip_prefix *p,
		 bool route)
{
	struct member_foreign *f = &ag->foreign[m->slot];

	for (unsigned i = 0; i < f->n; i++)
		if (f->route[i] == route && ip_prefix_same_addr(&f->seen[i], p) &&
		    f->seen[i].plen == p->plen)
			return true;
	if (f->n < MEMBER_FOREIGN_MAX) {
		f->seen[f->n] = *p;
		f->route[f->n++] = route;
	}
	return false;
}

void managers_watch_members(struct agent *a)
{
	static struct ip_prefix now[64];
	static bool usable[64];
	char buf[IP_PREFIX_STRLEN];

	for (unsigned gi = 0; gi < a->ngroups; gi++) {
		struct agent_group *ag = a->groups[gi];

		group_for_each_member(&ag->group, m) {
			int n;

			if (!m->ifindex)
				continue;
			n = nl_addr_list(&a->nl, m->ifindex, now, usable, 64);
			for (int k = 0; k < n; k++) {
				if (ip_is_link_local6(&now[k]) ||
				    (m->cfg.has_test_address &&
				     ip_prefix_same_addr(&now[k], &m->cfg.test_address)) ||
				    said(ag, m, &now[k], false))
					continue;
				pr_warn("%s: %s appeared on this member of group %s, not the agent's: a "
					"member carries only its test address (is NetworkManager, "
					"systemd-networkd or a DHCP client managing %s?)", m->ifname,
					ip_prefix_str(&now[k], true, buf, sizeof(buf)), ag->group.name,
					m->ifname);
			}
			n = nl_routes_on(&a->nl, m->ifindex, now, 64);
			for (int k = 0; k < n; k++) {
				if (said(ag, m, &now[k], true))
					continue;
				pr_warn("%s: a route to %s through this member of group %s, not the "
					"agent's: traffic routed there bypasses the group", m->ifname,
					ip_prefix_str(&now[k], true, buf, sizeof(buf)), ag->group.name);
			}
		}
	}
}
