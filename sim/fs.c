/*
 * fs.c - files: tmpfs, and filesystems on a block device with a page cache.
 *
 * What the kernel does.  tmpfs keeps file pages in RAM as shmem pages: they
 * sit on the anon LRU lists and go to swap like anonymous memory (a page
 * written to an asynchronous device waits in the swap cache for its write,
 * as an anonymous page does: mm.c), and the
 * mount's size limit (default half of MemTotal) refuses a write past it with
 * ENOSPC.  A disk filesystem keeps file pages in the page cache: a write
 * dirties the page, the flusher writes dirty pages back after
 * dirty_expire_centisecs (30 s) or when they exceed dirty_background_ratio
 * (10%) of available memory, and reclaim drops clean pages (reading them back
 * later from the device).  Deleting or truncating a file frees its blocks in
 * the filesystem; without the discard mount option the device keeps their old
 * contents - on zram that means the compressed copies stay in RAM until the
 * blocks are rewritten.
 *
 * What the model keeps: all of that, per 4 KiB page, with the device being any
 * tier (zram makes the 2013 "ext2 on zram-blk": every page written back is
 * compressed into zsmalloc frames taken from the same RAM).  Block allocation
 * is lowest-free-first.  A tmpfs file costs the kernel its inode, dentry and
 * page-index node while it exists: `file_bytes` of unmovable slab per file
 * (1560 by default, measured in the 6.1 validation guest), packed into slab
 * pages taken from RAM in the creating process's context (reclaim and OOM as
 * a fault's; their fallbacks boost the watermarks) and given back on unlink.
 * A file event costs its process CPU as the system call does: a page read or
 * written costs what the same access to anonymous memory costs (a fault for a
 * new page, an access for a resident one) plus mm.file_io_time, the call's
 * own work; a creation costs mm.file_create_time (both 0 unless configured;
 * `zsim calibrate --mm --dir` measures them as `zsim play` performs them,
 * which the kernel validation does in its guests).  Unlink and truncate cost
 * nothing.  Dropped: a disk filesystem's inodes and dentries (reclaimable slab, which
 * the kernel's shrinkers trim under pressure), slab fragmentation (freed
 * objects leave no partly used pages), metadata blocks, journals, directory
 * pages, readahead, partial-page writes (every write is a whole page), the
 * discard mount option (never discards), and file pages mapped into processes
 * (file maps are read through the cache).  The flusher wakes every 5 s
 * (dirty_writeback_centisecs = 500), and at once when dirty pages pass the
 * background threshold.  A writer that pushes dirty pages past dirty_ratio
 * (20%) is throttled: it writes the oldest dirty pages back itself, on its
 * CPU, until it is below again (the kernel makes it sleep while the flusher
 * does that work; the time lost is similar, the CPU accounting is not).
 *
 * A write-back the device refuses is lost, as in the kernel: zram at its
 * mem_limit, or finding no free frame when reclaim itself writes the page (the
 * allocation may not wait there).  The bio ends with an error, the
 * page is marked clean all the same (mpage_end_io / end_buffer_async_write:
 * "Buffer I/O error ..., lost async page write"), the mapping remembers the
 * error for a later fsync, and reclaim may then drop the page.  The writer is
 * not told (tar does not fsync): the file reads back stale data or zeroes.
 * The model counts these pages per filesystem (lost_writes) and logs the first.
 * When the flusher finds RAM short, zram's GFP_NOIO allocation reclaims clean
 * page cache and otherwise waits (it does not fail): the model keeps the page
 * dirty and the flusher retries at its next round.
 */
#include "sim.h"

#include <stdlib.h>
#include <string.h>

#define DIRTY_EXPIRE_NS (30ull * 1000000000ull)      /* dirty_expire_centisecs = 3000 */
#define DIRTY_BACKGROUND_PCT 10                      /* dirty_background_ratio */
#define DIRTY_PCT 20                                 /* dirty_ratio: writers are throttled above */
#define FLUSH_INTERVAL_NS (5ull * 1000000000ull)     /* dirty_writeback_centisecs = 500 */
#define BLOCK_NONE UINT32_MAX

