DESC="idle 300 MiB random hogger beside a 160 MiB compressible Zipf store, with zram0 writing pages idle for 2 s back to a 512 MiB virtio disk every second (a daemon's loop: sleep 1; echo 2 > idle; echo idle > writeback); zram 256M"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
# DEVICE:DISK:DISK_SIZE:MODE:INTERVAL_SECONDS[:IDLE_AGE_SECONDS] (run.sh, init)
ZRAM_WB="zram0:vda:512M:idle:1:2"
SWAPPINESS=60
GEN_1="hogger --size 300M --content random"
GEN_2="zipf --size 160M --accesses 600000 --content heap --op-cost 1us"
