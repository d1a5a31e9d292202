/*
 * kprofile.h - kernel profiles: the version-dependent facts the models follow.
 *
 * A profile is a named bundle of constants ("4.19", "6.1", "6.6", "6.18").  Every
 * model reads its defaults from the profile it is given and never tests a
 * version number itself, so adding a kernel means adding one table row in
 * kprofile.c.  The newest profile describes the kernel these machines run
 * (6.18) and is the default.  Facts and their sources: ../shared/kernel-facts.md.
 */
#ifndef ZSIM_KPROFILE_H
#define ZSIM_KPROFILE_H

#include "zsim.h"

enum zsim_zs_chain_rule {
	ZSIM_ZS_CHAIN_MOST_USED,    /* <= 6.2: first k in 1..N with the best used percentage */
	ZSIM_ZS_CHAIN_LEAST_WASTE,  /* >= 6.3: power-of-two sizes k=1, else least (k*4096) mod size */
};

enum zsim_zs_fullness {
	ZSIM_ZS_FULLNESS_QUARTERS,  /* <= 6.3: EMPTY, ALMOST_EMPTY (inuse <= 3/4), ALMOST_FULL, FULL */
	ZSIM_ZS_FULLNESS_RATIO,     /* >= 6.4: 12 groups: empty, 10% buckets 0..99, full */
};

struct zsim_kprofile {
	const char *name;            /* "6.18" */
	unsigned version;            /* major*100 + minor, for ordering and messages only */

	/* zsmalloc (mm/zsmalloc.c) */
	unsigned zs_chain_size;      /* max pages per zspage: 4 (<= 6.2), 8 (CONFIG default >= 6.3) */
	enum zsim_zs_chain_rule zs_chain_rule;
	enum zsim_zs_fullness zs_fullness;
	unsigned zs_handle_size;     /* bytes added to each request (ZS_HANDLE_SIZE, 8 since 4.x) */
	bool zs_class_merge;         /* merge classes with equal (pages, objs) */

	/* zram (drivers/block/zram/zram_drv.c) */
	const char *zram_default_comp;
	const char *zram_comps;      /* comma-separated compressors this kernel's zram offers */
	bool zram_same_any_pattern;  /* >= 4.11: any repeating 8-byte word counts as same-filled */
	unsigned zram_max_zpage_size;/* < 4.17: fixed "store whole" threshold; 0 = use zs_huge_class_size */

	/* Allocators present for zswap (first and last version that had them; 0 = never) */
	unsigned has_zbud_until;     /* last version with zbud (6.14), 0 if none */
	unsigned has_z3fold_since, has_z3fold_until;
	unsigned z3fold_header_chunks; /* 64-byte chunks taken by the z3fold header */
	bool z3fold_single_move;       /* a lone buddy may move to another page (absent in 4.19, 5.4) */
};

/* The default profile: the newest, describing the running kernel (6.18). */
const struct zsim_kprofile *zsim_kprofile_default(void);
/* Look a profile up by name ("6.18"); NULL if none. */
const struct zsim_kprofile *zsim_kprofile_find(const char *name);
size_t zsim_kprofile_count(void);
const struct zsim_kprofile *zsim_kprofile_at(size_t i);
void zsim_kprofile_names(char *buf, size_t len);

#endif
