The model artifact's byte layout as docs/formats.md shows it (cram; run by `make test`),
for the seed example's reference model, whose bytes are the same on every machine.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples/seed" .
  $ modelcert run -q --numerics reference --audit trail.db seed/modelcert.yaml -o run
  run
  $ python3 -c 'import sys; b = open(sys.argv[1], "rb").read(48); [print("%08x: %s" % (o, " ".join(b[o + i:o + i + 2].hex() for i in range(0, 16, 2)))) for o in (0, 16, 32)]' run/model.mcm
  00000000: 4d43 4d4f 4445 4c00 0100 0000 0000 0000
  00000010: 3d0c 0000 0000 0000 7b22 6172 6368 6974
  00000020: 6563 7475 7265 223a 7b22 696e 7075 7422
  $ python3 -c 'import struct, sys; b = open(sys.argv[1], "rb").read(); h = struct.unpack("<Q", b[16:24])[0]; p = (64 - (24 + h) % 64) % 64; print("header", h, "padding", p, "parameters at", 24 + h + p, "count", (len(b) - 24 - h - p - 32) // 4, "size", len(b))' run/model.mcm
  header 3133 padding 43 parameters at 3200 count 9985 size 43172

The run.json example (the multiclass example, reference numerics): its deterministic fields.

  $ cp -R "$SRC/examples/multiclass" .
  $ modelcert run -q --numerics reference --audit trail.db multiclass/modelcert.yaml -o mrun
  mrun
  $ python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["model"]["digest"], r["model"]["parameters"], r["numerics"], r["seed"]); print(json.dumps(r["split"], sort_keys=True)); print(json.dumps(r["training"], sort_keys=True)); print(r["data"]["rows"], r["data"]["columns"], r["spec"]["digest"])' mrun/run.json
  8a66872461b1def027c82bb84570e6f72721d6653c2c707a1e20bfe5ed9aff77 419 reference 3
  {"test": 300, "training": 1050, "validation": 150}
  {"best_epoch": 30, "epochs_run": 38, "steps": 1254, "stopped_early": true}
  1500 7 e2dd2909cba15b9dc9e885b1e8b24893dc6e610da23eeaf113f52f2f448669b7
