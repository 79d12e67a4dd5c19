/* The hardened YAML reader (mc_yaml.h) on libyaml's event parser: bytes,
 * nodes, nesting, anchors and aliases bounded; standard tags only; unique
 * keys; one document; a comment glued to a quoted value or a flow collection
 * ("v"#c, [1]#c), which libyaml accepts and YAML forbids, and an anchor name
 * that libyaml would cut short (&v:1 x), refused. Problems
 * are diagnostics (the parser records them and stops building), allocation
 * failures MC_ENOMEM; the tree lives in the caller's arena. Binding the tree
 * to a spec is mc_schema.c's. */
#include "mc_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "mc_utf8.h"

typedef struct anchor {
    const char *name;
    mc_ynode *node;
} anchor;

typedef struct parser {
    yaml_parser_t yp;
    mc_arena *arena;
    mc_diags *diags;
    const char *file;
    anchor anchors[MC_YAML_MAX_ALIASES * 4];
    size_t n_anchors;
    size_t n_aliases;
    size_t total_weight;
    const unsigned char *src; /* the text libyaml reads (valid UTF-8) */
    size_t src_len;
    size_t cur_chars, cur_bytes; /* a position in it: characters, as libyaml counts, and bytes */
    int failed; /* an error was reported; stop building */
    int nomem;
} parser;

const char *mc_ynode_kind_name(const mc_ynode *n)
{
    switch (n->kind) {
    case MC_YSCALAR: return n->plain && n->len == 0 ? "null" : "a scalar";
    case MC_YSEQ: return "a list";
    case MC_YMAP: return "a mapping";
    }
    return "?";
}

static void fail_at(parser *p, yaml_mark_t m, const char *fmt, ...) MC_PRINTF(3, 4);
static void fail_at(parser *p, yaml_mark_t m, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->failed && mc_diags_add(p->diags, MC_SEV_ERROR, p->file, (int)m.line + 1,
                                   (int)m.column + 1, "%s", msg) != MC_OK)
        p->nomem = 1;
    p->failed = 1;
}

/* The next event: 1, or 0 after recording why there is none (a syntax error
 * as a diagnostic; libyaml's own allocation failure as p->nomem). */
static int next_event(parser *p, yaml_event_t *ev)
{
    if (yaml_parser_parse(&p->yp, ev))
        return 1;
    const char *ctx = p->yp.context ? p->yp.context : "";
    yaml_mark_t m = p->yp.problem_mark;
    if (p->yp.error == YAML_MEMORY_ERROR)
        p->nomem = 1;
    else if (!p->failed &&
             mc_diags_add(p->diags, MC_SEV_ERROR, p->file, (int)m.line + 1, (int)m.column + 1,
                          "YAML syntax error: %s%s%s", p->yp.problem ? p->yp.problem : "unknown",
                          ctx[0] ? " " : "", ctx) != MC_OK)
        p->nomem = 1;
    p->failed = 1;
    return 0;
}

/* The byte at character index `index` of the text (libyaml counts characters, a CR LF as
 * two), or -1 past its end. Marks come in document order, so the cursor only moves forward:
 * linear in the text. */
static int byte_at(parser *p, size_t index)
{
    if (index < p->cur_chars)
        p->cur_chars = p->cur_bytes = 0;
    while (p->cur_chars < index && p->cur_bytes < p->src_len) {
        unsigned char c = p->src[p->cur_bytes];
        size_t w = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        p->cur_bytes += w < p->src_len - p->cur_bytes ? w : p->src_len - p->cur_bytes;
        p->cur_chars++;
    }
    return p->cur_chars == index && p->cur_bytes < p->src_len ? p->src[p->cur_bytes] : -1;
}

static int hash_at(parser *p, yaml_mark_t m)
{
    return byte_at(p, m.index) == '#';
}

/* libyaml ends an anchor name at the first character that is not a letter, digit, '-' or
 * '_', and reads what follows as the value: `&v:1 text` anchors the text ":1 text" (YAML 1.2
 * reads the anchor v:1 on "text"). A node whose mark m is at its '&' must have white space,
 * a flow indicator or the end after the name; otherwise it is refused, not misread. */
static int check_anchor_end(parser *p, yaml_mark_t m, const yaml_char_t *name)
{
    if (!name || byte_at(p, m.index) != '&')
        return 1;
    yaml_mark_t after = m;
    size_t len = strlen((const char *)name); /* ASCII: libyaml's anchor characters */
    after.index += 1 + len;
    after.column += 1 + len;
    int c = byte_at(p, after.index);
    if (c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' ||
        c == '}')
        return 1;
    fail_at(p, after, "anchor '&%s' is followed by '%c': an anchor name ends at the first "
            "character that is not a letter, digit, '-' or '_', and the rest would be read as "
            "the value (use such a name, then a space)", (const char *)name, c);
    return 0;
}

