/* wasi_fd.c: the guest's file descriptors (table, rights, stdio streams) and the fd_* functions of WASI preview 1. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- the descriptor table ---- */

wasi_fd *wasi_fd_get(wasi_context *wasi, uint32_t fd, uint64_t rights, int *error)
{
    if (fd >= wasi->fd_capacity || !wasi->fds[fd].open) {
        *error = WASI_EBADF;
        return NULL;
    }
    wasi_fd *entry = &wasi->fds[fd];
    if ((entry->rights_base & rights) != rights) {
        *error = WASI_ENOTCAPABLE;
        return NULL;
    }
    *error = WASI_ESUCCESS;
    return entry;
}

int wasi_fd_add(wasi_context *wasi, const wasi_fd *entry, uint32_t *fd_out)
{
    uint32_t fd = 0;
    while (fd < wasi->fd_capacity && wasi->fds[fd].open)
        fd++;
    if (fd >= wasi->max_fds) {
        wasi_fd copy = *entry;
        wasi_fd_release(&copy);
        return WASI_EMFILE;
    }
    if (fd == wasi->fd_capacity) {
        uint32_t capacity = wasi->fd_capacity ? wasi->fd_capacity * 2 : 16;
        if (capacity > wasi->max_fds)
            capacity = wasi->max_fds;
        wasi_fd *fds = realloc(wasi->fds, capacity * sizeof *fds);
        if (!fds) {
            wasi_fd copy = *entry;
            wasi_fd_release(&copy);
            return WASI_ENOMEM;
        }
        memset(fds + wasi->fd_capacity, 0, (capacity - wasi->fd_capacity) * sizeof *fds);
        wasi->fds = fds;
        wasi->fd_capacity = capacity;
    }
    wasi->fds[fd] = *entry;
    wasi->fds[fd].open = true;
    *fd_out = fd;
    return WASI_ESUCCESS;
}

void wasi_fd_release(wasi_fd *entry)
{
    if (entry->host_fd >= 0) {
        /* An inherited stdio descriptor shares its open file description with the host: put
         * back the flags (O_NONBLOCK, O_APPEND) the guest may have changed. */
        if (entry->stream && entry->stream->kind == WASI_STREAM_INHERIT)
            fcntl(entry->host_fd, F_SETFL, entry->stream->saved_host_flags);
        close(entry->host_fd);
    }
    free(entry->preopen);
    memset(entry, 0, sizeof *entry);
    entry->host_fd = -1;
}

/* ---- conversions ---- */

uint8_t wasi_filetype_from_mode(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI file type */
    }
}

static uint64_t timespec_ns(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec; }

int wasi_store_filestat(const wasi_context *wasi, uint32_t ptr, const void *stat_buffer)
{
    const struct stat *st = stat_buffer;
    uint8_t *p = wasi_memory(wasi, ptr, WASI_FILESTAT_SIZE);
    if (!p)
        return WASI_EFAULT;
    memset(p, 0, WASI_FILESTAT_SIZE);
    wasi_put64(p + 0, (uint64_t)st->st_dev);
    wasi_put64(p + 8, (uint64_t)st->st_ino);
    p[16] = wasi_filetype_from_mode(st->st_mode);
    wasi_put64(p + 24, (uint64_t)st->st_nlink);
    wasi_put64(p + 32, (uint64_t)st->st_size);
    wasi_put64(p + 40, timespec_ns(st->st_atim));
    wasi_put64(p + 48, timespec_ns(st->st_mtim));
    wasi_put64(p + 56, timespec_ns(st->st_ctim));
    return WASI_ESUCCESS;
}

static struct timespec ns_timespec(uint64_t ns)
{
    struct timespec t = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    return t;
}

