DESC="idle 240 MiB compressible (text) hogger beside a 200 MiB compressible Zipf store; zram 256M lzo-rle"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
SWAPPINESS=60
GEN_1="hogger --size 240M --content text"
GEN_2="zipf --size 200M --accesses 600000 --content heap --op-cost 1us"
