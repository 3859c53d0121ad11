// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The record of what the agent changed, and undoing it (agent/undo.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataplane.h"
#include "log.h"
#include "sysctl.h"
#include "undo.h"

static void pin_path(char *path, size_t len, const char *root)
{
	snprintf(path, len, "%s/%s", root, UNDO_PIN_NAME);
}

static void store(struct undo *u, __u32 i)
{
	if (bpf_map_update_elem(u->fd, &i, &u->e[i], BPF_ANY))
		pr_warn("cannot write the undo record: %s", strerror(errno));
}

static void forget(struct undo *u, __u32 i)
{
	memset(&u->e[i], 0, sizeof(u->e[i]));
	store(u, i);
}

/* Is the pinned map one this agent can read: the right shape, the right version? */
static bool record_readable(int fd, struct undo_entry *e)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != BPF_MAP_TYPE_ARRAY ||
	    info.key_size != 4 || info.value_size != sizeof(*e) || info.max_entries != UNDO_ENTRIES)
		return false;
	for (__u32 i = 0; i < UNDO_ENTRIES; i++)
		if (bpf_map_lookup_elem(fd, &i, &e[i]))
			return false;
	return e[0].kind == UNDO_HEADER && e[0].u.version == UNDO_VERSION;
}

int undo_open(struct undo *u, const char *root, bool create)
{
	char path[PATH_MAX];
	int fd, ret;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	u->e = calloc(UNDO_ENTRIES, sizeof(*u->e));
	if (!u->e)
		return -ENOMEM;
	pin_path(path, sizeof(path), root);
	fd = bpf_obj_get(path);
	if (fd >= 0 && record_readable(fd, u->e)) {
		u->fd = fd;
		return 0;
	}
	if (fd >= 0) {
		pr_warn("%s is not a record this agent can read (another version?); replacing it: "
			"what it recorded will not be undone", path);
		close(fd);
		unlink(path);
		memset(u->e, 0, UNDO_ENTRIES * sizeof(*u->e));
	} else if (errno != ENOENT) {
		ret = -errno;
		pr_err("cannot open %s: %s", path, strerror(-ret));
		goto fail;
	}
	ret = -ENOENT;
	if (!create)
		goto fail;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ipmp_undo", sizeof(__u32), sizeof(struct undo_entry),
			    UNDO_ENTRIES, NULL);
	if (fd < 0) {
		ret = -errno;
		pr_err("cannot create the undo record: %s", strerror(-ret));
		goto fail;
	}
	u->fd = fd;
	u->e[0].kind = UNDO_HEADER;
	u->e[0].u.version = UNDO_VERSION;
	store(u, 0);
	if (bpf_obj_pin(fd, path)) {
		ret = -errno;
		pr_err("cannot pin %s: %s", path, strerror(-ret));
		close(fd);
		u->fd = -1;
		goto fail;
	}
	return 0;
fail:
	free(u->e);
	u->e = NULL;
	return ret;
}

void undo_close(struct undo *u)
{
	if (u->fd >= 0)
		close(u->fd);
	free(u->e);
	u->e = NULL;
	u->fd = -1;
}

