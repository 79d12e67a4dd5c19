#!/usr/bin/env python3
"""The man pages and --help agree with the option tables (issue 28), for every verb and
subcommand that `modelcert --help` lists, so that a verb or option added later is covered:

  - every verb's --help follows the format of docs/packaging.md (packaging/mc_help.py parses it);
  - every long option of the getopt table the verb parses with (`modelcert --options VERB`)
    is documented in its --help, with a value placeholder exactly when it takes a value and
    with its short letter; and every option the help documents is in that table;
  - every documented option is accepted by the binary: run with it, the verb never answers
    "unknown option or missing value";
  - the build's man pages are what the generator makes from this binary now (never stale),
    one per verb and subcommand, each clean under `mandoc -T lint`, and each page's OPTIONS,
    rendered by mandoc, names every option of the table.

usage: help_man.py BINARY MAN_DIR SOURCE_DIR      exit 0 when all holds, 1 otherwise
"""
import os
import re
import subprocess
import sys
import tempfile

BINARY, MAN_DIR, SRC = (os.path.abspath(a) for a in sys.argv[1:4])
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "packaging"))
import mc_help  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def rendered(page):
    """The page as mandoc renders it for a terminal, without overstrike."""
    out = subprocess.run(["mandoc", "-T", "ascii", "-O", "width=200", page],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    return re.sub(r".\x08", "", out)


try:
    pages = mc_help.pages([BINARY])
except mc_help.HelpFormatError as e:
    print("FAIL: the help format (docs/packaging.md): %s" % e)
    sys.exit(1)

work = tempfile.mkdtemp()
env = dict(os.environ, MODELCERT_AUDIT=os.path.join(work, "audit.db"), HOME=work)
checked_options = 0
for words, _, text, h in pages:
    if not words:
        continue
    where = "modelcert %s" % " ".join(words)
    if h["options"] is None:  # made of subcommands: each has its page
        continue
    table = mc_help.option_table([BINARY], words)
    documented = {}
    for o in h["options"]:
        for n in o["names"]:
            documented[n] = o
    for name, (arg, letter) in table.items():
        o = documented.get(name)
        if not o:
            fail("%s: %s is in its option table but not in its --help" % (where, name))
            continue
        if (arg == "required") != bool(o["placeholders"]):
            fail("%s --help: %s %s a value, but its table says %s" %
                 (where, name, "shows" if o["placeholders"] else "shows no", arg))
        if letter and letter not in o["names"]:
            fail("%s --help: %s's short option %s is not shown with it" % (where, name, letter))
    letters = {letter for _, letter in table.values() if letter}
    for n in documented:
        if n not in table and n not in letters:
            fail("%s --help documents %s, which its option table does not have" % (where, n))
    # accepted: the binary never says the option is unknown
    sub = list(words)
    if h.get("subs") and len(words) == 1:
        sub.append(h["subs"][0])
    for n, o in documented.items():
        args = [BINARY] + sub + [n] + (["x"] if o["placeholders"] else [])
        if n in ("-h", "--help"):
            continue
        p = subprocess.run(args, cwd=work, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        checked_options += 1
        if "unknown option or missing value" in p.stderr.decode(errors="replace"):
            fail("%s: the documented option %s is refused as unknown" % (" ".join(args[1:]), n))

# the man pages: the build's are this binary's, lint-clean, and name every option
fresh = os.path.join(work, "man")
subprocess.run([sys.executable, os.path.join(SRC, "packaging", "gen_man.py"), "--out", fresh,
                "--date", "2000-01-01", "--version", "0", "--", BINARY], check=True)
want = sorted(open(os.path.join(fresh, "pages.stamp")).read().split())
have = sorted(open(os.path.join(MAN_DIR, "pages.stamp")).read().split())
if want != have:
    fail("the build's man pages %s are not this binary's %s" % (have, want))
expected_pages = ["modelcert"] + ["modelcert-" + "-".join(w) for w, _, _, _ in pages if w]
if sorted(expected_pages) != want:
    fail("pages %s, verbs and subcommands %s" % (want, sorted(expected_pages)))
strip = re.compile(r'^(\.TH .*|\.\\".*)$', re.M)
for name in have:
    page = os.path.join(MAN_DIR, name + ".1")
    a = strip.sub("", open(page).read())
    b = strip.sub("", open(os.path.join(fresh, name + ".1")).read())
    if a != b:
        fail("%s.1 is stale: not what gen_man.py makes from this binary's --help" % name)
    lint = subprocess.run(["mandoc", "-T", "lint", page], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    if lint.returncode != 0 or lint.stdout.strip():
        fail("mandoc -T lint %s.1:\n%s" % (name, lint.stdout.decode()))
for words, _, _, h in pages:
    if not words or h["options"] is None:
        continue
    name = "modelcert-" + "-".join(words)
    text = rendered(os.path.join(MAN_DIR, name + ".1"))
    m = re.search(r"^OPTIONS\n(.*?)(?=^[A-Z][A-Z ]+\n)", text, re.S | re.M)
    if not m:
        fail("%s(1) has no OPTIONS section" % name)
        continue
    shown = set(re.findall(r"(?<![\w-])(--[a-z0-9][a-z0-9-]*|-[A-Za-z0-9])\b", m.group(1)))
    for opt, (_, letter) in mc_help.option_table([BINARY], words).items():
        for n in [opt] + ([letter] if letter else []):
            if n not in shown:
                fail("%s(1) OPTIONS does not name %s" % (name, n))

print("%d pages, %d documented options run, %d failures" % (len(have), checked_options,
                                                           len(failures)))
subprocess.run(["rm", "-rf", work])
sys.exit(1 if failures else 0)
