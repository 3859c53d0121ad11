// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The agent's life: start, stop, groups and members added and removed,
 * cleanup. Each concern it wires together has its own file: provision.c
 * (interfaces), adopt.c (restart), linkwatch.c (link events), events.c
 * (fan-out), probe_io.c and routes.c (probing), dataplane.c (maps).
 *
 * Setup order for a group, chosen so no half-made group carries traffic:
 * group interface (veth pair), data plane loaded and attached, members
 * read and attached, first state pushed into the maps, and only then the
 * data addresses on the group interface. A group whose setup fails is
 * undone (group_rollback()) and the agent exits; so is every group this
 * start set up new, so a failed first start leaves nothing behind. Groups
 * a previous agent left keep forwarding, as after any stop, until
 * --cleanup. What is undone, here and at --cleanup, is what the agent
 * recorded it changed (agent/undo.h), and nothing else.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/rtnetlink.h>

#include <sys/random.h>

#include "adopt.h"
#include "agent.h"
#include "control.h"
#include "events.h"
#include "carrier.h"
#include "linkwatch.h"
#include "hooks.h"
#include "learning.h"
#include "managers.h"
#include "lock.h"
#include "log.h"
#include "metrics.h"
#include "probe_io.h"
#include "provision.h"
#include "routes.h"

void agent_timer_arm(struct agent *a, struct event **ev, event_callback_fn cb, void *arg,
		     uint64_t deadline_ms)
{
	/*
	 * To the microsecond, from a fresh time on both sides: libevent adds
	 * the delay to the time its loop turn began, which inside a callback
	 * is a while ago, and the timer would fire that much early (a wake-up
	 * for nothing, then another).
	 */
	uint64_t now_us = clock_now_ns(a->clock) / 1000, at_us = deadline_ms * 1000;
	uint64_t delay = at_us > now_us ? at_us - now_us : 0;
	struct timeval tv = { .tv_sec = delay / 1000000, .tv_usec = delay % 1000000 };

	event_base_update_cache_time(a->base);
	if (!*ev) {
		*ev = evtimer_new(a->base, cb, arg);
		if (*ev)
			event_priority_set(*ev, AGENT_PRIO_DETECT);
	}
	if (*ev)
		evtimer_add(*ev, &tv);
}

void agent_member_reconfigure(struct agent *a, struct agent_group *ag, struct ipmp_member *m,
			      const struct config_member *cm)
{
	/* a test address that stays is left in place: removing it would flush its neighbours */
	bool moved = m->cfg.has_test_address != cm->has_test_address ||
		     (cm->has_test_address &&
		      (!ip_prefix_same_addr(&m->cfg.test_address, &cm->test_address) ||
		       m->cfg.test_address.plen != cm->test_address.plen));

	probe_io_member_stop(ag, m, false);
	if (moved)
		provision_test_address(a, m, false);
	group_member_reconfigure(m, cm);
	if (moved)
		provision_test_address(a, m, true);
	if (m->ifindex && m->state != MEMBER_OFFLINE)
		probe_io_member_start(a, ag, m);
}

/*
 * Undo a group this start set up new: detach what was attached, undo what
 * was recorded for it (the group interface if it was made, sysctls,
 * addresses, hooks), remove the pins. A group this agent was adopting is
 * left alone: it kept forwarding.
 */
static void group_rollback(struct agent *a, struct agent_group *ag)
{
	probe_io_group_stop(ag);
	if (ag->dp.inherited) {
		/* a previous agent's data plane: it forwards on as it is, never torn down */
		pr_err("group %s: leaving the running data plane as it is", ag->group.name);
		dataplane_close(&ag->dp);
		return;
	}
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		dataplane_detach_member(&ag->dp, i);
	undo_group(&a->undo, &a->nl, ag->group.name);
	dataplane_close(&ag->dp);
	/* with the pins go the XDP links, and so the programs on the members */
	dataplane_unpin(a->bpffs, ag->group.name);
}

/* The other way, left from before a change of datapath: gone if it is ours. */
static void datapath_release_other(struct agent *a, struct agent_group *ag, bool direct)
{
	if (direct && ag->peer_ifindex)
		undo_tc_release(&a->undo, &a->nl, ag->peer_ifindex, false);
	else if (!direct)
		undo_tc_release(&a->undo, &a->nl, ag->group.ifindex, true);
}

int agent_group_datapath(struct agent *a, struct agent_group *ag, bool direct)
{
	/* the hook moves first, then member_ingress is told where to deliver */
	int ret = dataplane_attach_group(&ag->dp, ag->group.ifindex, ag->peer_ifindex, direct);

	if (!ret)
		ret = dataplane_push(&ag->dp, &ag->group);
	if (!ret)
		datapath_release_other(a, ag, direct);
	return ret;
}

