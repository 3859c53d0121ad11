// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Runtime administration (agent/admin.h): every request that changes the
 * agent's state is carried out here; control.c only decodes, authorises
 * and replies. One concern, past 600 lines: reload's three steps need one
 * view of what the running agent has, which the other requests share.
 *
 * Reload works in three steps, so that a bad file changes nothing and a
 * good one disturbs nothing it does not change:
 *   1. read the file (errors captured for the client) and check what
 *      cannot change without a restart (a group's name);
 *   2. removals: groups, members and data addresses the file no longer
 *      has; a member moving between groups leaves the old one first;
 *   3. the rest: global settings, standby flags, probe settings (only the
 *      members whose settings changed restart probing), new members,
 *      addresses and groups.
 * A member, address or group the file keeps as it is is not touched: its
 * bindings, probe history and flows stay as they are.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "ipmp_errors.h"
#include "log.h"
#include "metrics.h"
#include "probe_io.h"
#include "learning.h"
#include "carrier.h"
#include "managers.h"
#include "provision.h"

void admin_result_init(struct admin_result *r)
{
	memset(r, 0, sizeof(*r));
}

void admin_result_free(struct admin_result *r)
{
	json_decref(r->changes);
	json_decref(r->errors);
	r->changes = r->errors = NULL;
}

static int fail(struct admin_result *r, int code, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct admin_result *r, int code, int err, const char *fmt, ...)
{
	va_list ap;

	r->code = code;
	r->err = err;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
		va_end(ap);
	} else {
		snprintf(r->msg, sizeof(r->msg), "%s", ipmp_errmsg(code, err));
	}
	return code;
}