int wasi_times_from_fst(uint64_t atim, uint64_t mtim, uint32_t fstflags, void *timespecs)
{
    struct timespec *times = timespecs;
    if (fstflags & ~(uint32_t)(WASI_FSTFLAG_ATIM | WASI_FSTFLAG_ATIM_NOW | WASI_FSTFLAG_MTIM | WASI_FSTFLAG_MTIM_NOW))
        return WASI_EINVAL;
    if ((fstflags & WASI_FSTFLAG_ATIM) && (fstflags & WASI_FSTFLAG_ATIM_NOW))
        return WASI_EINVAL;
    if ((fstflags & WASI_FSTFLAG_MTIM) && (fstflags & WASI_FSTFLAG_MTIM_NOW))
        return WASI_EINVAL;
    times[0].tv_sec = times[1].tv_sec = 0;
    times[0].tv_nsec = times[1].tv_nsec = UTIME_OMIT;
    if (fstflags & WASI_FSTFLAG_ATIM)
        times[0] = ns_timespec(atim);
    else if (fstflags & WASI_FSTFLAG_ATIM_NOW)
        times[0].tv_nsec = UTIME_NOW;
    if (fstflags & WASI_FSTFLAG_MTIM)
        times[1] = ns_timespec(mtim);
    else if (fstflags & WASI_FSTFLAG_MTIM_NOW)
        times[1].tv_nsec = UTIME_NOW;
    return WASI_ESUCCESS;
}

/* ---- iovecs ---- */

/* The guest's iovec array as host iovecs pointing into guest memory. Every buffer is checked
 * before anything is read or written; the total is cut at UINT32_MAX so it fits the u32 result. */
static int gather_iovecs(const wasi_context *wasi, uint32_t iovs, uint32_t count, struct iovec *out, int *out_count)
{
    if (count > WASI_MAX_IOVECS)
        return WASI_EINVAL;
    const uint8_t *array = wasi_memory(wasi, iovs, (uint64_t)count * WASI_IOVEC_SIZE);
    if (!array)
        return WASI_EFAULT;
    uint64_t total = 0;
    int used = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t ptr = wasi_get32(array + i * WASI_IOVEC_SIZE);
        uint32_t length = wasi_get32(array + i * WASI_IOVEC_SIZE + 4);
        uint8_t *bytes = wasi_memory(wasi, ptr, length);
        if (!bytes)
            return WASI_EFAULT;
        if (length > UINT32_MAX - total)
            length = (uint32_t)(UINT32_MAX - total);
        total += length;
        out[used].iov_base = bytes;
        out[used].iov_len = length;
        used++;
    }
    *out_count = used;
    return WASI_ESUCCESS;
}

static uint64_t iovecs_total(const struct iovec *vec, int count)
{
    uint64_t total = 0;
    for (int i = 0; i < count; i++)
        total += vec[i].iov_len;
    return total;
}

/* Shortens the iovecs to at most `limit` bytes in all. */
static void iovecs_limit(struct iovec *vec, int *count, uint64_t limit)
{
    uint64_t total = 0;
    for (int i = 0; i < *count; i++) {
        if (vec[i].iov_len > limit - total)
            vec[i].iov_len = (size_t)(limit - total);
        total += vec[i].iov_len;
    }
}

/* One readv/writev (or preadv/pwritev when `offset` >= 0) on a host descriptor, retried on EINTR. */
static int host_transfer(int host_fd, bool writing, const struct iovec *vec, int count, int64_t offset, size_t *done)
{
    ssize_t n;
    do {
        if (offset < 0)
            n = writing ? writev(host_fd, vec, count) : readv(host_fd, vec, count);
        else
            n = writing ? pwritev(host_fd, vec, count, (off_t)offset) : preadv(host_fd, vec, count, (off_t)offset);
    } while (n < 0 && errno == EINTR);
    *done = n < 0 ? 0 : (size_t)n;
    return n < 0 ? wasi_errno_from_host(errno) : WASI_ESUCCESS;
}

/* ---- stdio streams ---- */

