// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Load, pin, attach and feed the eBPF programs of a group.
 *
 * Both programs declare the same maps with LIBBPF_PIN_BY_NAME and share
 * one pin directory, so libbpf creates each map once and the second
 * program (and a restarted agent) reuses it. tc attachments are netlink
 * filters owned by the interfaces, not by this process: they stay when
 * the agent exits, and a new agent replaces them in place
 * (BPF_TC_F_REPLACE on our handle), so forwarding never stops.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "dataplane.h"
#include "group.h"
#include "log.h"
#include "group_egress.skel.h"
#include "member_ingress.skel.h"
#include "member_xdp.skel.h"
#include <dirent.h>
#include <ipmp/probe.h>

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

int dataplane_bpffs_prepare(const char *root)
{
	const char *mnt = root;
	int ret = mkdir_p(root);

	if (ret) {
		pr_err("cannot create %s: %s", root, strerror(-ret));
		return ret;
	}
	if (is_bpffs(root))
		return 0;
	/* /sys/fs/bpf is where bpftool users look; mount it there if asked for below it */
	if (!strncmp(root, "/sys/fs/bpf/", 12) && !is_bpffs("/sys/fs/bpf"))
		mnt = "/sys/fs/bpf";
	if (mount("bpf", mnt, "bpf", 0, "mode=0700")) {
		ret = -errno;
		pr_err("%s is not on a bpffs and mounting one at %s failed: %s", root, mnt,
		       strerror(-ret));
		return ret;
	}
	pr_info("mounted bpffs at %s", mnt);
	return mkdir_p(root);
}

static int pin_program(struct bpf_program *prog, const char *dir)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, bpf_program__name(prog));
	unlink(path);	/* a previous agent's: its filter is replaced below */
	ret = bpf_program__pin(prog, path);
	if (ret)
		pr_err("cannot pin %s: %s", path, strerror(-ret));
	return ret;
}

#ifndef IPMP_LAYOUT_HASH
#error "IPMP_LAYOUT_HASH comes from the Makefile: a hash of every map declaration"
#endif

static const struct ipmp_abi our_abi = {
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
	if (prev->state_version != our_abi.state_version)
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
static void abi_check(struct dataplane *dp, const char *group_name)
{
	char path[PATH_MAX + 16];
	struct ipmp_abi prev;
	int ret = pinned_read(dp->pin_dir, "abi", &prev, sizeof(prev));

	if (!ret && prev.version == our_abi.version && prev.layout == our_abi.layout) {
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
			(unsigned long long)prev.layout, our_abi.version,
			(unsigned long long)our_abi.layout);
	if (!ret)
		state_carry(dp, &prev);
	unpin_stale(dp->pin_dir);
	dp->inherited = dp->reattach = true;
}

int dataplane_open(struct dataplane *dp, const char *root, const char *group_name,
		   unsigned naddrs)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	__u32 zero = 0;
	int ret;

	memset(dp, 0, sizeof(*dp));
	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s/%s", root, group_name);
	ret = mkdir_p(dp->pin_dir);
	if (ret) {
		pr_err("cannot create %s: %s", dp->pin_dir, strerror(-ret));
		return ret;
	}
	abi_check(dp, group_name);
	opts.pin_root_path = dp->pin_dir;
	dp->pushed_binding = calloc(naddrs ? naddrs : 1, sizeof(*dp->pushed_binding));
	if (!dp->pushed_binding)
		return -ENOMEM;
	dp->naddrs = naddrs;

	dp->egress = group_egress__open_opts(&opts);
	dp->ingress = member_ingress__open_opts(&opts);
	dp->xdp = member_xdp__open_opts(&opts);
	if (!dp->egress || !dp->ingress || !dp->xdp) {
		ret = -errno;
		pr_err("cannot open the eBPF programs: %s", strerror(-ret));
		goto err;
	}
	ret = group_egress__load(dp->egress);
	if (!ret)
		ret = member_ingress__load(dp->ingress);
	if (!ret)
		ret = member_xdp__load(dp->xdp);
	if (ret) {
		pr_err("cannot load the eBPF programs of group %s: %s", group_name, strerror(-ret));
		goto err;
	}
	if (bpf_map__update_elem(dp->egress->maps.abi, &zero, sizeof(zero), &our_abi,
				 sizeof(our_abi), BPF_ANY)) {
		ret = -errno;
		pr_err("cannot write the version record of group %s: %s", group_name, strerror(-ret));
		goto err;
	}
	ret = pin_program(dp->egress->progs.group_egress, dp->pin_dir);
	if (!ret)
		ret = pin_program(dp->ingress->progs.member_ingress, dp->pin_dir);
	if (!ret)
		ret = pin_program(dp->xdp->progs.member_xdp, dp->pin_dir);
	if (ret)
		goto err;
	return 0;
err:
	dataplane_close(dp);
	return ret;
}

