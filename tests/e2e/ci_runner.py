#!/usr/bin/python3
"""Runs the modelcert GitHub Action (action.yml) and GitLab CI template as their runners
would, for tests/e2e/ci_action.sh and ci_gitlab.sh; prints what came out as JSON.

  ci_runner.py github ACTION_YML WORKDIR [name=value ...]
      Parses the composite action with python3-yaml. Inputs: the defaults, then the given
      values, also exported as INPUT_<NAME> variables. Each step runs in WORKDIR with its
      `shell:` as GitHub invokes it (bash: `bash --noprofile --norc -eo pipefail FILE`), its
      `env:`, and `${{ inputs.x }}`, `${{ steps.id.outputs.y }}`, `${{ github.* }}` and
      `${{ runner.temp }}` substituted in `run:` and `env:` as the runner does (any other
      expression is an error here, so the action cannot use one this runner does not know).
      Each step gets fresh GITHUB_OUTPUT and GITHUB_ENV files (read back after it: `k=v` and
      `k<<DELIM` forms; GITHUB_ENV applies to the later steps), one GITHUB_STEP_SUMMARY for
      the job. A step that fails stops the action (no step here has an `if:`).
      Prints {"status", "outputs" (the action's, evaluated from its `outputs:`), "env",
      "summary" (the job summary's path), "steps"}.

  ci_runner.py gitlab TEMPLATE_YML JOB WORKDIR [NAME=value ...]
      Resolves the job's `extends:` (hashes merged key by key, other values replaced, as
      GitLab does), sets CI_* variables, the job's `variables:` overridden by the given ones
      (each expanded with the ones before it, as GitLab expands `$VAR`), and runs
      before_script and script lines in one bash with `set -eo pipefail` in WORKDIR, as
      GitLab Runner's bash shell does. Prints {"status", "dotenv" (the artifacts:reports:dotenv
      file's variables), "artifacts" (paths and reports with variables expanded)}.

  ci_runner.py check RESULT_JSON WORKDIR EXPRESSION
      For the tests' checks: exits 0 when the Python EXPRESSION is true over r (the JSON a
      run above printed), ws (WORKDIR), path(p) (p under ws), exists(p), file(p) (its text)
      and verdict(run_dir) (its validation.json's verdict); else prints r and exits 1.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$")


def fail(msg):
    sys.stderr.write("ci_runner: %s\n" % msg)
    sys.exit(99)


def evaluate(text, ctx):
    """GitHub's ${{ }} substitution for context lookups (a.b.c); a missing property is ''."""
    def one(m):
        expr = m.group(1)
        if not PATH.match(expr):
            fail("expression not supported by this runner: ${{ %s }}" % expr)
        parts = expr.split(".")
        if parts[0] not in ctx:
            fail("unknown context in ${{ %s }}" % expr)
        v = ctx
        for part in parts:
            v = v.get(part, "") if isinstance(v, dict) else ""
        if isinstance(v, dict):
            fail("${{ %s }} is an object" % expr)
        return str(v)
    return EXPR.sub(one, text) if isinstance(text, str) else str(text)


def read_kv(path):
    """A GITHUB_OUTPUT / GITHUB_ENV file: name=value lines and name<<DELIM ... DELIM blocks."""
    out, lines, i = {}, open(path, encoding="utf-8").read().split("\n"), 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value = []
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            if i == len(lines):
                fail("%s: %s<<%s never closed" % (path, name, delim))
            i += 1
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        else:
            fail("%s: malformed line %r" % (path, line))
    return out


SHELLS = {"bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"],
          "sh": ["sh", "-e", "{0}"]}


