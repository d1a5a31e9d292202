/*
 * import.c - `zsim trace import FORMAT [options] [-o FILE] INPUT|-`: the
 * importers' phone book and the input they read (a file or standard input,
 * zstd-decompressed when it starts with the zstd magic number, whatever its
 * name).  Errors are one line, "zsim trace import FORMAT: INPUT...: what",
 * and a half-written trace is dropped.  Without -o the trace goes to standard
 * output.
 */
#include "gen.h"
#include "../core/units.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define IN_CHUNK     (1u << 20)
#define LINE_MAX_LEN (1u << 20)
#define ZSTD_MAGIC_BYTES "\x28\xb5\x2f\xfd"

static const struct zsim_importer *const importers[] = {
	&zsim_import_lackey,
	&zsim_import_oracle,
};

struct zsim_import_in {
	const char *name;
	int fd;
	ZSTD_DCtx *dctx;             /* NULL: plain input */
	uint8_t *raw;                /* compressed bytes read, not yet decompressed */
	size_t raw_len, raw_pos;
	bool raw_eof;
	uint8_t *buf;                /* bytes for the caller */
	size_t len, pos;
	uint64_t offset, lineno;
	char *line;
	size_t line_cap;
	char err[320];
};

static int in_sysfail(struct zsim_import_in *in)
{
	snprintf(in->err, sizeof(in->err), "%s: %s", in->name, strerror(errno));
	return ZSIM_ESYS;
}

static int raw_fill(struct zsim_import_in *in)
{
	if (in->raw_pos < in->raw_len || in->raw_eof)
		return 0;
	ssize_t n;
	do
		n = read(in->fd, in->raw, IN_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return in_sysfail(in);
	in->raw_len = (size_t)n;
	in->raw_pos = 0;
	in->raw_eof = n == 0;
	return 0;
}

/* Make in->buf hold unread bytes; returns 1, 0 at the end, or an error. */
static int in_fill(struct zsim_import_in *in)
{
	if (in->pos < in->len)
		return 1;
	in->pos = in->len = 0;
	while (in->len == 0) {
		int rc = raw_fill(in);
		if (rc < 0)
			return rc;
		if (!in->dctx) {
			if (in->raw_eof)
				return 0;
			/* plain: hand the raw chunk over by swapping buffers */
			uint8_t *t = in->buf;
			in->buf = in->raw;      /* raw_pos is 0: plain input never advances it */
			in->len = in->raw_len;
			in->raw = t;
			in->raw_pos = in->raw_len = 0;
			return 1;
		}
		if (in->raw_eof)
			return 0;   /* a frame cut short is reported by the caller's record checks */
		ZSTD_inBuffer zi = { in->raw, in->raw_len, in->raw_pos };
		ZSTD_outBuffer zo = { in->buf, IN_CHUNK, 0 };
		size_t r = ZSTD_decompressStream(in->dctx, &zo, &zi);
		if (ZSTD_isError(r)) {
			snprintf(in->err, sizeof(in->err), "%s: zstd: %s", in->name, ZSTD_getErrorName(r));
			return ZSIM_EFORMAT;
		}
		in->raw_pos = zi.pos;
		in->len = zo.pos;
	}
	return 1;
}

long zsim_import_read(struct zsim_import_in *in, void *dst, size_t n)
{
	size_t got = 0;
	while (got < n) {
		int rc = in_fill(in);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		size_t k = in->len - in->pos < n - got ? in->len - in->pos : n - got;
		memcpy((uint8_t *)dst + got, in->buf + in->pos, k);
		in->pos += k;
		got += k;
	}
	in->offset += got;
	return (long)got;
}

int zsim_import_getline(struct zsim_import_in *in, char **line, size_t *len)
{
	size_t n = 0;
	for (;;) {
		int rc = in_fill(in);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (n == 0)
				return 0;
			break;
		}
		uint8_t *start = in->buf + in->pos;
		uint8_t *nl = memchr(start, '\n', in->len - in->pos);
		size_t k = nl ? (size_t)(nl - start) : in->len - in->pos;
		if (n + k + 1 > LINE_MAX_LEN) {
			snprintf(in->err, sizeof(in->err), "%s:%llu: line longer than %u bytes", in->name,
				 (unsigned long long)in->lineno + 1, LINE_MAX_LEN);
			return ZSIM_EFORMAT;
		}
		if (n + k + 1 > in->line_cap) {
			in->line_cap = (n + k + 1) * 2;
			in->line = zsim_xrealloc(in->line, in->line_cap);
		}
		memcpy(in->line + n, start, k);
		n += k;
		in->pos += k + (nl ? 1 : 0);
		in->offset += k + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (n && in->line[n - 1] == '\r')
		n--;
	in->line[n] = '\0';
	in->lineno++;
	*line = in->line;
	*len = n;
	return 1;
}

uint64_t zsim_import_offset(const struct zsim_import_in *in) { return in->offset; }
uint64_t zsim_import_lineno(const struct zsim_import_in *in) { return in->lineno; }
const char *zsim_import_name(const struct zsim_import_in *in) { return in->name; }
const char *zsim_import_error(const struct zsim_import_in *in) { return in->err; }

static int in_open(const char *path, struct zsim_import_in **out, char *err, size_t errlen)
{
	struct zsim_import_in *in = zsim_xcalloc(1, sizeof(*in));
	in->name = path;
	in->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(in);
		return ZSIM_ESYS;
	}
	in->raw = zsim_xmalloc(IN_CHUNK);
	in->buf = zsim_xmalloc(IN_CHUNK);
	if (raw_fill(in) < 0) {
		snprintf(err, errlen, "%s", in->err);
		if (in->fd != STDIN_FILENO)
			close(in->fd);
		free(in->raw);
		free(in->buf);
		free(in);
		return ZSIM_ESYS;
	}
	if (in->raw_len >= 4 && memcmp(in->raw, ZSTD_MAGIC_BYTES, 4) == 0) {
		in->dctx = ZSTD_createDCtx();
		if (!in->dctx) {
			fprintf(stderr, "zsim: ZSTD_createDCtx failed\n");
			abort();
		}
	}
	*out = in;
	return 0;
}

