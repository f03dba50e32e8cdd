#include "CPlatform.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const void *mfa_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}

int mfa_start_writeback(int fd, long long offset, long long count) {
#ifdef __linux__
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
    (void)offset;
    (void)count;
    return 0;
#endif
}

void mfa_drop_cached_pages(int fd) {
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

int mfa_open_unnamed_file(const char *directory, unsigned int mode) {
#if defined(__linux__) && defined(O_TMPFILE)
    /* Naming the file later goes through /proc/self/fd: without /proc, write a named one. */
    if (access("/proc/self/fd", F_OK) != 0) {
        errno = EOPNOTSUPP;
        return -1;
    }
    return open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode);
#else
    (void)directory;
    (void)mode;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int mfa_link_unnamed_file(int fd, const char *path) {
#ifdef __linux__
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, link, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
#else
    (void)fd;
    (void)path;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

struct mfa_prefault {
    pthread_t thread;
    void *address;
    size_t length;
    int done; /* read and written with __atomic builtins */
};

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

mfa_prefault *mfa_prefault_start(void *address, size_t length) {
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

int mfa_prefault_done(mfa_prefault *job) {
    return __atomic_load_n(&job->done, __ATOMIC_ACQUIRE);
}

void mfa_prefault_finish(mfa_prefault *job) {
    pthread_join(job->thread, NULL);
    free(job);
}
