/*
 * trace.h - zsim's workload traces: the event model, and the reader and writer
 * of the native format (traces/FORMAT.md describes the bytes).
 *
 * A trace is a header and a stream of events.  Pids and file ids are local to
 * the trace, so several traces can run together as independent process groups.
 * Page content is a reference (a synthetic class and seed, or a page of a
 * corpus file named in the header), never the bytes themselves.
 *
 * Errors from the reader name the file, the byte offset and the event number
 * (zsim_trace_reader_error()); models never see a malformed event.
 */
#ifndef ZSIM_TRACE_H
#define ZSIM_TRACE_H

#include "../core/zsim.h"
#include "content.h"

#define ZSIM_TRACE_VERSION 1

enum zsim_ev_kind {
	ZSIM_EV_PROC_CREATE = 1, /* pid, ppid, name: a process starts (ppid 0: none) */
	ZSIM_EV_PROC_EXIT,       /* pid: the process ends; its memory is freed */
	ZSIM_EV_WAIT,            /* pid waits until `target` has exited (0: all its children) */
	ZSIM_EV_MAP,             /* pid, page, npages, map: a mapping appears (file: file, file_page) */
	ZSIM_EV_UNMAP,           /* pid, page, npages */
	ZSIM_EV_ACCESS,          /* pid, page, write (+content when write) */
	ZSIM_EV_FILE_CREATE,     /* pid, file, fs, name: a file appears on filesystem fs */
	ZSIM_EV_FILE_READ,       /* pid, file, page: through the page cache */
	ZSIM_EV_FILE_WRITE,      /* pid, file, page, content */
	ZSIM_EV_FILE_TRUNCATE,   /* pid, file, npages: new size in pages */
	ZSIM_EV_FILE_UNLINK,     /* pid, file */
	ZSIM_EV_CPU,             /* pid, ns: CPU work before the process's next event */
	ZSIM_EV_SLEEP,           /* pid, ns: the process sleeps (no CPU) before its next event */
	ZSIM_EV_WAKE,            /* pid, target: once pid's work before it is done, target may pass a park */
	ZSIM_EV_PARK,            /* pid: sleeps until a wake addressed to it (one kept from before counts) */
	ZSIM_EV_KIND_MAX,
};

enum zsim_map_kind {
	ZSIM_MAP_ANON = 0,    /* private anonymous: swap-backed */
	ZSIM_MAP_FILE = 1,    /* file-backed (page cache) */
	ZSIM_MAP_SHMEM = 2,   /* shared anonymous / tmpfs: swap-backed */
};

/* What a written page holds: struct zsim_content_ref, in traces/content.h. */

struct zsim_event {
	uint8_t kind;      /* enum zsim_ev_kind */
	uint8_t write;     /* ACCESS: 1 for a write */
	uint8_t map;       /* MAP: enum zsim_map_kind */
	uint32_t pid;      /* trace-local, > 0 */
	uint32_t target;   /* PROC_CREATE: parent pid; WAIT: the pid waited for (0: all children);
			    * WAKE: the pid woken (> 0) */
	uint32_t file;     /* trace-local file id, > 0 */
	uint32_t fs;       /* FILE_CREATE: index into the header's filesystem names */
	uint64_t page;     /* virtual page number, or page within the file */
	uint64_t npages;   /* MAP, UNMAP, FILE_TRUNCATE */
	uint64_t file_page;/* MAP of a file: first file page mapped */
	uint64_t ns;       /* CPU, SLEEP */
	struct zsim_content_ref content;  /* ACCESS with write, FILE_WRITE */
	const char *name;  /* PROC_CREATE, FILE_CREATE: valid until the next call on the reader */
};

