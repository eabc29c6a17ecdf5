/* wasi_internal.h: what the WASI files share: spec constants, the context and descriptor table, guest-memory access. */
#ifndef WASI_INTERNAL_H
#define WASI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wasi.h"

/* ---- constants from the WASI preview 1 spec (witx: typenames.witx) ---- */

/* Laid out as the spec lists them. */
/* clang-format off */

/* errno */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3, WASI_EADDRNOTAVAIL = 4,
    WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9,
    WASI_EBUSY = 10, WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13,
    WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15, WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17,
    WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22,
    WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27,
    WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31, WASI_ELOOP = 32,
    WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36,
    WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39, WASI_ENETUNREACH = 40,
    WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45,
    WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50,
    WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
    WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59,
    WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
    WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68,
    WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73,
    WASI_ETXTBSY = 74, WASI_EXDEV = 75, WASI_ENOTCAPABLE = 76,
};

/* rights */
#define WASI_RIGHT_FD_DATASYNC (UINT64_C(1) << 0)
#define WASI_RIGHT_FD_READ (UINT64_C(1) << 1)
#define WASI_RIGHT_FD_SEEK (UINT64_C(1) << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS (UINT64_C(1) << 3)
#define WASI_RIGHT_FD_SYNC (UINT64_C(1) << 4)
#define WASI_RIGHT_FD_TELL (UINT64_C(1) << 5)
#define WASI_RIGHT_FD_WRITE (UINT64_C(1) << 6)
#define WASI_RIGHT_FD_ADVISE (UINT64_C(1) << 7)
#define WASI_RIGHT_FD_ALLOCATE (UINT64_C(1) << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY (UINT64_C(1) << 9)
#define WASI_RIGHT_PATH_CREATE_FILE (UINT64_C(1) << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE (UINT64_C(1) << 11)
#define WASI_RIGHT_PATH_LINK_TARGET (UINT64_C(1) << 12)
#define WASI_RIGHT_PATH_OPEN (UINT64_C(1) << 13)
#define WASI_RIGHT_FD_READDIR (UINT64_C(1) << 14)
#define WASI_RIGHT_PATH_READLINK (UINT64_C(1) << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE (UINT64_C(1) << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET (UINT64_C(1) << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET (UINT64_C(1) << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE (UINT64_C(1) << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (UINT64_C(1) << 20)
#define WASI_RIGHT_FD_FILESTAT_GET (UINT64_C(1) << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE (UINT64_C(1) << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES (UINT64_C(1) << 23)
#define WASI_RIGHT_PATH_SYMLINK (UINT64_C(1) << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY (UINT64_C(1) << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE (UINT64_C(1) << 26)
#define WASI_RIGHT_POLL_FD_READWRITE (UINT64_C(1) << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN (UINT64_C(1) << 28)
#define WASI_RIGHT_SOCK_ACCEPT (UINT64_C(1) << 29)
#define WASI_RIGHTS_ALL ((UINT64_C(1) << 30) - 1)

/* What a regular file (or device) descriptor can do. */
#define WASI_RIGHTS_FILE                                                                                   \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_FDSTAT_SET_FLAGS |   \
     WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE |               \
     WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |               \
     WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
/* What a directory descriptor can do. */
#define WASI_RIGHTS_DIRECTORY                                                                              \
    (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_ADVISE |                          \
     WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE | WASI_RIGHT_PATH_LINK_SOURCE |        \
     WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READDIR |                          \
     WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE | WASI_RIGHT_PATH_RENAME_TARGET |            \
     WASI_RIGHT_PATH_FILESTAT_GET | WASI_RIGHT_PATH_FILESTAT_SET_SIZE |                                    \
     WASI_RIGHT_PATH_FILESTAT_SET_TIMES | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES |  \
     WASI_RIGHT_PATH_SYMLINK | WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE |            \
     WASI_RIGHT_POLL_FD_READWRITE)
/* Every right that changes a file or the directory tree (or, like LINK_SOURCE and RENAME_SOURCE,
 * would let a file be made writable under another name): what a read-only tree never gets. */
#define WASI_RIGHTS_WRITE                                                                                  \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |          \
     WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE | WASI_RIGHT_PATH_LINK_SOURCE |        \
     WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_RENAME_SOURCE | WASI_RIGHT_PATH_RENAME_TARGET |         \
     WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES |                              \
     WASI_RIGHT_FD_FILESTAT_SET_SIZE | WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK |        \
     WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE)
