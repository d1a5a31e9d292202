DESC="zswap (lzo, zbud, 20% pool) in front of a 1 GiB virtio swap disk: a 600 MiB random hogger alone (what does zswap do with pages it cannot compress?)"
MEM=512M
SWAP="vda:1G:-:10"
ZSWAP="lzo:zbud:20"
SWAPPINESS=60
GEN_1="hogger --size 600M --content random"
