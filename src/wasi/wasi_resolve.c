/* wasi_resolve.c: sandboxed path resolution: guest paths resolved beneath a directory descriptor, never outside it. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Two ways to stay beneath a directory:
 *  - openat2(2) with RESOLVE_BENEATH (Linux 5.6+): the kernel refuses, with EXDEV, any
 *    resolution that would leave the starting directory: absolute paths, `..` above it, and
 *    symbolic links (absolute or relative, direct or chained) that lead out. It also guards
 *    against `..` racing with renames (EAGAIN, retried here).
 *  - a walker for older kernels: it opens one component at a time with O_NOFOLLOW, keeps a
 *    descriptor for every directory it passed (so `..` goes back to a directory it holds rather
 *    than to a name that may have been renamed), expands symbolic links itself and refuses `..`
 *    at the root and absolute link targets.
 * Either way the result is a descriptor; callers never hand a multi-component guest path to an
 * *at() call. Operations that act on a name rather than open it (unlink, rename, mkdir, ...)
 * use wasi_resolve(), which opens the parent directory beneath the root and returns the last
 * component: one name, no slash, which the *at() call cannot follow out of that directory. */

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* struct open_how and the RESOLVE_ flags of <linux/openat2.h>, which older headers lack. */
struct beneath_open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};
#define BENEATH_RESOLVE_NO_MAGICLINKS 0x02
#define BENEATH_RESOLVE_BENEATH 0x08

#define MAX_SYMLINK_HOPS 40 /* as Linux's MAXSYMLINKS: more is ELOOP */

/* 0: not tried yet, 1: works, -1: the kernel lacks it (ENOSYS). Shared by all contexts. */
static atomic_int openat2_state;

int wasi_path_copy(const uint8_t *path, uint32_t length, char *buffer)
{
    if (length > WASI_MAX_PATH)
        return WASI_ENAMETOOLONG;
    if (memchr(path, '\0', length))
        return WASI_EINVAL; /* a host path cannot contain NUL */
    memcpy(buffer, path, length);
    buffer[length] = '\0';
    return WASI_ESUCCESS;
}

/* ---- openat2 ---- */

/* WASI errno, or -1 when the kernel has no openat2. */
static int openat2_beneath(int root_fd, const char *path, int flags, unsigned mode, int *fd_out)
{
    struct beneath_open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC);
    if (!(flags & O_PATH))
        how.flags |= O_NOCTTY; /* O_PATH takes only O_CLOEXEC, O_DIRECTORY and O_NOFOLLOW */
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = BENEATH_RESOLVE_BENEATH | BENEATH_RESOLVE_NO_MAGICLINKS;
    /* EAGAIN: a rename elsewhere raced with a `..` step; the kernel asks us to try again. */
    for (int attempt = 0; attempt < 64; attempt++) {
        long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        if (fd >= 0) {
            *fd_out = (int)fd;
            return WASI_ESUCCESS;
        }
        if (errno == EINTR || errno == EAGAIN)
            continue;
        if (errno == ENOSYS || errno == EPERM) {
            /* EPERM: a seccomp filter that does not know openat2 (some container runtimes). */
            if (errno == EPERM && atomic_load(&openat2_state) == 1)
                return WASI_EPERM;
            return -1;
        }
        if (errno == EXDEV)
            return WASI_ENOTCAPABLE; /* the path leads outside the directory */
        return wasi_errno_from_host(errno);
    }
    return WASI_EAGAIN;
}

/* ---- the walker ---- */

/* The directories passed so far; the current one is the last (or the root when none). */
typedef struct walk_stack {
    int *fds;
    size_t depth, capacity;
} walk_stack;

static int walk_current(const walk_stack *stack, int root_fd)
{
    return stack->depth ? stack->fds[stack->depth - 1] : root_fd;
}

static bool walk_push(walk_stack *stack, int fd)
{
    if (stack->depth == stack->capacity) {
        size_t capacity = stack->capacity ? stack->capacity * 2 : 16;
        int *fds = realloc(stack->fds, capacity * sizeof *fds);
        if (!fds)
            return false;
        stack->fds = fds;
        stack->capacity = capacity;
    }
    stack->fds[stack->depth++] = fd;
    return true;
}

static void walk_clear(walk_stack *stack)
{
    while (stack->depth)
        close(stack->fds[--stack->depth]);
    free(stack->fds);
}

/* Room for a path, a symbolic link's target spliced in front of what remains, and slashes. */
#define WALK_BUFFER_SIZE (2 * WASI_MAX_PATH + 4)

/* Replaces the remaining path `rest` (inside `buffer`, empty or starting with '/') by
 * `target` + rest. */