/* YAML (1.2, 6.6) separates a comment from what comes before it by white space; libyaml
 * 0.2.5 also reads "value"# text as a value and a comment. The author may have meant the
 * '#' as part of the value: refuse it rather than guess. `what` names what ends at m. */
static int check_glued_comment(parser *p, yaml_mark_t m, const char *what)
{
    if (!hash_at(p, m))
        return 1;
    fail_at(p, m, "'#' right after %s: a YAML comment must be preceded by a space "
            "(write ' #' to start a comment)", what);
    return 0;
}

static mc_ynode *new_node(parser *p, mc_ynode_kind kind, yaml_mark_t m)
{
    if (++p->total_weight > MC_YAML_MAX_NODES) {
        fail_at(p, m, "YAML document has more than %d nodes (aliases expanded)", MC_YAML_MAX_NODES);
        return NULL;
    }
    mc_ynode *n = mc_arena_alloc(p->arena, sizeof *n);
    if (!n) {
        p->nomem = p->failed = 1;
        return NULL;
    }
    n->kind = kind;
    n->line = (int)m.line + 1;
    n->col = (int)m.column + 1;
    n->weight = 1;
    return n;
}

static int check_tag(parser *p, const yaml_char_t *tag, yaml_mark_t m)
{
    /* Only the standard tags: a spec never needs to construct objects. */
    static const char *const ok[] = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
                                     "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                                     "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
                                     "tag:yaml.org,2002:seq"};
    if (!tag)
        return 1;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp((const char *)tag, ok[i]) == 0)
            return 1;
    fail_at(p, m, "YAML tag '%s' is not allowed in a spec", (const char *)tag);
    return 0;
}

/* Registers an anchor when its node starts (node NULL: still being built, so
 * an alias to it from inside is a cycle) and again when it is complete. */
static void remember_anchor(parser *p, const yaml_char_t *name, mc_ynode *n, yaml_mark_t m)
{
    if (!name)
        return;
    for (size_t i = p->n_anchors; n && i-- > 0;) {
        if (!p->anchors[i].node && strcmp(p->anchors[i].name, (const char *)name) == 0) {
            p->anchors[i].node = n;
            return;
        }
    }
    if (p->n_anchors == sizeof p->anchors / sizeof p->anchors[0]) {
        fail_at(p, m, "too many YAML anchors (limit %zu)", sizeof p->anchors / sizeof p->anchors[0]);
        return;
    }
    const char *copy = mc_arena_strdup(p->arena, (const char *)name);
    if (!copy) {
        p->nomem = p->failed = 1;
        return;
    }
    p->anchors[p->n_anchors].name = copy;
    p->anchors[p->n_anchors++].node = n;
}

static mc_ynode *resolve_alias(parser *p, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    yaml_mark_t m = ev->start_mark;
    if (++p->n_aliases > MC_YAML_MAX_ALIASES) {
        fail_at(p, m, "too many YAML aliases (limit %d): refusing a possible alias bomb",
                MC_YAML_MAX_ALIASES);
        return NULL;
    }
    /* The newest anchor of that name wins, as YAML says. */
    for (size_t i = p->n_anchors; i-- > 0;) {
        if (strcmp(p->anchors[i].name, name) == 0) {
            mc_ynode *n = p->anchors[i].node;
            if (!n) {
                fail_at(p, m, "YAML alias '*%s' refers to a node that contains it", name);
                return NULL;
            }
            return n;
        }
    }
    fail_at(p, m, "YAML alias '*%s' has no anchor before it", name);
    return NULL;
}

static mc_ynode *parse_node(parser *p, yaml_event_t *ev, int depth);

/* Room for one more element in an arena array of `count` elements (the arena
 * never frees, so growing copies into a block twice the size). */
static void *arena_grow(parser *p, void *items, size_t count, size_t *cap, size_t size)
{
    if (count < *cap)
        return items;
    *cap = *cap ? *cap * 2 : 8;
    void *grown = mc_arena_alloc(p->arena, *cap * size);
    if (!grown) {
        p->nomem = p->failed = 1;
        return NULL;
    }
    if (count)
        memcpy(grown, items, count * size);
    return grown;
}

/* Opens a collection node: its tag must be allowed, and its anchor is known
 * from here on (as unfinished, so an alias to it from inside is a cycle). */
static mc_ynode *open_collection(parser *p, mc_ynode_kind kind, const yaml_event_t *start,
                                 const yaml_char_t *anchor_name, const yaml_char_t *tag)
{
    mc_ynode *n = new_node(p, kind, start->start_mark);
    if (!n || !check_tag(p, tag, start->start_mark) ||
        !check_anchor_end(p, start->start_mark, anchor_name))
        return NULL;
    remember_anchor(p, anchor_name, NULL, start->start_mark);
    return n;
}

