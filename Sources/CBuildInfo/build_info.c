#include "CBuildInfo.h"

#ifndef MFA_ROLLOUT_COMMIT
#define MFA_ROLLOUT_COMMIT "unknown commit"
#endif

const char *mfa_build_commit(void) {
    return MFA_ROLLOUT_COMMIT;
}
