#ifndef MFA_ROLLOUT_CPLATFORM_H
#define MFA_ROLLOUT_CPLATFORM_H
/* Two operating-system hints that Swift's Glibc module does not expose. Both are advice:
 * ignoring them changes speed, never results. */
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

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
#endif
