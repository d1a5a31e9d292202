/*
 * guest-swapon.c - `guest-swapon DEVICE PRIORITY`: swapon(2) with a priority,
 * for the validation guest (busybox's swapon has no -p).  Built static by
 * tests/kernel/validate/run.sh; runs only inside the qemu guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/swap.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: guest-swapon DEVICE PRIORITY\n");
		return 2;
	}
	int prio = atoi(argv[2]);
	int flags = SWAP_FLAG_PREFER | ((prio << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	if (swapon(argv[1], flags) < 0) {
		fprintf(stderr, "guest-swapon: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