void dataplane_close(struct dataplane *dp)
{
	/* closing a link object does not detach a pinned link */
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++) {
		if (!dp->xdp_links[i])
			continue;
		bpf_link__disconnect(dp->xdp_links[i]);
		bpf_link__destroy(dp->xdp_links[i]);
		dp->xdp_links[i] = NULL;
	}
	group_egress__destroy(dp->egress);
	member_ingress__destroy(dp->ingress);
	member_xdp__destroy(dp->xdp);
	dp->xdp = NULL;
	free(dp->pushed_binding);
	free(dp->carried);
	dp->carried = NULL;
	dp->egress = NULL;
	dp->ingress = NULL;
	dp->pushed_binding = NULL;
}

static int tc_attach(int ifindex, enum bpf_tc_attach_point point, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IPMP_TC_HANDLE, .priority = IPMP_TC_PRIORITY,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int ret;

	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		return ret;
	return bpf_tc_attach(&hook, &opts);
}

void dataplane_detach_ifindex(int ifindex, bool egress)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IPMP_TC_HANDLE, .priority = IPMP_TC_PRIORITY);

	bpf_tc_detach(&hook, &opts);
}

int dataplane_attach_group(struct dataplane *dp, int ifindex)
{
	int ret;

	if (dp->reattach) {	/* once the maps are filled: dataplane_push() */
		dp->group_ifindex = ifindex;
		return 0;
	}
	ret = tc_attach(ifindex, BPF_TC_EGRESS, bpf_program__fd(dp->egress->progs.group_egress));

	if (ret)
		pr_err("cannot attach group_egress to ifindex %d: %s", ifindex, strerror(-ret));
	else
		dp->group_ifindex = ifindex;
	return ret;
}

int dataplane_attach_member(struct dataplane *dp, unsigned slot, int ifindex)
{
	int ret;

	if (dp->attached[slot] == ifindex)
		return 0;
	if (dp->reattach) {	/* once the maps are filled: dataplane_push() */
		dp->attached[slot] = ifindex;
		return 0;
	}
	ret = tc_attach(ifindex, BPF_TC_INGRESS,
			bpf_program__fd(dp->ingress->progs.member_ingress));
	if (ret) {
		pr_err("cannot attach member_ingress to ifindex %d: %s", ifindex, strerror(-ret));
		return ret;
	}
	dp->attached[slot] = ifindex;
	return 0;
}

void dataplane_detach_member(struct dataplane *dp, unsigned slot)
{
	if (!dp->attached[slot])
		return;
	dataplane_detach_ifindex(dp->attached[slot], false);
	dp->attached[slot] = 0;
}

/* Everything in the group's directory is ours: maps, programs, links. */
int dataplane_unpin(const char *root, const char *group_name)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", root, group_name);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		return -errno;
	return 0;
}

static void xdp_link_path(const struct dataplane *dp, const char *ifname, char *path, size_t len)
{
	snprintf(path, len, "%s/xdp_%s", dp->pin_dir, ifname);
}

/*
 * Attach member_xdp to a member through a bpf_link pinned in the group's
 * directory, so it stays when the agent stops. A link a previous agent
 * pinned is taken over and given this agent's program.
 */
int dataplane_attach_xdp(struct dataplane *dp, unsigned slot, int ifindex, const char *ifname)
{
	struct bpf_program *prog = dp->xdp->progs.member_xdp;
	char path[PATH_MAX + 32];
	struct bpf_link *link;
	int ret;

	if (dp->xdp_links[slot])
		return 0;
	xdp_link_path(dp, ifname, path, sizeof(path));
	link = access(path, F_OK) ? NULL : bpf_link__open(path);
	if (link && !bpf_link__update_program(link, prog)) {
		dp->xdp_links[slot] = link;
		return 0;
	}
	if (link) {	/* stale: its interface went away */
		bpf_link__destroy(link);
		unlink(path);
	}
	link = bpf_program__attach_xdp(prog, ifindex);
	if (!link) {
		ret = -errno;
		pr_err("cannot attach member_xdp to %s: %s", ifname, strerror(-ret));
		return ret;
	}
	ret = bpf_link__pin(link, path);
	if (ret) {
		pr_err("cannot pin %s: %s", path, strerror(-ret));
		bpf_link__destroy(link);
		return ret;
	}
	dp->xdp_links[slot] = link;
	return 0;
}