/* Each step's failure is logged where it happens; the caller undoes the group. */
static int group_setup(struct agent *a, struct agent_group *ag)
{
	struct ipmp_group *g = &ag->group;
	struct dataplane_prior prior;
	int ret;

	ret = provision_group_iface(a, ag);
	if (!ret)
		ret = dataplane_open(&ag->dp, a->bpffs, g->name, &a->undo);
	if (!ret)
		ret = dataplane_attach_group(&ag->dp, g->ifindex, ag->peer_ifindex,
					     a->cfg.datapath_direct);
	if (!ret)
		ret = probe_io_group_start(a, ag);
	group_for_each_member(g, m)
		if (!ret)
			ret = provision_member_find(a, ag, m);
	if (ret)
		return ret;
	provision_group_mtu(a, ag);
	provision_addresses_follow(a, ag, false);	/* another tool's, from before a restart */
	adopt_group(a, ag, &prior);
	group_start(g);
	adopt_finish(a, ag, &prior);
	dataplane_prior_free(&prior);
	datapath_release_other(a, ag, a->cfg.datapath_direct);	/* pushed: the new way works */
	group_for_each_member(g, m)
		if (m->ifindex && m->state != MEMBER_OFFLINE)
			probe_io_member_start(a, ag, m);
	return provision_group_addrs(a, ag);
}

/* The agent's side of a group is gone: timers, probing, program handles, memory. */
static void agent_group_free(struct agent_group *ag)
{
	group_for_each_member(&ag->group, m)
		linkwatch_timer_free(ag, m);
	probe_io_group_stop(ag);
	dataplane_close(&ag->dp);
	group_free(&ag->group);
	free(ag);
}

int agent_group_add(struct agent *a, const struct config_group *cg)
{
	struct agent_group **grown, *ag;
	int ret;

	grown = realloc(a->groups, (a->ngroups + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	a->groups = grown;
	ag = calloc(1, sizeof(*ag));
	if (!ag)
		return -ENOMEM;
	ag->agent = a;
	ag->cfg = cg;
	metrics_group_init(&ag->metrics);
	probe_io_init(&ag->probing);
	ret = group_init(&ag->group, cg, &a->cfg, a->clock, &events_group_ops, ag);
	if (!ret)
		ret = group_setup(a, ag);
	if (ret) {
		pr_err("cannot set up group %s; undoing it", cg->name);
		group_rollback(a, ag);
		agent_group_free(ag);
		return ret;
	}
	a->groups[a->ngroups++] = ag;
	pr_info("group %s (%s) is %s", ag->group.name, ag->group.ifname,
		group_state_names[ag->group.state]);
	return 0;
}

/*
 * A group leaves (reload): its members released, what the agent did for it
 * undone (the group interface deleted if the agent made it, with the data
 * addresses on it), its pins removed.
 */
void agent_group_remove(struct agent *a, struct agent_group *ag)
{
	unsigned i;

	pr_info("group %s (%s): removing it", ag->group.name, ag->group.ifname);
	group_for_each_member(&ag->group, m)
		provision_member_release(a, ag, m);
	undo_group(&a->undo, &a->nl, ag->group.name);
	for (i = 0; i < a->ngroups && a->groups[i] != ag; i++)
		;
	memmove(a->groups + i, a->groups + i + 1, (a->ngroups - i - 1) * sizeof(*a->groups));
	a->ngroups--;
	if (dataplane_unpin(a->bpffs, ag->group.name))
		pr_warn("cannot remove %s/%s", a->bpffs, ag->group.name);
	agent_group_free(ag);
}

int agent_member_add(struct agent *a, struct agent_group *ag, const struct config_member *cm)
{
	struct ipmp_member *m;
	int ret = group_member_add(&ag->group, cm, &m);

	if (ret)
		return ret;
	ret = dataplane_stats_reset(&ag->dp, m->slot);
	if (!ret)
		ret = provision_member_find(a, ag, m);
	if (ret) {
		group_member_remove(m);	/* its release follows the commit */
		return ret;
	}
	provision_group_mtu(a, ag);
	group_member_start(m);
	if (m->ifindex)
		probe_io_member_start(a, ag, m);
	return 0;
}

/*
 * A member leaves: it stops probing now; its addresses move to the others
 * at the commit, and only once the maps forget it does its filter come
 * off (events.c, member_left), so frames still arriving on it are
 * delivered until then.
 */
void agent_member_remove(struct agent *a, struct agent_group *ag, struct ipmp_member *m)
{
	linkwatch_timer_free(ag, m);
	probe_io_member_stop(ag, m, false);
	group_member_remove(m);
}

/* Offline members do not probe; the others do once they have a netdev (spec 3.16). */
void agent_probing_sync(struct agent *a, struct agent_group *ag)
{
	group_for_each_member(&ag->group, m) {
		if (m->state == MEMBER_OFFLINE)
			probe_io_member_stop(ag, m, false);
		else if (m->ifindex)
			probe_io_member_start(a, ag, m);
	}
}

/*
 * One agent per host (agent/lock.h): what would be undone otherwise is
 * what the running agent needs. Taken before anything on the system
 * changes; the refusal names the running agent.
 */
static int agent_lock(const char *bpffs, const char *what)
{
	pid_t holder;
	int ret = lock_take(bpffs, &holder);

	if (ret == -EWOULDBLOCK && holder)
		pr_err("another ipmp-agent (pid %d) is running on %s; %s", (int)holder, bpffs, what);
	else if (ret == -EWOULDBLOCK)
		pr_err("another ipmp-agent is running on %s; %s", bpffs, what);
	else if (ret < 0)
		pr_err("cannot lock %s: %s; %s", bpffs, strerror(-ret), what);
	return ret;
}

/*
 * A start that failed: every group it set up new is undone like one whose
 * setup failed; groups a previous agent left forward on. With nothing
 * left, the record goes too, and the bpffs root if this start made it.
 */
static void agent_start_undo(struct agent *a)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];

		if (ag->dp.inherited) {
			a->groups[kept++] = ag;
			continue;
		}
		pr_info("group %s: undoing what this start set up", ag->group.name);
		group_rollback(a, ag);
		agent_group_free(ag);
	}
	a->ngroups = kept;
	if (kept || a->undo.fd < 0 || !undo_empty(&a->undo))
		return;
	undo_close(&a->undo);
	undo_unpin(a->bpffs);
	/* the lock is an open directory on the bpffs: let go before unmounting it */
	lock_drop(a->lock_fd);
	a->lock_fd = -1;
	dataplane_bpffs_unprepare(a->bpffs, a->bpffs_made);
}

