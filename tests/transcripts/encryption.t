The examples of docs/encryption.md, as a transcript (cram; run by `make test`), with Debian's
age-keygen and age.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ head -c 100000 /dev/urandom > model.mcm
  $ age-keygen -o alice.key 2>/dev/null
  $ modelcert encrypt model.mcm -r "$(age-keygen -y alice.key)" -o model.mcm.age
  $ age -d -i alice.key model.mcm.age | cmp - model.mcm && echo same
  same
  $ modelcert decrypt model.mcm.age -i alice.key -o model.out -v && cmp model.out model.mcm && echo same
  audit: event 1 in .modelcert/audit.db
  same
  $ age-keygen -o bob.key 2>/dev/null
  $ modelcert decrypt model.mcm.age -i bob.key -o model.out -v
  modelcert: age: no identity matched any of the file's 1 recipient stanza(s)
  audit: event 2 in .modelcert/audit.db
  [1]
  $ modelcert audit log | awk '{ print $1, $4, $5 }'
  1 decrypt decrypted
  2 decrypt refused
