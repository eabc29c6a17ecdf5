/* wasi_path.c: WASI's path_* functions: open, create, remove, rename, link and inspect names beneath a directory fd. */
#define _GNU_SOURCE
#include "wasi_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every path argument is resolved by wasi_resolve.c beneath the directory descriptor it comes
 * with; this file only checks rights and arguments and makes the one *at() call on the parent
 * directory and last component it gets back. */

/* The directory descriptor `fd` with `rights`: EBADF (not open), ENOTDIR (not a directory),
 * ENOTCAPABLE (a right is missing), in that order. */
static int get_dir(wasi_context *wasi, uint32_t fd, uint64_t rights, wasi_fd **out)
{
    int error;
    *out = NULL;
    wasi_fd *entry = wasi_fd_get(wasi, fd, 0, &error);
    if (!entry)
        return error;
    if (entry->filetype != WASI_FILETYPE_DIRECTORY || entry->host_fd < 0)
        return WASI_ENOTDIR;
    if ((entry->rights_base & rights) != rights)
        return WASI_ENOTCAPABLE;
    *out = entry;
    return WASI_ESUCCESS;
}

/* A directory and a path in guest memory, resolved; `how` as in wasi_resolve. */
static int resolve_arg(wasi_context *wasi, const wasi_fd *dir, uint32_t path_ptr, uint32_t path_len, int how,
                       wasi_resolved *out)
{
    out->parent_fd = -1;
    const uint8_t *path = wasi_memory(wasi, path_ptr, path_len);
    if (!path)
        return WASI_EFAULT;
    return wasi_resolve(wasi, dir->host_fd, path, path_len, how, out);
}

static int host_result(int status) { return status == 0 ? WASI_ESUCCESS : wasi_errno_from_host(errno); }

/* A name about to be created with a trailing slash ("new/") by symlink or link: POSIX says
 * EEXIST when it exists and ENOENT when it does not (only directories take a trailing slash). */
