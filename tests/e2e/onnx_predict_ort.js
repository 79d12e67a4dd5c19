// ONNX Runtime (npm onnxruntime-node, one thread) on every row of a CSV, bound as
// `modelcert predict MODEL.onnx` binds it (docs/onnx.md), compared with modelcert's output
// for the same rows: every value of every output within TOL absolute, NaN where NaN.
// usage: node onnx_predict_ort.js MODEL.onnx DATA.csv MODELCERT.csv TOL [COLUMNS]
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

// RFC 4180, as modelcert reads it (quotes, doubled quotes, CRLF; blank lines skipped).
function parseCsv(text) {
  const rows = []; let row = [], field = '', i = 0, quoted = false, any = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; any = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; any = true; i++; continue; }
    if (c === '\r' || c === '\n') {
      if (any || field !== '') { row.push(field); rows.push(row); }
      row = []; field = ''; any = false; i += (c === '\r' && text[i + 1] === '\n') ? 2 : 1; continue;
    }
    field += c; any = true; i++;
  }
  if (any || field !== '') { row.push(field); rows.push(row); }
  return rows;
}

const num = s => (s === 'nan' || s === '-nan') ? NaN : s === 'inf' ? Infinity
  : s === '-inf' ? -Infinity : Number(s);

async function main() {
  const [modelPath, dataPath, mcPath, tolArg, columns] = process.argv.slice(2);
  const tol = Number(tolArg);
  const session = await ort.InferenceSession.create(modelPath,
    { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const data = parseCsv(fs.readFileSync(dataPath, 'utf8').replace(/^\uFEFF/, ''));
  const header = data[0], rows = data.slice(1), n = rows.length;
  const meta = {}; // modelcert's export lists its missing-value markers; pandas' otherwise
  const missing = new Set(['', 'NA', 'NaN', 'null']);
  const isNum = s => missing.has(s) || (s.trim() !== '' && Number.isFinite(Number(s)));
  const feeds = {};
  const byName = !columns && session.inputNames.every(k => header.includes(k));
  if (byName) {
    for (const k of session.inputNames) {
      const c = header.indexOf(k);
      const f64 = Float64Array.from(rows, r => missing.has(r[c]) ? NaN : Number(r[c]));
      // the input's type is not exposed by onnxruntime-node 1.20: try string, double, float
      feeds[k] = { s: rows.map(r => r[c]), d: f64 };
    }
  } else {
    const cols = columns ? columns.split(',').map(k => header.indexOf(k))
      : header.map((h, i) => i).filter(i => rows.every(r => isNum(r[i])));
    const v = new Float32Array(n * cols.length);
    rows.forEach((r, i) => cols.forEach((c, j) => {
      v[i * cols.length + j] = missing.has(r[c]) ? NaN : Number(r[c]);
    }));
    feeds[session.inputNames[0]] = new ort.Tensor('float32', v, [n, cols.length]);
  }
  let out = null;
  if (byName) { // each feed's type: the first that the session accepts
    const keys = Object.keys(feeds), kinds = ['d', 'f', 's'];
    const tensor = (k, kind) => kind === 's' ? new ort.Tensor('string', feeds[k].s, [n, 1])
      : kind === 'd' ? new ort.Tensor('float64', feeds[k].d, [n, 1])
      : new ort.Tensor('float32', Float32Array.from(feeds[k].d), [n, 1]);
    for (const kind of kinds) {
      try { out = await session.run(Object.fromEntries(keys.map(k => [k, tensor(k, kind)]))); break; }
      catch (e) { if (kind === 's') { // mixed kinds: per input, string for text columns
        const f = {};
        for (const k of keys) f[k] = feeds[k].s.every(isNum) ? tensor(k, 'd') : tensor(k, 's');
        out = await session.run(f);
      } }
    }
  } else {
    out = await session.run(feeds);
  }
  const mc = parseCsv(fs.readFileSync(mcPath, 'utf8'));
  const mh = mc[0], mrows = mc.slice(1);
  if (mrows.length !== n) throw new Error(`modelcert gave ${mrows.length} rows, the data has ${n}`);
  let maxDiff = 0, values = 0, failures = 0;
  for (const name of session.outputNames) {
    const o = out[name], w = o.data.length / n;
    for (let j = 0; j < w; j++) {
      const col = mh.indexOf(w === 1 ? name : `${name}_${j}`);
      if (col < 0) throw new Error(`modelcert's output has no column for ${name}[${j}]`);
      for (let i = 0; i < n; i++) {
        const a = Number(o.data[i * w + j]), b = num(mrows[i][col]);
        const same = (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= tol;
        if (!same && failures++ < 5) console.log(`row ${i + 1} ${name}[${j}]: ORT ${a}, modelcert ${b}`);
        if (Number.isFinite(a) && Number.isFinite(b)) maxDiff = Math.max(maxDiff, Math.abs(a - b));
        values++;
      }
    }
  }
  console.log(`onnxruntime ${ort.env.versions.node}: ${n} rows, ${values} values equal modelcert's ` +
              `within ${tol} (max |diff| ${maxDiff.toExponential(2)}), ${failures} failures`);
  process.exit(failures ? 1 : 0);
}
main().catch(e => { console.error(e.message || e); process.exit(1); });