/* Is there a directory of a group's pins (one with a version record) at root/name? */
static bool pinned_group(const char *root, const char *name)
{
	char path[PATH_MAX + 512];

	snprintf(path, sizeof(path), "%s/%s/abi", root, name);
	if (!access(path, F_OK))
		return true;
	snprintf(path, sizeof(path), "%s/%s/group_cfg", root, name);
	return !access(path, F_OK);
}

/*
 * Groups a previous agent ran that the config no longer has: removed as a
 * reload would have. After the configured groups are set up, so a member
 * that moved to one of them was claimed first (its XDP link taken over,
 * its record relabelled) and is left alone here.
 */
static void agent_prune_unconfigured(struct agent *a)
{
	struct dirent *de;
	DIR *d = opendir(a->bpffs);

	if (!d)
		return;
	while ((de = readdir(d))) {
		bool configured = false;

		if (de->d_name[0] == '.' || de->d_type != DT_DIR || !pinned_group(a->bpffs, de->d_name))
			continue;
		for (unsigned i = 0; i < a->cfg.ngroups; i++)
			configured |= !strcmp(a->cfg.groups[i].name, de->d_name);
		if (configured)
			continue;
		pr_info("group %s is no longer configured; removing what it left", de->d_name);
		undo_group(&a->undo, &a->nl, de->d_name);
		if (dataplane_unpin(a->bpffs, de->d_name))
			pr_warn("cannot remove %s/%s", a->bpffs, de->d_name);
	}
	closedir(d);
}

static int agent_start_steps(struct agent *a);

int agent_start(struct agent *a)
{
	int ret = agent_start_steps(a);

	if (ret && a->lock_fd >= 0)
		agent_start_undo(a);
	return ret;
}

static int agent_start_steps(struct agent *a)
{
	struct timespec wall;
	int ret;

	clock_gettime(CLOCK_REALTIME, &wall);
	a->start_wall = wall.tv_sec + wall.tv_nsec / 1e9;
	ret = nl_open(&a->nl, 0);
	if (ret) {
		pr_err("cannot open rtnetlink: %s", strerror(-ret));
		return ret;
	}
	ret = dataplane_bpffs_prepare(a->bpffs, &a->bpffs_made);
	if (ret)
		return ret;
	ret = agent_lock(a->bpffs, "not starting");
	if (ret < 0)
		return ret;
	a->lock_fd = ret;
	ret = undo_open(&a->undo, a->bpffs, true);
	if (ret)
		return ret;
	if (getrandom(a->probe_key, sizeof(a->probe_key), 0) != sizeof(a->probe_key) ||
	    getrandom(&a->probe_seed, sizeof(a->probe_seed), 0) != sizeof(a->probe_seed)) {
		pr_err("cannot get a random probe key: %s", strerror(errno));
		return -errno;
	}
	a->announcer = announcer_new(a->base, a->cfg.garp_count, a->cfg.garp_interval_ms);
	if (!a->announcer)
		return -EIO;	/* announcer_new() said why */
	a->raw_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->raw_fd < 0) {
		pr_err("cannot open a packet socket: %s", strerror(errno));
		return -errno;
	}
	/* listen before reading state, so no change falls between the two */
	ret = linkwatch_open(a);
	if (ret)
		return ret;
	carrier_follow(a);	/* not followed: netlink alone, as before */
	for (unsigned i = 0; i < a->cfg.ngroups; i++) {
		ret = agent_group_add(a, &a->cfg.groups[i]);
		if (ret)
			return ret;
	}
	agent_prune_unconfigured(a);
	linkwatch_settle(a);
	routes_rescan_soon(a);
	a->control = control_open(a, a->socket_path);
	if (!a->control)
		return -EIO;
	managers_write(a);
	ret = learning_start(a);
	if (!ret)
		ret = hooks_open(a);
	if (ret)
		return ret;
	ret = metrics_start(a);
	if (ret)
		pr_err("cannot start writing metrics: %s", strerror(-ret));
	return ret;
}