static int stream_read(wasi_stream *stream, int host_fd, struct iovec *vec, int count, size_t *done)
{
    *done = 0;
    switch (stream->kind) {
    case WASI_STREAM_NULL: return WASI_ESUCCESS; /* end of file */
    case WASI_STREAM_INHERIT: break;
    case WASI_STREAM_BUFFER:
        for (int i = 0; i < count && stream->position < stream->size; i++) {
            size_t n = vec[i].iov_len;
            if (n > stream->size - stream->position)
                n = stream->size - stream->position;
            memcpy(vec[i].iov_base, stream->data + stream->position, n);
            stream->position += n;
            *done += n;
        }
        return WASI_ESUCCESS;
    case WASI_STREAM_CALLBACK:
        for (int i = 0; i < count; i++) {
            if (vec[i].iov_len == 0)
                continue;
            ptrdiff_t n = stream->read(stream->user, vec[i].iov_base, vec[i].iov_len);
            if (n < 0 || (size_t)n > vec[i].iov_len)
                return *done ? WASI_ESUCCESS : WASI_EIO;
            *done += (size_t)n;
            if ((size_t)n < vec[i].iov_len)
                break;
        }
        return WASI_ESUCCESS;
    }
    return host_transfer(host_fd, false, vec, count, -1, done);
}

static int stream_write(wasi_stream *stream, int host_fd, struct iovec *vec, int count, size_t *done)
{
    *done = 0;
    uint64_t total = iovecs_total(vec, count);
    if (total == 0)
        return WASI_ESUCCESS;
    uint64_t room = stream->written < stream->limit ? stream->limit - stream->written : 0;
    if (room == 0)
        return WASI_ENOSPC; /* the embedder's cap on output */
    if (total > room)
        iovecs_limit(vec, &count, room);
    switch (stream->kind) {
    case WASI_STREAM_NULL: *done = (size_t)(total > room ? room : total); break;
    case WASI_STREAM_INHERIT: {
        int error = host_transfer(host_fd, true, vec, count, -1, done);
        if (error != WASI_ESUCCESS)
            return error;
        break;
    }
    case WASI_STREAM_BUFFER:
        for (int i = 0; i < count; i++) {
            size_t n = vec[i].iov_len;
            if (n == 0)
                continue; /* stream->data may still be NULL: no pointer arithmetic or memcpy on it */
            if (n > stream->capacity - stream->size) {
                size_t capacity = stream->capacity ? stream->capacity : 4096;
                while (capacity - stream->size < n) {
                    if (capacity > SIZE_MAX / 2)
                        return *done ? WASI_ESUCCESS : WASI_ENOMEM;
                    capacity *= 2;
                }
                uint8_t *data = realloc(stream->data, capacity);
                if (!data)
                    return *done ? WASI_ESUCCESS : WASI_ENOMEM;
                stream->data = data;
                stream->capacity = capacity;
            }
            memcpy(stream->data + stream->size, vec[i].iov_base, n);
            stream->size += n;
            *done += n;
        }
        break;
    case WASI_STREAM_CALLBACK:
        for (int i = 0; i < count; i++) {
            if (vec[i].iov_len == 0)
                continue;
            ptrdiff_t n = stream->write(stream->user, stream->number, vec[i].iov_base, vec[i].iov_len);
            if (n < 0 || (size_t)n > vec[i].iov_len) {
                if (*done)
                    break;
                return WASI_EIO;
            }
            *done += (size_t)n;
            if ((size_t)n < vec[i].iov_len)
                break;
        }
        break;
    }
    stream->written += *done;
    return WASI_ESUCCESS;
}

/* Is `entry` a virtual stream (no host descriptor behind it)? */
static bool is_virtual(const wasi_fd *entry) { return entry->host_fd < 0; }

/* ---- read and write ---- */

/* What fd_read, fd_write, fd_pread and fd_pwrite share: `positioned` makes it pread/pwrite at
 * `offset`, which stdio streams and other virtual entries cannot do. */
