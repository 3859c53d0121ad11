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
#include <sys/mman.h>
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
	ret = dataplane_buckets_map(dp);
	if (ret) {
		pr_err("cannot map the flow buckets of group %s: %s", group_name, strerror(-ret));
		goto err;
	}
	if (dp->adopting && (ret = dataplane_images_read(dp))) {
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
	dataplane_buckets_unmap(dp);
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

/* Did the member's entry say in_tc (false when it has none)? */
static bool probe_cfg_in_tc(struct dataplane *dp, __u32 key)
{
	struct ipmp_probe_cfg old;

	return !bpf_map_lookup_elem(dataplane_probe_cfg_fd(dp), &key, &old) && old.in_tc;
}

/* probe_tc is counted again only when this entry's in_tc changes (new ARP targets do not) */
int dataplane_probe_cfg_set(struct dataplane *dp, int ifindex, const struct ipmp_probe_cfg *cfg)
{
	__u32 key = ifindex;
	bool was = probe_cfg_in_tc(dp, key);

	if (bpf_map_update_elem(dataplane_probe_cfg_fd(dp), &key, cfg, BPF_ANY))
		return -errno;
	return was != !!cfg->in_tc ? dataplane_probe_tc_sync(dp) : 0;
}

void dataplane_probe_cfg_del(struct dataplane *dp, int ifindex)
{
	__u32 key = ifindex;
	bool was = probe_cfg_in_tc(dp, key);

	if (!bpf_map_delete_elem(dataplane_probe_cfg_fd(dp), &key) && was)
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