static uint64_t flusher(struct zsim_sim *s, void *ctx);
static uint64_t flusher_kicked(struct zsim_sim *s, void *ctx);

int zsim_fs_init(struct zsim_sim *s, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	for (unsigned i = 0; i < s->cfg.nr_fs; i++) {
		const struct zsim_fs_cfg *fc = &s->cfg.fs[i];
		struct zsim_fsstate *fs = &s->pc.fs[i];
		if (fc->type == ZSIM_FS_TMPFS) {
			fs->limit_pages = fc->size / ZSIM_PAGE_SIZE;
		} else {
			fs->tier = s->dev.devtier[fc->device];
			fs->nr_blocks = fc->size / ZSIM_PAGE_SIZE;
		}
	}
	s->pc.dirty_stamp = zsim_xcalloc(s->mm.nr_frames, sizeof(*s->pc.dirty_stamp));
	if (s->cfg.nr_fs)
		zsim_timer_add(s, FLUSH_INTERVAL_NS, 0, flusher, NULL);
	s->pc.flush_kick_timer = zsim_timer_add(s, ZSIM_TIMER_IDLE, 0, flusher_kicked, NULL);
	return 0;
}

void zsim_fs_free(struct zsim_sim *s)
{
	for (unsigned i = 0; i < s->cfg.nr_fs; i++)
		free(s->pc.fs[i].free_blocks);
	for (uint32_t i = 0; i < s->pc.nr_files; i++)
		zsim_filemap_free(&s->pc.files[i].pages);
	free(s->pc.files);
	free(s->pc.dirty);
	free(s->pc.dirty_stamp);
}

static uint64_t block_alloc(struct zsim_fsstate *fs)
{
	if (fs->nr_free_blocks)
		return fs->free_blocks[--fs->nr_free_blocks];
	if (fs->next_block < fs->nr_blocks)
		return fs->next_block++;
	return BLOCK_NONE;
}

static void block_free(struct zsim_fsstate *fs, uint64_t b)
{
	if (fs->nr_free_blocks == fs->free_cap) {
		fs->free_cap = fs->free_cap ? fs->free_cap * 2 : 64;
		fs->free_blocks = zsim_xrealloc(fs->free_blocks, fs->free_cap * sizeof(*fs->free_blocks));
	}
	fs->free_blocks[fs->nr_free_blocks++] = (uint32_t)b;
}

static void mark_dirty(struct zsim_sim *s, uint32_t f)
{
	struct zsim_frame *fr = &s->mm.frames[f];
	if (fr->mflags & ZSIM_MF_DIRTY)
		return;
	fr->mflags |= ZSIM_MF_DIRTY;
	s->pc.nr_dirty++;
	if (s->pc.dirty_len == s->pc.dirty_cap) {
		uint64_t ncap = s->pc.dirty_cap ? s->pc.dirty_cap * 2 : 1024;
		struct zsim_dirty *nd = zsim_xmalloc(ncap * sizeof(*nd));
		for (uint64_t i = 0; i < s->pc.dirty_len; i++)
			nd[i] = s->pc.dirty[(s->pc.dirty_head + i) % s->pc.dirty_cap];
		free(s->pc.dirty);
		s->pc.dirty = nd;
		s->pc.dirty_cap = ncap;
		s->pc.dirty_head = 0;
	}
	uint32_t stamp = ++s->pc.dirty_seq;
	s->pc.dirty_stamp[f] = stamp;
	s->pc.dirty[(s->pc.dirty_head + s->pc.dirty_len++) % s->pc.dirty_cap] = (struct zsim_dirty){ f, stamp, s->clk.now };
}

static void clear_dirty(struct zsim_sim *s, uint32_t f)
{
	if (s->mm.frames[f].mflags & ZSIM_MF_DIRTY) {
		s->mm.frames[f].mflags &= (uint8_t)~ZSIM_MF_DIRTY;
		s->pc.nr_dirty--;
		s->pc.dirty_stamp[f] = 0;
	}
}

