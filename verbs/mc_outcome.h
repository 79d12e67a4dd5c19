/* What a validate or reproduce call produced (mc_validate.h, mc_reproduce.h): every
 * result, the verdict, where things were written and the audit event; and the two steps
 * both verbs end with: the verdict summed up, the event appended. */
#ifndef MC_OUTCOME_H
#define MC_OUTCOME_H

#include <jansson.h>
#include <stddef.h>

#include "mc_validation.h"
#include "mc_verb_audit.h"

typedef struct mc_outcome {
    mc_validation *validation;    /* every check's result and the run they judged */
    mc_verdict verdict;
    size_t counts[MC_STATUS_COUNT]; /* results per status */
    char *run_dir;                /* the run directory written (validate) or re-run (reproduce) */
    char *validation_path;        /* validate: run_dir/validation.json; reproduce: NULL */
    char *audit_path;             /* the trail written, as shown (a URI without its password);
                                     NULL when no event was recorded */
    long long audit_event;        /* the event's id; 0 when none was recorded */
} mc_outcome;

/* Frees the outcome and everything in it; NULL is fine. */
void mc_outcome_free(mc_outcome *o);

/* Sets o's verdict and counts from its validation. */
void mc_outcome_summarize(mc_outcome *o);

/* Appends o's event to the trail (mc_verb_audit_record): `extra` holds the
 * details beyond run_dir and counts, which are added here (extra is taken
 * over; NULL: building it ran out of memory). On MC_OK, o->audit_event and
 * o->audit_path name the event; on error o records no event. Errors as
 * mc_verb_audit_record. */
int mc_outcome_record(mc_outcome *o, mc_verb_audit *trail, const mc_verb_event *ev,
                      json_t *extra);

#endif
