// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Load, pin and feed the eBPF programs of a group (attaching them:
 * dataplane_attach.c).
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
#include <linux/bpf.h>
#include <errno.h>
#include <stddef.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "addr_index.h"
#include "buckets.h"
#include "dataplane.h"
#include "dataplane_int.h"
#include "group.h"
#include "log.h"
#include "mkdir_p.h"
#include "undo.h"
#include "group_egress.skel.h"
#include "member_ingress.skel.h"
#include "member_xdp.skel.h"
#include <dirent.h>
#include <ipmp/probe.h>

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/* /sys/fs/bpf is where bpftool users look: mounted there if root is below it */
static const char *bpffs_mount_point(const char *root)
{
	return !strncmp(root, "/sys/fs/bpf/", 12) ? "/sys/fs/bpf" : root;
}

int dataplane_bpffs_prepare(const char *root, unsigned *made)
{
	const char *mnt = bpffs_mount_point(root);
	struct stat st;
	int ret;

	*made = stat(root, &st) ? DATAPLANE_BPFFS_CREATED : 0;
	ret = mkdir_p(root, 0700);
	if (ret) {
		pr_err("cannot create %s: %s", root, strerror(-ret));
		return ret;
	}
	if (is_bpffs(root))
		return 0;
	if (mnt != root && is_bpffs(mnt))
		mnt = root;
	if (mount("bpf", mnt, "bpf", 0, "mode=0700")) {
		ret = -errno;
		pr_err("%s is not on a bpffs and mounting one at %s failed: %s", root, mnt,
		       strerror(-ret));
		return ret;
	}
	pr_info("mounted bpffs at %s", mnt);
	*made |= DATAPLANE_BPFFS_MOUNTED;
	if (mnt != root && stat(root, &st))
		*made |= DATAPLANE_BPFFS_CREATED;	/* made again, on the new mount */
	return mkdir_p(root, 0700);
}