static int trailing_slash_create_error(const wasi_resolved *resolved)
{
    struct stat st;
    return fstatat(resolved->parent_fd, resolved->name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? WASI_EEXIST : WASI_ENOENT;
}

/* ---- path_open ---- */

static int path_open(wasi_context *wasi, uint32_t dirfd, uint32_t dirflags, uint32_t path_ptr, uint32_t path_len,
                     uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                     uint32_t fd_ptr)
{
    uint64_t needed = WASI_RIGHT_PATH_OPEN;
    if (oflags & WASI_OFLAG_CREAT)
        needed |= WASI_RIGHT_PATH_CREATE_FILE;
    if (oflags & WASI_OFLAG_TRUNC)
        needed |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
    wasi_fd *dir;
    int error = get_dir(wasi, dirfd, needed, &dir);
    if (error != WASI_ESUCCESS)
        return error;
    const uint8_t *path = wasi_memory(wasi, path_ptr, path_len);
    uint8_t *result = wasi_memory(wasi, fd_ptr, 4);
    if (!path || !result)
        return WASI_EFAULT;
    if ((oflags & ~(uint32_t)WASI_OFLAGS_ALL) || (fdflags & ~(uint32_t)WASI_FDFLAGS_ALL) ||
        (dirflags & ~(uint32_t)WASI_LOOKUP_SYMLINK_FOLLOW))
        return WASI_EINVAL;
    if ((oflags & WASI_OFLAG_CREAT) && (oflags & WASI_OFLAG_DIRECTORY))
        return WASI_EINVAL;
    /* A new descriptor gets at most what the directory passes on. */
    if ((rights_base | rights_inheriting) & ~dir->rights_inheriting)
        return WASI_ENOTCAPABLE;

    /* The host access mode follows from the rights asked for: any of WASI_RIGHTS_OPEN_WRITE (as
     * wasi-libc asks for O_WRONLY and O_RDWR, never for O_RDONLY) or APPEND opens for writing. So
     * is a directory, OFLAG_DIRECTORY or not: the host refuses it with EISDIR, as open(2) does and
     * the WASI testsuite's path_open_preopen expects (wasi-libc's opendir and
     * open(O_RDONLY | O_DIRECTORY) ask for none of these). */
    bool read = rights_base & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
    bool write = (rights_base & WASI_RIGHTS_OPEN_WRITE) || (fdflags & WASI_FDFLAG_APPEND);
    /* A read-only tree refuses here, not at the first fd_write, an open for writing, any other
     * write right in rights_base (FD_FILESTAT_SET_TIMES, ...), and CREAT or TRUNC. Its directories
     * pass WASI_RIGHTS_OPEN_WRITE on only so that wasi-libc's O_WRONLY and O_RDWR ask for them and
     * end here; in rights_inheriting they are fine (wasi-libc passes the directory's own there),
     * and wasi-libc's read-only opens (fopen "r", O_RDONLY, opendir) do not ask for them. */
    bool writes_tree = write || (rights_base & WASI_RIGHTS_WRITE) || (oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC));
    if (dir->read_only && writes_tree)
        return WASI_ENOTCAPABLE;
    int flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (oflags & WASI_OFLAG_CREAT)
        flags |= O_CREAT;
    if (oflags & WASI_OFLAG_DIRECTORY)
        flags |= O_DIRECTORY;
    if (oflags & WASI_OFLAG_EXCL)
        flags |= O_EXCL;
    if (oflags & WASI_OFLAG_TRUNC)
        flags |= O_TRUNC;
    if (fdflags & WASI_FDFLAG_APPEND)
        flags |= O_APPEND;
    if (fdflags & WASI_FDFLAG_DSYNC)
        flags |= O_DSYNC;
    if (fdflags & WASI_FDFLAG_NONBLOCK)
        flags |= O_NONBLOCK;
    if (fdflags & WASI_FDFLAG_RSYNC)
        flags |= O_RSYNC;
    if (fdflags & WASI_FDFLAG_SYNC)
        flags |= O_SYNC;
    if (!(dirflags & WASI_LOOKUP_SYMLINK_FOLLOW))
        flags |= O_NOFOLLOW;

    char buffer[WASI_MAX_PATH + 1];
    if ((error = wasi_path_copy(path, path_len, buffer)) != WASI_ESUCCESS)
        return error;
    int host_fd;
    if ((error = wasi_open_beneath(wasi, dir->host_fd, buffer, flags, 0666, &host_fd)) != WASI_ESUCCESS)
        return error;
    struct stat st;
    if (fstat(host_fd, &st) != 0) {
        error = wasi_errno_from_host(errno);
        close(host_fd);
        return error;
    }
    wasi_fd entry;
    memset(&entry, 0, sizeof entry);
    entry.host_fd = host_fd;
    entry.filetype = wasi_filetype_from_mode(st.st_mode);
    entry.flags = (uint16_t)fdflags;
    /* Rights that do not apply to what was opened are dropped (as the spec allows). */
    entry.rights_base = rights_base & (S_ISDIR(st.st_mode) ? WASI_RIGHTS_DIRECTORY : WASI_RIGHTS_FILE);
    entry.rights_inheriting = rights_inheriting;
    entry.read_only = dir->read_only;
    if (entry.read_only) {
        entry.rights_base &= ~WASI_RIGHTS_WRITE;
        entry.rights_inheriting &= WASI_RIGHTS_READ_ONLY_INHERITING;
    }
    uint32_t fd;
    if ((error = wasi_fd_add(wasi, &entry, &fd)) != WASI_ESUCCESS)
        return error;
    wasi_put32(result, fd);
    return WASI_ESUCCESS;
}

/* ---- directories ---- */

/* What path_create_directory, path_remove_directory and path_unlink_file do to the name. */
typedef enum name_operation { NAME_CREATE_DIRECTORY, NAME_REMOVE_DIRECTORY, NAME_UNLINK_FILE } name_operation;

