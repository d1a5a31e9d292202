/*
 * test_mm.c - the memory manager (sim/mm.c with engine.c, swap.c, fs.c) against
 * hand-worked numbers: watermarks for several RAM sizes and kernel profiles,
 * the swappiness split of a reclaim round, the OOM victim and its event, the
 * tmpfs size limit, a zram store failing when RAM has no free frame, and the
 * swap cache of non-synchronous devices.
 *
 * Every expected number is worked out in the comment above its test from the
 * kernel's formulas (kernel-facts section 5) and the model's documented rules
 * (mm.c header).  Runs use sim.check = true, so the engine verifies the mm
 * invariants after every step; white-box steps call zsim_mm_check themselves.
 * Page tables take no frames in these runs (run_init) unless a test's config
 * sets mm.page_tables: the counts below are about other things.
 *
 * Machines are small (16 MiB = 4096 frames) so every run takes milliseconds.
 * With the 6.18 profile and no reserve a 16 MiB machine has
 *   min_free_kbytes = floor(sqrt(16384 KiB x 16)) = sqrt(262144) = 512,
 *   min = 512 / 4 = 128 pages, gap = max(128 / 4, 4096 x 10 / 10000) = max(32, 4) = 32,
 *   low = 160, high = 192.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim.h"

#define RAM16_FRAMES 4096u
#define RAM16_MIN 128u
#define RAM16_LOW 160u
#define RAM16_HIGH 192u

/* ---- fixture: a config, a trace written with the writer API, a run ---------- */

struct run {
	struct zsim_sim s;
	struct zsim_trace_writer *w;
	char dir[64], path[128];
	FILE *events;
	char *ev_text;        /* events.jsonl after run_go() */
	bool have_trace;
};

static void run_init(struct run *r, const char *json)
{
	char err[512] = "";
	struct zsim_config cfg;
	memset(r, 0, sizeof(*r));
	int rc = zsim_config_parse(json, "test", &cfg, err, sizeof(err));
	ck_assert_msg(rc == 0, "config: %s", err);
	/* the hand-worked frame counts leave page tables out, unless the test's
	 * config names them (the page-table tests) */
	if (!strstr(json, "\"page_tables\""))
		cfg.page_tables = false;
	rc = zsim_sim_init(&r->s, &cfg, err, sizeof(err));
	ck_assert_msg(rc == 0, "init: %s", err);
	r->s.check = true;
	r->events = tmpfile();
	ck_assert_ptr_nonnull(r->events);
	r->s.out.events_out = r->events;
}

/* Start the trace; fs_names: NULL or a NULL-terminated list. */
static void trace_begin(struct run *r, const char *const *fs_names)
{
	char err[512] = "";
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	strcpy(h.generator, "unit-mm");
	for (unsigned i = 0; fs_names && fs_names[i]; i++)
		strcpy(h.fs[h.nr_fs++], fs_names[i]);
	strcpy(r->dir, "/tmp/zsim-unit-mm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r->dir));
	snprintf(r->path, sizeof(r->path), "%s/t.trc", r->dir);
	ck_assert_msg(zsim_trace_create(r->path, &h, &r->w, err, sizeof(err)) == 0, "%s", err);
	r->have_trace = true;
}

static void ev(struct run *r, const struct zsim_event *e)
{
	int rc = zsim_trace_write(r->w, e);
	ck_assert_msg(rc == 0, "trace event %s: %s", zsim_ev_kind_name(e->kind), zsim_trace_writer_error(r->w));
}

static void t_create(struct run *r, uint32_t pid, uint32_t ppid, const char *name)
{
	struct zsim_event e = { .kind = ZSIM_EV_PROC_CREATE, .pid = pid, .target = ppid, .name = name };
	ev(r, &e);
}

static void t_exit(struct run *r, uint32_t pid)
{
	struct zsim_event e = { .kind = ZSIM_EV_PROC_EXIT, .pid = pid };
	ev(r, &e);
}

static void t_wait(struct run *r, uint32_t pid, uint32_t target)
{
	struct zsim_event e = { .kind = ZSIM_EV_WAIT, .pid = pid, .target = target };
	ev(r, &e);
}

static void t_cpu(struct run *r, uint32_t pid, uint64_t ns)
{
	struct zsim_event e = { .kind = ZSIM_EV_CPU, .pid = pid, .ns = ns };
	ev(r, &e);
}

/* n writes to pages first.., content class cls, seeds seed0.. */
static void t_writes(struct run *r, uint32_t pid, uint64_t first, uint64_t n, uint8_t cls, uint64_t seed0)
{
	for (uint64_t i = 0; i < n; i++) {
		struct zsim_event e = { .kind = ZSIM_EV_ACCESS, .pid = pid, .page = first + i, .write = 1,
					.content = { .cls = cls, .seed = seed0 + i } };
		ev(r, &e);
	}
}

static void t_read(struct run *r, uint32_t pid, uint64_t page)
{
	struct zsim_event e = { .kind = ZSIM_EV_ACCESS, .pid = pid, .page = page };
	ev(r, &e);
}

static void t_unmap(struct run *r, uint32_t pid, uint64_t page, uint64_t n)
{
	struct zsim_event e = { .kind = ZSIM_EV_UNMAP, .pid = pid, .page = page, .npages = n };
	ev(r, &e);
}

static void t_fcreate(struct run *r, uint32_t pid, uint32_t file, uint32_t fs, const char *name)
{
	struct zsim_event e = { .kind = ZSIM_EV_FILE_CREATE, .pid = pid, .file = file, .fs = fs, .name = name };
	ev(r, &e);
}

static void t_fwrites(struct run *r, uint32_t pid, uint32_t file, uint64_t first, uint64_t n, uint64_t seed0)
{
	for (uint64_t i = 0; i < n; i++) {
		struct zsim_event e = { .kind = ZSIM_EV_FILE_WRITE, .pid = pid, .file = file, .page = first + i,
					.content = { .cls = ZSIM_CONTENT_TEXT, .seed = seed0 + i } };
		ev(r, &e);
	}
}

static void t_fwrites_cls(struct run *r, uint32_t pid, uint32_t file, uint64_t first, uint64_t n,
			  uint8_t cls, uint64_t seed0)
{
	for (uint64_t i = 0; i < n; i++) {
		struct zsim_event e = { .kind = ZSIM_EV_FILE_WRITE, .pid = pid, .file = file, .page = first + i,
					.content = { .cls = cls, .seed = seed0 + i } };
		ev(r, &e);
	}
}

static void t_sleep(struct run *r, uint32_t pid, uint64_t ns)
{
	struct zsim_event e = { .kind = ZSIM_EV_SLEEP, .pid = pid, .ns = ns };
	ev(r, &e);
}

static void t_funlink(struct run *r, uint32_t pid, uint32_t file)
{
	struct zsim_event e = { .kind = ZSIM_EV_FILE_UNLINK, .pid = pid, .file = file };
	ev(r, &e);
}

/* Finish the trace and run it to the end; keeps events.jsonl in r->ev_text. */
static void run_go(struct run *r)
{
	char err[512] = "";
	ck_assert_msg(zsim_trace_writer_finish(r->w, err, sizeof(err)) == 0, "%s", err);
	r->w = NULL;
	ck_assert_msg(zsim_sim_add_trace(&r->s, r->path, err, sizeof(err)) == 0, "%s", err);
	int rc = zsim_sim_run(&r->s, err, sizeof(err));
	ck_assert_msg(rc == 0, "run: %s (%s)", err, zsim_strerror(rc));
	fflush(r->events);
	long len = ftell(r->events);
	ck_assert_int_ge(len, 0);
	r->ev_text = calloc(1, (size_t)len + 1);
	rewind(r->events);
	ck_assert_uint_eq(fread(r->ev_text, 1, (size_t)len, r->events), (size_t)len);
}

/* A 16 MiB machine swapping to a free 64 MiB nvram device ("mm": MM, e.g.
 * ",\"mm\":{...}" or ""), one process NAME that wrote PAGES text pages, run
 * to the end of its trace (the process stays alive, holding them).  The
 * device's writes take no time (no latency, no bandwidth limit), so reclaim frees each page
 * as it writes it, as with a synchronous device (pages waiting for an
 * asynchronous write: the writeback tests, section 9). */
static void run_ram16_writer_on(struct run *r, const char *mm, const char *dev, const char *name, uint32_t pages)
{
	char json[768];
	snprintf(json, sizeof(json), "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"}%s,"
		 "\"devices\":{\"sw\":%s},\"swap\":[{\"device\":\"sw\"}]}", mm, dev);
	run_init(r, json);
	trace_begin(r, NULL);
	t_create(r, 1, 0, name);
	t_writes(r, 1, 0, pages, ZSIM_CONTENT_TEXT, 1);
	run_go(r);
}

static void run_ram16_writer(struct run *r, const char *mm, const char *name, uint32_t pages)
{
	run_ram16_writer_on(r, mm, "{\"type\":\"nvram\",\"size\":\"64M\",\"write_latency\":\"0ns\",\"write_bw\":0}",
			    name, pages);
}

static void mm_ok(const struct zsim_sim *s)
{
	char msg[512] = "";
	int rc = zsim_mm_check(s, msg, sizeof(msg));
	ck_assert_msg(rc == 0, "mm check: %s", msg);
}

/* "app" writes 3000 pages on the 16 MiB machine (no reclaim yet), its
 * accessed bits are cleared and frames are taken, as reclaim may, until
 * `free_left` are free: the start of the kswapd tests. */
static void ram16_cold_app(struct run *r, const char *mm, uint64_t free_left)
{
	run_ram16_writer(r, mm, "app", 3000);
	struct zsim_sim *s = &r->s;
	ck_assert_uint_eq(s->vm.pgscan_kswapd + s->vm.pgscan_direct, 0);
	for (uint32_t f = 0; f < s->mm.nr_frames; f++)
		s->mm.frames[f].pflags &= (uint8_t)~(ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2);
	ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, (unsigned)(s->mm.nr_free - free_left)), 0);
	ck_assert_uint_eq(s->mm.nr_free, free_left);
}

static void run_free(struct run *r)
{
	if (r->w)
		zsim_trace_writer_abort(r->w);
	zsim_sim_free(&r->s);
	fclose(r->events);
	free(r->ev_text);
	if (r->have_trace) {
		unlink(r->path);
		rmdir(r->dir);
	}
}

static unsigned count_str(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The frame of a present anon page, or fail. */
static uint32_t frame_of(struct zsim_proc *p, uint64_t vpage)
{
	uint64_t *pte = zsim_pgt_lookup(&p->pt, vpage);
	ck_assert_ptr_nonnull(pte);
	ck_assert_msg(*pte & ZSIM_PTE_PRESENT, "page %llu not present", (unsigned long long)vpage);
	return (uint32_t)*pte;
}

static uint64_t pte_of(struct zsim_proc *p, uint64_t vpage)
{
	uint64_t *pte = zsim_pgt_lookup(&p->pt, vpage);
	ck_assert_ptr_nonnull(pte);
	return *pte;
}

static uint64_t tier_stat(const struct zsim_tier *t, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(zsim_tier_stat(t, name, &v) == 0, "no stat %s", name);
	return v;
}

/* ---- 1. watermarks ------------------------------------------------------------ */

/*
 * min_free_kbytes = clamp(floor(sqrt(managed_KiB x 16)), 128, cap); min = mfk/4
 * pages; from 4.6 gap = max(min/4, managed x wsf / 10000), low = min + gap,
 * high = min + 2 gap; before 4.6 low = min + min/4, high = min + min/2.
 *
 *  RAM    frames   sqrt(KiB x 16)            mfk    min   4.6+: gap        low   high  | 3.12: low  high
 *  16M      4096   sqrt(262144)    =   512    512   128   max(32, 4)=32     160    192  |  160   192
 *  256M    65536   sqrt(4194304)   =  2048   2048   512   max(128, 65)=128  640    768  |  640   768
 *  1G     262144   sqrt(16777216)  =  4096   4096  1024   max(256, 262)=262 1286   1548 | 1280  1536
 *  4G    1048576   sqrt(67108864)  =  8192   8192  2048   max(512,1048)=1048 3096  4144 | 2560  3072
 *  16G   4194304   sqrt(268435456) = 16384  16384  4096   max(1024,4194)=4194 8290 12484| 5120  6144
 *
 * (256M: 65536 x 10 / 10000 = 65.5 -> 65; 1G: 262.1 -> 262; 4G: 1048.6 -> 1048;
 * 16G: 4194.3 -> 4194.)  None reaches a cap: 65536 KiB needs 256 GiB of RAM.
 */
struct wm_case {
	const char *kernel, *ram;
	uint64_t frames, mfk, min, low, high;
};

static void check_wm(const struct wm_case *c, const char *mm_extra, const char *machine_extra)
{
	char json[512];
	snprintf(json, sizeof(json), "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"%s\"%s},\"mm\":{%s}}",
		 c->kernel, c->ram, machine_extra ? machine_extra : "", mm_extra ? mm_extra : "");
	struct run r;
	run_init(&r, json);
	ck_assert_msg(r.s.mm.nr_frames == c->frames, "%s %s: frames %u", c->kernel, c->ram, r.s.mm.nr_frames);
	ck_assert_msg(r.s.mm.min_free_kbytes == c->mfk && r.s.mm.wmark_min == c->min && r.s.mm.wmark_low == c->low &&
		      r.s.mm.wmark_high == c->high,
		      "%s %s %s: mfk %llu min %llu low %llu high %llu, expected %llu %llu %llu %llu", c->kernel,
		      c->ram, mm_extra ? mm_extra : "", (unsigned long long)r.s.mm.min_free_kbytes,
		      (unsigned long long)r.s.mm.wmark_min, (unsigned long long)r.s.mm.wmark_low,
		      (unsigned long long)r.s.mm.wmark_high, (unsigned long long)c->mfk, (unsigned long long)c->min,
		      (unsigned long long)c->low, (unsigned long long)c->high);
	ck_assert_uint_eq(r.s.mm.nr_free, c->frames - r.s.mm.reserve_pages);
	if (c->frames <= 262144)   /* the check walks every frame: skip it for the big machines */
		mm_ok(&r.s);
	run_free(&r);
}

START_TEST(test_watermarks_by_ram)
{
	static const struct wm_case cases[] = {
		{ "6.18", "16M", 4096, 512, 128, 160, 192 },
		{ "6.18", "256M", 65536, 2048, 512, 640, 768 },
		{ "6.18", "1G", 262144, 4096, 1024, 1286, 1548 },
		{ "6.18", "4G", 1048576, 8192, 2048, 3096, 4144 },
		{ "6.18", "16G", 4194304, 16384, 4096, 8290, 12484 },
		{ "3.12", "16M", 4096, 512, 128, 160, 192 },
		{ "3.12", "256M", 65536, 2048, 512, 640, 768 },
		{ "3.12", "1G", 262144, 4096, 1024, 1280, 1536 },
		{ "3.12", "4G", 1048576, 8192, 2048, 2560, 3072 },
		{ "3.12", "16G", 4194304, 16384, 4096, 5120, 6144 },
		/* 4.19 (>= 4.6: the scale-factor gap, below 5.7: the 65536 cap) */
		{ "4.19", "4G", 1048576, 8192, 2048, 3096, 4144 },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(cases); i++)
		check_wm(&cases[i], NULL, NULL);
}
END_TEST

/*
 * Overrides and a reserve, 1 GiB (262144 frames):
 *  - min_free_kbytes 10000: min = 2500, gap = max(625, 262) = 625: low 3125, high 3750;
 *    on 3.12: low = 2500 + 625 = 3125, high = 2500 + 1250 = 3750 (the same here).
 *  - watermark_scale_factor 100: gap = max(256, 262144 x 100 / 10000 = 2621) = 2621:
 *    low 1024 + 2621 = 3645, high 1024 + 5242 = 6266.
 *  - watermark_scale_factor 0: gap = min/4 = 256: low 1280, high 1536.
 *  - kernel_reserve 64M = 16384 pages: managed 245760 pages = 983040 KiB;
 *    sqrt(983040 x 16 = 15728640) = 3965.9 -> 3965 (3965^2 = 15721225, 3966^2 =
 *    15729156); min = 3965/4 = 991; gap = max(247, 245760 x 10/10000 = 245) = 247:
 *    low 1238, high 1485; free pages 245760.
 *  - watermarks false: min = low = high = 0, min_free_kbytes still 4096.
 */
START_TEST(test_watermarks_overrides)
{
	struct wm_case c1 = { "6.18", "1G", 262144, 10000, 2500, 3125, 3750 };
	check_wm(&c1, "\"min_free_kbytes\":10000", NULL);
	struct wm_case c1b = { "3.12", "1G", 262144, 10000, 2500, 3125, 3750 };
	check_wm(&c1b, "\"min_free_kbytes\":10000", NULL);
	struct wm_case c2 = { "6.18", "1G", 262144, 4096, 1024, 3645, 6266 };
	check_wm(&c2, "\"watermark_scale_factor\":100", NULL);
	struct wm_case c3 = { "6.18", "1G", 262144, 4096, 1024, 1280, 1536 };
	check_wm(&c3, "\"watermark_scale_factor\":0", NULL);
	struct wm_case c4 = { "6.18", "1G", 262144, 3965, 991, 1238, 1485 };
	check_wm(&c4, NULL, ",\"kernel_reserve\":\"64M\"");
	struct wm_case c5 = { "6.18", "1G", 262144, 4096, 0, 0, 0 };
	check_wm(&c5, "\"watermarks\":false", NULL);

	struct run r;
	run_init(&r, "{\"machine\":{\"ram\":\"1G\",\"kernel_reserve\":\"64M\"}}");
	ck_assert_uint_eq(r.s.mm.reserve_pages, 16384);
	ck_assert_uint_eq(r.s.mm.nr_free, 262144 - 16384);
	run_free(&r);
}
END_TEST

/*
 * Lowmem protection, x86-64 layout (DMA 3977 managed pages, DMA32 up to 3 GiB
 * of RAM = 786432 - 4096 = 782336 pages, Normal the rest; each lower zone
 * protects the managed pages above it / 256, at most its own size):
 *  - 16M: 4096 pages: DMA 3977, DMA32 119: 119/256 = 0.
 *  - 512M guest, firmware_reserve 57212928: (536870912 - 57212928)/4096 = 117104
 *    pages: DMA32 113127: 113127/256 = 441.9 -> 441.
 *  - 1G: DMA32 258167: 1008.5 -> 1008.
 *  - 8G: 2097152 pages: DMA32 782336, Normal 1310839: DMA protects
 *    min(2093175/256 = 8176, 3977) = 3977, DMA32 1310839/256 = 5120: 9097.
 *  - "zones": "one", or watermarks off: 0.
 * Behaviour, 256M (65536 pages: DMA32 61559, protection 240; min 512, low
 * 640, high 768) with one writer of 80000 pages: user allocations take a page
 * only above min + 240, so free memory never goes below 752; with one zone it
 * goes below that (down towards min).
 */
/*
 * Reclaim's CPU per page scanned (mm.reclaim_scan_time) and per page freed
 * (mm.reclaim_steal_time): 16M, one writer of 6000 pages over a free nvram
 * swap device (its writes cost no CPU, there is no codec), so every kswapd
 * round costs exactly what it scans x the scan time plus what it frees x the
 * steal time: kswapd's CPU = pgscan_kswapd x 100 ns by default (no steal
 * cost), x 2 us with "2us", and pgscan_kswapd x 2 us + pgsteal_kswapd x 5 us
 * with a steal time of "5us" too; a direct-reclaim round charges its process
 * at least 32 x 2 us.
 */
START_TEST(test_reclaim_scan_time)
{
	static const char *const mm[] = { "", "\"reclaim_scan_time\":\"2us\"",
		"\"reclaim_scan_time\":\"2us\",\"reclaim_steal_time\":\"5us\"" };
	for (int c = 0; c < 3; c++) {
		char json[512];
		snprintf(json, sizeof(json), "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},\"mm\":{%s},"
			 "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\",\"read_latency\":\"0ns\","
			 "\"write_latency\":\"0ns\",\"read_bw\":0,\"write_bw\":0}},\"swap\":[{\"device\":\"sw\"}]}",
			 mm[c]);
		struct run r;
		run_init(&r, json);
		uint64_t ns = c ? 2000 : 100, steal = c == 2 ? 5000 : 0;
		ck_assert_uint_eq(r.s.cfg.reclaim_scan_ns, ns);
		ck_assert_uint_eq(r.s.cfg.reclaim_steal_ns, steal);
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "writer");
		t_writes(&r, 1, 0, 6000, ZSIM_CONTENT_TEXT, 1);
		run_go(&r);
		ck_assert_uint_gt(r.s.vm.pgscan_kswapd, 0);
		ck_assert_uint_gt(r.s.vm.pgsteal_kswapd, 0);
		ck_assert_uint_eq(r.s.mm.kswapd_cpu_ns, r.s.vm.pgscan_kswapd * ns + r.s.vm.pgsteal_kswapd * steal);
		/* its turns (memory.kswapd_turns): 1 ms each, the batch of 32 that
		 * crosses it finished, so no turn took more than 1 ms + a batch */
		ck_assert_uint_gt(r.s.mm.kswapd_turns, 0);
		ck_assert_uint_le(r.s.mm.kswapd_cpu_ns, r.s.mm.kswapd_turns * (1000000 + 32 * (ns + steal)));
		if (r.s.vm.allocstall)
			ck_assert_uint_ge(r.s.pr.procs[0].stall_ns, r.s.vm.allocstall * 32 * ns);
		run_free(&r);
	}
}
END_TEST

START_TEST(test_lowmem_protect)
{
	static const struct { const char *machine, *mm; uint64_t protect; } cases[] = {
		{ "\"ram\":\"16M\"", "", 0 },
		{ "\"ram\":536870912,\"firmware_reserve\":57212928", "", 441 },
		{ "\"ram\":\"1G\"", "", 1008 },
		{ "\"ram\":\"8G\"", "", 9097 },
		{ "\"ram\":\"8G\",\"zones\":\"one\"", "", 0 },
		{ "\"ram\":\"1G\"", "\"watermarks\":false", 0 },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(cases); i++) {
		char json[256];
		snprintf(json, sizeof(json), "{\"kernel\":\"6.1\",\"machine\":{%s},\"mm\":{%s}}",
			 cases[i].machine, cases[i].mm);
		struct run r;
		run_init(&r, json);
		ck_assert_msg(r.s.mm.lowmem_protect == cases[i].protect, "%s: protect %llu, expected %llu", json,
			      (unsigned long long)r.s.mm.lowmem_protect, (unsigned long long)cases[i].protect);
		run_free(&r);
	}
	for (int one = 0; one < 2; one++) {
		char json[256];
		snprintf(json, sizeof(json), "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"256M\"%s},"
			 "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"512M\"}},\"swap\":[{\"device\":\"sw\"}]}",
			 one ? ",\"zones\":\"one\"" : "");
		struct run r;
		run_init(&r, json);
		ck_assert_uint_eq(r.s.mm.wmark_min, 512);
		ck_assert_uint_eq(r.s.mm.lowmem_protect, one ? 0 : 240);
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "writer");
		t_writes(&r, 1, 0, 80000, ZSIM_CONTENT_TEXT, 1);
		run_go(&r);
		ck_assert_uint_gt(r.s.vm.pswpout, 80000 - 65536);
		if (one)
			ck_assert_uint_lt(r.s.mm.min_free_seen, 752);
		else
			ck_assert_uint_ge(r.s.mm.min_free_seen, 752);
		mm_ok(&r.s);
		run_free(&r);
	}
}
END_TEST

