DESC="zram-hotcold with swappiness 100 and min_free_kbytes raised to 16384 (kswapd and direct reclaim start earlier)"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
SWAPPINESS=100
MIN_FREE_KBYTES=16384
GEN_1="hogger --size 240M --content text"
GEN_2="zipf --size 200M --accesses 600000 --content heap --op-cost 1us"