/* The next event inside a collection: 1 with *ev to handle (and delete);
 * 0 at the collection's end event or on an error (p->failed says which).
 * A flow collection's end (']' or '}') must not have a comment glued to it. */
static int next_in_collection(parser *p, yaml_event_t *ev, yaml_event_type_t end, int flow)
{
    if (!next_event(p, ev))
        return 0;
    if (ev->type != end)
        return 1;
    if (flow)
        check_glued_comment(p, ev->end_mark,
                            end == YAML_SEQUENCE_END_EVENT ? "a list's ']'" : "a mapping's '}'");
    yaml_event_delete(ev);
    return 0;
}

static mc_ynode *parse_sequence(parser *p, yaml_event_t *start, int depth)
{
    const yaml_char_t *anchor_name = start->data.sequence_start.anchor;
    mc_ynode *n = open_collection(p, MC_YSEQ, start, anchor_name, start->data.sequence_start.tag);
    size_t cap = 0;
    yaml_event_t ev;
    int flow = start->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    while (n && next_in_collection(p, &ev, YAML_SEQUENCE_END_EVENT, flow)) {
        mc_ynode *item = parse_node(p, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!item || !(n->items = arena_grow(p, n->items, n->n_items, &cap, sizeof *n->items)))
            return NULL;
        n->weight += item->weight; /* the subtree's size, aliases expanded */
        n->items[n->n_items++] = item;
    }
    if (!n || p->failed)
        return NULL;
    remember_anchor(p, anchor_name, n, start->start_mark);
    return n;
}

static mc_ynode *parse_mapping(parser *p, yaml_event_t *start, int depth)
{
    const yaml_char_t *anchor_name = start->data.mapping_start.anchor;
    mc_ynode *n = open_collection(p, MC_YMAP, start, anchor_name, start->data.mapping_start.tag);
    size_t cap = 0;
    yaml_event_t ev;
    int flow = start->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
    while (n && next_in_collection(p, &ev, YAML_MAPPING_END_EVENT, flow)) {
        yaml_mark_t km = ev.start_mark;
        mc_ynode *key = parse_node(p, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!key)
            return NULL;
        if (key->kind != MC_YSCALAR) {
            fail_at(p, km, "a mapping key must be a plain name, not %s", mc_ynode_kind_name(key));
            return NULL;
        }
        for (size_t i = 0; i < n->n_pairs; i++) {
            if (n->pairs[i].key->len == key->len &&
                memcmp(n->pairs[i].key->text, key->text, key->len) == 0) {
                fail_at(p, km, "duplicate key '%s' (first defined on line %d)", key->text,
                        n->pairs[i].key->line);
                return NULL;
            }
        }
        if (!next_event(p, &ev))
            return NULL;
        mc_ynode *value = parse_node(p, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!value || !(n->pairs = arena_grow(p, n->pairs, n->n_pairs, &cap, sizeof *n->pairs)))
            return NULL;
        n->weight += value->weight;
        n->pairs[n->n_pairs].key = key;
        n->pairs[n->n_pairs++].value = value;
    }
    if (!n || p->failed)
        return NULL;
    remember_anchor(p, anchor_name, n, start->start_mark);
    return n;
}