/* ---- LRU placement, zero page --------------------------------------------------- */

/*
 * 10 written pages and one read of an untouched page.  The read maps the zero
 * page: a minor fault (pgfault 11 in all), no frame (free 4096 - 10 = 4086).
 * New anon pages go to the inactive list from 5.9 (6.18), to the active list
 * before (5.4).
 */
START_TEST(test_new_anon_pages_and_zero_page)
{
	static const char *const kernels[] = { "6.18", "5.4" };
	for (int k = 0; k < 2; k++) {
		char json[256];
		snprintf(json, sizeof(json), "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"}}", kernels[k]);
		struct run r;
		run_init(&r, json);
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "app");
		t_writes(&r, 1, 0, 10, ZSIM_CONTENT_TEXT, 1);
		t_read(&r, 1, 100);
		t_read(&r, 1, 100);   /* again: no new fault */
		run_go(&r);
		struct zsim_proc *p = &r.s.pr.procs[0];
		ck_assert_uint_eq(r.s.vm.pgfault, 11);
		ck_assert_uint_eq(p->faults_minor, 11);
		ck_assert_uint_eq(p->rss_anon, 10);
		ck_assert_uint_eq(r.s.mm.nr_free, RAM16_FRAMES - 10);
		ck_assert_uint_eq(pte_of(p, 100), ZSIM_PTE_ZERO);
		ck_assert(p->alive && p->idle);   /* events ended without an exit */
		for (uint64_t v = 0; v < 10; v++) {
			const struct zsim_frame *fr = &r.s.mm.frames[frame_of(p, v)];
			ck_assert_uint_eq(fr->kind, ZSIM_FK_ANON);
			ck_assert_uint_eq(fr->list, k == 0 ? 0 : 1);   /* lru2: 0 inactive anon, 1 active anon */
			ck_assert_uint_eq(fr->pflags & ZSIM_PG_REFERENCED, ZSIM_PG_REFERENCED);
		}
		run_free(&r);
	}
}
END_TEST

/* ---- 3. the swappiness split ----------------------------------------------------- */

/*
 * One process writes 1000 anon pages (vpages 0..999) and 1000 pages of a file
 * on a block filesystem, and stays alive.  16 MiB: free = 4096 - 2000 = 2096,
 * above low (160): no reclaim during the run.  Then, white-box:
 *  - every page's REFERENCED bits are cleared (so no page gets a second chance),
 *  - unless `file_inactive`, every file page is moved to the active file list,
 *    so the inactive file list is low (0 x 1 < 1000) and reclaim is not in
 *    cache-trim (file-only) mode,
 *  - RAM is taken (the frame source zram would use) until free = 150, between
 *    min (128) and high (192),
 * and one kswapd round runs: a turn on the CPU (1 ms; scanning a page costs
 * 40 us here, so the turn ends with the first batch of each list that has
 * pages to scan, 32 pages in all).  Priority 12: 1000 >> 12 = 0 of each
 * list.  Priority 11: 1000 >> 11 = 0, so the small-list rule gives 32 of each;
 * file + free = 1150 > high, so SCAN_FRACT with recent_scanned = recent_rotated
 * = 0: ap = swappiness, fp = 200 - swappiness, nr_anon = round(32 ap / 200),
 * nr_file = round(32 fp / 200).  Anon victims come from the inactive tail
 * (vpage 0 first); file victims come after a refill of nr_file pages from the
 * active tail.
 */
struct split_case {
	const char *name;
	const char *swappiness;     /* mm key, or "" */
	bool swap;                  /* an nvram swap device (its writes take no time) */
	bool file_inactive;         /* leave file pages on the inactive list */
	uint64_t file_pages;
	/* expected after the round */
	uint64_t pswpout, anon_left, file_left;
};

static void run_split(const struct split_case *c)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"reclaim_scan_time\":\"40us\"%s%s},"
		 "\"devices\":{%s\"disk\":{\"type\":\"ssd\",\"size\":\"16M\"}},"
		 "%s\"filesystems\":{\"data\":{\"type\":\"block\",\"device\":\"disk\"}}}",
		 *c->swappiness ? "," : "", c->swappiness, c->swap ? "\"sw\":{\"type\":\"nvram\",\"size\":\"64M\",\"write_latency\":\"0ns\",\"write_bw\":0}," : "",
		 c->swap ? "\"swap\":[{\"device\":\"sw\"}]," : "");
	static const char *const fs[] = { "data", NULL };
	struct run r;
	run_init(&r, json);
	trace_begin(&r, fs);
	t_create(&r, 1, 0, "app");
	t_writes(&r, 1, 0, 1000, ZSIM_CONTENT_TEXT, 1);
	t_fcreate(&r, 1, 1, 0, "f");
	t_fwrites(&r, 1, 1, 0, c->file_pages, 5000);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	uint64_t used = 1000 + c->file_pages;
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES - used);
	ck_assert_uint_eq(s->vm.pgscan_kswapd + s->vm.pgscan_direct, 0);
	ck_assert_uint_eq(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON), 1000);
	ck_assert_uint_eq(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE), c->file_pages);

	for (uint32_t f = 0; f < s->mm.nr_frames; f++) {
		struct zsim_frame *fr = &s->mm.frames[f];
		if (fr->kind == ZSIM_FK_FREE)
			continue;
		fr->pflags &= (uint8_t)~(ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2);
		if (fr->kind == ZSIM_FK_FILE && !c->file_inactive) {
			s->mm.policy->del(s->mm.policy_priv, f);
			s->mm.policy->add(s->mm.policy_priv, f, ZSIM_LRU_FILE, true);
		}
	}
	ck_assert(s->mm.policy->inactive_low(s->mm.policy_priv, ZSIM_LRU_FILE) == !c->file_inactive);
	uint64_t take = s->mm.nr_free - 150;
	ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, (unsigned)take), 0);
	ck_assert_uint_eq(s->mm.nr_free, 150);
	mm_ok(s);

	bool again = false;
	zsim_mm_kswapd_round(s, &again);
	mm_ok(s);
	/* every page scanned was unreferenced: scanned = stolen = what left the lists */
	uint64_t stolen = (1000 - c->anon_left) + (c->file_pages - c->file_left);
	ck_assert_msg(s->vm.pgsteal_kswapd == stolen, "%s: pgsteal_kswapd %llu, expected %llu", c->name,
		      (unsigned long long)s->vm.pgsteal_kswapd, (unsigned long long)stolen);
	ck_assert_uint_eq(s->vm.pgscan_kswapd, stolen);
	ck_assert_msg(s->vm.pswpout == c->pswpout, "%s: pswpout %llu, expected %llu", c->name,
		      (unsigned long long)s->vm.pswpout, (unsigned long long)c->pswpout);
	ck_assert_uint_eq(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON), c->anon_left);
	ck_assert_uint_eq(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE), c->file_left);
	ck_assert_uint_eq(s->mm.recent_scanned[0], 1000 - c->anon_left);
	ck_assert_uint_eq(s->mm.recent_scanned[1], c->file_pages - c->file_left);
	ck_assert_uint_eq(s->mm.nr_free, 150 + stolen);
	/* another round: kswapd's aim is the high watermark (192 pages), which one
	 * round of at most 32 + 31 pages has not met (zsim_mm_kswapd_round) */
	ck_assert(again);
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_eq(p->swapents, c->pswpout);
	ck_assert_uint_eq(p->rss_anon, 1000 - c->pswpout);
	/* the anon victims are the oldest pages: vpages 0 .. pswpout-1 */
	for (uint64_t v = 0; v < c->pswpout; v++)
		ck_assert_msg(pte_of(p, v) & ZSIM_PTE_SWAPPED, "%s: vpage %llu not swapped", c->name,
			      (unsigned long long)v);
	ck_assert(pte_of(p, c->pswpout) & ZSIM_PTE_PRESENT);
	run_free(&r);
}

START_TEST(test_swappiness_split)
{
	static const struct split_case cases[] = {
		/* 60: nr_anon = (uint64)(32 x 60/200 + 0.5) = (9.6 + 0.5) = 10, nr_file = (22.4 + 0.5) = 22 */
		{ "swappiness 60", "", true, false, 1000, 10, 990, 978 },
		/* 0: file only - nr_file = 32 */
		{ "swappiness 0", "\"swappiness\":0", true, false, 1000, 0, 1000, 968 },
		/* no swap device: anon cannot go - file only */
		{ "no swap", "", false, false, 1000, 0, 1000, 968 },
		/* 100: ap = fp = 100, 16 + 16 */
		{ "swappiness 100", "\"swappiness\":100", true, false, 1000, 16, 984, 984 },
		/* 200 (allowed from 5.8): fp = 0, anon only: 32 */
		{ "swappiness 200", "\"swappiness\":200", true, false, 1000, 32, 968, 1000 },
		/* cache trim: the inactive file list is not low (1000 x 1 < 0 is false): file only */
		{ "cache trim", "", true, true, 1000, 0, 1000, 968 },
		/* tiny file: 20 file pages, free 150: 20 + 150 <= high 192 -> anon only; at
		 * priority 12 the anon list (1000 >> 12 = 0) is scanned whole, until 32 are freed */
		{ "tiny file", "", true, false, 20, 32, 968, 20 },
		/* 20 file pages on the inactive list, free 150: the kernel checks file +
		 * free <= high (SCAN_ANON) before cache trim (SCAN_FILE), in 3.12 and in
		 * 6.18 alike, so it reclaims anon only and keeps the 20 file pages. */
		{ "tiny file on the inactive list", "", true, true, 20, 32, 968, 20 },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(cases); i++)
		run_split(&cases[i]);
}
END_TEST

/* ---- 4. the OOM victim ----------------------------------------------------------- */

/*
 * No swap, 6.18, 16 MiB (min 128).  "shell" (pid 1) writes 50 pages, starts
 * "hog" (pid 2) and waits for it; hog writes pages until memory runs out.
 * Allocations succeed while free > min: hog gets 4096 - 50 - 128 = 3918 pages.
 * Then direct reclaim frees nothing (no swap, no file pages), reclaimable = 0,
 * 128 > min(128) is false: OOM at the first no-progress round (allocstall 1).
 * Badness, rss + swap + PTE pages (a page per 512 from page 0): shell 50 + 1
 * = 51; hog 3918 + 8 = 3926.
 * hog is killed (it is also the trigger), its pages freed, shell woken: it
 * writes one more page and exits; at the end all 4096 pages are free.
 * pgfault = 50 + 3918 + 1 = 3969 (the failing fault is not counted).
 * The event lists where RAM was: 50 + 3918 = 3968 pages on the anon LRU, none
 * on the file LRU, no zram.
 */
START_TEST(test_oom_kills_trigger_and_wakes_parent)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "shell");
	t_writes(&r, 1, 0, 50, ZSIM_CONTENT_TEXT, 1);
	t_create(&r, 2, 1, "hog");
	t_wait(&r, 1, 2);
	t_writes(&r, 2, 0, 5000, ZSIM_CONTENT_TEXT, 100);
	t_exit(&r, 2);
	t_writes(&r, 1, 50, 1, ZSIM_CONTENT_TEXT, 9000);
	t_exit(&r, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	ck_assert_uint_eq(s->vm.oom_kill, 1);
	ck_assert_uint_eq(s->vm.allocstall, 1);
	ck_assert_uint_eq(s->vm.pgfault, 3969);
	ck_assert(s->pr.procs[1].killed && !s->pr.procs[1].alive);
	ck_assert(!s->pr.procs[0].killed && s->pr.procs[0].exited);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES);
	ck_assert_uint_eq(s->mm.min_free_seen, RAM16_MIN);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"oom_kill\""), 1);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"deadlock\""), 0);
	ck_assert_msg(strstr(r.ev_text, "\"victim\":\"hog\",\"group\":0,\"pid\":2,\"badness\":3926,"
				       "\"rss_anon_pages\":3918,\"rss_file_pages\":0,\"rss_shmem_pages\":0,"
				       "\"swapents\":0,\"trigger\":\"hog\",\"free_pages\":128,\"min_pages\":128,"
				       "\"protect_pages\":0,\"zspages\":0,\"lru_anon_pages\":3968,\"lru_file_pages\":0,\"zram\":[],"
				       "\"swap_free_pages\":0,\"swap\":[]") != NULL,
		      "event: %s", r.ev_text);
	run_free(&r);
}
END_TEST

/*
 * Page tables take RAM (mm.page_tables): a process's first fault in 2 MiB of
 * address space (512 pages) takes a PTE page first, unmovable, kept until
 * it exits.  The OOM run above with page tables on: shell writes vpage 0
 * and vpage 2560 (two leaves: 2 PTE pages) - 4096 - 2 - 2 = 4092 free;
 * hog's vpages 0.. take a PTE page at 0, 512, ... (free far above low each
 * time) and pages while free > min: n pages and ceil(n / 512) PTE pages,
 * n + 8 = 4092 - 128, n = 3956 (in its 8th leaf: 3584..4095).  OOM:
 * badness hog 3956 + 8 = 3964; killed, its 3956 pages and 8 PTE pages
 * freed; shell writes vpage 1 (its first leaf: no new PTE page) and exits.
 * pgfault 2 + 3956 + 1; at the end every frame is free, no PTE page held,
 * 10 at most.
 */
START_TEST(test_page_tables_take_ram)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"page_tables\":true}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "shell");
	t_writes(&r, 1, 0, 1, ZSIM_CONTENT_TEXT, 1);
	t_writes(&r, 1, 2560, 1, ZSIM_CONTENT_TEXT, 2);
	t_create(&r, 2, 1, "hog");
	t_wait(&r, 1, 2);
	t_writes(&r, 2, 0, 5000, ZSIM_CONTENT_TEXT, 100);
	t_exit(&r, 2);
	t_writes(&r, 1, 1, 1, ZSIM_CONTENT_TEXT, 9000);
	t_exit(&r, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	ck_assert(s->cfg.page_tables);
	ck_assert_uint_eq(s->vm.oom_kill, 1);
	ck_assert_uint_eq(s->vm.pgfault, 2 + 3956 + 1);
	ck_assert(s->pr.procs[1].killed);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES);
	ck_assert_uint_eq(s->mm.pgtable_pages, 0);
	ck_assert_uint_eq(s->mm.pgtable_pages_max, 10);
	ck_assert_uint_eq(s->mm.min_free_seen, RAM16_MIN);
	ck_assert_msg(strstr(r.ev_text, "\"victim\":\"hog\",\"group\":0,\"pid\":2,\"badness\":3964,"
				       "\"rss_anon_pages\":3956,") != NULL, "event: %s", r.ev_text);
	run_free(&r);

	/* off: the same run as test_oom_kills_trigger_and_wakes_parent's count */
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"page_tables\":false}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "hog");
	t_writes(&r, 1, 0, 5000, ZSIM_CONTENT_TEXT, 100);
	t_exit(&r, 1);
	run_go(&r);
	ck_assert_uint_eq(r.s.vm.pgfault, 4096 - 128);
	ck_assert_uint_eq(r.s.mm.pgtable_pages_max, 0);
	run_free(&r);
}
END_TEST

/*
 * Swap entries count.  Exact LRU, no watermarks (direct reclaim frees exactly
 * one page per allocation once RAM is full), an nvram swap of 4096000 bytes =
 * 1000 slots.  shell (1) writes 50 pages, starts daemon (2) and hog (3), waits
 * for both.  daemon writes 2750 pages and stays alive; hog first burns 100 ms
 * of CPU (so daemon is done), then writes 2400 pages.
 *   free after shell and daemon: 4096 - 50 - 2750 = 1296; hog's first 1296
 *   pages take them; each further page evicts the LRU tail: shell's 50, then
 *   daemon's vpages 0..949 - 1000 swap-outs fill the swap.  hog has written
 *   1296 + 1000 = 2296 pages; its next page finds nothing to reclaim (swap
 *   full, no file pages): OOM.
 *   badness (+ a PTE page per 512 pages from page 0):
 *            shell  rss 0    + swap 50  = 50   + 1 = 51
 *            daemon rss 1800 + swap 950 = 2750 + 6 = 2756
 *            hog    rss 2296 + swap 0   = 2296 + 5 = 2301
 *   daemon dies although its rss (1800) is below hog's (2296).  Its 1800 frames
 *   and 950 slots are freed (swap used 50); hog writes its last 104 pages and
 *   exits; shell, waiting for all children, wakes, reads its vpage 0 back
 *   (one major fault; nvram keeps the slot in the swap cache while swap is
 *   not half full) and exits: all frames free, swap empty.
 *   allocstall = 1000 evictions + 1 failed round; pgsteal_direct = pgscan_direct = 1000.
 */
START_TEST(test_oom_victim_counts_swap)
{
	struct run r;
	/* page_cluster 0: single-page swap-ins, as the counts below assume */
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
		     "\"mm\":{\"policy\":\"lru\",\"watermarks\":false,\"page_cluster\":0},"
		     "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":4096000}},"
		     "\"swap\":[{\"device\":\"sw\"}]}");
	ck_assert_uint_eq(r.s.sw.swap[0].nr_slots, 1000);
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "shell");
	t_writes(&r, 1, 0, 50, ZSIM_CONTENT_TEXT, 1);
	t_create(&r, 2, 1, "daemon");
	t_create(&r, 3, 1, "hog");
	t_wait(&r, 1, 0);
	t_writes(&r, 2, 0, 2750, ZSIM_CONTENT_TEXT, 100);
	t_cpu(&r, 3, 100000000);
	t_writes(&r, 3, 0, 2400, ZSIM_CONTENT_TEXT, 10000);
	t_exit(&r, 3);
	t_read(&r, 1, 0);
	t_exit(&r, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	ck_assert_uint_eq(s->vm.oom_kill, 1);
	ck_assert_uint_eq(s->vm.pswpout, 1000);
	ck_assert_uint_eq(s->vm.pswpin, 1);
	ck_assert_uint_eq(s->vm.pgmajfault, 1);
	ck_assert_uint_eq(s->vm.allocstall, 1001);
	ck_assert_uint_eq(s->vm.pgsteal_direct, 1000);
	ck_assert_uint_eq(s->vm.pgscan_direct, 1000);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 0);
	ck_assert_uint_eq(s->vm.swap_write_fail, 0);
	ck_assert(!s->pr.procs[0].killed && s->pr.procs[0].exited);
	ck_assert(s->pr.procs[1].killed && !s->pr.procs[1].alive);
	ck_assert(!s->pr.procs[2].killed && s->pr.procs[2].exited);
	ck_assert_uint_eq(s->pr.procs[2].faults_minor, 2400);
	ck_assert_uint_eq(s->sw.swap[0].used, 0);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"oom_kill\""), 1);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"deadlock\""), 0);
	ck_assert_msg(strstr(r.ev_text, "\"victim\":\"daemon\",\"group\":0,\"pid\":2,\"badness\":2756,"
				       "\"rss_anon_pages\":1800,\"rss_file_pages\":0,\"rss_shmem_pages\":0,"
				       "\"swapents\":950,\"trigger\":\"hog\",\"free_pages\":0,\"min_pages\":0,\"protect_pages\":0,"
				       "\"zspages\":0,\"lru_anon_pages\":4096,\"lru_file_pages\":0,\"zram\":[],"
				       "\"swap_free_pages\":0,"
				       "\"swap\":[{\"device\":\"sw\",\"free_pages\":0,\"total_pages\":1000}]") != NULL,
		      "event: %s", r.ev_text);
	run_free(&r);
}
END_TEST

/* ---- 5. the tmpfs limit ------------------------------------------------------------ */

/*
 * A tmpfs of 409600 bytes = 100 pages.  writer (1) writes pages 0..102 of file
 * 1: pages 100, 101, 102 fail (3 ENOSPC, one event for this process); a rewrite
 * of page 0 is no new page and succeeds.  writer starts "second" (2) and waits;
 * second writes two pages of file 2: 2 more ENOSPC, one more event (first for
 * this process).  Then writer unlinks file 1 (used 100 -> 0) and writes 100
 * pages of file 3 without error.  Totals: enospc 5, two events, used 100, the
 * 100 shmem pages in RAM (anon lists), and the two files left, b and c, hold
 * one slab page for their inodes (2 x 1560 bytes): free 4096 - 101 = 3995.
 */
START_TEST(test_tmpfs_limit)
{
	static const char *const fs[] = { "tmp", NULL };
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
		     "\"filesystems\":{\"tmp\":{\"type\":\"tmpfs\",\"size\":409600},"
		     "\"tmp2\":{\"type\":\"tmpfs\"}}}");
	ck_assert_uint_eq(r.s.pc.fs[0].limit_pages, 100);
	ck_assert_uint_eq(r.s.pc.fs[1].limit_pages, RAM16_FRAMES / 2);   /* default: half of RAM */
	trace_begin(&r, fs);
	t_create(&r, 1, 0, "writer");
	t_fcreate(&r, 1, 1, 0, "a");
	t_fwrites(&r, 1, 1, 0, 103, 1);
	t_fwrites(&r, 1, 1, 0, 1, 500);
	t_create(&r, 2, 1, "second");
	t_wait(&r, 1, 2);
	t_fcreate(&r, 2, 2, 0, "b");
	t_fwrites(&r, 2, 2, 0, 2, 600);
	t_exit(&r, 2);
	t_funlink(&r, 1, 1);
	t_fcreate(&r, 1, 3, 0, "c");
	t_fwrites(&r, 1, 3, 0, 100, 700);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	ck_assert_uint_eq(s->pc.fs[0].enospc, 5);
	ck_assert_uint_eq(s->vm.enospc, 5);
	ck_assert_uint_eq(s->pc.fs[0].used_pages, 100);
	ck_assert_uint_eq(s->pc.fs[1].used_pages, 0);
	ck_assert_uint_eq(s->mm.slab_pages, 1);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES - 100 - 1);
	ck_assert_uint_eq(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON), 100);
	ck_assert_uint_eq(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE), 0);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"enospc\""), 2);
	ck_assert_msg(strstr(r.ev_text, "\"fs\":\"tmp\",\"file\":\"a\",\"page\":100,\"pid\":1,\"process\":\"writer\","
				       "\"why\":\"tmpfs size limit of 100 pages\",\"used_pages\":100") != NULL,
		      "events: %s", r.ev_text);
	ck_assert_msg(strstr(r.ev_text, "\"fs\":\"tmp\",\"file\":\"b\",\"page\":0,\"pid\":2,\"process\":\"second\"") != NULL,
		      "events: %s", r.ev_text);
	run_free(&r);
}
END_TEST

/*
 * A tmpfs file costs the kernel its inode, dentry and index node in slab,
 * unmovable, while it exists (file_bytes 2048 here: two files to a page).
 * writer creates five files on the tmpfs (3 slab pages: ceil(5 x 2048 / 4096))
 * and one on the block filesystem (none: reclaimable slab is not modelled),
 * then unlinks two tmpfs files (3 files: 2 pages).  No page was written, so
 * free = 4096 - 2.  There were no free unmovable pages at start: the first
 * slab page fell back, taking one 64-page chunk (one fallback); 3 were used
 * and 1 came back: 62 free on the unmovable lists.  The boost that fallback
 * raised is a pageblock (512) on a 6.18 profile.
 */