int undo_unpin(const char *root)
{
	char path[PATH_MAX];

	pin_path(path, sizeof(path), root);
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

bool undo_empty(const struct undo *u)
{
	for (unsigned i = 1; u->e && i < UNDO_ENTRIES; i++)
		if (u->e[i].kind != UNDO_FREE)
			return false;
	return true;
}

/* A new entry of kind for a netdev, or NULL when the record is full (said once). */
static struct undo_entry *entry_new(struct undo *u, enum undo_kind kind, const char *group,
				    const char *ifname, int ifindex, __u32 *at)
{
	if (u->fd < 0)
		return NULL;
	for (__u32 i = 1; i < UNDO_ENTRIES; i++) {
		struct undo_entry *e = &u->e[i];

		if (e->kind != UNDO_FREE)
			continue;
		memset(e, 0, sizeof(*e));
		e->kind = kind;
		e->ifindex = ifindex;
		snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
		snprintf(e->group, sizeof(e->group), "%s", group);
		*at = i;
		return e;
	}
	if (!u->full_said)
		pr_warn("the undo record is full (%u entries): what the agent changes from now on "
			"will not be undone", UNDO_ENTRIES - 1);
	u->full_said = true;
	return NULL;
}

void undo_note_iface(struct undo *u, const char *group, const char *ifname, int ifindex)
{
	__u32 i;

	if (entry_new(u, UNDO_IFACE, group, ifname, ifindex, &i))
		store(u, i);
}

static int sysctl_find(const struct undo *u, const char *family, const char *ifname, const char *key)
{
	for (unsigned i = 1; u->e && i < UNDO_ENTRIES; i++) {
		const struct undo_entry *e = &u->e[i];

		if (e->kind == UNDO_SYSCTL && !strcmp(e->ifname, ifname) &&
		    !strcmp(e->u.sysctl.family, family) && !strcmp(e->u.sysctl.key, key))
			return (int)i;
	}
	return -1;
}

int undo_sysctl_set(struct undo *u, const char *group, const char *family, const char *ifname,
		    const char *key, const char *value)
{
	char before[sizeof(((struct undo_entry *)0)->u.sysctl.before)];
	struct undo_entry *e;
	int ret = sysctl_if_get(family, ifname, key, before, sizeof(before));
	__u32 i;

	if (ret)
		return ret;
	if (!strcmp(before, value))
		return 0;	/* already so: nothing changes, nothing to undo */
	if (sysctl_find(u, family, ifname, key) < 0) {
		e = entry_new(u, UNDO_SYSCTL, group, ifname, (int)if_nametoindex(ifname), &i);
		if (e) {
			snprintf(e->u.sysctl.family, sizeof(e->u.sysctl.family), "%s", family);
			snprintf(e->u.sysctl.key, sizeof(e->u.sysctl.key), "%s", key);
			snprintf(e->u.sysctl.before, sizeof(e->u.sysctl.before), "%s", before);
			store(u, i);
		}
	}
	return sysctl_if_set(family, ifname, key, value);
}

static bool addr_is(const struct undo_entry *e, int ifindex, const struct ip_prefix *p)
{
	return e->kind == UNDO_ADDR && e->ifindex == (__u32)ifindex && e->u.addr.family == p->family &&
	       !memcmp(e->u.addr.addr, p->addr, ip_addr_len(p->family));
}

static void entry_prefix(const struct undo_entry *e, struct ip_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = e->u.addr.family;
	p->plen = e->u.addr.plen;
	memcpy(p->addr, e->u.addr.addr, ip_addr_len(p->family));
}

void undo_note_addr(struct undo *u, const char *group, const char *ifname, int ifindex,
		    const struct ip_prefix *p)
{
	struct undo_entry *e;
	__u32 i;

	for (i = 1; u->e && i < UNDO_ENTRIES; i++)
		if (addr_is(&u->e[i], ifindex, p))
			return;
	e = entry_new(u, UNDO_ADDR, group, ifname, ifindex, &i);
	if (!e)
		return;
	e->u.addr.family = p->family;
	e->u.addr.plen = p->plen;
	memcpy(e->u.addr.addr, p->addr, ip_addr_len(p->family));
	store(u, i);
}

void undo_note_tc(struct undo *u, const char *group, int ifindex, bool egress, bool made_hook)
{
	char ifname[IF_NAMESIZE] = "";
	struct undo_entry *e;
	__u32 i;

	for (i = 1; u->e && i < UNDO_ENTRIES; i++)
		if (u->e[i].kind == UNDO_TC && u->e[i].ifindex == (__u32)ifindex &&
		    u->e[i].u.tc.egress == egress)
			return;	/* the first attach decided who made the hook */
	if_indextoname(ifindex, ifname);
	e = entry_new(u, UNDO_TC, group, ifname, ifindex, &i);
	if (!e)
		return;
	e->u.tc.egress = egress;
	e->u.tc.made_hook = made_hook;
	store(u, i);
}

void undo_note_mcast(struct undo *u, const char *group, const char *ifname, int ifindex,
		     const __u8 *mac)
{
	struct undo_entry *e;
	__u32 i;

	if (undo_has_mcast(u, ifindex, mac))
		return;
	e = entry_new(u, mac ? UNDO_MADDR : UNDO_ALLMULTI, group, ifname, ifindex, &i);
	if (!e)
		return;
	if (mac)
		memcpy(e->u.mac, mac, sizeof(e->u.mac));
	store(u, i);
}

static bool mcast_is(const struct undo_entry *e, int ifindex, const __u8 *mac)
{
	if (e->ifindex != (__u32)ifindex)
		return false;
	return mac ? e->kind == UNDO_MADDR && !memcmp(e->u.mac, mac, sizeof(e->u.mac)) :
		     e->kind == UNDO_ALLMULTI;
}

bool undo_has_mcast(const struct undo *u, int ifindex, const __u8 *mac)
{
	for (__u32 i = 1; u->e && i < UNDO_ENTRIES; i++)
		if (mcast_is(&u->e[i], ifindex, mac))
			return true;
	return false;
}

/* Is the netdev the entry was made on still there, under its name? */
static bool netdev_same(const struct undo_entry *e)
{
	char name[IF_NAMESIZE];

	return e->ifindex && if_indextoname(e->ifindex, name) && !strcmp(name, e->ifname);
}

/* SIOCDELMULTI: our reference to the address goes; the member's own (its IPv6, say) stay. */
static void undo_maddr(const struct undo_entry *e)
{
	int ret = nl_link_maddr(e->ifname, e->u.mac, false);

	if (ret && ret != -ENOENT)
		pr_warn("cannot remove a multicast address from %s: %s", e->ifname, strerror(-ret));
}

static void undo_tc(struct nl *nl, const struct undo_entry *e)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)e->ifindex,
		    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

	dataplane_detach_ifindex((int)e->ifindex, e->u.tc.egress);
	/* the hook goes only if it was ours and holds nobody else's filter now */
	if (e->u.tc.made_hook && nl_tc_filter_count(nl, (int)e->ifindex, false) == 0 &&
	    nl_tc_filter_count(nl, (int)e->ifindex, true) == 0)
		bpf_tc_hook_destroy(&hook);
}

