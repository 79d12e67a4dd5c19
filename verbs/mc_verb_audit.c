/* One audited-verb helper (mc_verb_audit.h): where the trail is, its head
 * checked once before the verb's work (the head and the event before it, at a
 * cost independent of the trail's length: docs/audit.md, "What a verb checks"),
 * and the verb's one event appended after the head that check saw, on PostgreSQL
 * through the connection the check opened (one connection per verb); and the
 * command line that event records. The
 * only place in verbs/ that appends to the audit trail. */
#include "mc_verb_audit.h"

#include <stdlib.h>
#include <string.h>

#include "mc_audit.h"
#include "mc_buf.h"
#include "mc_error.h"

struct mc_verb_audit {
    char *path;                   /* NULL when off */
    mc_audit_head head;           /* the head checked at open, then the last event appended */
    mc_audit *kept;               /* PostgreSQL: the check's connection, kept for the append */
};

void mc_verb_audit_free(mc_verb_audit *t)
{
    if (!t)
        return;
    mc_audit_close(t->kept);
    free(t->path);
    free(t);
}

int mc_verb_audit_open(mc_verb_audit **out, const char *flag, int off)
{
    mc_verb_audit *t = calloc(1, sizeof *t);
    int rc = t ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && !off && (rc = mc_audit_path(&t->path, flag)) == MC_OK)
        rc = mc_audit_check_appendable_keep(t->path, &t->head, &t->kept);
    if (rc) {
        mc_verb_audit_free(t);
        return rc;
    }
    *out = t;
    return MC_OK;
}

/* One argument as recorded: a database URI (alone, or as --option=URI)
 * without its password. *out is NULL when the argument is kept as it is. */
static int redact_argument(char **out, const char *arg)
{
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    const char *uri = mc_audit_is_uri(arg) ? arg : eq && mc_audit_is_uri(eq + 1) ? eq + 1 : NULL;
    char *redacted = NULL;
    mc_buf b = {0};
    *out = NULL;
    if (!uri)
        return MC_OK;
    int rc = mc_audit_location_redact(&redacted, uri);
    if (rc == MC_OK) {
        mc_buf_put(&b, arg, (size_t)(uri - arg));
        mc_buf_puts(&b, redacted);
        rc = mc_buf_take(&b, out, NULL);
    }
    free(redacted);
    return rc;
}

int mc_verb_command_line(char **out, int argc, char *const *argv)
{
    mc_buf b = {0};
    char *redacted = NULL;
    int rc = MC_OK;
    for (int i = 0; i < argc && rc == MC_OK; i++) {
        if ((rc = redact_argument(&redacted, argv[i])))
            break;
        const char *a = redacted ? redacted : argv[i];
        if (i)
            mc_buf_put(&b, " ", 1);
        if (*a && !strpbrk(a, " \t\n'\"\\$`*?[]{}()<>|&;#~")) {
            mc_buf_puts(&b, a);
        } else {
            mc_buf_put(&b, "'", 1);
            for (; *a; a++)
                *a == '\'' ? mc_buf_puts(&b, "'\\''") : mc_buf_put(&b, a, 1);
            mc_buf_put(&b, "'", 1);
        }
        free(redacted);
        redacted = NULL;
    }
    if (rc) {
        mc_buf_free(&b);
        return rc;
    }
    return mc_buf_take(&b, out, NULL);
}

const char *mc_verb_audit_path(const mc_verb_audit *t)
{
    return t->path;
}

int mc_verb_audit_absolute(char **out, const mc_verb_audit *t)
{
    if (!t->path)
        return mc_error_set(MC_EINTERNAL, "no audit trail was opened");
    return mc_audit_path_absolute(out, t->path);
}

static const char *digest_or_null(const char *d)
{
    return d && *d ? d : NULL;
}

int mc_verb_audit_record(mc_verb_audit *t, const mc_verb_event *ev, json_t *details,
                         long long *id, char **shown)
{
    char *copy = NULL;
    long long event = 0;
    int rc = MC_OK;
    if (!t->path) {
        json_decref(details);
        *id = 0;
        *shown = NULL;
        return MC_OK;
    }
    if (!details) {
        rc = mc_error_set(MC_ENOMEM, "the audit trail could not be written: out of memory");
        goto cleanup;
    }
    if (mc_audit_location_redact(&copy, t->path)) {
        rc = mc_error_set(MC_ENOMEM, "the audit trail could not be written: out of memory");
        goto cleanup;
    }
    mc_audit_event e = {.command = ev->command ? ev->command : "modelcert", .kind = ev->kind,
                        .verdict = ev->verdict, .spec_digest = digest_or_null(ev->spec_digest),
                        .data_digest = digest_or_null(ev->data_digest),
                        .model_digest = digest_or_null(ev->model_digest)};
    if ((rc = mc_audit_record_kept(&event, t->kept, t->path, &t->head, &e, details)))
        goto cleanup;
    *id = event;
    *shown = copy;
    copy = NULL;
cleanup:
    json_decref(details);
    free(copy);
    return rc;
}
