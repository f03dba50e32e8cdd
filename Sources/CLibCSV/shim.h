#ifndef MFA_ROLLOUT_CLIBCSV_SHIM_H
#define MFA_ROLLOUT_CLIBCSV_SHIM_H
#include <csv.h>
#endif