void dataplane_bpffs_unprepare(const char *root, unsigned made)
{
	/* where it was mounted: below /sys/fs/bpf, there; else on root itself */
	const char *mnt = (made & DATAPLANE_BPFFS_MOUNTED) ? bpffs_mount_point(root) : NULL;

	if (mnt && mnt == root && umount(root)) {
		pr_warn("cannot unmount the bpffs at %s: %s", root, strerror(errno));
		return;
	}
	if ((made & DATAPLANE_BPFFS_CREATED) && rmdir(root))
		pr_warn("cannot remove %s: %s", root, strerror(errno));
	if (mnt && mnt != root && umount(mnt)) {
		pr_warn("cannot unmount the bpffs at %s: %s", mnt, strerror(errno));
		return;
	}
	if (mnt)
		pr_info("unmounted the bpffs at %s", mnt);
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

/* n entries of an array map, of size bytes each. */
static int array_read(const struct dataplane *dp, const char *map, void *out, unsigned n, size_t size)
{
	int fd = dataplane_map_fd(dp, map);

	for (__u32 k = 0; k < n; k++)
		if (bpf_map_lookup_elem(fd, &k, (char *)out + k * size))
			return -errno;
	return 0;
}

/* What the pinned array maps hold, for a restart that adopts them (flows stay put). */
static int images_read(struct dataplane *dp)
{
	int ret = array_read(dp, "members", dp->members_img, IPMP_MAX_MEMBERS,
			     sizeof(dp->members_img[0]));

	ret = ret ?: array_read(dp, "member_index", dp->index_img, IPMP_MEMBER_INDEX,
				sizeof(dp->index_img[0]));
	ret = ret ?: array_read(dp, "buckets", dp->buckets_img, IPMP_BUCKETS,
				sizeof(dp->buckets_img[0]));
	return ret ?: array_read(dp, "addr_index", dp->addr_img, IPMP_ADDR_INDEX,
				 sizeof(dp->addr_img[0]));
}

int dataplane_open(struct dataplane *dp, const char *root, const char *group_name,
		   struct undo *undo)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	__u32 zero = 0;
	int ret;

	memset(dp, 0, sizeof(*dp));
	dp->undo = undo;
	snprintf(dp->group, sizeof(dp->group), "%s", group_name);
	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s/%s", root, group_name);
	ret = mkdir_p(dp->pin_dir, 0700);
	if (ret) {
		pr_err("cannot create %s: %s", dp->pin_dir, strerror(-ret));
		return ret;
	}
	dataplane_abi_check(dp, group_name);
	opts.pin_root_path = dp->pin_dir;

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
	/* fresh maps are all zero, as the images are; adopted ones are read */
	dp->addr_img = calloc(IPMP_ADDR_INDEX, sizeof(*dp->addr_img));
	if (!dp->addr_img) {
		ret = -ENOMEM;
		goto err;
	}
	if (dp->adopting && (ret = images_read(dp))) {
		pr_err("cannot read the pinned maps of group %s: %s", group_name, strerror(-ret));
		goto err;
	}
	if (bpf_map__update_elem(dp->egress->maps.abi, &zero, sizeof(zero), &dataplane_our_abi,
				 sizeof(dataplane_our_abi), BPF_ANY)) {
		ret = -errno;
		pr_err("cannot write the version record of group %s: %s", group_name, strerror(-ret));
		goto err;
	}
	ret = pin_program(dp->egress->progs.group_egress, dp->pin_dir);
	if (!ret)
		ret = pin_program(dp->ingress->progs.member_ingress, dp->pin_dir);
	if (!ret)
		ret = pin_program(dp->xdp->progs.member_xdp, dp->pin_dir);
	if (!ret)
		ret = pin_program(dp->xdp->progs.member_xdp_frags, dp->pin_dir);
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
	addrmap_free(&dp->bindings);
	free(dp->addr_img);
	dp->addr_img = NULL;
	free(dp->carried);
	dp->carried = NULL;
	dp->egress = NULL;
	dp->ingress = NULL;
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

/*
 * probe_tc: how many members take their probe replies at tc. Counted from
 * probe_cfg itself (at most IPMP_MAX_MEMBERS entries, changed only when a
 * member's probing starts, stops or changes), so it is right after a
 * restart too.
 */
int dataplane_probe_tc_sync(struct dataplane *dp)
{
	int fd = dataplane_probe_cfg_fd(dp);
	__u32 key, next, *cursor = NULL, n = 0, zero = 0;
	struct ipmp_probe_cfg cfg;

	while (!bpf_map_get_next_key(fd, cursor, &next)) {
		key = next;
		cursor = &key;
		if (!bpf_map_lookup_elem(fd, &key, &cfg) && cfg.in_tc)
			n++;
	}
	return bpf_map_update_elem(bpf_map__fd(dp->ingress->maps.probe_tc), &zero, &n, BPF_ANY) ?
		       -errno : 0;
}

int dataplane_probe_cfg_set(struct dataplane *dp, int ifindex, const struct ipmp_probe_cfg *cfg)
{
	__u32 key = ifindex;

	if (bpf_map_update_elem(dataplane_probe_cfg_fd(dp), &key, cfg, BPF_ANY))
		return -errno;
	return dataplane_probe_tc_sync(dp);
}

void dataplane_probe_cfg_del(struct dataplane *dp, int ifindex)
{
	__u32 key = ifindex;

	if (!bpf_map_delete_elem(dataplane_probe_cfg_fd(dp), &key))
		dataplane_probe_tc_sync(dp);
}

int dataplane_probe_events_fd(const struct dataplane *dp)
{
	return bpf_map__fd(dp->xdp->maps.probe_events);
}

int dataplane_map_fd(const struct dataplane *dp, const char *name)
{
	return bpf_map__fd(bpf_object__find_map_by_name(dp->egress->obj, name));
}

int dataplane_probe_cfg_fd(const struct dataplane *dp)
{
	return bpf_map__fd(dp->xdp->maps.probe_cfg);
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
	if (bpf_map_update_elem(dataplane_map_fd(dp, "stats"), &key, zero, BPF_ANY))
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
	return percpu_sum(dataplane_map_fd(dp, "stats"), slot, (__u64 *)out, 4);
}

int dataplane_drops(struct dataplane *dp, __u64 out[IPMP_DROP__MAX])
{
	int ret = 0;

	for (__u32 r = 0; r < IPMP_DROP__MAX && !ret; r++)
		ret = percpu_sum(dataplane_map_fd(dp, "drops"), r, &out[r], 1);
	return ret;
}

int dataplane_probe_stats(struct dataplane *dp, __u64 out[IPMP_PROBE_STAT__MAX])
{
	int ret = 0;

	for (__u32 s = 0; s < IPMP_PROBE_STAT__MAX && !ret; s++)
		ret = percpu_sum(bpf_map__fd(dp->xdp->maps.probe_stats), s, &out[s], 1);
	return ret;
}

void dataplane_addr_key(const struct ip_prefix *p, struct ipmp_addr_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = p->family == AF_INET ? IPMP_AF_INET : IPMP_AF_INET6;
	memcpy(key->addr, p->addr, ip_addr_len(p->family));
}

/*
 * The entries of an array map that differ between was and now (n values
 * of size bytes), written in one batch; was becomes now.
 */
static int write_changed(int fd, void *was, const void *now, unsigned n, size_t size)
{
	__u32 *keys = malloc(n * sizeof(*keys));
	char *vals = malloc(n * size);
	__u32 count = 0;
	int ret = 0;

	if (!keys || !vals) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!memcmp((char *)was + i * size, (const char *)now + i * size, size))
			continue;
		keys[count] = i;
		memcpy(vals + count * size, (const char *)now + i * size, size);
		count++;
	}
	if (count && bpf_map_update_batch(fd, keys, vals, &count, NULL)) {
		/* a kernel without batch updates for arrays: one at a time */
		for (__u32 i = 0; i < count && !ret; i++)
			if (bpf_map_update_elem(fd, &keys[i], vals + i * size, BPF_ANY))
				ret = -errno;
	}
	if (!ret)
		memcpy(was, now, n * size);