static int fd_transfer(wasi_context *wasi, uint32_t fd, bool writing, bool positioned, uint32_t iovs, uint32_t iovs_len,
                       uint64_t offset, uint32_t done_ptr)
{
    uint64_t rights = (writing ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ) | (positioned ? WASI_RIGHT_FD_SEEK : 0);
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, rights, &error);
    if (!entry)
        return error;
    uint8_t *done_out = wasi_memory(wasi, done_ptr, 4);
    struct iovec vec[WASI_MAX_IOVECS];
    int count = 0;
    if (!done_out)
        return WASI_EFAULT;
    if ((error = gather_iovecs(wasi, iovs, iovs_len, vec, &count)) != WASI_ESUCCESS)
        return error;
    size_t done = 0;
    if (positioned) {
        if (is_virtual(entry))
            return WASI_ESPIPE;
        if (offset > INT64_MAX)
            return WASI_EINVAL;
        error = host_transfer(entry->host_fd, writing, vec, count, (int64_t)offset, &done);
    } else if (entry->stream) {
        error = writing ? stream_write(entry->stream, entry->host_fd, vec, count, &done)
                        : stream_read(entry->stream, entry->host_fd, vec, count, &done);
    } else {
        error = host_transfer(entry->host_fd, writing, vec, count, -1, &done);
    }
    if (error != WASI_ESUCCESS)
        return error;
    wasi_put32(done_out, (uint32_t)done);
    return WASI_ESUCCESS;
}

/* ---- position ---- */

static int fd_seek(wasi_context *wasi, uint32_t fd, int64_t offset, uint32_t whence, uint32_t newoffset_ptr)
{
    /* Asking where we are (cur + 0) needs only the tell right. */
    uint64_t right = (whence == WASI_WHENCE_CUR && offset == 0) ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, right, &error);
    if (!entry && error == WASI_ENOTCAPABLE && right == WASI_RIGHT_FD_TELL)
        entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_SEEK, &error);
    if (!entry)
        return error;
    uint8_t *result = wasi_memory(wasi, newoffset_ptr, 8);
    if (!result)
        return WASI_EFAULT;
    int host_whence;
    switch (whence) {
    case WASI_WHENCE_SET: host_whence = SEEK_SET; break;
    case WASI_WHENCE_CUR: host_whence = SEEK_CUR; break;
    case WASI_WHENCE_END: host_whence = SEEK_END; break;
    default: return WASI_EINVAL;
    }
    if (is_virtual(entry))
        return WASI_ESPIPE;
    off_t position = lseek(entry->host_fd, (off_t)offset, host_whence);
    if (position < 0)
        return wasi_errno_from_host(errno);
    wasi_put64(result, (uint64_t)position);
    return WASI_ESUCCESS;
}

static int fd_tell(wasi_context *wasi, uint32_t fd, uint32_t offset_ptr)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_TELL, &error);
    if (!entry)
        return error;
    uint8_t *result = wasi_memory(wasi, offset_ptr, 8);
    if (!result)
        return WASI_EFAULT;
    if (is_virtual(entry))
        return WASI_ESPIPE;
    off_t position = lseek(entry->host_fd, 0, SEEK_CUR);
    if (position < 0)
        return wasi_errno_from_host(errno);
    wasi_put64(result, (uint64_t)position);
    return WASI_ESUCCESS;
}

/* ---- descriptor management ---- */

static int fd_close(wasi_context *wasi, uint32_t fd)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, 0, &error);
    if (!entry)
        return error;
    wasi_fd_release(entry);
    return WASI_ESUCCESS;
}

static int fd_renumber(wasi_context *wasi, uint32_t from, uint32_t to)
{
    int error;
    wasi_fd *source = wasi_fd_get(wasi, from, 0, &error);
    if (!source)
        return error;
    wasi_fd *target = wasi_fd_get(wasi, to, 0, &error);
    if (!target)
        return error;
    if (from == to)
        return WASI_ESUCCESS;
    wasi_fd_release(target);
    *target = *source;
    memset(source, 0, sizeof *source);
    source->host_fd = -1;
    return WASI_ESUCCESS;
}