/* Write a block-fs page back to its device.  0, or <0 (no block / device refused). */
static int writeback(struct zsim_sim *s, uint32_t f, uint64_t *cpu_ns)
{
	struct zsim_frame *fr = &s->mm.frames[f];
	struct zsim_file *file = &s->pc.files[fr->owner];
	struct zsim_fsstate *fs = &s->pc.fs[file->fs];
	if (fr->swap == ZSIM_FRAME_NONE) {
		uint64_t b = block_alloc(fs);
		if (b == BLOCK_NONE) {
			fs->enospc++;
			s->vm.enospc++;
			zsim_sim_event(s, "enospc", "\"fs\":\"%s\",\"file\":\"%s\",\"page\":%llu,\"why\":\"no free block\"",
				       s->cfg.fs[file->fs].name, file->name, (unsigned long long)fr->index);
			return ZSIM_ENOSPC;
		}
		fr->swap = (uint32_t)b;
	}
	struct zsim_fill_ctx fc = { s, { .cls = fr->cls, .param = fr->param, .seed = fr->seed } };
	struct zsim_page_ref pg = { .bytes = NULL, .hash = zsim_content_hash(&fc.c),
				    .fill = zsim_content_fill_ref, .ctx = &fc };
	uint64_t refusals = s->mm.ram_refusals;
	int rc = fs->tier->ops->store(fs->tier->priv, fr->swap, &pg);
	if (rc < 0 && !s->mm.in_reclaim && s->mm.ram_refusals != refusals)
		return ZSIM_EAGAIN;   /* the flusher's GFP_NOIO allocation waits for memory: retry later */
	if (rc < 0) {
		/* the I/O error ends the write-back: the page is clean, its data lost */
		if (!fs->lost_writes++)
			zsim_sim_event(s, "lost_write", "\"fs\":\"%s\",\"device\":\"%s\",\"file\":\"%s\",\"page\":%llu,"
				       "\"block\":%u,\"error\":\"%s\",\"why\":\"the device refused the write; "
				       "the page is marked clean and its data is lost (lost async page write)\"",
				       s->cfg.fs[file->fs].name, s->cfg.dev[s->cfg.fs[file->fs].device].name,
				       file->name, (unsigned long long)fr->index, fr->swap, zsim_strerror(rc));
		s->vm.lost_writes++;
		clear_dirty(s, f);
		return 0;
	}
	if (fs->tier->ops->io)
		fs->tier->ops->io(fs->tier->priv, s->clk.now, true, fr->swap, 1, cpu_ns);
	fs->pages_written++;
	s->vm.pgpgout++;
	clear_dirty(s, f);
	return 0;
}

/*
 * The flusher: write back pages dirtied more than DIRTY_EXPIRE_NS ago, and
 * the oldest ones while more than DIRTY_BACKGROUND_PCT of available memory is
 * dirty.  The CPU it costs (zram compression) goes to *cpu_ns.
 */
/* global_dirtyable_memory: free pages plus the file LRU */
static uint64_t dirtyable(const struct zsim_sim *s)
{
	return s->mm.nr_free + s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE);
}

static void flush_until(struct zsim_sim *s, uint64_t *cpu_ns, unsigned pct);

void zsim_fs_flush_dirty(struct zsim_sim *s, uint64_t *cpu_ns)
{
	s->pc.flush_kicked = false;
	flush_until(s, cpu_ns, DIRTY_BACKGROUND_PCT);
}

/* The flusher's timer: a run every FLUSH_INTERVAL_NS, its CPU on the CPUs. */
static uint64_t flusher(struct zsim_sim *s, void *ctx)
{
	(void)ctx;
	uint64_t cpu = 0;
	zsim_fs_flush_dirty(s, &cpu);
	zsim_cpu_run(s, s->clk.now, cpu);
	return FLUSH_INTERVAL_NS;
}

