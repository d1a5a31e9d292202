# Bad input to `zsim --trace T --config C`: exactly one line on stderr naming
# the JSON path (config), the file and offset (trace) or the option; a
# non-zero exit; nothing on stdout; and no results directory, not even a
# leftover temporary one (OUT.tmp.PID).
. "$(dirname "$0")/lib.sh"

printf 'create 1 0 p\naccess 1 0x10 w text:1\naccess 1 0x11 w text:2\nexit 1\n' > "$T/ok.txt"
"$ZSIM" trace pack "$T/ok.txt" -o "$T/ok.trc"
printf '{"machine":{"ram":"64M"}}' > "$T/ok.json"

# nothing named OUT or OUT.tmp.* may exist after a failed run
no_results() {
	[ ! -e "$1" ] && [ -z "$(ls -d "$1".tmp.* "$1".old.* 2>/dev/null)" ]
}

n=0
# bad_config NAME PATTERN JSON: the config must be refused with PATTERN
bad_config() {
	n=$((n + 1))
	printf '%s' "$3" > "$T/bad$n.json"
	expect_error "config: $1" "$2" "$ZSIM" --trace "$T/ok.trc" --config "$T/bad$n.json" --out "$T/out$n"
	check "config: $1: no results directory" no_results "$T/out$n"
}

bad_config "unknown top-level key" "bad[0-9]+\.json: \\$: unknown key 'machin' \(known: kernel, seed, machine" \
	'{"machine":{"ram":"64M"},"machin":{}}'
bad_config "unknown nested key" "\\$\.mm: unknown key 'swapiness'" \
	'{"machine":{"ram":"64M"},"mm":{"swapiness":10}}'
bad_config "unknown key inside a device" "\\$\.devices\.z: unknown key 'compression'" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"1G","compression":"lz4"}},"swap":[{"device":"z"}]}'
bad_config "unknown key in a swap entry" "\\$\.swap\[0\]: unknown key 'prio'" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"1G"}},"swap":[{"device":"z","prio":5}]}'
bad_config "wrong type (string for an integer)" "\\$\.mm\.swappiness: expected an integer" \
	'{"machine":{"ram":"64M"},"mm":{"swappiness":"60"}}'
bad_config "wrong type (number for a boolean)" "\\$\.mm\.watermarks: expected true or false" \
	'{"machine":{"ram":"64M"},"mm":{"watermarks":1}}'
bad_config "page_tables not a boolean" "\\$\.mm\.page_tables: expected true or false" \
	'{"machine":{"ram":"64M"},"mm":{"page_tables":"yes"}}'
bad_config "wrong type (array for an object)" "\\$\.machine: expected an object" \
	'{"machine":["64M"]}'
# zram writeback: the backing_dev must be a plain device used by nothing else
Z='"z":{"type":"zram","size":"64M"'
bad_config "backing_dev that does not exist" "\\$\.devices\.z\.backing_dev: no device named 'ssdx' in \\$\.devices" \
	'{"kernel":"6.1","machine":{"ram":"64M"},"devices":{'"$Z"',"backing_dev":"ssdx"}},"swap":[{"device":"z"}]}'
bad_config "a zram as backing_dev" "\\$\.devices\.z\.backing_dev: 'y' is a zram: a backing_dev must be a device that can sit below another \\(ssd, emmc, hdd, nvram, nas\\)" \
	'{"kernel":"6.1","machine":{"ram":"64M"},"devices":{'"$Z"',"backing_dev":"y"},"y":{"type":"zram","size":"64M"}},"swap":[{"device":"z"},{"device":"y"}]}'
bad_config "backing_dev also used as swap" "\\$\.swap\[1\]\.device: device 's' is used twice in the stack" \
	'{"kernel":"6.1","machine":{"ram":"64M"},"devices":{'"$Z"',"backing_dev":"s"},"s":{"type":"ssd","size":"64M"}},"swap":[{"device":"z"},{"device":"s"}]}'
bad_config "writeback without a backing_dev" "\\$\.devices\.z\.writeback: writeback needs a backing_dev" \
	'{"kernel":"6.1","machine":{"ram":"64M"},"devices":{'"$Z"',"writeback":{"mode":"idle"}}},"swap":[{"device":"z"}]}'
