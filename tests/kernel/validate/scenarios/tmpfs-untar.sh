DESC="a 160 MiB source tree untarred to a tmpfs beside an idle 280 MiB text hogger: shmem pages swap too; zram 256M"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
SWAPPINESS=60
FS="src:tmpfs:200M"
GEN_1="hogger --size 280M --content text"
GEN_2="untar --tree-size 160M --files 8000 --fs src"
