"""Reads modelcert's own description of itself: `modelcert --help` (the verbs), each verb's
`--help` text and `modelcert --options VERB [SUB]` (the getopt table the verb parses with).

The man pages (gen_man.py), the bash completion (gen_completion.py) and their test
(tests/e2e/help_man.sh) all go through this one parser, so the help text is the single source;
the format it accepts is strict and documented in docs/packaging.md ("The help format"). A help
text that breaks it makes parse_help raise HelpFormatError naming the verb and the line, which
fails the build: a new verb or option is covered, or the build says why not.
"""
import re
import subprocess

OPTION_TOKEN = re.compile(r"^(-[A-Za-z0-9]|--[a-z0-9][a-z0-9-]*),?$")
# A value placeholder: FILE, RUN_DIR, N, ROOT.pem, IDENTITY_FILE... (begins with a capital)
PLACEHOLDER = re.compile(r"^[A-Z][A-Za-z0-9_.]*,?$")
# Fixed values: 'a, b or c' followed by the end, ';', ',' or '.'; or one value alone
CHOICES = re.compile(r"^([a-z0-9][a-z0-9-]*)(?:((?:, [a-z0-9][a-z0-9-]*)*) or ([a-z0-9][a-z0-9-]*)"
                     r"(?:$|[;.,])|$)")


class HelpFormatError(Exception):
    pass


def run(cmd, *args):
    """stdout of the binary (cmd: a list, the binary perhaps behind an emulator)."""
    p = subprocess.run(list(cmd) + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, check=False)
    if p.returncode != 0:
        raise HelpFormatError("%s exited %d: %s" % (" ".join(list(cmd) + list(args)),
                                                    p.returncode, p.stderr.strip()))
    return p.stdout


def blocks(text):
    """The text's blank-line separated blocks, each a list of lines."""
    out, cur = [], []
    for line in text.split("\n"):
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def listing(lines):
    """'  NAME  summary' lines (the verbs, the subcommands) as [(name, summary)]."""
    out = []
    for line in lines:
        m = re.match(r"^  ([a-z][a-z0-9-]*) +(\S.*)$", line)
        if not m:
            raise HelpFormatError("not '  NAME  summary': %r" % line)
        out.append((m.group(1), m.group(2)))
    return out


def parse_option_line(line, where):
    """'  -o, --output FILE   description' -> (names, placeholders, spec tokens, description)."""
    body = line.strip()
    m = re.match(r"^(\S.*?)(?: {2,}(\S.*))?$", body)
    spec, desc = m.group(1), m.group(2) or ""
    tokens = spec.split(" ")
    if not all(OPTION_TOKEN.match(t) or PLACEHOLDER.match(t) for t in tokens):
        # one space before the description ("--passphrase-env VAR encrypt to ..."): the
        # spec ends at the first word that is neither an option nor a placeholder
        tokens, rest = [], body.split(" ")
        while rest and (OPTION_TOKEN.match(rest[0]) or PLACEHOLDER.match(rest[0])):
            tokens.append(rest.pop(0))
        desc = " ".join(rest)
    if not tokens or not OPTION_TOKEN.match(tokens[0]):
        raise HelpFormatError("%s: an option line must start with -x or --name: %r" %
                              (where, line))
    names = [t.rstrip(",") for t in tokens if OPTION_TOKEN.match(t)]
    holders = [t.rstrip(",") for t in tokens if not OPTION_TOKEN.match(t)]
    return {"names": names, "placeholders": holders, "tokens": tokens, "desc": [desc] if desc
            else []}