bad_config "unknown writeback mode" "\\$\.devices\.z\.writeback\.mode: unknown writeback mode 'lazy' \(known: idle, huge, huge_idle\)" \
	'{"kernel":"6.1","machine":{"ram":"64M"},"devices":{'"$Z"',"backing_dev":"s","writeback":{"mode":"lazy"}},"s":{"type":"ssd","size":"64M"}},"swap":[{"device":"z"}]}'
bad_config "writeback on a kernel without it" "\\$\.devices\.z\.writeback\.mode: zram writeback needs kernel 5\.4 or later \(profile 3\.12" \
	'{"kernel":"3.12","machine":{"ram":"64M"},"devices":{'"$Z"',"backing_dev":"s","writeback":{"mode":"idle"}},"s":{"type":"ssd","size":"64M"}},"swap":[{"device":"z"}]}'
bad_config "writeback page_time not a time" "\\$\.devices\.z\.writeback\.page_time: expected a time with a unit" \
	'{"kernel":"6.1","machine":{"ram":"64M"},"devices":{'"$Z"',"backing_dev":"s","writeback":{"mode":"huge","page_time":"fast"}},"s":{"type":"ssd","size":"64M"}},"swap":[{"device":"z"}]}'
bad_config "huge_idle before 5.19" "\\$\.devices\.z\.writeback\.mode: huge_idle writeback came in 5\.19 \(profile 5\.4\)" \
	'{"kernel":"5.4","machine":{"ram":"64M"},"devices":{'"$Z"',"backing_dev":"s","writeback":{"mode":"huge_idle"}},"s":{"type":"ssd","size":"64M"}},"swap":[{"device":"z"}]}'
# dm-cache: cache, origin and metadata devices, each used once, no loops
D='"d":{"type":"dmcache","size":"64M","origin_dev":"o"'
O='"o":{"type":"hdd","size":"64M"}'
bad_config "dm-cache: cache device used twice" "\\$\.devices\.e\.cache_dev: device 'c' is used twice in the stack" \
	'{"machine":{"ram":"64M"},"devices":{'"$D"',"cache_dev":"c"},'"$O"',"c":{"type":"zram","size":"16M"},"e":{"type":"dmcache","size":"64M","cache_dev":"c","origin_dev":"p"},"p":{"type":"hdd","size":"64M"}},"swap":[{"device":"d"},{"device":"e"}]}'
bad_config "dm-cache: metadata too small" "\\$\.devices\.d\.metadata_dev: the metadata device needs 4201472 bytes for 256 cache blocks \\(4 MiB \+ 28 B per block\\), it has 1048576" \
	'{"machine":{"ram":"64M"},"devices":{'"$D"',"cache_dev":"c","metadata_dev":"m"},'"$O"',"c":{"type":"zram","size":"16M"},"m":{"type":"zram","size":"1M"}},"swap":[{"device":"d"}]}'
bad_config "dm-cache: a loop" "\\$\.devices\.a\.cache_dev: 'a' is below 'b' already: the stack would be a loop" \
	'{"machine":{"ram":"64M"},"devices":{"a":{"type":"dmcache","size":"64M","cache_dev":"b","origin_dev":"o"},'"$O"',"b":{"type":"dmcache","size":"64M","cache_dev":"a","origin_dev":"p"},"p":{"type":"hdd","size":"64M"}},"swap":[{"device":"a"}]}'
bad_config "dm-cache: unknown mode" "\\$\.devices\.d\.mode: .*writeback, writethrough, passthrough" \
	'{"machine":{"ram":"64M"},"devices":{'"$D"',"cache_dev":"c","mode":"writearound"},'"$O"',"c":{"type":"zram","size":"16M"}},"swap":[{"device":"d"}]}'
bad_config "dm-cache: no origin" "\\$\.devices\.d: a dmcache needs a cache_dev and an origin_dev" \
	'{"machine":{"ram":"64M"},"devices":{"d":{"type":"dmcache","size":"64M","cache_dev":"c"},"c":{"type":"zram","size":"16M"}},"swap":[{"device":"d"}]}'
