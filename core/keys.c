/*
 * keys.c - typed configuration keys from tables (keys.h): defaults, parsing,
 * range checks, printing back.  The messages here carry no path; the caller
 * (sim/config.c) prefixes the file and the JSON path.
 */
#include "keys.h"
#include "units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void *field(const struct zsim_key *k, void *cfg) { return (char *)cfg + k->offset; }
static const void *cfield(const struct zsim_key *k, const void *cfg) { return (const char *)cfg + k->offset; }

const char *zsim_key_expects(const struct zsim_key *k)
{
	switch (k->type) {
	case ZSIM_KEY_SIZE:   return "a size (bytes, or \"256M\", \"1G\")";
	case ZSIM_KEY_TIME:   return "a time with a unit (\"80us\", \"1ms\", \"2s\")";
	case ZSIM_KEY_UINT:   return "an integer";
	case ZSIM_KEY_INT:    return "an integer";
	case ZSIM_KEY_REAL:   return "a number";
	case ZSIM_KEY_BOOL:   return "true or false";
	case ZSIM_KEY_STR:    return "a name";
	case ZSIM_KEY_ENUM:   return "one of its choices";
	case ZSIM_KEY_DEVICE: return "a device name";
	}
	return "?";
}

static int range_err(const struct zsim_key *k, char *err, size_t errlen)
{
	if (k->type == ZSIM_KEY_REAL)
		snprintf(err, errlen, "expected a number from %.15g to %.15g", k->min, k->max);
	else if (k->type == ZSIM_KEY_TIME) {
		char a[32], b[32];
		zsim_format_time((uint64_t)k->min, a, sizeof(a));
		zsim_format_time((uint64_t)k->max, b, sizeof(b));
		if (k->max > 0)
			snprintf(err, errlen, "expected a time from %s to %s", a, b);
		else
			snprintf(err, errlen, "at least %s", a);
	} else if (k->max > 0)
		snprintf(err, errlen, "expected %s from %.0f to %.0f", k->type == ZSIM_KEY_SIZE ? "a size" : "an integer",
			 k->min, k->max);
	else
		snprintf(err, errlen, "at least %.0f", k->min);
	return ZSIM_ERANGE;
}

static bool in_range(const struct zsim_key *k, double v)
{
	return v >= k->min && (k->max <= 0 || v <= k->max);
}

int zsim_key_set_int(const struct zsim_key *k, void *cfg, long long v, char *err, size_t errlen)
{
	switch (k->type) {
	case ZSIM_KEY_SIZE:
	case ZSIM_KEY_UINT:
		if (v < 0) {
			snprintf(err, errlen, "expected %s", zsim_key_expects(k));
			return ZSIM_EFORMAT;
		}
		if (!in_range(k, (double)v))
			return range_err(k, err, errlen);
		*(uint64_t *)field(k, cfg) = (uint64_t)v;
		return 0;
	case ZSIM_KEY_INT:
		if (!in_range(k, (double)v))
			return range_err(k, err, errlen);
		*(int *)field(k, cfg) = (int)v;
		return 0;
	case ZSIM_KEY_REAL:
		return zsim_key_set_real(k, cfg, (double)v, err, errlen);
	default:
		snprintf(err, errlen, "expected %s", zsim_key_expects(k));
		return ZSIM_EFORMAT;
	}
}

int zsim_key_set_real(const struct zsim_key *k, void *cfg, double v, char *err, size_t errlen)
{
	if (k->type != ZSIM_KEY_REAL) {
		if (k->type != ZSIM_KEY_TIME && v == floor(v) && fabs(v) < 9e18)
			return zsim_key_set_int(k, cfg, (long long)v, err, errlen);
		snprintf(err, errlen, "expected %s", zsim_key_expects(k));
		return ZSIM_EFORMAT;
	}
	if (!isfinite(v) || !in_range(k, v))
		return range_err(k, err, errlen);
	*(double *)field(k, cfg) = v;
	return 0;
}

int zsim_key_set_bool(const struct zsim_key *k, void *cfg, bool v, char *err, size_t errlen)
{
	if (k->type != ZSIM_KEY_BOOL) {
		snprintf(err, errlen, "expected %s", zsim_key_expects(k));
		return ZSIM_EFORMAT;
	}
	*(bool *)field(k, cfg) = v;
	return 0;
}

/* "a,b,c" -> "a, b, c" */
char *zsim_key_choices(const struct zsim_key *k, char *buf, size_t len)
{
	size_t o = 0;
	for (const char *c = k->choices ? k->choices : ""; *c && o + 2 < len; c++) {
		buf[o++] = *c;
		if (*c == ',')
			buf[o++] = ' ';
	}
	buf[o] = '\0';
	return buf;
}

const char *zsim_key_in_group(const char *name, const char *group)
{
	size_t n = strlen(group);
	if (!n)
		return strchr(name, '.') ? NULL : name;
	return !strncmp(name, group, n) && name[n] == '.' ? name + n + 1 : NULL;
}