/* Undo one entry on a netdev still there, and forget it either way. */
static void undo_one(struct undo *u, struct nl *nl, __u32 i)
{
	const struct undo_entry *e = &u->e[i];
	char buf[IP_PREFIX_STRLEN];
	struct ip_prefix p;
	int ret;

	if (netdev_same(e)) {
		switch (e->kind) {
		case UNDO_TC:
			undo_tc(nl, e);
			break;
		case UNDO_ADDR:
			entry_prefix(e, &p);
			ret = nl_addr_del(nl, (int)e->ifindex, &p);
			if (!ret)
				pr_info("removed %s from %s", ip_prefix_str(&p, true, buf, sizeof(buf)),
					e->ifname);
			break;
		case UNDO_SYSCTL:
			ret = sysctl_if_set(e->u.sysctl.family, e->ifname, e->u.sysctl.key,
					    e->u.sysctl.before);
			if (ret)
				pr_warn("cannot restore net.%s.conf.%s.%s=%s: %s", e->u.sysctl.family,
					e->ifname, e->u.sysctl.key, e->u.sysctl.before, strerror(-ret));
			break;
		case UNDO_IFACE:
			if (!nl_link_del(nl, (int)e->ifindex))
				pr_info("removed group interface %s", e->ifname);
			break;
		case UNDO_MADDR:
			undo_maddr(e);
			break;
		case UNDO_ALLMULTI:
			nl_link_flags(nl, (int)e->ifindex, 0, IFF_ALLMULTI);
			break;
		default:
			break;
		}
	}
	forget(u, i);
}

/*
 * Undo the entries that match, by kind: filters first, then addresses,
 * sysctls, and the interfaces last (their addresses and sysctls go with
 * them, so those were restored or removed for nothing, harmlessly).
 */