/* A run of the flusher woken early (dirty pages passed the background
 * threshold); the periodic runs go on as they were. */
static uint64_t flusher_kicked(struct zsim_sim *s, void *ctx)
{
	flusher(s, ctx);
	return ZSIM_TIMER_DONE;
}

/* Write back expired pages, and the oldest while dirty > pct% of dirtyable memory. */
static void flush_until(struct zsim_sim *s, uint64_t *cpu_ns, unsigned pct)
{
	uint64_t avail = dirtyable(s);
	while (s->pc.dirty_len) {
		struct zsim_dirty *d = &s->pc.dirty[s->pc.dirty_head];
		bool live = s->pc.dirty_stamp[d->frame] == d->stamp &&
			    (s->mm.frames[d->frame].mflags & ZSIM_MF_DIRTY);
		bool expired = d->time + DIRTY_EXPIRE_NS <= s->clk.now;
		bool over = s->pc.nr_dirty * 100 > avail * pct;
		if (live && !expired && !over)
			break;
		s->pc.dirty_head = (s->pc.dirty_head + 1) % s->pc.dirty_cap;
		s->pc.dirty_len--;
		int rc = live ? writeback(s, d->frame, cpu_ns) : 0;
		if (rc == ZSIM_EAGAIN) {
			/* no memory for it yet: the flusher waits; the page stays first in
			 * line (writeback pushed nothing onto the queue) */
			s->pc.dirty_head = (s->pc.dirty_head + s->pc.dirty_cap - 1) % s->pc.dirty_cap;
			s->pc.dirty_len++;
			break;
		}
		if (rc < 0) {
			/* no block: keep it dirty, retried when next dirtied or reclaimed */
			s->mm.frames[d->frame].mflags &= (uint8_t)~ZSIM_MF_DIRTY;
			s->pc.nr_dirty--;
			mark_dirty(s, d->frame);
			break;
		}
	}
}

int zsim_fs_evict(struct zsim_sim *s, uint32_t f, uint64_t *cpu_ns)
{
	uint64_t io = 0, *io_done = &io;   /* reclaim does not wait for the write */
	struct zsim_frame *fr = &s->mm.frames[f];
	struct zsim_file *file = &s->pc.files[fr->owner];
	uint64_t *e = zsim_filemap_lookup(&file->pages, fr->index);
	if (fr->kind == ZSIM_FK_SHMEM) {
		uint64_t entry;
		if ((fr->mflags & ZSIM_MF_SWAPCACHE) && !(fr->mflags & ZSIM_MF_UNWRITTEN)) {
			entry = zsim_swp_entry(fr->swapdev, fr->swap);
			zsim_swap_uncache(s, entry);
		} else {
			int rc = zsim_swap_out(s, f, &entry, cpu_ns, io_done);
			if (rc < 0)
				return rc;
		}
		*e = zsim_swp_pte(entry, zsim_ws_evict(s, ZSIM_FK_SHMEM));
		if (io)   /* just written: freed, or kept until the write completes (mm.c) */
			return zsim_mm_swapped_out(s, f, entry, io);
		zsim_mm_free_frame(s, f);
		return 0;
	}
	if (fr->mflags & ZSIM_MF_DIRTY) {
		int rc = writeback(s, f, cpu_ns);
		if (rc < 0)
			return rc;
	}
	*e = ZSIM_FPE_ONDISK | zsim_ws_evict(s, ZSIM_FK_FILE) | fr->swap;
	zsim_mm_free_frame(s, f);
	return 0;
}

static struct zsim_file *file_of(struct zsim_sim *s, struct zsim_group *g, uint32_t id)
{
	uint32_t fi = zsim_idmap_get(&g->file_map, id);
	return fi ? &s->pc.files[fi - 1] : NULL;
}