static void in_close(struct zsim_import_in *in)
{
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	ZSTD_freeDCtx(in->dctx);
	free(in->raw);
	free(in->buf);
	free(in->line);
	free(in);
}

static void list_formats(char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(importers) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", importers[i]->name);
}

int zsim_trace_import(int argc, char **argv)
{
	char names[128];
	list_formats(names, sizeof(names));
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: zsim trace import FORMAT [options] [-o FILE] INPUT|-\nFORMAT: %s\n"
			"`zsim trace import FORMAT --help` lists a format's options.\n", names);
		return argc < 2 ? ZSIM_EXIT_USAGE : ZSIM_EXIT_OK;
	}
	const struct zsim_importer *imp = NULL;
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(importers); i++)
		if (strcmp(importers[i]->name, argv[1]) == 0)
			imp = importers[i];
	if (!imp) {
		fprintf(stderr, "zsim trace import: unknown format '%s' (known: %s)\n", argv[1], names);
		return ZSIM_EXIT_USAGE;
	}
	void *opts = zsim_xcalloc(1, imp->opts_size ? imp->opts_size : 1);
	struct zsim_gen_cli cli;
	char err[512];
	int status = ZSIM_EXIT_USAGE;
	struct zsim_import_in *in = NULL;
	if (zsim_gen_parse(imp->opts, opts, argc - 2, argv + 2, true, &cli, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace import %s: %s\n", imp->name, err);
		goto out;
	}
	if (cli.help) {
		printf("usage: zsim trace import %s [options] [-o FILE] INPUT|-\n%s\noptions:\n",
		       imp->name, imp->help);
		zsim_gen_print_opts(stdout, imp->opts);
		printf("  %-24s %s\n  %-24s %s\n", "--seed N", "seed of the content of written pages (default 1)",
		       "-o FILE", "output trace (default: standard output; .zst: compressed)");
		status = ZSIM_EXIT_OK;
		goto out;
	}
	if (!cli.input) {
		fprintf(stderr, "zsim trace import %s: no INPUT given (a file, or - for standard input)\n",
			imp->name);
		goto out;
	}
	status = ZSIM_EXIT_ERROR;
	if (in_open(cli.input, &in, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace import %s: %s\n", imp->name, err);
		goto out;
	}
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	h.version = ZSIM_TRACE_VERSION;
	h.page_size = ZSIM_PAGE_SIZE;
	snprintf(h.generator, sizeof(h.generator), "import-%s", imp->name);
	h.seed = cli.seed;
	const char *output = cli.output ? cli.output : "-";
	struct zsim_trace_writer *w;
	if (zsim_trace_create(output, &h, &w, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace import %s: %s\n", imp->name, err);
		goto out;
	}
	struct zsim_gen g;
	zsim_gen_init(&g, w, cli.seed);
	int rc = imp->run(&g, opts, in);
	if (rc < 0 || g.err) {
		if (!g.err)
			zsim_gen_fail(&g, rc, "%s: %s", cli.input, zsim_strerror(rc));
		zsim_trace_writer_abort(w);
		fprintf(stderr, "zsim trace import %s: %s\n", imp->name, g.msg);
		goto out;
	}
	if (zsim_trace_writer_finish(w, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim trace import %s: %s\n", imp->name, err);
		goto out;
	}
	if (cli.verbose)
		fprintf(stderr, "zsim trace import %s: %llu events from %s\n", imp->name,
			(unsigned long long)g.events, cli.input);
	status = ZSIM_EXIT_OK;
out:
	if (in)
		in_close(in);
	free(opts);
	return status;
}