def github(action_path, workdir, given):
    action = yaml.safe_load(open(action_path, encoding="utf-8"))
    if action.get("runs", {}).get("using") != "composite":
        fail("not a composite action")
    declared = action.get("inputs", {}) or {}
    inputs = {}
    for name, spec in declared.items():
        inputs[name] = str(spec.get("default", "")) if spec else ""
    for kv in given:
        name, value = kv.split("=", 1)
        if name not in declared:
            fail("input %r is not declared by the action" % name)
        inputs[name] = value
    temp = tempfile.mkdtemp(prefix="runner-temp.")
    summary = os.path.join(temp, "step_summary.md")
    open(summary, "w").close()
    base = dict(os.environ)
    base.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workdir,
                 "GITHUB_RUN_ID": "4242", "GITHUB_RUN_ATTEMPT": "1", "RUNNER_TEMP": temp,
                 "GITHUB_ACTION_PATH": os.path.dirname(os.path.abspath(action_path)),
                 "GITHUB_STEP_SUMMARY": summary})
    for name, value in inputs.items():
        base["INPUT_" + name.replace(" ", "_").upper()] = value
    ctx = {"inputs": inputs, "steps": {},
           "github": {"action_path": base["GITHUB_ACTION_PATH"], "workspace": workdir,
                      "run_id": "4242", "run_attempt": "1"},
           "runner": {"temp": temp}}
    job_env, status, ran = {}, 0, []
    for n, step in enumerate(action["runs"]["steps"]):
        if "if" in step or "uses" in step:
            fail("step %d: `if:` and `uses:` are not supported by this runner" % n)
        shell = step.get("shell")
        if shell not in SHELLS:
            fail("step %d: shell %r (a composite run step must name bash or sh)" % (n, shell))
        env = dict(base)
        env.update(job_env)
        out_file = os.path.join(temp, "output_%d" % n)
        env_file = os.path.join(temp, "env_%d" % n)
        open(out_file, "w").close()
        open(env_file, "w").close()
        env.update({"GITHUB_OUTPUT": out_file, "GITHUB_ENV": env_file})
        for k, v in (step.get("env") or {}).items():
            env[k] = evaluate(v, ctx)
        script = os.path.join(temp, "step_%d.sh" % n)
        with open(script, "w", encoding="utf-8") as f:
            f.write(evaluate(step["run"], ctx))
        argv = [a.replace("{0}", script) for a in SHELLS[shell]]
        status = subprocess.run(argv, cwd=workdir, env=env, stdout=sys.stderr).returncode
        outputs = read_kv(out_file)
        job_env.update(read_kv(env_file))
        sid = step.get("id", "__step_%d" % n)
        ctx["steps"][sid] = {"outputs": outputs,
                             "outcome": "success" if status == 0 else "failure"}
        ran.append({"id": sid, "status": status})
        if status != 0:
            break
    outputs = {k: evaluate(v.get("value", ""), ctx)
               for k, v in (action.get("outputs") or {}).items()}
    return {"status": status, "outputs": outputs, "env": job_env, "summary": summary,
            "steps": ran}


def merge(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def resolve(doc, name, depth=0):
    if depth > 10 or name not in doc:
        fail("job %r not found (or extends too deep)" % name)
    job = doc[name]
    parents = job.get("extends", [])
    parents = [parents] if isinstance(parents, str) else parents
    out = {}
    for p in parents:
        out = merge(out, resolve(doc, p, depth + 1))
    out = merge(out, {k: v for k, v in job.items() if k != "extends"})
    return out


def expand(value, env):
    return re.sub(r"\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))",
                  lambda m: env.get(m.group(2) or m.group(3), ""), str(value))


def gitlab(template, job_name, workdir, given):
    job = resolve(yaml.safe_load(open(template, encoding="utf-8")), job_name)
    env = dict(os.environ)
    env.update({"CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": workdir,
                "CI_PIPELINE_ID": "777", "CI_JOB_ID": "4711", "CI_JOB_NAME": job_name})
    variables = dict(job.get("variables") or {})
    for kv in given:
        name, value = kv.split("=", 1)
        variables[name] = value
    for k, v in variables.items():
        env[k] = expand(v, env)

    def lines(key):
        v = job.get(key) or []
        return [v] if isinstance(v, str) else v

    body = "set -eo pipefail\n" + "\n".join(lines("before_script") + lines("script")) + "\n"
    fd, script = tempfile.mkstemp(prefix="gitlab-job.", suffix=".sh")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(body)
    status = subprocess.run(["bash", "--noprofile", "--norc", script], cwd=workdir,
                            env=env, stdout=sys.stderr).returncode
    os.unlink(script)
    art = job.get("artifacts") or {}
    reports = {k: expand(v, env) for k, v in (art.get("reports") or {}).items()}
    dotenv = {}
    if "dotenv" in reports and os.path.exists(os.path.join(workdir, reports["dotenv"])):
        dotenv = read_kv(os.path.join(workdir, reports["dotenv"]))
    return {"status": status, "dotenv": dotenv,
            "artifacts": {"when": art.get("when"),
                          "paths": [expand(p, env) for p in art.get("paths") or []],
                          "reports": reports}}


def check(result, ws, expression):
    r = json.load(open(result, encoding="utf-8"))

    def path(p):
        return p if os.path.isabs(p) else os.path.join(ws, p)

    def exists(p):
        return bool(p) and os.path.isfile(path(p))

    def file(p):
        return open(path(p), encoding="utf-8").read()

    def verdict(run_dir):
        return json.load(open(path(run_dir + "/validation.json"), encoding="utf-8"))["verdict"]

    names = {"r": r, "ws": ws, "path": path, "exists": exists, "file": file,
             "verdict": verdict, "json": json, "os": os}
    if eval(expression, names):
        sys.exit(0)
    print("  the runner said:", json.dumps(r, sort_keys=True)[:1500])
    sys.exit(1)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    if len(sys.argv) >= 4 and sys.argv[1] == "github":
        res = github(sys.argv[2], os.path.abspath(sys.argv[3]), sys.argv[4:])
    elif len(sys.argv) >= 5 and sys.argv[1] == "gitlab":
        res = gitlab(sys.argv[2], sys.argv[3], os.path.abspath(sys.argv[4]), sys.argv[5:])
    else:
        fail("usage: ci_runner.py github ACTION_YML WORKDIR [input=value ...] | "
             "gitlab TEMPLATE JOB WORKDIR [VAR=value ...]")
    json.dump(res, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
