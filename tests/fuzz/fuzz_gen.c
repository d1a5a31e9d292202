/*
 * fuzz_gen.c - libFuzzer target: the trace generators' parameters.  The first
 * byte picks a generator; the rest, split at newlines, are its command-line
 * options (as after `zsim trace gen KIND`).  What the option parser accepts
 * is checked, prepared and generated into a temporary file with the events
 * capped (the real command's cap is 2^31), then the trace is finished and
 * read back to its end.  A finding is a crash, a sanitizer report, a hang, a
 * message that is empty or more than one line, or a generated trace the
 * reader refuses (the writer checks every event as the reader would).
 */
#include "traces/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 24
#define EVENT_CAP 20000

static const struct zsim_generator *const gens[] = {
	&zsim_gen_hogger, &zsim_gen_untar, &zsim_gen_kbuild, &zsim_gen_zipf, &zsim_gen_scan, &zsim_gen_appswitch,
};

static void one_line(const char *what, const char *msg)
{
	if (!msg[0] || strchr(msg, '\n')) {
		fprintf(stderr, "fuzz_gen: %s message is empty or not one line: '%s'\n", what, msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 2048)
		return 0;
	const struct zsim_generator *gen = gens[data[0] % (sizeof(gens) / sizeof(gens[0]))];
	char *text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	for (char *p = text, *nl; p && argc < MAX_ARGS; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		if (*p)
			argv[argc++] = p;
	}
	argv[argc] = NULL;
	void *opts = zsim_xcalloc(1, gen->opts_size);
	struct zsim_gen_cli cli;
	char err[512] = "";
	if (zsim_gen_parse(gen->opts, opts, argc, argv, false, &cli, err, sizeof(err)) < 0) {
		one_line("option", err);
		goto out;
	}
	if (cli.help)
		goto out;
	if (gen->check && gen->check(opts, err, sizeof(err)) < 0) {
		one_line("check", err);
		goto out;
	}
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	h.version = ZSIM_TRACE_VERSION;
	h.page_size = ZSIM_PAGE_SIZE;
	snprintf(h.generator, sizeof(h.generator), "%s", gen->name);
	h.seed = cli.seed;
	if (gen->prepare)
		gen->prepare(opts, &h);
	char path[64];
	snprintf(path, sizeof(path), "/tmp/fuzz_gen.%ld.trc", (long)getpid());
	struct zsim_trace_writer *w;
	if (zsim_trace_create(path, &h, &w, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_gen: cannot create %s: %s\n", path, err);
		abort();
	}
	struct zsim_gen g;
	zsim_gen_init(&g, w, cli.seed);
	g.max_events = EVENT_CAP;
	int rc = gen->run(&g, opts);
	if (rc < 0 || g.err) {
		one_line("generator", g.msg[0] ? g.msg : "(none)");
		zsim_trace_writer_abort(w);
		goto out;
	}
	if (zsim_trace_writer_finish(w, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_gen: finish: %s\n", err);
		abort();
	}
	struct zsim_trace_reader *r;
	if (zsim_trace_open(path, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz_gen: the generated trace does not open: %s\n", err);
		abort();
	}
	struct zsim_event ev;
	int e;
	while ((e = zsim_trace_next(r, &ev)) > 0)
		;
	if (e < 0) {
		fprintf(stderr, "fuzz_gen: the generated trace is refused: %s\n", zsim_trace_reader_error(r));
		abort();
	}
	zsim_trace_close(r);
	unlink(path);
out:
	free(opts);
	free(text);
	return 0;
}
