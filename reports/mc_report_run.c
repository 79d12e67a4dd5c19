/* Reports of `modelcert run` for people (mc_report_run.h): training progress
 * (a bar redrawn on a terminal, a line per epoch elsewhere) and the summary of
 * a finished run; text from a run is shown safe for a terminal. */
#include "mc_report_run.h"

#include <math.h>

#include "mc_clock.h"
#include "mc_run_dir.h"

/* "run i/n  " when several trainings report in turn (mc_progress_view.runs). */
static void run_label(const mc_progress_view *v)
{
    if (v->runs > 0)
        fprintf(v->f, "run %d/%d  ", v->run, v->runs);
}

static void epoch_line(const mc_progress_view *v, const mc_train_progress *p)
{
    const mc_epoch_stats *s = p->done;
    if (v->tty)
        fprintf(v->f, "\r\033[K");
    run_label(v);
    fprintf(v->f, "epoch %d/%d  loss %.4f", p->epoch, p->epochs, s->loss);
    if (!isnan(s->accuracy))
        fprintf(v->f, "  accuracy %.4f", s->accuracy);
    if (!isnan(s->val_loss))
        fprintf(v->f, "  val_loss %.4f", s->val_loss);
    if (!isnan(s->val_accuracy))
        fprintf(v->f, "  val_accuracy %.4f", s->val_accuracy);
    fprintf(v->f, "  (%.2fs)\n", s->seconds);
}

static void progress_bar(mc_progress_view *v, const mc_train_progress *p)
{
    double now = mc_clock_seconds();
    if (now - v->last < 0.1 && p->batch != p->batches)
        return;
    v->last = now;
    double frac = ((double)(p->epoch - 1) + (double)p->batch / (double)p->batches) / p->epochs;
    double eta = frac > 0 ? p->elapsed * (1 - frac) / frac : 0;
    int filled = (int)(frac * 30);
    char bar[31];
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
    fprintf(v->f, "\r\033[K");
    run_label(v);
    fprintf(v->f, "epoch %d/%d [%s] batch %zu/%zu loss %.4f ETA %.0fs", p->epoch, p->epochs,
            bar, p->batch, p->batches, p->loss, eta);
}

void mc_report_progress(void *ctx, const mc_train_progress *p)
{
    mc_progress_view *v = ctx;
    if (v->quiet)
        return;
    if (v->run == 0 || p->epoch <= v->finished) { /* a training begins */
        v->run++;
        v->finished = 0;
    }
    if (p->done) {
        v->finished = p->epoch;
        epoch_line(v, p);
    }
    else if (v->tty)
        progress_bar(v, p);
}

void mc_report_run_text(FILE *f, const mc_run *run, const char *dir)
{
    fprintf(f, "run: %s\n", dir);
    fprintf(f, "  model    %s/%s  sha256:%s\n", dir,
            run->model_file ? run->model_file : MC_RUN_FILE_MODEL, run->model_digest);
    fprintf(f, "  metrics  %s/%s\n", dir, MC_RUN_FILE_METRICS);
    fprintf(f, "  spec     sha256:%s\n  data     sha256:%s\n", run->spec_digest, run->data_digest);
    const char *key;
    json_t *v;
    fprintf(f, "  test:");
    json_object_foreach(json_object_get(run->metrics, "metrics"), key, v)
    {
        if (json_is_number(v))
            fprintf(f, " %s %.4f", key, json_number_value(v));
        else
            fprintf(f, " %s undefined", key);
    }
    fprintf(f, "\n");
}

void mc_report_terminal_text(FILE *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        unsigned c = p[i];
        int c1 = c == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F;
        if (c1) { /* a C1 control in UTF-8: both bytes shown */
            fprintf(f, "\\x%02x\\x%02x", c, p[i + 1]);
            i++;
        } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            fprintf(f, "\\x%02x", c);
        } else {
            putc((int)c, f);
        }
    }
}
