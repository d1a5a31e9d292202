/*
 * fuzz_run.c - libFuzzer target: the engine itself.  The first byte picks one
 * of a few small machines (16 MiB of RAM: zram, zswap over an SSD, zram with
 * writeback, dm-cache, a 3.12 profile with zbud), the rest is a binary trace
 * (what `zsim trace pack` writes).  The trace is simulated with the model
 * invariants checked after every step (`--check`) and a step cap, then the
 * summary is built.  A finding is a crash, a sanitizer report, a hang past
 * libFuzzer's -timeout, a broken invariant, or an error message that is empty
 * or more than one line.  A trace the reader refuses partway is simulated up
 * to the bad event (which is how most mutated inputs end), so the engine sees
 * every prefix of a valid trace.
 */
#include "sim/results.h"
#include "sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STEP_CAP 1500   /* queue steps; with --check each walks the 4096 frames */

static const char *const machines[] = {
	"{\"machine\":{\"ram\":\"16M\",\"cpus\":2,\"kernel_reserve\":\"4M\"},"
	"\"devices\":{\"zram0\":{\"type\":\"zram\",\"size\":\"4M\"}},"
	"\"swap\":[{\"device\":\"zram0\",\"priority\":100}],"
	"\"filesystems\":{\"src\":{\"type\":\"tmpfs\",\"size\":\"2M\"},\"tmp\":{\"type\":\"tmpfs\"}}}",

	"{\"machine\":{\"ram\":\"16M\",\"cpus\":1,\"kernel_reserve\":\"4M\"},"
	"\"devices\":{\"ssdswap\":{\"type\":\"ssd\",\"size\":\"8M\"},\"disk\":{\"type\":\"ssd\",\"size\":\"2M\"}},"
	"\"swap\":[{\"device\":\"ssdswap\",\"priority\":10}],"
	"\"filesystems\":{\"src\":{\"type\":\"block\",\"device\":\"disk\"},\"tmp\":{\"type\":\"tmpfs\"}},"
	"\"zswap\":{\"enabled\":true}}",

	"{\"machine\":{\"ram\":\"16M\",\"cpus\":2,\"kernel_reserve\":\"4M\"},"
	"\"devices\":{\"zram0\":{\"type\":\"zram\",\"size\":\"8M\",\"backing_dev\":\"back\","
	"\"writeback\":{\"mode\":\"idle\",\"idle_age\":\"1s\",\"interval\":\"1s\"}},"
	"\"back\":{\"type\":\"ssd\",\"size\":\"4M\"},\"disk\":{\"type\":\"hdd\",\"size\":\"4M\"}},"
	"\"swap\":[{\"device\":\"zram0\",\"priority\":100}],"
	"\"filesystems\":{\"src\":{\"type\":\"block\",\"device\":\"disk\"}}}",

	"{\"kernel\":\"3.12\",\"machine\":{\"ram\":\"16M\",\"cpus\":2,\"kernel_reserve\":\"4M\"},"
	"\"devices\":{\"dm0\":{\"type\":\"dmcache\",\"size\":\"8M\",\"cache_dev\":\"zram0\",\"origin_dev\":\"hdd0\","
	"\"metadata_dev\":\"zram2\"},\"zram0\":{\"type\":\"zram\",\"size\":\"2M\"},\"hdd0\":{\"type\":\"hdd\",\"size\":\"8M\"},"
	"\"zram2\":{\"type\":\"zram\",\"size\":\"5M\"},\"zram1\":{\"type\":\"zram\",\"size\":\"4M\"}},"
	"\"swap\":[{\"device\":\"dm0\",\"priority\":100}],"
	"\"filesystems\":{\"src\":{\"type\":\"block\",\"device\":\"zram1\"}}}",

	"{\"kernel\":\"6.6\",\"machine\":{\"ram\":\"16M\",\"cpus\":3,\"kernel_reserve\":\"4M\"},"
	"\"devices\":{\"ssdswap\":{\"type\":\"nvram\",\"size\":\"4M\"}},"
	"\"swap\":[{\"device\":\"ssdswap\",\"priority\":10}],"
	"\"filesystems\":{\"src\":{\"type\":\"tmpfs\"}},"
	"\"zswap\":{\"enabled\":true,\"zpool\":\"z3fold\"}}",
};
#define NR_MACHINES (sizeof(machines) / sizeof(machines[0]))

static struct zsim_config cfgs[NR_MACHINES];
static bool loaded;

static void one_line(const char *what, const char *msg)
{
	if (!msg[0] || strchr(msg, '\n')) {
		fprintf(stderr, "fuzz_run: %s message is empty or not one line: '%s'\n", what, msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024] = "";
	if (!loaded) {
		for (size_t i = 0; i < NR_MACHINES; i++)
			if (zsim_config_parse(machines[i], "fuzz.json", &cfgs[i], err, sizeof(err)) < 0) {
				fprintf(stderr, "fuzz_run: machine %zu: %s\n", i, err);
				abort();
			}
		loaded = true;
	}
	if (size < 1)
		return 0;
	struct zsim_sim *s = zsim_xmalloc(sizeof(*s));
	if (zsim_sim_init(s, &cfgs[data[0] % NR_MACHINES], err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_run: init: %s\n", err);
		abort();
	}
	s->check = true;
	s->max_steps = STEP_CAP;
	int rc = zsim_sim_add_trace_mem(s, data + 1, size - 1, "fuzz.trc", err, sizeof(err));
	if (rc < 0) {
		one_line("open", err);
	} else {
		rc = zsim_sim_run(s, err, sizeof(err));
		if (rc == ZSIM_ECORRUPT) {
			fprintf(stderr, "fuzz_run: %s\n", err);
			abort();
		}
		if (rc < 0)
			one_line("run", err);
		struct zsim_run_info ri;
		memset(&ri, 0, sizeof(ri));
		const char *traces[1] = { "fuzz.trc" };
		ri.trace_names = traces;
		ri.out_dir = "fuzz-out";
		ri.interrupted = rc < 0;
		json_t *sum = zsim_summary(s, &ri);
		json_decref(sum);
	}
	zsim_sim_free(s);
	free(s);
	return 0;
}
