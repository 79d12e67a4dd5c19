/* The audit trail as a verb uses it (docs/audit.md): found and its head
 * checked once, before the verb's work (the head and the event before it, not
 * the whole chain: that is `audit verify`'s), so that a forged head or a
 * foreign trail stops it early; then one event appended after the work, linked
 * to the head that check saw (mc_audit_record_kept: nothing is read again
 * unless another writer appended meanwhile, and then only what it appended).
 * Every verb that records an event (run, validate, reproduce, sign, verify,
 * certify, decrypt) goes through this one helper. */
#ifndef MC_VERB_AUDIT_H
#define MC_VERB_AUDIT_H

#include <jansson.h>

typedef struct mc_verb_audit mc_verb_audit;

/* Finds the trail (`flag`, the --audit value, or mc_audit_path's rule) and
 * checks its head now (mc_audit_check_appendable_keep: a PostgreSQL trail's
 * connection stays open for the event, until mc_verb_audit_free). off: the verb records
 * no event (--no-audit, or a call made inside another verb): nothing is looked
 * for and mc_verb_audit_record records nothing. Errors: those of mc_audit_path
 * and mc_audit_check_appendable ("the audit trail cannot be appended to: ...").
 * Free *out with mc_verb_audit_free. */
int mc_verb_audit_open(mc_verb_audit **out, const char *flag, int off);

/* argv[0..argc) as the one line an event's `command` records: arguments joined
 * by spaces, each in single quotes (shell style) when it is empty or holds a
 * character a shell would interpret; a database URI (alone, or as --option=URI)
 * without its password. The CLI builds it first, before its parser reorders
 * argv. Caller frees *out. MC_ENOMEM. */
int mc_verb_command_line(char **out, int argc, char *const *argv);

/* The trail's location (a path or a URI as given), NULL when off; owned by t. */
const char *mc_verb_audit_path(const mc_verb_audit *t);

/* The trail's location as run.json records it (mc_audit_path_absolute).
 * Caller frees *out. MC_EINTERNAL when off. */
int mc_verb_audit_absolute(char **out, const mc_verb_audit *t);

/* An event as a verb describes it; the audit trail adds actor, host, version,
 * time, id and hashes. */
typedef struct mc_verb_event {
    const char *command;          /* the command line (mc_verb_command_line); NULL: "modelcert" */
    const char *kind;             /* "run", "validate", "reproduce", "sign", "verify", "certify",
                                     "decrypt" */
    const char *verdict;
    const char *spec_digest, *data_digest, *model_digest; /* NULL or "": not applicable */
} mc_verb_event;

/* Appends the event with `details`, a JSON object that is taken over (freed
 * here whatever happens; NULL: building it ran out of memory). On MC_OK, *id
 * is the event's id and *shown the trail's location as messages show it (a
 * URI without its password; caller frees), made before the append, so that a
 * report prints it without allocating; when off, *id is 0 and *shown NULL. On
 * error *id and *shown are left alone and the message reads "the audit trail
 * could not be written: <why>". */
int mc_verb_audit_record(mc_verb_audit *t, const mc_verb_event *ev, json_t *details,
                         long long *id, char **shown);

/* Frees t; NULL is fine. */
void mc_verb_audit_free(mc_verb_audit *t);

#endif
