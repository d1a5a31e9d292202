DESC="zram-hotcold-oom's workload (idle 400 MiB random hogger, 160 MiB compressible Zipf store) with zram0 writing its huge pages back to a 512 MiB virtio disk every second (a daemon's loop: sleep 1; echo huge > writeback); zram 256M"
MEM=512M
SWAP="zram0:256M:lzo-rle:100"
# DEVICE:DISK:DISK_SIZE:MODE:INTERVAL_SECONDS[:IDLE_AGE_SECONDS] - zram
# writeback to a virtio disk that is not swap (run.sh, init)
ZRAM_WB="zram0:vda:512M:huge:1"
SWAPPINESS=60
GEN_1="hogger --size 400M --content random"
GEN_2="zipf --size 160M --accesses 600000 --content heap --op-cost 1us"