bad_config "dm-cache: size is the origin's" "\\$\.devices\.d\.size: a dmcache's size is its origin's \\(67108864 bytes\\)" \
	'{"machine":{"ram":"64M"},"devices":{"d":{"type":"dmcache","size":"32M","cache_dev":"c","origin_dev":"o"},'"$O"',"c":{"type":"zram","size":"16M"}},"swap":[{"device":"d"}]}'
bad_config "dm-cache: block size" "\\$\.devices\.d\.block_size: a cache block is a multiple of 32 KiB" \
	'{"machine":{"ram":"64M"},"devices":{'"$D"',"cache_dev":"c","block_size":"48K"},'"$O"',"c":{"type":"zram","size":"16M"}},"swap":[{"device":"d"}]}'
bad_config "backing_dev on a plain device" "\\$\.devices\.s\.backing_dev: only zram devices have 'backing_dev'" \
	'{"kernel":"6.1","machine":{"ram":"64M"},"devices":{"s":{"type":"ssd","size":"64M","backing_dev":"t"},"t":{"type":"ssd","size":"64M"}},"swap":[{"device":"s"},{"device":"t"}]}'
# flash wear keys
bad_config "pe_cycles on an hdd" "\\$\.devices\.h\.pe_cycles: only ssd, emmc devices have 'pe_cycles'" \
	'{"machine":{"ram":"64M"},"devices":{"h":{"type":"hdd","size":"64M","pe_cycles":100}},"swap":[{"device":"h"}]}'
bad_config "waf below 1" "\\$\.devices\.e\.waf: expected a number from 1 to 1000" \
	'{"machine":{"ram":"64M"},"devices":{"e":{"type":"emmc","size":"64M","waf":0.5}},"swap":[{"device":"e"}]}'
bad_config "flash smaller than the device" "\\$\.devices\.e\.flash_size: the flash holds at least the device" \
	'{"machine":{"ram":"64M"},"devices":{"e":{"type":"emmc","size":"64M","flash_size":"32M"}},"swap":[{"device":"e"}]}'
bad_config "firmware_reserve not whole pages" "\\$\.machine\.firmware_reserve: a whole number of pages" \
	'{"machine":{"ram":"64M","firmware_reserve":1000}}'
bad_config "firmware_reserve half of RAM" "\\$\.machine\.firmware_reserve: must be below half of RAM" \
	'{"machine":{"ram":"64M","firmware_reserve":"32M"}}'
bad_config "kernel_reserve past half of what the kernel sees" "\\$\.machine\.kernel_reserve: must be below half of the RAM the kernel sees" \
	'{"machine":{"ram":"64M","firmware_reserve":"16M","kernel_reserve":"24M"}}'
bad_config "kernel_used past half of MemTotal" "\\$\.machine\.kernel_used: must be below half of MemTotal" \
	'{"machine":{"ram":"64M","kernel_reserve":"16M","kernel_used":"24M"}}'
bad_config "kernel_used not a size" "\\$\.machine\.kernel_used: " \
	'{"machine":{"ram":"64M","kernel_used":"lots"}}'
bad_config "reclaim_scan_time without a unit" "\\$\.mm\.reclaim_scan_time: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"reclaim_scan_time":100}}'
bad_config "reclaim_steal_time without a unit" "\\$\.mm\.reclaim_steal_time: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"reclaim_steal_time":"5"}}'
bad_config "direct_reclaim_turn not a time" "\\$\.mm\.direct_reclaim_turn: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"direct_reclaim_turn":"lots"}}'
bad_config "direct_reclaim_turn without a unit" "\\$\.mm\.direct_reclaim_turn: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"direct_reclaim_turn":2}}'
bad_config "major_fault_time not a time" "\\$\.mm\.major_fault_time: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"major_fault_time":"fast"}}'
bad_config "major_fault_time negative" "\\$\.mm\.major_fault_time: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"major_fault_time":"-3us"}}'
bad_config "kswapd_share unknown" "\\$\.mm\.kswapd_share: unknown share 'cfs' \\(known: turn, fair\\)" \
	'{"machine":{"ram":"64M"},"mm":{"kswapd_share":"cfs"}}'