/* The rights that make a path_open an open for writing (opened O_WRONLY or O_RDWR on the host;
 * EISDIR for a directory): those wasi-libc's open() asks for exactly when the access mode
 * includes O_WRONLY (it leaves them out of an O_RDONLY open even when the directory passes them
 * on). */
#define WASI_RIGHTS_OPEN_WRITE                                                                             \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE)
/* What a read-only tree's directories pass on: no write right but WASI_RIGHTS_OPEN_WRITE, kept
 * only so that wasi-libc's open(O_WRONLY or O_RDWR) asks for them and path_open can refuse it
 * there and then with ENOTCAPABLE (no descriptor in the tree is ever given one). */
#define WASI_RIGHTS_READ_ONLY_INHERITING                                                                   \
    (((WASI_RIGHTS_DIRECTORY | WASI_RIGHTS_FILE) & ~WASI_RIGHTS_WRITE) | WASI_RIGHTS_OPEN_WRITE)

/* filetype */
enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1, WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3, WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* fdflags */
#define WASI_FDFLAG_APPEND 0x1
#define WASI_FDFLAG_DSYNC 0x2
#define WASI_FDFLAG_NONBLOCK 0x4
#define WASI_FDFLAG_RSYNC 0x8
#define WASI_FDFLAG_SYNC 0x10
#define WASI_FDFLAGS_ALL 0x1f

/* oflags */
#define WASI_OFLAG_CREAT 0x1
#define WASI_OFLAG_DIRECTORY 0x2
#define WASI_OFLAG_EXCL 0x4
#define WASI_OFLAG_TRUNC 0x8
#define WASI_OFLAGS_ALL 0xf

/* lookupflags */
#define WASI_LOOKUP_SYMLINK_FOLLOW 0x1

/* fstflags */
#define WASI_FSTFLAG_ATIM 0x1
#define WASI_FSTFLAG_ATIM_NOW 0x2
#define WASI_FSTFLAG_MTIM 0x4
#define WASI_FSTFLAG_MTIM_NOW 0x8

/* whence */
enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };

/* clockid */
enum {
    WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1, WASI_CLOCK_PROCESS_CPUTIME = 2, WASI_CLOCK_THREAD_CPUTIME = 3
};

/* eventtype, eventrwflags, subclockflags */
enum { WASI_EVENT_CLOCK = 0, WASI_EVENT_FD_READ = 1, WASI_EVENT_FD_WRITE = 2 };
#define WASI_EVENT_FD_READWRITE_HANGUP 0x1
#define WASI_SUBSCRIPTION_CLOCK_ABSTIME 0x1

/* advice */
enum { WASI_ADVICE_NORMAL, WASI_ADVICE_SEQUENTIAL, WASI_ADVICE_RANDOM, WASI_ADVICE_WILLNEED,
       WASI_ADVICE_DONTNEED, WASI_ADVICE_NOREUSE };

/* preopentype */
#define WASI_PREOPENTYPE_DIR 0
/* clang-format on */

/* Sizes of the structures in guest memory. */
#define WASI_IOVEC_SIZE 8
#define WASI_DIRENT_SIZE 24
#define WASI_FDSTAT_SIZE 24
#define WASI_FILESTAT_SIZE 64
#define WASI_SUBSCRIPTION_SIZE 48
#define WASI_EVENT_SIZE 32
#define WASI_PRESTAT_SIZE 8

/* Bounds the host puts on what a guest may ask for in one call (documented in README.md). */
#define WASI_MAX_IOVECS 1024        /* iovec count of fd_read/fd_write/fd_pread/fd_pwrite (IOV_MAX) */
#define WASI_MAX_SUBSCRIPTIONS 4096 /* poll_oneoff */
#define WASI_MAX_PATH 4096          /* path length in bytes, as PATH_MAX */
#define WASI_DEFAULT_MAX_FDS 1024   /* open descriptors per context */

/* ---- the context ---- */

typedef enum wasi_stream_kind {
    WASI_STREAM_NULL,    /* stdin: empty; stdout/stderr: discarded */
    WASI_STREAM_INHERIT, /* the host's descriptor (the fd entry holds a dup of it) */
    WASI_STREAM_BUFFER,  /* stdin: bytes to read; stdout/stderr: bytes collected */
    WASI_STREAM_CALLBACK,
} wasi_stream_kind;

