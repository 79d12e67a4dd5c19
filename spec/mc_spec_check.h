/* Internal: the rules that span keys (an invalid combination of valid values),
 * and resolution of `auto` values into the concrete ones the normalised spec
 * records. */
#ifndef MC_SPEC_CHECK_H
#define MC_SPEC_CHECK_H

#include "mc_schema.h"
#include "mc_spec.h"

/* Adds diagnostics for every rule broken. `bound_ok` is 0 when binding had
 * errors: rules that would only repeat them are skipped. Returns MC_OK,
 * MC_EINPUT when an error was added, or MC_ENOMEM. */
int mc_spec_check(mc_spec_doc *doc, const mc_locmap *locs, mc_diags *diags, const char *file,
                  const char *dir, int bound_ok);
mc_task mc_spec_doc_task(const mc_spec_doc *doc);
/* mc_spec_model.c: the spec has model: or both architecture and training, not both kinds
 * (line, col: the document's place, where a missing key is reported). The model's own rules.
 * Both return MC_OK, MC_EINPUT when an error was added, or MC_ENOMEM. */
int mc_spec_model_required(const mc_spec_doc *d, const mc_locmap *locs, mc_diags *diags,
                           const char *file, int line, int col);
int mc_spec_check_model(const mc_spec_doc *d, const mc_locmap *locs, mc_diags *diags,
                        const char *file);
/* mc_spec_keys.c: signing.key (a key reference that names no PKCS #11 module or PIN) and
 * protection's recipients. MC_OK, MC_EINPUT when an error was added, or MC_ENOMEM. */
int mc_spec_check_keys(const mc_spec_doc *d, const mc_locmap *locs, mc_diags *diags,
                       const char *file);

#endif