bad_config "kswapd_share not a string" "\\$\.mm\.kswapd_share: expected a string" \
	'{"machine":{"ram":"64M"},"mm":{"kswapd_share":true}}'
bad_config "scheduler unknown" "\\$\.machine\.scheduler: unknown scheduler 'cfs' \\(known: turns, fair\\)" \
	'{"machine":{"ram":"64M","scheduler":"cfs"}}'
bad_config "scheduler not a string" "\\$\.machine\.scheduler: expected a string" \
	'{"machine":{"ram":"64M","scheduler":1}}'
bad_config "direct_reclaim_turn beside the fair scheduler" "\\$\.mm\.direct_reclaim_turn: has no effect with machine\.scheduler \"fair\"" \
	'{"machine":{"ram":"64M","scheduler":"fair"},"mm":{"direct_reclaim_turn":"2ms"}}'
bad_config "kswapd_share beside the fair scheduler" "\\$\.mm\.kswapd_share: has no effect with machine\.scheduler \"fair\"" \
	'{"machine":{"ram":"64M","scheduler":"fair"},"mm":{"kswapd_share":"fair"}}'
bad_config "file_create_time not a time" "\\$\.mm\.file_create_time: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"file_create_time":"slow"}}'
bad_config "file_io_time without a unit" "\\$\.mm\.file_io_time: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"file_io_time":5}}'
bad_config "unknown zone layout" "\\$\.machine\.zones: unknown zone layout 'arm' \\(known: x86-64, one\\)" \
	'{"machine":{"ram":"64M","zones":"arm"}}'
bad_config "watermark boosting on a kernel without it" "\\$\.mm\.watermark_boost_factor: kernel 4\.19 has no watermark boosting \\(5\.0\+\\)" \
	'{"kernel":"4.19","machine":{"ram":"64M"},"mm":{"watermark_boost_factor":15000}}'
bad_config "unmovable free memory over half of what is free" "\\$\.machine\.unmovable_free: must be at most half of the RAM free at start" \
	'{"machine":{"ram":"64M","unmovable_free":"40M"}}'
bad_config "background CPU of a whole CPU" "\\$\.machine\.background_cpu: expected a share of one CPU, a number from 0 up to \\(not including\\) 1" \
	'{"machine":{"ram":"64M","background_cpu":1}}'
bad_config "background CPU as a string" "\\$\.machine\.background_cpu: expected a share of one CPU" \
	'{"machine":{"ram":"64M","background_cpu":"20%"}}'
bad_config "cpu_bursts unknown" "\\$\.machine\.cpu_bursts: unknown cpu burst mode 'preempt' \\(known: whole, sliced\\)" \
	'{"machine":{"ram":"64M","cpu_bursts":"preempt"}}'
bad_config "cpu_bursts not a string" "\\$\.machine\.cpu_bursts: expected a string" \
	'{"machine":{"ram":"64M","cpu_bursts":false}}'
bad_config "content time of an unknown class" "\\$\.mm\.content_time\.lisp: unknown content class \\(known: .*\"default\"\\)" \
	'{"machine":{"ram":"64M"},"mm":{"content_time":{"lisp":"3us"}}}'
bad_config "content time of a class without a unit" "\\$\.mm\.content_time\.heap: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"content_time":{"heap":9000}}}'
bad_config "content time's default without a unit" "\\$\.mm\.content_time\.default: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"content_time":{"default":"x"}}}'
bad_config "a tmpfs file's kernel memory not a size" "\\$\.filesystems\.t\.file_bytes: expected a size" \
	'{"machine":{"ram":"64M"},"filesystems":{"t":{"type":"tmpfs","file_bytes":"lots"}}}'
bad_config "a tmpfs file's kernel memory over 1M" "\\$\.filesystems\.t\.file_bytes: at most 1M" \
	'{"machine":{"ram":"64M"},"filesystems":{"t":{"type":"tmpfs","file_bytes":"2M"}}}'
