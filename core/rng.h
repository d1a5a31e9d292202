/*
 * rng.h - the seeded generator every random choice in zsim comes from.
 *
 * xoshiro256** (Blackman and Vigna, 2018), seeded through splitmix64 so any
 * 64-bit seed gives a well-mixed state.  Same seed, same sequence, on every
 * machine: results are reproducible byte for byte.  The state is a value the
 * caller owns (no global generator), so independent streams never interfere.
 */
#ifndef ZSIM_RNG_H
#define ZSIM_RNG_H

#include <stdint.h>

struct zsim_rng {
	uint64_t s[4];
};

static inline uint64_t zsim_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void zsim_rng_seed(struct zsim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = zsim_splitmix64(&seed);
}

static inline uint64_t zsim_rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t zsim_rng_next(struct zsim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = zsim_rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = zsim_rotl64(s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; bias below 2^-32 for small n). */
static inline uint64_t zsim_rng_below(struct zsim_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)zsim_rng_next(r) * n) >> 64);
}

/* Uniform in [0, 1). */
static inline double zsim_rng_double(struct zsim_rng *r)
{
	return (double)(zsim_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
