#ifndef MFA_ROLLOUT_CPLATFORM_H
#define MFA_ROLLOUT_CPLATFORM_H
/* Operating-system hints that Swift's Glibc module does not expose, or not in a form Swift can
 * call. All are advice: ignoring them changes speed, never results. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* libc's `memmem`: the first `needle_length` bytes equal to `needle` in `haystack`, or NULL.
 * glibc declares it only under _GNU_SOURCE, which Swift's Glibc module is not built with; the
 * function itself is in every libc this builds on (glibc, musl, Darwin). */
extern void *memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

static inline const void *mfa_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}

/* Hint the CPU to fetch `address` into cache for writing (duplicate detection starts loading
 * its table slot while libcsv parses the rest of the row). */
static inline void mfa_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/* Start writing the file's dirty pages in [offset, offset + count) to disk without waiting
 * (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`): a large file written this way as it grows
 * leaves little for the final `fsync`. Returns 0, or -1 with errno set; elsewhere a no-op. */
static inline int mfa_start_writeback(int fd, long long offset, long long count) {
#if defined(__linux__) && defined(SYS_sync_file_range)
    return (int)syscall(SYS_sync_file_range, fd, offset, count, 2 /* SYNC_FILE_RANGE_WRITE */);
#else
    (void)fd; (void)offset; (void)count;
    return 0;
#endif
}

/* Drop the file's clean pages from the page cache (Linux `posix_fadvise(POSIX_FADV_DONTNEED)`);
 * the file itself is unchanged. Elsewhere a no-op. */
static inline void mfa_drop_cached_pages(int fd) {
#ifdef __linux__
    (void)posix_fadvise(fd, 0, 0, 4 /* POSIX_FADV_DONTNEED */);
#else
    (void)fd;
#endif
}

/* Faulting in fresh memory on a thread of its own. A large table that is about to be written
 * all over costs its first writer the kernel's page faults and zeroing (tens of milliseconds
 * for 20 MB on a virtual machine whose host backs memory lazily); started early, this does
 * that work on another core. Until `mfa_prefault_done` says so, the memory must not be used:
 * the faulting thread writes to it. */
typedef struct mfa_prefault {
    pthread_t thread;
    void *address;
    size_t length;
    int done; /* read and written with __atomic builtins */
} mfa_prefault;

static void *mfa_prefault_run(void *argument) {
    mfa_prefault *job = (mfa_prefault *)argument;
    /* Page by page, as ordinary faults. Not madvise(MADV_POPULATE_WRITE): that holds the
     * process's mmap lock for the whole range, and every thread that maps memory meanwhile
     * (a thread stack, a large malloc) waits for it. */
    volatile unsigned char *bytes = (volatile unsigned char *)job->address;
    for (size_t offset = 0; offset < job->length; offset += 4096) bytes[offset] = 0;
    __atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Starts faulting in the zeroed, writable [address, address + length). NULL when no thread
 * could be started: then nothing touches the memory and the caller may use it at once. */
static inline mfa_prefault *mfa_prefault_start(void *address, size_t length) {
    mfa_prefault *job = (mfa_prefault *)malloc(sizeof *job);
    if (job == NULL) return NULL;
    job->address = address;
    job->length = length;
    job->done = 0;
    if (pthread_create(&job->thread, NULL, mfa_prefault_run, job) != 0) {
        free(job);
        return NULL;
    }
    return job;
}

/* Whether the faulting is over (without waiting); the memory may then be used. */
static inline int mfa_prefault_done(mfa_prefault *job) {
    return __atomic_load_n(&job->done, __ATOMIC_ACQUIRE);
}

/* Waits for the faulting thread to end and frees `job`. */
static inline void mfa_prefault_finish(mfa_prefault *job) {
    pthread_join(job->thread, NULL);
    free(job);
}
#endif
