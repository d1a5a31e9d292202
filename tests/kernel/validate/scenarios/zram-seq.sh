DESC="idle 240 MiB text hogger beside sequential sweeps over 200 MiB of mixed pages; zram 256M"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
SWAPPINESS=60
GEN_1="hogger --size 240M --content text"
GEN_2="scan --size 200M --passes 4 --write 0.1 --content mix --page-cost 1us"
