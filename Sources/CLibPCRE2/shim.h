#ifndef MFA_ROLLOUT_CLIBPCRE2_SHIM_H
#define MFA_ROLLOUT_CLIBPCRE2_SHIM_H
/* PCRE2 (8-bit code units: UTF-8), from Debian's libpcre2-dev: the library and its JIT. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