START_TEST(test_tmpfs_slab)
{
	static const char *const fs[] = { "tmp", "disk", NULL };
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
		     "\"devices\":{\"d\":{\"type\":\"ssd\",\"size\":\"64M\"}},"
		     "\"filesystems\":{\"tmp\":{\"type\":\"tmpfs\",\"file_bytes\":2048},"
		     "\"disk\":{\"type\":\"block\",\"device\":\"d\"}}}");
	ck_assert_uint_eq(r.s.cfg.fs[0].file_bytes, 2048);
	trace_begin(&r, fs);
	t_create(&r, 1, 0, "writer");
	for (uint32_t f = 1; f <= 5; f++)
		t_fcreate(&r, 1, f, 0, "t");
	t_fcreate(&r, 1, 6, 1, "d");
	t_funlink(&r, 1, 2);
	t_funlink(&r, 1, 4);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	ck_assert_uint_eq(s->pc.fs[0].files, 3);
	ck_assert_uint_eq(s->pc.fs[0].slab_pages, 2);
	ck_assert_uint_eq(s->pc.fs[1].slab_pages, 0);
	ck_assert_uint_eq(s->mm.slab_pages, 2);
	ck_assert_uint_eq(s->mm.slab_pages_max, 3);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES - 2);
	ck_assert_uint_eq(s->mm.fallbacks, 1);
	ck_assert_uint_eq(s->mm.free_unmovable, 62);
	ck_assert_uint_eq(s->mm.boost_max, 512);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/* The default is the measured 1560 bytes; a block filesystem has no such key. */
START_TEST(test_tmpfs_file_bytes_config)
{
	struct zsim_config cfg;
	char err[512] = "";
	ck_assert_int_eq(zsim_config_parse("{\"machine\":{\"ram\":\"1G\"},\"filesystems\":{\"t\":{\"type\":\"tmpfs\"}}}",
					   "c", &cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg.fs[0].file_bytes, 1560);
	ck_assert_int_lt(zsim_config_parse("{\"machine\":{\"ram\":\"1G\"},\"devices\":{\"d\":{\"type\":\"ssd\",\"size\":\"1G\"}},"
					   "\"filesystems\":{\"x\":{\"type\":\"block\",\"device\":\"d\",\"file_bytes\":100}}}",
					   "c", &cfg, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "$.filesystems.x.file_bytes: only a tmpfs has it") != NULL, "%s", err);
}
END_TEST

/* ---- 6. zram store failing with no free frame ---------------------------------------- */

/*
 * zram (64 MiB disksize = 16384 slots) is the only swap.  "big" (1) writes 1000
 * text pages, "small" (2) 100; both stay alive: free = 4096 - 1100 = 2996.
 * Then the kernel takes every free frame (white-box, as a PF_MEMALLOC user
 * may): free = 0.
 *  - A direct swap-out of small's vpage 0 must fail: zsmalloc needs a new
 *    zspage for the first object and the frame source has nothing.  One failed
 *    write in the device (zram failed_writes: 6.18 has no rw_page, so one
 *    attempt is one device write), in the swap area and in swap_write_fail;
 *    one pswpout (the bio was counted when submitted); the slot stays taken
 *    (used 1) and the page stays mapped, in the swap cache, its slot pointing
 *    back at it, marked unwritten.
 *  - An allocation for small then reclaims in vain (every store fails the same
 *    way), retries while free + reclaimable, discounted by no_progress/16, is
 *    above min (anon counts: swap still has free slots): 1100 - 1100 x n/16 >
 *    128 holds for n <= 14 (n = 14: 1100 - 962 = 138) and fails for n = 15
 *    (1100 - 1031 = 69): 15 rounds (allocstall 15), then OOM.  Every attempt
 *    failed: pswpout = failed_writes, nothing reached the device (swapouts 0).
 *    A round that frees nothing runs again deactivating the active list (6.18
 *    has the 5.5+ force_deactivate retry), so by the OOM every one of the 1100
 *    resident pages has tried once and holds a slot: swap_free_pages 16384 -
 *    1100 = 15284.  Victim: big (1000 + 2 PTE pages = 1002 > 101); its 1000 frames and
 *    their slots come back and the allocation succeeds; small keeps all 100
 *    pages resident, each with its slot (used 100).
 */
START_TEST(test_zram_store_fails_without_free_frame)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
		     "\"devices\":{\"z\":{\"type\":\"zram\",\"size\":\"64M\"}},"
		     "\"swap\":[{\"device\":\"z\"}]}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "big");
	t_writes(&r, 1, 0, 1000, ZSIM_CONTENT_TEXT, 1);
	t_create(&r, 2, 0, "small");
	t_writes(&r, 2, 0, 100, ZSIM_CONTENT_TEXT, 5000);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_tier *zt = s->sw.swap[0].tier;
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES - 1100);
	ck_assert_uint_eq(s->vm.pswpout, 0);
	ck_assert_uint_eq(s->sw.swap[0].nr_slots, 16384);

	s->mm.in_reclaim = true;   /* below min, as a PF_MEMALLOC task may */
	ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, (unsigned)s->mm.nr_free), 0);
	s->mm.in_reclaim = false;
	ck_assert_uint_eq(s->mm.nr_free, 0);
	mm_ok(s);

	struct zsim_proc *small = &s->pr.procs[1];
	uint32_t f0 = frame_of(small, 0);
	uint64_t entry = 0, cpu = 0, io = 0;
	s->mm.in_reclaim = true;   /* swap-out happens in reclaim */
	int rc = zsim_swap_out(s, f0, &entry, &cpu, &io);
	s->mm.in_reclaim = false;
	ck_assert_int_eq(rc, ZSIM_EIO);
	ck_assert_uint_eq(s->sw.swap[0].failed_writes, 1);
	ck_assert_uint_eq(s->vm.swap_write_fail, 1);
	ck_assert_uint_eq(tier_stat(zt, "failed_writes"), 1);
	ck_assert_uint_eq(tier_stat(zt, "mem_used_total"), 0);
	ck_assert_uint_eq(tier_stat(zt, "pages_stored"), 0);
	ck_assert_uint_eq(s->sw.swap[0].used, 1);
	ck_assert_uint_eq(s->vm.pswpout, 1);
	ck_assert_uint_eq(frame_of(small, 0), f0);
	ck_assert_uint_eq(s->mm.frames[f0].kind, ZSIM_FK_ANON);
	ck_assert_uint_eq(s->mm.frames[f0].mflags, ZSIM_MF_SWAPCACHE | ZSIM_MF_UNWRITTEN);
	ck_assert_uint_eq(zsim_slot_frame(zsim_swap_slot_of(s, entry)), f0);
	mm_ok(s);

	uint32_t f = zsim_mm_alloc_frame(s, small);
	ck_assert_uint_ne(f, ZSIM_FRAME_NONE);
	ck_assert_uint_eq(s->vm.oom_kill, 1);
	ck_assert_uint_eq(s->vm.allocstall, 15);
	ck_assert(s->pr.procs[0].killed && !s->pr.procs[0].alive);
	ck_assert(small->alive && !small->killed);
	ck_assert_uint_gt(s->sw.swap[0].failed_writes, 1);
	ck_assert_uint_eq(s->vm.swap_write_fail, s->sw.swap[0].failed_writes);
	ck_assert_uint_eq(tier_stat(zt, "failed_writes"), s->sw.swap[0].failed_writes);
	ck_assert_uint_eq(tier_stat(zt, "mem_used_total"), 0);
	ck_assert_uint_eq(s->vm.pswpout, s->sw.swap[0].failed_writes);   /* every bio failed */
	ck_assert_uint_eq(s->sw.swap[0].swapouts, 0);
	ck_assert_uint_eq(s->sw.swap[0].used, 100);   /* big's slots went with it; small's pages keep theirs */
	ck_assert_uint_eq(small->rss_anon, 100);
	ck_assert_uint_eq(small->swapents, 0);
	for (uint64_t v = 0; v < 100; v++)
		ck_assert(pte_of(small, v) & ZSIM_PTE_PRESENT);
	ck_assert_uint_eq(s->mm.nr_free, 1000 - 1);   /* big's frames, less the one just taken */
	zsim_mm_free_frame(s, f);
	mm_ok(s);

	fflush(r.events);
	long len = ftell(r.events);
	char *text = calloc(1, (size_t)len + 1);
	rewind(r.events);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, r.events), (size_t)len);
	ck_assert_msg(strstr(text, "\"victim\":\"big\",\"group\":0,\"pid\":1,\"badness\":1002,") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\"trigger\":\"small\",\"free_pages\":0,\"min_pages\":128,\"protect_pages\":0,\"zspages\":2996,"
				   "\"lru_anon_pages\":1100,\"lru_file_pages\":0,"
				   "\"zram\":[{\"device\":\"z\",\"mem_used_pages\":0}],") != NULL,
		      "%s", text);
	ck_assert_msg(strstr(text, "\"swap_free_pages\":15284,"
				   "\"swap\":[{\"device\":\"z\",\"free_pages\":15284,\"total_pages\":16384}]") != NULL,
		      "%s", text);
	free(text);
	run_free(&r);
}
END_TEST

/* ---- 6a. a zram write refused at mem_limit, as the kernel fails it ----------------------- */

/*
 * zram (64 MiB, lzo-rle, mem_limit 8K = 2 pool pages) is the only swap.  One
 * process writes 3000 random pages on a 16 MiB machine (free 4096 - 3000 =
 * 1096, above high: no reclaim yet); then the kernel takes all but 4 free
 * frames (white-box, as a PF_MEMALLOC user may), so RAM is full and below min.
 * codec_time makes each lzo-rle compression cost 1000 ns: a random page does
 * not compress, so only the fixed part counts (zsim_codec_cost).
 *
 * One kswapd round then asks for 32 pages.  A random page is stored whole (a
 * huge object, one zspage of one page): the first two swap-outs fill the pool
 * to the limit (2 pages, mem_used_total 8192); the third allocates a third
 * zspage, finds 3 > 2, frees it and fails (mem_used_max 12288), and so does
 * every later one.  The round gets 2 pages (pgsteal_kswapd 2; their frames
 * became the pool's two zspages, so free stays 4 and the kernel's frames
 * count 1092 + 2) and
 * goes through every priority trying the rest.  What each of the F failed
 * attempts does, as 6.1 does it (mm/page_io.c __swap_writepage, zram_bvec_rw):
 *  - zram refuses the page twice, through rw_page and then through the bio:
 *    zram failed_writes = 2F (6.18, without rw_page: F);
 *  - the bio was counted in pswpout when submitted: pswpout = 2 + F;
 *  - the page had its slot before the write (add_to_swap) and keeps it: it
 *    stays resident and mapped, in the swap cache, marked unwritten, on the
 *    inactive anon list (kept, not activated); used = 2 + (such pages).
 * A direct retry of one such page writes it to the slot it holds: same entry,
 * no new slot, failed_writes + 2 (6.18: + 1), pswpout + 1, and 2 x 1000 ns of
 * compression charged to the writer (6.18: 1000).
 */
static void run_memlimit_refusal(const char *kernel, unsigned per_attempt)
{
	char json[512];
	snprintf(json, sizeof(json),
		 "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"},"
		 "\"devices\":{\"z\":{\"type\":\"zram\",\"size\":\"64M\",\"comp\":\"lzo-rle\",\"mem_limit\":\"8K\"}},"
		 "\"swap\":[{\"device\":\"z\"}],"
		 "\"codec_time\":{\"lzo-rle\":{\"compress\":\"1000ns\",\"decompress\":\"1000ns\"}}}", kernel);
	struct run r;
	run_init(&r, json);
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "writer");
	t_writes(&r, 1, 0, 3000, ZSIM_CONTENT_RANDOM, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_swapdev *sd = &s->sw.swap[0];
	struct zsim_tier *zt = sd->tier;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_eq(s->mm.nr_free, RAM16_FRAMES - 3000);
	ck_assert_uint_eq(s->vm.pswpout, 0);

	s->mm.in_reclaim = true;
	ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, (unsigned)s->mm.nr_free - 4), 0);
	s->mm.in_reclaim = false;
	ck_assert_uint_eq(s->mm.nr_free, 4);

	bool again;
	zsim_mm_kswapd_round(s, &again);
	mm_ok(s);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 2);
	ck_assert_uint_eq(s->mm.nr_free, 4 + 2 - 2);   /* the pool took two frames */
	ck_assert_uint_eq(s->mm.zspages, 1092 + 2);    /* the frames taken above, and those */
	ck_assert_uint_eq(tier_stat(zt, "pages_stored"), 2);
	ck_assert_uint_eq(tier_stat(zt, "huge_pages"), 2);
	ck_assert_uint_eq(tier_stat(zt, "mem_used_total"), 8192);
	ck_assert_uint_eq(tier_stat(zt, "mem_limit"), 8192);
	ck_assert_uint_eq(tier_stat(zt, "mem_used_max"), 12288);
	uint64_t F = s->vm.swap_write_fail;
	ck_assert_uint_ge(F, 1);
	ck_assert_uint_eq(sd->failed_writes, F);
	ck_assert_uint_eq(tier_stat(zt, "failed_writes"), per_attempt * F);
	ck_assert_uint_eq(sd->swapouts, 2);
	ck_assert_uint_eq(s->vm.pswpout, 2 + F);
	ck_assert_uint_eq(p->swapents, 2);
	ck_assert_uint_eq(p->rss_anon, 3000 - 2);

	/* the pages whose write failed: resident, mapped, in the swap cache with
	 * their slot, unwritten, on the inactive anon list */
	uint64_t kept = 0, kept_vpage = UINT64_MAX;
	for (uint64_t v = 0; v < 3000; v++) {
		uint64_t e = pte_of(p, v);
		if (!(e & ZSIM_PTE_PRESENT))
			continue;
		const struct zsim_frame *fr = &s->mm.frames[(uint32_t)e];
		if (!(fr->mflags & ZSIM_MF_UNWRITTEN))
			continue;
		ck_assert_uint_eq(fr->mflags, ZSIM_MF_SWAPCACHE | ZSIM_MF_UNWRITTEN);
		ck_assert_uint_eq(fr->kind, ZSIM_FK_ANON);
		ck_assert_uint_eq(fr->list, 0);   /* lru2: anon inactive (type 0 x 2 + 0) */
		const struct zsim_swap_slot *sl = zsim_swap_slot_of(s, zsim_swp_entry(fr->swapdev, fr->swap));
		ck_assert(sl->flags & ZSIM_SLOT_USED);
		ck_assert_uint_eq(zsim_slot_frame(sl), (uint32_t)e);
		if (!kept++)
			kept_vpage = v;
	}
	ck_assert_uint_ge(kept, 1);
	ck_assert_uint_le(kept, F);
	ck_assert_uint_eq(sd->used, 2 + kept);

	/* a direct retry of the first kept page: the same slot, refused again */
	uint32_t f = frame_of(p, kept_vpage);
	uint64_t held = zsim_swp_entry(s->mm.frames[f].swapdev, s->mm.frames[f].swap);
	uint64_t entry = 0, cpu = 0, io = 0, fw = tier_stat(zt, "failed_writes"), out = s->vm.pswpout;
	s->mm.in_reclaim = true;
	int rc = zsim_swap_out(s, f, &entry, &cpu, &io);
	s->mm.in_reclaim = false;
	ck_assert_int_eq(rc, ZSIM_EIO);
	ck_assert_uint_eq(entry, held);
	ck_assert_uint_eq(sd->used, 2 + kept);
	ck_assert_uint_eq(tier_stat(zt, "failed_writes"), fw + per_attempt);
	ck_assert_uint_eq(s->vm.pswpout, out + 1);
	ck_assert_uint_eq(s->vm.swap_write_fail, F + 1);
	ck_assert_uint_eq(cpu, per_attempt * 1000);
	ck_assert_uint_eq(s->mm.frames[f].mflags, ZSIM_MF_SWAPCACHE | ZSIM_MF_UNWRITTEN);
	ck_assert_uint_eq(s->mm.nr_free, 4);   /* the refused zspage went back */
	ck_assert_uint_eq(s->mm.zspages, 1092 + 2);
	ck_assert_uint_eq(tier_stat(zt, "mem_used_total"), 8192);
	mm_ok(s);
	run_free(&r);
}

START_TEST(test_zram_write_refused_at_mem_limit)
{
	run_memlimit_refusal("6.1", 2);    /* rw_page, then the bio */
	run_memlimit_refusal("6.18", 1);   /* the bio only */
}
END_TEST

/* ---- 6b. write-back to zram-blk: lost writes, and the flusher waiting ----------------- */

/* Count a file's pages: in RAM dirty, in RAM clean, on the device only. */
static void file_states(struct zsim_sim *s, uint32_t fi, uint64_t *dirty, uint64_t *clean, uint64_t *ondisk)
{
	struct zsim_filemap *t = &s->pc.files[fi].pages;
	*dirty = *clean = *ondisk = 0;
	uint64_t page, v;
	for (uint64_t i = 0; t->e && i <= t->mask; i++) {
		if (!zsim_filemap_at(t, i, &page, &v))
			continue;
		if (v & ZSIM_PTE_PRESENT) {
			if (s->mm.frames[(uint32_t)v].mflags & ZSIM_MF_DIRTY)
				(*dirty)++;
			else
				(*clean)++;
		} else if (v & ZSIM_FPE_ONDISK) {
			(*ondisk)++;
		}
	}
}

/*
 * A filesystem on zram with mem_limit 160K = 40 pool pages; 16 MiB of RAM, no
 * swap.  One process writes 5000 pages of random data (incompressible: each
 * stored page is one whole pool page).  The page cache cannot hold them all, so
 * pages are written back (by the throttled writer and by reclaim); the first
 * 40 fit under the limit, every later one is refused.  The kernel completes a
 * refused write-back with an error and marks the page clean: its data is lost
 * and reclaim drops it.  So: 40 pages stored, no OOM (the lost pages are
 * reclaimable), every write-back either stored or lost (lost + 40 = pages on
 * the device only + clean pages in RAM), zram's failed_writes = lost, one
 * lost_write event naming the device.
 */
START_TEST(test_zram_blk_lost_writes_at_mem_limit)
{
	static const char *const fs[] = { "src", NULL };
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
		     "\"devices\":{\"zb\":{\"type\":\"zram\",\"size\":\"64M\",\"mem_limit\":\"160K\"}},"
		     "\"filesystems\":{\"src\":{\"type\":\"block\",\"device\":\"zb\"}}}");
	trace_begin(&r, fs);
	t_create(&r, 1, 0, "writer");
	t_fcreate(&r, 1, 1, 0, "big");
	t_fwrites_cls(&r, 1, 1, 0, 5000, ZSIM_CONTENT_RANDOM, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_tier *zt = s->pc.fs[0].tier;
	uint64_t dirty, clean, ondisk;
	file_states(s, 0, &dirty, &clean, &ondisk);
	ck_assert_uint_eq(dirty + clean + ondisk, 5000);
	ck_assert_uint_eq(tier_stat(zt, "pages_stored"), 40);
	ck_assert_uint_eq(s->pc.fs[0].pages_written, 40);
	ck_assert_uint_eq(s->vm.oom_kill, 0);
	ck_assert_uint_ge(ondisk, 5000 - RAM16_FRAMES);
	ck_assert_uint_eq(s->pc.fs[0].lost_writes + 40, ondisk + clean);
	ck_assert_uint_eq(s->vm.lost_writes, s->pc.fs[0].lost_writes);
	ck_assert_uint_eq(tier_stat(zt, "failed_writes"), s->pc.fs[0].lost_writes);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"lost_write\""), 1);
	ck_assert_msg(strstr(r.ev_text, "\"fs\":\"src\",\"device\":\"zb\",\"file\":\"big\"") != NULL,
		      "%s", r.ev_text);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * The flusher writing back to zram-blk when RAM is short does not lose data:
 * zram's GFP_NOIO allocation reclaims clean page cache, and when there is none
 * it waits.  16 MiB, no swap, fs on zram (no limit).
 *  - stall: 10 dirty text pages and nothing else in the page cache; the kernel
 *    takes every frame above min (free = min = 128).  At 31 s (the pages have
 *    expired) the flusher's first store needs a zspage, finds free at min, reclaims
 *    under GFP_NOIO (an allocstall; the dirty pages cannot go) and gives up for
 *    this round: nothing written, nothing lost, 10 pages still dirty.  With
 *    the frames given back, the next round writes all 10.
 *  - reclaim: file "a" (20 text pages) written back by the engine's flusher
 *    at 35 s (its round after they expire at 30 s plus the microseconds the
 *    writes took) during a 36 s CPU event, so clean; then "b" (10 pages)
 *    dirty.  Free taken down to min; at 70 s the flusher's stores reclaim clean pages
 *    of "a" to get their zspages: all 10 of "b" written, none lost, and some of
 *    "a" now only on the device.
 */
START_TEST(test_zram_blk_flusher_waits_or_reclaims_clean)
{
	static const char *const fs[] = { "src", NULL };
	const char *cfg = "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
			  "\"devices\":{\"zb\":{\"type\":\"zram\",\"size\":\"64M\"}},"
			  "\"filesystems\":{\"src\":{\"type\":\"block\",\"device\":\"zb\"}}}";
	struct run r;
	uint64_t dirty, clean, ondisk, cpu = 0;

	run_init(&r, cfg);
	trace_begin(&r, fs);
	t_create(&r, 1, 0, "writer");
	t_fcreate(&r, 1, 1, 0, "b");
	t_fwrites(&r, 1, 1, 0, 10, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	ck_assert_uint_eq(s->pc.nr_dirty, 10);
	unsigned took = (unsigned)(s->mm.nr_free - s->mm.wmark_min);
	s->mm.in_reclaim = true;
	ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, took), 0);
	s->mm.in_reclaim = false;
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN);
	uint64_t stalls = s->vm.allocstall;
	s->clk.now = 31000000000ull;
	zsim_fs_flush_dirty(s, &cpu);
	ck_assert_uint_eq(s->pc.nr_dirty, 10);
	ck_assert_uint_eq(s->pc.fs[0].pages_written, 0);
	ck_assert_uint_eq(s->pc.fs[0].lost_writes, 0);
	ck_assert_uint_eq(s->vm.allocstall, stalls + 1);
	file_states(s, 0, &dirty, &clean, &ondisk);
	ck_assert_uint_eq(dirty, 10);
	mm_ok(s);
	s->mm.ram_source.put(s->mm.ram_source.ctx, took);
	zsim_fs_flush_dirty(s, &cpu);
	ck_assert_uint_eq(s->pc.nr_dirty, 0);
	ck_assert_uint_eq(s->pc.fs[0].pages_written, 10);
	ck_assert_uint_eq(s->pc.fs[0].lost_writes, 0);
	mm_ok(s);
	run_free(&r);

	run_init(&r, cfg);
	trace_begin(&r, fs);
	t_create(&r, 1, 0, "writer");
	t_fcreate(&r, 1, 1, 0, "a");
	t_fwrites(&r, 1, 1, 0, 20, 1);
	t_cpu(&r, 1, 36000000000ull);
	t_fcreate(&r, 1, 2, 0, "b");
	t_fwrites(&r, 1, 2, 0, 10, 100);
	run_go(&r);
	s = &r.s;
	file_states(s, 0, &dirty, &clean, &ondisk);
	ck_assert_uint_eq(clean, 20);
	ck_assert_uint_eq(s->pc.nr_dirty, 10);
	ck_assert_uint_eq(s->pc.fs[0].pages_written, 20);
	took = (unsigned)(s->mm.nr_free - s->mm.wmark_min);
	s->mm.in_reclaim = true;
	ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, took), 0);
	s->mm.in_reclaim = false;
	s->clk.now = 70000000000ull;
	zsim_fs_flush_dirty(s, &cpu);
	ck_assert_uint_eq(s->pc.nr_dirty, 0);
	ck_assert_uint_eq(s->pc.fs[0].pages_written, 30);
	ck_assert_uint_eq(s->pc.fs[0].lost_writes, 0);
	file_states(s, 0, &dirty, &clean, &ondisk);
	ck_assert_uint_gt(ondisk, 0);
	ck_assert_uint_eq(clean + ondisk, 20);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * A sleep takes time, not CPU.  One CPU; "napper" does 1 ms of CPU, sleeps
 * 5 ms, does 1 ms more; "worker" does 3 ms in 1 ms quanta.  While napper
 * sleeps the CPU is worker's: whichever starts first, worker's three quanta
 * and napper's first one fill [0, 4 ms), so worker ends at 4 ms; napper wakes
 * 5 ms after its first quantum ends (at 6 or 7 ms) and ends 1 ms later.
 */
