#!/usr/bin/env bash
# The bash completion the build generates (packaging/gen_completion.py), in a bash with Debian's
# bash-completion loaded (issue 28). Expected words come from the binary, not from the script:
#   - `complete -p modelcert` names the function;
#   - every verb `modelcert --help` lists completes from its prefix; the subcommands of privacy
#     and audit complete after them;
#   - after `--`, every long option of each verb's table (`modelcert --options VERB`) is offered;
#   - option values: init --template offers exactly `init --list`'s templates; every value
#     offered for --format, --curve, --numerics, --template is accepted by the verb (it is not
#     refused the way an unknown value is); --output offers directories and files.
#
# usage: completion.sh BINARY COMPLETION_FILE
set -u
MC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
COMP=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
fail() { echo "FAIL: $*"; failed=1; }
failed=0
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "FAIL: $bc is missing: install bash-completion (make test-deps)"; exit 1; }
[ -r "$COMP" ] || { echo "FAIL: no completion file $COMP"; exit 1; }
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir -p some-dir && touch some-file

# complete WORDS...: what Tab offers after the last word (empty for a space), one a line.
cat >"$work/complete.bash" <<'EOF'
source /usr/share/bash-completion/bash_completion
source "$COMP"
fn=$(complete -p modelcert 2>/dev/null | sed -n 's/.*-F \([^ ]*\) modelcert$/\1/p')
[ -n "$fn" ] || { echo "NOT-REGISTERED"; exit 1; }
COMP_WORDS=(modelcert "$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$fn" modelcert "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"
EOF
complete() { COMP="$COMP" PATH="$(dirname "$MC"):$PATH" bash "$work/complete.bash" "$@" | sort -u; }
has() { # WORD LIST...: WORD is in the completion of LIST
    local w=$1; shift
    complete "$@" | grep -qxF -- "$w"
}

[ "$(complete "")" != NOT-REGISTERED ] || { echo "FAIL: complete -p modelcert: not registered"; exit 1; }
verbs=$("$MC" --help | awk '/^verbs:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ "$(echo "$verbs" | wc -w)" -ge 10 ] || fail "modelcert --help lists too few verbs: $verbs"
n=0
for v in $verbs; do
    has "$v" "${v:0:2}" || fail "modelcert ${v:0:2}<Tab> does not offer $v"
    n=$((n + 1))
done
for s in scan epsilon; do has "$s" privacy "" || fail "modelcert privacy <Tab>: no $s"; done
for s in verify log show export init migrate checkpoint; do
    has "$s" audit "" || fail "modelcert audit <Tab>: no $s"
done
# every option of every table (subcommand verbs through their subcommands)
for words in $verbs "privacy scan" "privacy epsilon" "audit checkpoint"; do
    # shellcheck disable=SC2086
    table=$("$MC" --options $words 2>/dev/null) || continue
    offered=$(complete $words --)
    if [ -z "$offered" ]; then # a verb of subcommands sharing one table (audit): the first
        for sub in $(complete $words ""); do # a subcommand parsing with this table
            [ "$("$MC" --options $words "$sub" 2>/dev/null)" = "$table" ] && break
        done
        offered=$(complete $words "$sub" --)
    fi
    while IFS=$'\t' read -r name arg _; do
        form=$name
        [ "$arg" = required ] && form="$name="
        grep -qxF -- "$form" <<<"$offered" || fail "modelcert $words --<Tab> does not offer $form"
        n=$((n + 1))
    done <<<"$table"
done
# option values
templates=$("$MC" init --list | awk '{print $1}' | sort)
[ -n "$templates" ] || fail "init --list printed no template"
[ "$(complete init --template "")" = "$templates" ] ||
    fail "init --template <Tab>: $(complete init --template "" | tr '\n' ' ')(init --list: $(echo $templates))"
has markdown report --format "" || fail "report --format <Tab>: no markdown"
has markdown report --format=m || fail "report --format=m<Tab>: no markdown"
has reference run --numerics "" || fail "run --numerics <Tab>: no reference"
has some-dir run --output "" || fail "run --output <Tab>: no directory"
has some-file validate --baseline "" || fail "validate --baseline <Tab>: no file"
accepted() { # VALUE, ARGS with @ for the value: the verb does not refuse VALUE as unknown
    local value=$1 bogus unknown got; shift
    bogus=$("$MC" "${@//@/zz-no-such-value}" </dev/null 2>&1 >/dev/null)
    unknown=${bogus//zz-no-such-value/$value}
    got=$("$MC" "${@//@/$value}" </dev/null 2>&1 >/dev/null)
    [ "$got" != "$unknown" ] && ! grep -qF -- "'$value'" <<<"$got"
}
checked=0
for spec in "report --format @ none.json" "export --format @ no-run" "keygen --curve @ --force -o key" \
    "run --numerics @ none.yaml" "audit export --format @" "init --template @ tpl-dir"; do
    read -r -a args <<<"$spec"
    words=("${args[@]}")
    prefix=()
    for a in "${words[@]}"; do [ "$a" = @ ] && break; prefix+=("$a"); done
    values=$(complete "${prefix[@]}" "")
    [ -n "$values" ] || { fail "modelcert ${prefix[*]} <Tab>: no value"; continue; }
    for value in $values; do
        accepted "$value" "${args[@]}" || fail "modelcert ${spec//@/$value}: the value is refused"
        checked=$((checked + 1))
        rm -rf tpl-dir
    done
done
[ "$checked" -ge 15 ] || fail "only $checked values checked"
echo "completion: $n verbs and options, $checked values accepted by the binary"
[ "$failed" = 0 ] && echo "completion: passed"
exit "$failed"
