#include "mc_output_dir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_error.h"
#include "mc_file.h"

static int default_run_dir(char **out, const mc_spec *spec)
{
    char when[32], stamp[40], name[200];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y%m%dT%H%M%S", &tm);
    snprintf(stamp, sizeof stamp, "%.20s.%03dZ", when, (int)(ts.tv_nsec / 1000000) % 1000);
    const char *base = mc_spec_doc_get(spec)->metadata.name;
    for (int k = 1; k < 1000; k++) {
        if (k == 1)
            snprintf(name, sizeof name, "runs/%.100s-%s", base, stamp);
        else
            snprintf(name, sizeof name, "runs/%.100s-%s-%d", base, stamp, k);
        for (char *p = name + 5; *p; p++)
            if (*p == '/' || *p == ' ')
                *p = '_';
        char *path = mc_path_join(mc_spec_dir(spec), name);
        if (!path)
            return mc_error_nomem();
        if (!mc_file_exists(path)) {
            *out = path;
            return MC_OK;
        }
        free(path);
    }
    return mc_error_set(MC_EIO, "no free run directory name under %s/runs", mc_spec_dir(spec));
}

int mc_run_dir_choose(char **out, const char *requested, const mc_spec *spec)
{
    char *dir = NULL;
    int rc = MC_OK;
    if (requested)
        rc = (dir = strdup(requested)) ? MC_OK : mc_error_nomem();
    else
        rc = default_run_dir(&dir, spec);
    if (rc)
        return rc;
    if (mc_file_exists(dir)) {
        rc = mc_error_set(MC_EINPUT, "%s exists; choose another output directory with -o", dir);
        free(dir);
        return rc;
    }
    *out = dir;
    return MC_OK;
}
