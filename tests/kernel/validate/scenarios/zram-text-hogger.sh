DESC="a 560 MiB text hogger in 512 MiB: fits only because zram compresses it; zram 512M lz4"
MEM=512M
SWAP="zram0:512M:lz4:100"
SWAPPINESS=100
GEN_1="hogger --size 560M --content text"