static void undo_where(struct undo *u, struct nl *nl,
		       bool (*match)(const struct undo_entry *e, const void *arg), const void *arg)
{
	static const enum undo_kind order[] = { UNDO_TC,     UNDO_MADDR,  UNDO_ALLMULTI,
						UNDO_ADDR,   UNDO_SYSCTL, UNDO_IFACE };

	for (unsigned k = 0; u->e && k < sizeof(order) / sizeof(order[0]); k++)
		for (__u32 i = 1; i < UNDO_ENTRIES; i++)
			if (u->e[i].kind == order[k] && match(&u->e[i], arg))
				undo_one(u, nl, i);
}

static bool on_netdev(const struct undo_entry *e, const void *arg)
{
	return e->ifindex == *(const __u32 *)arg;
}

static bool of_group(const struct undo_entry *e, const void *arg)
{
	return !strcmp(e->group, arg);
}

static bool any(const struct undo_entry *e, const void *arg)
{
	return true;
}

bool undo_has_addr(const struct undo *u, int ifindex, const struct ip_prefix *p)
{
	for (__u32 i = 1; u->e && i < UNDO_ENTRIES; i++)
		if (addr_is(&u->e[i], ifindex, p))
			return true;
	return false;
}

bool undo_tc_release(struct undo *u, struct nl *nl, int ifindex, bool egress)
{
	for (__u32 i = 1; u->e && i < UNDO_ENTRIES; i++) {
		if (u->e[i].kind == UNDO_TC && u->e[i].ifindex == (__u32)ifindex &&
		    u->e[i].u.tc.egress == egress) {
			undo_one(u, nl, i);
			return true;
		}
	}
	return false;
}

bool undo_addr_release(struct undo *u, struct nl *nl, int ifindex, const struct ip_prefix *p)
{
	for (__u32 i = 1; u->e && i < UNDO_ENTRIES; i++) {
		if (addr_is(&u->e[i], ifindex, p)) {
			undo_one(u, nl, i);
			return true;
		}
	}
	return false;
}

void undo_claim(struct undo *u, struct nl *nl, const char *group, const char *ifname, int ifindex,
		const struct ip_prefix *keep)
{
	for (__u32 i = 1; u->e && i < UNDO_ENTRIES; i++) {
		struct undo_entry *e = &u->e[i];

		if (e->kind == UNDO_FREE || e->kind == UNDO_HEADER || strcmp(e->ifname, ifname))
			continue;
		if (e->ifindex != (__u32)ifindex) {
			forget(u, i);	/* made on a netdev that is gone: nothing to undo */
			continue;
		}
		if (e->kind == UNDO_ADDR && !(keep && addr_is(e, ifindex, keep))) {
			char buf[IP_PREFIX_STRLEN];
			struct ip_prefix p;

			entry_prefix(e, &p);
			pr_info("%s: test address %s is no longer configured; removing it", ifname,
				ip_prefix_str(&p, true, buf, sizeof(buf)));
			undo_one(u, nl, i);
			continue;
		}
		if (strcmp(e->group, group)) {
			snprintf(e->group, sizeof(e->group), "%s", group);
			store(u, i);
		}
	}
}

void undo_mcast_prune(struct undo *u, struct nl *nl, const char *group,
		      bool (*keep)(int ifindex, const __u8 *mac, void *ctx), void *ctx)
{
	for (__u32 i = 1; u->e && i < UNDO_ENTRIES; i++) {
		const struct undo_entry *e = &u->e[i];

		if ((e->kind == UNDO_MADDR || e->kind == UNDO_ALLMULTI) && !strcmp(e->group, group) &&
		    !keep((int)e->ifindex, e->kind == UNDO_MADDR ? e->u.mac : NULL, ctx))
			undo_one(u, nl, i);
	}
}

void undo_netdev(struct undo *u, struct nl *nl, int ifindex)
{
	__u32 idx = (__u32)ifindex;

	undo_where(u, nl, on_netdev, &idx);
}

void undo_group(struct undo *u, struct nl *nl, const char *group)
{
	undo_where(u, nl, of_group, group);
}

void undo_all(struct undo *u, struct nl *nl)
{
	undo_where(u, nl, any, NULL);
}
