/* fuzz_wasi.h: the input format of fuzz_wasi (tests/fuzz/fuzz_wasi.c), shared with its seed generator. */
#ifndef FUZZ_WASI_H
#define FUZZ_WASI_H

/* An input is one configuration byte, then records until the input ends (at most FW_MAX_CALLS calls):
 *   config: bit 0 = path resolution by the portable walker instead of openat2 (as on old kernels)
 *   record: an opcode byte. Below the number of WASI functions (46, the order of WASI_FUNCTIONS in
 *     src/wasi/wasi_internal.h): a call of that function, followed by one argument encoding per
 *     parameter kind (fuzz_wasi.c's specs); FW_OP_POKE u16 offset, u8 n, n bytes: bytes placed in
 *     memory; FW_OP_GROW: memory.grow by one page (up to 2); any other opcode: the call opcode % 46.
 * Each argument starts with a selector byte (FW_* below), some followed by payload bytes; the input
 * running out reads as zeros. Pointers, paths, iovecs and subscriptions are laid out in the one
 * memory of the instance (FW_BUILD_AREA for what the harness builds, FW_OUT_AREA for results,
 * FW_DATA_AREA for buffers). */

#define FW_MAX_CALLS 64
#define FW_OP_POKE 0xf0
#define FW_OP_GROW 0xf1

#define FW_BUILD_AREA 0x0010u
#define FW_OUT_AREA 0x6000u  /* + 8 * byte */
#define FW_DATA_AREA 0x8000u /* + 64 * byte */

/* fd selectors (% 8) */
enum { FW_FD_NTH, FW_FD_RW, FW_FD_RO, FW_FD_LAST, FW_FD_BYTE, FW_FD_RAW, FW_FD_MAX, FW_FD_HIGH };
/* out-pointer selectors (% 8) */
enum { FW_PTR_OUT, FW_PTR_U16, FW_PTR_END, FW_PTR_STRADDLE, FW_PTR_SIZE, FW_PTR_RAW, FW_PTR_ZERO, FW_PTR_TOP };
/* length selectors (% 8) */
enum { FW_LEN_ZERO, FW_LEN_SMALL, FW_LEN_BYTE, FW_LEN_U16, FW_LEN_MEMORY, FW_LEN_RAW, FW_LEN_MAX, FW_LEN_PAGE };
/* u64 selectors (% 8) */
enum { FW_U64_ZERO, FW_U64_BYTE, FW_U64_RAW, FW_U64_MAX, FW_U64_SMAX, FW_U64_SMIN, FW_U64_U32, FW_U64_NEG };
/* flag selectors (% 4): 0, byte & mask, raw u32, the mask */
enum { FW_FLAGS_ZERO, FW_FLAGS_BYTE, FW_FLAGS_RAW, FW_FLAGS_ALL };
/* rights selectors (% 8) */
enum { FW_R_NONE, FW_R_ALL, FW_R_FILE, FW_R_DIR, FW_R_RAW_VALID, FW_R_RAW, FW_R_READ, FW_R_INHERIT };
/* path selector: bits 0-1 source (0-2: FW_PATHS[byte], 3: raw: u8 length, bytes), bits 2-3 place
 * (0 build area, 1 at the end of memory, 2 straddling the end, 3 raw u32 pointer), bits 4-5
 * length (0 exact, 1 with the NUL, 2 raw u32, 3 zero) */
#define FW_PATH_RAW 3
#define FW_PATH_AT_END (1 << 2)
#define FW_PATH_STRADDLE (2 << 2)
#define FW_PATH_WITH_NUL (1 << 4)
/* iovec count selectors (% 8); each built iovec: buffer selector (% 4: data area + 64 * byte, end of
 * memory, raw u32, out area), then a length (above) */
enum { FW_IOV_NONE, FW_IOV_ONE, FW_IOV_TWO, FW_IOV_SMALL, FW_IOV_1024, FW_IOV_1025, FW_IOV_RAW, FW_IOV_AT_END };
enum { FW_BUF_DATA, FW_BUF_END, FW_BUF_RAW, FW_BUF_OUT };

/* Paths relative to either preopen (both trees have the same layout: make_tree in fuzz_wasi.c). The
 * three "@..." are stand-ins for long paths the harness makes (4096 and 4097 bytes, a 300-byte name). */
typedef struct fw_path {
    const char *text;
    unsigned length;
} fw_path;
#define FW_PATH(s)      \
    {                   \
        s, sizeof s - 1 \
    }
static const fw_path fw_paths[] = {
    FW_PATH("file.txt"),
    FW_PATH("dir"),
    FW_PATH("dir/sub"),
    FW_PATH("dir/sub/nested.txt"),
    FW_PATH("."),
    FW_PATH(".."),
    FW_PATH(""),
    FW_PATH("/"),
    FW_PATH("link_in"),
    FW_PATH("link_dir"),
    FW_PATH("link_dir/"),
    FW_PATH("link_out"),
    FW_PATH("link_abs"),
    FW_PATH("link_up"),
    FW_PATH("link_up/file.txt"),
    FW_PATH("link_loop"),
    FW_PATH("dangling"),
    FW_PATH("new"),
    FW_PATH("new/"),
    FW_PATH("dir/new"),
    FW_PATH("link_dir/new"),
    FW_PATH("file.txt/"),
    FW_PATH("file.txt/x"),
    FW_PATH("./file.txt"),
    FW_PATH("dir//sub/"),
    FW_PATH("dir/../file.txt"),
    FW_PATH("dir/../../"),
    FW_PATH("../rw/file.txt"),
    FW_PATH("/etc/passwd"),
    FW_PATH("../outside/secret.txt"),
    FW_PATH("link_out_dir/secret.txt"),
    FW_PATH("link_out_dir"),
    FW_PATH("a\0b"),
    FW_PATH("@long"),
    FW_PATH("@longer"),
    FW_PATH("@longname"),
    FW_PATH("empty"),
    FW_PATH("link_dangling_out"),
    FW_PATH("dir/sub/../../link_up"),
    FW_PATH("link_chain"),
    FW_PATH("link_abs_in"),
    FW_PATH("..."),
    FW_PATH("dir/."),
    FW_PATH("link_dir/.."),
    FW_PATH("link_dir/../.."),
    FW_PATH("link_out/"),
    FW_PATH("dir/sub/nested.txt/.."),
    FW_PATH("link_up/rw/new"),
    FW_PATH("link_dangling_out/"),
    FW_PATH("new2"),
};
#define FW_PATH_COUNT (sizeof fw_paths / sizeof fw_paths[0])
/* Indices the seeds use. */
enum { FW_P_FILE = 0, FW_P_DIR = 1, FW_P_NESTED = 3, FW_P_DOT = 4, FW_P_LINK_IN = 8, FW_P_NEW = 17, FW_P_NEW2 = 49 };

#endif