static int fd_fdstat_get(wasi_context *wasi, uint32_t fd, uint32_t stat_ptr)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, 0, &error);
    if (!entry)
        return error;
    uint8_t *p = wasi_memory(wasi, stat_ptr, WASI_FDSTAT_SIZE);
    if (!p)
        return WASI_EFAULT;
    memset(p, 0, WASI_FDSTAT_SIZE);
    p[0] = entry->filetype;
    wasi_put16(p + 2, entry->flags);
    wasi_put64(p + 8, entry->rights_base);
    wasi_put64(p + 16, entry->rights_inheriting);
    return WASI_ESUCCESS;
}

static int fd_fdstat_set_flags(wasi_context *wasi, uint32_t fd, uint32_t flags)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &error);
    if (!entry)
        return error;
    if (flags & ~(uint32_t)WASI_FDFLAGS_ALL)
        return WASI_EINVAL;
    /* Linux cannot change the synchronisation flags of an open file (F_SETFL ignores them). */
    const uint32_t sync_flags = WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
    if ((flags & sync_flags) != (entry->flags & sync_flags))
        return WASI_ENOTSUP;
    if (!is_virtual(entry)) {
        int host_flags = fcntl(entry->host_fd, F_GETFL);
        if (host_flags < 0)
            return wasi_errno_from_host(errno);
        host_flags &= ~(O_APPEND | O_NONBLOCK);
        if (flags & WASI_FDFLAG_APPEND)
            host_flags |= O_APPEND;
        if (flags & WASI_FDFLAG_NONBLOCK)
            host_flags |= O_NONBLOCK;
        if (fcntl(entry->host_fd, F_SETFL, host_flags) != 0)
            return wasi_errno_from_host(errno);
    }
    entry->flags = (uint16_t)flags;
    return WASI_ESUCCESS;
}

static int fd_fdstat_set_rights(wasi_context *wasi, uint32_t fd, uint64_t base, uint64_t inheriting)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, 0, &error);
    if (!entry)
        return error;
    /* Rights can only be dropped, never gained. */
    if ((base & ~entry->rights_base) || (inheriting & ~entry->rights_inheriting))
        return WASI_ENOTCAPABLE;
    entry->rights_base = base;
    entry->rights_inheriting = inheriting;
    return WASI_ESUCCESS;
}

/* ---- file attributes ---- */

static int fd_filestat_get(wasi_context *wasi, uint32_t fd, uint32_t stat_ptr)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_FILESTAT_GET, &error);
    if (!entry)
        return error;
    struct stat st;
    if (is_virtual(entry)) {
        memset(&st, 0, sizeof st);
        st.st_mode = S_IFCHR;
        st.st_nlink = 1;
    } else if (fstat(entry->host_fd, &st) != 0) {
        return wasi_errno_from_host(errno);
    }
    return wasi_store_filestat(wasi, stat_ptr, &st);
}

static int fd_filestat_set_size(wasi_context *wasi, uint32_t fd, uint64_t size)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_FILESTAT_SET_SIZE, &error);
    if (!entry)
        return error;
    if (is_virtual(entry) || size > INT64_MAX)
        return WASI_EINVAL;
    if (ftruncate(entry->host_fd, (off_t)size) != 0)
        return wasi_errno_from_host(errno);
    return WASI_ESUCCESS;
}

static int fd_filestat_set_times(wasi_context *wasi, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fstflags)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_FILESTAT_SET_TIMES, &error);
    if (!entry)
        return error;
    struct timespec times[2];
    if ((error = wasi_times_from_fst(atim, mtim, fstflags, times)) != WASI_ESUCCESS)
        return error;
    if (is_virtual(entry))
        return WASI_EINVAL;
    if (futimens(entry->host_fd, times) != 0)
        return wasi_errno_from_host(errno);
    return WASI_ESUCCESS;
}

