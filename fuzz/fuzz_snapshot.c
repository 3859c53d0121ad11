// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the snapshot decoder every command uses (lib/ipmp_client.c)
 * on any reply. A snapshot is refused with a reason, or decodes into
 * lists whose every string fits its field and whose interfaces can be
 * looked up by name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipmp_client.h"

#define FITS(field) (strnlen((field), sizeof(field)) < sizeof(field))

static void check(const struct ipmp_snapshot *s)
{
	for (unsigned i = 0; i < s->ngroups; i++) {
		const struct ipmp_snap_group *g = &s->groups[i];

		if (!FITS(g->ifname) || !FITS(g->name) || !FITS(g->state))
			abort();
		for (unsigned j = 0; j < g->ninterfaces; j++)
			if (!FITS(g->interfaces[j]))
				abort();
	}
	for (unsigned i = 0; i < s->nifs; i++) {
		const struct ipmp_snap_if *f = &s->ifs[i];

		if (!FITS(f->name) || !FITS(f->flags) || !FITS(f->link) || !FITS(f->testaddr) ||
		    !FITS(f->mode6) || !ipmp_snapshot_if(s, f->name))
			abort();
		for (unsigned j = 0; j < f->ntargets; j++)
			if (!FITS(f->targets[j]))
				abort();
	}
	for (unsigned i = 0; i < s->naddrs; i++) {
		const struct ipmp_snap_addr *a = &s->addrs[i];

		if (!FITS(a->address) || !FITS(a->state) || !FITS(a->inbound))
			abort();
		for (unsigned j = 0; j < a->noutbound; j++)
			if (!FITS(a->outbound[j]))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size, 0, NULL);
	struct ipmp_snapshot snap;
	char err[256] = "";

	if (!obj)
		return 0;
	if (!ipmp_snapshot_decode(obj, &snap, err, sizeof(err))) {
		check(&snap);
		ipmp_snapshot_free(&snap);
	} else if (!err[0]) {
		abort();	/* refused without saying why */
	}
	json_decref(obj);
	return 0;
}
