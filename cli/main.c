/*
 * main.c - the zsim command: the subcommands' phone book, `zsim --help` and
 * `zsim help [COMMAND...]`, --list, --version.
 *
 * The run command is the default: `zsim --trace T --config C` is `zsim run
 * --trace T --config C`, so any first argument that is an option (other than
 * --help, --list, --version) starts a run, with its options in any order.
 * `zsim help CMD ARGS...` is `zsim CMD ARGS... --help`: each command prints
 * its own help, from its option table where it has one.
 */
#include "cli.h"
#include "compare.h"
#include "sweep.h"
#include "../codecs/codec.h"
#include "../traces/content.h"
#include "../core/kprofile.h"
#include "../allocators/allocator.h"
#include "../tiers/tier.h"
#include "../policies/reclaim.h"
#include "../traces/gen.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/results.h"
#define ZSIM_VERSION ZSIM_VERSION_STRING

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	const char *args;
	const char *summary;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", "[run options]", "replay traces on a configured machine (the default command)", zsim_cmd_run },
	{ "fill", "[options] CORPUS", "write a page corpus to a simulated zram device, print mm_stat", zsim_cmd_fill },
	{ "corpus", "CLASS --pages N -o FILE", "write a synthetic page corpus (raw 4096-byte pages)", zsim_cmd_corpus },
	{ "calibrate", "[--zram DEV | --mm] [--pages N] [-o FILE]",
	  "measure this machine's codecs per page (a config's \"codec_time\"); --zram: the kernel's, through a zram; --mm: fault and access costs",
	  zsim_cmd_calibrate },
	{ "trace", "VERB ...", "make, convert and inspect traces: pack, dump, stat, gen KIND, import FORMAT",
	  zsim_cmd_trace },
	{ "compare", "A B [C...] [--fail-on RULES]", "results side by side with differences and ratios; a CI gate",
	  zsim_cmd_compare },
	{ "plot", "DIR [DIR...] [-o DIR]", "plots of one or several runs (gnuplot; PNG and SVG)", zsim_cmd_plot },
	{ "report", "DIR [DIR...] -o FILE", "one offline HTML file: summary, comparison, plots, config",
	  zsim_cmd_report },
	{ "sweep", "SPEC.json [-j N] [--emit K]", "a grid of configs x traces x seeds on every core; one merged table",
	  zsim_cmd_sweep },
	{ "plan", "--vary K=V.. --goal G..", "the cheapest configs of a board meeting goals (RAM, zram, codec...)",
	  zsim_cmd_plan },
	{ "play", "[options] TRACE...", "run traces against this machine's kernel; record its counters as zsim does",
	  zsim_cmd_play },
	{ "help", "[COMMAND...]", "this help, or a command's (zsim help trace gen hogger)", cmd_help },
};

static void command_names(char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(commands) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", commands[i].name);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: zsim [run] --trace FILE [--trace FILE...] --config FILE [run options]\n"
		"       zsim COMMAND [options]\n"
		"       zsim --list | --version | --help\n"
		"commands:\n");
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(commands); i++) {
		char left[64];
		snprintf(left, sizeof(left), "%s %s", commands[i].name, commands[i].args);
		fprintf(out, "  %-34s %s\n", left, commands[i].summary);
	}
	fprintf(out, "run options (in any order):\n");
	zsim_opt_print(out, zsim_run_opts);
	fprintf(out,
		"other options:\n"
		"  %-24s %s\n  %-24s %s\n"
		"`zsim help COMMAND` or `zsim COMMAND --help` describes a command; man zsim has it all.\n",
		"--list", "every family and its members (codecs, allocators, tiers, kernels)",
		"--version", "print the version");
}

/* `zsim help [COMMAND [ARGS...]]`: COMMAND ARGS... --help. */
static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return ZSIM_EXIT_OK;
	}
	const struct command *c = find_command(argv[1]);
	if (!c) {
		char names[128];
		command_names(names, sizeof(names));
		fprintf(stderr, "zsim help: unknown command '%s' (known: %s)\n", argv[1], names);
		return ZSIM_EXIT_USAGE;
	}
	if (c->fn == cmd_help) {
		usage(stdout);
		return ZSIM_EXIT_OK;
	}
	char **av = zsim_xcalloc((size_t)argc + 1, sizeof(*av));
	for (int i = 1; i < argc; i++)
		av[i - 1] = argv[i];
	av[argc - 1] = (char *)"--help";
	int rc = c->fn(argc, av);
	free(av);
	return rc;
}

static void list_all(void)
{
	char buf[512];
	zsim_codec_names(buf, sizeof(buf));
	printf("codecs: %s\n", buf);
	zsim_allocator_names(buf, sizeof(buf));
	printf("allocators: %s\n", buf);
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < zsim_tier_count(); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? ", " : "",
					zsim_tier_at(i)->name);
	printf("tiers: %s\n", buf);
	zsim_reclaim_names(buf, sizeof(buf));
	printf("reclaim policies: %s\n", buf);
	zsim_content_names(buf, sizeof(buf));
	printf("content classes: %s\n", buf);
	zsim_gen_names(buf, sizeof(buf));
	printf("trace generators: %s\n", buf);
	printf("trace importers: lackey, oracle\n");
	zsim_tier_type_names(NULL, 0, buf, sizeof(buf));
	printf("device types: %s (each type's keys and defaults below)\n", buf);
	zsim_kprofile_names(buf, sizeof(buf));
	printf("kernel profiles: %s (default %s)\n", buf, zsim_kprofile_default()->name);
	zsim_tier_print_types(stdout);
}

/* Under AddressSanitizer, an allocation too large for the machine returns
 * NULL (as malloc does), so the build with sanitizers exits with
 * ZSIM_EXIT_NOMEM like the plain one instead of reporting it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static int run_command(int argc, char **argv);

/*
 * The C library's defaults give a block of 128 KiB or more its own mapping,
 * freed back to the kernel when it is freed, and return the heap's free top
 * past 128 KiB: a run's growing queues (a process reads ahead while its
 * parent waits) then take fresh pages from the kernel again and again, each
 * a page fault and a zeroed page.  Keeping blocks up to 32 MiB on the heap
 * and 256 MiB of free heap took the main job's page faults from 22 k to 17 k
 * and its CPU time down by a tenth (medians of 9 runs; README, speed).  Only
 * speed: no result depends on where memory comes from.
 */
static void malloc_tune(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

/* stdout must have reached its file: a full disk or a closed pipe is an
 * error, not a silent success (zsim trace dump > /dev/full). */
int main(int argc, char **argv)
{
	malloc_tune();
	zsim_signals_install(NULL);
	int rc = run_command(argc, argv);
	errno = 0;
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) {
		fprintf(stderr, "zsim: standard output: write error: %s\n", strerror(errno ? errno : EIO));
		zsim_tmp_cleanup();
		return ZSIM_EXIT_ERROR;
	}
	return rc;
}

static int run_command(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return ZSIM_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return ZSIM_EXIT_OK;
	}
	if (strcmp(cmd, "--list") == 0) {
		list_all();
		return ZSIM_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("zsim %s\n", ZSIM_VERSION);
		return ZSIM_EXIT_OK;
	}
	if (cmd[0] == '-')
		return zsim_cmd_run(argc, argv);   /* argv[0] stands for "run" */
	const struct command *c = find_command(cmd);
	if (!c) {
		char names[128];
		command_names(names, sizeof(names));
		fprintf(stderr, "zsim: unknown command '%s' (known: %s; zsim --help)\n", cmd, names);
		return ZSIM_EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
