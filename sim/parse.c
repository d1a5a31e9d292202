/*
 * parse.c - parsers for values typed by users (see cli.h).
 */
#include "cli.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

int zsim_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!s || !*s)
		return ZSIM_EFORMAT;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return ZSIM_EFORMAT;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return ZSIM_EFORMAT;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int zsim_parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = 0;
	if (!s)
		return ZSIM_EFORMAT;
	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || n >= sizeof(num))
		return ZSIM_EFORMAT;
	memcpy(num, s, n);
	num[n] = '\0';
	uint64_t v;
	if (zsim_parse_u64(num, &v) < 0)
		return ZSIM_EFORMAT;
	const char *suf = s + n;
	unsigned shift = 0;
	if (*suf) {
		switch (toupper((unsigned char)*suf)) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		case 'B': shift = 0; suf--; break;
		default: return ZSIM_EFORMAT;
		}
		suf++;
		if (strcasecmp(suf, "") != 0 && strcasecmp(suf, "B") != 0 && strcasecmp(suf, "iB") != 0)
			return ZSIM_EFORMAT;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return ZSIM_EFORMAT;
	*out = v << shift;
	return 0;
}