static void list_add(json_t **list, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Log a line and keep it for the reply. */
static void list_add(json_t **list, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_msg(level, "%s", line);
	if (!*list)
		*list = json_array();
	if (*list)
		json_array_append_new(*list, json_string(line));
}

struct ipmp_member *admin_member_find(struct agent *a, const char *ifname,
				      struct agent_group **ag)
{
	for (unsigned i = 0; i < a->ngroups; i++) {
		struct ipmp_member *m = group_member_by_name(&a->groups[i]->group, ifname);

		if (m) {
			*ag = a->groups[i];
			return m;
		}
	}
	return NULL;
}

struct agent_group *admin_group_find(struct agent *a, const char *name)
{
	for (unsigned i = 0; i < a->ngroups; i++)
		if (!strcmp(a->groups[i]->group.ifname, name) || !strcmp(a->groups[i]->group.name, name))
			return a->groups[i];
	return NULL;
}

/* A group interface (or its veth peer) of a running group. */
static bool is_group_iface(struct agent *a, const char *ifname)
{
	for (unsigned i = 0; i < a->ngroups; i++)
		if (!strcmp(a->groups[i]->group.ifname, ifname) ||
		    !strcmp(a->groups[i]->cfg->peer_ifname, ifname))
			return true;
	return false;
}

int admin_add_interface(struct agent *a, const char *group, const struct config_member *cm,
			struct admin_result *r)
{
	struct agent_group *ag = admin_group_find(a, group), *other;
	struct nl_link l;
	int ret;

	if (!ag)
		return fail(r, IPMP_EUNKGROUP, 0, NULL);
	if (admin_member_find(a, cm->ifname, &other))
		return fail(r, IPMP_EINVAL, 0, "%s is already in group %s", cm->ifname,
			    other->group.name);
	if (is_group_iface(a, cm->ifname))
		return fail(r, IPMP_EINVAL, 0, "%s is a group interface", cm->ifname);
	ret = nl_link_get(&a->nl, cm->ifname, &l);
	if (ret)
		return fail(r, IPMP_EINVAL, 0, "%s: %s", cm->ifname,
			    ret == -ENODEV ? "no such interface" : strerror(-ret));
	group_begin(&ag->group);
	ret = agent_member_add(a, ag, cm);
	group_end(&ag->group);
	if (ret == -ENOSPC)
		return fail(r, IPMP_FAILURE, ENOSPC, "group %s has %d members, the most it can have",
			    ag->group.name, IPMP_MAX_MEMBERS);
	if (ret)
		return fail(r, IPMP_FAILURE, -ret, "cannot add %s to group %s: %s", cm->ifname,
			    ag->group.name, strerror(-ret));
	return 0;
}

int admin_remove_interface(struct agent *a, const char *ifname, struct admin_result *r)
{
	struct agent_group *ag;
	struct ipmp_member *m = admin_member_find(a, ifname, &ag);

	if (!m)
		return fail(r, IPMP_EUNKIF, 0, NULL);
	agent_member_remove(a, ag, m);
	return 0;
}

static struct agent_group *address_owner(struct agent *a, const struct ip_prefix *p, int *index)
{
	for (unsigned i = 0; i < a->ngroups; i++) {
		*index = group_addr_find(&a->groups[i]->group, p);
		if (*index >= 0)
			return a->groups[i];
	}
	return NULL;
}

static int group_address_add(struct agent *a, struct agent_group *ag, const struct ip_prefix *p)
{
	int ret = group_addr_add(&ag->group, p);

	if (!ret)
		ret = provision_addr_add(a, ag->group.name, ag->group.ifname, ag->group.ifindex, p,
					 false);
	return ret;
}

/* Off the group interface, then out of the model; the commit deletes its binding. */
static void group_address_remove(struct agent *a, struct agent_group *ag, unsigned index)
{
	struct ip_prefix p = ag->group.addrs[index].prefix;

	if (!undo_addr_release(&a->undo, &a->nl, ag->group.ifindex, &p))
		nl_addr_del(&a->nl, ag->group.ifindex, &p);	/* asked for: gone either way */
	group_addr_remove(&ag->group, index);
}

int admin_add_address(struct agent *a, const char *group, const struct ip_prefix *p,
		      struct admin_result *r)
{
	struct agent_group *ag = admin_group_find(a, group);
	char buf[IP_PREFIX_STRLEN];
	int index, ret;

	const char *why = ip_data_address_unfit(p);

	if (why)
		return fail(r, IPMP_EINVAL, 0, "%s cannot be a data address: %s",
			    ip_prefix_str(p, false, buf, sizeof(buf)), why);
	if (!ag)
		return fail(r, IPMP_EUNKGROUP, 0, NULL);
	if (address_owner(a, p, &index))
		return fail(r, IPMP_EINVAL, 0, "address %s is already a data address",
			    ip_prefix_str(p, true, buf, sizeof(buf)));
	ret = group_address_add(a, ag, p);
	if (ret)
		return fail(r, IPMP_FAILURE, -ret, NULL);
	return 0;
}

int admin_remove_address(struct agent *a, const struct ip_prefix *p, struct admin_result *r)
{
	char buf[IP_PREFIX_STRLEN];
	int index;
	struct agent_group *ag = address_owner(a, p, &index);

	if (!ag)
		return fail(r, IPMP_EUNKADDR, 0, NULL);
	if (ag->group.addrs[index].foreign)
		return fail(r, IPMP_EINVAL, 0, "%s is not the agent's (the kernel or another tool put "
			    "it on %s): remove it the way it was added", ip_prefix_str(p, false, buf, sizeof(buf)),
			    ag->group.ifname);
	group_address_remove(a, ag, index);
	return 0;
}

/* offline / undo-offline (spec 3.16); probing stops while offline. */
static int admin_offline(struct agent *a, const char *ifname, bool offline, struct admin_result *r)
{
	struct agent_group *ag;
	struct ipmp_member *m = admin_member_find(a, ifname, &ag);
	int code;

	if (!m)
		return fail(r, IPMP_EUNKIF, 0, NULL);
	code = offline ? member_offline(m) : member_undo_offline(m);
	agent_probing_sync(a, ag);	/* a duplicate it shadowed may be back (spec 3.16) */
	return code ? fail(r, code, EINVAL, NULL) : 0;
}

static int admin_standby(struct agent *a, const char *ifname, bool standby,
			 struct admin_result *r)
{
	struct agent_group *ag;
	struct ipmp_member *m = admin_member_find(a, ifname, &ag);

	if (!m)
		return fail(r, IPMP_EUNKIF, 0, NULL);
	member_set_standby(m, standby);
	return 0;
}

int admin_execute(struct agent *a, const struct request *req, struct admin_result *r)
{
	switch (req->cmd) {
	case IPMP_CMD_ADD_ADDRESS:
		return admin_add_address(a, req->group, &req->address, r);
	case IPMP_CMD_REMOVE_ADDRESS:
		return admin_remove_address(a, &req->address, r);
	case IPMP_CMD_ADD_INTERFACE:
		return admin_add_interface(a, req->group, &req->member, r);
	case IPMP_CMD_REMOVE_INTERFACE:
		return admin_remove_interface(a, req->ifname, r);
	case IPMP_CMD_RELOAD:
		return admin_reload(a, r);
	case IPMP_CMD_STANDBY:
		return admin_standby(a, req->ifname, req->standby, r);
	case IPMP_CMD_OFFLINE:
	case IPMP_CMD_UNDO_OFFLINE:
		return admin_offline(a, req->ifname, req->cmd == IPMP_CMD_OFFLINE, r);
	default:
		return fail(r, IPMP_EPROTO, 0, NULL);	/* not a command that changes state */
	}
}

/* ---- reload ---- */

struct captured {
	json_t *errors;		/* LOG_ERR lines */
	json_t *lines;		/* every line with its level, to log after capture */
};

static void capture_sink(int level, const char *line, void *ctx)
{
	struct captured *c = ctx;

	if (level <= LOG_ERR)
		json_array_append_new(c->errors, json_string(line));
	json_array_append_new(c->lines, json_pack("[i, s]", level, line));
}

/* Read the file with its messages captured for the client (and logged too). */
static int reload_read(struct agent *a, struct ipmp_config *next, struct admin_result *r)
{
	struct captured c = { .errors = json_array(), .lines = json_array() };
	size_t i;
	json_t *v;
	int ret;

	if (!c.errors || !c.lines) {
		json_decref(c.errors);
		json_decref(c.lines);
		return -ENOMEM;
	}
	log_set_sink(capture_sink, &c);
	ret = config_load(a->cfg.path, next);
	log_set_sink(NULL, NULL);
	json_array_foreach(c.lines, i, v)
		log_msg(json_integer_value(json_array_get(v, 0)), "%s",
			json_string_value(json_array_get(v, 1)));
	json_decref(c.lines);
	if (ret && !json_array_size(c.errors))
		json_array_append_new(c.errors, json_sprintf("%s: %s", a->cfg.path, strerror(-ret)));
	if (ret)
		r->errors = c.errors;
	else
		json_decref(c.errors);
	return ret;
}

static const struct config_group *config_group_find(const struct ipmp_config *cfg,
						    const char *ifname)
{
	for (unsigned i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].ifname, ifname))
			return &cfg->groups[i];
	return NULL;
}