/* ---- hints and synchronisation ---- */

static int fd_advise(wasi_context *wasi, uint32_t fd, uint64_t offset, uint64_t length, uint32_t advice)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_ADVISE, &error);
    if (!entry)
        return error;
    int host_advice;
    switch (advice) {
    case WASI_ADVICE_NORMAL: host_advice = POSIX_FADV_NORMAL; break;
    case WASI_ADVICE_SEQUENTIAL: host_advice = POSIX_FADV_SEQUENTIAL; break;
    case WASI_ADVICE_RANDOM: host_advice = POSIX_FADV_RANDOM; break;
    case WASI_ADVICE_WILLNEED: host_advice = POSIX_FADV_WILLNEED; break;
    case WASI_ADVICE_DONTNEED: host_advice = POSIX_FADV_DONTNEED; break;
    case WASI_ADVICE_NOREUSE: host_advice = POSIX_FADV_NOREUSE; break;
    default: return WASI_EINVAL;
    }
    if (offset > INT64_MAX || length > INT64_MAX)
        return WASI_EINVAL;
    if (is_virtual(entry))
        return WASI_ESPIPE;
    int result = posix_fadvise(entry->host_fd, (off_t)offset, (off_t)length, host_advice);
    return result ? wasi_errno_from_host(result) : WASI_ESUCCESS;
}

static int fd_allocate(wasi_context *wasi, uint32_t fd, uint64_t offset, uint64_t length)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_ALLOCATE, &error);
    if (!entry)
        return error;
    if (offset > INT64_MAX || length > INT64_MAX || offset + length > INT64_MAX)
        return WASI_EFBIG;
    if (is_virtual(entry))
        return WASI_ESPIPE;
    if (length == 0)
        return WASI_EINVAL; /* as posix_fallocate */
    int result = posix_fallocate(entry->host_fd, (off_t)offset, (off_t)length);
    return result ? wasi_errno_from_host(result) : WASI_ESUCCESS;
}

static int fd_sync_common(wasi_context *wasi, uint32_t fd, uint64_t right, int (*sync)(int))
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, right, &error);
    if (!entry)
        return error;
    if (is_virtual(entry))
        return WASI_EINVAL; /* as fsync on a pipe */
    if (sync(entry->host_fd) != 0)
        return wasi_errno_from_host(errno);
    return WASI_ESUCCESS;
}

/* ---- preopened directories ---- */

static int fd_prestat_get(wasi_context *wasi, uint32_t fd, uint32_t prestat_ptr)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, 0, &error);
    if (!entry)
        return error;
    if (!entry->preopen)
        return WASI_EBADF; /* wasi-libc scans descriptors from 3 until EBADF */
    uint8_t *p = wasi_memory(wasi, prestat_ptr, WASI_PRESTAT_SIZE);
    if (!p)
        return WASI_EFAULT;
    memset(p, 0, WASI_PRESTAT_SIZE);
    p[0] = WASI_PREOPENTYPE_DIR;
    wasi_put32(p + 4, (uint32_t)entry->preopen_length);
    return WASI_ESUCCESS;
}

static int fd_prestat_dir_name(wasi_context *wasi, uint32_t fd, uint32_t path_ptr, uint32_t path_len)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, 0, &error);
    if (!entry)
        return error;
    if (!entry->preopen)
        return WASI_EBADF;
    if (path_len < entry->preopen_length)
        return WASI_ENAMETOOLONG;
    uint8_t *p = wasi_memory(wasi, path_ptr, entry->preopen_length);
    if (!p)
        return WASI_EFAULT;
    memcpy(p, entry->preopen, entry->preopen_length);
    return WASI_ESUCCESS;
}

/* ---- directories ---- */