static uint32_t new_page(struct zsim_sim *s, struct zsim_proc *p, struct zsim_file *file, uint64_t page,
			 bool shmem, uint64_t *wait_until)
{
	/* as a page fault's: one round of direct reclaim at a time, the event
	 * retried once its CPU has run (zsim_mm_alloc_frame_round) */
	uint32_t f = zsim_mm_alloc_frame_round(s, p, wait_until);
	if (f == ZSIM_FRAME_NONE || f == ZSIM_FRAME_RETRY)
		return f;
	struct zsim_frame *fr = &s->mm.frames[f];
	fr->word = zsim_frame_word(shmem ? ZSIM_FK_SHMEM : ZSIM_FK_FILE, page);
	fr->owner = (uint32_t)(file - s->pc.files);
	zsim_mm_lru_add(s, f);
	return f;
}

/* Drop file page entry e (RAM, swap or disk). */
static void drop_page(struct zsim_sim *s, struct zsim_file *file, uint64_t e)
{
	struct zsim_fsstate *fs = &s->pc.fs[file->fs];
	if (e & ZSIM_PTE_PRESENT) {
		uint32_t f = (uint32_t)e;
		struct zsim_frame *fr = &s->mm.frames[f];
		if (fr->mflags & ZSIM_MF_SWAPCACHE)
			zsim_swap_release(s, zsim_swp_entry(fr->swapdev, fr->swap));
		if (fr->kind == ZSIM_FK_FILE && fr->swap != ZSIM_FRAME_NONE)
			block_free(fs, fr->swap);
		clear_dirty(s, f);
		s->mm.policy->del(s->mm.policy_priv, f);
		zsim_mm_free_frame(s, f);
	} else if (e & ZSIM_PTE_SWAPPED) {
		zsim_swap_release(s, zsim_pte_swp(e));
	} else if (e & ZSIM_FPE_ONDISK) {
		block_free(fs, ZSIM_FPE_BLOCK(e));
	}
	if (s->cfg.fs[file->fs].type == ZSIM_FS_TMPFS && (e & (ZSIM_PTE_PRESENT | ZSIM_PTE_SWAPPED)))
		fs->used_pages--;
}

static void truncate_file(struct zsim_sim *s, struct zsim_file *file, uint64_t npages)
{
	struct zsim_filemap *t = &file->pages;
	uint64_t page, val;
	for (uint64_t i = 0; i <= t->mask; i++) {
		while (zsim_filemap_at(t, i, &page, &val) && page >= npages) {
			drop_page(s, file, val);
			zsim_filemap_remove(t, page);   /* may shift another key into bucket i */
		}
	}
	file->size_pages = npages;
}

/*
 * A tmpfs file created (+1) or unlinked (-1): the kernel's memory for its
 * inode, dentry and page index (file_bytes each, packed into slab pages; a
 * slab page given back when the files no longer fill it, as if freed objects
 * never left partly used slabs).  The pages are taken in p's context
 * (zsim_mm_slab_alloc); ZSIM_ENOMEM if p was killed meanwhile.
 */
static int tmpfs_slab(struct zsim_sim *s, struct zsim_proc *p, int fsi, int delta)
{
	struct zsim_fsstate *fs = &s->pc.fs[fsi];
	fs->files = delta > 0 ? fs->files + 1 : fs->files - 1;
	uint64_t need = ZSIM_DIV_ROUND_UP(fs->files * s->cfg.fs[fsi].file_bytes, ZSIM_PAGE_SIZE);
	for (; fs->slab_pages > need; fs->slab_pages--)
		zsim_mm_slab_free(s);
	for (; fs->slab_pages < need; fs->slab_pages++)
		if (zsim_mm_slab_alloc(s, p) < 0) {
			fs->files--;
			return ZSIM_ENOMEM;
		}
	return 0;
}