static const struct config_member *config_member_find(const struct config_group *cg,
						      const char *ifname)
{
	for (unsigned i = 0; cg && i < cg->nmembers; i++)
		if (!strcmp(cg->members[i].ifname, ifname))
			return &cg->members[i];
	return NULL;
}

static bool config_addr_listed(const struct config_group *cg, const struct ip_prefix *p)
{
	for (unsigned i = 0; i < cg->naddrs; i++)
		if (ip_prefix_same_addr(&cg->addrs[i], p) && cg->addrs[i].plen == p->plen)
			return true;
	return false;
}

static bool prefix_same(const struct ip_prefix *x, const struct ip_prefix *y)
{
	return ip_prefix_same_addr(x, y) && x->plen == y->plen;
}

/* Would this member probe differently under the new settings? */
static bool probe_settings_differ(const struct config_group *old_g, const struct config_member *old_m,
				  const struct config_group *new_g, const struct config_member *new_m)
{
	if (old_m->probe != new_m->probe || old_m->has_test_address != new_m->has_test_address)
		return true;
	if (new_m->has_test_address && !prefix_same(&old_m->test_address, &new_m->test_address))
		return true;
	if (old_g->probe != new_g->probe || old_g->ntargets != new_g->ntargets)
		return true;
	for (unsigned i = 0; i < new_g->ntargets; i++)
		if (!prefix_same(&old_g->targets[i], &new_g->targets[i]))
			return true;
	return false;
}

/* Step 1: what the running agent cannot take without a restart. */
static bool reload_check(struct agent *a, const struct ipmp_config *next, struct admin_result *r)
{
	bool ok = true;

	for (unsigned i = 0; i < a->ngroups; i++) {
		const struct ipmp_group *g = &a->groups[i]->group;
		const struct config_group *cg = config_group_find(next, g->ifname);

		if (cg && strcmp(cg->name, g->name)) {
			list_add(&r->errors, LOG_ERR,
				 "%s:%d: group %s: the name changes from %s to %s; that needs a restart",
				 next->path, cg->line, g->ifname, g->name, cg->name);
			ok = false;
		}
	}
	return ok;
}

/* Step 2: whatever the file no longer has: whole groups first. */
static void reload_remove_groups(struct agent *a, const struct ipmp_config *next,
				 struct admin_result *r)
{
	for (unsigned i = a->ngroups; i-- > 0;) {
		struct agent_group *ag = a->groups[i];

		if (config_group_find(next, ag->group.ifname))
			continue;
		list_add(&r->changes, LOG_INFO, "group %s (%s) removed", ag->group.name,
			 ag->group.ifname);
		agent_group_remove(a, ag);
	}
}