/* struct linux_dirent64, as getdents64 returns it. */
struct host_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static uint8_t filetype_from_dirent(int dir_fd, const struct host_dirent64 *dirent)
{
    switch (dirent->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_FIFO: return WASI_FILETYPE_UNKNOWN;
    default: {
        /* Some file systems do not fill d_type. */
        struct stat st;
        if (fstatat(dir_fd, dirent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return WASI_FILETYPE_UNKNOWN;
        return wasi_filetype_from_mode(st.st_mode);
    }
    }
}

/* Entries from `cookie` on: each a 24-byte dirent then its name; the last one may be cut short
 * when the buffer is full (the guest then calls again with a larger buffer or the last whole
 * entry's d_next). Cookies are the kernel's directory offsets (d_off), which lseek accepts. */
static int fd_readdir(wasi_context *wasi, uint32_t fd, uint32_t buf_ptr, uint32_t buf_len, uint64_t cookie,
                      uint32_t bufused_ptr)
{
    int error;
    wasi_fd *entry = wasi_fd_get(wasi, fd, WASI_RIGHT_FD_READDIR, &error);
    if (!entry)
        return error;
    uint8_t *buf = wasi_memory(wasi, buf_ptr, buf_len);
    uint8_t *bufused = wasi_memory(wasi, bufused_ptr, 4);
    if (!buf || !bufused)
        return WASI_EFAULT;
    if (entry->filetype != WASI_FILETYPE_DIRECTORY || is_virtual(entry))
        return WASI_ENOTDIR;
    if (cookie > INT64_MAX)
        return WASI_EINVAL;
    if (lseek(entry->host_fd, (off_t)cookie, SEEK_SET) < 0)
        return wasi_errno_from_host(errno);
    uint64_t block[1024]; /* 8 KiB, aligned as getdents64 needs */
    uint32_t used = 0;
    while (used < buf_len) {
        long got = syscall(SYS_getdents64, entry->host_fd, block, sizeof block);
        if (got < 0)
            return wasi_errno_from_host(errno);
        if (got == 0)
            break;
        const uint8_t *bytes = (const uint8_t *)block;
        for (long offset = 0; offset < got && used < buf_len;) {
            const struct host_dirent64 *dirent = (const struct host_dirent64 *)(bytes + offset);
            offset += dirent->d_reclen;
            size_t name_length = strlen(dirent->d_name);
            uint8_t header[WASI_DIRENT_SIZE];
            memset(header, 0, sizeof header);
            wasi_put64(header, (uint64_t)dirent->d_off);
            wasi_put64(header + 8, dirent->d_ino);
            wasi_put32(header + 16, (uint32_t)name_length);
            header[20] = filetype_from_dirent(entry->host_fd, dirent);
            uint32_t n = buf_len - used < WASI_DIRENT_SIZE ? buf_len - used : WASI_DIRENT_SIZE;
            memcpy(buf + used, header, n);
            used += n;
            n = buf_len - used < name_length ? buf_len - used : (uint32_t)name_length;
            memcpy(buf + used, dirent->d_name, n);
            used += n;
        }
    }
    wasi_put32(bufused, used);
    return WASI_ESUCCESS;
}

/* ---- host callbacks ---- */

eng_trap *wasi_fd_read(void *env, eng_slot *a)
{
    WASI_RETURN(fd_transfer(env, WASI_ARG32(0), false, false, WASI_ARG32(1), WASI_ARG32(2), 0, WASI_ARG32(3)));
}
eng_trap *wasi_fd_write(void *env, eng_slot *a)
{
    WASI_RETURN(fd_transfer(env, WASI_ARG32(0), true, false, WASI_ARG32(1), WASI_ARG32(2), 0, WASI_ARG32(3)));
}
eng_trap *wasi_fd_pread(void *env, eng_slot *a)
{
    WASI_RETURN(
        fd_transfer(env, WASI_ARG32(0), false, true, WASI_ARG32(1), WASI_ARG32(2), WASI_ARG64(3), WASI_ARG32(4)));
}
eng_trap *wasi_fd_pwrite(void *env, eng_slot *a)
{
    WASI_RETURN(
        fd_transfer(env, WASI_ARG32(0), true, true, WASI_ARG32(1), WASI_ARG32(2), WASI_ARG64(3), WASI_ARG32(4)));
}
eng_trap *wasi_fd_seek(void *env, eng_slot *a)
{
    WASI_RETURN(fd_seek(env, WASI_ARG32(0), (int64_t)WASI_ARG64(1), WASI_ARG32(2), WASI_ARG32(3)));
}
eng_trap *wasi_fd_tell(void *env, eng_slot *a) { WASI_RETURN(fd_tell(env, WASI_ARG32(0), WASI_ARG32(1))); }
eng_trap *wasi_fd_close(void *env, eng_slot *a) { WASI_RETURN(fd_close(env, WASI_ARG32(0))); }
eng_trap *wasi_fd_renumber(void *env, eng_slot *a) { WASI_RETURN(fd_renumber(env, WASI_ARG32(0), WASI_ARG32(1))); }
eng_trap *wasi_fd_fdstat_get(void *env, eng_slot *a) { WASI_RETURN(fd_fdstat_get(env, WASI_ARG32(0), WASI_ARG32(1))); }
eng_trap *wasi_fd_fdstat_set_flags(void *env, eng_slot *a)
{
    WASI_RETURN(fd_fdstat_set_flags(env, WASI_ARG32(0), WASI_ARG32(1)));
}
eng_trap *wasi_fd_fdstat_set_rights(void *env, eng_slot *a)
{
    WASI_RETURN(fd_fdstat_set_rights(env, WASI_ARG32(0), WASI_ARG64(1), WASI_ARG64(2)));
}
eng_trap *wasi_fd_filestat_get(void *env, eng_slot *a)
{
    WASI_RETURN(fd_filestat_get(env, WASI_ARG32(0), WASI_ARG32(1)));
}
eng_trap *wasi_fd_filestat_set_size(void *env, eng_slot *a)
{
    WASI_RETURN(fd_filestat_set_size(env, WASI_ARG32(0), WASI_ARG64(1)));
}
eng_trap *wasi_fd_filestat_set_times(void *env, eng_slot *a)
{
    WASI_RETURN(fd_filestat_set_times(env, WASI_ARG32(0), WASI_ARG64(1), WASI_ARG64(2), WASI_ARG32(3)));
}
eng_trap *wasi_fd_advise(void *env, eng_slot *a)
{
    WASI_RETURN(fd_advise(env, WASI_ARG32(0), WASI_ARG64(1), WASI_ARG64(2), WASI_ARG32(3)));
}
eng_trap *wasi_fd_allocate(void *env, eng_slot *a)
{
    WASI_RETURN(fd_allocate(env, WASI_ARG32(0), WASI_ARG64(1), WASI_ARG64(2)));
}
eng_trap *wasi_fd_datasync(void *env, eng_slot *a)
{
    WASI_RETURN(fd_sync_common(env, WASI_ARG32(0), WASI_RIGHT_FD_DATASYNC, fdatasync));
}
eng_trap *wasi_fd_sync(void *env, eng_slot *a)
{
    WASI_RETURN(fd_sync_common(env, WASI_ARG32(0), WASI_RIGHT_FD_SYNC, fsync));
}
eng_trap *wasi_fd_prestat_get(void *env, eng_slot *a)
{
    WASI_RETURN(fd_prestat_get(env, WASI_ARG32(0), WASI_ARG32(1)));
}
eng_trap *wasi_fd_prestat_dir_name(void *env, eng_slot *a)
{
    WASI_RETURN(fd_prestat_dir_name(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2)));
}
eng_trap *wasi_fd_readdir(void *env, eng_slot *a)
{
    WASI_RETURN(fd_readdir(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG64(3), WASI_ARG32(4)));
}
