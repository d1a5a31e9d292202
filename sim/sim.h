/*
 * sim.h - the simulation's shared state: one `struct zsim_sim` per run (no
 * global state, so two simulations can live in one process).
 *
 * Parts and their files (each part of struct zsim_sim below is owned by one):
 *   engine.c  the clock, the event queue, timers, CPUs, processes, the trace demux
 *   mm.c      frames, page tables, watermarks, reclaim, the OOM killer
 *   devices.c the configured devices: a tier instance each
 *   swap.c    swap areas: slots, priorities, what each slot holds; zswap in
 *             front of them; the zeromap
 *   fs.c      files: tmpfs (swap-backed, size-limited) and block filesystems
 *             with a page cache over a device
 *   results.c summary.json, timeseries.csv (the sampler), atomically
 *   stats.c   events.jsonl lines, latency histograms, the PSI sweep
 * A newcomer looking for a behaviour: faults and reclaim are in mm.c, where a
 * page goes when it leaves RAM is swap.c, time is engine.c.
 */
#ifndef ZSIM_SIM_H
#define ZSIM_SIM_H

#include "../core/zsim.h"
#include "config.h"
#include "../codecs/codec.h"
#include "../traces/content.h"
#include "pgtable.h"
#include "../policies/reclaim.h"
#include "../tiers/tier.h"
#include "../traces/trace.h"

#include <stdio.h>

enum zsim_frame_kind {
	ZSIM_FK_FREE = 0,
	ZSIM_FK_ANON,    /* owner = process, index = virtual page */
	ZSIM_FK_SHMEM,   /* owner = file (tmpfs), index = file page; swap-backed */
	ZSIM_FK_FILE,    /* owner = file (block fs), index = file page; page cache */
	ZSIM_FK_SWAPCACHE, /* read ahead from swap, not mapped yet: owner unknown */
};

/* The page-number-and-flags word (zsim_frame.word) of a frame just taken
 * (frame_take leaves no flags): `kind` at `index`.  One store where setting
 * the fields one by one would first load the word frame_take wrote. */
static inline uint64_t zsim_frame_word(enum zsim_frame_kind kind, uint64_t index)
{
	return (union zsim_frame_word){ .index = index, .kind = kind }.word;
}

/* mm-private frame flags (zsim_frame.mflags) */
enum {
	/* differs from its backing copy: a file page, or an anon page in the swap
	 * cache written since its slot's copy was made (mm.c anon_write) */
	ZSIM_MF_DIRTY = 1u << 0,
	/* a copy also sits in swap slot (swapdev, swap): the page's own, unless
	 * DIRTY (stale) or UNWRITTEN (none) */
	ZSIM_MF_SWAPCACHE = 1u << 1,
	/* with SWAPCACHE: the page holds its slot but the slot holds no copy - the
	 * write to it failed (the kernel re-dirties such a swap-cache page); reclaim
	 * must write it again, to the same slot */
	ZSIM_MF_UNWRITTEN = 1u << 2,
	/* with SWAPCACHE: reclaim wrote the page to an asynchronous device and the
	 * write has not completed (PG_writeback): it must stay in RAM until then */
	ZSIM_MF_WRITEBACK = 1u << 3,
	/* a swap-cache page that reclaim wrote out and keeps until the write is
	 * done and it comes round again (not one read ahead: a fault on it is no
	 * readahead hit) */
	ZSIM_MF_RECLAIMED = 1u << 4,
};

/* An evictor's answer besides 0 (freed) and the negative codes (kept): the
 * page was written to an asynchronous device and stays, unmapped, in the
 * swap cache until the write completes (mm.c zsim_mm_swapped_out). */
#define ZSIM_EVICT_WRITEBACK 1