START_TEST(test_sleep_takes_time_not_cpu)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"cpus\":1}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "napper");
	t_create(&r, 2, 0, "worker");
	t_cpu(&r, 1, 1000000);
	t_sleep(&r, 1, 5000000);
	t_cpu(&r, 1, 1000000);
	t_exit(&r, 1);
	t_cpu(&r, 2, 3000000);
	t_exit(&r, 2);
	run_go(&r);
	const struct zsim_proc *nap = &r.s.pr.procs[0], *wrk = &r.s.pr.procs[1];
	ck_assert_uint_eq(nap->cpu_ns, 2000000);
	ck_assert_uint_eq(nap->sleep_ns, 5000000);
	ck_assert_uint_eq(wrk->cpu_ns, 3000000);
	ck_assert_uint_eq(wrk->sleep_ns, 0);
	ck_assert_uint_eq(wrk->end_ns, 4000000);
	ck_assert_msg(nap->end_ns == 7000000 || nap->end_ns == 8000000, "napper ended at %llu",
		      (unsigned long long)nap->end_ns);
	run_free(&r);
}
END_TEST

static void t_wake(struct run *r, uint32_t pid, uint32_t target)
{
	struct zsim_event e = { .kind = ZSIM_EV_WAKE, .pid = pid, .target = target };
	ev(r, &e);
}

static void t_park(struct run *r, uint32_t pid)
{
	struct zsim_event e = { .kind = ZSIM_EV_PARK, .pid = pid };
	ev(r, &e);
}

/*
 * wake and park hand a turn over (FORMAT.md).  Four CPUs, so nothing waits for
 * a CPU.  "a" does 10 ms of CPU, wakes "b" and parks; "b", parked from the
 * start, then does 5 ms and wakes "a", which does 3 ms more:
 *   a [0, 10 ms), b [10, 15 ms), a [15, 18 ms): the turns follow each other
 *   although four CPUs could run both at once.
 *   b's events end at 15 ms, a's at 18 ms; parked time counts as sleep:
 *   b 10 ms (0 to 10), a 5 ms (10 to 15).
 */
START_TEST(test_wake_park_hand_over)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"cpus\":4}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "a");
	t_create(&r, 2, 0, "b");
	t_park(&r, 2);
	t_cpu(&r, 1, 10000000);
	t_wake(&r, 1, 2);
	t_park(&r, 1);
	t_cpu(&r, 2, 5000000);
	t_wake(&r, 2, 1);
	t_cpu(&r, 1, 3000000);
	run_go(&r);
	const struct zsim_proc *a = &r.s.pr.procs[0], *b = &r.s.pr.procs[1];
	ck_assert_uint_eq(a->cpu_ns, 13000000);
	ck_assert_uint_eq(b->cpu_ns, 5000000);
	ck_assert_uint_eq(b->end_ns, 15000000);
	ck_assert_uint_eq(a->end_ns, 18000000);
	ck_assert_uint_eq(b->sleep_ns, 10000000);
	ck_assert_uint_eq(a->sleep_ns, 5000000);
	ck_assert_uint_eq(r.s.clk.now, 18000000);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"deadlock\""), 0);
	run_free(&r);
}
END_TEST

/*
 * machine.cpu_bursts: two processes on one CPU, each one cpu event of 3 ms
 * ("a" created first, so it runs first).  "whole" (the default): a [0, 3 ms),
 * b [3, 6 ms): a ends at 3 ms, b at 6.  "sliced": the events are cut at each
 * 1 ms quantum and the turns alternate, a [0,1) b [1,2) a [2,3) b [3,4)
 * a [4,5) b [5,6): a ends at 5 ms, b at 6; each ran 3 ms either way.
 */
static void cpu_bursts_run(struct run *r, const char *mode)
{
	char json[256];
	snprintf(json, sizeof(json), "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"cpus\":1,\"cpu_bursts\":\"%s\"}}",
		 mode);
	run_init(r, json);
	trace_begin(r, NULL);
	t_create(r, 1, 0, "a");
	t_create(r, 2, 0, "b");
	t_cpu(r, 1, 3000000);
	t_cpu(r, 2, 3000000);
	run_go(r);
}

START_TEST(test_cpu_bursts_sliced)
{
	struct run r;
	cpu_bursts_run(&r, "whole");
	ck_assert_uint_eq(r.s.pr.procs[0].end_ns, 3000000);
	ck_assert_uint_eq(r.s.pr.procs[1].end_ns, 6000000);
	run_free(&r);
	cpu_bursts_run(&r, "sliced");
	const struct zsim_proc *a = &r.s.pr.procs[0], *b = &r.s.pr.procs[1];
	ck_assert_uint_eq(a->cpu_ns, 3000000);
	ck_assert_uint_eq(b->cpu_ns, 3000000);
	ck_assert_uint_eq(a->end_ns, 5000000);
	ck_assert_uint_eq(b->end_ns, 6000000);
	ck_assert_uint_eq(r.s.clk.now, 6000000);
	run_free(&r);
}
END_TEST

/*
 * Wakes are counted, and a park waits for the parker's own work.
 * 1. "a" wakes "b" at 0; "b" does 5 ms, parks (the wake kept from 0 lets it
 *    pass at once) and does 1 ms: b ends at 6 ms, no deadlock.
 * 2. "d" (created first, so it runs first at 0) does 0.9 ms and parks in the
 *    same quantum; "c" does 0.1 ms and wakes d at 0.1 ms: d goes on when its
 *    own 0.9 ms are done, not earlier, and ends at 0.9 + 1 = 1.9 ms, having
 *    slept 0.
 */
START_TEST(test_wake_counted_and_after_own_work)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"cpus\":4}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "a");
	t_create(&r, 2, 0, "b");
	t_wake(&r, 1, 2);
	t_cpu(&r, 2, 5000000);
	t_park(&r, 2);
	t_cpu(&r, 2, 1000000);
	run_go(&r);
	ck_assert_uint_eq(r.s.pr.procs[1].end_ns, 6000000);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"deadlock\""), 0);
	run_free(&r);

	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"cpus\":4}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "d");
	t_cpu(&r, 1, 900000);
	t_park(&r, 1);
	t_cpu(&r, 1, 1000000);
	t_create(&r, 2, 0, "c");
	t_cpu(&r, 2, 100000);
	t_wake(&r, 2, 1);
	run_go(&r);
	const struct zsim_proc *d = &r.s.pr.procs[0];
	ck_assert_uint_eq(d->end_ns, 1900000);
	ck_assert_uint_eq(d->sleep_ns, 0);
	run_free(&r);
}
END_TEST

/*
 * content_time: making a written page's bytes takes CPU, and the trace's cpu
 * events absorb it (a program's data comes from the work they stand for).
 * 16 MiB, minor_fault_time 1 us, access_time 0, content_time 20 us.  "a"
 * writes 10 fresh pages: 10 x (1 + 20) = 210 us, a debt of 200 us; a cpu
 * event of 150 us is absorbed whole (debt 50 us); one of 80 us takes the rest
 * of the debt and runs 30 us; one of 40 us runs whole; a read of a resident
 * page costs nothing (reads make no bytes).  CPU: 210 + 0 + 30 + 40 = 280 us.
 * Without content_time: 10 + 150 + 80 + 40 = 280 us as well - the same total
 * when the cpu events cover the bytes, as here; with a last write after them
 * (21 us more, 20 of it debt nothing absorbs) 301 us against 281.
 */
START_TEST(test_content_time_absorbed)
{
	for (int with = 0; with < 2; with++) {
		struct run r;
		run_init(&r, with ? "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
				    "\"mm\":{\"minor_fault_time\":\"1us\",\"content_time\":\"20us\"}}"
				  : "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},"
				    "\"mm\":{\"minor_fault_time\":\"1us\"}}");
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "a");
		t_writes(&r, 1, 0, 10, ZSIM_CONTENT_TEXT, 1);
		t_cpu(&r, 1, 150000);
		t_read(&r, 1, 3);
		t_cpu(&r, 1, 80000);
		t_cpu(&r, 1, 40000);
		t_writes(&r, 1, 10, 1, ZSIM_CONTENT_TEXT, 11);
		run_go(&r);
		ck_assert_uint_eq(r.s.pr.procs[0].cpu_ns, with ? 301000 : 281000);
		ck_assert_uint_eq(r.s.pr.procs[0].content_debt, with ? 20000 : 0);
		run_free(&r);
	}
}
END_TEST

/*
 * mm.major_fault_time: a swap-in fault costs its process that much beside its
 * device's work, and its latency includes it.  Exact cache mode, 16M (4096
 * frames), a swap device that costs nothing (nvram, no latency, no bandwidth
 * limit, no codec), reclaim free of charge, minor_fault_time 2 us: "app"
 * writes 4106 pages, the last 10 pushing its first 10 out, then reads page 0
 * back (pushing page 10 out) - one major fault.  With major_fault_time 3 us:
 * CPU 4106 x 2 + 3 = 8,215 us, the fault's latency 3 us; without (the
 * default, 0): 8,212 us and 0, the device being the rest.
 */
/* The machine of the tests below: kernel `kernel`, exact cache mode, 16M,
 * minor faults 2 us, accesses and reclaim free, major_fault_time 3 us when
 * `with`, and a free nvram device `d`, the swap device or a block
 * filesystem's (major_fault_run: 6.1). */
static void free_nvram_run(struct run *r, const char *kernel, bool with, bool swap)
{
	char json[768];
	snprintf(json, sizeof(json),
		 "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"policy\":\"lru\","
		 "\"watermarks\":false,\"page_cluster\":0,\"minor_fault_time\":\"2us\",\"access_time\":\"0ns\","
		 "\"reclaim_scan_time\":\"0ns\"%s},\"devices\":{\"d\":{\"type\":\"nvram\",\"size\":\"64M\","
		 "\"read_latency\":\"0ns\",\"write_latency\":\"0ns\",\"read_bw\":0,\"write_bw\":0}},%s}",
		 kernel, with ? ",\"major_fault_time\":\"3us\"" : "",
		 swap ? "\"swap\":[{\"device\":\"d\"}]" : "\"filesystems\":{\"disk\":{\"type\":\"block\",\"device\":\"d\"}}");
	run_init(r, json);
}

static void major_fault_run(struct run *r, bool with, bool swap)
{
	free_nvram_run(r, "6.1", with, swap);
}

START_TEST(test_major_fault_time)
{
	for (int with = 0; with < 2; with++) {
		struct run r;
		major_fault_run(&r, with, true);
		ck_assert_uint_eq(r.s.cfg.major_fault_ns, with ? 3000 : 0);
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "app");
		t_writes(&r, 1, 0, 4106, ZSIM_CONTENT_TEXT, 1);
		t_read(&r, 1, 0);
		run_go(&r);
		struct zsim_sim *s = &r.s;
		ck_assert_uint_eq(s->vm.pswpout, 11);
		ck_assert_uint_eq(s->vm.pgmajfault, 1);
		ck_assert_uint_eq(s->pr.procs[0].cpu_ns, 4106ull * 2000 + (with ? 3000 : 0));
		ck_assert_uint_eq(s->out.lat_swap[0].count, 1);
		ck_assert_uint_eq(s->out.lat_swap[0].sum, with ? 3000 : 0);
		ck_assert_uint_eq(s->out.fault_lat.sum, with ? 3000 : 0);
		run_free(&r);
	}
}
END_TEST

/*
 * A write to a page that a read fault brought back from a swap device and
 * that sits in the swap cache (mm.c anon_write, swap.c zsim_swap_out).  The
 * machine of free_nvram_run with kernel k: 16M (4096 frames), exact LRU, a
 * free nvram swap device (not synchronous: swapped-in pages keep their
 * slots), no readahead.  "app" writes pages 0..4105 (pages 0..9 to slots
 * 0..9), reads page 0 back (page 10 to slot 10; page 0 in the swap cache on
 * slot 0: 11 slots used) and writes it, seed 777.  6.1 reuses the page in
 * place: slot 0 stays, 11 used, the page dirty in the swap cache; 5.4's
 * reuse_swap_page freed slot 0: 10 used, the page out of the swap cache.
 * With `push`, "app" then writes 4096 new pages: pages 11..4105 and then
 * page 0 leave RAM, 4096 writes more either way (4107), 4106 slots used
 * either way; 6.1 writes page 0 again to slot 0, 5.4 to a new one.  Read
 * back (pushing page 4106 out: 4108 writes), page 0 has the content of its
 * second write.
 */
static void reuse_run(struct run *r, const char *k, bool push)
{
	free_nvram_run(r, k, false, true);
	trace_begin(r, NULL);
	t_create(r, 1, 0, "app");
	t_writes(r, 1, 0, 4106, ZSIM_CONTENT_TEXT, 1);
	t_read(r, 1, 0);
	t_writes(r, 1, 0, 1, ZSIM_CONTENT_TEXT, 777);
	if (push) {
		t_writes(r, 1, 4106, 4096, ZSIM_CONTENT_TEXT, 5000);
		t_read(r, 1, 0);
	}
	run_go(r);
}

START_TEST(test_swapcache_write_reuse)
{
	static const char *const ks[] = { "5.4", "6.1" };
	for (int i = 0; i < 2; i++) {
		bool keeps = i == 1;
		struct run r;
		reuse_run(&r, ks[i], false);
		struct zsim_sim *s = &r.s;
		ck_assert(s->cfg.kp->swap_reuse_keeps_cache == keeps);
		struct zsim_proc *p = &s->pr.procs[0];
		const struct zsim_frame *fr = &s->mm.frames[frame_of(p, 0)];
		ck_assert_uint_eq(s->vm.pswpout, 11);
		ck_assert_uint_eq(s->vm.pgmajfault, 1);
		ck_assert_uint_eq(s->sw.swap[0].used, keeps ? 11 : 10);
		ck_assert(!!(fr->mflags & ZSIM_MF_SWAPCACHE) == keeps);
		ck_assert(!!(fr->mflags & ZSIM_MF_DIRTY) == keeps);
		ck_assert_uint_eq(fr->seed, 777);
		if (keeps)
			ck_assert_uint_eq(fr->swap, 0);
		char msg[256];
		ck_assert_msg(zsim_mm_check(s, msg, sizeof(msg)) == 0, "%s", msg);
		run_free(&r);

		reuse_run(&r, ks[i], true);
		s = &r.s;
		p = &s->pr.procs[0];
		ck_assert_uint_eq(s->vm.pswpout, 4108);
		ck_assert_uint_eq(s->vm.pgmajfault, 2);
		ck_assert_uint_eq(s->sw.swap[0].swapouts, 4108);
		/* page 4106, pushed out by the read, took one more slot */
		ck_assert_uint_eq(s->sw.swap[0].used, 4107);
		/* page 0 came back from slot 0 (6.1) or from the slot after page
		 * 4105's (5.4: the next one free), with its second write's content */
		fr = &s->mm.frames[frame_of(p, 0)];
		ck_assert_uint_eq(fr->seed, 777);
		ck_assert(fr->mflags & ZSIM_MF_SWAPCACHE);
		ck_assert(!(fr->mflags & ZSIM_MF_DIRTY));
		ck_assert_uint_eq(fr->swap, keeps ? 0 : 4106);
		ck_assert_uint_eq(zsim_swp_slot(zsim_pte_swp(pte_of(p, 4106))), keeps ? 4106 : 4107);
		ck_assert_msg(zsim_mm_check(s, msg, sizeof(msg)) == 0, "%s", msg);
		run_free(&r);
	}
}
END_TEST

/*
 * zswap's writeback sink (swap.c) leaves a page in the swap cache alone, as
 * zswap_writeback_entry does (-EEXIST).  The machine above with zswap (6.1:
 * zbud, non-exclusive loads) and watermarks (the pool needs free frames):
 * "app" writes 4106 text pages, the first going to zswap in slots 0, 1, ...;
 * page 0 comes back by a read and stays in the swap cache on slot 0 with its
 * entry.  Asked to write slot 0 back, the sink refuses: no device write.
 * Slot 1 (page 1, only in zswap) it writes: one pswpout, the slot's copy on
 * the device now.
 */
START_TEST(test_zswap_sink_skips_swapcache)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"policy\":\"lru\","
		     "\"page_cluster\":0,\"access_time\":\"0ns\",\"reclaim_scan_time\":\"0ns\"},"
		     "\"devices\":{\"d\":{\"type\":\"nvram\",\"size\":\"64M\",\"read_latency\":\"0ns\","
		     "\"write_latency\":\"0ns\",\"read_bw\":0,\"write_bw\":0}},"
		     "\"swap\":[{\"device\":\"d\"}],\"zswap\":{\"enabled\":true,\"zpool\":\"zbud\"}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "app");
	t_writes(&r, 1, 0, 4106, ZSIM_CONTENT_TEXT, 1);
	t_read(&r, 1, 0);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_gt(tier_stat(s->sw.zswap, "zswpout"), 1);
	uint64_t out0 = s->vm.pswpout;
	ck_assert_uint_eq(tier_stat(s->sw.zswap, "zswpin"), 1);
	const struct zsim_frame *fr = &s->mm.frames[frame_of(p, 0)];
	ck_assert(fr->mflags & ZSIM_MF_SWAPCACHE);
	ck_assert_uint_eq(fr->swap, 0);
	const struct zsim_wb_sink *k = &s->sw.zswap_sink;
	uint64_t done = 0;
	ck_assert_int_eq(k->write(k->ctx, zsim_swp_entry(0, 0), s->clk.now, &done), ZSIM_EAGAIN);
	ck_assert_uint_eq(s->vm.pswpout, out0);
	ck_assert_uint_eq(s->sw.swap[0].slots[0].where, ZSIM_SLOT_ZSWAP);
	ck_assert_uint_eq(zsim_pte_swp(pte_of(p, 1)), zsim_swp_entry(0, 1));
	ck_assert_uint_eq(s->sw.swap[0].slots[1].where, ZSIM_SLOT_ZSWAP);
	ck_assert_int_eq(k->write(k->ctx, zsim_swp_entry(0, 1), s->clk.now, &done), 0);
	ck_assert_uint_eq(s->vm.pswpout, out0 + 1);
	ck_assert_uint_eq(s->sw.swap[0].slots[1].where, ZSIM_SLOT_DEVICE);
	run_free(&r);
}
END_TEST

/*
 * The same for a page read back from a block filesystem's device: 16M, a
 * free nvram disk as above, minor_fault_time 2 us, file_io_time 0.  "app"
 * writes 10 pages of a file (each a new page: 2 us), sleeps 10 s (the
 * flusher writes them back), writes 4090 anonymous pages (pushing the file's
 * first 4 clean pages out: no swap, anon stays), then reads the file's page
 * 0 back - one page read in, itself pushing the file's page 4 out.  With
 * major_fault_time 3 us the read costs 3 us more and its latency (`file`)
 * is 3 us; without, 0.
 */
static void t_fread(struct run *r, uint32_t pid, uint32_t file, uint64_t page);

START_TEST(test_major_fault_time_file)
{
	static const char *const fs[] = { "disk", NULL };
	uint64_t cpu[2];
	for (int with = 0; with < 2; with++) {
		struct run r;
		major_fault_run(&r, with, false);
		trace_begin(&r, fs);
		t_create(&r, 1, 0, "app");
		t_fcreate(&r, 1, 1, 0, "f");
		t_fwrites(&r, 1, 1, 0, 10, 1);
		t_sleep(&r, 1, 10000000000ull);
		t_writes(&r, 1, 0, 4090, ZSIM_CONTENT_TEXT, 100);
		t_fread(&r, 1, 1, 0);
		run_go(&r);
		struct zsim_sim *s = &r.s;
		ck_assert_uint_eq(s->vm.pgmajfault, 1);
		ck_assert_uint_eq(s->pc.fs[0].pages_read, 1);
		ck_assert_uint_eq(s->out.lat_file.count, 1);
		ck_assert_uint_eq(s->out.lat_file.sum, with ? 3000 : 0);
		cpu[with] = s->pr.procs[0].cpu_ns;
		run_free(&r);
	}
	ck_assert_uint_eq(cpu[1] - cpu[0], 3000);
}
END_TEST

/*
 * File events cost their process the system call: a creation file_create_time,
 * each read or write file_io_time on top of what the page costs as anonymous
 * memory would (a fault for a new page, an access for a resident one; a read
 * of a hole is a call too).  Worked by hand: 1 create, 4 new pages, a rewrite,
 * a read of a resident page and of a hole: 30 + 4 x (1 + 5) + 2 x (0.1 + 5) +
 * 5 = 69.2 us; without the file costs 4 x 1 + 2 x 0.1 = 4.2 us.
 */
static void t_fread(struct run *r, uint32_t pid, uint32_t file, uint64_t page)
{
	struct zsim_event e = { .kind = ZSIM_EV_FILE_READ, .pid = pid, .file = file, .page = page };
	ev(r, &e);
}

