/* The last-error record (mc_error.h), one per thread: set by every failing
 * library function, read by the CLI to print the message and choose the exit
 * status. */
#include "mc_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local mc_error last_error;

static int set_va(int code, const char *file, int line, int col, const char *fmt, va_list ap)
    MC_PRINTF(5, 0);
static int set_va(int code, const char *file, int line, int col, const char *fmt, va_list ap)
{
    last_error.code = code;
    last_error.line = line;
    last_error.col = col;
    snprintf(last_error.file, sizeof last_error.file, "%s", file ? file : "");
    vsnprintf(last_error.message, sizeof last_error.message, fmt, ap);
    return code;
}

int mc_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(code, NULL, 0, 0, fmt, ap);
    va_end(ap);
    return code;
}

int mc_error_set_at(int code, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(code, file, line, col, fmt, ap);
    va_end(ap);
    return code;
}

int mc_error_nomem(void)
{
    return mc_error_set(MC_ENOMEM, "out of memory");
}

const mc_error *mc_error_last(void)
{
    return &last_error;
}

void mc_error_clear(void)
{
    memset(&last_error, 0, sizeof last_error);
}

void mc_error_format(const mc_error *e, char *buf, size_t size)
{
    if (e->file[0] && e->line > 0)
        snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->col, e->message);
    else if (e->file[0])
        snprintf(buf, size, "%s: %s", e->file, e->message);
    else
        snprintf(buf, size, "%s", e->message);
}

int mc_code_exit_status(int code)
{
    switch (code) {
    case MC_OK: return 0;
    case MC_EINPUT:
    case MC_ENOTFOUND: return 2;
    default: return 3;
    }
}
