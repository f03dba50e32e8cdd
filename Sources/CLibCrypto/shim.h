#ifndef MFA_ROLLOUT_CLIBCRYPTO_SHIM_H
#define MFA_ROLLOUT_CLIBCRYPTO_SHIM_H
/* OpenSSL's libcrypto, from Debian's libssl-dev: its SHA-256 with the state in a plain struct,
 * for the many short hashes of a plan (rollout buckets, operation ids). OpenSSL 3 marks this
 * interface deprecated in favour of EVP, which allocates a context per hash; it is kept and
 * supported, so the deprecation is not surfaced here. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#endif