static mc_ynode *parse_node(parser *p, yaml_event_t *ev, int depth)
{
    if (depth > MC_YAML_MAX_DEPTH) {
        fail_at(p, ev->start_mark, "YAML nesting deeper than %d levels", MC_YAML_MAX_DEPTH);
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        if (!check_tag(p, ev->data.scalar.tag, ev->start_mark))
            return NULL;
        yaml_scalar_style_t style = ev->data.scalar.style;
        int quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                     style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        if (!check_anchor_end(p, ev->start_mark, ev->data.scalar.anchor) ||
            (quoted && !check_glued_comment(p, ev->end_mark, "a quoted value")))
            return NULL;
        mc_ynode *n = new_node(p, MC_YSCALAR, ev->start_mark);
        if (!n)
            return NULL;
        n->len = ev->data.scalar.length;
        n->text = mc_arena_strndup(p->arena, (const char *)ev->data.scalar.value, n->len);
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
        if (ev->data.scalar.tag) {
            /* An explicit standard tag decides the type: !!str is text; !!int,
             * !!float and !!bool are resolved like plain scalars; !!null is null. */
            const char *tag = (const char *)ev->data.scalar.tag;
            n->plain = strcmp(tag, "tag:yaml.org,2002:str") != 0;
            static const char *const names[] = {"str", "int", "float", "bool", "null"};
            for (size_t k = 0; k < 5; k++) /* static names: the event's memory goes away */
                if (strcmp(strrchr(tag, ':') + 1, names[k]) == 0)
                    n->tag = names[k];
            if (strcmp(tag, "tag:yaml.org,2002:null") == 0) {
                n->len = 0;
                n->text = "";
            }
        }
        if (!n->text) {
            p->nomem = p->failed = 1;
            return NULL;
        }
        if (memchr(n->text, '\0', n->len)) {
            fail_at(p, ev->start_mark, "a scalar contains a NUL character");
            return NULL;
        }
        remember_anchor(p, ev->data.scalar.anchor, n, ev->start_mark);
        return n;
    }
    case YAML_SEQUENCE_START_EVENT: {
        /* An anchor is visible only once its node is complete, so a node cannot contain itself. */
        return parse_sequence(p, ev, depth);
    }
    case YAML_MAPPING_START_EVENT: return parse_mapping(p, ev, depth);
    case YAML_ALIAS_EVENT: {
        mc_ynode *target = resolve_alias(p, ev);
        if (target)
            p->total_weight += target->weight;
        if (target && p->total_weight > MC_YAML_MAX_NODES) {
            fail_at(p, ev->start_mark,
                    "YAML document expands to more than %d nodes: refusing a possible alias bomb",
                    MC_YAML_MAX_NODES);
            return NULL;
        }
        return target;
    }
    default:
        fail_at(p, ev->start_mark, "unexpected YAML structure");
        return NULL;
    }
}

/* The bytes before parsing: at most MC_YAML_MAX_BYTES, UTF-8, no NUL. MC_OK,
 * MC_EINPUT with the problem in p->diags, or MC_ENOMEM. */
static int check_bytes(parser *p, const char *text, size_t len)
{
    size_t bad;
    int line, col, rc;
    if (len > MC_YAML_MAX_BYTES) {
        rc = mc_diags_add(p->diags, MC_SEV_ERROR, p->file, 0, 0,
                          "spec is %zu bytes, over the limit of %u bytes", len, MC_YAML_MAX_BYTES);
        return rc ? rc : MC_EINPUT;
    }
    if (!mc_utf8_valid(text, len, &bad)) {
        mc_utf8_position(text, bad, &line, &col);
        rc = mc_diags_add(p->diags, MC_SEV_ERROR, p->file, line, col,
                          "spec is not valid UTF-8 (byte 0x%02x)", (unsigned char)text[bad]);
        return rc ? rc : MC_EINPUT;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        mc_utf8_position(text, (size_t)(nul - text), &line, &col);
        rc = mc_diags_add(p->diags, MC_SEV_ERROR, p->file, line, col, "spec contains a NUL byte");
        return rc ? rc : MC_EINPUT;
    }
    return MC_OK;
}

/* Reads events until the first document's root node; handles the empty stream. */
static mc_ynode *parse_stream(parser *p)
{
    yaml_event_t ev;
    mc_ynode *root = NULL;
    int docs = 0;
    for (;;) {
        if (!next_event(p, &ev))
            return NULL;
        yaml_event_type_t t = ev.type;
        yaml_mark_t m = ev.start_mark;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            yaml_event_delete(&ev);
            fail_at(p, m, "a spec is one YAML document; found a second one here");
            return NULL;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
            t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        root = parse_node(p, &ev, 0);
        yaml_event_delete(&ev);
        if (!root)
            return NULL;
    }
    if (!root) {
        yaml_mark_t m = {0, 0, 0};
        root = new_node(p, MC_YMAP, m);
    }
    return root;
}

int mc_yaml_parse(mc_ynode **root, mc_arena *arena, mc_diags *diags, const char *file,
                  const char *text, size_t len)
{
    parser *p = calloc(1, sizeof *p);
    *root = NULL;
    if (!p)
        return mc_error_nomem();
    p->arena = arena;
    p->diags = diags;
    p->file = file;
    int rc = check_bytes(p, text, len);
    if (rc)
        goto cleanup;
    if (!yaml_parser_initialize(&p->yp)) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    /* libyaml would count a byte-order mark as a column; it carries no content. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3;
    p->src = (const unsigned char *)text;
    p->src_len = len;
    yaml_parser_set_input_string(&p->yp, (const unsigned char *)text, len);
    yaml_parser_set_encoding(&p->yp, YAML_UTF8_ENCODING);
    mc_ynode *r = parse_stream(p);
    yaml_parser_delete(&p->yp);
    if (p->nomem)
        rc = mc_error_nomem();
    else if (!r || p->failed)
        rc = MC_EINPUT; /* what is wrong is in diags */
    else
        *root = r;
cleanup:
    free(p);
    return rc;
}