out:
	free(keys);
	free(vals);
	return ret;
}

/* members by slot (a free slot all zero), then the index by ifindex. */
static int push_members(struct dataplane *dp, const struct ipmp_group *g)
{
	struct ipmp_member_info now[IPMP_MAX_MEMBERS] = {};
	__u32 index[IPMP_MEMBER_INDEX] = { 0 };
	int ret;

	for (unsigned i = 0; i < IPMP_MAX_MEMBERS; i++) {
		const struct ipmp_member *m = &g->members[i];
		struct ipmp_member_info *info = &now[i];

		if (!m->used || !m->ifindex)
			continue;
		info->slot = i;
		info->ifindex = m->ifindex;
		info->flags = member_active(m) ? IPMP_MEMBER_ACTIVE : 0;
		memcpy(info->mac, m->mac, sizeof(info->mac));
		/* direct-mapped: the lower slot keeps a shared entry, the other is looked for */
		if (!index[m->ifindex & (IPMP_MEMBER_INDEX - 1)])
			index[m->ifindex & (IPMP_MEMBER_INDEX - 1)] = i + 1;
	}
	ret = write_changed(dataplane_map_fd(dp, "members"), dp->members_img, now, IPMP_MAX_MEMBERS,
			    sizeof(now[0]));
	return ret ?: write_changed(dataplane_map_fd(dp, "member_index"), dp->index_img, index,
				    IPMP_MEMBER_INDEX, sizeof(index[0]));
}

static uint32_t active_slots(const struct ipmp_group *g)
{
	uint32_t mask = 0;

	group_for_each_member(g, m)
		if (member_active(m) && m->ifindex)
			mask |= 1u << m->slot;
	return mask;
}

static int push_tx_set(struct dataplane *dp, const struct ipmp_group *g)
{
	uint32_t mask = active_slots(g);
	struct ipmp_tx_set tx = {};
	__u32 zero = 0;

	for (unsigned s = 0; s < IPMP_MAX_MEMBERS; s++)
		if (mask & (1u << s))
			tx.slot[tx.count++] = s;
	return bpf_map_update_elem(dataplane_map_fd(dp, "tx_set"), &zero, &tx, BPF_ANY) ? -errno : 0;
}

/* Even shares of the flow buckets, moving as few as may be (lib/buckets.c). */
static int push_buckets(struct dataplane *dp, const struct ipmp_group *g)
{
	__u32 now[IPMP_BUCKETS];

	memcpy(now, dp->buckets_img, sizeof(now));
	if (!buckets_assign(now, active_slots(g)))
		return 0;
	return write_changed(dataplane_map_fd(dp, "buckets"), dp->buckets_img, now, IPMP_BUCKETS,
			     sizeof(now[0]));
}

