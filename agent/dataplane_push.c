// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The projection: the group's state into the maps (include/ipmp/maps.h),
 * in the order a failover needs, writing only what changed: the small
 * array maps through images of what was last written, the buckets in
 * place through their mmap, the bindings in batches. Part of the data
 * plane module (dataplane.c loads and pins; dataplane_state.c keeps the
 * record a restart resumes from).
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "addr_index.h"
#include "buckets.h"
#include "dataplane_int.h"
#include "group.h"
#include "log.h"

static size_t buckets_size(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (IPMP_BUCKETS * sizeof(__u32) + page - 1) / page * page;
}

/* The buckets map in this process's memory (fresh or adopted: it holds what it holds). */
int dataplane_buckets_map(struct dataplane *dp)
{
	void *p = mmap(NULL, buckets_size(), PROT_READ | PROT_WRITE, MAP_SHARED,
		       dataplane_map_fd(dp, "buckets"), 0);

	if (p == MAP_FAILED)
		return -errno;
	dp->buckets = p;
	return 0;
}

/* n entries of an array map, of size bytes each. */
static int array_read(const struct dataplane *dp, const char *map, void *out, unsigned n,
		      size_t size)
{
	int fd = dataplane_map_fd(dp, map);

	for (__u32 k = 0; k < n; k++)
		if (bpf_map_lookup_elem(fd, &k, (char *)out + k * size))
			return -errno;
	return 0;
}

/* What the pinned array maps hold, for a restart that adopts them. */
int dataplane_images_read(struct dataplane *dp)
{
	int ret = array_read(dp, "members", dp->members_img, IPMP_MAX_MEMBERS,
			     sizeof(dp->members_img[0]));

	ret = ret ?: array_read(dp, "member_index", dp->index_img, IPMP_MEMBER_INDEX,
				sizeof(dp->index_img[0]));
	return ret ?: array_read(dp, "addr_index", dp->addr_img, IPMP_ADDR_INDEX,
				 sizeof(dp->addr_img[0]));
}

void dataplane_buckets_unmap(struct dataplane *dp)
{
	if (dp->buckets)
		munmap(dp->buckets, buckets_size());
	dp->buckets = NULL;
}

void dataplane_addr_key(const struct ip_prefix *p, struct ipmp_addr_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = p->family == AF_INET ? IPMP_AF_INET : IPMP_AF_INET6;
	memcpy(key->addr, p->addr, ip_addr_len(p->family));
}

/*
 * n keys and values (ksize, vsize bytes each) in one batch; on a kernel
 * without batches for that map type, one at a time. 0 or -errno.
 */
static int update_batch(int fd, const void *keys, size_t ksize, const void *vals, size_t vsize,
			__u32 n)
{
	__u32 count = n;

	if (!n || !bpf_map_update_batch(fd, keys, vals, &count, NULL))
		return 0;
	for (__u32 i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, (const char *)keys + i * ksize,
					(const char *)vals + i * vsize, BPF_ANY))
			return -errno;
	return 0;
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
	ret = update_batch(fd, keys, sizeof(*keys), vals, size, count);
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
	if (bpf_map_update_elem(dataplane_map_fd(dp, "tx_set"), &zero, &tx, BPF_ANY))
		return -errno;
	return 0;
}

/*
 * Even shares of the flow buckets, moving as few as may be (lib/buckets.c),
 * written straight into the mmapped map: a failover moving 512 buckets is
 * 512 stores, not a 120 us batch update. Each is one aligned 32-bit store,
 * so a program reads the old owner or the new one.
 */
