/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The records the agent and the eBPF data plane exchange: every map key
 * and value, defined once, with fixed-width types and explicit padding.
 * Included by bpf/ (clang -target bpf) and by user space.
 *
 * Every map is per group and pinned by name under <bpffs>/<group>/.
 *
 *   map            type          key -> value                   written by   read by
 *   group_cfg      array[1]      0 -> ipmp_group_cfg             agent        both programs
 *   members        array         slot -> ipmp_member_info        agent        both programs
 *   member_index   array         ifindex % N -> slot + 1         agent        both programs
 *   tx_set         array[1]      0 -> ipmp_tx_set                agent        group_egress
 *   buckets        array         flow hash % N -> slot           agent        group_egress
 *   addr_binding   hash          ipmp_addr_key -> ipmp_binding   agent        both programs
 *   addr_index     array         address hash -> ipmp_addr_entry agent        both programs
 *   stats          percpu array  member slot -> ipmp_member_stats programs  agent
 *   drops          percpu array  enum ipmp_drop -> __u64         programs     agent
 *   abi            array[1]      0 -> ipmp_abi                   agent        agent
 *   agent_state    array[1]      0 -> ipmp_agent_state           agent        agent
 *
 * The per-frame path reads arrays only (the verifier inlines their
 * lookups; a hash lookup is a call and a hash of the key). A member is
 * found by slot (members), or by ifindex through member_index, a
 * direct-mapped index: entry ifindex % IPMP_MEMBER_INDEX names the slot
 * of one member with that remainder; a program that finds another
 * member there (two members' ifindexes collide) looks through members.
 *
 * addr_index is addr_binding again, direct-mapped: entry
 * ipmp_addr_index_v4/v6(address) holds one address with that hash and its
 * binding; "more" says other bound addresses share the entry, and only
 * then does a program look in addr_binding. An address not in its entry,
 * whose entry has no "more", is not bound. The agent writes addr_binding
 * first, then the index entries that changed (lib/addr_index.c).
 *
 * Flows: the kernel's hash of a frame picks one of IPMP_BUCKETS buckets,
 * and the bucket names the member (slot) that sends the flow. The agent
 * (lib/buckets.c) gives each active member an even share and moves as
 * few buckets as it can: when a member stops being active only its
 * buckets move; when one becomes active it takes an even share from the
 * members that have the most. A flow thus stays on its member while
 * that member is active, unless a member joins and takes its bucket.
 * A bucket whose member is not active (between steps 1 and 3 below)
 * falls back to tx_set, by the same hash.
 *
 * abi and agent_state are for the next agent (restart adoption): abi says
 * which layout the pinned maps have; a new agent reuses them only when it
 * is its own, else loads fresh maps and re-attaches. agent_state keeps
 * what the maps cannot say: which member is offline, failed by probes,
 * or idle, so a restarted agent resumes instead of starting over.
 * Update order during a failover (agent/dataplane.c, dataplane_push()):
 *   1. members:      the failed member loses IPMP_MEMBER_ACTIVE; its flows
 *                    fall back to tx_set on their next packet;
 *   2. tx_set:       rewritten in one update, without the member;
 *   3. buckets:      the failed member's buckets given to the others (one
 *                    batch update of the changed buckets);
 *   4. group_cfg:    the nominated broadcast member, if it moved;
 *   5. addr_binding: each rebound address, one update each; only then are
 *                    gratuitous ARPs sent from the new member.
 * Each step leaves a consistent data plane: a packet that sees step 1 but
 * not 2 picks from a tx_set that may still name the failed member, and
 * passes over that entry to the next active one.
 *
 * Without the agent (stopped, restarting) the programs keep forwarding with
 * the maps as last written: nothing in a program waits for the agent.
 */
#ifndef IPMP_MAPS_H
#define IPMP_MAPS_H

#include <linux/types.h>

#define IPMP_MAX_MEMBERS	32
#define IPMP_MAX_ADDRS		4096
#define IPMP_BUCKETS		1024	/* flow buckets (a power of two) */
#define IPMP_MEMBER_INDEX	256	/* member_index entries (a power of two) */
#define IPMP_ADDR_INDEX_BITS	13
#define IPMP_ADDR_INDEX		(1u << IPMP_ADDR_INDEX_BITS)	/* addr_index entries */
#define IPMP_ETH_ALEN		6

/* Bumped whenever a map layout or a program's contract changes. */
#define IPMP_ABI_VERSION	4

/* ipmp_member_info.flags */
#define IPMP_MEMBER_ACTIVE	0x1	/* usable for data: functioning, not inactive */

struct ipmp_group_cfg {
	__u32 group_ifindex;	/* the group interface (0: not configured yet) */
	__u32 bcast_ifindex;	/* member nominated for IPv4 broadcast/multicast */
	__u8 group_mac[IPMP_ETH_ALEN];
	__u8 pad[2];
	__u32 abi_version;	/* IPMP_ABI_VERSION of the agent that wrote it */
	__u32 mcast6_ifindex;	/* member nominated for IPv6 multicast (ND, MLD) */
	/*
	 * Where member_ingress hands the group's frames: the group interface's
	 * ingress (deliver_flags BPF_F_INGRESS: past its counters), or its veth
	 * peer's egress (0: through the veth, counted and captured on the group
	 * interface). deliver_ifindex 0: the group interface's ingress.
	 */
	__u32 deliver_ifindex;
	__u32 deliver_flags;
};

