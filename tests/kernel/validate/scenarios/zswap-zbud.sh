DESC="zswap (lzo, zbud, a 3% pool that fills) in front of a 1 GiB virtio swap disk: idle 300 MiB random hogger beside a 200 MiB compressible Zipf store"
MEM=512M
SWAP="vda:1G:-:10"
ZSWAP="lzo:zbud:3"
SWAPPINESS=60
GEN_1="hogger --size 300M --content random"
GEN_2="zipf --size 200M --accesses 600000 --content heap --op-cost 1us"