/* How one of stdin, stdout, stderr is served. */
typedef struct wasi_stream {
    wasi_stream_kind kind;
    int number;    /* 0, 1 or 2 */
    uint8_t *data; /* BUFFER */
    size_t size, capacity, position;
    wasi_read_callback read;
    wasi_write_callback write;
    void *user;
    uint64_t limit; /* bytes the guest may write over the run */
    uint64_t written;
    int saved_host_flags; /* INHERIT: the host descriptor's F_GETFL flags, restored on close */
} wasi_stream;

/* One guest file descriptor. */
typedef struct wasi_fd {
    bool open;
    int host_fd;         /* -1 for a virtual stream (NULL, BUFFER, CALLBACK) */
    wasi_stream *stream; /* stdio: how it is served (host_fd is used when kind is INHERIT) */
    uint8_t filetype;
    uint16_t flags; /* fdflags */
    uint64_t rights_base, rights_inheriting;
    bool read_only; /* in a --dir-ro tree: never opened for writing on the host */
    char *preopen;  /* guest name of a preopened directory (owned), else NULL */
    size_t preopen_length;
} wasi_fd;

struct wasi_context {
    eng_memory *memory; /* bound by wasi_bind; NULL before */
    char *args;         /* arg_count NUL-terminated strings, back to back */
    size_t args_size;
    uint32_t arg_count;
    char *env; /* env_count "NAME=VALUE" NUL-terminated strings */
    size_t env_size;
    uint32_t env_count;
    wasi_fd *fds;
    uint32_t fd_capacity;
    uint32_t max_fds;
    wasi_stream streams[3];
    bool exited;
    uint32_t exit_code;
    bool portable_resolution; /* never use openat2 (test hook, see wasi.h) */
};

/* ---- guest memory ---- */

/* Guest bytes [ptr, ptr + length), or NULL when any of it lies outside the memory (or no memory
 * is bound). Checked at every call: the memory may have grown or be absent. */
static inline uint8_t *wasi_memory(const wasi_context *wasi, uint32_t ptr, uint64_t length)
{
    if (!wasi->memory || (uint64_t)ptr + length > wasi->memory->size)
        return NULL;
    return wasi->memory->base + ptr;
}

/* Little-endian loads and stores of guest data (no alignment assumed). */
static inline uint16_t wasi_get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t wasi_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t wasi_get64(const uint8_t *p) { return wasi_get32(p) | (uint64_t)wasi_get32(p + 4) << 32; }
static inline void wasi_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void wasi_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void wasi_put64(uint8_t *p, uint64_t v)
{
    wasi_put32(p, (uint32_t)v);
    wasi_put32(p + 4, (uint32_t)(v >> 32));
}

/* Host callbacks: arguments in a[0..), the errno result goes to a[0]. */
#define WASI_ARG32(i) (a[i].u32)
#define WASI_ARG64(i) (a[i].u64)
#define WASI_RETURN(expr)                         \
    do {                                          \
        uint32_t wasi_result_ = (uint32_t)(expr); \
        a[0].u32 = wasi_result_;                  \
        return NULL;                              \
    } while (0)

/* Every function of wasi_snapshot_preview1: X(name, params, results), "i" = i32, "I" = i64. */
#define WASI_FUNCTIONS(X)                      \
    X(args_get, "ii", "i")                     \
    X(args_sizes_get, "ii", "i")               \
    X(environ_get, "ii", "i")                  \
    X(environ_sizes_get, "ii", "i")            \
    X(clock_res_get, "ii", "i")                \
    X(clock_time_get, "iIi", "i")              \
    X(fd_advise, "iIIi", "i")                  \
    X(fd_allocate, "iII", "i")                 \
    X(fd_close, "i", "i")                      \
    X(fd_datasync, "i", "i")                   \
    X(fd_fdstat_get, "ii", "i")                \
    X(fd_fdstat_set_flags, "ii", "i")          \
    X(fd_fdstat_set_rights, "iII", "i")        \
    X(fd_filestat_get, "ii", "i")              \
    X(fd_filestat_set_size, "iI", "i")         \
    X(fd_filestat_set_times, "iIIi", "i")      \
    X(fd_pread, "iiiIi", "i")                  \
    X(fd_prestat_get, "ii", "i")               \
    X(fd_prestat_dir_name, "iii", "i")         \
    X(fd_pwrite, "iiiIi", "i")                 \
    X(fd_read, "iiii", "i")                    \
    X(fd_readdir, "iiiIi", "i")                \
    X(fd_renumber, "ii", "i")                  \
    X(fd_seek, "iIii", "i")                    \
    X(fd_sync, "i", "i")                       \
    X(fd_tell, "ii", "i")                      \
    X(fd_write, "iiii", "i")                   \
    X(path_create_directory, "iii", "i")       \
    X(path_filestat_get, "iiiii", "i")         \
    X(path_filestat_set_times, "iiiiIIi", "i") \
    X(path_link, "iiiiiii", "i")               \
    X(path_open, "iiiiiIIii", "i")             \
    X(path_readlink, "iiiiii", "i")            \
    X(path_remove_directory, "iii", "i")       \
    X(path_rename, "iiiiii", "i")              \
    X(path_symlink, "iiiii", "i")              \
    X(path_unlink_file, "iii", "i")            \
    X(poll_oneoff, "iiii", "i")                \
    X(proc_exit, "i", "")                      \
    X(proc_raise, "i", "i")                    \
    X(sched_yield, "", "i")                    \
    X(random_get, "ii", "i")                   \
    X(sock_accept, "iii", "i")                 \
    X(sock_recv, "iiiiii", "i")                \
    X(sock_send, "iiiii", "i")                 \
    X(sock_shutdown, "ii", "i")

