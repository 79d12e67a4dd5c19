/* JUnit XML as GitLab, Jenkins and the JUnit readers take it: one <testsuite>
 * per check category (in first-seen order), one <testcase> per result, named
 * by the result's stable id, with classname "modelcert.<category>". A failed
 * check is a <failure>, one that could not be evaluated an <error>, both with
 * the message as their message attribute and the measured and expected
 * values in their text; a skipped check is <skipped>; a warning passes with
 * its message in <system-out>. validation.json records no duration per
 * check, so every time is 0. */
#include "mc_report_doc.h"
#include "mc_report_esc.h"

#include <string.h>

static void attr_count(mc_buf *b, const size_t n[MC_STATUS_COUNT], size_t tests)
{
    mc_buf_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\"",
                  tests, n[MC_STATUS_FAIL], n[MC_STATUS_ERROR], n[MC_STATUS_SKIPPED]);
}

static void testcase(mc_buf *b, const mc_result *r)
{
    mc_buf_puts(b, "    <testcase name=\"");
    mc_esc_xml_attr(b, r->id);
    mc_buf_puts(b, "\" classname=\"modelcert.");
    mc_esc_xml_attr(b, r->category);
    mc_buf_puts(b, "\" time=\"0\"");
    const char *tag = r->status == MC_STATUS_FAIL    ? "failure"
                      : r->status == MC_STATUS_ERROR ? "error"
                                                     : NULL;
    if (tag) {
        mc_buf_printf(b, ">\n      <%s message=\"", tag);
        mc_esc_xml_attr(b, r->message);
        mc_buf_printf(b, "\" type=\"%s\">", mc_status_name(r->status));
        mc_buf t = {0};
        mc_buf_puts(&t, "check: ");
        mc_buf_puts(&t, r->name);
        mc_buf_puts(&t, "\nmeasured: ");
        mc_report_value(&t, r->measured);
        mc_buf_puts(&t, "\nexpected: ");
        mc_report_value(&t, r->expected);
        mc_buf_puts(&t, "\n");
        if (t.failed)
            b->failed = 1;
        mc_esc_xml(b, t.data);
        mc_buf_free(&t);
        mc_buf_printf(b, "</%s>\n    </testcase>\n", tag);
    } else if (r->status == MC_STATUS_SKIPPED) {
        mc_buf_puts(b, ">\n      <skipped message=\"");
        mc_esc_xml_attr(b, r->message);
        mc_buf_puts(b, "\"/>\n    </testcase>\n");
    } else {
        mc_buf_puts(b, ">\n      <system-out>");
        mc_buf_puts(b, r->status == MC_STATUS_WARN ? "WARN: " : "PASS: ");
        mc_esc_xml(b, r->message);
        mc_buf_puts(b, "</system-out>\n    </testcase>\n");
    }
}

void mc_report_junit(mc_buf *b, const mc_report_doc *d)
{
    size_t all[MC_STATUS_COUNT];
    mc_report_counts(d, NULL, all);
    mc_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"modelcert validate ");
    mc_esc_xml_attr(b, mc_report_model_name(d));
    mc_buf_puts(b, "\"");
    attr_count(b, all, mc_validation_count(d->v));
    mc_buf_puts(b, ">\n");
    const char *created = mc_report_str(d->run, "created");
    for (size_t c = 0; c < d->n_categories; c++) {
        const char *cat = d->categories[c];
        size_t n[MC_STATUS_COUNT], tests = 0;
        mc_report_counts(d, cat, n);
        for (int s = 0; s < MC_STATUS_COUNT; s++)
            tests += n[s];
        mc_buf_puts(b, "  <testsuite name=\"");
        mc_esc_xml_attr(b, cat);
        mc_buf_printf(b, "\" id=\"%zu\"", c);
        attr_count(b, n, tests);
        if (created) {
            /* JUnit's timestamp has no zone: the run's UTC time without its Z */
            mc_buf t = {0};
            mc_buf_puts(&t, created);
            if (t.len && t.data[t.len - 1] == 'Z')
                t.data[--t.len] = '\0';
            mc_buf_puts(b, " timestamp=\"");
            mc_esc_xml_attr(b, t.data ? t.data : "");
            mc_buf_puts(b, "\"");
            if (t.failed)
                b->failed = 1;
            mc_buf_free(&t);
        }
        mc_buf_puts(b, ">\n");
        for (size_t i = 0; i < mc_validation_count(d->v); i++) {
            const mc_result *r = mc_validation_get(d->v, i);
            if (strcmp(r->category, cat) == 0)
                testcase(b, r);
        }
        mc_buf_puts(b, "  </testsuite>\n");
    }
    mc_buf_puts(b, "</testsuites>\n");
}
