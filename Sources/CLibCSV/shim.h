#ifndef MFA_ROLLOUT_CLIBCSV_SHIM_H
#define MFA_ROLLOUT_CLIBCSV_SHIM_H
#include <csv.h>

/* Hint the CPU to fetch `address` into cache (used by export reading to hide the cache miss
 * of the duplicate-detection table while libcsv parses the rest of the row). */
static inline void mfa_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}
#endif
