// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: the configuration parser (agent/config.c) on any text.
 * Besides not crashing: every error names the file and a line (or is
 * the closing summary), and an accepted configuration keeps every
 * documented bound (names fit, no member named twice, FDT >= 100 ms).
 */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

static regex_t error_line;

static void sink(int level, const char *line, void *ctx)
{
	(void)ctx;
	if (level <= LOG_ERR && regexec(&error_line, line, 0, NULL, 0)) {
		fprintf(stderr, "config error without file:line: %s\n", line);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (regcomp(&error_line, "^fuzz\\.conf(:[0-9]+: .+|: [0-9]+ errors?, configuration rejected)$",
		    REG_EXTENDED | REG_NOSUB))
		abort();
	log_set_sink(sink, NULL);
	return 0;
}

static void check_accepted(const struct ipmp_config *cfg)
{
	if (cfg->fdt_ms < IPMP_FDT_MIN_MS)
		abort();
	for (unsigned g = 0; g < cfg->ngroups; g++) {
		const struct config_group *grp = &cfg->groups[g];

		if (!grp->ifname[0] || strnlen(grp->ifname, IFNAMSIZ) == IFNAMSIZ ||
		    strnlen(grp->name, sizeof(grp->name)) == sizeof(grp->name) ||
		    grp->nmembers > IPMP_MAX_MEMBERS || grp->ntargets > IPMP_CONFIG_TARGETS_MAX)
			abort();
		for (unsigned i = 0; i < grp->nmembers; i++) {
			const char *name = grp->members[i].ifname;

			if (!name[0] || strnlen(name, IFNAMSIZ) == IFNAMSIZ)
				abort();
			/* a member is in one group, once */
			for (unsigned h = 0; h < cfg->ngroups; h++)
				for (unsigned j = 0; j < cfg->groups[h].nmembers; j++)
					if ((h != g || j != i) &&
					    !strcmp(name, cfg->groups[h].members[j].ifname))
						abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipmp_config cfg;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (!config_load_string(text, "fuzz.conf", &cfg)) {
		check_accepted(&cfg);
		config_free(&cfg);
	}
	free(text);
	return 0;
}