void dataplane_unpin_xdp(struct dataplane *dp, const char *ifname)
{
	char path[PATH_MAX + 32];

	xdp_link_path(dp, ifname, path, sizeof(path));
	unlink(path);
}

void dataplane_detach_xdp(struct dataplane *dp, unsigned slot, const char *ifname)
{
	dataplane_unpin_xdp(dp, ifname);
	bpf_link__destroy(dp->xdp_links[slot]);
	dp->xdp_links[slot] = NULL;
}

int dataplane_probe_cfg_set(struct dataplane *dp, int ifindex, const struct ipmp_probe_cfg *cfg)
{
	__u32 key = ifindex;

	if (bpf_map_update_elem(bpf_map__fd(dp->xdp->maps.probe_cfg), &key, cfg, BPF_ANY))
		return -errno;
	return 0;
}

void dataplane_probe_cfg_del(struct dataplane *dp, int ifindex)
{
	__u32 key = ifindex;

	bpf_map_delete_elem(bpf_map__fd(dp->xdp->maps.probe_cfg), &key);
}

int dataplane_probe_events_fd(const struct dataplane *dp)
{
	return bpf_map__fd(dp->xdp->maps.probe_events);
}

static int map_fd(const struct dataplane *dp, const char *name)
{
	return bpf_map__fd(bpf_object__find_map_by_name(dp->egress->obj, name));
}

int dataplane_stats_reset(struct dataplane *dp, unsigned slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ipmp_member_stats *zero;
	__u32 key = slot;
	int ret = 0;

	if (ncpu < 0)
		return ncpu;
	zero = calloc(ncpu, sizeof(*zero));
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(map_fd(dp, "stats"), &key, zero, BPF_ANY))
		ret = -errno;
	free(zero);
	return ret;
}

/* A per-CPU array entry, summed over the CPUs into n __u64 fields. */
static int percpu_sum(int fd, __u32 key, __u64 *out, unsigned n)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	int ret = 0;

	memset(out, 0, n * sizeof(*out));
	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu * n, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, vals))
		ret = -errno;
	for (int c = 0; !ret && c < ncpu; c++)
		for (unsigned i = 0; i < n; i++)
			out[i] += vals[c * n + i];
	free(vals);
	return ret;
}

int dataplane_member_stats(struct dataplane *dp, unsigned slot, struct ipmp_member_stats *out)
{
	_Static_assert(sizeof(*out) == 4 * sizeof(__u64), "ipmp_member_stats is four counters");
	return percpu_sum(map_fd(dp, "stats"), slot, (__u64 *)out, 4);
}

int dataplane_drops(struct dataplane *dp, __u64 out[IPMP_DROP__MAX])
{
	int ret = 0;

	for (__u32 r = 0; r < IPMP_DROP__MAX && !ret; r++)
		ret = percpu_sum(map_fd(dp, "drops"), r, &out[r], 1);
	return ret;
}

static void addr_key(const struct ipmp_addr *a, struct ipmp_addr_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = a->prefix.family == AF_INET ? IPMP_AF_INET : IPMP_AF_INET6;
	memcpy(key->addr, a->prefix.addr, ip_addr_len(a->prefix.family));
}

static int push_members(struct dataplane *dp, const struct ipmp_group *g)
{
	int fd = map_fd(dp, "members");

	/* every slot: a member that left (or lost its netdev) is deleted */
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++) {
		const struct ipmp_member *m = &g->members[i];
		struct ipmp_member_info info = { .slot = m->slot };
		__u32 key;

		if (dp->pushed[i] && (!m->used || dp->pushed[i] != m->ifindex)) {
			key = dp->pushed[i];
			bpf_map_delete_elem(fd, &key);
			dp->pushed[i] = 0;
		}
		if (!m->used || !m->ifindex)
			continue;
		key = m->ifindex;
		info.flags = member_active(m) ? IPMP_MEMBER_ACTIVE : 0;
		memcpy(info.mac, m->mac, sizeof(info.mac));
		if (bpf_map_update_elem(fd, &key, &info, BPF_ANY))
			return -errno;
		dp->pushed[i] = m->ifindex;
	}
	return 0;
}