bad_config "file_bytes on a block filesystem" "\\$\.filesystems\.d\.file_bytes: only a tmpfs has it" \
	'{"machine":{"ram":"64M"},"devices":{"s":{"type":"ssd","size":"1G"}},"filesystems":{"d":{"type":"block","device":"s","file_bytes":100}}}'
bad_config "RAM larger than modelled" "\\$\.machine\.ram: RAM above 4T is not modelled" \
	'{"machine":{"ram":"8T"}}'
bad_config "a size past 64P" "\\$\.machine\.ram: too large \(at most 64P\)" \
	'{"machine":{"ram":"016212068197260M"}}'
bad_config "a device larger than modelled" "\\$\.devices\.s\.size: devices above 4T are not modelled" \
	'{"machine":{"ram":"64M"},"devices":{"s":{"type":"ssd","size":"5T"}},"swap":[{"device":"s"}]}'
bad_config "JSON error quoting a newline stays on one line" "bad[0-9]+\.json: line 2, column 0: invalid escape" \
	'{"comment": "a\
"}'
bad_config "bad size string" "\\$\.machine\.ram: expected a size" \
	'{"machine":{"ram":"64Q"}}'
bad_config "negative size" "\\$\.devices\.z\.size: expected a size" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":-4096}},"swap":[{"device":"z"}]}'
bad_config "bad time string" "\\$\.devices\.s\.read_latency: expected a time" \
	'{"machine":{"ram":"64M"},"devices":{"s":{"type":"ssd","size":"1G","read_latency":"80 parsecs"}},"swap":[{"device":"s"}]}'
bad_config "a time without a unit (device key)" "\\$\.devices\.s\.read_latency: expected a time with a unit .*: a bare number could be ns or s" \
	'{"machine":{"ram":"64M"},"devices":{"s":{"type":"ssd","size":"1G","read_latency":80}},"swap":[{"device":"s"}]}'
bad_config "a time without a unit (mm)" "\\$\.mm\.sample_interval: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"mm":{"sample_interval":"300"}}'
bad_config "a time without a unit (writeback)" "\\$\.devices\.z\.writeback\.idle_age: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"64M","backing_dev":"s","writeback":{"mode":"idle","idle_age":300}},"s":{"type":"ssd","size":"1G"}},"swap":[{"device":"z"}]}'
bad_config "unknown key inside a device's nested object" "\\$\.devices\.z\.writeback: unknown key 'age' \\(known: mode, idle_age, interval, limit, page_time\\)" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"64M","backing_dev":"s","writeback":{"mode":"idle","age":"1s"}},"s":{"type":"ssd","size":"1G"}},"swap":[{"device":"z"}]}'
bad_config "writeback without its mode" "\\$\.devices\.z\.writeback: missing key 'mode' \\(idle, huge, huge_idle\\)" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"64M","backing_dev":"s","writeback":{"interval":"1s"}},"s":{"type":"ssd","size":"1G"}},"swap":[{"device":"z"}]}'
bad_config "brd's key out of its type" "\\$\.devices\.s\.copy_time: only brd devices have 'copy_time'" \
	'{"machine":{"ram":"64M"},"devices":{"s":{"type":"ssd","size":"1G","copy_time":"1us"}},"swap":[{"device":"s"}]}'
bad_config "brd's key, bad value" "\\$\.devices\.r\.copy_time: expected a time with a unit" \
	'{"machine":{"ram":"64M"},"devices":{"r":{"type":"brd","size":"64M","copy_time":"fast"}},"swap":[{"device":"r"}]}'
bad_config "missing RAM" "\\$\.machine: missing key 'ram'" \
	'{"machine":{"cpus":2}}'
bad_config "RAM below the model's floor" "\\$\.machine\.ram: RAM below 16M" \
	'{"machine":{"ram":"8M"}}'
