/*
 * zsim.h - what every part of zsim shares: the page size, error codes, and the
 * allocation helpers of the simulator itself.
 *
 * Errors follow the LMDB convention: functions return 0 or a negative ZSIM_E*
 * code, and zsim_strerror() names it.  Models never print and never exit; the
 * boundary (CLI, config reader, trace reader) turns a code into one clear line.
 *
 * The simulator's own memory allocation does not fail quietly: zsim_xmalloc and
 * friends print one line and exit with ZSIM_EXIT_NOMEM (temporary files
 * removed, see zsim.c), because a simulator that silently loses state gives
 * wrong answers.  Simulated memory exhaustion (no free frame, a full
 * device) is a result, reported through the ZSIM_E* codes, never through these.
 */
#ifndef ZSIM_H
#define ZSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ZSIM_PAGE_SHIFT 12
#define ZSIM_PAGE_SIZE  (1u << ZSIM_PAGE_SHIFT)   /* x86-64 base page, 4 KiB */

enum zsim_err {
	ZSIM_OK       = 0,
	ZSIM_EINVAL   = -1,  /* bad argument or parameter */
	ZSIM_ENOMEM   = -2,  /* simulated: no frame, or a memory limit refused it */
	ZSIM_ENOSPC   = -3,  /* simulated: device or filesystem full; object too large */
	ZSIM_EIO      = -4,  /* simulated: the device failed the I/O */
	ZSIM_ENOENT   = -5,  /* unknown name, missing file */
	ZSIM_ERANGE   = -6,  /* index or value out of range */
	ZSIM_EFORMAT  = -7,  /* malformed input */
	ZSIM_ENOTSUP  = -8,  /* not available in this kernel profile */
	ZSIM_ECORRUPT = -9,  /* a model's check() found a broken invariant */
	ZSIM_ESYS     = -10, /* an operating-system call failed; see errno */
	ZSIM_EAGAIN   = -11, /* simulated: not now (a page reclaim must leave where it is) */
};

/* Exit statuses of the zsim binary. */
enum {
	ZSIM_EXIT_OK = 0,
	ZSIM_EXIT_ERROR = 1,     /* bad input: file, config, trace */
	ZSIM_EXIT_USAGE = 2,     /* bad command line */
	ZSIM_EXIT_WRITE_FAIL = 3,/* the simulated device refused a write (zsim fill) */
	ZSIM_EXIT_OUTCOME = 4,   /* the run completed, but the OOM killer fired or writes were lost */
	ZSIM_EXIT_REGRESSION = 5,/* zsim compare --fail-on: a rule was violated */
	ZSIM_EXIT_NOMEM = 6,     /* the simulator itself ran out of memory (or would, by its estimate) */
	/* A run ended by a signal exits 128 + the signal's number (130 SIGINT, 143 SIGTERM). */
};

/* Make a message one line: control characters (a newline in a name read from
 * input, say) become '?'.  Returns s. */
char *zsim_one_line(char *s);

/* Name of an error code; never NULL. */
const char *zsim_strerror(int err);

/* Allocation for the simulator's own state: never returns NULL (on failure,
 * zsim_nomem: one line, temporary files removed, exit ZSIM_EXIT_NOMEM). */
void *zsim_xmalloc(size_t n);
void *zsim_xcalloc(size_t count, size_t size);
void *zsim_xrealloc(void *p, size_t n);
char *zsim_xstrdup(const char *s);
/*
 * Large zeroed tables touched at random (the frame array, the codec's size
 * cache): from 2 MiB up they are mapped with transparent huge pages requested
 * (madvise), which spares a TLB miss on most lookups; pages are still only
 * backed when touched.  Free with zsim_free_big and the same count and size.
 */
void *zsim_xcalloc_big(size_t count, size_t size);
void zsim_free_big(void *p, size_t count, size_t size);
/*
 * Ask for [p, p + n) of a table to be backed with memory ahead of its first
 * writes, by a thread of the simulator's own (core/prefault.c), so that the
 * page faults are not taken on the simulating thread.  A hint: nothing in the
 * range changes, and the results are the same without it.
 */
void zsim_prefault(void *p, size_t n);
/* zsim_prefault of a table's entries [from, from + n) of `size` bytes each,
 * clipped to its nr entries (nothing from its end on). */
void zsim_prefault_entries(void *base, size_t size, uint64_t nr, uint64_t from, uint64_t n);
/*
 * Write zeroes over n bytes of fresh memory before a table that reads an
 * entry before it writes it (a hash probe, a mapping's old copy) uses it:
 * untouched anonymous memory that is read first is mapped to the kernel's
 * zero page and copied on the first write after it, a second fault and a
 * TLB flush that interrupts every thread of the process.
 */
void zsim_zero_touch(void *p, size_t n);

/*
 * The process's endings (zsim.c).  Temporary outputs: zsim_tmp_name(PATH)
 * gives PATH.tmp.PID (a fresh string) after removing the PATH.tmp.N and
 * PATH.old.N left by processes N that no longer run; register it with
 * zsim_tmp_add while it exists and zsim_tmp_del once renamed or removed.
 * zsim_tmp_cleanup removes every registered one (files; dirs: flat).
 */
char *zsim_tmp_name(const char *path);
void zsim_tmp_add(const char *path, bool dir);
void zsim_tmp_del(const char *path);
void zsim_tmp_cleanup(void);
void zsim_tmp_clean_stale(const char *path);
/* Remove a flat directory (files only); 0, or -1 if something stayed. */
int zsim_remove_dir(const char *dir);
/* An output path zsim may write to: not empty, not ending in '/', and
 * either absent or a regular file (never a device, FIFO, link, directory).
 * 0, or ZSIM_EINVAL with one line in err. */
int zsim_out_check(const char *path, char *err, size_t errlen);
/* An input that must be a regular file (corpus, config): 0 or ZSIM_E* + err. */
int zsim_in_check(const char *path, char *err, size_t errlen);
/* The simulator ran out of memory allocating n bytes: one line, temporary
 * files removed, _exit(ZSIM_EXIT_NOMEM). */
void zsim_nomem(size_t n) __attribute__((noreturn));
/*
 * SIGINT, SIGTERM and SIGHUP: with a flag, the handler stores the signal's
 * number there and the job polls it (then exits 128 + it); without, the
 * handler removes the registered temporary files and exits 128 + signal.
 */
void zsim_signals_install(volatile int *flag);
/* Physical RAM of this machine in bytes (0 if unknown). */
uint64_t zsim_phys_ram(void);

/* The simulator's own wall clock (CLOCK_MONOTONIC), for perf figures only:
 * never simulated time, never in results that must repeat. */
uint64_t zsim_wall_ns(void);
static inline double zsim_wall_s(void) { return (double)zsim_wall_ns() * 1e-9; }

#define ZSIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ZSIM_DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

#endif