static int push_tx_set(struct dataplane *dp, const struct ipmp_group *g)
{
	struct ipmp_tx_set tx = {};
	__u32 zero = 0;

	group_for_each_member(g, m)
		if (member_active(m) && m->ifindex)
			tx.ifindex[tx.count++] = m->ifindex;
	return bpf_map_update_elem(map_fd(dp, "tx_set"), &zero, &tx, BPF_ANY) ? -errno : 0;
}

static int push_group_cfg(struct dataplane *dp, const struct ipmp_group *g)
{
	struct ipmp_group_cfg cfg = {
		.group_ifindex = g->ifindex,
		.bcast_ifindex = g->nominated ? g->nominated->ifindex : 0,
		.mcast6_ifindex = g->nominated6 ? g->nominated6->ifindex : 0,
		.abi_version = IPMP_ABI_VERSION,
	};
	__u32 zero = 0;

	memcpy(cfg.group_mac, g->mac, sizeof(cfg.group_mac));
	return bpf_map_update_elem(map_fd(dp, "group_cfg"), &zero, &cfg, BPF_ANY) ? -errno : 0;
}

static int push_bindings(struct dataplane *dp, const struct ipmp_group *g)
{
	int fd = map_fd(dp, "addr_binding");

	for (unsigned i = 0; i < g->naddrs && i < dp->naddrs; i++) {
		const struct ipmp_addr *a = &g->addrs[i];
		struct ipmp_binding b = { .ifindex = a->bound ? a->bound->ifindex : 0 };
		struct ipmp_addr_key key;

		if (b.ifindex == dp->pushed_binding[i])
			continue;
		addr_key(a, &key);
		if (b.ifindex) {
			if (bpf_map_update_elem(fd, &key, &b, BPF_ANY))
				return -errno;
		} else if (bpf_map_delete_elem(fd, &key) && errno != ENOENT) {
			return -errno;
		}
		dp->pushed_binding[i] = b.ifindex;
	}
	return 0;
}

int dataplane_addrs_reserve(struct dataplane *dp, unsigned naddrs)
{
	uint32_t *grown;

	if (naddrs <= dp->naddrs)
		return 0;
	grown = realloc(dp->pushed_binding, naddrs * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	memset(grown + dp->naddrs, 0, (naddrs - dp->naddrs) * sizeof(*grown));
	dp->pushed_binding = grown;
	dp->naddrs = naddrs;
	return 0;
}

void dataplane_addr_forget(struct dataplane *dp, unsigned index, const struct ip_prefix *p)
{
	struct ipmp_addr_key key = { .family = p->family == AF_INET ? IPMP_AF_INET : IPMP_AF_INET6 };

	memcpy(key.addr, p->addr, ip_addr_len(p->family));
	bpf_map_delete_elem(map_fd(dp, "addr_binding"), &key);
	if (index < dp->naddrs) {
		memmove(dp->pushed_binding + index, dp->pushed_binding + index + 1,
			(dp->naddrs - index - 1) * sizeof(*dp->pushed_binding));
		dp->pushed_binding[dp->naddrs - 1] = 0;
	}
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
static int push_saved(struct dataplane *dp, const struct ipmp_group *g)
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
	return bpf_map_update_elem(map_fd(dp, "agent_state"), &zero, &st, BPF_ANY) ? -errno : 0;
}

static const struct ipmp_saved_member *saved_find(const struct ipmp_agent_state *st,
						  const char *ifname)
{
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++)
		if (!strncmp(st->members[i].ifname, ifname, sizeof(st->members[i].ifname)))
			return &st->members[i];
	return NULL;
}