void agent_stop(struct agent *a)
{
	hooks_close(a);
	learning_stop(a);
	metrics_stop(a);
	control_close(a->control);
	a->control = NULL;
	for (unsigned i = 0; i < a->ngroups; i++)
		agent_group_free(a->groups[i]);
	free(a->groups);
	a->groups = NULL;
	a->ngroups = 0;
	carrier_close(a);
	linkwatch_close(a);
	if (a->rescan_ev)
		event_free(a->rescan_ev);
	announcer_free(a->announcer);
	if (a->raw_fd >= 0)
		close(a->raw_fd);
	a->raw_fd = -1;
	nl_close(&a->nl);
	undo_close(&a->undo);
	lock_drop(a->lock_fd);
	a->lock_fd = -1;
}

/*
 * Pins of an agent that no undo record covers (one from before the record
 * existed): what the config names is taken to be the agent's, as it was
 * then.
 */
static int cleanup_by_config(struct nl *nl, const struct ipmp_config *cfg, const char *root)
{
	char path[PATH_MAX + 64];
	struct nl_link l;
	int ret = 0;

	for (unsigned i = 0; i < cfg->ngroups; i++) {
		const struct config_group *cg = &cfg->groups[i];

		snprintf(path, sizeof(path), "%s/%s/group_cfg", root, cg->name);
		if (access(path, F_OK))
			continue;	/* no agent ran this group here */
		pr_warn("group %s: no record in %s of what an agent changed (pins of an older "
			"agent): removing what the config names", cg->name, root);

		for (unsigned j = 0; j < cg->nmembers; j++) {
			const struct config_member *cm = &cg->members[j];

			if (nl_link_get(nl, cm->ifname, &l))
				continue;
			dataplane_detach_ifindex(l.ifindex, false);
			if (cm->has_test_address)
				nl_addr_del(nl, l.ifindex, &cm->test_address);
		}
		if (!nl_link_get(nl, cg->ifname, &l)) {
			if (strcmp(l.kind, "veth")) {
				pr_err("%s is not a group interface (kind '%s'); left alone", cg->ifname,
				       l.kind);
				ret = -EEXIST;
			} else {
				nl_link_del(nl, l.ifindex);
				pr_info("removed group interface %s", cg->ifname);
			}
		}
	}
	return ret;
}

/* Every group's pins under root (a directory with a version record), whatever the config says now. */
static void cleanup_pins(const char *root)
{
	struct dirent *de;
	DIR *d = opendir(root);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR || !pinned_group(root, de->d_name))
			continue;	/* not a group's: not ours to remove */
		if (dataplane_unpin(root, de->d_name))
			pr_warn("cannot remove %s/%s", root, de->d_name);
		else
			pr_info("removed the pins of group %s", de->d_name);
	}
	closedir(d);
}

int agent_cleanup(const struct ipmp_config *cfg, const char *bpffs, const char *run_dir)
{
	struct undo u;
	struct nl nl;
	int lock = agent_lock(bpffs, "stop it before --cleanup");
	int ret;

	if (lock == -EWOULDBLOCK)
		return lock;	/* never under a running agent's feet */
	ret = nl_open(&nl, 0);
	if (ret) {
		pr_err("cannot open rtnetlink: %s", strerror(-ret));
		lock_drop(lock);
		return ret;
	}
	ret = undo_open(&u, bpffs, false);
	if (!ret) {
		/* exactly what the agents recorded they changed, in every group ever run here */
		undo_all(&u, &nl);
		undo_close(&u);
		ret = undo_unpin(bpffs);
	} else if (ret == -ENOENT) {
		ret = cleanup_by_config(&nl, cfg, bpffs);
	}
	/* unpinned, the XDP links detach and the programs and maps go */
	cleanup_pins(bpffs);
	managers_remove(run_dir);
	nl_close(&nl);
	lock_drop(lock);
	return ret;
}
