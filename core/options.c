/*
 * options.c - the option-table parser and --help printer (options.h).
 *
 * Promoted from the trace generators' parser (traces/gen.c), which it keeps
 * message for message: "--NAME: 'VALUE' is not a size", "unknown option
 * '--NAME'", "option '--NAME' needs a value".  Values go through core/units.h,
 * so a size or a time means the same here as in a config.  Cost: a linear
 * search of the tables per option; the tables have tens of entries.
 */
#include "options.h"
#include "units.h"

#include <stdlib.h>
#include <string.h>

const struct zsim_opt_type zsim_opt_size = { ZSIM_OPTK_SIZE, "SIZE", NULL };
const struct zsim_opt_type zsim_opt_count = { ZSIM_OPTK_COUNT, "N", NULL };
const struct zsim_opt_type zsim_opt_real = { ZSIM_OPTK_REAL, "X", NULL };
const struct zsim_opt_type zsim_opt_time = { ZSIM_OPTK_TIME, "TIME", NULL };
const struct zsim_opt_type zsim_opt_name = { ZSIM_OPTK_NAME, "NAME", NULL };
const struct zsim_opt_type zsim_opt_flag = { ZSIM_OPTK_FLAG, "", NULL };
const struct zsim_opt_type zsim_opt_file = { ZSIM_OPTK_STRING, "FILE", NULL };
const struct zsim_opt_type zsim_opt_dir = { ZSIM_OPTK_STRING, "DIR", NULL };

int zsim_opt_set_value(const struct zsim_opt *o, void *base, const char *val, char *err, size_t errlen)
{
	char *field = (char *)base + o->offset;
	uint64_t u = 0;
	double d = 0;
	switch (o->type->kind) {
	case ZSIM_OPTK_SIZE:
		if (zsim_parse_size(val, &u) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a size", o->name, val);
			return ZSIM_EFORMAT;
		}
		d = (double)u;
		break;
	case ZSIM_OPTK_COUNT:
		if (zsim_parse_u64(val, &u) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a count", o->name, val);
			return ZSIM_EFORMAT;
		}
		d = (double)u;
		break;
	case ZSIM_OPTK_TIME:
		if (zsim_parse_time(val, &u) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a duration (a number and a unit: 10s, 250ms, 5us)",
				 o->name, val);
			return ZSIM_EFORMAT;
		}
		d = (double)u;
		break;
	case ZSIM_OPTK_REAL:
		if (zsim_parse_real(val, &d) < 0) {
			snprintf(err, errlen, "--%s: '%s' is not a number", o->name, val);
			return ZSIM_EFORMAT;
		}
		break;
	case ZSIM_OPTK_NAME: {
		size_t n = strlen(val);
		if (n == 0 || n >= ZSIM_OPT_NAME_MAX || strpbrk(val, " \t\n/")) {
			snprintf(err, errlen, "--%s: '%s' is not a name (1 to %d characters, no blanks or '/')",
				 o->name, val, ZSIM_OPT_NAME_MAX - 1);
			return ZSIM_EFORMAT;
		}
		memcpy(field, val, n + 1);
		return 0;
	}
	case ZSIM_OPTK_FLAG:
		*(bool *)(void *)field = true;
		return 0;
	case ZSIM_OPTK_STRING:
		if (!*val) {
			snprintf(err, errlen, "--%s: empty %s name", o->name,
				 o->type == &zsim_opt_dir ? "directory" : "file");
			return ZSIM_EFORMAT;
		}
		*(const char **)(void *)field = val;
		return 0;
	case ZSIM_OPTK_CUSTOM: {
		char sub[400];
		sub[0] = '\0';
		if (o->type->parse(o, val, field, sub, sizeof(sub)) < 0) {
			snprintf(err, errlen, "--%s: %s", o->name, sub);
			return ZSIM_EFORMAT;
		}
		return 0;
	}
	}
	if (d < o->min || (o->max > 0 && d > o->max)) {
		enum zsim_opt_kind k = o->type->kind;
		const char *unit = k == ZSIM_OPTK_SIZE ? " bytes" : k == ZSIM_OPTK_TIME ? " ns" : "";
		if (o->max > 0)
			snprintf(err, errlen, "--%s: '%s' is not in [%.15g, %.15g]%s", o->name, val,
				 o->min, o->max, unit);
		else
			snprintf(err, errlen, "--%s: '%s' is below the minimum %.15g%s", o->name, val,
				 o->min, unit);
		return ZSIM_EFORMAT;
	}
	if (o->type->kind == ZSIM_OPTK_REAL)
		*(double *)(void *)field = d;
	else
		*(uint64_t *)(void *)field = u;
	return 0;
}