static int splice_link(char *buffer, const char **rest, const char *target, size_t target_length)
{
    size_t rest_length = strlen(*rest);
    size_t total = target_length + rest_length;
    if (total > 2 * WASI_MAX_PATH)
        return WASI_ENAMETOOLONG;
    char *joined = malloc(total + 1);
    if (!joined)
        return WASI_ENOMEM;
    memcpy(joined, target, target_length);
    memcpy(joined + target_length, *rest, rest_length + 1);
    memcpy(buffer, joined, total + 1);
    free(joined);
    *rest = buffer;
    return WASI_ESUCCESS;
}

static int walk_beneath(int root_fd, const char *path, int flags, unsigned mode, int *fd_out)
{
    if (path[0] == '\0')
        return WASI_ENOENT;
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    char *buffer = malloc(WALK_BUFFER_SIZE);
    char *target = malloc(WASI_MAX_PATH + 1);
    if (!buffer || !target) {
        free(buffer);
        free(target);
        return WASI_ENOMEM;
    }
    strcpy(buffer, path);
    const char *rest = buffer;
    bool follow_final = !(flags & O_NOFOLLOW);
    walk_stack stack = {NULL, 0, 0};
    char component[WASI_MAX_PATH + 1];
    int hops = 0, result;

    for (;;) {
        while (*rest == '/')
            rest++;
        int current = walk_current(&stack, root_fd);
        if (*rest == '\0') {
            /* The path named a directory we hold ("", ".", "a/..", "a/"): open it. */
            int fd = openat(current, ".", flags | O_CLOEXEC | O_NOCTTY, mode);
            result = fd < 0 ? wasi_errno_from_host(errno) : WASI_ESUCCESS;
            if (fd >= 0)
                *fd_out = fd;
            break;
        }
        size_t length = strcspn(rest, "/");
        if (length > WASI_MAX_PATH) {
            result = WASI_ENAMETOOLONG;
            break;
        }
        memcpy(component, rest, length);
        component[length] = '\0';
        rest += length;
        const char *after = rest;
        while (*after == '/')
            after++;
        bool last = *after == '\0';
        bool trailing_slash = last && *rest == '/';

        if (strcmp(component, ".") == 0)
            continue;
        if (strcmp(component, "..") == 0) {
            if (stack.depth == 0) {
                result = WASI_ENOTCAPABLE; /* above the root */
                break;
            }
            close(stack.fds[--stack.depth]);
            continue;
        }
        if (!last || trailing_slash || follow_final) {
            /* See what the component is without following it; fstat the descriptor we got,
             * not the name, so that a concurrent rename cannot swap it under us. */
            int fd = openat(current, component, O_PATH | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                if (!(last && !trailing_slash && errno == ENOENT)) {
                    result = wasi_errno_from_host(errno);
                    break;
                }
                /* A missing final component: the open below may create it (O_CREAT). */
            } else {
                struct stat st;
                if (fstat(fd, &st) != 0) {
                    result = wasi_errno_from_host(errno);
                    close(fd);
                    break;
                }
                if (S_ISLNK(st.st_mode)) {
                    ssize_t n = readlinkat(fd, "", target, WASI_MAX_PATH + 1);
                    int saved_errno = errno;
                    close(fd);
                    if (n < 0) {
                        result = wasi_errno_from_host(saved_errno);
                        break;
                    }
                    if (n > WASI_MAX_PATH) {
                        result = WASI_ENAMETOOLONG;
                        break;
                    }
                    if (++hops > MAX_SYMLINK_HOPS) {
                        result = WASI_ELOOP;
                        break;
                    }
                    if (n == 0) {
                        result = WASI_ENOENT;
                        break;
                    }
                    if (target[0] == '/') {
                        result = WASI_ENOTCAPABLE; /* an absolute link always leads out */
                        break;
                    }
                    /* Continue with the link's target in place of the component. */
                    result = splice_link(buffer, &rest, target, (size_t)n);
                    if (result != WASI_ESUCCESS)
                        break;
                    continue;
                }
                if (!last || trailing_slash) {
                    if (!S_ISDIR(st.st_mode)) {
                        close(fd);
                        result = WASI_ENOTDIR;
                        break;
                    }
                    if (!walk_push(&stack, fd)) {
                        close(fd);
                        result = WASI_ENOMEM;
                        break;
                    }
                    continue;
                }
                close(fd);
            }
        }
        /* The final component, not a symbolic link (O_NOFOLLOW keeps it so should one appear
         * now: the open fails with ELOOP, or gives the link itself with O_PATH). */
        int fd = openat(current, component, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        result = fd < 0 ? wasi_errno_from_host(errno) : WASI_ESUCCESS;
        if (fd >= 0)
            *fd_out = fd;
        break;
    }
    walk_clear(&stack);
    free(buffer);
    free(target);
    return result;
}

int wasi_open_beneath(const wasi_context *wasi, int root_fd, const char *path, int flags, unsigned mode, int *fd_out)
{
    *fd_out = -1;
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    if (!wasi->portable_resolution && atomic_load(&openat2_state) >= 0) {
        int result = openat2_beneath(root_fd, path, flags, mode, fd_out);
        if (result >= 0) {
            if (atomic_load(&openat2_state) == 0)
                atomic_store(&openat2_state, 1);
            return result;
        }
        atomic_store(&openat2_state, -1);
    }
    return walk_beneath(root_fd, path, flags, mode, fd_out);
}

/* ---- parent + name ---- */

int wasi_resolve(const wasi_context *wasi, int root_fd, const uint8_t *path, uint32_t length, int how,
                 wasi_resolved *out)
{
    bool follow = how & WASI_RESOLVE_FOLLOW;
    out->parent_fd = -1;
    out->name = NULL;
    out->trailing_slash = false;
    char *buffer = out->buffer;
    int result = wasi_path_copy(path, length, buffer);
    if (result != WASI_ESUCCESS)
        return result;
    if (buffer[0] == '\0')
        return WASI_ENOENT;
    char target[WASI_MAX_PATH + 1];
    for (int hops = 0;; hops++) {
        if (buffer[0] == '/')
            return WASI_ENOTCAPABLE;
        size_t n = strlen(buffer);
        bool trailing_slash = false;
        while (n > 1 && buffer[n - 1] == '/') {
            buffer[--n] = '\0';
            trailing_slash = true;
        }
        char *slash = strrchr(buffer, '/');
        char *name = slash ? slash + 1 : buffer;
        out->trailing_slash = trailing_slash;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            /* The path names a directory itself: hold that directory (which checks that it is
             * beneath the root) and act on its "." entry. */
            result = wasi_open_beneath(wasi, root_fd, buffer, O_PATH | O_DIRECTORY, 0, &out->parent_fd);
            if (result != WASI_ESUCCESS)
                return result;
            out->name = ".";
            return WASI_ESUCCESS;
        }
        if (slash)
            *slash = '\0';
        result = wasi_open_beneath(wasi, root_fd, slash ? buffer : ".", O_PATH | O_DIRECTORY, 0, &out->parent_fd);
        if (result != WASI_ESUCCESS)
            return result;
        out->name = name;
        if (!follow && (!trailing_slash || (how & WASI_RESOLVE_CREATE)))
            return WASI_ESUCCESS;
        ssize_t link_length = readlinkat(out->parent_fd, name, target, sizeof target);
        if (link_length < 0) {
            /* Not a symbolic link (or missing): the operation itself reports what it finds.
             * A trailing slash asks for a directory. */
            if (trailing_slash) {
                struct stat st;
                if (fstatat(out->parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
                    wasi_resolved_close(out);
                    return WASI_ENOTDIR;
                }
            }
            return WASI_ESUCCESS;
        }
        if (!follow) {
            /* "link/" in an operation that does not follow links: a link is not a directory. */
            wasi_resolved_close(out);
            return WASI_ENOTDIR;
        }
        wasi_resolved_close(out);
        if ((size_t)link_length > WASI_MAX_PATH)
            return WASI_ENAMETOOLONG;
        if (hops >= MAX_SYMLINK_HOPS)
            return WASI_ELOOP;
        if (link_length == 0)
            return WASI_ENOENT;
        if (target[0] == '/')
            return WASI_ENOTCAPABLE;
        /* The link's target is relative to the directory holding it: "dir/" + target resolves to
         * exactly that (the kernel walks "dir" first), and is checked beneath the root again. */
        size_t dir_length = slash ? (size_t)(slash - buffer) + 1 : 0;
        size_t total = dir_length + (size_t)link_length + (trailing_slash ? 1 : 0);
        if (total > WASI_MAX_PATH)
            return WASI_ENAMETOOLONG;
        if (slash)
            *slash = '/';
        memcpy(buffer + dir_length, target, (size_t)link_length);
        if (trailing_slash)
            buffer[dir_length + (size_t)link_length] = '/';
        buffer[total] = '\0';
    }
}

void wasi_resolved_close(wasi_resolved *resolved)
{
    if (resolved->parent_fd >= 0)
        close(resolved->parent_fd);
    resolved->parent_fd = -1;
}
