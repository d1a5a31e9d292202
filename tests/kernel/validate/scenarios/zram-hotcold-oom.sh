DESC="idle 400 MiB random hogger beside a 160 MiB compressible Zipf store: past the OOM edge; zram 256M"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
SWAPPINESS=60
GEN_1="hogger --size 400M --content random"
GEN_2="zipf --size 160M --accesses 600000 --content heap --op-cost 1us"
