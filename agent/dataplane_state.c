// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a restart finds: whether the pinned maps are this version's to
 * reuse (the abi record) or another's to replace; the record it resumes
 * from (include/ipmp/maps.h, agent_state), written on every push and
 * decoded for the next agent with the bindings it left; and pruning of
 * members the group no longer has. Part of the data plane module: only
 * this file and dataplane.c touch the maps.
 */
#include <bpf/bpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataplane_int.h"
#include "log.h"

#ifndef IPMP_LAYOUT_HASH
#error "IPMP_LAYOUT_HASH comes from the Makefile: a hash of every map declaration"
#endif

const struct ipmp_abi dataplane_our_abi = {
	.version = IPMP_ABI_VERSION,
	.state_version = IPMP_STATE_VERSION,
	.layout = IPMP_LAYOUT_HASH,
};

/* Entry 0 of the array map pinned as dir/name, if its value is size bytes. */
static int pinned_read(const char *dir, const char *name, void *out, size_t size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0;
	char path[PATH_MAX + 32];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		ret = -errno;
	else if (info.value_size != size)
		ret = -EPROTO;
	else if (bpf_map_lookup_elem(fd, &zero, out))
		ret = -errno;
	close(fd);
	return ret;
}

/* Across a layout change, the previous agent's state, if it is still of our kind. */
static void state_carry(struct dataplane *dp, const struct ipmp_abi *prev)
{
	if (prev->state_version != dataplane_our_abi.state_version)
		return;
	dp->carried = malloc(sizeof(*dp->carried));
	if (dp->carried && pinned_read(dp->pin_dir, "agent_state", dp->carried,
				       sizeof(*dp->carried))) {
		free(dp->carried);
		dp->carried = NULL;
	}
}

/*
 * Pins a previous agent left, from another layout: the maps and programs
 * go (the attached programs keep forwarding with the old maps until this
 * agent's replace them), the XDP links stay, to be given the new program.
 */