int zsim_fs_event(struct zsim_sim *s, struct zsim_proc *p, struct zsim_group *g,
		  const struct zsim_event *ev, uint64_t *wait_until)
{
	if (ev->kind == ZSIM_EV_FILE_CREATE) {
		int fsi = g->fs_map[ev->fs];
		if (s->cfg.fs[fsi].type == ZSIM_FS_TMPFS && tmpfs_slab(s, p, fsi, +1) < 0)
			return ZSIM_ENOMEM;   /* p was OOM-killed allocating its inode */
		if (s->pc.nr_files == s->pc.cap_files) {
			s->pc.cap_files = s->pc.cap_files ? s->pc.cap_files * 2 : 256;
			s->pc.files = zsim_xrealloc(s->pc.files, s->pc.cap_files * sizeof(*s->pc.files));
		}
		struct zsim_file *file = &s->pc.files[s->pc.nr_files];
		memset(file, 0, sizeof(*file));
		file->group = (uint32_t)(g - s->pr.groups);
		file->id = ev->file;
		file->fs = fsi;
		file->live = true;
		snprintf(file->name, sizeof(file->name), "%s", ev->name ? ev->name : "");
		zsim_filemap_init(&file->pages);
		zsim_idmap_set(&g->file_map, ev->file, ++s->pc.nr_files);
		p->pending_cpu += s->cfg.file_create_ns;   /* the open that made it */
		return 0;
	}
	struct zsim_file *file = file_of(s, g, ev->file);
	if (!file || !file->live)
		return 0;   /* the reader guarantees files exist; a file of a killed writer may not */
	struct zsim_fsstate *fs = &s->pc.fs[file->fs];
	bool tmpfs = s->cfg.fs[file->fs].type == ZSIM_FS_TMPFS;
	switch (ev->kind) {
	case ZSIM_EV_FILE_UNLINK:
		truncate_file(s, file, 0);
		file->live = false;
		if (tmpfs)
			tmpfs_slab(s, p, file->fs, -1);
		return 0;
	case ZSIM_EV_FILE_TRUNCATE:
		truncate_file(s, file, ev->npages);
		return 0;
	case ZSIM_EV_FILE_READ:
	case ZSIM_EV_FILE_WRITE: {
		bool write = ev->kind == ZSIM_EV_FILE_WRITE;
		p->pending_cpu += s->cfg.file_io_ns;   /* the system call, whatever the page */
		uint64_t *e = zsim_filemap_lookup(&file->pages, ev->page);
		uint64_t v = e ? *e : 0;
		uint32_t f;
		s->vm.nr_accesses++;
		if (v & ZSIM_PTE_PRESENT) {
			f = (uint32_t)v;
			/* mark_page_accessed: the second use of a referenced page activates it */
			if (s->mm.frames[f].pflags & ZSIM_PG_REFERENCED)
				s->mm.frames[f].pflags |= ZSIM_PG_REFERENCED2;
			s->mm.frames[f].pflags |= ZSIM_PG_REFERENCED;
			if (s->mm.policy->touch)
				s->mm.policy->touch(s->mm.policy_priv, f);
			p->pending_cpu += s->cfg.access_ns;
		} else if (!v && !write) {
			return 0;   /* a hole reads as zeroes */
		} else if (!v) {
			if (tmpfs && fs->used_pages >= fs->limit_pages) {
				/* the write fails; the event log gets each process's first one */
				fs->enospc++;
				s->vm.enospc++;
				if (!(p->enospc_logged & (1u << file->fs))) {
					p->enospc_logged |= 1u << file->fs;
					zsim_sim_event(s, "enospc", "\"fs\":\"%s\",\"file\":\"%s\",\"page\":%llu,"
						       "\"pid\":%u,\"process\":\"%s\",\"why\":\"tmpfs size limit of %llu pages\","
						       "\"used_pages\":%llu",
						       s->cfg.fs[file->fs].name, file->name, (unsigned long long)ev->page,
						       p->pid, p->name, (unsigned long long)fs->limit_pages,
						       (unsigned long long)fs->used_pages);
				}
				return 0;
			}
			f = new_page(s, p, file, ev->page, tmpfs, wait_until);
			if (f == ZSIM_FRAME_NONE)
				return ZSIM_ENOMEM;
			if (f == ZSIM_FRAME_RETRY)
				goto retry;
			if (tmpfs)
				fs->used_pages++;
			s->mm.frames[f].swap = ZSIM_FRAME_NONE;
			p->pending_cpu += s->cfg.minor_fault_ns;
		} else if ((v & ZSIM_PTE_SWAPPED) &&
			   zsim_slot_frame(zsim_swap_slot_of(s, zsim_pte_swp(v))) != ZSIM_FRAME_NONE) {
			/* a tmpfs page still in the swap cache: take it back, no I/O */
			f = zsim_slot_frame(zsim_swap_slot_of(s, zsim_pte_swp(v)));
			zsim_swap_cache_take(s, f, ZSIM_FK_SHMEM, (uint32_t)(file - s->pc.files), ev->page, NULL);
			p->pending_cpu += s->cfg.minor_fault_ns;
		} else {
			/* in swap (tmpfs) or on disk: read it in */
			f = new_page(s, p, file, ev->page, tmpfs, wait_until);
			if (f == ZSIM_FRAME_NONE)
				return ZSIM_ENOMEM;
			if (f == ZSIM_FRAME_RETRY)
				goto retry;
			uint64_t cpu = 0, io = s->clk.now;
			e = zsim_filemap_lookup(&file->pages, ev->page);
			v = *e;
			if (v & ZSIM_PTE_SWAPPED) {
				zsim_swap_in(s, zsim_pte_swp(v), f, NULL, 0, &cpu, &io);
			} else {
				struct zsim_frame *fr = &s->mm.frames[f];
				fr->swap = ZSIM_FPE_BLOCK(v);   /* its block */
				cpu = s->cfg.major_fault_ns;   /* the read's own work: a page taken and cached */
				if (fs->tier->ops->io)
					io = fs->tier->ops->io(fs->tier->priv, s->clk.now, false, fr->swap, 1, &cpu);
				fs->pages_read++;
				s->vm.pgpgin++;
				zsim_hist_add(&s->out.lat_file, cpu + (io > s->clk.now ? io - s->clk.now : 0));
				/* its content is not needed: a clean page is dropped, never
				 * written back, and a write gives it new content */
			}
			zsim_ws_refault(s, f, v);
			s->vm.pgmajfault++;
			p->faults_major++;
			zsim_hist_add(&s->out.fault_lat, cpu + (io > s->clk.now ? io - s->clk.now : 0));
			p->pending_cpu += cpu;
			if (io > *wait_until)
				*wait_until = io;
		}
		*zsim_filemap_insert(&file->pages, ev->page) = ZSIM_PTE_PRESENT | f;
		if (ev->page >= file->size_pages && write)
			file->size_pages = ev->page + 1;
		if (write) {
			struct zsim_frame *fr = &s->mm.frames[f];
			fr->cls = ev->content.cls;
			fr->param = ev->content.param;
			fr->seed = ev->content.seed;
			if (fr->mflags & ZSIM_MF_SWAPCACHE)
				zsim_swap_release(s, zsim_swp_entry(fr->swapdev, fr->swap));
			if (!tmpfs) {
				mark_dirty(s, f);
				uint64_t avail = dirtyable(s);
				if (s->pc.nr_dirty * 100 > avail * DIRTY_PCT) {
					/* balance_dirty_pages: the writer pays for writeback */
					uint64_t cpu = 0;
					flush_until(s, &cpu, DIRTY_BACKGROUND_PCT);
					p->pending_cpu += cpu;
					p->stall_ns += cpu;
				} else if (s->pc.nr_dirty * 100 > avail * DIRTY_BACKGROUND_PCT && !s->pc.flush_kicked) {
					s->pc.flush_kicked = true;
					zsim_timer_kick(s, s->pc.flush_kick_timer, s->clk.now);
				}
			}
		}
		return 0;
	retry:
		/* a round of direct reclaim: the event runs again, and is counted
		 * and charged then */
		s->vm.nr_accesses--;
		p->pending_cpu -= s->cfg.file_io_ns;
		return ZSIM_EAGAIN;
	}
	default:
		return 0;
	}
}
