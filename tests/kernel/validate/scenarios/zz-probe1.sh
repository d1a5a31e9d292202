DESC="probe: one 240 MiB text hogger alone"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
SWAPPINESS=60
GEN_1="hogger --size 240M --content text"