static void unpin_stale(const char *dir)
{
	char path[PATH_MAX + 256];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strncmp(de->d_name, "xdp_", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

/*
 * Decide whether the pinned maps are ours to reuse (restart adoption) or
 * from another version: then they are replaced, never reused with a
 * layout this agent does not know.
 */
void dataplane_abi_check(struct dataplane *dp, const char *group_name)
{
	char path[PATH_MAX + 16];
	struct ipmp_abi prev;
	int ret = pinned_read(dp->pin_dir, "abi", &prev, sizeof(prev));

	if (!ret && prev.version == dataplane_our_abi.version && prev.layout == dataplane_our_abi.layout) {
		dp->inherited = dp->adopting = true;
		return;
	}
	snprintf(path, sizeof(path), "%s/group_cfg", dp->pin_dir);
	if (ret == -ENOENT && access(path, F_OK))
		return;		/* nothing pinned: a first start */
	if (ret)
		pr_warn("group %s: the maps pinned in %s have no readable version record (%s); "
			"loading fresh maps and re-attaching", group_name, dp->pin_dir,
			strerror(-ret));
	else
		pr_warn("group %s: the maps pinned in %s are from another version (abi %u, layout "
			"%016llx; this agent: abi %u, layout %016llx); loading fresh maps and "
			"re-attaching", group_name, dp->pin_dir, prev.version,
			(unsigned long long)prev.layout, dataplane_our_abi.version,
			(unsigned long long)dataplane_our_abi.layout);
	if (!ret)
		state_carry(dp, &prev);
	unpin_stale(dp->pin_dir);
	dp->inherited = dp->reattach = true;
}

static __u32 saved_state(enum member_state state)
{
	switch (state) {
	case MEMBER_RUNNING:
		return IPMP_SAVED_RUNNING;
	case MEMBER_FAILED:
		return IPMP_SAVED_FAILED_STATE;
	case MEMBER_OFFLINE:
		return IPMP_SAVED_OFFLINE_STATE;
	default:
		return 0;
	}
}

static bool restored_state(__u32 saved, enum member_state *out)
{
	switch (saved) {
	case IPMP_SAVED_RUNNING:
		*out = MEMBER_RUNNING;
		return true;
	case IPMP_SAVED_FAILED_STATE:
		*out = MEMBER_FAILED;
		return true;
	case IPMP_SAVED_OFFLINE_STATE:
		*out = MEMBER_OFFLINE;
		return true;
	default:
		return false;
	}
}

/* MEMBER_F_* and IPMP_SAVED_*, both ways: the pinned record has its own, stable, bits. */
static const struct { unsigned member, saved; } flag_map[] = {
	{ MEMBER_F_FAILED, IPMP_SAVED_FAILED },
	{ MEMBER_F_OFFLINE, IPMP_SAVED_OFFLINE },
	{ MEMBER_F_INACTIVE, IPMP_SAVED_INACTIVE },
	{ MEMBER_F_HWADDRDUP, IPMP_SAVED_HWADDRDUP },
};

static unsigned flags_convert(unsigned flags, bool to_saved)
{
	unsigned out = 0;

	for (unsigned i = 0; i < sizeof(flag_map) / sizeof(flag_map[0]); i++)
		if (flags & (to_saved ? flag_map[i].member : flag_map[i].saved))
			out |= to_saved ? flag_map[i].saved : flag_map[i].member;
	return out;
}

/* What the next agent resumes from (maps.h, agent_state): one update per commit. */
int dataplane_push_state(struct dataplane *dp, const struct ipmp_group *g)
{
	static const __u32 group_states[GROUP_STATE__MAX] = {
		[GROUP_OK] = IPMP_SAVED_GROUP_OK,
		[GROUP_DEGRADED] = IPMP_SAVED_GROUP_DEGRADED,
		[GROUP_FAILED] = IPMP_SAVED_GROUP_FAILED,
	};
	struct ipmp_agent_state st = { .group_state = group_states[g->state] };
	__u32 zero = 0;

	group_for_each_member(g, m) {
		struct ipmp_saved_member *s = &st.members[m->slot];

		memcpy(s->ifname, m->ifname, sizeof(s->ifname));	/* both IFNAMSIZ */
		s->ifindex = m->ifindex;
		s->state = saved_state(m->state);
		s->flags = flags_convert(m->flags, true);
		if (m->cfg.has_test_address && m->cfg.test_address.family == AF_INET) {
			s->test_family = IPMP_AF_INET;
			s->test_plen = m->cfg.test_address.plen;
			memcpy(s->test_addr, m->cfg.test_address.addr, 4);
		}
		st.nmembers++;
	}
	return bpf_map_update_elem(dataplane_map_fd(dp, "agent_state"), &zero, &st, BPF_ANY) ? -errno : 0;
}

/* The pinned bindings into the record, and into the push cache: they are in the map now. */
static int prior_bindings_read(struct dataplane *dp, struct addrmap *out)
{
	int fd = dataplane_map_fd(dp, "addr_binding");
	struct ipmp_addr_key key, next;
	struct ipmp_binding b;
	void *cursor = NULL;

	while (!bpf_map_get_next_key(fd, cursor, &next)) {
		struct addrmap_entry *e, *cached;
		struct ip_prefix p = { .family = next.family == IPMP_AF_INET ? AF_INET : AF_INET6 };

		key = next;
		cursor = &key;
		if (bpf_map_lookup_elem(fd, &key, &b))
			continue;
		memcpy(p.addr, key.addr, ip_addr_len(p.family));
		e = addrmap_insert(out, &p);
		cached = e ? addrmap_insert(&dp->bindings, &p) : NULL;
		if (!cached)
			return -ENOMEM;
		e->value = cached->value = b.ifindex;
	}
	return 0;
}

static void prior_member(struct dataplane_prior_member *pm, const struct ipmp_saved_member *s)
{
	/* both IFNAMSIZ; the saved one need not be terminated */
	memcpy(pm->ifname, s->ifname, sizeof(pm->ifname) - 1);
	pm->ifname[sizeof(pm->ifname) - 1] = '\0';
	pm->ifindex = s->ifindex;
	pm->known = restored_state(s->state, &pm->state);
	pm->flags = flags_convert(s->flags, false);
	if (s->test_family == IPMP_AF_INET) {
		pm->has_test_address = true;
		pm->test_address = (struct ip_prefix){ .family = AF_INET, .plen = s->test_plen };
		memcpy(pm->test_address.addr, s->test_addr, 4);
	}
}

int dataplane_prior_read(struct dataplane *dp, struct dataplane_prior *out)
{
	static const enum group_state group_states[] = {
		[IPMP_SAVED_GROUP_OK] = GROUP_OK,
		[IPMP_SAVED_GROUP_DEGRADED] = GROUP_DEGRADED,
		[IPMP_SAVED_GROUP_FAILED] = GROUP_FAILED,
	};
	struct ipmp_agent_state st;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (dp->carried)
		st = *dp->carried;	/* across a layout change: no bindings from old maps */
	else if (!dp->adopting)
		return -ENOENT;
	else if (bpf_map_lookup_elem(dataplane_map_fd(dp, "agent_state"), &zero, &st))
		return -errno;
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		if (st.members[i].ifname[0])
			prior_member(&out->members[i], &st.members[i]);
	if (!st.nmembers)
		return -ENOENT;	/* pinned, but never written: nothing to resume */
	out->found = true;
	out->group_state = st.group_state <= IPMP_SAVED_GROUP_FAILED ?
				   group_states[st.group_state] : GROUP_FAILED;
	if (dp->adopting && prior_bindings_read(dp, &out->bindings))
		return -ENOMEM;
	return 0;
}

void dataplane_prior_free(struct dataplane_prior *prior)
{
	addrmap_free(&prior->bindings);
}

/* Every key of a hash map (at most max), read before any is deleted. */
static unsigned map_keys(int fd, void *keys, size_t key_size, unsigned max)
{
	unsigned n = 0;
	char *k = keys;

	if (bpf_map_get_next_key(fd, NULL, k))
		return 0;
	for (n = 1; n < max && !bpf_map_get_next_key(fd, k + (n - 1) * key_size, k + n * key_size);
	     n++)
		;
	return n;
}

static bool member_ifindex(const struct ipmp_group *g, __u32 ifindex)
{
	group_for_each_member(g, m)
		if (m->ifindex && (__u32)m->ifindex == ifindex)
			return true;
	return false;
}

static void prune_ifindex_keyed(int fd, const struct ipmp_group *g)
{
	__u32 keys[IPMP_MAX_MEMBERS];
	unsigned n = map_keys(fd, keys, sizeof(keys[0]), IPMP_MAX_MEMBERS);

	for (unsigned i = 0; i < n; i++)
		if (!member_ifindex(g, keys[i]))
			bpf_map_delete_elem(fd, &keys[i]);
}

/* members itself is rewritten whole on every push; probe_cfg is keyed by ifindex */
void dataplane_prune_members(struct dataplane *dp, const struct ipmp_group *g)
{
	prune_ifindex_keyed(dataplane_probe_cfg_fd(dp), g);
	dataplane_probe_tc_sync(dp);
}
