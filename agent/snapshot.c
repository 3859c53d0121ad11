// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Building the snapshot (agent/snapshot.h). Every value the tools print is
 * decided here, after spec 1.3 and 3.17, so ipmpstat only formats:
 *
 *   group     ifname, name, state, fdt_ms (0 when nothing probes),
 *             interfaces (group order: most recently joined first),
 *             outbound (the active members: what any bound address sends from)
 *   member    name, group (interface), active, flags, link, probe, state,
 *             mode, testaddr, targets (firing order), and for -p later
 *   address   address, state, group (interface), inbound (OUTBOUND is the group's)
 *
 * Linux has no "UP address" on a member (data addresses live on the
 * group); a member counts as having one when it is administratively up.
 */
#include <stdio.h>
#include <string.h>

#include "snapshot.h"

static bool member_up(const struct ipmp_member *m)
{
	return m->ifindex != 0;	/* present and set up by the agent */
}

/* spec 1.3.3 / 3.17: ACTIVE only when functioning, up, not inactive, not a dup */
static bool member_view_active(const struct ipmp_member *m)
{
	return member_active(m) && member_up(m);
}

void snapshot_member_flags(const struct ipmp_member *m, unsigned flags, char out[8])
{
	memcpy(out, "-------", 8);
	if (flags & MEMBER_F_INACTIVE)
		out[0] = 'i';
	if (flags & MEMBER_F_STANDBY)
		out[1] = 's';
	if (m->group->nominated == m && group_has_family(m->group, AF_INET)) {
		out[2] = 'm';	/* IPv4 multicast and broadcast share one nominee */
		out[3] = 'b';
	}
	if (m->group->nominated6 == m && group_has_family(m->group, AF_INET6))
		out[4] = 'M';
	if (!member_up(m))
		out[5] = 'd';
	if (flags & MEMBER_F_HWADDRDUP)
		out[6] = 'h';
}

static const char *member_link(const struct ipmp_member *m)
{
	return m->link_up ? "up" : "down";
}

/* spec 1.3.3 PROBE: "failed" only in state failed, not for a failed member without targets */
const char *snapshot_member_probe(const struct ipmp_member *m)
{
	if (!member_probe_enabled(m))
		return "disabled";
	if (m->state == MEMBER_FAILED)
		return "failed";
	if (!member_probe_capable(m))
		return "unknown";
	return "ok";
}

/* spec 1.3.3 STATE: PI_NOTARGETS is "unknown", or "failed" with its FAILED flag */
const char *snapshot_member_state(const struct ipmp_member *m)
{
	switch (m->state) {
	case MEMBER_RUNNING:
		return "ok";
	case MEMBER_FAILED:
		return "failed";
	case MEMBER_OFFLINE:
		return "offline";
	case MEMBER_NOTARGETS:
		return m->flags & MEMBER_F_FAILED ? "failed" : "unknown";
	default:
		return "unknown";
	}
}

/*
 * spec 1.3.4 MODE. Configured targets show as routes: in.mpathd's way to
 * pin targets is static host routes, which it reports as routes.
 */
static const char *instance_mode(const struct probe_instance *pi)
{
	if (!pi->enabled)
		return "disabled";
	if (pi->mode == TARGETS_ROUTES || pi->mode == TARGETS_CONFIGURED)
		return "routes";
	return "multicast";
}

static json_t *instance_targets(const struct probe_instance *pi)
{
	json_t *list = json_array();
	char buf[IP_PREFIX_STRLEN];

	if (!list || !probe_capable(pi))
		return list;
	/* firing order: from the next target, wrapping */
	for (unsigned n = 0; n < pi->ntargets; n++) {
		const struct probe_target *t = &pi->targets[(pi->next_target + n) % pi->ntargets];

		if (t->status == TG_ACTIVE)
			json_array_append_new(list,
					      json_string(ip_prefix_str(&t->addr, false, buf, sizeof(buf))));
	}
	return list;
}

static const char *instance_testaddr(const struct probe_instance *pi, char *buf, size_t len)
{
	return pi->enabled && pi->test_addr.plen != 0 ? ip_prefix_str(&pi->test_addr, false, buf, len) :
							 "";
}

static json_t *member_json(const struct ipmp_member *m)
{
	char flags[8], buf[IP_PREFIX_STRLEN], buf6[IP_PREFIX_STRLEN];

	snapshot_member_flags(m, m->flags, flags);
	return json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o}",
			 "name", m->ifname,
			 "group", m->group->ifname,
			 "active", member_view_active(m),
			 "flags", flags,
			 "link", member_link(m),
			 "probe", snapshot_member_probe(m),
			 "state", snapshot_member_state(m),
			 "mode", instance_mode(&m->probe),
			 "testaddr", instance_testaddr(&m->probe, buf, sizeof(buf)),
			 "targets", instance_targets(&m->probe),
			 "mode6", instance_mode(&m->probe6),
			 "testaddr6", instance_testaddr(&m->probe6, buf6, sizeof(buf6)),
			 "targets6", instance_targets(&m->probe6));
}

