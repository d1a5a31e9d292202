DESC="zram capped by mem_limit 48M under a 300 MiB random hogger and a Zipf store: swap fails, OOM"
MEM=512M
SWAP="zram0:256M:lzo-rle:100:48M"
SWAPPINESS=60
GEN_1="hogger --size 300M --content random"
GEN_2="zipf --size 160M --accesses 600000 --content heap --op-cost 1us"
