/*
 * ftl.h - a flash translation layer: the controller inside an SSD or an eMMC
 * that maps host pages onto NAND pages, collects garbage and levels wear
 * (tiers/ftl.c; a sub-model of tiers/blockdev.c, not a tier of its own).
 *
 * Units: pages of ZSIM_PAGE_SIZE (4 KiB, the mapping unit), erase blocks of
 * pages_per_block pages.  Logical page numbers 0 .. dev_pages-1 are the
 * device the simulator writes; the rest of the chip's logical space
 * (logical_pages - dev_pages: other partitions) holds static data in the share
 * `fill`, written before the run and never rewritten.
 */
#ifndef ZSIM_FTL_H
#define ZSIM_FTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum zsim_ftl_gc { ZSIM_FTL_GC_GREEDY, ZSIM_FTL_GC_COST_BENEFIT };
enum zsim_ftl_wl { ZSIM_FTL_WL_STATIC, ZSIM_FTL_WL_DYNAMIC };

struct zsim_ftl_params {
	uint64_t logical_pages;     /* the chip's user capacity in pages (>= dev_pages) */
	uint64_t dev_pages;         /* the page-mapped device at logical 0 .. dev_pages-1 */
	double op;                  /* over-provisioning: physical = logical x (1 + op) */
	uint32_t pages_per_block;   /* erase block / page; >= 2 */
	double fill;                /* 0..1: share of the other logical pages holding static data */
	enum zsim_ftl_gc gc;
	enum zsim_ftl_wl wl;
	uint32_t wl_threshold;      /* static levelling: erase-count spread that moves cold data */
	bool precondition;          /* every device page written once before the run (not counted) */
};

struct zsim_ftl_stats {
	uint64_t host_pages;        /* pages the host wrote */
	uint64_t nand_pages;        /* pages programmed: host + GC copies + levelling copies */
	uint64_t gc_pages, wl_pages;  /* copies made by garbage collection, by wear levelling */
	uint64_t trims;             /* discarded pages that held data */
	uint64_t erases;            /* block erases, all blocks */
	uint32_t erase_min, erase_max;
	double erase_mean;          /* over every block of the chip */
	uint64_t blocks, static_blocks, pages_per_block;
	uint64_t wear_pages;        /* the pages wear is spread over: the chip (static levelling)
	                               or the blocks that cycle (dynamic levelling only) */
	uint64_t programmed_pages;  /* pages programmed since their block's last erase (now) */
	uint64_t initial_pages;     /* pages programmed before the run: static data, preconditioning */
};

struct zsim_ftl;

/* A new FTL, every device page unmapped (trimmed).  NULL and a reason in err
 * when the geometry leaves no spare block for garbage collection.
 * The FTL works in a thread of its own, so the caller goes on meanwhile: a
 * preconditioned device is filled there, and writes and trims are queued and
 * applied there in order; stats (unless nothing was written yet and no page
 * counts are asked for) and checks wait for it to apply them all and stop
 * it, and operations after that are applied at once.  A fork while it runs
 * would copy it half done: create FTLs after forking, as zsim does.
 * Cost: O(blocks) time; memory 4 bytes per device page, 3 per physical page
 * (4 from 2^24 device pages; both allocated zeroed, touched as used: static
 * data never is) plus 44 bytes per block. */
struct zsim_ftl *zsim_ftl_new(const struct zsim_ftl_params *p, char *err, size_t errlen);
void zsim_ftl_free(struct zsim_ftl *f);
/* The host writes device page lpn (< dev_pages).  Amortised O(1) plus the
 * garbage collection it triggers (greedy: O(pages_per_block) per victim;
 * cost-benefit: O(blocks)). */
void zsim_ftl_write(struct zsim_ftl *f, uint64_t lpn);
/* The host discards device page lpn: its NAND page becomes invalid. */
void zsim_ftl_trim(struct zsim_ftl *f, uint64_t lpn);
/* The counters.  `pages`: programmed_pages and initial_pages too, which
 * wait for a preconditioning still running; without them (0), the call
 * does not wait. */
void zsim_ftl_stats(struct zsim_ftl *f, struct zsim_ftl_stats *st, bool pages);
/* Walks the maps and counters: mapping both ways, valid counts, free heap,
 * conservation (nand + initial = erases x ppb + programmed).  O(pages). */
int zsim_ftl_check(struct zsim_ftl *f, char *msg, size_t len);

#endif