static int push_buckets(struct dataplane *dp, const struct ipmp_group *g)
{
	__u32 now[IPMP_BUCKETS];

	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		now[b] = __atomic_load_n(&dp->buckets[b], __ATOMIC_RELAXED);
	if (!buckets_assign(now, active_slots(g)))
		return 0;
	for (unsigned b = 0; b < IPMP_BUCKETS; b++)
		if (now[b] != dp->buckets[b])
			__atomic_store_n(&dp->buckets[b], now[b], __ATOMIC_RELEASE);
	return 0;
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
	if (bpf_map_update_elem(dataplane_map_fd(dp, "group_cfg"), &zero, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

/* Keys and values for one batched update (values NULL: a batched delete). */
struct batch {
	struct ipmp_addr_key *keys;
	struct ipmp_binding *vals;
	__u32 n;
};

static int batch_flush(int fd, struct batch *bt)
{
	__u32 count = bt->n;

	if (bt->vals)
		return update_batch(fd, bt->keys, sizeof(*bt->keys), bt->vals, sizeof(*bt->vals),
				    bt->n);
	if (!bt->n || !bpf_map_delete_batch(fd, bt->keys, &count, NULL))
		return 0;
	/* a kernel without batches for hash maps, or a key already gone: one at a time */
	for (__u32 i = 0; i < bt->n; i++)
		if (bpf_map_delete_elem(fd, &bt->keys[i]) && errno != ENOENT)
			return -errno;
	return 0;
}

/*
 * A rebound address whose own addr_index entry holds it: that entry's
 * member changes in place (a failover moves addresses, it adds none).
 * One that is not in its entry is found through the entry's "more".
 */
static void index_rebind(struct dataplane *dp, const struct ipmp_addr_key *key, __u32 ifindex,
			 __u32 *dirty, unsigned *ndirty)
{
	__u32 idx = addr_index_of(key);
	struct ipmp_addr_entry *e = &dp->addr_img[idx];

	if (e->family == key->family && !memcmp(e->addr, key->addr, sizeof(e->addr))) {
		e->b.ifindex = ifindex;
		dirty[(*ndirty)++] = idx;
	}
}

/* addr_index built again from the bindings just written, its changed entries in one batch. */
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

/* The image's entries at dirty[], written in one batch. */
static int index_write(struct dataplane *dp, const __u32 *dirty, unsigned n)
{
	struct ipmp_addr_entry *vals = malloc((n ? n : 1) * sizeof(*vals));
	int ret;

	if (!vals)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		vals[i] = dp->addr_img[dirty[i]];
	ret = update_batch(dataplane_map_fd(dp, "addr_index"), dirty, sizeof(*dirty), vals,
			   sizeof(*vals), n);
	free(vals);
	return ret;
}

/*
 * Only bindings that changed are written, in one batch (a failover of
 * thousands of addresses is one system call); the cache, keyed by
 * address, also finds the addresses the group no longer has, whose
 * entries are deleted. addr_index follows: in place when addresses only
 * moved, built again when one came or went.
 */
static int push_bindings(struct dataplane *dp, const struct ipmp_group *g)
{
	int fd = dataplane_map_fd(dp, "addr_binding");
	uint64_t mark = ++dp->npushes;
	unsigned room = g->naddrs + dp->bindings.used + 1, ndirty = 0;
	struct batch upd = { .keys = calloc(room, sizeof(*upd.keys)),
			     .vals = calloc(room, sizeof(*upd.vals)) };
	struct batch del = { .keys = calloc(room, sizeof(*del.keys)) };
	__u32 *dirty = calloc(room, sizeof(*dirty));
	bool rebuild = false;
	int ret = -ENOMEM;

	if (!upd.keys || !upd.vals || !del.keys || !dirty)
		goto out;
	for (unsigned i = 0; i < g->naddrs; i++) {
		const struct ipmp_addr *a = &g->addrs[i];
		__u32 ifindex = a->bound ? a->bound->ifindex : 0;
		struct addrmap_entry *e = addrmap_insert(&dp->bindings, &a->prefix);

		if (!e)
			goto out;
		e->mark = mark;
		if (e->value == ifindex)
			continue;
		if (ifindex) {
			dataplane_addr_key(&a->prefix, &upd.keys[upd.n]);
			upd.vals[upd.n].ifindex = ifindex;
			rebuild |= !e->value;	/* newly bound: into the index */
			upd.n++;
		} else {
			dataplane_addr_key(&a->prefix, &del.keys[del.n++]);
			rebuild = true;
		}
		e->value = ifindex;
	}
	addrmap_for_each(&dp->bindings, e) {
		struct ip_prefix p;

		if (e->mark == mark)
			continue;
		addrmap_key(e, &p);
		dataplane_addr_key(&p, &del.keys[del.n++]);
		addrmap_remove(&dp->bindings, e);
		rebuild = true;
	}
	ret = batch_flush(fd, &upd);
	if (!ret)
		ret = batch_flush(fd, &del);
	if (ret || rebuild) {
		ret = ret ?: push_addr_index(dp);
		goto out;
	}
	for (__u32 i = 0; i < upd.n; i++)
		index_rebind(dp, &upd.keys[i], upd.vals[i].ifindex, dirty, &ndirty);
	ret = index_write(dp, dirty, ndirty);
out:
	free(upd.keys);
	free(upd.vals);
	free(del.keys);
	free(dirty);
	return ret;
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
