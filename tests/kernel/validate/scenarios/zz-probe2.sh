DESC="probe: two 120 MiB text hoggers side by side"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
SWAPPINESS=60
GEN_1="hogger --size 120M --content text"
GEN_2="hogger --size 120M --content text --seed 7"
