// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ipmpstat's output engine (lib/ofmt.h), rule for rule after spec 1.2. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofmt.h"

static int select_default(struct ofmt *o, const struct ofmt_field *fields, unsigned nfields)
{
	unsigned width = 0;

	for (unsigned i = 0; i < nfields; i++) {
		if (width + fields[i].width > OFMT_NCOL)
			break;
		width += fields[i].width;
		o->sel[o->nsel++] = &fields[i];
	}
	return 0;
}

static const struct ofmt_field *field_find(const struct ofmt_field *fields, unsigned nfields,
					   const char *name)
{
	for (unsigned i = 0; i < nfields; i++)
		if (!strcasecmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

/* "`a'" or "`a' `b'", as illumos lists unknown names. */
static void unknown_append(char *list, size_t len, const char *name)
{
	size_t used = strlen(list);

	snprintf(list + used, len - used, "%s`%s'", used ? " " : "", name);
}

static int select_list(struct ofmt *o, const struct ofmt_field *fields, unsigned nfields,
		       const char *olist, char *err, size_t errlen, char *warn, size_t warnlen)
{
	char *copy, *tok, *save = NULL, unknown[512] = "";
	unsigned nnames = 0, nunknown = 0;
	int ret = 0;

	/* an empty list, or more names than fields: illumos' ofmt fails with ENOMEM */
	if (!*olist) {
		snprintf(err, errlen, "Not enough space");
		return -1;
	}
	copy = strdup(olist);
	if (!copy) {
		snprintf(err, errlen, "Not enough space");
		return -1;
	}
	nnames = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct ofmt_field *f = field_find(fields, nfields, tok);

		if (++nnames > nfields) {
			snprintf(err, errlen, "Not enough space");
			ret = -1;
			goto out;
		}
		if (f) {
			o->sel[o->nsel++] = f;
		} else {
			nunknown++;
			unknown_append(unknown, sizeof(unknown), tok);
		}
	}
	/* illumos' ofmt: no field at all is ENOFIELDS, whatever the mode; then -P is strict */
	if (!o->nsel) {
		snprintf(err, errlen, "no valid output fields");
		ret = -1;
	} else if (nunknown && o->style == OFMT_PARSABLE) {
		snprintf(err, errlen, "unknown output field%s: %s", nunknown > 1 ? "s" : "", unknown);
		ret = -1;
	} else if (nunknown) {
		snprintf(warn, warnlen, "ignoring unknown output field%s: %s", nunknown > 1 ? "s" : "",
			 unknown);
	}
out:
	free(copy);
	return ret;
}

int ofmt_open(struct ofmt *o, const struct ofmt_field *fields, unsigned nfields, const char *olist,
	      enum ofmt_style style, ofmt_value_fn value, FILE *out, char *err, size_t errlen,
	      char *warn, size_t warnlen)
{
	memset(o, 0, sizeof(*o));
	o->style = style;
	o->value = value;
	o->out = out;
	o->screen_rows = 24;
	err[0] = warn[0] = '\0';
	if (style == OFMT_PARSABLE && !olist) {
		snprintf(err, errlen, "output fields must be specified in parsable mode");
		return -1;
	}
	if (style == OFMT_PARSABLE && !strcmp(olist, "all")) {
		snprintf(err, errlen, "output field `all' invalid in parsable mode");
		return -1;
	}
	o->sel = calloc(nfields ? nfields : 1, sizeof(*o->sel));
	o->values = calloc(nfields ? nfields : 1, OFMT_VALUE_MAX);	/* once, not per row */
	if (!o->sel || !o->values) {
		free(o->sel);
		free(o->values);
		o->sel = NULL;
		o->values = NULL;
		snprintf(err, errlen, "Not enough space");
		return -1;
	}
	if (!olist)
		return select_default(o, fields, nfields);
	if (!strcmp(olist, "all")) {
		for (unsigned i = 0; i < nfields; i++)
			o->sel[o->nsel++] = &fields[i];
		return 0;
	}
	if (select_list(o, fields, nfields, olist, err, errlen, warn, warnlen)) {
		free(o->sel);
		free(o->values);
		o->sel = NULL;
		o->values = NULL;
		return -1;
	}
	return 0;
}

void ofmt_set_screen_rows(struct ofmt *o, unsigned rows)
{
	o->screen_rows = rows ? rows : 24;
}

void ofmt_set_streaming(struct ofmt *o, bool streaming)
{
	o->streaming = streaming;
}

static void row_end(struct ofmt *o)
{
	fputc('\n', o->out);
	if (o->streaming)
		fflush(o->out);
}

static void pad(FILE *out, int n)
{
	static const char spaces[] = "                                ";

	for (; n > 0; n -= (int)sizeof(spaces) - 1)
		fwrite(spaces, 1, n < (int)sizeof(spaces) - 1 ? (size_t)n : sizeof(spaces) - 1,
		       out);
}

/* One human line: fixed widths, an over-long value pushes the rest right (spec 1.2). */
static void print_human_line(struct ofmt *o, char values[][OFMT_VALUE_MAX])
{
	int overflow = 0;

	for (unsigned i = 0; i < o->nsel; i++) {
		int len = strlen(values[i]), width = o->sel[i]->width;

		if (i == o->nsel - 1) {
			fputs(values[i], o->out);
			break;
		}
		fputs(values[i], o->out);
		if (len + overflow >= width) {
			fputc(' ', o->out);
			overflow += len - width + 1;
		} else {
			if (overflow > 0) {
				int d = overflow < width - len ? overflow : width - len;

				width -= d;
				overflow -= d;
			}
			pad(o->out, width - len);
		}
	}
	row_end(o);
}

static void print_parsable(struct ofmt *o, char values[][OFMT_VALUE_MAX])
{
	for (unsigned i = 0; i < o->nsel; i++) {
		if (i)
			fputc(':', o->out);
		for (const char *p = values[i]; *p; p++) {
			if (o->nsel > 1 && (*p == ':' || *p == '\\'))
				fputc('\\', o->out);
			fputc(*p, o->out);
		}
	}
	row_end(o);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void print_json(struct ofmt *o, char values[][OFMT_VALUE_MAX])
{
	fputs(o->json_started ? ",\n  {" : "[\n  {", o->out);
	o->json_started = true;
	for (unsigned i = 0; i < o->nsel; i++) {
		char key[64];
		size_t n;

		for (n = 0; o->sel[i]->name[n] && n < sizeof(key) - 1; n++)
			key[n] = tolower((unsigned char)o->sel[i]->name[n]);
		key[n] = '\0';
		fputs(i ? ", " : "", o->out);
		json_string(o->out, key);
		fputs(": ", o->out);
		json_string(o->out, values[i]);
	}
	fputc('}', o->out);
	if (o->streaming)
		fflush(o->out);
}

void ofmt_print(struct ofmt *o, const void *row)
{
	char (*values)[OFMT_VALUE_MAX] = o->values;

	/* the header comes before the first row of every screenful, and is a line of it */
	if (o->style == OFMT_HUMAN && o->rows % o->screen_rows == 0) {
		for (unsigned i = 0; i < o->nsel; i++)
			snprintf(values[i], OFMT_VALUE_MAX, "%s", o->sel[i]->name);
		print_human_line(o, values);
		o->rows++;
	}
	for (unsigned i = 0; i < o->nsel; i++) {
		if (!o->value(o->sel[i]->id, row, values[i], OFMT_VALUE_MAX))
			snprintf(values[i], OFMT_VALUE_MAX, "?");
		else if (!values[i][0] && o->style == OFMT_HUMAN)
			snprintf(values[i], OFMT_VALUE_MAX, "--");
	}
	if (o->style == OFMT_HUMAN) {
		print_human_line(o, values);
		o->rows++;
	} else if (o->style == OFMT_PARSABLE)
		print_parsable(o, values);
	else
		print_json(o, values);
}

void ofmt_close(struct ofmt *o)
{
	if (o->style == OFMT_JSON)
		fputs(o->json_started ? "\n]\n" : "[]\n", o->out);
	fflush(o->out);
	free(o->sel);
	free(o->values);
	o->sel = NULL;
	o->values = NULL;
}
