/* Text from specs, data and file names, made safe for each output format.
 * Every renderer writes every such string through one of these: nothing from
 * a spec or a CSV reaches a report unescaped. Ill-formed UTF-8 becomes U+FFFD;
 * control characters (other than tab and line break where the format keeps
 * them) become the visible text \xNN. All append to an mc_buf (whose
 * allocation failure is sticky, checked once by the caller). */
#ifndef MC_REPORT_ESC_H
#define MC_REPORT_ESC_H

#include <jansson.h>

#include "mc_buf.h"

/* XML and HTML text and attribute values: & < > " ' as entities; line breaks
 * and tabs kept (in attributes as character references). */
void mc_esc_xml(mc_buf *b, const char *s);
void mc_esc_xml_attr(mc_buf *b, const char *s);
/* One Markdown table cell or inline text (never the start of a line): \ ` * _ [ ] | ~ $
 * backslash-escaped,
 * < > & as entities (GitHub renders inline HTML), line breaks as spaces. */
void mc_esc_md(mc_buf *b, const char *s);
/* A YAML double-quoted scalar, quotes included. */
void mc_esc_yaml(mc_buf *b, const char *s);

/* A number as reports show it: up to 4 significant digits ("0.8998", "1.2e+05"). */
void mc_report_num(mc_buf *b, double x);
/* A measured or expected value as short text, unescaped: "—" for none, a
 * number as mc_report_num, a string as it is, anything else as canonical JSON
 * with numbers shortened ({"min": 0.85} as min 0.85). */
void mc_report_value(mc_buf *b, const json_t *v);

#endif