def parse_help(text, where):
    """A verb's --help, by the rules of docs/packaging.md:
    usage (first block: 'usage: modelcert ...' and lines indented under it), description
    blocks, one 'options:' block (or 'subcommands:' for a verb made of subcommands), more
    blocks, and last the one starting 'exit status:' (a verb made of subcommands may omit it).
    """
    bl = blocks(text)
    if not bl or not bl[0][0].startswith("usage: modelcert "):
        raise HelpFormatError("%s: the help must begin with 'usage: modelcert '" % where)
    usage = [bl[0][0][len("usage: "):]]
    for line in bl[0][1:]:
        if not line.startswith("       "):
            raise HelpFormatError("%s: usage lines go under the first, indented: %r" %
                                  (where, line))
        usage.append(line.strip())
    split = []
    for b in bl[1:]:  # 'exit status:' may follow a paragraph's last line directly
        k = next((i for i, x in enumerate(b) if i and x.startswith("exit status:")), None)
        split += [b[:k], b[k:]] if k else [b]
    bl = bl[:1] + split
    h = {"usage": usage, "description": [], "options": None, "subcommands": None, "after": [],
         "exit": None}
    for b in bl[1:]:
        head = b[0]
        if head == "options:":
            if h["options"] is not None:
                raise HelpFormatError("%s: two 'options:' blocks" % where)
            h["options"] = []
            for line in b[1:]:
                lead = len(line) - len(line.lstrip(" "))
                if 2 <= lead <= 6 and line.lstrip().startswith("-"):
                    h["options"].append(parse_option_line(line, where))
                elif h["options"] and lead > 6:
                    h["options"][-1]["desc"].append(line.strip())
                else:
                    raise HelpFormatError("%s: in 'options:', a line is an option (2 to 6 "
                                          "spaces, then -) or its description indented "
                                          "deeper: %r" % (where, line))
            if not h["options"]:
                raise HelpFormatError("%s: 'options:' lists no option" % where)
        elif head == "subcommands:":
            h["subcommands"] = listing(b[1:])
        elif head.startswith("exit status:"):
            h["exit"] = b
        elif h["exit"] is not None:
            raise HelpFormatError("%s: 'exit status:' must be the last block" % where)
        elif h["options"] is None and h["subcommands"] is None:
            h["description"].append(b)
        else:
            h["after"].append(b)
        if head.endswith(":") and head not in ("options:", "subcommands:") and \
                re.match(r"^[a-z ]+:$", head) and head not in ("verbs:",):
            raise HelpFormatError("%s: unknown section %r (options:, subcommands:, "
                                  "exit status:)" % (where, head))
    if h["options"] is None and h["subcommands"] is None:
        raise HelpFormatError("%s: no 'options:' block" % where)
    if h["options"] is not None and h["exit"] is None:
        raise HelpFormatError("%s: no 'exit status:' block at the end" % where)
    for o in h["options"] or []:
        o["text"] = " ".join(o["desc"])
    return h


def choices(option):
    """The fixed values an option's description lists first ('json, junit or html'), else []."""
    if not option["placeholders"]:
        return []
    text = re.sub(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)", "", option["text"]).strip()
    m = CHOICES.match(text)
    if not m:
        return []
    values = [m.group(1)] + [v.strip() for v in (m.group(2) or "").split(",") if v.strip()]
    if m.group(3):
        values.append(m.group(3))
    return values


def option_table(cmd, words):
    """`modelcert --options WORDS`: {'--name': (has_arg, letter or None)}."""
    table = {}
    for line in run(cmd, "--options", *words).splitlines():
        name, arg, letter = line.split("\t")
        table[name] = (arg, None if letter == "-" else "-" + letter)
    return table


def lenient(text, where, strict):
    """parse_help, or when not strict and the text breaks the format, a help dict holding the
    text as it is ("raw") and why ("error"): the build still makes a page and a completion for
    the verb, and the help_man test names the fault."""
    try:
        return parse_help(text, where)
    except HelpFormatError as e:
        if strict:
            raise
        lines = text.rstrip("\n").split("\n")
        return {"usage": [lines[0][len("usage: "):] if lines[0].startswith("usage: ")
                          else where], "description": [], "options": None,
                "subcommands": None, "after": [], "exit": None, "raw": lines, "error": str(e)}


def pages(cmd, strict=True):
    """Every page: [(words, summary, help dict)], words () for modelcert itself, ('run',),
    ('audit', 'checkpoint')... A subcommand gets its own page when its --help is its own.
    strict: a help text that breaks the format raises HelpFormatError (else see lenient)."""
    top = run(cmd, "--help")
    verbs = None
    for b in blocks(top):
        if b[0] == "verbs:":
            verbs = listing(b[1:])
    if not verbs:
        raise HelpFormatError("modelcert --help: no 'verbs:' block")
    out = [((), None, top, verbs)]
    for verb, summary in verbs:
        text = run(cmd, verb, "--help")
        h = lenient(text, "modelcert %s --help" % verb, strict)
        out.append(((verb,), summary, text, h))
        subs = dict(h["subcommands"] or [])
        for u in h["usage"]:
            m = re.match(r"^modelcert %s ([a-z][a-z0-9-]*)\b" % re.escape(verb), u)
            if m and m.group(1) not in subs:
                subs[m.group(1)] = None
        h["subs"] = list(subs)
        for sub, sub_summary in subs.items():
            sub_text = run(cmd, verb, sub, "--help")
            if sub_text == text:
                continue
            if not sub_text.startswith("usage: modelcert %s %s" % (verb, sub)):
                continue  # not a subcommand with a help of its own
            sh = lenient(sub_text, "modelcert %s %s --help" % (verb, sub), strict)
            sh["subs"] = []
            out.append(((verb, sub), sub_summary or first_sentence(sh), sub_text, sh))
    return out


def first_sentence(h):
    """A page's one-line summary when no listing gives one: its description's first sentence."""
    if not h.get("description"):
        return ""
    text = " ".join(line.strip() for line in h["description"][0])
    m = re.match(r"^(.*?[.:])(\s|$)", text)
    s = (m.group(1) if m else text).rstrip(".:")
    return s[0].lower() + s[1:] if s else s