START_TEST(test_file_event_costs)
{
	static const char *const fs[] = { "tmp", NULL };
	for (int with = 0; with < 2; with++) {
		struct run r;
		run_init(&r, with ? "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\"},"
				    "\"mm\":{\"minor_fault_time\":\"1us\",\"access_time\":\"100ns\","
				    "\"file_create_time\":\"30us\",\"file_io_time\":\"5us\"},"
				    "\"filesystems\":{\"tmp\":{\"type\":\"tmpfs\"}}}"
				  : "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\"},"
				    "\"mm\":{\"minor_fault_time\":\"1us\",\"access_time\":\"100ns\"},"
				    "\"filesystems\":{\"tmp\":{\"type\":\"tmpfs\"}}}");
		ck_assert_uint_eq(r.s.cfg.file_create_ns, with ? 30000 : 0);
		ck_assert_uint_eq(r.s.cfg.file_io_ns, with ? 5000 : 0);
		trace_begin(&r, fs);
		t_create(&r, 1, 0, "tar");
		t_fcreate(&r, 1, 1, 0, "f");
		t_fwrites(&r, 1, 1, 0, 4, 1);
		t_fwrites(&r, 1, 1, 0, 1, 9);
		t_fread(&r, 1, 1, 1);
		t_fread(&r, 1, 1, 9);
		run_go(&r);
		ck_assert_uint_eq(r.s.pr.procs[0].cpu_ns, with ? 69200 : 4200);
		ck_assert_uint_eq(r.s.pc.fs[0].used_pages, 4);
		mm_ok(&r.s);
		run_free(&r);
	}
}
END_TEST

/*
 * A tmpfs page is allocated as a fault's page is: below the min watermark the
 * writer reclaims one round and its write event runs again once the round's
 * CPU has run (sim/fs.c new_page), counted and charged once.  6000 pages
 * written to a tmpfs on a 16 MiB machine swapping to a free device: the
 * writer went through direct reclaim, in rounds of at most 32 pages, and
 * its CPU less its reclaim is exactly 6000 x (1 us fault + 5 us call), with
 * every write counted once (a retried event charged twice would add 5 us
 * and a count per round).
 */
START_TEST(test_file_pages_reclaim_in_rounds)
{
	static const char *const fs[] = { "tmp", NULL };
	struct run r;
	run_init(&r, "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\"},"
		     "\"mm\":{\"minor_fault_time\":\"1us\",\"file_io_time\":\"5us\"},"
		     "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\",\"write_latency\":\"0ns\","
		     "\"write_bw\":0}},\"swap\":[{\"device\":\"sw\"}],"
		     "\"filesystems\":{\"tmp\":{\"type\":\"tmpfs\",\"size\":\"48M\"}}}");
	trace_begin(&r, fs);
	t_create(&r, 1, 0, "tar");
	t_fcreate(&r, 1, 1, 0, "f");
	t_fwrites(&r, 1, 1, 0, 6000, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_gt(s->vm.allocstall, 0);
	ck_assert_uint_le(s->vm.pgsteal_direct, 32 * s->vm.allocstall);
	ck_assert_uint_gt(p->stall_ns, 0);
	ck_assert_uint_eq(p->cpu_ns - p->stall_ns, 6000ull * 6000);
	ck_assert_uint_eq(s->vm.nr_accesses, 6000);
	ck_assert_uint_eq(s->pc.fs[0].used_pages, 6000);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * A process parked forever is a deadlock, reported, not a hang.
 */
START_TEST(test_park_forever_is_a_deadlock)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"cpus\":4}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "a");
	t_cpu(&r, 1, 1000000);
	t_park(&r, 1);
	t_cpu(&r, 1, 1000000);
	run_go(&r);
	ck_assert_uint_eq(r.s.pr.procs[0].cpu_ns, 1000000);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"deadlock\""), 1);
	run_free(&r);
}
END_TEST

/*
 * A killed process still passes the turn on.  No swap, 16 MiB (min 128).
 * "big" writes 2500 pages, wakes "fg" and parks; "fg" (parked until then)
 * writes 2000 pages: the RAM runs out and the OOM killer takes big (2500
 * pages against fg's ~1400).  fg then wakes big and parks; big's next turn
 * (100 pages, 7 ms) vanishes, but its wake of fg at the end of that turn
 * still comes: fg does its last 1 ms instead of waiting forever.
 */
START_TEST(test_killed_process_passes_the_turn)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"cpus\":4}}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "big");
	t_writes(&r, 1, 0, 2500, ZSIM_CONTENT_TEXT, 1);
	t_create(&r, 2, 0, "fg");
	t_park(&r, 2);
	t_wake(&r, 1, 2);
	t_park(&r, 1);
	t_writes(&r, 2, 0, 2000, ZSIM_CONTENT_TEXT, 10000);
	t_wake(&r, 2, 1);
	t_park(&r, 2);
	t_writes(&r, 1, 2500, 100, ZSIM_CONTENT_TEXT, 20000);
	t_cpu(&r, 1, 7000000);
	t_wake(&r, 1, 2);
	t_cpu(&r, 2, 1000000);
	run_go(&r);
	const struct zsim_proc *big = &r.s.pr.procs[0], *fg = &r.s.pr.procs[1];
	ck_assert_uint_eq(r.s.vm.oom_kill, 1);
	ck_assert(big->killed && !fg->killed);
	ck_assert_uint_eq(count_str(r.ev_text, "\"type\":\"deadlock\""), 0);
	ck_assert_uint_ge(fg->cpu_ns, 1000000);
	ck_assert_uint_lt(big->cpu_ns, 7000000);
	ck_assert_uint_eq(fg->rss_anon, 2000);
	run_free(&r);
}
END_TEST

/* ---- 7. swap cache: nvram keeps the slot, zram frees it ------------------------------- */

/*
 * Exact LRU, no watermarks, 16 MiB.  One process writes 4106 zero pages (zero
 * pages are same-filled: zram stores them without pool memory, so stores never
 * need a frame): the last 10 writes each evict the LRU tail, vpages 0..9, to
 * slots 0..9 (pswpout 10).  It unmaps vpages 4000..4105 (106 frames free) and
 * reads vpage 0: one major fault, a swap-in from slot 0, no eviction.
 *  - nvram 64 MiB (16384 slots): not synchronous and swap is not half full
 *    (free 16374 x 2 >= 16384): the page stays in the swap cache, slot kept:
 *    used 10, the frame marked SWAPCACHE, the slot pointing at it.
 *  - nvram of 16 slots: free 6 x 2 = 12 < 16 (vm_swap_full): slot freed, used 9.
 *  - zram 64 MiB: synchronous: slot freed, used 9 (same_pages 10 -> 9,
 *    notify_free 1).  With the 3.12 profile zram is not synchronous yet
 *    (SWP_SYNCHRONOUS_IO came in 4.15): it behaves as nvram 64 MiB does.
 * With `drop`: the process then unmaps vpages 10..3999 (free 4095), writes
 * 4095 new pages (free 0) and one more, which evicts the LRU tail: vpage 0.
 *  - nvram 64 MiB: its swap copy is current: dropped without a write, slot 0
 *    kept: pswpout stays 10, used 10, pte = SWAPPED | slot 0.
 *  - the others have no copy: written again (pswpout 11) to the next slot
 *    after the last one allocated (next fit: slot 0, freed, is not reused at
 *    once), 10: used 10, pte = SWAPPED | slot 10.
 */
struct cache_case {
	const char *name, *dev;
	bool drop;
	uint64_t used, pswpout;
	bool cached;
	const char *kernel;   /* NULL: 6.18 */
};

/* The swap tests' machine: exact LRU, no watermarks, 16 MiB, no readahead,
 * one swap device `dev` (its JSON); the trace begun, process 1 ("app")
 * created. */
static void exact_swap_begin(struct run *r, const char *kernel, const char *dev)
{
	char json[512];
	snprintf(json, sizeof(json),
		 "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"policy\":\"lru\",\"watermarks\":false,"
		 "\"page_cluster\":0},\"devices\":{\"sw\":%s},\"swap\":[{\"device\":\"sw\"}]}", kernel, dev);
	run_init(r, json);
	trace_begin(r, NULL);
	t_create(r, 1, 0, "app");
}

static void run_cache(const struct cache_case *c)
{
	/* pages that zram keeps without pool memory: zero-filled, but from 6.12
	 * those never reach a swap device (the zeromap), so a same-filled pattern */
	const struct zsim_kprofile *kp = zsim_kprofile_find(c->kernel ? c->kernel : "6.18");
	const enum zsim_content_class cls = kp->swap_zeromap ? ZSIM_CONTENT_SAME : ZSIM_CONTENT_ZERO;
	struct run r;
	exact_swap_begin(&r, c->kernel ? c->kernel : "6.18", c->dev);
	t_writes(&r, 1, 0, 4106, cls, 1);
	t_unmap(&r, 1, 4000, 106);
	t_read(&r, 1, 0);
	if (c->drop) {
		t_unmap(&r, 1, 10, 3990);
		t_writes(&r, 1, 5000, 4096, cls, 10000);
	}
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_msg(s->vm.pswpout == c->pswpout, "%s: pswpout %llu", c->name, (unsigned long long)s->vm.pswpout);
	ck_assert_uint_eq(s->vm.pswpin, 1);
	ck_assert_uint_eq(s->vm.pgmajfault, 1);
	ck_assert_msg(s->sw.swap[0].used == c->used, "%s: used %llu", c->name, (unsigned long long)s->sw.swap[0].used);
	if (!c->drop) {
		ck_assert_uint_eq(s->mm.nr_free, 105);
		ck_assert_uint_eq(p->rss_anon, 3991);
		ck_assert_uint_eq(p->swapents, 9);
		uint32_t f = frame_of(p, 0);
		bool cached = s->mm.frames[f].mflags & ZSIM_MF_SWAPCACHE;
		ck_assert_msg(cached == c->cached, "%s: swap cache %d", c->name, cached);
		struct zsim_swap_slot *sl = zsim_swap_slot_of(s, 0);
		if (c->cached) {
			ck_assert_uint_eq(zsim_slot_frame(sl), f);
			ck_assert_uint_eq(s->mm.frames[f].swap, 0);
		} else {
			ck_assert_uint_eq(zsim_slot_frame(sl), ZSIM_FRAME_NONE);
			ck_assert_uint_eq(sl->flags & ZSIM_SLOT_USED, 0);   /* free */
		}
	} else {
		ck_assert_uint_eq(s->mm.nr_free, 0);
		ck_assert_uint_eq(p->rss_anon, 4096);
		ck_assert_uint_eq(p->swapents, 10);
		uint64_t slot = c->pswpout == 11 ? 10 : 0;   /* written again: the next slot */
		ck_assert(pte_of(p, 0) & ZSIM_PTE_SWAPPED);
		ck_assert_uint_eq(zsim_pte_swp(pte_of(p, 0)), slot);   /* device 0 */
		ck_assert_uint_eq(zsim_slot_frame(zsim_swap_slot_of(s, slot)), ZSIM_FRAME_NONE);
		ck_assert_uint_eq(zsim_swap_slot_of(s, slot)->flags & ZSIM_SLOT_USED, ZSIM_SLOT_USED);
	}
	if (s->sw.swap[0].sync) {
		ck_assert_uint_eq(tier_stat(s->sw.swap[0].tier, "same_pages"), c->used);
		ck_assert_uint_eq(tier_stat(s->sw.swap[0].tier, "mem_used_total"), 0);
		ck_assert_uint_eq(tier_stat(s->sw.swap[0].tier, "notify_free"), 1);
	}
	run_free(&r);
}

/*
 * The zeromap (6.12+): the setup of test_swap_cache with zero-filled pages on a
 * 64 MiB nvram.  On 6.18 the 10 pages reclaim evicts are recorded in the
 * zeromap and written nowhere (pswpout 0, swpout_zero 10, the device's
 * pages_written 0); the read of vpage 0 is a major fault served without I/O
 * (pswpin 0, swpin_zero 1).  On 6.6 (no zeromap) the same pages are written
 * (pswpout 10, pages_written 10) and read (pswpin 1).
 */
static void run_zeromap(const char *kernel, bool zeromap)
{
	struct run r;
	exact_swap_begin(&r, kernel, "{\"type\":\"nvram\",\"size\":\"64M\"}");
	t_writes(&r, 1, 0, 4106, ZSIM_CONTENT_ZERO, 1);
	t_unmap(&r, 1, 4000, 106);
	t_read(&r, 1, 0);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	ck_assert_uint_eq(s->vm.pgmajfault, 1);
	ck_assert_uint_eq(s->sw.swap[0].used, 10);
	ck_assert_uint_eq(s->vm.pswpout, zeromap ? 0 : 10);
	ck_assert_uint_eq(s->vm.pswpin, zeromap ? 0 : 1);
	ck_assert_uint_eq(s->sw.zero_swapouts, zeromap ? 10 : 0);
	ck_assert_uint_eq(s->sw.zero_swapins, zeromap ? 1 : 0);
	ck_assert_uint_eq(tier_stat(s->sw.swap[0].tier, "pages_written"), zeromap ? 0 : 10);
	run_free(&r);
}

START_TEST(test_swap_zeromap)
{
	run_zeromap("6.18", true);
	run_zeromap("6.6", false);
}
END_TEST

START_TEST(test_swap_cache)
{
	static const struct cache_case cases[] = {
		{ "nvram", "{\"type\":\"nvram\",\"size\":\"64M\"}", false, 10, 10, true, NULL },
		{ "nvram, half full", "{\"type\":\"nvram\",\"size\":65536}", false, 9, 10, false, NULL },
		{ "zram", "{\"type\":\"zram\",\"size\":\"64M\"}", false, 9, 10, false, NULL },
		{ "ssd", "{\"type\":\"ssd\",\"size\":\"64M\"}", false, 10, 10, true, NULL },
		{ "nvram, drop", "{\"type\":\"nvram\",\"size\":\"64M\"}", true, 10, 10, false, NULL },
		{ "nvram half full, drop", "{\"type\":\"nvram\",\"size\":65536}", true, 10, 11, false, NULL },
		{ "zram, drop", "{\"type\":\"zram\",\"size\":\"64M\"}", true, 10, 11, false, NULL },
		/* before 4.15 zram was not synchronous: swap cache as on nvram */
		{ "zram 3.12", "{\"type\":\"zram\",\"size\":\"64M\"}", false, 10, 10, true, "3.12" },
		{ "zram 3.12, drop", "{\"type\":\"zram\",\"size\":\"64M\"}", true, 10, 10, false, "3.12" },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(cases); i++)
		run_cache(&cases[i]);
}
END_TEST


/*
 * A slot keeps a seed as its low half and an index into a table of 255 high
 * halves, the rest in the area's wide_hi (swap.c).  Exact LRU, 16 MiB (4096
 * frames), a 64 MiB nvram: 4796 pages written, page i with seed
 * (i + 1) << 32 | 7i - 4796 distinct high halves - so that pages 0..699 at
 * least go to swap, 255 of them with high halves in the table and the rest in
 * wide_hi.  Pages 0..299 are read back (300 major faults): each frame holds
 * its page's seed again, both kinds among them.
 */
START_TEST(test_swap_slot_seeds_many_high_halves)
{
	struct run r;
	exact_swap_begin(&r, "6.1", "{\"type\":\"nvram\",\"size\":\"64M\"}");
	for (uint64_t i = 0; i < 4796; i++) {
		struct zsim_event e = { .kind = ZSIM_EV_ACCESS, .pid = 1, .page = i, .write = 1,
					.content = { .cls = ZSIM_CONTENT_TEXT, .seed = (i + 1) << 32 | (7 * i) } };
		ev(&r, &e);
	}
	for (uint64_t i = 0; i < 300; i++)
		t_read(&r, 1, i);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_ge(s->vm.pswpout, 700);
	ck_assert_uint_eq(s->vm.pgmajfault, 300);
	ck_assert_uint_eq(s->sw.nr_hi, ZSIM_SLOT_HI_WIDE);   /* the table filled up */
	ck_assert_ptr_nonnull(s->sw.swap[0].wide_hi);        /* and the rest went wide */
	for (uint64_t i = 0; i < 300; i++) {
		uint32_t f = frame_of(p, i);
		ck_assert_uint_ne(f, ZSIM_FRAME_NONE);
		ck_assert_msg(s->mm.frames[f].seed == ((i + 1) << 32 | (7 * i)), "page %llu: seed %llx",
			      (unsigned long long)i, (unsigned long long)s->mm.frames[f].seed);
	}
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * Slot choice on a rotational swap area (swap.c slot_pick).  Exact LRU, no
 * watermarks, 16 MiB (4096 frames), a 64 MiB nvram the kernel sees as
 * rotational.  One process writes 5120 pages: the last 1024 writes evict
 * vpages 0..1023, to slots 0..1023 under either rule.  It unmaps vpages
 * 0..511 (slots 0..511 free again) and writes 512 more pages, which evict
 * vpages 1024..1535.
 *  - 6.1 (scan_swap_map_slots, SWAPFILE_CLUSTER 512): the first slot starts
 *    a run at the first wholly free stretch of 512 (slot 0), the 513th a new
 *    one (512..1023, the next free stretch then); the 1025th starts a third,
 *    and the first free stretch is now 0..511: vpage 1024 goes to slot 0,
 *    vpage 1535 to slot 511.
 *  - 6.18 (clusters on every device; next fit here): on from slot 1024.
 * Either way 1024 slots are in use and pswpout is 1536.
 */
static void run_hdd_slots(const char *kernel, uint64_t first_slot)
{
	struct run r;
	exact_swap_begin(&r, kernel, "{\"type\":\"nvram\",\"size\":\"64M\",\"rotational\":true}");
	t_writes(&r, 1, 0, 5120, ZSIM_CONTENT_TEXT, 1);
	t_unmap(&r, 1, 0, 512);
	t_writes(&r, 1, 6000, 512, ZSIM_CONTENT_TEXT, 10000);
	run_go(&r);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_eq(s->vm.pswpout, 1536);
	ck_assert_uint_eq(s->sw.swap[0].used, 1024);
	ck_assert(s->sw.swap[0].rotational);
	ck_assert_uint_eq(zsim_pte_swp(pte_of(p, 512)), 512);
	ck_assert_uint_eq(zsim_pte_swp(pte_of(p, 1023)), 1023);
	ck_assert_msg(zsim_pte_swp(pte_of(p, 1024)) == first_slot, "%s: vpage 1024 in slot %llu", kernel,
		      (unsigned long long)zsim_pte_swp(pte_of(p, 1024)));
	ck_assert_uint_eq(zsim_pte_swp(pte_of(p, 1535)), first_slot + 511);
	run_free(&r);
}

START_TEST(test_swap_slots_rotational)
{
	run_hdd_slots("6.1", 0);
	run_hdd_slots("6.18", 1024);
}
END_TEST

/*
 * Swappiness 0 in global reclaim: once a bug here (every reclaim was file-only,
 * so with no page cache left the model never swapped and OOM-killed with swap
 * entirely free; MM_BUG_SWAPPINESS0=1 asserts that old behaviour).  The kernel makes swappiness 0
 * file-only only for cgroup reclaim; global reclaim "will swap to prevent OOM
 * even with no swappiness" (get_scan_count, 3.12 through 6.18: the
 * `cgroup_reclaim(sc) && !swappiness` / `!global_reclaim(sc) && !swappiness`
 * test), and with file + free <= high it scans anon only (SCAN_ANON).
 *
 * 16 MiB, 6.18, swappiness 0, nvram swap of 64 MiB, no filesystem.  One process
 * writes 5000 pages.  The kernel would swap out at least 5000 - 3968 = 1032
 * pages and finish.  The model: allocations succeed down to min (4096 - 128 =
 * 3968 pages), then reclaim frees nothing; reclaimable = 0 file + 3968 anon
 * (swap has room), free + 3968 - 3968 x n/16 > 128 holds up to n = 15 (128 +
 * 248) and fails at n = 16: 16 direct-reclaim rounds, then the OOM kill with
 * every one of the 16384 slots free.
 *
 * MM_BUG_SWAPPINESS0 = 1 pins the simulator as it is (the suite stays green
 * and this test fails once the bug is fixed); set it to 0 to assert the
 * kernel's behaviour.
 */
#ifndef MM_BUG_SWAPPINESS0
#define MM_BUG_SWAPPINESS0 0
#endif
START_TEST(test_swappiness0_global_reclaim_swaps)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"swappiness\":0},"
		     "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\"}},\"swap\":[{\"device\":\"sw\"}]}");
	trace_begin(&r, NULL);
	t_create(&r, 1, 0, "app");
	t_writes(&r, 1, 0, 5000, ZSIM_CONTENT_TEXT, 1);
	t_exit(&r, 1);
	run_go(&r);
	struct zsim_sim *s = &r.s;
#if MM_BUG_SWAPPINESS0
	ck_assert_uint_eq(s->vm.oom_kill, 1);
	ck_assert_uint_eq(s->vm.pswpout, 0);
	ck_assert_uint_eq(s->vm.allocstall, 16);
	ck_assert(s->pr.procs[0].killed);
	ck_assert_msg(strstr(r.ev_text, "\"victim\":\"app\",\"group\":0,\"pid\":1,\"badness\":3975,"
				       "\"rss_anon_pages\":3968,") != NULL, "%s", r.ev_text);
	ck_assert_msg(strstr(r.ev_text, "\"swap_free_pages\":16384,") != NULL, "%s", r.ev_text);
#else
	ck_assert_uint_eq(s->vm.oom_kill, 0);
	ck_assert_uint_ge(s->vm.pswpout, 1032);
	ck_assert(!s->pr.procs[0].killed && s->pr.procs[0].exited);
#endif
	run_free(&r);
}
END_TEST

/*
 * Swap-in readahead on a non-synchronous device, page_cluster 3 (windows of at
 * most 8), adapted as __swapin_nr_pages adapts it.  Exact LRU, no watermarks,
 * 16 MiB = 4096 frames, nvram swap.  "app" writes 4112 pages: the first 16
 * written (vpages 0..15) are evicted, in that order, to slots 0..15.  It
 * unmaps vpages 4000..4099 (100 frames free), then reads vpages 0..8.
 *
 * Every readahead state starts with 4 hits (the kernel's swapin_readahead_hits
 * and a VMA's swap_readahead_info, read as 4 while 0): the first window is
 * 4 + 2 = 6 pages, rounded up to 8.
 * 3.12, cluster readahead (windows of slots, aligned, state global):
 *   v0: 4 hits -> 8 pages, slots 0..7: major, 1..7 read ahead (the previous
 *       offset moves only on faults without hits: it stays 0).
 *   v1..v7: in the swap cache: minor, 7 hits.
 *   v8: 7 hits: 9 -> 16, at most 8: slots 8..15: major, 9..15 read ahead.
 *   Majors 2, readahead pages 7 + 7 = 14, hits 7, pswpin 2 + 14 = 16.
 * 6.18, VMA readahead (windows of virtual pages: ahead of a forward run,
 * centred otherwise):
 *   v0: 4 hits -> 8, centred (3 behind, cut at v0): v0..v7: major, v1..v7 read.
 *   v1..v7: minor, 7 hits.
 *   v8: 7 hits -> 8, previous offset still 0, so centred: v5..v12, of which
 *       v9..v12 are in swap: major, 4 read ahead.
 *   Majors 2, readahead pages 7 + 4 = 11, hits 7, pswpin 2 + 11 = 13.
 * With page_cluster 0 the window is always 1: 9 major faults.
 * 6.18 with the swap area on a device the kernel sees as rotational (the
 * nvram with "rotational": true, or an hdd, rotational by default):
 * swap_use_vma_readahead is false while nr_rotate_swap > 0 (mm/swap_state.c,
 * 4.15 through 6.18), so cluster readahead: the 3.12 walk, 2 / 14 / 7 / 16.
 * An hdd told "rotational": false is back to VMA readahead: 2 / 11 / 7 / 13.
 * A dm-cache is rotational when one of its devices is (dm_table_set_restrictions
 * sets NONROT only if all are): over an hdd origin the cluster walk, over an
 * ssd the VMA walk (the swap slots are the dm-cache's; which device serves
 * them does not change the counts).
 */