/* One mkdirat or unlinkat on a name beneath the directory `fd`, with the right the operation needs. */
static int path_name_operation(wasi_context *wasi, name_operation operation, uint32_t fd, uint32_t path_ptr,
                               uint32_t path_len)
{
    static const uint64_t rights[] = {
        [NAME_CREATE_DIRECTORY] = WASI_RIGHT_PATH_CREATE_DIRECTORY,
        [NAME_REMOVE_DIRECTORY] = WASI_RIGHT_PATH_REMOVE_DIRECTORY,
        [NAME_UNLINK_FILE] = WASI_RIGHT_PATH_UNLINK_FILE,
    };
    wasi_fd *dir;
    int error = get_dir(wasi, fd, rights[operation], &dir);
    if (error != WASI_ESUCCESS)
        return error;
    int how = operation == NAME_CREATE_DIRECTORY ? WASI_RESOLVE_CREATE : 0;
    wasi_resolved resolved;
    if ((error = resolve_arg(wasi, dir, path_ptr, path_len, how, &resolved)) != WASI_ESUCCESS)
        return error;
    int status = operation == NAME_CREATE_DIRECTORY ? mkdirat(resolved.parent_fd, resolved.name, 0777)
                                                    : unlinkat(resolved.parent_fd, resolved.name,
                                                               operation == NAME_REMOVE_DIRECTORY ? AT_REMOVEDIR : 0);
    error = host_result(status);
    wasi_resolved_close(&resolved);
    return error;
}

/* ---- attributes ---- */

