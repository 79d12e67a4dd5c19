// ONNX Runtime (npm onnxruntime-node), inference only, one thread: the first F columns of a
// CSV (a missing cell NaN) as the model's one [N, F] float input, in chunks of CHUNK rows
// (0: the whole table in one run), REPEATS times; prints the best and median seconds of a
// pass over all rows, wall clock and CPU time (the process's, as bench_onnx measures its own:
// it also counts node's own helper threads, if they run during a pass), and a checksum of the
// outputs, as bench_onnx does.
// usage: node ort_infer.js MODEL.onnx DATA.csv F CHUNK REPEATS
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, data, fArg, chunkArg, repArg] = process.argv.slice(2);
  const f = Number(fArg), reps = Number(repArg);
  const lines = fs.readFileSync(data, 'utf8').split('\n').slice(1).filter(l => l !== '');
  const n = lines.length, chunk = Number(chunkArg) || n;
  const x = new Float32Array(n * f);
  lines.forEach((l, i) => {
    const c = l.split(',');
    for (let j = 0; j < f; j++) x[i * f + j] = c[j] === '' ? NaN : Number(c[j]);
  });
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1,
    executionMode: 'sequential' });
  const secs = [], cpu = [];
  let sum = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    sum = 0;
    for (let r0 = 0; r0 < n; r0 += chunk) {
      const rows = Math.min(chunk, n - r0);
      const out = await s.run({ x: new ort.Tensor('float32', x.subarray(r0 * f, (r0 + rows) * f), [rows, f]) });
      for (const v of out.y.data) if (!Number.isNaN(v)) sum += v;
    }
    secs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  secs.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(`onnxruntime ${ort.env.versions.node}: ${n} rows, chunks of ${chunk}: best ` +
              `${secs[0].toFixed(4)} s, median ${secs[reps >> 1].toFixed(4)} s, cpu best ` +
              `${cpu[0].toFixed(4)} s, cpu median ${cpu[reps >> 1].toFixed(4)} s, checksum ${sum.toFixed(6)}`);
}
main().catch(e => { console.error(e.message || e); process.exit(1); });
