/*
 * keys.h - configuration keys as data: a model declares the keys it takes in a
 * table (JSON key, type, where the value goes, default, range, help), and
 * everything else is generated from the table: the config reader, the value
 * checks and their messages, `--print-config`, `zsim --list`'s key lists.  So
 * a default in the table is exactly what runs and what --print-config shows.
 *
 * A table belongs to a family member (a tier, say) that may come in presets:
 * the block-device tier is "ssd", "emmc", "hdd", "nvram" and "nas", which share
 * keys but not defaults, and some keys exist only for some presets (flash wear
 * for ssd and emmc).  A key names the presets that have it (`presets`, a bit
 * mask; 0 = all) and may override its default per preset (`preset_def`).
 *
 * Values are typed by the one grammar of core/units.h: a size is "800M" or an
 * integer of bytes, a time always has a unit ("80us"), a count is an integer.
 * A key may sit in a nested object ("writeback.mode" is the key "mode" of the
 * object "writeback"); a nested object is present when its required key is set.
 *
 * This module knows no JSON: it parses and prints text.  sim/config.c walks the
 * JSON and calls it.
 */
#ifndef ZSIM_KEYS_H
#define ZSIM_KEYS_H

#include "zsim.h"

#include <stdio.h>

#define ZSIM_KEYS_MAX_PRESETS 8

enum zsim_key_type {
	ZSIM_KEY_SIZE,    /* uint64_t bytes: "1G", "800M", or an integer */
	ZSIM_KEY_TIME,    /* uint64_t ns: "80us", "1ms", "2s" (a unit is required) */
	ZSIM_KEY_UINT,    /* uint64_t: an integer */
	ZSIM_KEY_INT,     /* int: an integer, may be negative */
	ZSIM_KEY_REAL,    /* double */
	ZSIM_KEY_BOOL,    /* bool: true or false */
	ZSIM_KEY_STR,     /* char[size]: a non-empty string */
	ZSIM_KEY_ENUM,    /* unsigned: 1 + the index of the value in `choices`; 0 = unset */
	ZSIM_KEY_DEVICE,  /* char[size]: the name of another device (resolved by the config reader) */
};

enum {
	ZSIM_KEY_REQUIRED = 1u << 0,  /* must be given (in a nested object: when the object is) */
	ZSIM_KEY_OPTIONAL = 1u << 1,  /* printed only when set (not "", not -1 for INT, not 0 for ENUM) */
	ZSIM_KEY_ANY_DEVICE = 1u << 2, /* DEVICE: any device, also one without ZSIM_TIER_CAN_BE_LOWER
	                                  (dm-cache's cache_dev is a zram); default: only those */
};

struct zsim_key {
	const char *name;             /* JSON key; "group.key" inside a nested object; NULL ends */
	enum zsim_key_type type;
	size_t offset;                /* of the field in the owner's config struct */
	size_t size;                  /* STR, DEVICE: the buffer's size */
	const char *def;              /* default, in the config grammar; NULL: zero / empty */
	const char *preset_def[ZSIM_KEYS_MAX_PRESETS]; /* per-preset default; NULL: def */
	unsigned presets;             /* bit i: preset i has the key; 0: every preset */
	double min, max;              /* allowed range in the field's unit; max 0: no bound */
	const char *choices;          /* ENUM: "idle,huge,huge_idle" */
	unsigned flags;
	const char *help;
};

/* Does preset p have key k? */
static inline bool zsim_key_in_preset(const struct zsim_key *k, unsigned p)
{
	return !k->presets || (k->presets >> p) & 1u;
}

/* Fill cfg with the table's defaults for preset p (zeroes it first).  A
 * default that does not parse is a bug: aborts with the key's name. */
void zsim_keys_defaults(const struct zsim_key *tab, unsigned preset, void *cfg, size_t cfg_size);

/* Find a key by its full name ("writeback.mode"); NULL if the table lacks it. */
const struct zsim_key *zsim_keys_find(const struct zsim_key *tab, const char *name);

/*
 * Set key k from text in the config grammar (a size, a time with its unit, an
 * integer, "true"/"false", a name or one of the choices), checking type and
 * range.  Returns 0, or ZSIM_EFORMAT / ZSIM_ERANGE with one message (no path,
 * no newline) in err: "expected a time with a unit (\"80us\", \"1ms\", \"2s\")".
 */
int zsim_key_set_text(const struct zsim_key *k, void *cfg, const char *text, char *err, size_t errlen);
/* Set an integer-typed key (SIZE, UINT, INT, REAL) from a number, with the same checks. */
int zsim_key_set_int(const struct zsim_key *k, void *cfg, long long v, char *err, size_t errlen);
int zsim_key_set_real(const struct zsim_key *k, void *cfg, double v, char *err, size_t errlen);
int zsim_key_set_bool(const struct zsim_key *k, void *cfg, bool v, char *err, size_t errlen);

/* A key's name within a nested object: "mode" for ("writeback.mode",
 * "writeback"); for group "" the name itself if it is not nested; else NULL. */
const char *zsim_key_in_group(const char *name, const char *group);
/* An ENUM key's choices as a list for messages: "idle, huge, huge_idle". */
char *zsim_key_choices(const struct zsim_key *k, char *buf, size_t len);

/* Is the key's value "set" (see ZSIM_KEY_OPTIONAL)? */
bool zsim_key_is_set(const struct zsim_key *k, const void *cfg);
/* The value as config text: "90us", "lzo-rle", "huge"; integers as decimal. */
char *zsim_key_format(const struct zsim_key *k, const void *cfg, char *buf, size_t len);
/* What a value of this key looks like, for messages and help: "a time (\"80us\")". */
const char *zsim_key_expects(const struct zsim_key *k);

/* Field accessors. */
static inline uint64_t *zsim_key_u64(const struct zsim_key *k, void *cfg)
{
	return (uint64_t *)(void *)((char *)cfg + k->offset);
}
static inline const char *zsim_key_str(const struct zsim_key *k, const void *cfg)
{
	return (const char *)cfg + k->offset;
}

/* One help line per key: name, type, default for preset p, range, help. */
void zsim_keys_print_help(FILE *out, const struct zsim_key *tab, unsigned preset, const char *indent);

#endif