/* Then the members and addresses a group that stays no longer has. */
static void reload_remove(struct agent *a, const struct ipmp_config *next, struct admin_result *r)
{
	char buf[IP_PREFIX_STRLEN];

	for (unsigned i = 0; i < a->ngroups; i++) {
		struct agent_group *ag = a->groups[i];
		const struct config_group *cg = config_group_find(next, ag->group.ifname);

		group_for_each_member(&ag->group, m) {
			if (config_member_find(cg, m->ifname))
				continue;
			list_add(&r->changes, LOG_INFO, "interface %s removed from group %s",
				 m->ifname, ag->group.name);
			agent_member_remove(a, ag, m);
		}
		for (unsigned j = ag->group.naddrs; j-- > 0;) {
			const struct ip_prefix *p = &ag->group.addrs[j].prefix;

			if (ag->group.addrs[j].foreign || config_addr_listed(cg, p))
				continue;
			list_add(&r->changes, LOG_INFO, "address %s removed from group %s",
				 ip_prefix_str(p, true, buf, sizeof(buf)), ag->group.name);
			group_address_remove(a, ag, j);
		}
	}
}

static void reload_globals(struct agent *a, const struct ipmp_config *old,
			   const struct ipmp_config *next, struct admin_result *r)
{
	if (old->fdt_ms != next->fdt_ms) {
		list_add(&r->changes, LOG_INFO, "failure detection time changed from %u to %u ms",
			 old->fdt_ms, next->fdt_ms);
		for (unsigned i = 0; i < a->ngroups; i++)
			probe_group_init(&a->groups[i]->group.probe, next->fdt_ms);
	}
	if (old->failback != next->failback) {
		list_add(&r->changes, LOG_INFO, "failback changed to %s",
			 next->failback ? "yes" : "no");
		for (unsigned i = 0; i < a->ngroups; i++)
			a->groups[i]->group.failback = next->failback;
	}
	if (old->garp_count != next->garp_count || old->garp_interval_ms != next->garp_interval_ms) {
		list_add(&r->changes, LOG_INFO, "gratuitous ARP: %u every %u ms", next->garp_count,
			 next->garp_interval_ms);
		announcer_configure(a->announcer, next->garp_count, next->garp_interval_ms);
	}
	if (old->datapath_direct != next->datapath_direct) {
		list_add(&r->changes, LOG_INFO, "datapath: %s",
			 next->datapath_direct ? "direct" : "veth");
		for (unsigned i = 0; i < a->ngroups; i++) {
			struct agent_group *ag = a->groups[i];

			if (agent_group_datapath(a, ag, next->datapath_direct))
				list_add(&r->errors, LOG_ERR, "group %s: cannot change its datapath",
					 ag->group.name);
		}
	}
	managers_write(a);	/* the interfaces may have changed; rewritten only if so */
	if (old->early_carrier != next->early_carrier) {
		list_add(&r->changes, LOG_INFO, "early_carrier: %s", next->early_carrier ? "yes" : "no");
		if (carrier_follow(a) != next->early_carrier)
			list_add(&r->changes, LOG_ERR, "cannot follow netif_carrier_off");
	}
	if (old->learn_interval_ms != next->learn_interval_ms) {
		list_add(&r->changes, LOG_INFO, "learn_interval: %u ms", next->learn_interval_ms);
		if (learning_start(a))
			list_add(&r->changes, LOG_ERR, "cannot start the learning timer");
	}
	if (strcmp(old->metrics_dir, next->metrics_dir) ||
	    old->metrics_interval_s != next->metrics_interval_s) {
		list_add(&r->changes, LOG_INFO, "metrics: %s every %u s",
			 a->metrics_dir ? a->metrics_dir : next->metrics_dir[0] ? next->metrics_dir : "off",
			 next->metrics_interval_s);
		metrics_stop(a);	/* a->cfg is the new file already */
		if (metrics_start(a))
			list_add(&r->changes, LOG_ERR, "cannot start writing metrics");
	}
}

