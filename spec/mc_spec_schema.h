/* Internal: the schema tables of the spec language v1 and their name lists. */
#ifndef MC_SPEC_SCHEMA_H
#define MC_SPEC_SCHEMA_H

#include "mc_schema.h"
#include "mc_spec.h"

extern const mc_schema mc_spec_doc_schema;
extern const char *const mc_names_metric[];
extern const char *const mc_names_loss[];
extern const char *const mc_names_activation[];
extern const char *const mc_names_step[];
extern const char *const mc_names_average[];
extern const char *const mc_names_direction[];
extern const char *const mc_names_pii_transform[];
extern const char *const mc_names_monitor_mode[];

#endif
