/*
 * zsim.c - how the zsim process ends: out of memory, signals, and the
 * temporary files and directories it leaves on the way (see zsim.h).
 *
 * Every output appears whole or not at all: it is written under a temporary
 * name, NAME.tmp.PID, and renamed into place.  The temporary names in use are
 * kept in one small table here, so that every ending the process can handle
 * removes them: an allocation that fails (zsim_xmalloc and friends print one
 * line and exit with ZSIM_EXIT_NOMEM instead of aborting), and SIGINT,
 * SIGTERM and SIGHUP.  The endings it cannot handle (SIGKILL, a power cut)
 * leave NAME.tmp.PID behind; the next process that writes NAME removes those
 * whose PID no longer runs (zsim_tmp_name).
 *
 * Signals come in two ways.  A long job that can stop cleanly (the main run:
 * it writes its results marked interrupted) passes a flag that the handler
 * sets to the signal's number and polls it.  Everything else (generators,
 * converters, trace stat) lets the handler remove the temporary files and
 * exit at once with 128 + the signal's number; the handler then uses only
 * async-signal-safe calls (unlink, rmdir on a directory already emptied is not
 * attempted there: directories are only registered by the run, which polls).
 *
 * This is process state, the one exception to "no global mutable state": the
 * process has one set of files and one set of signal handlers.
 */
#include "zsim.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TMP 32

static struct {
	char *path;
	bool dir;
} tmps[MAX_TMP];
static volatile int *sig_flag;   /* int is what sig_atomic_t is on Linux */
/* Memory held back while temporary files exist, given back when an
 * allocation fails so the cleanup (opendir, stdio) can still allocate. */
#define RESERVE_BYTES (1u << 20)
static void *reserve;

/* Remove a flat directory (files only, as zsim's results are). */
static int remove_flat_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	char path[4200];
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			rc = -1;
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

int zsim_remove_dir(const char *dir)
{
	return remove_flat_dir(dir);
}

void zsim_tmp_add(const char *path, bool dir)
{
	if (!reserve)
		reserve = malloc(RESERVE_BYTES);
	for (int i = 0; i < MAX_TMP; i++)
		if (!tmps[i].path) {
			tmps[i].dir = dir;
			tmps[i].path = strdup(path);   /* NULL only if out of memory: then not removed */
			return;
		}
}

void zsim_tmp_del(const char *path)
{
	for (int i = 0; i < MAX_TMP; i++)
		if (tmps[i].path && strcmp(tmps[i].path, path) == 0) {
			char *p = tmps[i].path;
			tmps[i].path = NULL;
			free(p);
			return;
		}
}

void zsim_tmp_cleanup(void)
{
	for (int i = 0; i < MAX_TMP; i++) {
		if (!tmps[i].path)
			continue;
		if (tmps[i].dir)
			remove_flat_dir(tmps[i].path);
		else
			unlink(tmps[i].path);
		char *p = tmps[i].path;
		tmps[i].path = NULL;
		free(p);
	}
}

/* Is the "PID" in NAME.tmp.PID a number of a process that no longer runs? */
static bool dead_pid(const char *s)
{
	if (!*s)
		return false;
	long pid = 0;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9' || pid > 100000000)
			return false;
		pid = pid * 10 + (*c - '0');
	}
	if (pid <= 0 || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

void zsim_tmp_clean_stale(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + (slash == path)), path);
	else
		snprintf(dir, sizeof(dir), ".");
	size_t blen = strlen(base);
	if (!blen)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name, *rest;
		if (strncmp(n, base, blen) != 0)
			continue;
		if (!strncmp(n + blen, ".tmp.", 5))
			rest = n + blen + 5;
		else if (!strncmp(n + blen, ".old.", 5))
			rest = n + blen + 5;
		else
			continue;
		if (!dead_pid(rest))
			continue;
		char p[8300];
		snprintf(p, sizeof(p), "%s/%s", dir, n);
		struct stat st;
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			remove_flat_dir(p);
		else if (S_ISREG(st.st_mode))
			unlink(p);
	}
	closedir(d);
}

char *zsim_tmp_name(const char *path)
{
	zsim_tmp_clean_stale(path);
	size_t n = strlen(path) + 32;
	char *t = zsim_xmalloc(n);
	snprintf(t, n, "%s.tmp.%ld", path, (long)getpid());
	return t;
}

int zsim_out_check(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (!*path) {
		snprintf(err, errlen, "empty file name");
		return ZSIM_EINVAL;
	}
	if (path[strlen(path) - 1] == '/') {
		snprintf(err, errlen, "%s: names a directory, not a file", path);
		return ZSIM_EINVAL;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a regular file (%s); zsim replaces only regular files",
			 path, S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a directory"
			 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : S_ISFIFO(st.st_mode) ? "a FIFO"
			 : "a special file");
		return ZSIM_EINVAL;
	}
	return 0;
}

int zsim_in_check(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? ZSIM_ENOENT : ZSIM_ESYS;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (%s)", path,
			 S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
			 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "a special file");
		return ZSIM_EINVAL;
	}
	return 0;
}

void zsim_nomem(size_t n)
{
	free(reserve);
	reserve = NULL;
	fprintf(stderr, "zsim: out of memory: the simulator could not allocate %zu bytes "
		"(smaller sizes, or more memory; see --max-memory)\n", n);
	zsim_tmp_cleanup();
	fflush(NULL);
	_exit(ZSIM_EXIT_NOMEM);
}

static void on_signal(int sig)
{
	if (sig_flag) {
		*sig_flag = sig;
		return;
	}
	/* async-signal-safe: unlink only (directories are registered by polling jobs) */
	for (int i = 0; i < MAX_TMP; i++)
		if (tmps[i].path && !tmps[i].dir)
			unlink(tmps[i].path);
	_exit(128 + sig);
}

void zsim_signals_install(volatile int *flag)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sig_flag = flag;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

uint64_t zsim_phys_ram(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	if (pages <= 0 || psz <= 0)
		return 0;
	return (uint64_t)pages * (uint64_t)psz;
}
