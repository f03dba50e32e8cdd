#ifndef MFA_ROLLOUT_CLIBCSV_SHIM_H
#define MFA_ROLLOUT_CLIBCSV_SHIM_H
/* libcsv, from Debian's libcsv-dev: the parser and writer, as the library declares them. */
#include <csv.h>
#endif
