/* Internal: the schema tables of the spec language v1. Their name lists are
 * the enums' (mc_spec_enums.h). */
#ifndef MC_SPEC_SCHEMA_H
#define MC_SPEC_SCHEMA_H

#include "mc_schema.h"
#include "mc_spec.h"

/* The whole document: what mc_spec_load binds and mc_spec_normalized prints. */
extern const mc_schema mc_spec_doc_schema;

#endif
