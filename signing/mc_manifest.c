/* The OMS manifest: walk, hash in parallel, order, compare. Names on disk are kept as their
 * bytes (a file name need not be UTF-8); messages show them escaped (mc_str_printable). */
#include "mc_manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_error.h"
#include "mc_str.h"

#define READ_CHUNK (1u << 20)
#define MAX_DEPTH 64

void mc_manifest_free(mc_manifest *m)
{
    if (!m)
        return;
    free(m->model_name);
    for (size_t i = 0; i < m->n_ignore; i++)
        free(m->ignore[i]);
    free(m->ignore);
    for (size_t i = 0; i < m->n; i++) {
        free(m->items[i].name);
        free(m->items[i].path);
    }
    free(m->items);
    free(m);
}

/* ---- names and order -------------------------------------------------------------- */

int mc_manifest_check_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return mc_error_set(MC_EINPUT, "a resource has an empty name");
    if (n > MC_MANIFEST_MAX_NAME)
        return mc_error_set(MC_EINPUT, "a resource name is over %d bytes", MC_MANIFEST_MAX_NAME);
    if (name[0] == '/')
        return mc_error_set(MC_EINPUT, "resource name '%.200s' is absolute", name);
    for (const char *p = name; *p;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return mc_error_set(MC_EINPUT, "resource name '%.200s' has a '..' component", name);
        if (len == 0 && e)
            return mc_error_set(MC_EINPUT, "resource name '%.200s' has an empty component", name);
        p = e ? e + 1 : p + len;
    }
    return MC_OK;
}

/* pathlib's order: component by component, each by code point (UTF-8 byte
 * order is code point order); a path that ends first sorts first. */
static int path_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x == y) {
            if (!x)
                return 0;
            continue;
        }
        if (!x)
            return -1;
        if (!y)
            return 1;
        if (x == '/')
            return -1;
        if (y == '/')
            return 1;
        return x < y ? -1 : 1;
    }
}

static int item_cmp(const void *pa, const void *pb)
{
    const mc_manifest_item *a = pa, *b = pb;
    int c = path_cmp(a->path, b->path);
    if (c)
        return c;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return 0;
}