#define ZSIM_TRACE_MAX_FS 16
#define ZSIM_TRACE_NAME_MAX 255          /* bytes of a process or file name (no NUL) */
#define ZSIM_TRACE_MAX_CONTENT (1u << 20) /* entries of the header's content table */
#define ZSIM_TRACE_MAX_NS (1ull << 50)    /* ns of one cpu or sleep event (13 days) */
#define ZSIM_TRACE_MAX_PAGES (1ull << 52)      /* virtual page numbers: a 64-bit address space
						* of 4 KiB pages (the simulator keeps 52 bits) */
#define ZSIM_TRACE_MAX_FILE_PAGES (1ull << 51) /* pages of a file: 2^63 bytes, the largest file
						* Linux allows (MAX_LFS_FILESIZE) */

struct zsim_trace_header {
	uint32_t version;
	uint32_t page_size;         /* 4096 */
	char generator[64];         /* "kbuild", "hogger", "import-lackey", ... */
	uint64_t seed;
	uint64_t flags;
	char corpus[256];           /* corpus file for ZSIM_CONTENT_CORPUS pages, "" if none */
	uint32_t nr_fs;
	char fs[ZSIM_TRACE_MAX_FS][32];  /* filesystem names the trace uses ("src", "tmp") */
	/*
	 * Optional content table: contents that writes name by index (FORMAT.md).
	 * Writer: the caller's array, copied at create.  Reader: owned by the
	 * reader, valid until close.  Events always carry the resolved content.
	 */
	uint32_t nr_content;
	const struct zsim_content_ref *content;
};

struct zsim_trace_reader;
struct zsim_trace_writer;

/*
 * Open a trace for reading ("-" = standard input; .trc.zst is decompressed
 * transparently).  On error returns ZSIM_E* and writes one line naming the file
 * and what is wrong into err.
 */
int zsim_trace_open(const char *path, struct zsim_trace_reader **out, char *err, size_t errlen);
/*
 * The same over bytes in memory (plain or zstd); `name` stands for the file in
 * messages.  pre: data stays valid and unchanged until zsim_trace_close().
 */
int zsim_trace_open_mem(const void *data, size_t len, const char *name,
			struct zsim_trace_reader **out, char *err, size_t errlen);
const struct zsim_trace_header *zsim_trace_reader_header(const struct zsim_trace_reader *r);
/*
 * Next event: returns 1 and fills *ev, 0 at the end, or a negative ZSIM_E* code
 * with the message in zsim_trace_reader_error() ("FILE: offset N, event M: ...").
 * Cost: a few ns per event; no allocation in steady state.
 */
int zsim_trace_next(struct zsim_trace_reader *r, struct zsim_event *ev);
/*
 * Batch reading, for replay: the accesses that come next in the trace, as long
 * as each is by `pid` and says so with the format's "same pid" bit (FORMAT.md),
 * decoded straight into the caller's records: out, then every `stride` bytes
 * (a caller's queue entry may carry more than the access), at most max.
 * Returns how many (0: the next event is anything else, or the end; read it
 * with zsim_trace_next()), or a negative ZSIM_E* code when the first of them
 * is malformed; an error after good ones is returned by the next call.  Each
 * event is decoded and checked by the same code as in zsim_trace_next(), so
 * the two may be mixed freely and give the same events.
 */
struct zsim_trace_access {
	uint64_t page;
	uint64_t seed;               /* write: the content's seed (0 for a read) */
	uint8_t kind;                /* ZSIM_EV_ACCESS (a caller's queue may hold other kinds) */
	uint8_t write, cls, param;   /* write: 1, and the content's class and param (0 for a read) */
	uint32_t file;               /* not set by the reader: room a caller's queue may use */
};
int zsim_trace_next_accesses(struct zsim_trace_reader *r, uint32_t pid, void *out, size_t stride, unsigned max);
const char *zsim_trace_reader_error(const struct zsim_trace_reader *r);
uint64_t zsim_trace_reader_events(const struct zsim_trace_reader *r);
uint64_t zsim_trace_reader_offset(const struct zsim_trace_reader *r);
void zsim_trace_close(struct zsim_trace_reader *r);

