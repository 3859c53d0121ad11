// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where the group's programs hook in (agent/dataplane.h): group_egress and
 * member_ingress as tc clsact filters (a fixed handle and priority, so a
 * new agent replaces them in place), member_xdp through a bpf_link pinned
 * in the group's directory. Part of the data plane module.
 */
#include <bpf/bpf.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dataplane.h"
#include "dataplane_int.h"
#include "log.h"
#include "undo.h"
#include "group_egress.skel.h"
#include "member_ingress.skel.h"
#include "member_xdp.skel.h"

/* Our filter on a clsact hook (made if missing), recorded for undoing with who made the hook. */
static int tc_attach(struct dataplane *dp, int ifindex, enum bpf_tc_attach_point point, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IPMP_TC_HANDLE, .priority = IPMP_TC_PRIORITY,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int made, ret;

	made = bpf_tc_hook_create(&hook);
	if (made == -EOPNOTSUPP || made == -ENOENT)
		pr_err("this kernel has no clsact qdisc (CONFIG_NET_SCH_INGRESS)");
	if (made && made != -EEXIST)
		return made;
	ret = bpf_tc_attach(&hook, &opts);
	if (!ret && dp->undo)
		undo_note_tc(dp->undo, dp->group, ifindex, point == BPF_TC_EGRESS, made == 0);
	return ret;
}

void dataplane_detach_ifindex(int ifindex, bool egress)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IPMP_TC_HANDLE, .priority = IPMP_TC_PRIORITY);

	bpf_tc_detach(&hook, &opts);
}

int dataplane_attach_group(struct dataplane *dp, int ifindex, int peer_ifindex, bool direct)
{
	int ret, hook = direct ? ifindex : peer_ifindex;

	dp->group_ifindex = ifindex;
	dp->peer_ifindex = peer_ifindex;
	dp->direct = direct;
	if (dp->reattach)	/* once the maps are filled: dataplane_push() */
		return 0;
	ret = tc_attach(dp, hook, direct ? BPF_TC_EGRESS : BPF_TC_INGRESS,
			bpf_program__fd(dp->egress->progs.group_egress));
	if (ret) {
		pr_err("cannot attach group_egress to ifindex %d (%s): %s", hook,
		       direct ? "egress" : "ingress of the veth peer", strerror(-ret));
		return ret;
	}
	return 0;
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
	ret = tc_attach(dp, ifindex, BPF_TC_INGRESS,
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

void dataplane_member_gone(struct dataplane *dp, unsigned slot)
{
	dp->attached[slot] = 0;
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
/*
 * Another group's pinned XDP link on this member: left by an agent whose
 * config had the member there. The config has it here now (a member is in
 * one group only), so it is taken over: given our program in place (no
 * moment without XDP, and no wait for the old link to let go of the
 * netdev, which an unpinned link does only later) and unpinned there; the
 * caller pins it here. NULL when there is none to take.
 */
static struct bpf_link *xdp_take_elsewhere(const struct dataplane *dp, const char *ifname,
					   int ifindex, struct bpf_program *prog)
{
	char root[PATH_MAX], path[PATH_MAX + 512];
	struct bpf_link *taken = NULL;
	char *slash;
	struct dirent *de;
	DIR *d;

	snprintf(root, sizeof(root), "%s", dp->pin_dir);
	slash = strrchr(root, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	d = opendir(root);
	if (!d)
		return NULL;
	while (!taken && (de = readdir(d))) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		struct bpf_link *link;

		if (de->d_name[0] == '.' || de->d_type != DT_DIR || !strcmp(de->d_name, dp->group))
			continue;
		snprintf(path, sizeof(path), "%s/%s/xdp_%s", root, de->d_name, ifname);
		if (access(path, F_OK))
			continue;
		link = bpf_link__open(path);
		if (link && !bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len) &&
		    info.type == BPF_LINK_TYPE_XDP && (int)info.xdp.ifindex == ifindex &&
		    !bpf_link__update_program(link, prog) && !bpf_link__unpin(link)) {
			taken = link;	/* held by our fd now, to be pinned here */
			pr_info("%s: took over group %s's XDP link; the member is group %s's now", ifname,
				de->d_name, dp->group);
			continue;
		}
		bpf_link__destroy(link);	/* stale: another netdev's, or none's */
		unlink(path);
	}
	closedir(d);
	return taken;
}

/* XDP_ATTACHED_* of the program on ifindex (IFLA_XDP), 0 if none or unknown. */
static unsigned xdp_attached_mode(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	return q.attach_mode;
}

static bool xdp_mode_matches(enum xdp_mode want, unsigned attached)
{
	switch (want) {
	case XDP_MODE_NATIVE:
		return attached == XDP_ATTACHED_DRV;
	case XDP_MODE_GENERIC:
		return attached == XDP_ATTACHED_SKB;
	default:
		return attached == XDP_ATTACHED_DRV || attached == XDP_ATTACHED_SKB;
	}
}

/* The netdev's driver, for messages (ETHTOOL_GDRVINFO). */
static void driver_name(const char *ifname, char *out, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&info };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(out, len, "unknown");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd >= 0 && !ioctl(fd, SIOCETHTOOL, &ifr))
		snprintf(out, len, "%s", info.driver);
	if (fd >= 0)
		close(fd);
}