/* A page-table entry: 0 = never touched; else state in the top bits. */
#define ZSIM_PTE_PRESENT (1ull << 63)
#define ZSIM_PTE_SWAPPED (1ull << 62)
#define ZSIM_PTE_ZERO    (1ull << 61)   /* read before any write: the shared zero page */
#define ZSIM_PTE_YOUNG   (1ull << 59)   /* with PRESENT: accessed since reclaim last looked
                                           (the hardware's accessed bit) */

struct zsim_pt_entry {
	uint64_t key;              /* page + 1; 0 = empty bucket */
	uint64_t val;
};

/*
 * A swap entry (the kernel's swp_entry_t): the swap area's index in s->sw.swap
 * and the slot in it.  A PTE or a tmpfs page map entry holding one has
 * ZSIM_PTE_SWAPPED set.  These are the only places that know the encoding.
 */
#define ZSIM_SWP_SLOT_BITS 32   /* slots are 32-bit everywhere (a frame's `swap`) */
#define ZSIM_SWP_BITS (ZSIM_SWP_SLOT_BITS + 8)
static inline uint64_t zsim_swp_entry(unsigned area, uint64_t slot)
{
	return (uint64_t)area << ZSIM_SWP_SLOT_BITS | slot;
}
static inline unsigned zsim_swp_area(uint64_t e) { return (unsigned)(e >> ZSIM_SWP_SLOT_BITS) & 0xff; }
static inline uint64_t zsim_swp_slot(uint64_t e) { return e & ((1ull << ZSIM_SWP_SLOT_BITS) - 1); }
static inline uint64_t zsim_pte_swp(uint64_t pte) { return pte & ((1ull << ZSIM_SWP_BITS) - 1); }

/*
 * A shadow (the kernel's workingset shadow entry, sim/workingset.c): where a
 * page left RAM, its entry - a swapped PTE or tmpfs entry, or a file page's
 * ONDISK entry - keeps the eviction clock's reading at that moment in bits
 * 40-57, above the swap entry or block number, and bit 58 says it does.
 * zsim_ws_evict returns the bits ready to be or-ed into the entry.
 */
#define ZSIM_SHADOW_SHIFT ZSIM_SWP_BITS
#define ZSIM_SHADOW_BITS 18
#define ZSIM_SHADOW_MASK ((1ull << ZSIM_SHADOW_BITS) - 1)
#define ZSIM_SHADOW_VALID (1ull << 58)
static inline uint64_t zsim_swp_pte(uint64_t e, uint64_t shadow) { return ZSIM_PTE_SWAPPED | shadow | e; }
static inline uint64_t zsim_entry_shadow(uint64_t pte) { return (pte >> ZSIM_SHADOW_SHIFT) & ZSIM_SHADOW_MASK; }

struct zsim_filemap {          /* a file's page map (filemap.c), open addressing: page -> entry, key and value side by side */
	struct zsim_pt_entry *e;   /* the table (mask + 1 buckets); small: `used` entries of `cap`, packed */
	uint64_t mask, used;
	uint64_t occ;              /* small: the table's buckets its entries stand in */
	uint32_t cap;
	bool small;                /* a few entries, standing for the first table (filemap.c) */
};

/*
 * What a swap slot holds: the content of the page written there, in 8 bytes.
 * The owner is not kept: nothing needs a reverse map until swap readahead.
 * The 64-bit seed is kept as its low half and an index into swap.c's table of
 * high halves (struct zsim_swapstate): generators count seeds up from one
 * random start per content class, so a run sees a handful of high halves; if
 * a trace brings more than the table holds, the rest go to a 4-byte array per
 * area (wide_hi).  While the page is in the swap cache its frame holds the
 * same content (a write to it frees the slot first), so the low half names
 * that frame instead and the seed is read from it (zsim_slot_frame, and
 * swap.c's slot_seed); a free slot's seed is unused.
 */
struct zsim_swap_slot {
	uint32_t lo;          /* the seed's low half; CACHED: the frame */
	uint8_t cls, param;
	uint8_t flags : 4;    /* ZSIM_SLOT_USED, ZSIM_SLOT_CACHED */
	uint8_t where : 4;    /* ZSIM_SLOT_*: where the page's copy is */
	uint8_t hix;          /* the seed's high half: zsim_swapstate.hi_val[hix], or
	                       * ZSIM_SLOT_HI_WIDE: the area's wide_hi[slot] */
};

#define ZSIM_SLOT_HI_WIDE 255u   /* hi_val holds this many high halves */

enum {
	ZSIM_SLOT_USED = 1u << 0,     /* holds a page */
	ZSIM_SLOT_CACHED = 1u << 1,   /* the page is in the swap cache too: lo is its frame */
};

/* The slot's swap-cache frame, or ZSIM_FRAME_NONE. */
static inline uint32_t zsim_slot_frame(const struct zsim_swap_slot *sl)
{
	return sl->flags & ZSIM_SLOT_CACHED ? sl->lo : ZSIM_FRAME_NONE;
}

enum {
	ZSIM_SLOT_DEVICE = 0,   /* on the area's device */
	ZSIM_SLOT_ZSWAP,        /* in zswap, in front of the device */
	ZSIM_SLOT_ZERO,         /* a zero-filled page in the zeromap (6.12+): written nowhere */
	ZSIM_SLOT_NOWHERE,      /* its only copy was handed back to RAM (an exclusive zswap load) */
};

struct zsim_swapdev {
	int cfg_index;             /* index into cfg.dev */
	int priority;
	struct zsim_tier *tier;
	bool sync;                 /* SWP_SYNCHRONOUS_IO (zram): no swap cache, no readahead */
	bool rotational;           /* the kernel sees it rotational (nr_rotate_swap) */
	uint64_t nr_slots, used;
	struct zsim_swap_slot *slots;
	uint64_t *busy;            /* which slots are in use, a bit each (the next-fit scan) */
	uint32_t *wide_hi;         /* seeds' high halves past the table's (swap.c); NULL until needed */
	uint64_t cursor;           /* where the next allocation starts looking (swap.c) */
	uint64_t prefault_at;      /* a slot taken from here on asks for the slots after it to be backed */
	uint32_t cluster_left;     /* rotational: slots left in the run (cluster_nr, swap.c slot_pick) */
	/* counters */
	uint64_t swapins, swapouts, failed_writes, readahead_pages, readahead_hits;
};

struct zsim_ra_state {         /* swap readahead window state */
	uint64_t hits, prev_offset, prev_win;
};
/* A readahead state starts as if 4 readahead pages had been hit (the kernel's
 * swapin_readahead_hits starts at 4, and a VMA's state reads 4 until its first
 * swap-in, since 3.10): the first swap-in reads a full 2^page_cluster window,
 * later ones half the previous window unless their readahead is used. */
#define ZSIM_RA_START_HITS 4

/* A process's direct reclaim round under way (mm.c direct_step): the round
 * yields the CPU between batches and goes on at the process's next turn. */
struct zsim_direct_round {
	uint64_t nr[2];    /* pages of each list still to scan at prio */
	uint32_t freed;    /* freed by the round so far */
	int8_t prio;
	bool active;       /* a round is under way */
	bool skipped;      /* an active list was left alone (its inactive list not low) */
	bool forced;       /* the second run, active lists deactivated whatever their balance */
};

struct zsim_proc {
	uint32_t group;            /* which trace */
	uint32_t pid;              /* trace-local */
	uint32_t ppid;
	char name[32];
	bool alive, started, killed, waiting, idle, exited;  /* idle: events ended without an exit */
	bool exit_read;            /* its exit was read from the trace (a create naming it as parent is an error) */
	bool never_forked;         /* its parent was OOM-killed before its create: its events vanish */
	uint32_t wait_target;      /* WAIT: pid (0 = all children) */
	bool parked;               /* PARK: asleep until a WAKE names it */
	uint32_t wakeups;          /* WAKEs that came while it was not parked: the next PARKs pass */
	uint64_t ready_ns;         /* parked: when its work before the PARK is done */
	bool ghost_sched;          /* killed, its WAKEs/PARKs queued: a ghost_run is scheduled */
	uint32_t live_children;
	uint32_t enospc_logged;     /* filesystems whose first ENOSPC for this process was logged */
	uint32_t parent;           /* process index of the parent, UINT32_MAX if none */
	struct zsim_pgtable pt;    /* virtual page -> PTE (pgtable.h) */
	uint64_t pt_pages;         /* frames its PTE pages hold (pt.nr_leaves once charged) */
	uint64_t rss_anon, rss_file, rss_shmem, swapents;
	uint64_t cpu_left;         /* machine.cpu_bursts "sliced": a cpu event's part its last turn cut off */
	uint64_t pending_cpu;      /* CPU ns accumulated, not yet charged */
	uint64_t content_debt;     /* content_time spent making written pages, not yet taken off a cpu event */
	uint32_t reclaim_no_progress;  /* direct-reclaim rounds in a row that freed nothing */
	struct zsim_direct_round direct;  /* its direct reclaim round under way (mm.c) */
	uint32_t kswapd_share_seen;  /* the kswapd wake-up whose share it last counted in */
	uint64_t blocked_from, blocked_to;  /* its last turn's I/O wait or sleep, not runnable (zsim_sched_slice) */
	uint64_t vruntime, ready_since;  /* machine.scheduler "fair": the CPU it has had, placed as
	                                    CFS places a waking task; when it last became ready */
	uint64_t start_ns, end_ns, cpu_ns, stall_ns, fault_wait_ns, sleep_ns;
	uint64_t faults_major, faults_minor;
	struct zsim_ra_state ra;   /* VMA readahead state (the kernel's is per VMA) */
	/* its own queue of events read ahead from the trace (engine.c): a ring of
	 * small entries, an access or a file page's I/O whole in one; any other
	 * event has its kind there and its record in xq, a second ring in the
	 * same order */
	struct zsim_qent *q;
	uint32_t q_head, q_len, q_cap;
	struct zsim_event *xq;
	uint32_t xq_head, xq_len, xq_cap;
};

/* One queued event (32 bytes; struct zsim_event is 80): an access whole, as
 * the trace's batch reader decodes it into the entry, and a file page's read
 * or write whole too (its file in a.file; engine.c qent_inline); any other
 * kind only its kind here (its record is in xq). */
struct zsim_qent {
	struct zsim_trace_access a;   /* a.kind: the event's kind; the rest: ACCESS, FILE_READ
				       * and FILE_WRITE only */
	uint64_t *pte;             /* ACCESS: its entry, if its leaf existed when queued */
};

struct zsim_file {
	uint32_t group, id;        /* trace-local id */
	int fs;                    /* config filesystem index */
	bool live;
	char name[48];
	uint64_t size_pages;
	/* page map: file page -> frame (in RAM) / block (on the device) / swap entry (tmpfs) */
	struct zsim_filemap pages;
};

/*
 * An id map (engine.c): a trace-local id (pid, file id; any uint32) -> an
 * index + 1 (0: none).  Ids below ZSIM_IDMAP_DENSE are an array grown to the
 * largest such id used; larger ids go to a hash table grown with the number
 * of them used.  So memory follows the ids used, never their values (a pid
 * near 2^32 costs one hash entry), and the common small ids cost one load.
 */
#define ZSIM_IDMAP_DENSE 65536u
struct zsim_idmap_ent { uint32_t id, val; };
struct zsim_idmap {
	uint32_t *dense;
	uint32_t dense_len;
	struct zsim_idmap_ent *h;  /* val 0: empty slot */
	uint32_t h_mask, h_used;
};
uint32_t zsim_idmap_get_slow(const struct zsim_idmap *m, uint32_t id);
static inline uint32_t zsim_idmap_get(const struct zsim_idmap *m, uint32_t id)
{
	if (id < m->dense_len)
		return m->dense[id];
	return id < ZSIM_IDMAP_DENSE ? 0 : zsim_idmap_get_slow(m, id);
}
/* pre: val != 0. */
void zsim_idmap_set(struct zsim_idmap *m, uint32_t id, uint32_t val);
void zsim_idmap_free(struct zsim_idmap *m);

/* One trace group: its reader and the pid/file maps. */
struct zsim_group {
	struct zsim_trace_reader *r;
	const char *path;
	struct zsim_corpus *corpus;    /* the header's corpus file, if it names one */
	uint64_t corpus_pages;
	bool eof;
	bool held;                 /* held_ev was read ahead and waits to be routed */
	struct zsim_event held_ev; /* its name is owned (a copy) */
	struct zsim_idmap pid_map;  /* trace pid -> process index + 1 */
	struct zsim_idmap file_map; /* trace file id -> file index + 1 */
	int fs_map[ZSIM_TRACE_MAX_FS]; /* trace fs index -> config fs index */
};

/* A file page map entry (struct zsim_file.pages): PRESENT|frame, SWAPPED|entry
 * (tmpfs), or ONDISK|block (block fs, page not in RAM); the last two with a
 * shadow (ZSIM_SHADOW_SHIFT) once the page has been evicted. */
#define ZSIM_FPE_ONDISK (1ull << 60)
#define ZSIM_FPE_BLOCK(e) ((uint32_t)(e))

struct zsim_dirty {          /* the flusher's queue: pages in the order they were dirtied */
	uint32_t frame, stamp;
	uint64_t time;
};

struct zsim_fsstate {
	uint64_t used_pages;       /* tmpfs: pages charged to the size limit */
	uint64_t limit_pages;
	struct zsim_tier *tier;    /* block fs: its device */
	uint64_t next_block, nr_blocks;
	uint32_t *free_blocks;
	uint64_t nr_free_blocks, free_cap;
	uint64_t enospc, lost_writes, pages_written, pages_read;
	uint64_t files, slab_pages;   /* tmpfs: live files, and the slab pages their inodes hold */
};

struct zsim_sim;

/*
 * Timers (engine.c): a background job is a handler the engine calls at its
 * time.  It returns the delay until it runs again (from s->clk.now, which it must
 * leave as it found it), or ZSIM_TIMER_DONE to sleep until it is kicked.
 */
typedef uint64_t (*zsim_timer_fn)(struct zsim_sim *s, void *ctx);
#define ZSIM_TIMER_DONE UINT64_MAX    /* a handler's answer: no next run */
#define ZSIM_TIMER_IDLE UINT64_MAX    /* zsim_timer_add: no first run, wait for a kick */
#define ZSIM_TIMER_NONE UINT32_MAX
/* The end of simulated time, 2^50 ns (13 days): a run whose clock would pass
 * it stops with an error.  A trace's cpu and sleep events are at most 2^50 ns
 * each (ZSIM_TRACE_MAX_NS), so the clock cannot wrap before the check, and
 * background jobs (the sampler, the flusher) run a bounded number of times. */
#define ZSIM_SIM_MAX_NS ZSIM_TRACE_MAX_NS
/* zsim_timer_add flags.  Without KEEPS_RUNNING a timer is a background job:
 * it is re-armed only while work is left (a process running, a trace not read
 * to its end) and never keeps the run going by itself.  With it, the timer is
 * re-armed as its handler says, and while it is armed or running the run goes
 * on even when no process is runnable (kswapd). */
#define ZSIM_TIMER_KEEPS_RUNNING 1u

struct zsim_timer {
	zsim_timer_fn fn;
	void *ctx;
	uint64_t first;            /* added before the run: its first run (ZSIM_TIMER_IDLE: none) */
	uint32_t pending;          /* runs in the event queue */
	unsigned flags;
	bool running;              /* its handler is running */
	const uint64_t *vruntime;  /* a task's timer (kswapd) under machine.scheduler "fair": its
	                              vruntime, which orders its runs among the turns (else NULL) */
};

struct zsim_evq_item {
	uint64_t time, seq;
	uint64_t vrun, since;      /* machine.scheduler "fair", a turn: its task's vruntime, and
	                              since when it is ready (equal times: least vruntime first,
	                              then the longest ready); 0 otherwise */
	uint32_t timer;            /* a timer's run, or ZSIM_TIMER_NONE: process `proc`'s turn */
	uint32_t proc;
};

struct zsim_histogram {
	uint64_t bucket[64 * 8];   /* log2 buckets with 8 sub-buckets */
	uint64_t count, sum;
	uint64_t min, max;         /* the extremes added (valid when count > 0) */
};

/* Memory pressure as the kernel's PSI reports it (stats.c): the stall and
 * non-idle intervals of each process turn, swept at the end of the run. */
struct zsim_psi_ev {
	uint64_t t;
	int32_t dnonidle, dstall;   /* +1 / -1 at an interval's start / end */
};

struct zsim_psi {
	struct zsim_psi_ev *ev;
	uint64_t nr_ev, cap_ev;
	uint64_t *open_a, *open_b;  /* per process: its non-idle interval still open */
	uint32_t nr_open;
};

/* The result of the sweep: percentages as /proc/pressure/memory prints them. */
struct zsim_psi_result {
	double some_avg[3], full_avg[3];       /* avg10, avg60, avg300 at the end (percent) */
	double some_avg10_max, full_avg10_max; /* the highest avg10 during the run */
	uint64_t some_total_ns, full_total_ns;
};

#define ZSIM_MAX_KILLS_KEPT 8

struct zsim_kill {             /* an OOM kill, for the human summary */
	uint64_t time, rss, swapents, free_pages, swap_free, swap_total;
	uint64_t zram_pages, lru_pages;   /* RAM held by zram pools; pages on the LRUs */
	char name[32];
	uint32_t pid, group;
	char trigger[32];
};

/*
 * The simulation's state comes in parts, each owned by one file: the owner
 * writes its fields; other files read them and change them only through the
 * owner's functions (declared below, by file).  Two exceptions, both as in the
 * kernel: `vm`, the event counters, each counted where its event happens (like
 * count_vm_event()), read by results.c; and the frames (mm.frames, the
 * kernel's struct page): mm hands them out and takes them back, and the file
 * that holds a frame sets its kind, owner, index, content and flags (mm.c for
 * anonymous pages, fs.c for file and tmpfs pages, swap.c for the swap cache),
 * as each kernel subsystem sets the fields of the pages it holds.
 */

/* engine.c: simulated time, the event queue and its timers, the CPUs */
struct zsim_clock {
	uint64_t now;
	struct zsim_evq_item *evq;
	uint64_t evq_len, evq_cap, evq_seq;
	uint64_t nr_proc_events;    /* process turns in the queue */
	struct zsim_timer *timers;
	unsigned nr_timers, cap_timers;
	unsigned timers_keeping;    /* KEEPS_RUNNING timers armed or running */
	bool running;               /* zsim_sim_run has started the clock */
	uint64_t *cpu_free_at;      /* per CPU: when it is next free */
	uint64_t background_cpu_ns; /* CPU the other tasks took (machine.background_cpu) */
	uint64_t min_vruntime;      /* machine.scheduler "fair": the vruntime of the latest pick (the
	                               least of the ready then), never falling: CFS's min_vruntime */
};

/* engine.c: processes and the trace groups they come from */
struct zsim_procs {
	struct zsim_proc *procs;
	uint32_t nr_procs, cap_procs;
	uint32_t live_procs, idle_procs;
	struct zsim_group *groups;
	unsigned nr_groups;
};

/* mm.c: RAM frames, watermarks, reclaim and its policy, kswapd */
struct zsim_mm {
	struct zsim_frame *frames;
	uint32_t nr_frames;        /* RAM pages */
	uint32_t *free_stack;      /* frames freed, the most recent on top (an array, not a
	                            * list through the frames: the frame the allocation a few
	                            * faults ahead takes can be loaded early) */
	uint32_t free_top;         /* how many free_stack holds */
	uint32_t next_fresh_frame; /* frames >= this were never used */
	uint32_t prefault_at;      /* taking this fresh frame asks for the next window (frame_take) */
	uint32_t nr_free_structs;  /* frame structs available in all */
	uint64_t nr_free;          /* free RAM pages */
	uint64_t reserve_pages;    /* frames held from the start: kernel_reserve + kernel_used */
	uint64_t memtotal_pages;   /* MemTotal: the frames less kernel_reserve (not kernel_used) */
	uint64_t zspages, lru_pages;
	uint64_t wmark_min, wmark_low, wmark_high, min_free_kbytes;   /* sums over the zones */
	uint64_t lowmem_protect;   /* pages of the lower zones user allocations may not take */
	uint64_t free_unmovable;   /* free pages on the unmovable/reclaimable lists (mm.c fallbacks) */
	uint64_t boost;            /* the watermark boost, pages (boost_watermark) */
	uint64_t boost_at_wake;    /* the boost when kswapd woke: its balance_pgdat takes it off */
	uint64_t boost_reclaim_left; /* pages of it kswapd still reclaims without swap (balanced) */
	uint64_t boost_max, fallbacks;   /* the highest boost; fragmentation fallbacks */
	uint64_t slab_pages, slab_pages_max;   /* the kernel's own slab the model keeps (tmpfs files) */
	uint64_t pgtable_pages, pgtable_pages_max;   /* processes' PTE pages (mm.c's pgtable_charge) */
	uint64_t kswapd_cpu_ns;    /* CPU kswapd's rounds took */
	uint64_t kswapd_vruntime;  /* machine.scheduler "fair": its vruntime (engine.c) */
	uint64_t kswapd_ready_at;  /* when it last became ready to run (woken, or its turn due) */
	uint64_t kswapd_delay_ns;  /* how long its rounds waited for a CPU (schedstat's run delay) */
	uint64_t kswapd_turns;     /* its rounds, each a turn on a CPU (schedstat's run count) */
	/* since kswapd last woke: the processes' CPU, how many ran, kswapd's own */
	uint64_t share_others_cpu, share_own_cpu;
	uint32_t share_others, share_wake;
	uint64_t share_asleep_until;   /* kswapd sleeps on writeback until then: no share accrues */
	uint64_t refault_snap[2];  /* vm.ws_activate when the last reclaim run ended (snapshot_refaults) */
	uint64_t min_free_seen;    /* lowest nr_free so far */
	const struct zsim_reclaim_ops *policy;
	void *policy_priv;
	struct zsim_reclaim_env policy_env;   /* what mm lends the policy (accessed bits) */
	void (*hit_prefetch)(const void *priv, uint32_t f);   /* policy->prefetch where hits touch(), else NULL */
	unsigned kswapd_timer;
	unsigned kswapd_failures;
	uint64_t kswapd_aim_left;  /* pages kswapd's current kswapd_shrink_node still aims to free */
	int kswapd_prio;           /* its balance_pgdat's priority (0: none under way) */
	bool kswapd_in_pass;       /* a kswapd_shrink_node under way, kswapd_nr left to scan */
	uint64_t kswapd_nr[2];     /* pages of each type its current pass still scans */
	uint64_t kswapd_pass_aim;  /* what the current pass set out to free (kswapd_shrink_node's nr_to_reclaim) */
	uint64_t kswapd_pass_scanned, kswapd_pass_freed, kswapd_balance_freed;
	uint32_t *victims;         /* scratch for reclaim */
	struct zsim_frame_source ram_source;  /* what in-RAM tiers take frames from (movable pages) */
	struct zsim_frame_source ram_source_unmovable;   /* the same, unmovable (zbud's pages) */
	struct zsim_frame_source ram_source_slab;   /* the same, counted as slab (zswap's entries) */
	bool in_reclaim;           /* PF_MEMALLOC: allocations may go below min */
	bool reclaim_noio;         /* a GFP_NOIO reclaim: clean page cache only, no swap, no writes */
	uint64_t ram_refusals;     /* kernel frame requests refused for want of free RAM */
	uint64_t recent_scanned[2], recent_rotated[2];   /* anon/file balance (get_scan_count) */
	/* pages under swap writeback, by completion time (a binary heap; an
	 * entry whose frame has moved on since is skipped: mm.c) */
	struct zsim_wb_pending *wb;
	uint64_t wb_len, wb_cap;
	uint32_t wb_tag;           /* the last write's tag */
	uint64_t nr_writeback;     /* frames with ZSIM_MF_WRITEBACK */
	uint64_t throttle_until;   /* a direct-reclaim round's wait for writeback (to the faulting task) */
	uint64_t kswapd_throttle_until;   /* kswapd's next round waits for writeback until then */
	uint64_t round_taken, round_immediate;   /* the last reclaim round's isolated pages, and
	                                          * of them those found still under writeback */
	uint64_t round_wait;       /* the time the last reclaim round slept on writeback */
	uint64_t pgsteal_after_writeback;   /* of the pages reclaim freed, those it had written
	                                     * to an asynchronous device on an earlier pass */
	uint64_t ws_age;           /* the eviction clock (lruvec->nonresident_age, workingset.c) */
	unsigned ws_bucket_order;  /* shadows keep ws_age >> this */
};

struct zsim_wb_pending {
	uint64_t time;             /* when the write completes */
	uint32_t frame;            /* the frame; ZSIM_FRAME_NONE once its slot was freed */
	uint32_t tag;              /* the order writes were queued in (ties of `time`) */
};

/* swap.c: the swap areas in priority order, zswap in front of them, and
 * cluster readahead */
struct zsim_swapstate {
	struct zsim_swapdev swap[ZSIM_CFG_MAX_SWAP];
	unsigned nr_swap;
	uint64_t total_pages, free_pages;   /* summed over the areas (reclaim asks at every step) */
	struct zsim_ra_state ra;   /* cluster readahead state (swapin_nr_pages), global */
	bool vma_ra;               /* swap_use_vma_readahead: the profile's VMA readahead, and no
	                            * rotational swap area */
	struct zsim_tier *zswap;   /* NULL: none configured, or disabled */
	struct zsim_wb_sink zswap_sink;
	bool zswap_exclusive;      /* a zswap hit drops its copy */
	uint64_t zswap_hits;       /* swap-in faults served by zswap */
	uint64_t zero_swapouts, zero_swapins;   /* the zeromap's swpout_zero, swpin_zero */
	uint32_t hi_val[ZSIM_SLOT_HI_WIDE];     /* the high halves slots' seeds name (swap.c) */
	uint8_t hi_hash[512];      /* high half -> its index + 1 (0: empty), open addressing */
	unsigned nr_hi;
};

/* devices.c: one tier instance per configured device */
struct zsim_devices {
	struct zsim_tier *devtier[ZSIM_CFG_MAX_DEVICES];
	uint64_t wb_moved[ZSIM_CFG_MAX_DEVICES];   /* pages each device's background writeback moved down */
	uint64_t wb_cpu_ns[ZSIM_CFG_MAX_DEVICES];  /* and the CPU it ran (zram: reading pages out) */
	bool wb_job[ZSIM_CFG_MAX_DEVICES];         /* the device has a background writeback job */
	bool wb_in_round[ZSIM_CFG_MAX_DEVICES];    /* a round that goes on in time is under way */
	uint64_t wb_round_start[ZSIM_CFG_MAX_DEVICES], wb_busy_ns[ZSIM_CFG_MAX_DEVICES];
};

/* fs.c: files, filesystems, and the dirty page cache the flusher writes */
struct zsim_pagecache {
	struct zsim_file *files;
	uint32_t nr_files, cap_files;
	struct zsim_fsstate fs[ZSIM_CFG_MAX_FS];
	struct zsim_dirty *dirty;
	uint64_t dirty_head, dirty_len, dirty_cap, nr_dirty;
	uint32_t *dirty_stamp;      /* per frame: stamp of its live queue entry */
	uint32_t dirty_seq;
	bool flush_kicked;          /* a flusher run past the background threshold is queued */
	unsigned flush_kick_timer;  /* that run */
};

/* counters under the kernel's names, counted where each event happens */
struct zsim_vmstat {
	uint64_t pswpin, pswpout, pgmajfault, pgfault, pgsteal_kswapd, pgsteal_direct;
	uint64_t pgscan_kswapd, pgscan_direct, allocstall, oom_kill, pgpgin, pgpgout;
	uint64_t nr_events, nr_accesses, swap_write_fail, enospc, lost_writes;
	uint64_t zram_writeback;   /* pages devices wrote back to the devices below them */
	uint64_t ws_refault[2], ws_activate[2];   /* workingset_refault/activate_{anon,file} */
};

/* results.c and stats.c: what the run writes and keeps for its summary */
struct zsim_output {
	FILE *events_out;          /* events.jsonl being written (tmp dir) */
	FILE *ts_out;              /* timeseries.csv */
	FILE *pc_out;              /* processes.csv (optional) */
	uint32_t store_devs;       /* devices that are compressed stores (zram), a bit each */
	uint64_t samples;          /* timeseries rows written (the first one writes the header) */
	struct zsim_histogram fault_lat;
	struct zsim_kill kills[ZSIM_MAX_KILLS_KEPT];
	/* major-fault latency by source (stats.c, recorded by swap.c and fs.c):
	 * each swap area (in s->sw.swap order), zswap, the zeromap, file reads */
	struct zsim_histogram lat_swap[ZSIM_CFG_MAX_SWAP];
	struct zsim_histogram lat_zswap, lat_zero, lat_file;
	struct zsim_psi psi;
	struct zsim_psi_result psi_res;   /* computed by zsim_results_finish */
	bool psi_done;
};

struct zsim_sim {
	struct zsim_config cfg;    /* read-only after init */
	bool check;                /* verify invariants after each step (tests) */
	volatile int *interrupt;   /* set by SIGINT, SIGTERM, SIGHUP */
	uint64_t max_steps;        /* stop with ZSIM_ERANGE after this many queue steps (0: no cap; fuzzing) */
	char fatal[512];           /* set deep inside a step (a corpus read failed): the run stops with it */
	void (*progress)(const struct zsim_sim *s, void *ctx);   /* called now and then */
	void *progress_ctx;
	bool done;

	struct zsim_clock clk;
	struct zsim_procs pr;
	struct zsim_mm mm;
	struct zsim_swapstate sw;
	struct zsim_devices dev;
	struct zsim_pagecache pc;
	struct zsim_vmstat vm;
	struct zsim_output out;
};

/* engine.c */
int zsim_sim_init(struct zsim_sim *s, const struct zsim_config *cfg, char *err, size_t errlen);
int zsim_sim_add_trace(struct zsim_sim *s, const char *path, char *err, size_t errlen);
/* Bytes the simulator's tables for cfg take up front (RAM frames, device and
 * swap slot tables): what `--max-memory` is compared with before init. */
uint64_t zsim_sim_table_bytes(const struct zsim_config *cfg);
/* The same over a binary trace in memory (pre: data stays valid until zsim_sim_free). */
int zsim_sim_add_trace_mem(struct zsim_sim *s, const void *data, size_t len, const char *name,
			   char *err, size_t errlen);
/* Run to the end (or interrupt); returns 0, or ZSIM_E* with the message in err. */
int zsim_sim_run(struct zsim_sim *s, char *err, size_t errlen);
void zsim_sim_free(struct zsim_sim *s);
/*
 * Register a timer; returns its id.  Its first run is at `first` (absolute),
 * or none (ZSIM_TIMER_IDLE).  Timers added before the run are queued when the
 * run starts, after the traces' first processes, in the order they were added
 * (so at equal times the one added first runs first); during the run, at once.
 */
unsigned zsim_timer_add(struct zsim_sim *s, uint64_t first, unsigned flags, zsim_timer_fn fn, void *ctx);
/* One more run of timer id at `at` (>= s->clk.now), queued now: after what is
 * already queued for that time.  Kicking a timer that re-arms itself while it
 * is busy gives it two runs in the queue: guard with zsim_timer_busy. */
void zsim_timer_kick(struct zsim_sim *s, unsigned id, uint64_t at);
/* Timer id has a run queued, or its handler is running. */
bool zsim_timer_busy(const struct zsim_sim *s, unsigned id);
/* machine.scheduler "fair": the slice a task that runs now gets (engine.c). */
uint64_t zsim_sched_slice(const struct zsim_sim *s);
/* Charge `cpu` ns to the CPU free earliest from `at`; returns when the work ends. */
uint64_t zsim_cpu_run(struct zsim_sim *s, uint64_t at, uint64_t cpu);
/* machine.scheduler "fair": a task's turn due now begins if a CPU is free
 * (0: it is picked, min_vruntime follows its vruntime), else it waits until
 * the returned time, when one is; a task waking is placed with its
 * vruntime at most half a period behind min_vruntime. */
uint64_t zsim_sched_begin(struct zsim_sim *s, uint64_t vruntime);
void zsim_sched_wake(struct zsim_sim *s, uint64_t *vruntime);
/* The time device d's writeback rounds were under way (devices.c), one still
 * going counted to now. */
uint64_t zsim_wb_busy_ns(const struct zsim_sim *s, unsigned d);
/* A task woken from an I/O wait runs its short `cpu` at once, preempting what
 * the CPU free earliest was running (which ends that much later); returns
 * at + cpu. */
uint64_t zsim_cpu_run_woken(struct zsim_sim *s, uint64_t at, uint64_t cpu);
/* The engine's part of a process's end (exit, or an OOM kill after mm freed its
 * memory): its end time and the live/idle counts, its queued events dropped, a
 * waiting parent woken.  Idempotent. */
void zsim_proc_reap(struct zsim_sim *s, uint32_t i);

/* stats.c: events.jsonl and the fault-latency histogram */
void zsim_sim_event(struct zsim_sim *s, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void zsim_hist_add(struct zsim_histogram *h, uint64_t v);
/* The q-quantile (0..1), interpolated linearly within its bucket and kept
 * within [min, max] of the values added; 0 if empty. */
uint64_t zsim_hist_quantile(const struct zsim_histogram *h, double q);
/* PSI: process i's turn from t0: CPU work until cpu_end, of which the last
 * `stall` ns were direct reclaim, then a fault wait until wait_until. */
void zsim_psi_turn(struct zsim_sim *s, uint32_t i, uint64_t t0, uint64_t cpu_end, uint64_t wait_until,
		   uint64_t stall);
/* Sweep the recorded intervals up to `end` (pure: tests call it on their own). */
void zsim_psi_compute(struct zsim_psi *psi, uint64_t end, struct zsim_psi_result *r);
void zsim_psi_free(struct zsim_psi *psi);

/* results.c: register the timeseries sampler (every mm.sample_interval from time 0). */
void zsim_results_init(struct zsim_sim *s);

/* A watermark as an allocation tests it: raised by the watermark boost (mm.c
 * zsim_mm_fallback; the kernel's wmark_pages adds zone->watermark_boost), and
 * the lower zones' lowmem protection on top (mm.c lowmem_protect; the
 * kernel's zone_watermark_ok adds the zone's lowmem_reserve the same way). */
static inline uint64_t zsim_mm_wmark(const struct zsim_sim *s, uint64_t mark)
{
	return mark + s->mm.boost + s->mm.lowmem_protect;
}

/* mm.c */
int zsim_mm_init(struct zsim_sim *s, char *err, size_t errlen);
void zsim_mm_free(struct zsim_sim *s);
/*
 * A process touches a virtual page.  Charges CPU and I/O time to p
 * (p->pending_cpu, and *wait_until for I/O).  Returns 0, ZSIM_ENOMEM when
 * the OOM killer chose p itself, or ZSIM_EAGAIN when p did one round of
 * direct reclaim (its CPU in p->pending_cpu) and must retry the access once
 * that time has passed (nothing of the access happened yet).  pte: the
 * page's entry if the caller has it (leaves never move while p lives), else
 * NULL.
 */
int zsim_mm_access(struct zsim_sim *s, struct zsim_proc *p, uint64_t vpage, uint64_t *pte, bool write,
		   const struct zsim_content_ref *c, uint64_t *wait_until);
void zsim_mm_unmap(struct zsim_sim *s, struct zsim_proc *p, uint64_t vpage, uint64_t npages);
/* A hint, some accesses before a page with entry e is touched (the entry was
 * loaded earlier): stage 1 starts loading its frame (or swap slot), stage 2,
 * later, what the policy will write (list neighbours).  Changes nothing but
 * the cache. */
void zsim_mm_prefetch(struct zsim_sim *s, uint64_t e, int stage);
/* Free everything a process holds (exit or kill); the engine then reaps it (zsim_proc_reap). */
void zsim_mm_exit(struct zsim_sim *s, struct zsim_proc *p);
/* Process p ran `cpu` on a CPU: counted toward kswapd's fair share while it is awake. */
void zsim_mm_task_ran(struct zsim_sim *s, struct zsim_proc *p, uint64_t cpu);
/* Get one frame for a page of p (NULL: the kernel's own); may reclaim (charged to p) or OOM-kill.
 * NONE on failure. */
uint32_t zsim_mm_alloc_frame(struct zsim_sim *s, struct zsim_proc *p);
/* The kernel's own slab (tmpfs inodes and dentries): a page of it taken in p's
 * context (GFP_KERNEL: reclaim and OOM as a fault's; ZSIM_ENOMEM if p was
 * killed), and one given back. */
int zsim_mm_slab_alloc(struct zsim_sim *s, struct zsim_proc *p);
void zsim_mm_slab_free(struct zsim_sim *s);
/* The same for p's own page fault, one direct-reclaim round per call: a frame,
 * ZSIM_FRAME_NONE (p was OOM-killed) or ZSIM_FRAME_RETRY (a round was done,
 * its CPU is in p->pending_cpu: retry when it has run). */
#define ZSIM_FRAME_RETRY (UINT32_MAX - 1)
uint32_t zsim_mm_alloc_frame_round(struct zsim_sim *s, struct zsim_proc *p, uint64_t *wait_until);
void zsim_mm_lru_add(struct zsim_sim *s, uint32_t f);

/* workingset.c: refault detection (the kernel's mm/workingset.c) */
void zsim_ws_init(struct zsim_sim *s);
/* A page of kind `kind` leaves RAM: the clock ticks; returns the shadow bits
 * its entry keeps (0 where the profile has no detection for the kind). */
uint64_t zsim_ws_evict(struct zsim_sim *s, enum zsim_frame_kind kind);
/* Frame f, just added to the LRU, was read back from `entry`: if that kept a
 * shadow, f is activated when its refault distance is within the workingset. */
void zsim_ws_refault(struct zsim_sim *s, uint32_t f, uint64_t entry);
/* n pages reclaim put back on an active list: the clock ticks for each (5.8+). */
void zsim_ws_activated(struct zsim_sim *s, uint64_t n);
/* Reclaim's swap write of frame f (an anon or tmpfs page, unmapped already)
 * went to `entry`, complete at io_done: f is freed (0) or, when the write is
 * still in flight, kept as a swap-cache page under writeback
 * (ZSIM_EVICT_WRITEBACK). */
int zsim_mm_swapped_out(struct zsim_sim *s, uint32_t f, uint64_t entry, uint64_t io_done);
/* Frame f's write in flight no longer matters (its slot was freed). */
void zsim_mm_writeback_forget(struct zsim_sim *s, uint32_t f);
void zsim_mm_writeback_cancel(struct zsim_sim *s, uint32_t f);
void zsim_mm_free_frame(struct zsim_sim *s, uint32_t f);
uint64_t zsim_mm_kswapd_round(struct zsim_sim *s, bool *again);
/* An allocation found its own free lists empty (movable: a process's or a
 * movable pool's page; else an unmovable one): pages change lists, and the
 * watermarks are boosted (mm.c) */
void zsim_mm_fallback(struct zsim_sim *s, bool movable);
int zsim_mm_check(const struct zsim_sim *s, char *msg, size_t len);

/* devices.c: a tier per configured device (s->dev.devtier) */
int zsim_devices_init(struct zsim_sim *s, char *err, size_t errlen);
void zsim_devices_free(struct zsim_sim *s);
/* zswap's background work (its shrink worker) and its memory-pressure shrinker. */
void zsim_swap_background_init(struct zsim_sim *s);
/* Reclaim at `priority` asks zswap's shrinker (6.8+, shrinker_enabled) to write
 * back its share, as shrink_slab does; returns pages written back. */
uint64_t zsim_swap_shrink_slab(struct zsim_sim *s, int priority, uint64_t *cpu_ns);
/* Register a timer for each device with background work (ZSIM_TCTL_BACKGROUND:
 * zram's writeback).  Called after fs init: at equal times the flusher runs first. */
void zsim_devices_background_init(struct zsim_sim *s);

/* swap.c */
int zsim_swap_init(struct zsim_sim *s, char *err, size_t errlen);
void zsim_swap_free_all(struct zsim_sim *s);
/* Write frame f to swap. Returns 0 (the frame may be freed: *entry set), ZSIM_ENOSPC (no free
 * slot), or ZSIM_EIO: the write failed, and the page stays in RAM holding its slot
 * (ZSIM_MF_SWAPCACHE | ZSIM_MF_UNWRITTEN); the next call writes it to that slot again. */
int zsim_swap_out(struct zsim_sim *s, uint32_t f, uint64_t *entry, uint64_t *cpu_ns, uint64_t *io_done);
/* Read a swap entry into a new frame (already allocated: f). */
/* p, vpage: the faulting process and page, for VMA readahead (NULL for tmpfs). */
void zsim_swap_in(struct zsim_sim *s, uint64_t entry, uint32_t f, struct zsim_proc *p, uint64_t vpage,
		  uint64_t *cpu_ns, uint64_t *io_done);
void zsim_swap_release(struct zsim_sim *s, uint64_t entry);
struct zsim_swap_slot *zsim_swap_slot_of(struct zsim_sim *s, uint64_t entry);
/* Reclaim drops a clean swap-cache page: the slot of `entry` keeps its copy
 * and forgets the frame (which the caller frees). */
void zsim_swap_uncache(struct zsim_sim *s, uint64_t entry);
/* Reclaim keeps frame f, just written to `entry`, in the swap cache while the
 * write is in flight: an unmapped swap-cache page (ZSIM_FK_SWAPCACHE) with
 * WRITEBACK and RECLAIMED set; the slot names the frame. */
void zsim_swap_cache_written(struct zsim_sim *s, uint64_t entry, uint32_t f);
/*
 * A fault found its page in the swap cache (frame f of the entry's slot): it
 * becomes a page of `kind` at owner/index, referenced.  If readahead brought it
 * in, a readahead hit is counted on its area and in the readahead state: the
 * process's (vma_ra, VMA readahead) or the global one (NULL, cluster readahead).
 */
/* Reclaim: a page read ahead and never mapped leaves RAM; its swap copy stays. */
int zsim_swap_cache_evict(struct zsim_sim *s, uint32_t f, uint64_t *cpu);
void zsim_swap_cache_take(struct zsim_sim *s, uint32_t f, enum zsim_frame_kind kind, uint32_t owner,
			  uint64_t index, struct zsim_ra_state *vma_ra);
uint64_t zsim_swap_free_pages(const struct zsim_sim *s);
uint64_t zsim_swap_total_pages(const struct zsim_sim *s);

/* fs.c */
int zsim_fs_init(struct zsim_sim *s, char *err, size_t errlen);
void zsim_fs_free(struct zsim_sim *s);
int zsim_fs_event(struct zsim_sim *s, struct zsim_proc *p, struct zsim_group *g,
		  const struct zsim_event *ev, uint64_t *wait_until);
/* Reclaim: evict a file or shmem frame (mm.c's evictors[]). 0 = freed; <0 = keep it. */
int zsim_fs_evict(struct zsim_sim *s, uint32_t f, uint64_t *cpu_ns);
void zsim_fs_flush_dirty(struct zsim_sim *s, uint64_t *cpu_ns);

/* filemap.c: file page maps */
void zsim_filemap_init(struct zsim_filemap *t);
void zsim_filemap_free(struct zsim_filemap *t);
uint64_t *zsim_filemap_lookup(struct zsim_filemap *t, uint64_t key);   /* NULL if absent */
uint64_t *zsim_filemap_insert(struct zsim_filemap *t, uint64_t key);   /* new entries read 0 */
void zsim_filemap_remove(struct zsim_filemap *t, uint64_t key);
/* Bucket b (0..mask) of the table: false if empty, else its page and entry.  A
 * removal may shift another entry into the bucket just read. */
bool zsim_filemap_at(struct zsim_filemap *t, uint64_t b, uint64_t *page, uint64_t *val);

/* content: a page's bytes are made (or read from its trace's corpus) only when
 * a tier needs them; for a corpus page, param holds the trace group */
struct zsim_fill_ctx {
	struct zsim_sim *s;
	struct zsim_content_ref c;
};
uint64_t zsim_content_hash(const struct zsim_content_ref *c);
void zsim_content_fill_ref(const void *ctx, uint8_t *buf);   /* ctx: struct zsim_fill_ctx */

#endif