static int path_filestat_get(wasi_context *wasi, uint32_t fd, uint32_t lookupflags, uint32_t path_ptr,
                             uint32_t path_len, uint32_t stat_ptr)
{
    wasi_fd *dir;
    int error = get_dir(wasi, fd, WASI_RIGHT_PATH_FILESTAT_GET, &dir);
    if (error != WASI_ESUCCESS)
        return error;
    const uint8_t *path = wasi_memory(wasi, path_ptr, path_len);
    if (!path || !wasi_memory(wasi, stat_ptr, WASI_FILESTAT_SIZE))
        return WASI_EFAULT;
    char buffer[WASI_MAX_PATH + 1];
    if ((error = wasi_path_copy(path, path_len, buffer)) != WASI_ESUCCESS)
        return error;
    /* An O_PATH descriptor of the file itself: works for files we may not read, and with
     * O_NOFOLLOW for a symbolic link itself. */
    int flags = O_PATH | ((lookupflags & WASI_LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW);
    int host_fd;
    if ((error = wasi_open_beneath(wasi, dir->host_fd, buffer, flags, 0, &host_fd)) != WASI_ESUCCESS)
        return error;
    struct stat st;
    error = host_result(fstat(host_fd, &st));
    close(host_fd);
    if (error != WASI_ESUCCESS)
        return error;
    return wasi_store_filestat(wasi, stat_ptr, &st);
}

static int path_filestat_set_times(wasi_context *wasi, uint32_t fd, uint32_t lookupflags, uint32_t path_ptr,
                                   uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fstflags)
{
    wasi_fd *dir;
    int error = get_dir(wasi, fd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, &dir);
    if (error != WASI_ESUCCESS)
        return error;
    struct timespec times[2];
    if ((error = wasi_times_from_fst(atim, mtim, fstflags, times)) != WASI_ESUCCESS)
        return error;
    int how = (lookupflags & WASI_LOOKUP_SYMLINK_FOLLOW) ? WASI_RESOLVE_FOLLOW : 0;
    wasi_resolved resolved;
    if ((error = resolve_arg(wasi, dir, path_ptr, path_len, how, &resolved)) != WASI_ESUCCESS)
        return error;
    /* After following, the name is no longer a link; AT_SYMLINK_NOFOLLOW keeps it that way if
     * it is swapped for one now. */
    error = host_result(utimensat(resolved.parent_fd, resolved.name, times, AT_SYMLINK_NOFOLLOW));
    wasi_resolved_close(&resolved);
    return error;
}

/* ---- links and renames ---- */

/* The old and new names of a link or rename, each resolved beneath its own directory (the new
 * one to be created). On the heap: two wasi_resolved are large for the stack together. */
typedef struct resolved_pair {
    wasi_resolved old_name, new_name;
} resolved_pair;

static void resolved_pair_free(resolved_pair *pair)
{
    if (!pair)
        return;
    wasi_resolved_close(&pair->old_name);
    wasi_resolved_close(&pair->new_name);
    free(pair);
}

/* *out is to be freed with resolved_pair_free whatever the result. */
static int resolve_pair(wasi_context *wasi, const wasi_fd *old_dir, uint32_t old_path, uint32_t old_len, int old_how,
                        const wasi_fd *new_dir, uint32_t new_path, uint32_t new_len, resolved_pair **out)
{
    resolved_pair *pair = *out = malloc(sizeof *pair);
    if (!pair)
        return WASI_ENOMEM;
    pair->old_name.parent_fd = pair->new_name.parent_fd = -1;
    int error = resolve_arg(wasi, old_dir, old_path, old_len, old_how, &pair->old_name);
    if (error == WASI_ESUCCESS)
        error = resolve_arg(wasi, new_dir, new_path, new_len, WASI_RESOLVE_CREATE, &pair->new_name);
    return error;
}

static int path_link(wasi_context *wasi, uint32_t old_fd, uint32_t old_flags, uint32_t old_path, uint32_t old_len,
                     uint32_t new_fd, uint32_t new_path, uint32_t new_len)
{
    wasi_fd *old_dir, *new_dir;
    int error = get_dir(wasi, old_fd, WASI_RIGHT_PATH_LINK_SOURCE, &old_dir);
    if (error != WASI_ESUCCESS)
        return error;
    if ((error = get_dir(wasi, new_fd, WASI_RIGHT_PATH_LINK_TARGET, &new_dir)) != WASI_ESUCCESS)
        return error;
    int how = (old_flags & WASI_LOOKUP_SYMLINK_FOLLOW) ? WASI_RESOLVE_FOLLOW : 0;
    resolved_pair *names;
    error = resolve_pair(wasi, old_dir, old_path, old_len, how, new_dir, new_path, new_len, &names);
    if (error == WASI_ESUCCESS && names->new_name.trailing_slash)
        error = trailing_slash_create_error(&names->new_name);
    if (error == WASI_ESUCCESS)
        error = host_result(linkat(names->old_name.parent_fd, names->old_name.name, names->new_name.parent_fd,
                                   names->new_name.name, 0));
    resolved_pair_free(names);
    return error;
}

static int path_rename(wasi_context *wasi, uint32_t fd, uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                       uint32_t new_path, uint32_t new_len)
{
    wasi_fd *old_dir, *new_dir;
    int error = get_dir(wasi, fd, WASI_RIGHT_PATH_RENAME_SOURCE, &old_dir);
    if (error != WASI_ESUCCESS)
        return error;
    if ((error = get_dir(wasi, new_fd, WASI_RIGHT_PATH_RENAME_TARGET, &new_dir)) != WASI_ESUCCESS)
        return error;
    resolved_pair *names;
    error = resolve_pair(wasi, old_dir, old_path, old_len, 0, new_dir, new_path, new_len, &names);
    if (error == WASI_ESUCCESS && names->new_name.trailing_slash) {
        /* "new/" can only be the new name of a directory. */
        struct stat st;
        if (fstatat(names->old_name.parent_fd, names->old_name.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            error = wasi_errno_from_host(errno);
        else if (!S_ISDIR(st.st_mode))
            error = WASI_ENOTDIR;
    }
    if (error == WASI_ESUCCESS)
        error = host_result(
            renameat(names->old_name.parent_fd, names->old_name.name, names->new_name.parent_fd, names->new_name.name));
    resolved_pair_free(names);
    return error;
}

static int path_symlink(wasi_context *wasi, uint32_t old_path, uint32_t old_len, uint32_t fd, uint32_t new_path,
                        uint32_t new_len)
{
    wasi_fd *dir;
    int error = get_dir(wasi, fd, WASI_RIGHT_PATH_SYMLINK, &dir);
    if (error != WASI_ESUCCESS)
        return error;
    const uint8_t *target_bytes = wasi_memory(wasi, old_path, old_len);
    if (!target_bytes)
        return WASI_EFAULT;
    char target[WASI_MAX_PATH + 1];
    if ((error = wasi_path_copy(target_bytes, old_len, target)) != WASI_ESUCCESS)
        return error;
    if (target[0] == '\0')
        return WASI_ENOENT;
    /* Resolution never follows an absolute link, but a host program might: do not make any. */
    if (target[0] == '/')
        return WASI_ENOTCAPABLE;
    wasi_resolved resolved;
    if ((error = resolve_arg(wasi, dir, new_path, new_len, WASI_RESOLVE_CREATE, &resolved)) != WASI_ESUCCESS)
        return error;
    if (resolved.trailing_slash)
        error = trailing_slash_create_error(&resolved);
    else
        error = host_result(symlinkat(target, resolved.parent_fd, resolved.name));
    wasi_resolved_close(&resolved);
    return error;
}

static int path_readlink(wasi_context *wasi, uint32_t fd, uint32_t path_ptr, uint32_t path_len, uint32_t buf_ptr,
                         uint32_t buf_len, uint32_t bufused_ptr)
{
    wasi_fd *dir;
    int error = get_dir(wasi, fd, WASI_RIGHT_PATH_READLINK, &dir);
    if (error != WASI_ESUCCESS)
        return error;
    uint8_t *buf = wasi_memory(wasi, buf_ptr, buf_len);
    uint8_t *bufused = wasi_memory(wasi, bufused_ptr, 4);
    if (!buf || !bufused)
        return WASI_EFAULT;
    wasi_resolved resolved;
    if ((error = resolve_arg(wasi, dir, path_ptr, path_len, 0, &resolved)) != WASI_ESUCCESS)
        return error;
    char target[WASI_MAX_PATH + 1];
    ssize_t n = readlinkat(resolved.parent_fd, resolved.name, target, sizeof target);
    error = n < 0 ? wasi_errno_from_host(errno) : WASI_ESUCCESS;
    wasi_resolved_close(&resolved);
    if (error != WASI_ESUCCESS)
        return error;
    /* Cut to the buffer, as readlink(2) does. */
    uint32_t length = (uint64_t)n < buf_len ? (uint32_t)n : buf_len;
    memcpy(buf, target, length);
    wasi_put32(bufused, length);
    return WASI_ESUCCESS;
}

/* ---- host callbacks ---- */

eng_trap *wasi_path_open(void *env, eng_slot *a)
{
    WASI_RETURN(path_open(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3), WASI_ARG32(4), WASI_ARG64(5),
                          WASI_ARG64(6), WASI_ARG32(7), WASI_ARG32(8)));
}
eng_trap *wasi_path_create_directory(void *env, eng_slot *a)
{
    WASI_RETURN(path_name_operation(env, NAME_CREATE_DIRECTORY, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2)));
}
eng_trap *wasi_path_remove_directory(void *env, eng_slot *a)
{
    WASI_RETURN(path_name_operation(env, NAME_REMOVE_DIRECTORY, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2)));
}
eng_trap *wasi_path_unlink_file(void *env, eng_slot *a)
{
    WASI_RETURN(path_name_operation(env, NAME_UNLINK_FILE, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2)));
}
eng_trap *wasi_path_filestat_get(void *env, eng_slot *a)
{
    WASI_RETURN(path_filestat_get(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3), WASI_ARG32(4)));
}
eng_trap *wasi_path_filestat_set_times(void *env, eng_slot *a)
{
    WASI_RETURN(path_filestat_set_times(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3), WASI_ARG64(4),
                                        WASI_ARG64(5), WASI_ARG32(6)));
}
eng_trap *wasi_path_link(void *env, eng_slot *a)
{
    WASI_RETURN(path_link(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3), WASI_ARG32(4), WASI_ARG32(5),
                          WASI_ARG32(6)));
}
eng_trap *wasi_path_rename(void *env, eng_slot *a)
{
    WASI_RETURN(
        path_rename(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3), WASI_ARG32(4), WASI_ARG32(5)));
}
eng_trap *wasi_path_symlink(void *env, eng_slot *a)
{
    WASI_RETURN(path_symlink(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3), WASI_ARG32(4)));
}
eng_trap *wasi_path_readlink(void *env, eng_slot *a)
{
    WASI_RETURN(
        path_readlink(env, WASI_ARG32(0), WASI_ARG32(1), WASI_ARG32(2), WASI_ARG32(3), WASI_ARG32(4), WASI_ARG32(5)));
}