const struct zsim_opt *zsim_opt_find(const struct zsim_opt *tab, const char *name, size_t n)
{
	for (const struct zsim_opt *o = tab; o && o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

void zsim_opt_defaults(const struct zsim_opt_set *sets)
{
	char err[512];
	for (const struct zsim_opt_set *s = sets; s->tab; s++)
		for (const struct zsim_opt *o = s->tab; o->name; o++) {
			if (!o->def)
				continue;
			if (o->type->kind == ZSIM_OPTK_FLAG) {
				fprintf(stderr, "zsim: --%s: a flag has no default\n", o->name);
				abort();
			}
			if (zsim_opt_set_value(o, s->base, o->def, err, sizeof(err)) < 0) {
				fprintf(stderr, "zsim: bad default of --%s: %s\n", o->name, err);
				abort();
			}
		}
}

/* The option named by a long name (len n) or a short letter (n 0), and its set. */
static const struct zsim_opt *lookup(const struct zsim_opt_set *sets, const char *name, size_t n,
				     char letter, void **base)
{
	for (const struct zsim_opt_set *s = sets; s->tab; s++)
		for (const struct zsim_opt *o = s->tab; o->name; o++)
			if (n ? strlen(o->name) == n && strncmp(o->name, name, n) == 0
			      : letter && o->short_name == letter) {
				*base = s->base;
				return o;
			}
	return NULL;
}

int zsim_opt_parse(const struct zsim_opt_set *sets, int argc, char **argv, int *npos,
		   char *err, size_t errlen)
{
	int np = 0;
	bool opts_done = false;
	zsim_opt_defaults(sets);
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (opts_done || a[0] != '-' || strcmp(a, "-") == 0) {
			if (!npos) {
				snprintf(err, errlen, "unexpected argument '%s'", a);
				return ZSIM_EFORMAT;
			}
			argv[np++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			opts_done = true;
			continue;
		}
		const struct zsim_opt *o;
		const char *val = NULL;
		void *base = NULL;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			if (eq)
				val = eq + 1;
			o = lookup(sets, name, n, 0, &base);
			if (!o) {
				snprintf(err, errlen, "unknown option '%.*s'", (int)(n + 2), a);
				return ZSIM_EFORMAT;
			}
		} else {
			o = lookup(sets, NULL, 0, a[1], &base);
			if (!o) {
				snprintf(err, errlen, "unknown option '%.2s'", a);
				return ZSIM_EFORMAT;
			}
			if (a[2])
				val = a + 2;
		}
		if (o->type->kind == ZSIM_OPTK_FLAG) {
			if (val) {
				snprintf(err, errlen, "--%s takes no value", o->name);
				return ZSIM_EFORMAT;
			}
			*(bool *)(void *)((char *)base + o->offset) = true;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "option '%s' needs a value", a);
				return ZSIM_EFORMAT;
			}
			val = argv[++i];
		}
		if (zsim_opt_set_value(o, base, val, err, errlen) < 0)
			return ZSIM_EFORMAT;
	}
	if (npos)
		*npos = np;
	return 0;
}

void zsim_opt_print(FILE *out, const struct zsim_opt *tab)
{
	for (const struct zsim_opt *o = tab; o && o->name; o++) {
		char left[80];
		const char *meta = o->type->meta ? o->type->meta : "";
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, *meta ? " " : "", meta);
		else
			snprintf(left, sizeof(left), "--%s%s%s", o->name, *meta ? " " : "", meta);
		fprintf(out, "  %-24s %s", left, o->help);
		if (o->def && o->type->kind != ZSIM_OPTK_FLAG)
			fprintf(out, " (default %s)", o->def);
		fputc('\n', out);
	}
}
