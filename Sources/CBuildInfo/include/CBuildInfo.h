#ifndef MFA_ROLLOUT_CBUILDINFO_H
#define MFA_ROLLOUT_CBUILDINFO_H
/* What the binary was built from. The commit comes from the environment variable
 * MFA_ROLLOUT_COMMIT at build time (Package.swift turns it into a -D for build_info.c only;
 * scripts/build-release.sh and scripts/package-deb.sh set it from git); a plain `swift build`
 * without it says "unknown commit". */

/* The commit the binary was built from (a git object name, "-dirty" appended when the work
 * tree had uncommitted changes), or "unknown commit". A static string: never freed. */
const char *mfa_build_commit(void);
#endif
