#ifndef MFA_ROLLOUT_CPLATFORM_H
#define MFA_ROLLOUT_CPLATFORM_H
/* Operating-system hints that Swift's Glibc module does not expose, or not in a form Swift can
 * call. All are advice: ignoring them changes speed, never results. Defined in platform.c,
 * which is built with _GNU_SOURCE (see Package.swift). */
#include <stddef.h>

/* The first `needle_length` bytes of `haystack` equal to `needle`, or NULL (libc's memmem). */
const void *mfa_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/* Hint the CPU to fetch `address` into cache for writing (duplicate detection starts loading
 * its table slot while libcsv parses the rest of the row). Inline: it runs once a row. */
static inline void mfa_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/* Start writing the file's dirty pages in [offset, offset + count) to disk without waiting
 * (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`): a large file written this way as it grows
 * leaves little for the final `fsync`. Returns 0, or -1 with errno set; elsewhere a no-op. */
int mfa_start_writeback(int fd, long long offset, long long count);

/* Drop the file's clean pages from the page cache (`posix_fadvise(POSIX_FADV_DONTNEED)`); the
 * file itself is unchanged. */
void mfa_drop_cached_pages(int fd);

/* An unnamed regular file in `directory`, open for writing with `mode` (Linux `O_TMPFILE`): it
 * has no name until `mfa_link_unnamed_file` gives it one, so a process that dies before then,
 * however it dies, leaves nothing behind. -1 with errno set where the system or the file system
 * cannot make one, or where /proc, through which it is named, is not mounted. */
int mfa_open_unnamed_file(const char *directory, unsigned int mode);

/* Gives the unnamed file open on `fd` the name `path` (which must not exist). 0, or -1 with
 * errno set. */
int mfa_link_unnamed_file(int fd, const char *path);

/* Faulting in fresh memory on a thread of its own. A large table that is about to be written
 * all over costs its first writer the kernel's page faults and zeroing; started early, this
 * does that work on another core. Until `mfa_prefault_done` says so, the memory must not be
 * used: the faulting thread writes to it. */
typedef struct mfa_prefault mfa_prefault;

/* Starts faulting in the zeroed, writable [address, address + length). NULL when no thread
 * could be started: then nothing touches the memory and the caller may use it at once. */
mfa_prefault *mfa_prefault_start(void *address, size_t length);

/* Whether the faulting is over (without waiting); the memory may then be used. */
int mfa_prefault_done(mfa_prefault *job);

/* Waits for the faulting thread to end and frees `job`. */
void mfa_prefault_finish(mfa_prefault *job);
#endif