START_TEST(test_swap_readahead)
{
	static const struct {
		const char *kernel;
		int pc;
		const char *dev;   /* the swap device's type and keys */
		uint64_t major, ra_pages, ra_hits, pswpin;
	} cases[] = {
		{ "3.12", 3, "\"type\":\"nvram\"", 2, 14, 7, 16 },
		{ "6.18", 3, "\"type\":\"nvram\"", 2, 11, 7, 13 },
		{ "6.18", 0, "\"type\":\"nvram\"", 9, 0, 0, 9 },
		/* a rotational area turns VMA readahead off: the 3.12 walk */
		{ "6.18", 3, "\"type\":\"nvram\",\"rotational\":true", 2, 14, 7, 16 },
		{ "6.18", 3, "\"type\":\"hdd\"", 2, 14, 7, 16 },
		{ "6.18", 3, "\"type\":\"hdd\",\"rotational\":false", 2, 11, 7, 13 },
		/* a dm-cache is rotational when a device below it is (its origin
		 * here; the last device takes the template's size) */
		{ "6.18", 3, "\"type\":\"dmcache\",\"size\":\"64M\",\"cache_dev\":\"c\",\"origin_dev\":\"o\"},"
			     "\"c\":{\"type\":\"nvram\",\"size\":\"16M\"},\"o\":{\"type\":\"hdd\"", 2, 14, 7, 16 },
		{ "6.18", 3, "\"type\":\"dmcache\",\"size\":\"64M\",\"cache_dev\":\"c\",\"origin_dev\":\"o\"},"
			     "\"c\":{\"type\":\"nvram\",\"size\":\"16M\"},\"o\":{\"type\":\"ssd\"", 2, 11, 7, 13 },
	};
	for (size_t k = 0; k < ZSIM_ARRAY_SIZE(cases); k++) {
		char json[700];
		snprintf(json, sizeof(json),
			 "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"policy\":\"lru\","
			 "\"watermarks\":false,\"page_cluster\":%d},\"devices\":{\"sw\":{%s,"
			 "\"size\":\"64M\"}},\"swap\":[{\"device\":\"sw\"}]}", cases[k].kernel, cases[k].pc,
			 cases[k].dev);
		struct run r;
		run_init(&r, json);
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "app");
		t_writes(&r, 1, 0, 4112, ZSIM_CONTENT_TEXT, 1);
		t_unmap(&r, 1, 4000, 100);
		for (uint64_t v = 0; v <= 8; v++)
			t_read(&r, 1, v);
		run_go(&r);
		struct zsim_sim *s = &r.s;
		ck_assert_uint_eq(s->vm.pswpout, 16);
		ck_assert_msg(s->vm.pgmajfault == cases[k].major, "%s pc %d %s: majors %llu", cases[k].kernel,
			      cases[k].pc, cases[k].dev, (unsigned long long)s->vm.pgmajfault);
		ck_assert_uint_eq(s->sw.swap[0].readahead_pages, cases[k].ra_pages);
		ck_assert_uint_eq(s->sw.swap[0].readahead_hits, cases[k].ra_hits);
		ck_assert_uint_eq(s->vm.pswpin, cases[k].pswpin);
		run_free(&r);
	}
}
END_TEST


/*
 * Refault detection (sim/workingset.c; mm/workingset.c), its arithmetic by
 * hand on lists set up directly.  6.1, lru2, 16 MiB (4096 frames: bucket
 * order 0, shadows keep the clock's reading whole), a 64 MiB nvram for swap
 * (room in it).  Pages taken and put on the lists: 10 file pages, 3 of them
 * activated; 5 anon, 2 activated.
 *   An anon refault's workingset: active file 3 + inactive file 7 + active
 *   anon 2 (swap has room) = 12.  A page evicted at clock 1 (its shadow),
 *   then 12 more evictions (clock 13): distance 12 <= 12, activated; the
 *   activation ticks the clock (14), active anon is now 3.
 *   Evicted at 15, then 14 more (29): distance 14 > 3 + 7 + 3 = 13: stays
 *   inactive, the clock does not tick.
 *   A file refault's workingset: active file 3 + all anon (3 + 4, swap has
 *   room) = 10.  Evicted at 30, 10 more (40): distance 10, activated (41).
 *   An entry without a shadow (never evicted) is no refault at all.
 * 5.4 (file detection only, workingset = active file): an anon eviction does
 * not tick the clock and leaves no shadow.  A file page evicted at 1, then 3
 * more (4): distance 3 <= active file 3, activated (5).  Evicted at 6, 4
 * more: 4 <= active file 4 (the page just activated counts), activated (11).
 * Evicted at 12, 6 more: 6 > 5, stays inactive.
 * 3.12: no detection, no clock.
 */
static uint32_t ws_page(struct zsim_sim *s, enum zsim_frame_kind kind, bool active)
{
	uint32_t f = zsim_mm_alloc_frame(s, NULL);
	ck_assert_uint_ne(f, ZSIM_FRAME_NONE);
	s->mm.frames[f].kind = kind;
	s->mm.frames[f].owner = 0;
	zsim_mm_lru_add(s, f);
	if (active)
		s->mm.policy->activate(s->mm.policy_priv, f);
	return f;
}

static bool ws_active(struct zsim_sim *s, uint32_t f)
{
	return s->mm.frames[f].pflags & ZSIM_PG_ACTIVE;
}

static void ws_ticks(struct zsim_sim *s, enum zsim_frame_kind kind, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		(void)zsim_ws_evict(s, kind);
}

/* A file page evicted, `ticks` more evictions, then read back: activated? */
static bool ws_file_refault(struct zsim_sim *s, unsigned ticks)
{
	uint64_t e = ZSIM_FPE_ONDISK | zsim_ws_evict(s, ZSIM_FK_FILE);
	ws_ticks(s, ZSIM_FK_FILE, ticks);
	uint32_t f = ws_page(s, ZSIM_FK_FILE, false);
	zsim_ws_refault(s, f, e);
	return ws_active(s, f);
}

START_TEST(test_workingset)
{
	static const char *const fmt = "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"},"
		"\"mm\":{\"policy\":\"lru2\",\"watermarks\":false},"
		"\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\"}},\"swap\":[{\"device\":\"sw\"}]}";
	char json[300];
	struct run r;
	snprintf(json, sizeof(json), fmt, "6.1");
	run_init(&r, json);
	struct zsim_sim *s = &r.s;
	ck_assert_uint_eq(s->mm.nr_frames, 4096);
	ck_assert_uint_eq(s->mm.ws_bucket_order, 0);
	for (int i = 0; i < 10; i++)
		(void)ws_page(s, ZSIM_FK_FILE, i < 3);
	for (int i = 0; i < 5; i++)
		(void)ws_page(s, ZSIM_FK_ANON, i < 2);
	uint64_t e = zsim_swp_pte(zsim_swp_entry(0, 7), zsim_ws_evict(s, ZSIM_FK_ANON));
	ck_assert_uint_eq(s->mm.ws_age, 1);
	ck_assert_uint_eq(zsim_pte_swp(e), 7);   /* the entry is intact under the shadow */
	ws_ticks(s, ZSIM_FK_FILE, 12);
	uint32_t f = ws_page(s, ZSIM_FK_ANON, false);
	zsim_ws_refault(s, f, e);
	ck_assert(ws_active(s, f));
	ck_assert_uint_eq(s->mm.ws_age, 14);
	ck_assert_uint_eq(s->vm.ws_refault[0], 1);
	ck_assert_uint_eq(s->vm.ws_activate[0], 1);
	e = zsim_swp_pte(zsim_swp_entry(0, 8), zsim_ws_evict(s, ZSIM_FK_ANON));
	ws_ticks(s, ZSIM_FK_ANON, 14);
	f = ws_page(s, ZSIM_FK_ANON, false);
	zsim_ws_refault(s, f, e);
	ck_assert(!ws_active(s, f));
	ck_assert_uint_eq(s->mm.ws_age, 29);
	ck_assert_uint_eq(s->vm.ws_refault[0], 2);
	ck_assert_uint_eq(s->vm.ws_activate[0], 1);
	e = ZSIM_FPE_ONDISK | zsim_ws_evict(s, ZSIM_FK_FILE) | 123;
	ck_assert_uint_eq(ZSIM_FPE_BLOCK(e), 123);
	ws_ticks(s, ZSIM_FK_ANON, 10);
	f = ws_page(s, ZSIM_FK_FILE, false);
	zsim_ws_refault(s, f, e);
	ck_assert(ws_active(s, f));
	ck_assert_uint_eq(s->mm.ws_age, 41);
	ck_assert_uint_eq(s->vm.ws_activate[1], 1);
	f = ws_page(s, ZSIM_FK_FILE, false);
	zsim_ws_refault(s, f, ZSIM_FPE_ONDISK | 124);   /* read for the first time */
	ck_assert(!ws_active(s, f));
	ck_assert_uint_eq(s->vm.ws_refault[1], 1);
	run_free(&r);

	snprintf(json, sizeof(json), fmt, "5.4");
	run_init(&r, json);
	s = &r.s;
	for (int i = 0; i < 10; i++)
		(void)ws_page(s, ZSIM_FK_FILE, i < 3);
	ck_assert_uint_eq(zsim_ws_evict(s, ZSIM_FK_ANON), 0);
	ck_assert_uint_eq(s->mm.ws_age, 0);
	ck_assert(ws_file_refault(s, 3));
	ck_assert_uint_eq(s->mm.ws_age, 5);
	ck_assert(ws_file_refault(s, 4));
	ck_assert(!ws_file_refault(s, 6));   /* active file is 5 now: 6 > 5 */
	ck_assert_uint_eq(s->vm.ws_refault[1], 3);
	ck_assert_uint_eq(s->vm.ws_activate[1], 2);
	run_free(&r);

	snprintf(json, sizeof(json), fmt, "3.12");
	run_init(&r, json);
	s = &r.s;
	ck_assert_uint_eq(zsim_ws_evict(s, ZSIM_FK_FILE), 0);
	ck_assert_uint_eq(zsim_ws_evict(s, ZSIM_FK_ANON), 0);
	ck_assert_uint_eq(s->mm.ws_age, 0);
	run_free(&r);

	/* 4 GiB: 2^20 frames, 21 bits; 8 x RAM needs 24, shadows keep 18: order 6 */
	run_init(&r, "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"4G\"}}");
	ck_assert_uint_eq(r.s.mm.ws_bucket_order, 6);
	run_free(&r);
}
END_TEST

/*
 * Readahead and zswap (6.1: mm/memory.c do_swap_page -> swapin_readahead ->
 * swap_vma_readahead, each page read by swap_readpage, which asks
 * frontswap_load first: a zswap hit counts zswpin and no pswpin, and zswap
 * keeps its copy).  16 MiB, exact LRU with watermarks (min 128, low 160,
 * high 192), page_cluster 3, zswap (6.1: lzo, zbud) in front of a 64 MiB
 * nvram (not rotational: VMA readahead).  "app" writes 4112 pages, text on
 * even vpages and random bytes on odd ones; the oldest (vpages 0, 1, 2 ...)
 * are evicted first: text into zswap, random pages to the device (lzo's
 * output overflows the page: a compression error in 6.1, rejected).  It
 * unmaps 4000..4099 (free stays above min, so readahead may allocate) and
 * reads vpages 0..8.  The window, as in test_swap_readahead's 6.18 walk:
 *   v0 (zswap): 4 hits -> 8, v0..v7: v2, v4, v6 (zswap) and v1, v3, v5, v7
 *       (device) read ahead: major, its own page from zswap, the window's 4
 *       device reads submitted without waiting (pswpin 4), zswpin 1 + 3.
 *   v1..v7: minor, 7 hits.
 *   v8 (zswap): 7 hits -> 8, centred v5..v12: v10, v12 (zswap) and v9, v11
 *       (device) read ahead: major, from zswap, pswpin 2, zswpin 1 + 2.
 *   Majors 2, readahead pages 11, hits 7, pswpin 4 + 2 = 6, faults served
 *   by zswap 2 (v0, v8), by the device 0, zswpin 4 + 3 = 7.
 * (Before, a zswap hit read no window and readahead skipped zswap's pages.)
 * 6.18: loads are exclusive, so readahead leaves zswap's entries alone, and
 * random pages are stored raw (zswap holds all 9): every read is a major
 * fault from zswap: majors 9, readahead 0, pswpin 0, zswpin 9.  (Without
 * watermark boosting: the entries' slab pages fall back from the movable
 * lists, and a boost has kswapd reclaim a pageblock more, which the raw
 * pages' growth turns into a full pool and v0.. written back.)
 */
/*
 * The clock and reclaim's activations (move_pages_to_lru, 5.8+).  On a
 * 16 MiB machine (4096 frames: bucket order 0, the clock read whole) with a
 * free nvram for swap and no swap readahead (page_cluster 0), "app" writes
 * 1000 hot pages, then 60 times 200 new pages and a read of the hot ones,
 * then reads 2000 of the new pages swapped out since: reclaim swaps pages
 * out (each a tick), the scan finds the hot pages used again at its second
 * look and activates them (a tick each on 6.1), and the reads refault (an
 * activation would tick).  Only anon pages, so 6.1's clock reads pswpout +
 * refault activations + pgactivate exactly (without reclaim's activations
 * it would be 1000 short); 5.4's stays at 0 (no anon detection; its
 * reclaim activations never ticked).
 */
static void ws_clock_run(struct run *r, const char *kernel)
{
	char json[400];
	snprintf(json, sizeof(json), "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"},"
		 "\"mm\":{\"policy\":\"lru2\",\"page_cluster\":0},"
		 "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\",\"write_latency\":\"0ns\",\"write_bw\":0}},"
		 "\"swap\":[{\"device\":\"sw\"}]}", kernel);
	run_init(r, json);
	trace_begin(r, NULL);
	t_create(r, 1, 0, "app");
	t_writes(r, 1, 0, 1000, ZSIM_CONTENT_TEXT, 1);
	for (uint64_t k = 0; k < 60; k++) {
		t_writes(r, 1, 1000 + k * 200, 200, ZSIM_CONTENT_TEXT, 1001 + k * 200);
		for (uint64_t v = 0; v < 1000; v++)
			t_read(r, 1, v);
	}
	for (uint64_t v = 8000; v < 10000; v++)   /* swapped out: refaults, the latest close */
		t_read(r, 1, v);
	run_go(r);
	mm_ok(&r->s);
}

START_TEST(test_workingset_clock_counts_activations)
{
	struct run r;
	ws_clock_run(&r, "6.1");
	struct zsim_sim *s = &r.s;
	uint64_t c[3];
	s->mm.policy->counts(s->mm.policy_priv, c);
	ck_assert_uint_gt(s->vm.pswpout, 10000);
	ck_assert_uint_gt(s->vm.ws_refault[0], 1000);
	ck_assert_uint_eq(c[0], 1000);   /* the scan activated the hot pages, each once */
	ck_assert_uint_eq(s->vm.ws_activate[1], 0);
	ck_assert_uint_eq(s->mm.ws_age, s->vm.pswpout + s->vm.ws_activate[0] + c[0]);
	run_free(&r);

	ws_clock_run(&r, "5.4");
	s = &r.s;
	s->mm.policy->counts(s->mm.policy_priv, c);
	ck_assert_uint_gt(c[0], 0);
	ck_assert_uint_eq(s->mm.ws_age, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_swap_readahead_zswap)
{
	static const struct {
		const char *kernel, *boost;
		uint64_t major, ra_pages, ra_hits, pswpin, dev_faults, zswap_faults, zswpin;
	} cases[] = {
		{ "6.1", "15000", 2, 11, 7, 6, 0, 2, 7 },
		{ "6.18", "0", 9, 0, 0, 0, 0, 9, 9 },
	};
	for (size_t k = 0; k < ZSIM_ARRAY_SIZE(cases); k++) {
		char json[400];
		snprintf(json, sizeof(json),
			 "{\"kernel\":\"%s\",\"machine\":{\"ram\":\"16M\"},"
			 "\"mm\":{\"policy\":\"lru\",\"page_cluster\":3,\"watermark_boost_factor\":%s},"
			 "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\"}},"
			 "\"swap\":[{\"device\":\"sw\"}],\"zswap\":{\"enabled\":true}}",
			 cases[k].kernel, cases[k].boost);
		struct run r;
		run_init(&r, json);
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "app");
		for (uint64_t v = 0; v < 4112; v++)
			t_writes(&r, 1, v, 1, v % 2 ? ZSIM_CONTENT_RANDOM : ZSIM_CONTENT_TEXT, 1 + v);
		t_unmap(&r, 1, 4000, 100);
		for (uint64_t v = 0; v <= 8; v++)
			t_read(&r, 1, v);
		run_go(&r);
		struct zsim_sim *s = &r.s;
		const char *kv = cases[k].kernel;
		ck_assert_ptr_nonnull(s->sw.zswap);
		ck_assert_msg(s->vm.pgmajfault == cases[k].major, "%s: majors %llu", kv,
			      (unsigned long long)s->vm.pgmajfault);
		ck_assert_msg(s->sw.swap[0].readahead_pages == cases[k].ra_pages, "%s: readahead %llu", kv,
			      (unsigned long long)s->sw.swap[0].readahead_pages);
		ck_assert_uint_eq(s->sw.swap[0].readahead_hits, cases[k].ra_hits);
		ck_assert_msg(s->vm.pswpin == cases[k].pswpin, "%s: pswpin %llu", kv, (unsigned long long)s->vm.pswpin);
		ck_assert_uint_eq(s->sw.swap[0].swapins, cases[k].dev_faults);
		ck_assert_uint_eq(s->sw.zswap_hits, cases[k].zswap_faults);
		ck_assert_uint_eq(tier_stat(s->sw.zswap, "zswpin"), cases[k].zswpin);
		run_free(&r);
	}
}
END_TEST

/*
 * kswapd's aim (mm/vmscan.c, 6.1 balance_pgdat / kswapd_shrink_node, the
 * same since 3.11): each kswapd_shrink_node aims to free max(high watermark,
 * SWAP_CLUSTER_MAX) pages and the watermark is checked only between calls,
 * so kswapd does not stop at the first batch that lifts free pages over high.
 * 16 MiB, 6.18: min 128, low 160, high 192 (the file header); nvram swap.
 * "app" writes 3000 pages and stays (no reclaim: 3000 < 4096 - 192); their
 * accessed bits are cleared and frames are taken (as reclaim may) until 150
 * are free.  Scanning a page costs 40 us here, so each round (a 1 ms turn on
 * the CPU) is one batch of 32.  kswapd's rounds, by hand:
 *  - balance_pgdat starts at priority 12: free 150 + file 0 <= high, so anon
 *    only, and 3000 >> 12 = 0, so the whole list (get_scan_count's small-list
 *    case); the pass aims at 192.
 *  - rounds 1 to 6: one batch each, every page unreferenced: 32 freed each;
 *    after round 2 free is 214, over high, but the pass goes on: its aim is
 *    not met (the watermark is checked between passes only).
 *  - round 6 meets the aim (192 freed, free 342): the pass ends; it scanned
 *    its aim, so the priority stays at 12.
 *  - round 7: free over high between passes: balanced, kswapd sleeps, its
 *    balance over (priority back to none).
 */
START_TEST(test_kswapd_aims_at_high)
{
	struct run r;
	ram16_cold_app(&r, ",\"mm\":{\"reclaim_scan_time\":\"40us\"}", 150);
	struct zsim_sim *s = &r.s;

	bool again = false;
	for (unsigned round = 1; round <= 6; round++) {
		uint64_t cpu = zsim_mm_kswapd_round(s, &again);
		ck_assert_uint_eq(cpu, 32 * 40000);
		ck_assert_uint_eq(s->vm.pgsteal_kswapd, 32 * round);
		ck_assert_uint_eq(s->vm.pgscan_kswapd, 32 * round);
		ck_assert_uint_eq(s->mm.nr_free, 150 + 32 * round);
		ck_assert_int_eq(s->mm.kswapd_prio, 12);
		ck_assert(s->mm.kswapd_in_pass == (round < 6));
		ck_assert(again);   /* rounds 3..5: over high, the aim not met */
	}
	ck_assert_uint_eq(s->vm.pswpout, 192);
	mm_ok(s);
	uint64_t cpu = zsim_mm_kswapd_round(s, &again);
	ck_assert(!again);
	ck_assert_uint_eq(cpu, 0);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 192);
	ck_assert_int_eq(s->mm.kswapd_prio, 0);
	run_free(&r);
}
END_TEST

/*
 * mm.kswapd_share "fair": kswapd's turn is the share CFS would give it, what
 * the average process that ran since it woke has had less what it ran
 * itself, between 1 and 3 ms.  The set-up of test_kswapd_aims_at_high (a
 * batch of 32 costs 1.28 ms): with "turn", a round is one batch; with
 * "fair" and two processes having run 6 ms since kswapd woke (3 ms each)
 * against its own 0, it is owed 3 ms: three batches (3.84 ms, the batch
 * that crosses finished, 96 freed); then, having run those 3.84 ms, it is
 * owed nothing: one batch, the 1 ms floor.  Processes that run while kswapd
 * sleeps add nothing (zsim_mm_task_ran).
 */
START_TEST(test_kswapd_fair_share)
{
	for (int fair = 0; fair < 2; fair++) {
		struct run r;
		ram16_cold_app(&r, fair ? ",\"mm\":{\"reclaim_scan_time\":\"40us\",\"kswapd_share\":\"fair\"}"
					: ",\"mm\":{\"reclaim_scan_time\":\"40us\"}", 150);
		struct zsim_sim *s = &r.s;
		ck_assert(s->cfg.kswapd_fair == (fair == 1));
		ck_assert(!zsim_timer_busy(s, s->mm.kswapd_timer));
		zsim_mm_task_ran(s, &s->pr.procs[0], 5000000);   /* kswapd asleep: not counted */
		ck_assert_uint_eq(s->mm.share_others_cpu, 0);
		s->mm.share_others_cpu = 6000000;
		s->mm.share_others = 2;
		bool again = false;
		uint64_t cpu = zsim_mm_kswapd_round(s, &again);
		s->mm.share_own_cpu += cpu;
		ck_assert_uint_eq(cpu, (fair ? 3 : 1) * 32 * 40000);
		ck_assert_uint_eq(s->vm.pgsteal_kswapd, (fair ? 3 : 1) * 32);
		cpu = zsim_mm_kswapd_round(s, &again);
		ck_assert_uint_eq(cpu, 32 * 40000);
		ck_assert(again);
		mm_ok(s);
		run_free(&r);
	}
}
END_TEST

/* Frames taken (as reclaim may, below min) until exactly RAM16_MIN are free,
 * held outside any list (mm_ok would not add them up until freed): their
 * count, the frames in held[]. */
static unsigned hold_down_to_min(struct zsim_sim *s, uint32_t *held)
{
	unsigned n = 0;
	s->mm.in_reclaim = true;
	while (s->mm.nr_free > RAM16_MIN)
		held[n++] = zsim_mm_alloc_frame(s, NULL);
	s->mm.in_reclaim = false;
	return n;
}