/* The members any bound address may send from: the same list for every address of the group. */
static json_t *group_outbound(struct ipmp_group *g)
{
	const struct ipmp_member *order[IPMP_MAX_MEMBERS];
	unsigned n = group_members_newest_first(g, order);
	json_t *outbound = json_array();

	for (unsigned i = 0; outbound && i < n; i++)
		if (member_view_active(order[i]))
			json_array_append_new(outbound, json_string(order[i]->ifname));
	return outbound;
}

/* Members in group order: most recently joined first, as in.mpathd lists them. */
static json_t *group_json(struct ipmp_group *g)
{
	const struct ipmp_member *order[IPMP_MAX_MEMBERS];
	unsigned n = group_members_newest_first(g, order);
	bool probing = false;
	json_t *members = json_array();

	for (unsigned i = 0; i < n; i++) {
		json_array_append_new(members, json_string(order[i]->ifname));
		probing |= member_probe_enabled(order[i]);	/* either family (spec 3.17) */
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "ifname", g->ifname, "name", g->name,
			 "state", group_state_names[g->state], "fdt_ms",
			 probing ? (int)g->probe.fdt_ms : 0, "interfaces", members, "outbound",
			 group_outbound(g));
}

/* OUTBOUND is the group's (the same for every bound address), sent once with the group. */
static json_t *address_json(struct ipmp_group *g, const struct ipmp_addr *a)
{
	char buf[IP_PREFIX_STRLEN];

	return json_pack("{s:s, s:s, s:s, s:s}", "address",
			 ip_prefix_str(&a->prefix, false, buf, sizeof(buf)), "state", "up", "group",
			 g->ifname, "inbound", a->bound ? a->bound->ifname : "");
}

/* Every address of the groups as address_table's text (snapshot.h); NULL when out of memory. */
static char *address_table(struct ipmp_group *const *groups, unsigned ngroups)
{
	size_t len = 1, used = 0;
	char *text;

	for (unsigned i = 0; i < ngroups; i++)
		len += groups[i]->naddrs * (IP_PREFIX_STRLEN + 2 * IFNAMSIZ + 8);
	text = malloc(len);
	if (!text)
		return NULL;
	for (unsigned i = ngroups; i-- > 0;) {
		struct ipmp_group *g = groups[i];

		for (unsigned j = 0; j < g->naddrs; j++) {
			const struct ipmp_addr *a = &g->addrs[j];

			ip_prefix_str(&a->prefix, false, text + used, len - used);
			used += strlen(text + used);
			used += (size_t)snprintf(text + used, len - used, "\tup\t%s\t%s\n",
						 g->ifname, a->bound ? a->bound->ifname : "");
		}
	}
	text[used] = '\0';
	return text;
}

json_t *snapshot_build(struct ipmp_group *const *groups, unsigned ngroups, enum snapshot_addrs want)
{
	json_t *gs = json_array(), *ifs = json_array(), *addrs = json_array();
	char *table = NULL;

	if (!gs || !ifs || !addrs)
		goto fail;
	/* most recently created group first (spec 1.3) */
	for (unsigned i = ngroups; i-- > 0;) {
		struct ipmp_group *g = groups[i];
		const struct ipmp_member *order[IPMP_MAX_MEMBERS];
		unsigned n = group_members_newest_first(g, order);

		json_array_append_new(gs, group_json(g));
		for (unsigned j = 0; j < n; j++)
			json_array_append_new(ifs, member_json(order[j]));
		for (unsigned j = 0; want == SNAPSHOT_ADDRS_OBJECTS && j < g->naddrs; j++)
			json_array_append_new(addrs, address_json(g, &g->addrs[j]));
	}
	if (want != SNAPSHOT_ADDRS_TABLE)
		return json_pack("{s:o, s:o, s:o}", "groups", gs, "interfaces", ifs, "addresses",
				 addrs);
	json_decref(addrs);
	addrs = NULL;
	table = address_table(groups, ngroups);
	if (!table)
		goto fail;
	{
		json_t *snap = json_pack("{s:o, s:o, s:s}", "groups", gs, "interfaces", ifs,
					 "address_table", table);

		free(table);
		return snap;
	}
fail:
	json_decref(gs);
	json_decref(ifs);
	json_decref(addrs);
	return NULL;
}