/* A new link in one mode, pinned at path; NULL with errno set. */
static struct bpf_link *xdp_link_new(struct bpf_program *prog, int ifindex, __u32 flags,
				     const char *path)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &opts), err;

	if (fd < 0)
		return NULL;
	if (bpf_obj_pin(fd, path)) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	close(fd);	/* the pin holds it; the object below opens it again */
	return bpf_link__open(path);
}

int dataplane_attach_xdp(struct dataplane *dp, unsigned slot, int ifindex, const char *ifname,
			 enum xdp_mode mode, bool *fresh)
{
	struct bpf_program *generic = dp->xdp->progs.member_xdp;
	struct bpf_program *native = dp->xdp->progs.member_xdp_frags;
	char path[PATH_MAX + 32], driver[32];
	struct bpf_link *link;
	unsigned attached;
	int ret;

	*fresh = false;
	if (dp->xdp_links[slot] && dp->xdp_modes[slot] == mode)
		return 0;
	if (dp->xdp_links[slot] || mode == XDP_MODE_OFF)
		dataplane_detach_xdp(dp, slot, ifname);	/* another mode now, or none */
	if (mode == XDP_MODE_OFF)
		return 0;
	xdp_link_path(dp, ifname, path, sizeof(path));
	link = access(path, F_OK) ? NULL : bpf_link__open(path);
	attached = xdp_attached_mode(ifindex);
	if (link && xdp_mode_matches(mode, attached) &&
	    !bpf_link__update_program(link, attached == XDP_ATTACHED_DRV ? native : generic))
		goto done;
	if (link) {	/* stale (its interface went away), or in another mode: let go now */
		bpf_link__detach(link);
		bpf_link__destroy(link);
		unlink(path);
	}
	attached = xdp_attached_mode(ifindex);
	link = xdp_take_elsewhere(dp, ifname, ifindex, attached == XDP_ATTACHED_DRV ? native : generic);
	if (link && !xdp_mode_matches(mode, attached)) {
		bpf_link__detach(link);
		bpf_link__destroy(link);
		link = NULL;
	}
	if (link && bpf_link__pin(link, path)) {
		bpf_link__destroy(link);
		link = NULL;
	}
	if (!link && mode != XDP_MODE_GENERIC) {
		link = xdp_link_new(native, ifindex, XDP_FLAGS_DRV_MODE, path);
		*fresh = link != NULL;
	}
	if (!link && mode != XDP_MODE_NATIVE) {
		link = xdp_link_new(generic, ifindex, XDP_FLAGS_SKB_MODE, path);
		*fresh = link != NULL;
	}
	if (!link) {
		ret = -errno;
		driver_name(ifname, driver, sizeof(driver));
		if (mode == XDP_MODE_NATIVE && (ret == -EOPNOTSUPP || ret == -EINVAL || ret == -ERANGE))
			pr_err("cannot attach member_xdp to %s in native mode (driver %s): %s; "
			       "xdp = generic or off works on any driver and MTU", ifname, driver,
			       strerror(-ret));
		else
			pr_err("cannot attach member_xdp to %s (%s, driver %s): %s; xdp = off works "
			       "without XDP", ifname, config_xdp_mode_names[mode], driver, strerror(-ret));
		return ret;
	}
	if (*fresh)
		pr_info("%s: member_xdp attached (%s)", ifname,
			xdp_attached_mode(ifindex) == XDP_ATTACHED_DRV ? "native" : "generic");
done:
	dp->xdp_links[slot] = link;
	dp->xdp_modes[slot] = mode;
	return 0;
}

void dataplane_unpin_xdp(struct dataplane *dp, const char *ifname)
{
	char path[PATH_MAX + 32];

	xdp_link_path(dp, ifname, path, sizeof(path));
	unlink(path);
}

/* Off now, not when the last reference goes: a new link may follow at once. */
void dataplane_detach_xdp(struct dataplane *dp, unsigned slot, const char *ifname)
{
	dataplane_unpin_xdp(dp, ifname);
	if (dp->xdp_links[slot])
		bpf_link__detach(dp->xdp_links[slot]);
	bpf_link__destroy(dp->xdp_links[slot]);
	dp->xdp_links[slot] = NULL;
}