/* The frames hold_down_to_min took (and any added to held[]) given back. */
static void release_held(struct zsim_sim *s, uint32_t *held, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		zsim_mm_free_frame(s, held[i]);
	free(held);
}

/*
 * A process's fault below the min watermark does one round of direct reclaim
 * and retries once its time has passed (zsim_mm_alloc_frame_round).
 * 16 MiB, 6.18: min 128, low 160, high 192 (the file header).  "big" writes
 * 3000 pages and stays; then frames are taken (as reclaim may, below min)
 * until exactly 128 are free.  The round, worked by hand:
 *  - 128 is not above min: no frame; allocstall + 1; kswapd is woken;
 *  - shrink asks SWAP_CLUSTER_MAX = 32 pages: the anon LRU holds big's
 *    pages, swap is free and file + free <= high ("file is tiny": anon only),
 *    so batches of 32 are isolated until 32 are freed; a batch frees the
 *    pages not referenced since the last scan, so the round ends after the
 *    batch that reaches 32: 32 <= freed <= 31 + 32, each freed page written
 *    to the nvram device (pswpout + freed) and free = 128 + freed;
 *  - the round's CPU (at least 32 pages scanned x 100 ns) goes to the
 *    process's pending CPU and its stall time, and the answer is RETRY;
 *  - the retry finds 128 + freed > min: a frame, no second round.
 * With watermarks off the same call is the plain allocation (a frame at once).
 */
START_TEST(test_direct_reclaim_round_then_retry)
{
	struct run r;
	run_ram16_writer(&r, "", "big", 3000);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert(p->alive);
	uint32_t *held = calloc(RAM16_FRAMES, sizeof(*held));
	unsigned nheld = hold_down_to_min(s, held);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN);
	uint64_t stalls = s->vm.allocstall, out = s->vm.pswpout, cpu0 = p->pending_cpu, stall0 = p->stall_ns;
	uint64_t wait = 0;   /* the time a round that slept on writeback hands the task: none here */

	uint32_t f = zsim_mm_alloc_frame_round(s, p, &wait);
	ck_assert_uint_eq(f, ZSIM_FRAME_RETRY);
	ck_assert_uint_eq(s->vm.allocstall, stalls + 1);
	uint64_t freed = s->vm.pswpout - out;
	ck_assert_uint_ge(freed, 32);
	ck_assert_uint_le(freed, 63);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN + freed);
	ck_assert_uint_eq(s->vm.pgsteal_direct, freed);
	ck_assert_uint_ge(p->pending_cpu - cpu0, 32 * 100);
	ck_assert_uint_eq(p->pending_cpu - cpu0, p->stall_ns - stall0);
	ck_assert(zsim_timer_busy(s, s->mm.kswapd_timer));
	ck_assert_uint_eq(p->reclaim_no_progress, 0);

	f = zsim_mm_alloc_frame_round(s, p, &wait);
	ck_assert_uint_lt(f, RAM16_FRAMES);
	ck_assert_uint_eq(s->vm.allocstall, stalls + 1);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN + freed - 1);
	held[nheld++] = f;
	release_held(s, held, nheld);
	mm_ok(s);
	run_free(&r);

	/* watermarks off: the exact-cache mode allocates at once */
	run_ram16_writer(&r, ",\"mm\":{\"watermarks\":false}", "big", RAM16_FRAMES);
	s = &r.s;
	ck_assert_uint_eq(s->mm.nr_free, 0);
	f = zsim_mm_alloc_frame_round(s, &s->pr.procs[0], &wait);
	ck_assert_uint_lt(f, RAM16_FRAMES);
	zsim_mm_free_frame(s, f);
	run_free(&r);
}
END_TEST

/* ---- fragmentation fallbacks and watermark boosting ------------------------------ */

/*
 * Fallbacks and the boost, by hand (mm.c zsim_mm_fallback).  16 MiB, 6.18:
 * min 128, low 160, high 192 (the file header); machine.unmovable_free 1M:
 * 256 free pages on the unmovable lists at start, the other 3840 movable;
 * watermark_boost_factor 30000: the cap is 192 x 3 = 576 pages (over a
 * pageblock).  Frames are taken as reclaim may (no watermark test):
 *  1. 100 unmovable pages: from the 256, none moves: 156 left, no fallback;
 *  2. 3840 movable pages: exactly the movable lists: no fallback; free 156,
 *     all of them unmovable;
 *  3. one movable page: its lists are empty: a fallback takes a pageblock
 *     over, min(512, 156) = 156 pages move: unmovable 0, free 155; boost 512;
 *  4. one unmovable page: a fallback moves one chunk of 64 movable pages:
 *     unmovable 63, free 154; boost min(512 + 512, 576) = 576;
 *  5. 10 unmovable pages freed: unmovable 73, free 164.
 * Every watermark an allocation tests is 576 higher now: min 704.
 */
START_TEST(test_fallbacks_boost_watermarks)
{
	struct run r;
	run_init(&r, "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\",\"unmovable_free\":\"1M\"},"
		     "\"mm\":{\"watermark_boost_factor\":30000}}");
	struct zsim_sim *s = &r.s;
	const struct zsim_frame_source *mov = &s->mm.ram_source, *unmov = &s->mm.ram_source_unmovable;
	ck_assert_uint_eq(s->mm.nr_free, 4096);
	ck_assert_uint_eq(s->mm.free_unmovable, 256);
	s->mm.in_reclaim = true;
	ck_assert_int_eq(unmov->get(unmov->ctx, 100), 0);
	ck_assert_uint_eq(s->mm.free_unmovable, 156);
	ck_assert_int_eq(mov->get(mov->ctx, 3840), 0);
	ck_assert_uint_eq(s->mm.nr_free, 156);
	ck_assert_uint_eq(s->mm.fallbacks, 0);
	ck_assert_uint_eq(s->mm.boost, 0);
	ck_assert_int_eq(mov->get(mov->ctx, 1), 0);
	ck_assert_uint_eq(s->mm.fallbacks, 1);
	ck_assert_uint_eq(s->mm.free_unmovable, 0);
	ck_assert_uint_eq(s->mm.nr_free, 155);
	ck_assert_uint_eq(s->mm.boost, 512);
	ck_assert_int_eq(unmov->get(unmov->ctx, 1), 0);
	ck_assert_uint_eq(s->mm.fallbacks, 2);
	ck_assert_uint_eq(s->mm.free_unmovable, 63);
	ck_assert_uint_eq(s->mm.nr_free, 154);
	ck_assert_uint_eq(s->mm.boost, 576);
	ck_assert_uint_eq(s->mm.boost_max, 576);
	unmov->put(unmov->ctx, 10);
	ck_assert_uint_eq(s->mm.free_unmovable, 73);
	ck_assert_uint_eq(s->mm.nr_free, 164);
	s->mm.in_reclaim = false;
	ck_assert_uint_eq(zsim_mm_wmark(s, s->mm.wmark_min), 704);
	mm_ok(s);
	run_free(&r);

	/* no boost where the profile has none (4.19), with the factor 0, or on a
	 * machine of fewer than four pageblocks (the fallback itself happens) */
	static const char *const none[] = {
		"{\"kernel\":\"4.19\",\"machine\":{\"ram\":\"16M\",\"unmovable_free\":\"1M\"}}",
		"{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\",\"unmovable_free\":\"1M\"},"
		"\"mm\":{\"watermark_boost_factor\":0}}",
		"{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\",\"firmware_reserve\":\"7M\",\"kernel_reserve\":\"4M\",\"unmovable_free\":\"1M\"}}",
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(none); i++) {
		run_init(&r, none[i]);
		s = &r.s;
		s->mm.in_reclaim = true;
		uint64_t movable = s->mm.nr_free - s->mm.free_unmovable;
		ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, (unsigned)movable + 1), 0);
		ck_assert_msg(s->mm.fallbacks == 1 && s->mm.boost == 0, "%s: fallbacks %llu boost %llu", none[i],
			      (unsigned long long)s->mm.fallbacks, (unsigned long long)s->mm.boost);
		mm_ok(s);
		run_free(&r);
	}
	/* the kernel's default factor where it boosts, 0 where it cannot */
	run_init(&r, "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\"}}");
	ck_assert_uint_eq(r.s.cfg.watermark_boost_factor, 15000);
	run_free(&r);
	run_init(&r, "{\"kernel\":\"4.19\",\"machine\":{\"ram\":\"16M\"}}");
	ck_assert_uint_eq(r.s.cfg.watermark_boost_factor, 0);
	run_free(&r);
}
END_TEST

/*
 * kswapd and a boost (zsim_mm_kswapd_round; 6.1's balance_pgdat).  16 MiB,
 * 6.18, high 192; factor 30000: cap 576.  "app" wrote 3000 pages; its accessed
 * bits are cleared and frames taken until 300 are free: over high, so without
 * a boost kswapd has nothing to do.
 *  - A fallback boosts by 512 and wakes kswapd, which notes the 512 it found.
 *    Balanced now means free >= 192 + 512 = 704: kswapd's aim is 704 pages per
 *    call and it reclaims (swapping) until it has freed them and free is over
 *    704.  While it runs, a second fallback raises the boost to 576.  When it
 *    is done, the 512 it found are taken off: 64 stay, until the next time.
 *  - Woken again with free over 192 + 64: balanced, so the boost's reclaim
 *    takes clean page cache only, without swap or writes: there is none, the
 *    round frees nothing, and the 64 are taken off.
 */
START_TEST(test_kswapd_boost_target)
{
	struct run r;
	ram16_cold_app(&r, ",\"mm\":{\"watermark_boost_factor\":30000,\"reclaim_scan_time\":\"40us\"}", 300);
	struct zsim_sim *s = &r.s;
	bool again = true;
	zsim_mm_kswapd_round(s, &again);   /* no boost: balanced, nothing to do */
	ck_assert(!again);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 0);

	ck_assert(!zsim_timer_busy(s, s->mm.kswapd_timer));
	zsim_mm_fallback(s, false);   /* 64 movable pages to the unmovable lists: no change in free */
	ck_assert_uint_eq(s->mm.boost, 512);
	ck_assert_uint_eq(s->mm.boost_at_wake, 512);
	ck_assert(zsim_timer_busy(s, s->mm.kswapd_timer));
	unsigned rounds = 0;
	uint64_t pswpout0 = s->vm.pswpout;
	do {
		zsim_mm_kswapd_round(s, &again);
		if (++rounds == 3) {
			zsim_mm_fallback(s, false);
			ck_assert_uint_eq(s->mm.boost, 576);
		}
	} while (again && rounds < 200);
	ck_assert(!again);
	ck_assert_uint_gt(rounds, 3);
	ck_assert_uint_ge(s->vm.pgsteal_kswapd, 704);
	ck_assert_uint_ge(s->mm.nr_free, 192 + 576);
	ck_assert_uint_eq(s->vm.pswpout - pswpout0, s->vm.pgsteal_kswapd);
	ck_assert_uint_eq(s->mm.boost, 64);
	mm_ok(s);

	/* balanced with a boost: page cache only; none here */
	uint64_t stolen = s->vm.pgsteal_kswapd, pswpout = s->vm.pswpout;
	s->mm.boost_at_wake = s->mm.boost_reclaim_left = s->mm.boost;   /* as wake_kswapd does */
	zsim_mm_kswapd_round(s, &again);
	ck_assert(!again);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, stolen);
	ck_assert_uint_eq(s->vm.pswpout, pswpout);
	ck_assert_uint_eq(s->mm.boost, 0);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * zbud's pages are unmovable (zswap allocates them without __GFP_MOVABLE),
 * zsmalloc's movable: on a machine whose unmovable lists start empty, the
 * zbud pool's growth falls back, a chunk of 64 pages per fallback, and
 * boosts.  zswap's entries are unmovable slab with either pool (64 to a page
 * in 6.1): with zsmalloc they alone fall back, once per 64 of their pages.
 * 16 MiB 6.1, zswap (lzo) on a 64 MiB device, 6000 text pages.
 */
START_TEST(test_zbud_pages_unmovable)
{
	static const char *const pools[] = { "zbud", "zsmalloc" };
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(pools); i++) {
		char json[400];
		snprintf(json, sizeof(json),
			 "{\"kernel\":\"6.1\",\"machine\":{\"ram\":\"16M\"},"
			 "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\"}},"
			 "\"swap\":[{\"device\":\"sw\"}],\"zswap\":{\"enabled\":true,\"zpool\":\"%s\"}}", pools[i]);
		struct run r;
		run_init(&r, json);
		trace_begin(&r, NULL);
		t_create(&r, 1, 0, "app");
		t_writes(&r, 1, 0, 6000, ZSIM_CONTENT_TEXT, 1);
		run_go(&r);
		struct zsim_sim *s = &r.s;
		uint64_t pool = 0;
		ck_assert_int_eq(zsim_tier_control(s->sw.zswap, ZSIM_TCTL_RAM_PAGES, &pool), 0);
		ck_assert_uint_gt(pool, 64);
		if (i == 0) {
			/* every pool page came off the unmovable lists, refilled 64 at a time */
			ck_assert_uint_ge(s->mm.fallbacks, pool / 64);
			ck_assert_uint_gt(s->mm.boost_max, 0);
		} else {
			uint64_t entries = tier_stat(s->sw.zswap, "entry_slab_pages");
			ck_assert_uint_eq(entries, (tier_stat(s->sw.zswap, "stored_pages") + 63) / 64);
			ck_assert_uint_gt(entries, 0);
			ck_assert_uint_ge(s->mm.fallbacks, 1);
			ck_assert_uint_le(s->mm.fallbacks, (entries + 63) / 64);
		}
		mm_ok(s);
		run_free(&r);
	}
}
END_TEST

/* ---- 9. swap writeback: a page leaves RAM when its write completes ------------------ */

/*
 * An SSD whose writes take exactly 1 s (write_latency 1s, no bandwidth limit,
 * 4096 queue slots: no write waits for another; writes of consecutive slots
 * merge into one request that still ends 1 s after it was submitted).  SIZE:
 * its size in bytes.
 */
#define SLOW_SSD(size) "{\"type\":\"ssd\",\"size\":" size ",\"write_latency\":\"1s\",\"write_bw\":0,\"queue_depth\":4096}"
#define SEC 1000000000ull
/* The same with writes of 50 ms: under reclaim_throttle's HZ/10 timeout, so a
 * throttled reclaimer wakes when more than 32 writes have completed (all 3000
 * at once here), not at the timeout */
#define SSD_50MS(size) "{\"type\":\"ssd\",\"size\":" size ",\"write_latency\":\"50ms\",\"write_bw\":0,\"queue_depth\":4096}"
#define MS50 50000000ull

/* app's 3000 pages on the 16 MiB machine swapping to DEV, their referenced
 * flags cleared (as in ram16_cold_app), frames taken until `free_left` are free */
static void ram16_cold_on(struct run *r, const char *dev, uint64_t free_left)
{
	run_ram16_writer_on(r, "", dev, "app", 3000);
	struct zsim_sim *s = &r->s;
	for (uint32_t f = 0; f < s->mm.nr_frames; f++)
		s->mm.frames[f].pflags &= (uint8_t)~(ZSIM_PG_REFERENCED | ZSIM_PG_REFERENCED2);
	ck_assert_int_eq(s->mm.ram_source.get(s->mm.ram_source.ctx, (unsigned)(s->mm.nr_free - free_left)), 0);
}

/*
 * "app" wrote 3000 pages on the 16 MiB machine (min 128, low 160, high 192,
 * reclaim 100 ns per page scanned), their referenced flags are cleared (as in
 * ram16_cold_app), frames are taken until 150 are free, and
 * kswapd runs its rounds from T0 (the clock at the end of the trace), swapping
 * to an SSD of 64 MiB whose writes take 50 ms.  By hand:
 *  - free 150 < high: aim 192; free + file 0 <= high: anon only;
 *  - round 1, priority 12: the small-list rule scans the whole list, 3000
 *    pages, 32 at a time, each unreferenced (written once, never hit): each
 *    is unmapped and written, pswpout 3000 at submission, and stays in RAM
 *    under writeback; none is freed (the writes end at T0 + 50 ms, the scan
 *    takes 0.3 ms, inside kswapd's 1 ms turn); the pass freed nothing:
 *    priority 11: 3000 >> 11 = 1 page, the oldest write, still under
 *    writeback: activated (6.18), and the batch met only such pages: kswapd
 *    sleeps until more than 32 writes have completed, T0 + 50 ms (before the
 *    HZ/10 timeout), and the round ends;
 *  - round 2 at T0 + 50 ms: every write has ended, the 3000 pages move to the
 *    inactive tail (the activated one too) and each pass frees what it takes,
 *    the priority falling after each (it scanned less than its aim): priority
 *    10: 2999 >> 10 = 2, 9: 5, 8: 11, 7: 23 (free 191, below high), 6: 46;
 *    free 237 >= high between passes: balanced, kswapd sleeps; pgsteal 87,
 *    all written out before, nothing under writeback.
 * With writes of 1 s the throttle times out at HZ/10 (T0 + 0.3 ms + 100 ms)
 * before any completes, and each later round sleeps again at its first batch,
 * which meets only such pages: nothing is freed by a round that begins
 * before T0 + 1 s.
 * The same on zram (synchronous: its write is done before reclaim goes on)
 * frees each page as it writes it, at least 32 in the first round, without
 * sleeping (its pool takes free pages meanwhile: free = 150 + freed - pool).
 */
/* One kswapd round on the set-up below over swap device `dev`; returns T0. */
static uint64_t wb_round(struct run *r, const char *dev, bool *again)
{
	ram16_cold_on(r, dev, 150);
	uint64_t t0 = r->s.clk.now;
	*again = false;
	zsim_mm_kswapd_round(&r->s, again);
	return t0;
}

/* kswapd's next round as the engine runs it: when its CPU is done, or later
 * when it sleeps on writeback; returns the round's CPU */
static uint64_t next_round(struct zsim_sim *s, uint64_t cpu, bool *again)
{
	s->clk.now += cpu;
	if (s->mm.kswapd_throttle_until > s->clk.now)
		s->clk.now = s->mm.kswapd_throttle_until;
	s->mm.kswapd_throttle_until = 0;
	return zsim_mm_kswapd_round(s, again);
}

START_TEST(test_writeback_frees_after_completion)
{
	struct run r;
	struct zsim_sim *s = &r.s;
	bool again;
	/* writes of 1 s: the HZ/10 timeouts, nothing freed before T0 + 1 s */
	uint64_t t0 = wb_round(&r, SLOW_SSD("\"64M\""), &again);
	ck_assert(again);
	ck_assert_uint_eq(s->vm.pswpout, 3000);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 0);
	ck_assert_uint_eq(s->mm.kswapd_throttle_until, t0 + 3001 * 100 + SEC / 10);
	uint64_t cpu = 0;
	unsigned rounds = 1;
	while (!s->vm.pgsteal_kswapd && again && rounds < 100) {
		cpu = next_round(s, cpu, &again);
		rounds++;
	}
	ck_assert_uint_gt(s->vm.pgsteal_kswapd, 0);
	ck_assert_uint_ge(s->clk.now, t0 + SEC);   /* the round that freed began after the writes ended */
	ck_assert_uint_gt(rounds, 9);                /* and after ten timeouts of HZ/10 */
	mm_ok(s);
	run_free(&r);

	t0 = wb_round(&r, SSD_50MS("\"64M\""), &again);
	ck_assert(again);
	ck_assert_uint_eq(s->vm.pswpout, 3000);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 0);
	ck_assert_uint_eq(s->mm.kswapd_throttle_until, t0 + MS50);
	cpu = next_round(s, 3001 * 100, &again);
	ck_assert_uint_eq(s->clk.now, t0 + MS50);
	ck_assert(!again);   /* balanced: 150 + 87 >= high */
	ck_assert_uint_eq(s->vm.pswpout, 3000);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 87);
	ck_assert_uint_eq(s->mm.pgsteal_after_writeback, 87);
	ck_assert_uint_eq(s->mm.nr_free, 150 + 87);
	ck_assert_uint_eq(s->mm.nr_writeback, 0);
	ck_assert_uint_eq(s->sw.swap[0].used, 3000);   /* the copies stay on the SSD */
	ck_assert_uint_eq(s->pr.procs[0].swapents, 3000);
	ck_assert_uint_eq(s->pr.procs[0].rss_anon, 0);
	mm_ok(s);
	run_free(&r);

	ram16_cold_on(&r, "{\"type\":\"zram\",\"size\":\"64M\"}", 150);
	s = &r.s;
	uint64_t pool0 = s->mm.zspages;
	zsim_mm_kswapd_round(s, &again);
	ck_assert_uint_ge(s->vm.pgsteal_kswapd, 32);
	ck_assert_uint_eq(s->vm.pswpout, s->vm.pgsteal_kswapd);   /* each page freed as written */
	ck_assert_uint_eq(s->mm.nr_free, 150 + s->vm.pgsteal_kswapd - (s->mm.zspages - pool0));
	ck_assert_uint_eq(s->mm.nr_writeback, 0);
	ck_assert_uint_eq(s->mm.wb_len, 0);
	ck_assert_uint_eq(s->mm.kswapd_throttle_until, 0);
	ck_assert_uint_eq(s->mm.pgsteal_after_writeback, 0);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * Pages under writeback, seen from outside: the set-up of the test above on an
 * SSD of 100 slots (409600 bytes).  kswapd's round at T0 writes app's 100
 * oldest pages (vpages 0..99, the inactive tail); then swap is full, the other
 * pages cannot be written (activated) and anon pages are no longer scanned, so
 * no batch meets a page under writeback: the round ends at once with the 100
 * pages in RAM, unmapped (swap entries in the page table), in the swap cache,
 * under writeback, their content kept; pswpout 100, pgsteal 0, free 150.  It
 * freed nothing but its pages are on their way out: again, no failure.
 */
static void ram16_written_out(struct run *r, uint64_t *t0)
{
	ram16_cold_on(r, SLOW_SSD("409600"), 150);
	struct zsim_sim *s = &r->s;
	*t0 = s->clk.now;
	bool again = false;
	zsim_mm_kswapd_round(s, &again);
	ck_assert(again);
	ck_assert_uint_eq(s->mm.kswapd_failures, 0);
	ck_assert_uint_eq(s->mm.kswapd_throttle_until, 0);
	ck_assert_uint_eq(s->vm.pswpout, 100);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd, 0);
	ck_assert_uint_eq(s->mm.nr_free, 150);
	ck_assert_uint_eq(s->mm.nr_writeback, 100);
	ck_assert_uint_eq(s->sw.swap[0].used, 100);
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_eq(p->rss_anon, 2900);
	ck_assert_uint_eq(p->swapents, 100);
	uint64_t e = pte_of(p, 7);
	ck_assert(e & ZSIM_PTE_SWAPPED);
	uint32_t f = zsim_slot_frame(zsim_swap_slot_of(s, zsim_pte_swp(e)));
	ck_assert_uint_lt(f, RAM16_FRAMES);
	ck_assert_uint_eq(s->mm.frames[f].kind, ZSIM_FK_SWAPCACHE);
	ck_assert_uint_eq(s->mm.frames[f].mflags & (ZSIM_MF_SWAPCACHE | ZSIM_MF_WRITEBACK),
			  ZSIM_MF_SWAPCACHE | ZSIM_MF_WRITEBACK);
	ck_assert_uint_eq(s->mm.frames[f].seed, 1 + 7);   /* the page's content stays with it */
	ck_assert(pte_of(p, 100) & ZSIM_PTE_PRESENT);
	mm_ok(s);
}