bad_config "unknown device type" "\\$\.devices\.z\.type: unknown device type 'floppy' \(known: zram, ssd" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"floppy","size":"1G"}},"swap":[{"device":"z"}]}'
bad_config "swap refers to a missing device" "\\$\.swap\[1\]\.device: no device named 'ssd0' in \\$\.devices" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"1G"}},"swap":[{"device":"z"},{"device":"ssd0"}]}'
bad_config "device used twice in swap" "\\$\.swap\[1\]\.device: device 'z' is used twice" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"1G"}},"swap":[{"device":"z"},{"device":"z"}]}'
bad_config "device used by swap and a filesystem" "\\$\.filesystems\.data\.device: device 'd' is already in use" \
	'{"machine":{"ram":"64M"},"devices":{"d":{"type":"ssd","size":"1G"}},"swap":[{"device":"d"}],"filesystems":{"data":{"type":"block","device":"d"}}}'
bad_config "device not used" "\\$\.devices\.spare: device is not used" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"1G"},"spare":{"type":"ssd","size":"1G"}},"swap":[{"device":"z"}]}'
bad_config "tmpfs with a device" "\\$\.filesystems\.tmp\.device: a tmpfs has no device" \
	'{"machine":{"ram":"64M"},"devices":{"d":{"type":"ssd","size":"1G"}},"filesystems":{"tmp":{"type":"tmpfs","device":"d"}}}'
bad_config "block filesystem without a device" "\\$\.filesystems\.data: missing key 'device'" \
	'{"machine":{"ram":"64M"},"filesystems":{"data":{"type":"block"}}}'
bad_config "unknown filesystem type" "\\$\.filesystems\.x\.type: unknown filesystem type 'ext9'" \
	'{"machine":{"ram":"64M"},"filesystems":{"x":{"type":"ext9"}}}'
bad_config "unknown compressor" "\\$\.devices\.z\.comp: unknown compressor 'lz5' \(known: lzo-rle, lzo, lz4, zstd\)" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"1G","comp":"lz5"}},"swap":[{"device":"z"}]}'
bad_config "zram-only key on an ssd" "\\$\.devices\.s\.comp: only zram devices have 'comp'" \
	'{"machine":{"ram":"64M"},"devices":{"s":{"type":"ssd","size":"1G","comp":"lz4"}},"swap":[{"device":"s"}]}'
bad_config "unknown allocator" "\\$\.devices\.z\.allocator: unknown allocator 'slab' \(known: zsmalloc" \
	'{"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"1G","allocator":"slab"}},"swap":[{"device":"z"}]}'
bad_config "allocator the kernel profile lacks" "\\$\.devices\.z: .*allocator 'zbud' is not in kernel 6\.18" \
	'{"machine":{"ram":"64M"},"kernel":"6.18","devices":{"z":{"type":"zram","size":"1G","allocator":"zbud"}},"swap":[{"device":"z"}]}'
bad_config "bad kernel profile" "\\$\.kernel: unknown kernel profile '2\.6\.32' \(known: .*6\.18" \
	'{"kernel":"2.6.32","machine":{"ram":"64M"}}'
bad_config "kernel profile not a string" "\\$\.kernel: expected a kernel profile name" \
	'{"kernel":6.1,"machine":{"ram":"64M"}}'
bad_config "unknown reclaim policy" "\\$\.mm\.policy: unknown reclaim policy 'fifo'" \
	'{"machine":{"ram":"64M"},"mm":{"policy":"fifo"}}'
bad_config "swappiness above the profile's maximum" "\\$\.mm\.swappiness: expected an integer from 0 to 100" \
	'{"kernel":"4.19","machine":{"ram":"64M"},"mm":{"swappiness":150}}'
bad_config "not an object at the top" "\\$: expected a JSON object" '[1, 2]'
bad_config "malformed JSON names line and column" "bad[0-9]+\.json: line 3, column [0-9]+: " \
	'{"machine":
  {"ram": "64M"},
  "mm": {"swappiness": 60,,}
}'
bad_config "duplicate key" "bad[0-9]+\.json: line [0-9]+, column [0-9]+: .*duplicate" \
	'{"machine":{"ram":"64M"},"machine":{"ram":"32M"}}'

expect_error "missing config file" "nonexistent\.json: .*No such file" \
	"$ZSIM" --trace "$T/ok.trc" --config "$T/nonexistent.json" --out "$T/o-nocfg"
