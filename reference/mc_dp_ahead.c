/* DP-SGD's noise one step ahead (mc_dp_noise.h): a worker thread fills the
 * next step's noise vector while the caller trains this step. A step's noise
 * is a function of (key, step) alone, so the thread changes when it is
 * computed, never its bits. Without a thread (threaded 0, or a thread that
 * cannot be started), each step's is computed when asked for. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dp_noise.h"
#include "mc_error.h"

struct mc_dp_ahead {
    size_t n;
    double scale;
    float *mine, *theirs;  /* the caller's vector, and the one the worker fills */
    mc_dp_stream *stream;  /* the worker's (or, without one, the caller's) */
    int threaded;          /* a worker is running */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int requested, ready, quit; /* under mu */
    uint64_t want, have;        /* the step requested; the step in theirs */
    int rc;                     /* the worker's result for `have` */
    char message[sizeof(((mc_error *)0)->message)];
};

static int fill(mc_dp_ahead *a, float *v, uint64_t step)
{
    int rc = mc_dp_stream_start(a->stream, MC_DP_NOISE, step);
    return rc ? rc : mc_dp_fill_gaussian(v, a->n, a->scale, a->stream);
}

static void *worker(void *arg)
{
    mc_dp_ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->requested && !a->quit)
            pthread_cond_wait(&a->cv, &a->mu);
        if (a->quit)
            break;
        uint64_t step = a->want;
        a->requested = 0;
        pthread_mutex_unlock(&a->mu);
        int rc = fill(a, a->theirs, step);
        pthread_mutex_lock(&a->mu);
        a->rc = rc;
        if (rc) /* the error record is per thread: hand the message over */
            snprintf(a->message, sizeof a->message, "%s", mc_error_last()->message);
        a->have = step;
        a->ready = 1;
        pthread_cond_broadcast(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

int mc_dp_ahead_create(mc_dp_ahead **out, const uint8_t key[MC_DP_KEY_LEN], size_t n,
                       double scale, int threaded)
{
    mc_dp_ahead *a = calloc(1, sizeof *a);
    if (!a)
        return mc_error_nomem();
    a->n = n;
    a->scale = scale;
    a->mine = malloc((n ? n : 1) * sizeof *a->mine);
    a->theirs = malloc((n ? n : 1) * sizeof *a->theirs);
    int rc = a->mine && a->theirs ? MC_OK : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_dp_stream_create(&a->stream, key);
    if (rc) {
        mc_dp_ahead_free(a);
        return rc;
    }
    if (threaded && pthread_mutex_init(&a->mu, NULL) == 0) {
        if (pthread_cond_init(&a->cv, NULL) == 0) {
            /* the first request (step 0) goes with the start */
            a->requested = 1;
            a->want = 0;
            if (pthread_create(&a->thread, NULL, worker, a) == 0)
                a->threaded = 1;
            else
                pthread_cond_destroy(&a->cv);
        }
        if (!a->threaded)
            pthread_mutex_destroy(&a->mu);
    }
    *out = a;
    return MC_OK;
}

void mc_dp_ahead_free(mc_dp_ahead *a)
{
    if (!a)
        return;
    if (a->threaded) {
        pthread_mutex_lock(&a->mu);
        a->quit = 1;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->thread, NULL);
        pthread_cond_destroy(&a->cv);
        pthread_mutex_destroy(&a->mu);
    }
    mc_dp_stream_free(a->stream);
    free(a->mine);
    free(a->theirs);
    free(a);
}

int mc_dp_ahead_add(mc_dp_ahead *a, float *grad, uint64_t step)
{
    if (!a->threaded) {
        int rc = fill(a, a->mine, step);
        if (rc == MC_OK)
            mc_dp_add(grad, a->mine, a->n);
        return rc;
    }
    pthread_mutex_lock(&a->mu);
    if (!(a->ready && a->have == step) && !(a->requested && a->want == step)) {
        /* not the step asked for in advance: wait for the worker, then ask */
        while (a->requested)
            pthread_cond_wait(&a->cv, &a->mu);
        a->ready = 0;
        a->want = step;
        a->requested = 1;
        pthread_cond_broadcast(&a->cv);
    }
    while (!(a->ready && a->have == step))
        pthread_cond_wait(&a->cv, &a->mu);
    float *t = a->mine; /* the worker is idle: take its vector, give it ours */
    a->mine = a->theirs;
    a->theirs = t;
    int rc = a->rc;
    char message[sizeof a->message];
    memcpy(message, a->message, sizeof message);
    a->ready = 0;
    a->want = step + 1; /* the next step's, while the caller trains this one */
    a->requested = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    if (rc)
        return mc_error_set(rc, "%s", message);
    mc_dp_add(grad, a->mine, a->n);
    return MC_OK;
}