/* Step 3 for a group that stays: its members' settings, new members, new addresses. */
static void reload_group(struct agent *a, const struct ipmp_config *old, struct agent_group *ag,
			 const struct config_group *cg, struct admin_result *r)
{
	const struct config_group *old_cg = ag->cfg;
	char buf[IP_PREFIX_STRLEN];
	int ret;

	ag->cfg = cg;
	for (unsigned i = 0; i < cg->nmembers; i++) {
		const struct config_member *cm = &cg->members[i];
		struct ipmp_member *m = group_member_by_name(&ag->group, cm->ifname);
		struct agent_group *other;

		if (!m) {
			if (admin_member_find(a, cm->ifname, &other) || is_group_iface(a, cm->ifname)) {
				list_add(&r->errors, LOG_ERR, "%s:%d: %s is in use by another group",
					 a->cfg.path, cm->line, cm->ifname);
				continue;
			}
			ret = agent_member_add(a, ag, cm);
			if (ret)
				list_add(&r->errors, LOG_ERR, "cannot add %s to group %s: %s",
					 cm->ifname, ag->group.name, strerror(-ret));
			else
				list_add(&r->changes, LOG_INFO, "interface %s added to group %s",
					 cm->ifname, ag->group.name);
			continue;
		}
		if (probe_settings_differ(old_cg, &m->cfg, cg, cm) ||
		    config_member_xdp(old, &m->cfg) != config_member_xdp(&a->cfg, cm)) {
			list_add(&r->changes, LOG_INFO, "%s: probe settings changed; probing restarts",
				 m->ifname);
			agent_member_reconfigure(a, ag, m, cm);	/* takes cm */
		} else {
			group_member_reconfigure(m, cm);
		}
		if (!!(m->flags & MEMBER_F_STANDBY) != cm->standby) {
			list_add(&r->changes, LOG_INFO, "%s: standby %s", m->ifname,
				 cm->standby ? "on" : "off");
			member_set_standby(m, cm->standby);
		}
	}
	for (unsigned i = 0; i < cg->naddrs; i++) {
		const struct ip_prefix *p = &cg->addrs[i];
		struct agent_group *owner;
		int index;

		ip_prefix_str(p, true, buf, sizeof(buf));
		owner = address_owner(a, p, &index);
		if (owner == ag && ag->group.addrs[index].prefix.plen == p->plen)
			continue;
		if (owner == ag)	/* same address, new prefix length */
			group_address_remove(a, ag, index);
		else if (owner) {
			list_add(&r->errors, LOG_ERR, "%s:%d: %s is a data address of group %s",
				 a->cfg.path, cg->line, buf, owner->group.name);
			continue;
		}
		ret = group_address_add(a, ag, p);
		if (ret)
			list_add(&r->errors, LOG_ERR, "cannot add %s to group %s: %s", buf,
				 ag->group.name, strerror(-ret));
		else
			list_add(&r->changes, LOG_INFO, "address %s added to group %s", buf,
				 ag->group.name);
	}
}

/* The running groups the new file keeps (the first n): each commits once, at the end. */
static void reload_hold(struct agent *a, unsigned n, bool hold)
{
	for (unsigned i = 0; i < n; i++) {
		if (hold)
			group_begin(&a->groups[i]->group);
		else
			group_end(&a->groups[i]->group);
	}
}

int admin_reload(struct agent *a, struct admin_result *r)
{
	struct ipmp_config next = {}, old;
	unsigned nkept;
	int ret;

	pr_info("reloading %s", a->cfg.path);
	ret = reload_read(a, &next, r);
	if (ret)
		return fail(r, IPMP_EINVAL, 0, "%s has errors; nothing changed", a->cfg.path);
	if (!reload_check(a, &next, r)) {
		config_free(&next);
		return fail(r, IPMP_EINVAL, 0, "%s cannot be applied; nothing changed", a->cfg.path);
	}
	reload_remove_groups(a, &next, r);
	nkept = a->ngroups;	/* groups added below come after these, and commit on their own */
	reload_hold(a, nkept, true);
	reload_remove(a, &next, r);
	/* from here the running groups refer to the new file's settings */
	old = a->cfg;
	a->cfg = next;
	reload_globals(a, &old, &a->cfg, r);
	for (unsigned i = 0; i < a->cfg.ngroups; i++) {
		const struct config_group *cg = &a->cfg.groups[i];
		struct agent_group *ag = NULL;

		for (unsigned j = 0; j < a->ngroups && !ag; j++)
			if (!strcmp(a->groups[j]->group.ifname, cg->ifname))
				ag = a->groups[j];
		if (ag) {
			reload_group(a, &old, ag, cg, r);
			continue;
		}
		ret = agent_group_add(a, cg);
		if (ret)
			list_add(&r->errors, LOG_ERR, "cannot set up group %s: %s", cg->name,
				 strerror(-ret));
		else
			list_add(&r->changes, LOG_INFO, "group %s (%s) added", cg->name, cg->ifname);
	}
	reload_hold(a, nkept, false);
	config_free(&old);
	if (r->errors)
		return fail(r, IPMP_FAILURE, EIO, "%s: some changes could not be made",
			    a->cfg.path);
	pr_info("reloaded %s: %zu change%s", a->cfg.path, json_array_size(r->changes),
		json_array_size(r->changes) == 1 ? "" : "s");
	return 0;
}
