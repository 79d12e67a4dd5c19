/* What `modelcert init` writes: a starter project (a commented spec and a small,
 * deterministic data set it runs on), from one of the templates of
 * mc_starter_templates.c. Each passes `check` and its own `validate`. */
#ifndef MC_STARTER_H
#define MC_STARTER_H

#include <stddef.h>

#define MC_STARTER_SPEC_NAME "modelcert.yaml"
#define MC_STARTER_DEFAULT "binary" /* the template of a plain `init` */
#define MC_STARTER_ROWS 800

/* The data set a template comes with: the same customer columns (age, income,
 * tenure_months, monthly_charges, support_calls, region), a target of its kind, and for
 * PERSONAL name, email and postcode columns in front. */
typedef enum {
    MC_STARTER_BINARY,     /* churned: 0 or 1 */
    MC_STARTER_MULTICLASS, /* plan: basic, standard or premium */
    MC_STARTER_REGRESSION, /* monthly_spend: a number */
    MC_STARTER_PERSONAL    /* churned, with personal data */
} mc_starter_data_kind;

typedef struct mc_starter_template {
    const char *name;      /* `init --template NAME` */
    const char *summary;   /* one line, for `init --list` */
    const char *data_name; /* the CSV written beside the spec */
    mc_starter_data_kind data;
    const char *spec;      /* the spec; "@SHA256@" becomes the data's digest */
} mc_starter_template;

/* The templates, in `init --list` order: count, and the i-th (NULL past the end; static
 * storage, never freed). */
size_t mc_starter_template_count(void);
const mc_starter_template *mc_starter_template_at(size_t i);

/* `modelcert init --template NAME`: writes the template's data and spec into dir (created
 * when needed). MC_EINPUT for an unknown template (naming the known ones). Both targets are
 * checked before either is written, so init never leaves half a project: an existing file
 * is MC_EINPUT unless `force`, and something other than a regular file there (a symlink, a
 * directory) is always MC_EINPUT. On MC_OK, paths[0] and paths[1] are the data and spec
 * files written (caller frees both). */
int mc_starter_write(char *paths[2], const char *dir, const char *template_name, int force);

#endif