check "missing config file: no results directory" no_results "$T/o-nocfg"

# Trace problems.
printf '#zsim-trace version=1 page_size=4096 generator= seed=0 flags=0 corpus= fs=scratch\ncreate 1 0 p\nfcreate 1 1 0 f\nfwrite 1 1 0 text:1\nexit 1\n' |
	"$ZSIM" trace pack -o "$T/fs.trc"
expect_error "trace names a filesystem the config lacks" "fs\.trc: the trace writes to filesystem 'scratch'.*\\$\.filesystems" \
	"$ZSIM" --trace "$T/fs.trc" --config "$T/ok.json" --out "$T/o-fs"
check "missing filesystem: no results directory" no_results "$T/o-fs"
expect_error "missing trace file" "nope\.trc: .*No such file" \
	"$ZSIM" --trace "$T/nope.trc" --config "$T/ok.json" --out "$T/o-notrace"
check "missing trace: no results directory" no_results "$T/o-notrace"
expect_error "second trace missing" "nope2\.trc: .*No such file" \
	"$ZSIM" --trace "$T/ok.trc" --trace "$T/nope2.trc" --config "$T/ok.json" --out "$T/o-notrace2"
check "second trace missing: no results directory" no_results "$T/o-notrace2"

# A cut trace: the error comes while the simulation runs (traces are read
# lazily), after the temporary results directory exists; it must go away.
awk 'BEGIN { print "create 1 0 cut"; for (i = 0; i < 3000; i++) printf "access 1 0x%x w text:%d\n", 4096 + i, i + 1 }' |
	"$ZSIM" trace pack -o "$T/long.trc"
size=$(wc -c < "$T/long.trc")
head -c $((size - 100)) "$T/long.trc" > "$T/cut.trc"
expect_error "truncated trace names the file and the offset" "cut\.trc: offset [0-9]+, event [0-9]+: " \
	"$ZSIM" --trace "$T/cut.trc" --config "$T/ok.json" --out "$T/o-cut"
check "truncated trace: no results directory" no_results "$T/o-cut"
printf 'not a trace at all, just text\n' > "$T/text.trc"
expect_error "not a trace: bad magic with the file name" "text\.trc: offset 0, header: .*magic" \
	"$ZSIM" --trace "$T/text.trc" --config "$T/ok.json" --out "$T/o-magic"
check "bad magic: no results directory" no_results "$T/o-magic"
# a corrupt trace does not destroy an earlier results directory either
"$ZSIM" --trace "$T/ok.trc" --config "$T/ok.json" --out "$T/o-keep" --quiet
cp "$T/o-keep/summary.json" "$T/keep.json"
"$ZSIM" --trace "$T/cut.trc" --config "$T/ok.json" --out "$T/o-keep" 2> /dev/null
check "failed run leaves the earlier results in place" cmp -s "$T/o-keep/summary.json" "$T/keep.json"
check "failed run leaves no temporary directory" sh -c "! ls -d '$T/o-keep'.tmp.* '$T/o-keep'.old.* 2>/dev/null"

# Command line.
expect_error "no --config" "no --config given" "$ZSIM" --trace "$T/ok.trc" --out "$T/o-x"
expect_error "no --trace" "no --trace given" "$ZSIM" --config "$T/ok.json" --out "$T/o-x"
expect_error "unknown option" "unknown option '--frobnicate'" \
	"$ZSIM" --trace "$T/ok.trc" --config "$T/ok.json" --frobnicate --out "$T/o-x"
expect_error "option without its argument" "option '--config' needs a value" \
	"$ZSIM" --trace "$T/ok.trc" --config
expect_error "bad --seed" "--seed: 'x1' is not a number" \
	"$ZSIM" --trace "$T/ok.trc" --config "$T/ok.json" --seed x1 --out "$T/o-x"
expect_error "stray argument" "unexpected argument 'extra'" \
	"$ZSIM" --trace "$T/ok.trc" --config "$T/ok.json" --out "$T/o-x" extra
check "command-line errors: no results directory" no_results "$T/o-x"
