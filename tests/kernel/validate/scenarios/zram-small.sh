DESC="zram of only 64M under a 300 MiB text hogger and a 200 MiB Zipf store: swap fills, then the OOM killer"
MEM=512M
SWAP="zram0:64M:lzo-rle:100"
SWAPPINESS=60
GEN_1="hogger --size 300M --content text"
GEN_2="zipf --size 200M --accesses 600000 --content heap --op-cost 1us"