int zsim_key_set_text(const struct zsim_key *k, void *cfg, const char *text, char *err, size_t errlen)
{
	uint64_t u;
	double d;
	switch (k->type) {
	case ZSIM_KEY_SIZE:
	case ZSIM_KEY_TIME:
	case ZSIM_KEY_UINT: {
		int rc = k->type == ZSIM_KEY_SIZE ? zsim_parse_size(text, &u)
		       : k->type == ZSIM_KEY_TIME ? zsim_parse_time(text, &u) : zsim_parse_u64(text, &u);
		if (rc < 0) {
			snprintf(err, errlen, "expected %s", zsim_key_expects(k));
			return ZSIM_EFORMAT;
		}
		if (!in_range(k, (double)u))
			return range_err(k, err, errlen);
		*(uint64_t *)field(k, cfg) = u;
		return 0;
	}
	case ZSIM_KEY_INT: {
		char *end;
		long long v = strtoll(text, &end, 10);
		if (!*text || *end) {
			snprintf(err, errlen, "expected %s", zsim_key_expects(k));
			return ZSIM_EFORMAT;
		}
		return zsim_key_set_int(k, cfg, v, err, errlen);
	}
	case ZSIM_KEY_REAL:
		if (zsim_parse_real(text, &d) < 0) {
			snprintf(err, errlen, "expected %s", zsim_key_expects(k));
			return ZSIM_EFORMAT;
		}
		return zsim_key_set_real(k, cfg, d, err, errlen);
	case ZSIM_KEY_BOOL:
		if (strcmp(text, "true") && strcmp(text, "false")) {
			snprintf(err, errlen, "expected true or false");
			return ZSIM_EFORMAT;
		}
		*(bool *)field(k, cfg) = !strcmp(text, "true");
		return 0;
	case ZSIM_KEY_STR:
	case ZSIM_KEY_DEVICE:
		if (!*text || strlen(text) >= k->size) {
			snprintf(err, errlen, "expected a non-empty string of at most %zu characters", k->size - 1);
			return ZSIM_EFORMAT;
		}
		memcpy(field(k, cfg), text, strlen(text) + 1);
		return 0;
	case ZSIM_KEY_ENUM: {
		unsigned i = 1;
		size_t n = strlen(text);
		for (const char *c = k->choices; *c; i++) {
			const char *e = strchr(c, ',');
			size_t len = e ? (size_t)(e - c) : strlen(c);
			if (n && len == n && !strncmp(c, text, n)) {
				*(unsigned *)field(k, cfg) = i;
				return 0;
			}
			if (!e)
				break;
			c = e + 1;
		}
		char list[160];
		zsim_key_choices(k, list, sizeof(list));
		char what[48];
		snprintf(what, sizeof(what), "%s", k->name);
		for (char *c = what; *c; c++)
			if (*c == '.' || *c == '_')
				*c = ' ';
		snprintf(err, errlen, "unknown %s '%s' (known: %s)", what, text, list);
		return ZSIM_EFORMAT;
	}
	}
	return ZSIM_EFORMAT;
}

void zsim_keys_defaults(const struct zsim_key *tab, unsigned preset, void *cfg, size_t cfg_size)
{
	memset(cfg, 0, cfg_size);
	for (const struct zsim_key *k = tab; k && k->name; k++) {
		const char *def = preset < ZSIM_KEYS_MAX_PRESETS && k->preset_def[preset] ? k->preset_def[preset] : k->def;
		if (!def)
			continue;
		char err[160];
		if (zsim_key_set_text(k, cfg, def, err, sizeof(err)) < 0) {
			fprintf(stderr, "zsim: key '%s': default '%s': %s\n", k->name, def, err);
			abort();
		}
	}
}

const struct zsim_key *zsim_keys_find(const struct zsim_key *tab, const char *name)
{
	for (const struct zsim_key *k = tab; k && k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

bool zsim_key_is_set(const struct zsim_key *k, const void *cfg)
{
	const void *f = cfield(k, cfg);
	switch (k->type) {
	case ZSIM_KEY_STR:
	case ZSIM_KEY_DEVICE: return *(const char *)f != '\0';
	case ZSIM_KEY_INT:    return *(const int *)f != -1;
	case ZSIM_KEY_ENUM:   return *(const unsigned *)f != 0;
	default:              return true;
	}
}

char *zsim_key_format(const struct zsim_key *k, const void *cfg, char *buf, size_t len)
{
	const void *f = cfield(k, cfg);
	switch (k->type) {
	case ZSIM_KEY_SIZE:
	case ZSIM_KEY_UINT:
		snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)f);
		break;
	case ZSIM_KEY_TIME:
		zsim_format_time(*(const uint64_t *)f, buf, len);
		break;
	case ZSIM_KEY_INT:
		snprintf(buf, len, "%d", *(const int *)f);
		break;
	case ZSIM_KEY_REAL:
		snprintf(buf, len, "%.15g", *(const double *)f);
		break;
	case ZSIM_KEY_BOOL:
		snprintf(buf, len, "%s", *(const bool *)f ? "true" : "false");
		break;
	case ZSIM_KEY_STR:
	case ZSIM_KEY_DEVICE:
		snprintf(buf, len, "%s", (const char *)f);
		break;
	case ZSIM_KEY_ENUM: {
		unsigned v = *(const unsigned *)f, i = 1;
		buf[0] = '\0';
		for (const char *c = k->choices; v && *c; i++) {
			const char *e = strchr(c, ',');
			size_t n = e ? (size_t)(e - c) : strlen(c);
			if (i == v) {
				snprintf(buf, len, "%.*s", (int)n, c);
				break;
			}
			if (!e)
				break;
			c = e + 1;
		}
		break;
	}
	}
	return buf;
}

void zsim_keys_print_help(FILE *out, const struct zsim_key *tab, unsigned preset, const char *indent)
{
	for (const struct zsim_key *k = tab; k && k->name; k++) {
		if (!zsim_key_in_preset(k, preset))
			continue;
		const char *def = preset < ZSIM_KEYS_MAX_PRESETS && k->preset_def[preset] ? k->preset_def[preset] : k->def;
		fprintf(out, "%s%-22s %s%s%s%s%s\n", indent, k->name, k->help ? k->help : "",
			def ? " [default " : "", def ? (*def ? def : "none") : "", def ? "]" : "",
			k->flags & ZSIM_KEY_REQUIRED ? " (required)" : "");
	}
}