int mc_manifest_finish(mc_manifest *m)
{
    qsort(m->items, m->n, sizeof *m->items, item_cmp);
    for (size_t i = 1; i < m->n; i++)
        if (strcmp(m->items[i - 1].name, m->items[i].name) == 0 ||
            item_cmp(&m->items[i - 1], &m->items[i]) == 0)
            return mc_error_set(MC_EINPUT, "resource '%.200s' is listed twice", m->items[i].name);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = ctx ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 init failed in OpenSSL");
    if (rc)
        goto cleanup;
    for (size_t i = 0; i < m->n; i++) {
        unsigned char raw[32];
        for (int j = 0; j < 32; j++) {
            unsigned v;
            if (sscanf(m->items[i].digest + 2 * j, "%2x", &v) != 1) {
                rc = mc_error_set(MC_EINPUT, "resource '%.200s' has a malformed digest",
                                  m->items[i].name);
                goto cleanup;
            }
            raw[j] = (unsigned char)v;
        }
        if (!EVP_DigestUpdate(ctx, raw, sizeof raw)) {
            rc = mc_error_set(MC_EINTERNAL, "SHA-256 update failed in OpenSSL");
            goto cleanup;
        }
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (!EVP_DigestFinal_ex(ctx, md, &mdlen)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 final failed in OpenSSL");
        goto cleanup;
    }
    for (int j = 0; j < 32; j++)
        snprintf(m->subject + 2 * j, 3, "%02x", md[j]);
cleanup:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int mc_manifest_equal(const mc_manifest *s, const mc_manifest *d, char *why, size_t why_size)
{
    /* Both are in the same order (mc_manifest_finish): merge. */
    const char *kind = s->shards ? "shard" : "file";
    char name[MC_STR_PRINTABLE_CAP(300)];
    size_t i = 0, j = 0;
    while (i < s->n || j < d->n) {
        int c = i >= s->n ? 1 : j >= d->n ? -1 : item_cmp(&s->items[i], &d->items[j]);
        mc_str_printable(name, sizeof name, c > 0 ? d->items[j].name : s->items[i].name, 300);
        if (c == 0 && strcmp(s->items[i].digest, d->items[j].digest) != 0) {
            snprintf(why, why_size, "%s '%s' was modified (sha256 %.12s... signed, %.12s... "
                     "on disk)", kind, name, s->items[i].digest, d->items[j].digest);
            return 0;
        }
        if (c < 0) {
            snprintf(why, why_size, "%s '%s' is signed but missing on disk", kind, name);
            return 0;
        }
        if (c > 0) {
            snprintf(why, why_size, "%s '%s' is on disk but not in the signature (use "
                     "--ignore-unsigned-files to allow extra files)", kind, name);
            return 0;
        }
        i++;
        j++;
    }
    return 1;
}

/* ---- walking ------------------------------------------------------------------------ */

typedef struct walker {
    const char *root;
    const mc_manifest_options *o;
    mc_manifest *m;
    size_t cap;
} walker;

static int ignored(const walker *w, const char *rel)
{
    for (size_t i = 0; i < w->m->n_ignore; i++) {
        const char *ig = w->m->ignore[i];
        size_t n = strlen(ig);
        if (strncmp(rel, ig, n) == 0 && (rel[n] == '\0' || rel[n] == '/'))
            return 1;
    }
    return 0;
}

static int in_only(const walker *w, const char *rel)
{
    const mc_manifest *only = w->o->only;
    for (size_t i = 0; i < only->n; i++)
        if (strcmp(only->items[i].path, rel) == 0)
            return 1;
    return 0;
}

static int add_item(walker *w, const char *rel, long long start, long long end)
{
    if (w->m->n >= MC_MANIFEST_MAX_ITEMS)
        return mc_error_set(MC_EINPUT, "the model has over %d resources", MC_MANIFEST_MAX_ITEMS);
    if (w->m->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        mc_manifest_item *p = realloc(w->m->items, cap * sizeof *p);
        if (!p)
            return mc_error_nomem();
        w->m->items = p;
        w->cap = cap;
    }
    mc_manifest_item *it = &w->m->items[w->m->n];
    memset(it, 0, sizeof *it);
    char name[MC_MANIFEST_MAX_NAME + 64];
    if (w->m->shards)
        snprintf(name, sizeof name, "%s:%lld:%lld", rel, start, end);
    else
        snprintf(name, sizeof name, "%s", rel);
    it->name = strdup(name);
    it->path = strdup(rel);
    if (!it->name || !it->path) {
        free(it->name);
        free(it->path);
        return mc_error_nomem();
    }
    it->start = start;
    it->end = end;
    w->m->n++;
    return MC_OK;
}

static int add_file(walker *w, const char *rel, long long size)
{
    if (w->o->only && !in_only(w, rel))
        return MC_OK;
    if (!w->m->shards)
        return add_item(w, rel, 0, size);
    if (size == 0)
        return add_item(w, rel, 0, 0);
    for (long long s = 0; s < size; s += w->m->shard_size) {
        long long e = size - s < w->m->shard_size ? size : s + w->m->shard_size;
        int rc = add_item(w, rel, s, e);
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* *out: "a/b". MC_ENOMEM. */
static int join(char **out, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p)
        return mc_error_nomem();
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    *out = p;
    return MC_OK;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(walker *w, const char *rel, int depth);

static int walk_entry(walker *w, const char *rel, int depth)
{
    char *full = NULL;
    struct stat st;
    int rc = join(&full, w->root, rel);
    if (rc || ignored(w, rel))
        goto cleanup;
    if (strlen(rel) > MC_MANIFEST_MAX_NAME) {
        rc = mc_error_set(MC_EINPUT, "path '%.200s...' is over %d bytes", rel,
                          MC_MANIFEST_MAX_NAME);
        goto cleanup;
    }
    if (strchr(rel, ':') && w->m->shards) {
        rc = mc_error_set(MC_EINPUT, "'%.300s': a ':' in a name cannot be serialized by shards",
                          rel);
        goto cleanup;
    }
    if (lstat(full, &st) != 0) {
        rc = mc_error_set(MC_EIO, "cannot stat %.400s: %s", full, strerror(errno));
        goto cleanup;
    }
    if (S_ISLNK(st.st_mode)) {
        if (!w->o->allow_symlinks) {
            rc = mc_error_set(MC_EINPUT, "'%.300s' is a symbolic link (refused unless "
                              "--allow-symlinks)", rel);
            goto cleanup;
        }
        if (stat(full, &st) != 0) {
            rc = mc_error_set(MC_EINPUT, "symbolic link '%.300s' is broken", rel);
            goto cleanup;
        }
        if (S_ISDIR(st.st_mode))
            goto cleanup; /* as model_signing's walk: links to directories are not descended */
    }
    if (S_ISDIR(st.st_mode))
        rc = walk_dir(w, rel, depth + 1);
    else if (S_ISREG(st.st_mode))
        rc = add_file(w, rel, (long long)st.st_size);
    else
        rc = mc_error_set(MC_EINPUT, "'%.300s' is not a regular file or directory", rel);
cleanup:
    free(full);
    return rc;
}

static int walk_dir(walker *w, const char *rel, int depth)
{
    char *full = NULL;
    DIR *d = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = rel ? join(&full, w->root, rel) : (full = strdup(w->root)) ? MC_OK : mc_error_nomem();
    if (rc)
        return rc;
    if (depth > MAX_DEPTH) {
        rc = mc_error_set(MC_EINPUT, "directories nested over %d deep at '%.300s'", MAX_DEPTH,
                          rel);
        goto cleanup;
    }
    if (!(d = opendir(full))) {
        rc = mc_error_set(MC_EIO, "cannot read directory %.400s: %s", full, strerror(errno));
        goto cleanup;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **p = realloc(names, cap * sizeof *p);
            if (!p) {
                rc = mc_error_nomem();
                goto cleanup;
            }
            names = p;
        }
        rc = rel ? join(&names[n], rel, e->d_name)
                 : (names[n] = strdup(e->d_name)) ? MC_OK : mc_error_nomem();
        if (rc)
            goto cleanup;
        n++;
    }
    qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n && !rc; i++)
        rc = walk_entry(w, names[i], depth);
cleanup:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (d)
        closedir(d);
    free(full);
    return rc;
}

/* ---- hashing in parallel ------------------------------------------------------------ */

typedef struct hash_pool {
    const char *root;
    int single;           /* one-file model: root is the file */
    int nofollow;
    mc_manifest *m;
    size_t *order;        /* items, largest first */
    size_t next;
    pthread_mutex_t lock;
    int rc;
    mc_error err;
} hash_pool;

static int hash_item(hash_pool *p, mc_manifest_item *it, unsigned char *buf)
{
    char *full = NULL;
    int fd = -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = p->single ? ((full = strdup(p->root)) ? MC_OK : mc_error_nomem())
                       : join(&full, p->root, it->path);
    if (rc == MC_OK && !ctx)
        rc = mc_error_nomem();
    if (rc)
        goto cleanup;
    if ((fd = open(full, O_RDONLY | (p->nofollow ? O_NOFOLLOW : 0))) < 0) {
        rc = mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot open %.400s: %s", full,
                          strerror(errno));
        goto cleanup;
    }
    if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 init failed in OpenSSL");
        goto cleanup;
    }
    long long off = it->start;
    for (;;) {
        size_t want = READ_CHUNK;
        if (p->m->shards) {
            if (off >= it->end)
                break;
            if ((long long)want > it->end - off)
                want = (size_t)(it->end - off);
        }
        ssize_t got = pread(fd, buf, want, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = mc_error_set(MC_EIO, "cannot read %.400s: %s", full, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        if (!EVP_DigestUpdate(ctx, buf, (size_t)got)) {
            rc = mc_error_set(MC_EINTERNAL, "SHA-256 update failed in OpenSSL");
            goto cleanup;
        }
        off += got;
    }
    if (p->m->shards && off != it->end) {
        rc = mc_error_set(MC_EIO, "%.400s changed size while it was read", full);
        goto cleanup;
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (!EVP_DigestFinal_ex(ctx, md, &mdlen)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 final failed in OpenSSL");
        goto cleanup;
    }
    for (int j = 0; j < 32; j++)
        snprintf(it->digest + 2 * j, 3, "%02x", md[j]);
cleanup:
    if (fd >= 0)
        close(fd);
    EVP_MD_CTX_free(ctx);
    free(full);
    return rc;
}

static void *hash_worker(void *arg)
{
    hash_pool *p = arg;
    unsigned char *buf = malloc(READ_CHUNK);
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int stop = p->rc != MC_OK || p->next >= p->m->n;
        size_t i = stop ? 0 : p->order[p->next++];
        if (!buf && !stop) {
            p->rc = mc_error_nomem();
            p->err = *mc_error_last();
            stop = 1;
        }
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
        int rc = hash_item(p, &p->m->items[i], buf);
        if (rc) {
            pthread_mutex_lock(&p->lock);
            if (p->rc == MC_OK) {
                p->rc = rc;
                p->err = *mc_error_last();
            }
            pthread_mutex_unlock(&p->lock);
        }
    }
    free(buf);
    return NULL;
}

typedef struct job {
    size_t idx;
    long long size;
} job;

static int size_desc(const void *a, const void *b)
{
    long long sx = ((const job *)a)->size, sy = ((const job *)b)->size;
    return sx < sy ? 1 : sx > sy ? -1 : 0;
}

static int hash_all(mc_manifest *m, const char *root, int single, int threads, int nofollow)
{
    hash_pool p = {.root = root, .single = single, .nofollow = nofollow, .m = m};
    int rc = MC_OK;
    pthread_t tids[256];
    int started = 0;
    if (threads <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        threads = c > 0 ? (int)c : 1;
    }
    if (threads > 256)
        threads = 256;
    if ((size_t)threads > m->n)
        threads = m->n ? (int)m->n : 1;
    job *jobs = malloc((m->n ? m->n : 1) * sizeof *jobs);
    if (!jobs || !(p.order = malloc((m->n ? m->n : 1) * sizeof *p.order))) {
        free(jobs);
        return mc_error_nomem();
    }
    for (size_t i = 0; i < m->n; i++) {
        jobs[i].idx = i;
        jobs[i].size = m->items[i].end - m->items[i].start;
    }
    qsort(jobs, m->n, sizeof *jobs, size_desc); /* largest first: the pool ends together */
    for (size_t i = 0; i < m->n; i++)
        p.order[i] = jobs[i].idx;
    free(jobs);
    pthread_mutex_init(&p.lock, NULL);
    for (int t = 1; t < threads; t++) {
        if (pthread_create(&tids[t], NULL, hash_worker, &p) != 0)
            break;
        started = t;
    }
    hash_worker(&p);
    for (int t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    pthread_mutex_destroy(&p.lock);
    if (p.rc) {
        mc_error_set_at(p.err.code, p.err.file, p.err.line, p.err.col, "%s", p.err.message);
        rc = p.rc;
    }
    free(p.order);
    return rc;
}

/* ---- the manifest of a path --------------------------------------------------------- */

static int base_name(char **out, const char *path)
{
    char *abs = realpath(path, NULL);
    if (!abs)
        return mc_error_set(MC_EIO, "cannot resolve %.400s: %s", path, strerror(errno));
    const char *b = strrchr(abs, '/');
    b = b && b[1] ? b + 1 : abs;
    *out = strdup(b);
    free(abs);
    return *out ? MC_OK : mc_error_nomem();
}

/* *out: the ignore path as a POSIX path relative to root, or "" when it is outside.
 * MC_ENOMEM. */
static int relative_ignore(char **out, const char *root_abs, const char *ig)
{
    char *r;
    size_t n = strlen(root_abs);
    if (ig[0] != '/') {
        const char *s = ig;
        while (s[0] == '.' && s[1] == '/')
            s += 2;
        if ((r = strdup(s))) {
            size_t len = strlen(r);
            while (len > 1 && r[len - 1] == '/')
                r[--len] = '\0';
        }
    } else {
        r = strdup(strncmp(ig, root_abs, n) == 0 && ig[n] == '/' && ig[n + 1] ? ig + n + 1 : "");
    }
    if (!r)
        return mc_error_nomem();
    *out = r;
    return MC_OK;
}

int mc_manifest_compute(mc_manifest **out, const char *path, const mc_manifest_options *o)
{
    mc_manifest *m = calloc(1, sizeof *m);
    char *root_abs = NULL;
    walker w = {.root = path, .o = o, .m = m};
    struct stat st;
    int rc = m ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (lstat(path, &st) != 0) {
        rc = mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot read %s: %s", path,
                          strerror(errno));
        goto cleanup;
    }
    if (S_ISLNK(st.st_mode) && !o->allow_symlinks) {
        rc = mc_error_set(MC_EINPUT, "%.400s is a symbolic link (refused unless "
                          "--allow-symlinks)", path);
        goto cleanup;
    }
    if (stat(path, &st) != 0) {
        rc = mc_error_set(MC_EIO, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    m->allow_symlinks = o->allow_symlinks;
    m->shards = o->shard_size > 0;
    m->shard_size = o->shard_size;
    if ((rc = base_name(&m->model_name, path)))
        goto cleanup;
    if (!(root_abs = realpath(path, NULL))) {
        rc = mc_error_set(MC_EIO, "cannot resolve %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (o->n_ignore > MC_MANIFEST_MAX_IGNORE) {
        rc = mc_error_set(MC_EINPUT, "over %d ignore paths", MC_MANIFEST_MAX_IGNORE);
        goto cleanup;
    }
    if (o->n_ignore && !(m->ignore = calloc(o->n_ignore, sizeof *m->ignore))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; i < o->n_ignore; i++) {
        char *r = NULL;
        if ((rc = relative_ignore(&r, root_abs, o->ignore[i])))
            goto cleanup;
        int dup = !*r;
        for (size_t j = 0; j < m->n_ignore && !dup; j++)
            dup = strcmp(m->ignore[j], r) == 0;
        if (dup)
            free(r);
        else
            m->ignore[m->n_ignore++] = r;
    }
    if (m->n_ignore) /* qsort of a null array is undefined, even of none */
        qsort(m->ignore, m->n_ignore, sizeof *m->ignore, name_cmp);
    int single = S_ISREG(st.st_mode);
    if (single)
        rc = add_file(&w, ".", (long long)st.st_size);
    else if (S_ISDIR(st.st_mode))
        rc = walk_dir(&w, NULL, 0);
    else
        rc = mc_error_set(MC_EINPUT, "%s is not a regular file or directory", path);
    if (rc)
        goto cleanup;
    if (m->n == 0 && !o->only) {
        rc = mc_error_set(MC_EINPUT, "%s holds no regular file after the ignored paths", path);
        goto cleanup;
    }
    if ((rc = hash_all(m, path, single, o->threads, !o->allow_symlinks)))
        goto cleanup;
    for (size_t i = 0; i < m->n && !m->shards; i++)
        m->items[i].end = 0; /* files are compared by name alone (sizes served the scheduling) */
    if ((rc = mc_manifest_finish(m)))
        goto cleanup;
    *out = m;
    m = NULL;
cleanup:
    free(root_abs);
    mc_manifest_free(m);
    return rc;
}