static int push_group_cfg(struct dataplane *dp, const struct ipmp_group *g)
{
	struct ipmp_group_cfg cfg = {
		.group_ifindex = g->ifindex,
		.bcast_ifindex = g->nominated ? g->nominated->ifindex : 0,
		.mcast6_ifindex = g->nominated6 ? g->nominated6->ifindex : 0,
		.abi_version = IPMP_ABI_VERSION,
		/* through the veth: handed to its peer's egress; direct: to the group's ingress */
		.deliver_ifindex = dp->direct || !dp->peer_ifindex ? g->ifindex : dp->peer_ifindex,
		.deliver_flags = dp->direct || !dp->peer_ifindex ? BPF_F_INGRESS : 0,
	};
	__u32 zero = 0;

	memcpy(cfg.group_mac, g->mac, sizeof(cfg.group_mac));
	return bpf_map_update_elem(dataplane_map_fd(dp, "group_cfg"), &zero, &cfg, BPF_ANY) ? -errno : 0;
}

/*
 * Only bindings that changed are written (a failover costs one update
 * per moved address); the cache, keyed by address, also finds the
 * addresses the group no longer has, whose entries are deleted.
 */
/* addr_index from the bindings just written, its changed entries in one batch. */
static int push_addr_index(struct dataplane *dp)
{
	struct ipmp_addr_entry *now = calloc(IPMP_ADDR_INDEX, sizeof(*now));
	struct ipmp_addr_key key;
	int ret;

	if (!now)
		return -ENOMEM;
	addrmap_for_each(&dp->bindings, e) {
		struct ip_prefix p;

		if (!e->value)
			continue;	/* not bound: not in addr_binding either */
		addrmap_key(e, &p);
		dataplane_addr_key(&p, &key);
		addr_index_put(now, &key, e->value);
	}
	ret = write_changed(dataplane_map_fd(dp, "addr_index"), dp->addr_img, now, IPMP_ADDR_INDEX,
			    sizeof(*now));
	free(now);
	return ret;
}

static int push_bindings(struct dataplane *dp, const struct ipmp_group *g)
{
	int fd = dataplane_map_fd(dp, "addr_binding");
	uint64_t mark = ++dp->npushes;
	struct ipmp_addr_key key;
	bool changed = false;

	for (unsigned i = 0; i < g->naddrs; i++) {
		const struct ipmp_addr *a = &g->addrs[i];
		struct ipmp_binding b = { .ifindex = a->bound ? a->bound->ifindex : 0 };
		struct addrmap_entry *e = addrmap_insert(&dp->bindings, &a->prefix);

		if (!e)
			return -ENOMEM;
		e->mark = mark;
		if (e->value == b.ifindex)
			continue;
		dataplane_addr_key(&a->prefix, &key);
		if (b.ifindex) {
			if (bpf_map_update_elem(fd, &key, &b, BPF_ANY))
				return -errno;
		} else if (bpf_map_delete_elem(fd, &key) && errno != ENOENT) {
			return -errno;
		}
		e->value = b.ifindex;
		changed = true;
	}
	addrmap_for_each(&dp->bindings, e) {
		struct ip_prefix p;

		if (e->mark == mark)
			continue;
		addrmap_key(e, &p);
		dataplane_addr_key(&p, &key);
		if (bpf_map_delete_elem(fd, &key) && errno != ENOENT)
			return -errno;
		addrmap_remove(&dp->bindings, e);
		changed = true;
	}
	return changed ? push_addr_index(dp) : 0;
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
	err = dataplane_attach_group(dp, dp->group_ifindex, dp->peer_ifindex, dp->direct);
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
 * gives: members, tx_set, buckets, group_cfg, addr_binding. Unchanged
 * entries are not rewritten, so a failover costs one update per moved
 * address and one batch for the moved buckets.
 */
int dataplane_push(struct dataplane *dp, const struct ipmp_group *g)
{
	int ret;

	ret = push_members(dp, g);
	if (!ret)
		ret = push_tx_set(dp, g);
	if (!ret)
		ret = push_buckets(dp, g);
	if (!ret)
		ret = push_group_cfg(dp, g);
	if (!ret)
		ret = push_bindings(dp, g);
	if (!ret)
		ret = dataplane_push_state(dp, g);
	if (!ret && dp->reattach)
		ret = reattach(dp);
	if (ret)
		pr_err("group %s: cannot update the data plane maps: %s", g->name, strerror(-ret));
	return ret;
}