/*
 * A page under writeback is still in RAM: touching it is a minor fault from
 * the swap cache (no I/O, no pswpin), the page is mapped again in its frame
 * and keeps its slot; its write goes on.  Set-up: ram16_written_out.
 */
START_TEST(test_writeback_page_fault_is_minor)
{
	struct run r;
	uint64_t t0;
	ram16_written_out(&r, &t0);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	uint64_t e = pte_of(p, 7);
	uint32_t f = zsim_slot_frame(zsim_swap_slot_of(s, zsim_pte_swp(e)));
	uint64_t maj = s->vm.pgmajfault, minor = p->faults_minor, wait = s->clk.now;
	struct zsim_content_ref c = { .cls = ZSIM_CONTENT_TEXT, .seed = 1 + 7 };
	ck_assert_int_eq(zsim_mm_access(s, p, 7, NULL, false, &c, &wait), 0);
	ck_assert_uint_eq(wait, s->clk.now);   /* no I/O to wait for */
	ck_assert_uint_eq(s->vm.pgmajfault, maj);
	ck_assert_uint_eq(s->vm.pswpin, 0);
	ck_assert_uint_eq(p->faults_minor, minor + 1);
	ck_assert_uint_eq(frame_of(p, 7), f);
	ck_assert_uint_eq(s->mm.frames[f].kind, ZSIM_FK_ANON);
	ck_assert(s->mm.frames[f].mflags & ZSIM_MF_SWAPCACHE);
	ck_assert_uint_eq(zsim_slot_frame(zsim_swap_slot_of(s, zsim_pte_swp(e))), f);
	ck_assert_uint_eq(p->rss_anon, 2901);
	ck_assert_uint_eq(p->swapents, 99);
	ck_assert_uint_eq(s->mm.nr_writeback, 100);
	ck_assert_uint_eq(s->sw.swap[0].readahead_hits, 0);   /* not read ahead */
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * A write to a page under writeback gives it new content: its slot is freed
 * (the existing swap-cache rule) and its write no longer matters.  A process
 * that ends while its pages are under writeback frees them: the frames (free
 * 150 + 3000), the slots (used 0), the writes' bookkeeping (nr_writeback 0;
 * the queued writes are skipped when their time comes), and none of it counts
 * as reclaimed.  Set-up: ram16_written_out.
 */
START_TEST(test_writeback_pages_freed_at_exit)
{
	struct run r;
	uint64_t t0;
	ram16_written_out(&r, &t0);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	uint64_t wait = s->clk.now;
	struct zsim_content_ref c = { .cls = ZSIM_CONTENT_TEXT, .seed = 99 };
	ck_assert_int_eq(zsim_mm_access(s, p, 9, NULL, true, &c, &wait), 0);
	uint32_t f = frame_of(p, 9);
	ck_assert_uint_eq(s->mm.frames[f].mflags & (ZSIM_MF_SWAPCACHE | ZSIM_MF_WRITEBACK), 0);
	ck_assert_uint_eq(s->mm.nr_writeback, 99);
	ck_assert_uint_eq(s->sw.swap[0].used, 99);
	mm_ok(s);

	zsim_mm_exit(s, p);
	ck_assert_uint_eq(s->mm.nr_free, 150 + 3000);
	ck_assert_uint_eq(s->sw.swap[0].used, 0);
	ck_assert_uint_eq(s->mm.nr_writeback, 0);
	ck_assert_uint_eq(s->vm.pgsteal_kswapd + s->vm.pgsteal_direct, 0);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * A process that maps every page on the lists exits (the last one of a run):
 * the policy empties its lists at once (its `clear` op) instead of unlinking
 * page by page, and nothing else may differ.  Twin runs per policy: "a" (one
 * writes 2000 pages, "b" 600, "a" reads 300 of its pages back in a scattered
 * order, so an exact LRU's order is not the order of the writes), one with
 * the policy as it is, one with `clear` taken away.  "a" exits first ("b"
 * still holds pages: page by page in both, clear not called), then "b" (clear
 * called once, in the first twin only).  After each exit the twins agree on
 * the free frames and their order, every frame's state but the links of the
 * free ones (stale: nothing reads them), and the lists' sizes.
 */
static unsigned clears_seen;
static void (*clear_real)(void *priv);
static void clear_counted(void *priv)
{
	clears_seen++;
	clear_real(priv);
}

static void exit_twin_setup(struct run *r, const char *policy)
{
	char json[512];
	snprintf(json, sizeof(json), "{\"kernel\":\"6.18\",\"machine\":{\"ram\":\"16M\"},\"mm\":{\"policy\":\"%s\"},"
		 "\"devices\":{\"sw\":{\"type\":\"nvram\",\"size\":\"64M\",\"write_latency\":\"0ns\",\"write_bw\":0}},"
		 "\"swap\":[{\"device\":\"sw\"}]}", policy);
	run_init(r, json);
	trace_begin(r, NULL);
	t_create(r, 1, 0, "a");
	t_writes(r, 1, 0, 2000, ZSIM_CONTENT_TEXT, 1);
	t_create(r, 2, 0, "b");
	t_writes(r, 2, 0, 600, ZSIM_CONTENT_TEXT, 5000);
	for (uint64_t i = 0; i < 300; i++)
		t_read(r, 1, (i * 7919) % 2000);
	run_go(r);
}

static void exit_twins_agree(const struct zsim_sim *a, const struct zsim_sim *b)
{
	ck_assert_uint_eq(a->mm.nr_free, b->mm.nr_free);
	ck_assert_uint_eq(a->mm.lru_pages, b->mm.lru_pages);
	ck_assert_uint_eq(a->mm.free_top, b->mm.free_top);
	ck_assert_int_eq(memcmp(a->mm.free_stack, b->mm.free_stack, a->mm.free_top * sizeof(*a->mm.free_stack)), 0);
	for (int t = 0; t < ZSIM_LRU_TYPES; t++)
		ck_assert_uint_eq(a->mm.policy->size(a->mm.policy_priv, t), b->mm.policy->size(b->mm.policy_priv, t));
	for (uint32_t f = 0; f < a->mm.nr_frames; f++) {
		const struct zsim_frame *x = &a->mm.frames[f], *y = &b->mm.frames[f];
		size_t from = x->kind == ZSIM_FK_FREE ? offsetof(struct zsim_frame, owner) : 0;
		ck_assert_msg(memcmp((const char *)x + from, (const char *)y + from, sizeof(*x) - from) == 0,
			      "frame %u differs", f);
	}
	mm_ok(a);
	mm_ok(b);
}

START_TEST(test_exit_clears_lists_whole)
{
	static const char *const policies[] = { "lru", "lru2", "clock" };
	for (unsigned i = 0; i < ZSIM_ARRAY_SIZE(policies); i++) {
		struct run r1, r2;
		exit_twin_setup(&r1, policies[i]);
		exit_twin_setup(&r2, policies[i]);
		struct zsim_reclaim_ops counted = *r1.s.mm.policy, plain = *r2.s.mm.policy;
		ck_assert_ptr_nonnull(counted.clear);
		clear_real = counted.clear;
		counted.clear = clear_counted;
		plain.clear = NULL;
		r1.s.mm.policy = &counted;
		r2.s.mm.policy = &plain;
		clears_seen = 0;
		ck_assert_uint_eq(r1.s.mm.lru_pages, 2600);
		zsim_mm_exit(&r1.s, &r1.s.pr.procs[0]);
		zsim_mm_exit(&r2.s, &r2.s.pr.procs[0]);
		ck_assert_uint_eq(clears_seen, 0);   /* "b" still holds 600 */
		ck_assert_uint_eq(r1.s.mm.lru_pages, 600);
		exit_twins_agree(&r1.s, &r2.s);
		zsim_mm_exit(&r1.s, &r1.s.pr.procs[1]);
		zsim_mm_exit(&r2.s, &r2.s.pr.procs[1]);
		ck_assert_uint_eq(clears_seen, 1);
		ck_assert_uint_eq(r1.s.mm.lru_pages, 0);
		exit_twins_agree(&r1.s, &r2.s);
		r1.s.mm.policy = zsim_reclaim_find(policies[i]);
		r2.s.mm.policy = zsim_reclaim_find(policies[i]);
		run_free(&r1);
		run_free(&r2);
	}
}
END_TEST

/* The direct-reclaim tests below start from the set-up of
 * test_writeback_frees_after_completion with frames taken down to 128 (min)
 * and a direct reclaimer's turn of turn_ns (0: whole rounds); app faults on
 * page 5000 (a text page), and its return code and the wait it sets (T0 in
 * *t0) come back. */
static const struct zsim_content_ref direct_page = { .cls = ZSIM_CONTENT_TEXT, .seed = 5 };

static int direct_fault(struct run *r, uint64_t turn_ns, uint64_t *t0, uint64_t *wait)
{
	ram16_cold_on(r, SSD_50MS("\"64M\""), RAM16_MIN);
	r->s.cfg.direct_turn_ns = turn_ns;
	*t0 = *wait = r->s.clk.now;
	return zsim_mm_access(&r->s, &r->s.pr.procs[0], 5000, NULL, true, &direct_page, wait);
}

/*
 * A fault below min where reclaim must wait for writes: the set-up of
 * test_writeback_frees_after_completion with frames taken down to 128 (min);
 * app's fault on a new page reclaims one round by itself: the same round as
 * kswapd's there (it writes 3000 pages, sleeps from priority 11 until T0 + 50
 * ms, frees 41), counted as direct (pgsteal_direct 41, progress); the task
 * tries again once the round is over: T0 + 50 ms + 41 x 100 ns.  No OOM kill.
 */
START_TEST(test_writeback_direct_reclaim_waits)
{
	struct run r;
	uint64_t t0, wait;
	ck_assert_int_eq(direct_fault(&r, 0, &t0, &wait), ZSIM_EAGAIN);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_eq(s->vm.pswpout, 3000);
	ck_assert_uint_eq(s->vm.pgsteal_direct, 41);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN + 41);
	ck_assert_uint_eq(wait, t0 + MS50 + 41 * 100);
	ck_assert_uint_eq(p->reclaim_no_progress, 0);
	ck_assert_uint_eq(s->vm.oom_kill, 0);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * The same with mm.direct_reclaim_turn 2 ms: the task yields between
 * batches once it has reclaimed that long, and its round goes on at its
 * next turn.  The round runs in two turns: the first writes 3000 pages
 * (0.3 ms of scans, inside the 2 ms turn), meets the oldest still under
 * writeback at priority 11 and sleeps until T0 + 50 ms (a sleep ends the
 * turn), its round under way (pgsteal_direct 0); the task
 * tries again then and the round goes on at priority 10: every write has
 * ended, and it frees 2 + 5 + 11 + 23 = 41 pages (priorities 10 to 7) in
 * 41 x 100 ns, counted as direct, progress; the task tries the allocation
 * again after that.  No OOM kill.
 */
START_TEST(test_writeback_direct_round_yields)
{
	struct run r;
	uint64_t t0, wait;
	ck_assert_int_eq(direct_fault(&r, 2000000, &t0, &wait), ZSIM_EAGAIN);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_eq(s->vm.pswpout, 3000);
	ck_assert_uint_eq(s->vm.pgsteal_direct, 0);
	ck_assert_uint_eq(s->vm.allocstall, 1);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN);
	ck_assert_uint_eq(wait, t0 + MS50);
	ck_assert(p->direct.active);
	s->clk.now = wait;
	uint64_t cpu0 = p->pending_cpu;
	ck_assert_int_eq(zsim_mm_access(s, p, 5000, NULL, true, &direct_page, &wait), ZSIM_EAGAIN);
	ck_assert(!p->direct.active);
	ck_assert_uint_eq(s->vm.allocstall, 1);
	ck_assert_uint_eq(s->vm.pgsteal_direct, 41);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN + 41);
	ck_assert_uint_eq(p->pending_cpu - cpu0, 41 * 100);
	ck_assert_uint_eq(wait, t0 + MS50);
	ck_assert_uint_eq(p->reclaim_no_progress, 0);
	ck_assert_uint_eq(s->vm.oom_kill, 0);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * A direct round yields once its turn is used: the set-up of
 * test_writeback_direct_reclaim_waits with a turn of 1 ns.  The first batch
 * at priority 12 (the small-list rule: all 3000 pages to scan) takes 32
 * pages, writes them (pswpout 32; under writeback, none freed) in 32 x 100
 * ns, crosses the turn and yields: the round is under way with 2968 pages
 * left to scan at priority 12, the task charged 3.2 us and not throttled.
 */
START_TEST(test_direct_round_turn)
{
	struct run r;
	uint64_t t0, wait;
	ck_assert_int_eq(direct_fault(&r, 1, &t0, &wait), ZSIM_EAGAIN);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	ck_assert_uint_eq(s->vm.pswpout, 32);
	ck_assert_uint_eq(s->vm.pgscan_direct, 32);
	ck_assert_uint_eq(s->vm.pgsteal_direct, 0);
	ck_assert(p->direct.active);
	ck_assert_int_eq(p->direct.prio, 12);
	ck_assert_uint_eq(p->direct.nr[0], 2968);
	ck_assert_uint_eq(p->pending_cpu, 32 * 100);
	ck_assert_uint_eq(wait, t0);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * A task's turn is one, reclaim or not: what it ran of its quantum before
 * the fault counts toward mm.direct_reclaim_turn.  The set-up of
 * test_direct_round_turn with a turn of 2 ms, the task having run 2 ms - 1
 * ns of its quantum (1 ns left), then 3 ms (more than the turn: one batch
 * still): each time the round takes one batch of 32 pages at priority 12
 * (pswpout 32, 2968 left) in 3.2 us and yields, where a fresh quantum's
 * 2 ms turn writes all 3000 (test_writeback_direct_round_yields).
 */
START_TEST(test_direct_round_turn_counts_quantum)
{
	static const uint64_t ran[] = { 2000000 - 1, 3000000 };
	for (unsigned i = 0; i < 2; i++) {
		struct run r;
		ram16_cold_on(&r, SSD_50MS("\"64M\""), RAM16_MIN);
		struct zsim_sim *s = &r.s;
		struct zsim_proc *p = &s->pr.procs[0];
		s->cfg.direct_turn_ns = 2000000;
		p->pending_cpu = ran[i];
		uint64_t wait = s->clk.now;
		ck_assert_int_eq(zsim_mm_access(s, p, 5000, NULL, true, &direct_page, &wait), ZSIM_EAGAIN);
		ck_assert_uint_eq(s->vm.pswpout, 32);
		ck_assert_uint_eq(s->vm.pgscan_direct, 32);
		ck_assert(p->direct.active);
		ck_assert_int_eq(p->direct.prio, 12);
		ck_assert_uint_eq(p->direct.nr[0], 2968);
		ck_assert_uint_eq(p->pending_cpu, ran[i] + 32 * 100);
		mm_ok(s);
		run_free(&r);
	}
}
END_TEST

/*
 * machine.scheduler "fair": a direct reclaimer takes its page as soon as its
 * round has freed its pages.  The set-up of
 * test_direct_reclaim_round_then_retry (free at min, 128), the task's slice
 * 0.75 ms (6.18: EEVDF's base slice on one CPU), nothing run of it yet: the
 * round frees 32..63 pages in microseconds, inside the slice, and the same
 * call hands the task a frame, free = 128 + freed - 1, one stall; the round
 * is over.  With the 1 ms turns (the default) the same call answers RETRY
 * and the task's next turn takes the frame (the test above).
 */
START_TEST(test_fair_direct_takes_its_page)
{
	struct run r;
	run_ram16_writer(&r, "", "big", 3000);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	s->cfg.sched_fair = true;
	uint32_t *held = calloc(RAM16_FRAMES, sizeof(*held));
	unsigned nheld = hold_down_to_min(s, held);
	p->pending_cpu = 0;
	uint64_t stalls = s->vm.allocstall, out = s->vm.pswpout, wait = 0;
	uint32_t f = zsim_mm_alloc_frame_round(s, p, &wait);
	ck_assert_uint_lt(f, RAM16_FRAMES);
	held[nheld++] = f;
	uint64_t freed = s->vm.pswpout - out;
	ck_assert_uint_ge(freed, 32);
	ck_assert_uint_le(freed, 63);
	ck_assert_uint_eq(s->vm.pgsteal_direct, freed);
	ck_assert_uint_eq(s->mm.nr_free, RAM16_MIN + freed - 1);
	ck_assert_uint_eq(s->vm.allocstall, stalls + 1);
	ck_assert(!p->direct.active);
	ck_assert_uint_lt(p->pending_cpu, 750000);
	release_held(s, held, nheld);
	mm_ok(s);
	run_free(&r);
}
END_TEST

/*
 * The fair scheduler's slice (sim/engine.c zsim_sched_slice), by hand.
 * 6.1 (CFS), one CPU: one process runnable, kswapd asleep: the whole 6 ms
 * period; kswapd awake: 6 / 2 = 3 ms; kswapd asleep on writeback: 6 ms
 * again; the process in its last turn's I/O wait, kswapd awake: kswapd
 * alone, 6 ms.  Four CPUs (factor 1 + log2 4 = 3): the two tasks fit one a
 * CPU, 18 ms.  6.6 (EEVDF): the base slice, 0.75 ms x factor: 0.75 ms on
 * one CPU, 2.25 ms on four, 3 ms on sixteen (the factor stops at 8 CPUs).
 */
START_TEST(test_sched_slice)
{
	struct run r;
	run_ram16_writer(&r, "", "big", 100);
	struct zsim_sim *s = &r.s;
	struct zsim_proc *p = &s->pr.procs[0];
	p->alive = true;
	p->idle = p->parked = p->waiting = false;
	p->blocked_from = p->blocked_to = 0;
	s->cfg.kp = zsim_kprofile_find("6.1");
	s->cfg.cpus = 1;
	ck_assert(!zsim_timer_busy(s, s->mm.kswapd_timer));
	ck_assert_uint_eq(zsim_sched_slice(s), 6000000);
	zsim_timer_kick(s, s->mm.kswapd_timer, s->clk.now);
	ck_assert(zsim_timer_busy(s, s->mm.kswapd_timer));
	ck_assert_uint_eq(zsim_sched_slice(s), 3000000);
	s->mm.share_asleep_until = s->clk.now + 1;
	ck_assert_uint_eq(zsim_sched_slice(s), 6000000);
	s->mm.share_asleep_until = 0;
	p->blocked_from = s->clk.now;
	p->blocked_to = s->clk.now + 1;
	ck_assert_uint_eq(zsim_sched_slice(s), 6000000);
	p->blocked_to = s->clk.now;   /* the wait is over: runnable again */
	ck_assert_uint_eq(zsim_sched_slice(s), 3000000);
	s->cfg.cpus = 4;
	ck_assert_uint_eq(zsim_sched_slice(s), 18000000);
	s->cfg.kp = zsim_kprofile_find("6.6");
	s->cfg.cpus = 1;
	ck_assert_uint_eq(zsim_sched_slice(s), 750000);
	s->cfg.cpus = 4;
	ck_assert_uint_eq(zsim_sched_slice(s), 2250000);
	s->cfg.cpus = 16;
	ck_assert_uint_eq(zsim_sched_slice(s), 3000000);
	run_free(&r);
}
END_TEST

Suite *suite_mm(void);
Suite *suite_mm(void)
{
	Suite *s = suite_create("mm");
	TCase *tc = tcase_create("mm");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_watermarks_by_ram);
	tcase_add_test(tc, test_watermarks_overrides);
	tcase_add_test(tc, test_lowmem_protect);
	tcase_add_test(tc, test_reclaim_scan_time);
	tcase_add_test(tc, test_new_anon_pages_and_zero_page);
	tcase_add_test(tc, test_swappiness_split);
	tcase_add_test(tc, test_oom_kills_trigger_and_wakes_parent);
	tcase_add_test(tc, test_page_tables_take_ram);
	tcase_add_test(tc, test_oom_victim_counts_swap);
	tcase_add_test(tc, test_swap_readahead);
	tcase_add_test(tc, test_swap_readahead_zswap);
	tcase_add_test(tc, test_workingset);
	tcase_add_test(tc, test_workingset_clock_counts_activations);
	tcase_add_test(tc, test_kswapd_aims_at_high);
	tcase_add_test(tc, test_content_time_absorbed);
	tcase_add_test(tc, test_major_fault_time);
	tcase_add_test(tc, test_major_fault_time_file);
	tcase_add_test(tc, test_swapcache_write_reuse);
	tcase_add_test(tc, test_zswap_sink_skips_swapcache);
	tcase_add_test(tc, test_file_event_costs);
	tcase_add_test(tc, test_file_pages_reclaim_in_rounds);
	tcase_add_test(tc, test_fallbacks_boost_watermarks);
	tcase_add_test(tc, test_kswapd_boost_target);
	tcase_add_test(tc, test_zbud_pages_unmovable);
	tcase_add_test(tc, test_tmpfs_limit);
	tcase_add_test(tc, test_tmpfs_slab);
	tcase_add_test(tc, test_tmpfs_file_bytes_config);
	tcase_add_test(tc, test_zram_store_fails_without_free_frame);
	tcase_add_test(tc, test_zram_write_refused_at_mem_limit);
	tcase_add_test(tc, test_zram_blk_lost_writes_at_mem_limit);
	tcase_add_test(tc, test_zram_blk_flusher_waits_or_reclaims_clean);
	tcase_add_test(tc, test_sleep_takes_time_not_cpu);
	tcase_add_test(tc, test_wake_park_hand_over);
	tcase_add_test(tc, test_cpu_bursts_sliced);
	tcase_add_test(tc, test_wake_counted_and_after_own_work);
	tcase_add_test(tc, test_park_forever_is_a_deadlock);
	tcase_add_test(tc, test_killed_process_passes_the_turn);
	tcase_add_test(tc, test_swap_cache);
	tcase_add_test(tc, test_swap_slot_seeds_many_high_halves);
	tcase_add_test(tc, test_swap_slots_rotational);
	tcase_add_test(tc, test_swap_zeromap);
	tcase_add_test(tc, test_swappiness0_global_reclaim_swaps);
	tcase_add_test(tc, test_direct_reclaim_round_then_retry);
	tcase_add_test(tc, test_fair_direct_takes_its_page);
	tcase_add_test(tc, test_sched_slice);
	tcase_add_test(tc, test_writeback_frees_after_completion);
	tcase_add_test(tc, test_writeback_page_fault_is_minor);
	tcase_add_test(tc, test_writeback_pages_freed_at_exit);
	tcase_add_test(tc, test_exit_clears_lists_whole);
	tcase_add_test(tc, test_writeback_direct_reclaim_waits);
	tcase_add_test(tc, test_writeback_direct_round_yields);
	tcase_add_test(tc, test_direct_round_turn);
	tcase_add_test(tc, test_direct_round_turn_counts_quantum);
	tcase_add_test(tc, test_kswapd_fair_share);
	suite_add_tcase(s, tc);
	return s;
}