int dataplane_adopt(struct dataplane *dp, struct ipmp_group *g, struct ipmp_agent_state *prev)
{
	static const enum group_state group_states[] = {
		[IPMP_SAVED_GROUP_OK] = GROUP_OK,
		[IPMP_SAVED_GROUP_DEGRADED] = GROUP_DEGRADED,
		[IPMP_SAVED_GROUP_FAILED] = GROUP_FAILED,
	};
	struct ipmp_agent_state st;
	int fd = map_fd(dp, "addr_binding");
	__u32 zero = 0;

	if (dp->carried)
		st = *dp->carried;	/* across a layout change: no bindings from old maps */
	else if (!dp->adopting)
		return -ENOENT;
	else if (bpf_map_lookup_elem(map_fd(dp, "agent_state"), &zero, &st))
		return -errno;
	if (prev)
		*prev = st;
	if (!st.nmembers)
		return -ENOENT;	/* pinned, but never written: nothing to resume */
	if (st.group_state <= IPMP_SAVED_GROUP_FAILED)
		group_adopt_state(g, group_states[st.group_state]);
	group_for_each_member(g, m) {
		const struct ipmp_saved_member *s = saved_find(&st, m->ifname);
		enum member_state state;

		/* its slot's counters were another member's: start them over */
		if (strncmp(st.members[m->slot].ifname, m->ifname, IFNAMSIZ))
			dataplane_stats_reset(dp, m->slot);
		if (s && restored_state(s->state, &state))
			m->prior = (struct member_prior){ .known = true, .state = state,
							  .flags = flags_convert(s->flags, false) };
	}
	for (unsigned i = 0; i < g->naddrs && i < dp->naddrs && dp->adopting; i++) {
		struct ipmp_addr_key key;
		struct ipmp_binding b;
		struct ipmp_member *m;

		addr_key(&g->addrs[i], &key);
		if (bpf_map_lookup_elem(fd, &key, &b))
			continue;
		m = group_member_by_ifindex(g, b.ifindex);
		if (m)
			group_adopt_binding(g, i, m);
	}
	return 0;
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

void dataplane_prune(struct dataplane *dp, const struct ipmp_group *g,
		     void (*stale_addr)(const struct ip_prefix *addr, void *ctx), void *ctx)
{
	int fd = map_fd(dp, "addr_binding");
	struct ipmp_addr_key *keys = calloc(IPMP_MAX_ADDRS, sizeof(*keys));
	unsigned n;

	prune_ifindex_keyed(map_fd(dp, "members"), g);
	prune_ifindex_keyed(bpf_map__fd(dp->xdp->maps.probe_cfg), g);
	if (!keys)
		return;
	n = map_keys(fd, keys, sizeof(*keys), IPMP_MAX_ADDRS);
	for (unsigned i = 0; i < n; i++) {
		struct ip_prefix p = { .family = keys[i].family == IPMP_AF_INET ? AF_INET : AF_INET6 };

		memcpy(p.addr, keys[i].addr, ip_addr_len(p.family));
		if (group_addr_find(g, &p) >= 0)
			continue;
		bpf_map_delete_elem(fd, &keys[i]);
		if (stale_addr)
			stale_addr(&p, ctx);
	}
	free(keys);
}

/*
 * A re-attach over programs of another version: those keep forwarding
 * with their own maps until this agent's replace them, which happens only
 * now that the new maps hold the whole state, so no frame meets empty maps.
 */
static int reattach(struct dataplane *dp)
{
	int ret = 0, err;

	dp->reattach = false;
	err = dataplane_attach_group(dp, dp->group_ifindex);
	ret = ret ?: err;
	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++) {
		int ifindex = dp->attached[i];

		if (!ifindex)
			continue;
		dp->attached[i] = 0;
		err = dataplane_attach_member(dp, i, ifindex);
		ret = ret ?: err;
	}
	if (!ret)
		pr_info("the data plane of %s is this agent's now: maps filled, programs replaced",
			dp->pin_dir);
	return ret;
}

/*
 * Write the group's state into the maps in the order include/ipmp/maps.h
 * gives: members, tx_set, group_cfg, addr_binding. Unchanged bindings are
 * not rewritten, so a failover costs one update per moved address.
 */
int dataplane_push(struct dataplane *dp, const struct ipmp_group *g)
{
	int ret;

	ret = push_members(dp, g);
	if (!ret)
		ret = push_tx_set(dp, g);
	if (!ret)
		ret = push_group_cfg(dp, g);
	if (!ret)
		ret = push_bindings(dp, g);
	if (!ret)
		ret = push_saved(dp, g);
	if (!ret && dp->reattach)
		ret = reattach(dp);
	if (ret)
		pr_err("group %s: cannot update the data plane maps: %s", g->name, strerror(-ret));
	return ret;
}
