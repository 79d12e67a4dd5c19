The examples of docs/encryption.md, as a transcript (cram; run by `make test`), with Debian's
age-keygen and age.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ head -c 100000 /dev/urandom > model.mcm
  $ age-keygen -o alice.key 2>/dev/null
  $ modelcert encrypt model.mcm -r "$(age-keygen -y alice.key)" -o model.mcm.age
  $ age -d -i alice.key model.mcm.age | cmp - model.mcm && echo same
  same
  $ modelcert decrypt model.mcm.age -i alice.key -o model.out && cmp model.out model.mcm && echo same
  same
  $ age-keygen -o bob.key 2>/dev/null
  $ modelcert decrypt model.mcm.age -i bob.key -o model.out
  modelcert: age: no identity matched any of the file's 1 recipient stanza(s)
  [1]
