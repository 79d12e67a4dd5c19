/* The one reader of the environment for the library (mc_env.h): the listed variables by
 * their id, and the variables a spec or a key reference names. Reading goes through here so
 * that the list in mc_env.h is the whole truth about what can steer a verb from outside. */
#include "mc_env.h"

#include <stdlib.h>

MC_ENUM_NAMES(MC_ENV_LIST, mc_names_env);

const char *mc_env_get(mc_env_var var)
{
    if ((int)var < 0 || (int)var >= MC_ENV_COUNT)
        return NULL;
    return getenv(mc_names_env[var]);
}

const char *mc_env_named(const char *name)
{
    if (!name || !*name)
        return NULL;
    return getenv(name);
}
