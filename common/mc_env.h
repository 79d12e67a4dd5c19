/* The environment: every variable modelcert reads, in one list. A verdict may depend on the
 * environment (where the trail is, which paths a spec may name, the input limit, the keys),
 * so an auditor must be able to see every variable that can change what the tool does: they
 * are the list below, plus the variables a user names (a key reference `env:NAME`, a hash
 * step's `key_env`, a DP secret's variable), read through mc_env_named. Nothing else in the
 * library calls getenv (tests/architecture.sh checks it); cli/ may read its own. */
#ifndef MC_ENV_H
#define MC_ENV_H

#include "mc_enum.h"

/* X(id, variable): docs/ names each one where it is used. */
#define MC_ENV_LIST(X)                                                                  \
    X(MC_ENV_AUDIT, "MODELCERT_AUDIT")                 /* the trail (docs/audit.md) */  \
    X(MC_ENV_AUDIT_ALLOW_BROKEN, "MODELCERT_AUDIT_ALLOW_BROKEN") /* docs/audit.md */    \
    X(MC_ENV_ALLOW_PATHS, "MODELCERT_ALLOW_PATHS")     /* confinement (docs/spec.md) */ \
    X(MC_ENV_MAX_INPUT_BYTES, "MODELCERT_MAX_INPUT_BYTES") /* the input limit */        \
    X(MC_ENV_KEY_PASSPHRASE, "MODELCERT_KEY_PASSPHRASE")   /* docs/signing.md */        \
    X(MC_ENV_PKCS11_PIN, "MODELCERT_PKCS11_PIN")           /* docs/signing.md */        \
    X(MC_ENV_PKCS11_MODULE, "MODELCERT_PKCS11_MODULE")     /* docs/signing.md */        \
    X(MC_ENV_GITHUB_ACTOR, "GITHUB_ACTOR")         /* an audit event's actor, from CI */ \
    X(MC_ENV_GITLAB_USER_LOGIN, "GITLAB_USER_LOGIN")                                     \
    X(MC_ENV_BUILD_USER, "BUILD_USER")                                                   \
    X(MC_ENV_USER, "USER")                         /* the actor when getpwuid fails */   \
    X(MC_ENV_GITHUB_STEP_SUMMARY, "GITHUB_STEP_SUMMARY") /* docs/reports.md */           \
    X(MC_ENV_OPENBLAS_CORETYPE, "OPENBLAS_CORETYPE") /* set: BLAS kernels left alone */

MC_ENUM(mc_env_var, MC_ENV_LIST, MC_ENV_COUNT, mc_names_env);

/* The value of a listed variable, or NULL when it is unset. The pointer is the
 * environment's own: valid until the environment changes; do not free it. */
const char *mc_env_get(mc_env_var var);

/* The value of a variable the user named (a spec or a key reference), or NULL
 * when it is unset or the name is NULL or empty. Same lifetime as mc_env_get. */
const char *mc_env_named(const char *name);

#endif