/* members[slot]; a free slot is all zero (ifindex 0, not active). */
struct ipmp_member_info {
	__u32 slot;		/* index into stats (and into members) */
	__u32 flags;		/* IPMP_MEMBER_* */
	__u8 mac[IPMP_ETH_ALEN];
	__u8 pad[2];
	__u32 ifindex;		/* the member's netdev */
};

struct ipmp_tx_set {
	__u32 count;		/* entries of slot[] in use */
	__u32 slot[IPMP_MAX_MEMBERS];	/* the active members, by slot */
};

#define IPMP_AF_INET	4
#define IPMP_AF_INET6	6

struct ipmp_addr_key {
	__u8 family;		/* IPMP_AF_INET or IPMP_AF_INET6 */
	__u8 pad[3];
	__u8 addr[16];		/* IPv4 in the first 4 bytes, rest zero */
};

struct ipmp_binding {
	__u32 ifindex;		/* the member whose MAC answers for this address */
};

/* addr_index[ipmp_addr_index_v4/v6(addr)]; all zero: no address */
struct ipmp_addr_entry {
	struct ipmp_binding b;	/* first: a program hands out &entry->b */
	__u8 family;		/* IPMP_AF_INET, IPMP_AF_INET6, or 0: empty */
	__u8 more;		/* other bound addresses have this entry's hash */
	__u8 pad[2];
	__u8 addr[16];		/* IPv4 in the first 4 bytes, rest zero */
};

#define IPMP_ADDR_HASH_MUL	0x9e3779b1u	/* 2^32 / golden ratio */

/* The entry of an IPv4 address (its 4 bytes read as a host-order word). */
static inline __u32 ipmp_addr_index_v4(__u32 a)
{
	return ((a ^ IPMP_AF_INET) * IPMP_ADDR_HASH_MUL) >> (32 - IPMP_ADDR_INDEX_BITS);
}

/* The entry of an IPv6 address (its 16 bytes read as four host-order words). */
static inline __u32 ipmp_addr_index_v6(__u32 a0, __u32 a1, __u32 a2, __u32 a3)
{
	__u32 h = IPMP_AF_INET6;

	h = (h ^ a0) * IPMP_ADDR_HASH_MUL;
	h = (h ^ a1) * IPMP_ADDR_HASH_MUL;
	h = (h ^ a2) * IPMP_ADDR_HASH_MUL;
	h = (h ^ a3) * IPMP_ADDR_HASH_MUL;
	return h >> (32 - IPMP_ADDR_INDEX_BITS);
}

struct ipmp_member_stats {
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 rx_packets;
	__u64 rx_bytes;
};

enum ipmp_drop {
	IPMP_DROP_NO_MEMBER = 0,	/* egress: no usable active member */
	IPMP_DROP_MALFORMED,		/* egress: truncated or unparsable frame */
	IPMP_DROP_UNSUPPORTED,		/* egress: protocol the group does not carry yet */
	IPMP_DROP_NOT_NOMINATED,	/* ingress: group bcast/mcast on a non-nominated member */
	IPMP_DROP_REDIRECT,		/* redirect into the group interface failed */
	IPMP_DROP_LOOPED,		/* ingress: the group's own ARP/broadcast, back from the switch */
	IPMP_DROP__MAX,
};

/* Bumped whenever struct ipmp_agent_state (or its flags) changes meaning. */
#define IPMP_STATE_VERSION	1

/*
 * The version record. Its layout never changes, so any agent can read
 * any record: layout is a hash of every map declaration, taken at build
 * time (IPMP_LAYOUT_HASH). Across a layout change, agent_state is still
 * carried over when its own version is the same.
 */
struct ipmp_abi {
	__u32 version;		/* IPMP_ABI_VERSION */
	__u32 state_version;	/* IPMP_STATE_VERSION */
	__u64 layout;		/* IPMP_LAYOUT_HASH */
};

/* ipmp_saved_member.flags */
#define IPMP_SAVED_FAILED	0x1	/* failed (by probes if its link is up) */
#define IPMP_SAVED_OFFLINE	0x2	/* offline (if_mpadm -d, or flag h) */
#define IPMP_SAVED_INACTIVE	0x4	/* functioning but idle (standby, failback = no) */
#define IPMP_SAVED_HWADDRDUP	0x8	/* offlined for a duplicate MAC (flag h) */

/* ipmp_saved_member.state */
#define IPMP_SAVED_RUNNING	1
#define IPMP_SAVED_FAILED_STATE	2
#define IPMP_SAVED_OFFLINE_STATE 3

struct ipmp_saved_member {
	char ifname[16];	/* empty: a free slot */
	__u32 ifindex;		/* 0: its netdev was missing */
	__u32 state;		/* IPMP_SAVED_RUNNING, ..._FAILED_STATE, ..._OFFLINE_STATE */
	__u32 flags;		/* IPMP_SAVED_* */
	__u8 test_family;	/* IPMP_AF_INET if it had a test address, else 0 */
	__u8 test_plen;
	__u8 pad[2];
	__u8 test_addr[16];	/* to remove it if the member leaves while no agent runs */
};

/* ipmp_agent_state.group_state */
#define IPMP_SAVED_GROUP_OK		0
#define IPMP_SAVED_GROUP_DEGRADED	1
#define IPMP_SAVED_GROUP_FAILED		2

struct ipmp_agent_state {
	__u32 group_state;	/* IPMP_SAVED_GROUP_* */
	__u32 nmembers;
	struct ipmp_saved_member members[IPMP_MAX_MEMBERS];	/* by slot */
};

#endif /* IPMP_MAPS_H */