/*
 * Create a trace ("-" = standard output).  The file is written to a temporary
 * name and renamed into place by zsim_trace_writer_finish(), so a failed or
 * interrupted write leaves nothing behind.  A path ending in .zst is compressed.
 */
int zsim_trace_create(const char *path, const struct zsim_trace_header *h,
		      struct zsim_trace_writer **out, char *err, size_t errlen);
/* path NULL: a writer that encodes and checks every event but writes nothing
 * (zsim_trace_writer_offset() counts the bytes; finish closes it). */

/*
 * Append one event.  The writer checks it as the reader would (pid created and
 * alive, file created, fs index, content class...), so a trace it finishes is
 * always readable.  Returns 0, ZSIM_EFORMAT (the event is invalid; nothing is
 * written) or ZSIM_ESYS; the message, without file name, in
 * zsim_trace_writer_error().  Cost: a few ns; no allocation in steady state.
 */
int zsim_trace_write(struct zsim_trace_writer *w, const struct zsim_event *ev);
const char *zsim_trace_writer_error(const struct zsim_trace_writer *w);
/* Bytes of the event stream so far (before compression), header included. */
uint64_t zsim_trace_writer_offset(const struct zsim_trace_writer *w);
/* Flush, close and rename into place; 0 or ZSIM_E* with the message in err. */
int zsim_trace_writer_finish(struct zsim_trace_writer *w, char *err, size_t errlen);
/* Drop a trace being written: close and remove the temporary file. */
void zsim_trace_writer_abort(struct zsim_trace_writer *w);

/* The text form's end marker line for a text of `events` events ("#end N\n");
 * returns its length.  pre: buf holds 32 bytes. */
size_t zsim_trace_text_format_end(uint64_t events, char *buf);

/* Text name of a kind ("create", "access", ...), "?" if unknown; and back (0 if unknown). */
const char *zsim_ev_kind_name(unsigned kind);
unsigned zsim_ev_kind_parse(const char *name);

/*
 * The text form (traces/trace_text.c; FORMAT.md "Text form"): one event per
 * line, header in `#zsim-trace` and `#content` lines.  The text reader checks
 * syntax only; feed its events to a writer for the semantic checks.
 */
struct zsim_trace_text;
#define ZSIM_TRACE_TEXT_LINE_MAX 1024   /* longest line the formatter writes */
/* Open ("-" = stdin) and read the header lines; errors "FILE:LINE: what" in err. */
int zsim_trace_text_open(const char *path, struct zsim_trace_text **out, char *err, size_t errlen);
int zsim_trace_text_open_mem(const void *data, size_t len, const char *name,
			     struct zsim_trace_text **out, char *err, size_t errlen);
const struct zsim_trace_header *zsim_trace_text_header(const struct zsim_trace_text *t);
/* 1 and *ev, 0 at the end, or ZSIM_EFORMAT / ZSIM_ESYS with "FILE:LINE: what". */
int zsim_trace_text_next(struct zsim_trace_text *t, struct zsim_event *ev);
const char *zsim_trace_text_error(const struct zsim_trace_text *t);
uint64_t zsim_trace_text_line(const struct zsim_trace_text *t);   /* line of the last event */
void zsim_trace_text_close(struct zsim_trace_text *t);
/* The header lines, each ending in '\n', as one malloc'd string. */
char *zsim_trace_text_format_header(const struct zsim_trace_header *h);
/* One event as a line with its '\n' into buf (>= ZSIM_TRACE_TEXT_LINE_MAX); returns its length. */
size_t zsim_trace_text_format(const struct zsim_event *ev, char *buf);
/* Content as text: "text:42", "ratio/25:7"; into buf (>= 48 bytes); returns the length. */
size_t zsim_content_ref_format(const struct zsim_content_ref *c, char *buf);
int zsim_content_ref_parse(const char *s, struct zsim_content_ref *out);

#endif