#define WASI_DECLARE(name, params, results) eng_trap *wasi_##name(void *env, eng_slot *a);
WASI_FUNCTIONS(WASI_DECLARE)
#undef WASI_DECLARE

/* ---- shared helpers ---- */

/* wasi.c: the WASI errno for a host errno value. */
int wasi_errno_from_host(int host_errno);

/* wasi_fd.c: the descriptor table. */
/* The open descriptor `fd` if it has every right in `rights`; otherwise NULL with *error set
 * (EBADF: not open; ENOTCAPABLE: a right is missing). */
wasi_fd *wasi_fd_get(wasi_context *wasi, uint32_t fd, uint64_t rights, int *error);
/* Adds a descriptor (lowest free number); takes ownership of host_fd (closed on failure). */
int wasi_fd_add(wasi_context *wasi, const wasi_fd *entry, uint32_t *fd_out);
void wasi_fd_release(wasi_fd *entry); /* closes the host descriptor, frees the name */
/* The WASI filetype of a host stat mode. */
uint8_t wasi_filetype_from_mode(unsigned mode);
/* Writes a filestat (64 bytes) for host `st` (a struct stat *) at guest `ptr`. */
int wasi_store_filestat(const wasi_context *wasi, uint32_t ptr, const void *st);
/* Converts WASI (atim, mtim, fstflags) into two timespecs for utimensat; WASI_EINVAL when both a
 * time and its _NOW flag are set. */
int wasi_times_from_fst(uint64_t atim, uint64_t mtim, uint32_t fstflags, void *timespecs);

/* wasi_resolve.c: paths beneath a directory descriptor (never outside it). */
/* Opens `path` beneath the directory `root_fd` with open(2) `flags` (O_NOFOLLOW: do not follow
 * a final symbolic link) and `mode`. Absolute paths, `..` above the root and symbolic links
 * leading out give WASI_ENOTCAPABLE. */
int wasi_open_beneath(const wasi_context *wasi, int root_fd, const char *path, int flags, unsigned mode, int *fd_out);
/* A path split into the directory holding its last component (an O_PATH descriptor, beneath
 * the root) and that component (no slash; "." when the path names a directory itself). */
typedef struct wasi_resolved {
    int parent_fd;
    const char *name;
    bool trailing_slash; /* the guest wrote "name/": it must be a directory */
    char buffer[WASI_MAX_PATH + 1];
} wasi_resolved;
/* Resolves guest path bytes (not NUL-terminated) beneath root_fd. With WASI_RESOLVE_FOLLOW a
 * final symbolic link is followed (repeatedly, staying beneath the root). A trailing slash asks
 * for a directory: ENOTDIR otherwise, unless WASI_RESOLVE_CREATE (the operation creates the name
 * and reports for itself). */
#define WASI_RESOLVE_FOLLOW 1
#define WASI_RESOLVE_CREATE 2
int wasi_resolve(const wasi_context *wasi, int root_fd, const uint8_t *path, uint32_t length, int how,
                 wasi_resolved *out);
void wasi_resolved_close(wasi_resolved *resolved);
/* Copies guest path bytes into a NUL-terminated buffer of WASI_MAX_PATH + 1 bytes: ENAMETOOLONG,
 * EINVAL (embedded NUL). */
int wasi_path_copy(const uint8_t *path, uint32_t length, char *buffer);

#endif
