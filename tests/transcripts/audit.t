The examples of docs/audit.md, as a transcript (cram; run by `make test`). Times, hashes and
the host vary from run to run: patterns stand for them.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples/seed" .

Two events, in a trail named with --audit:

  $ modelcert run -q --numerics reference --audit trail.db seed/modelcert.yaml -o r0
  r0
  $ modelcert validate -q --audit trail.db seed/modelcert.yaml -o r1
  verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)

Verifying, and keeping the head to check against later:

  $ modelcert audit verify --audit trail.db
  intact: 2 events, head [0-9a-f]{64} (re)
  $ head=$(modelcert audit verify --audit trail.db | sed 's/.* head //')
  $ modelcert audit verify --audit trail.db --head "$head"
  intact: 2 events, head [0-9a-f]{64} (re)
  $ modelcert audit verify --audit trail.db --head 0000000000000000000000000000000000000000000000000000000000000000
  BROKEN at event 3: the chain ends at *..., not at the expected head 0000000000000000...: events were removed from the end or the chain was rewritten (glob)
  [1]

Reading:

  $ modelcert audit log --audit trail.db
  1     \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  \S+ +run       completed model f9a261812678  \S*modelcert run -q --numerics reference --audit trail.db seed/modelcert.yaml -o r0 (re)
  2     \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  \S+ +validate  pass      model [0-9a-f]{12}  \S*modelcert validate -q --audit trail.db seed/modelcert.yaml -o r1 (re)
  $ modelcert audit log --audit trail.db --kind validate | wc -l
  1
  $ modelcert audit export --audit trail.db --format csv | head -1
  id,time,actor,host,tool_version,command,kind,spec_digest,data_digest,model_digest,verdict,details,prev_hash,hash

A signed checkpoint of the head (docs/audit.md, "Signed checkpoints"), checked later; it
appends no event:

  $ modelcert keygen -o ck > /dev/null
  $ modelcert audit checkpoint --audit trail.db --key ck.key -o cp.json
  checkpoint of event 2 \(head [0-9a-f]{64}, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\), trail /\S+/trail.db, signed at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z by key [0-9a-f]{16}\.\.\.: cp.json (re)
  $ modelcert audit verify --audit trail.db --checkpoint cp.json --key ck.pub
  checkpoint verified: event 2 \(head [0-9a-f]{64}, \S+\) of trail /\S+/trail.db, signed at \S+, is in the trail unchanged (re)
  intact: 2 events, head [0-9a-f]{64} (re)
  $ modelcert keygen -o other > /dev/null
  $ modelcert audit verify --audit trail.db --checkpoint cp.json --key other.pub
  FAILED: wrong key: checkpoint cp.json was signed by key *..., not by this key (*...) (glob)
  [1]
