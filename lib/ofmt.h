/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The output engine of ipmpstat, after illumos libinetutil's ofmt (spec
 * 1.2): a mode is a table of fields (name, width, id); the engine picks
 * the fields (-o), lays out rows for people (fixed widths with overflow,
 * header repeated every screenful), for scripts (-P: ':'-separated,
 * escaped) or as JSON (-j: an array of objects keyed by lower-case names).
 */
#ifndef IPMP_OFMT_H
#define IPMP_OFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define OFMT_NCOL	80	/* IPMPSTAT_NCOL: the default selection, not the terminal */
#define OFMT_VALUE_MAX	1024

struct ofmt_field {
	const char *name;	/* header, upper case */
	unsigned width;
	int id;			/* handed to the value callback */
};

/*
 * Fill buf with the field's value for row; "" for an empty value. Return
 * false when the value cannot be determined: the engine prints "?".
 */
typedef bool (*ofmt_value_fn)(int id, const void *row, char *buf, size_t len);

enum ofmt_style {
	OFMT_HUMAN,
	OFMT_PARSABLE,
	OFMT_JSON,
};

struct ofmt {
	const struct ofmt_field **sel;
	unsigned nsel;
	enum ofmt_style style;
	ofmt_value_fn value;
	FILE *out;
	unsigned rows;		/* lines printed, headers included */
	unsigned screen_rows;	/* header every screen_rows lines */
	bool json_started;
	bool streaming;		/* flush every row (-p follows probes as they come) */
	char (*values)[OFMT_VALUE_MAX];	/* a row's values, one per selected field */
};

/*
 * Choose the fields. olist is -o's argument (NULL: none). On a fatal
 * error returns -1 with err set to ipmpstat's message; warnings (unknown
 * fields in human mode) go to warn ("" if none).
 */
int ofmt_open(struct ofmt *o, const struct ofmt_field *fields, unsigned nfields, const char *olist,
	      enum ofmt_style style, ofmt_value_fn value, FILE *out, char *err, size_t errlen,
	      char *warn, size_t warnlen);
void ofmt_print(struct ofmt *o, const void *row);
/* Ends the JSON array; frees the selection. */
void ofmt_close(struct ofmt *o);
/* Rows per screen for header repetition: the terminal's, else 24. */
void ofmt_set_screen_rows(struct ofmt *o, unsigned rows);
/* Rows reach the reader one by one (a stream) rather than at ofmt_close(). */
void ofmt_set_streaming(struct ofmt *o, bool streaming);

#endif
