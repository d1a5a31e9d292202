/*
 * util.c - error names and the simulator's own allocation helpers (see zsim.h).
 */
#include "zsim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>

const char *zsim_strerror(int err)
{
	switch (err) {
	case ZSIM_OK:       return "success";
	case ZSIM_EINVAL:   return "invalid argument";
	case ZSIM_ENOMEM:   return "out of memory (simulated)";
	case ZSIM_ENOSPC:   return "no space left (simulated)";
	case ZSIM_EIO:      return "input/output error (simulated)";
	case ZSIM_ENOENT:   return "not found";
	case ZSIM_ERANGE:   return "out of range";
	case ZSIM_EFORMAT:  return "malformed input";
	case ZSIM_ENOTSUP:  return "not supported by this kernel profile";
	case ZSIM_ECORRUPT: return "internal invariant broken";
	case ZSIM_ESYS:     return "system call failed";
	case ZSIM_EAGAIN:   return "try again later";
	}
	return "unknown error";
}

char *zsim_one_line(char *s)
{
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return s;
}

static void *check_alloc(void *p, size_t n)
{
	if (!p && n)
		zsim_nomem(n);
	return p;
}

void *zsim_xmalloc(size_t n) { return check_alloc(malloc(n ? n : 1), n); }
void *zsim_xcalloc(size_t c, size_t s) { return check_alloc(calloc(c ? c : 1, s ? s : 1), c * s); }
void *zsim_xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1), n); }

#define BIG_MIN (2u << 20)

void *zsim_xcalloc_big(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		zsim_nomem(SIZE_MAX);
	size_t n = count * size;
	if (n < BIG_MIN)
		return zsim_xcalloc(count, size);
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return check_alloc(NULL, n);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);   /* a hint: without THP it is ignored */
#endif
	return p;
}

void zsim_zero_touch(void *p, size_t n)
{
	memset(p, 0, n);
}

void zsim_free_big(void *p, size_t count, size_t size)
{
	size_t n = count * size;
	if (!p)
		return;
	if (n < BIG_MIN)
		free(p);
	else
		munmap(p, n);
}

char *zsim_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(zsim_xmalloc(n), s, n);
}

uint64_t zsim_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
