// ONNX Runtime (npm onnxruntime-node) on every row of a CSV, compared with modelcert's output
// for the same rows. Two modes, one CSV reader:
//   export: a model `modelcert export` wrote, fed by its signature (onnx_check.py's JSON: the
//     inputs' types, the missing-value markers), against `modelcert predict MODEL.mcm`'s CSV:
//     every probability (or regression prediction) within TOL absolute; rows predict gave no
//     prediction for (dropna) must be NaN.
//   predict: any model (one thread), bound as `modelcert predict MODEL.onnx` binds it
//     (docs/onnx.md), against that command's CSV: every value of every output within TOL
//     absolute, NaN where NaN.
// usage: node onnx_ort.js export MODEL.onnx SIGNATURE.json DATA.csv PREDICT.csv [TOL]
//        node onnx_ort.js predict MODEL.onnx DATA.csv MODELCERT.csv TOL [COLUMNS]
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

async function vsExport(modelPath, sigPath, dataPath, predPath, tolArg) {
  const tol = tolArg ? Number(tolArg) : 1e-6;
  const sig = JSON.parse(fs.readFileSync(sigPath, 'utf8'));
  const data = parseCsv(fs.readFileSync(dataPath, 'utf8').replace(/^\uFEFF/, ''));
  const header = data[0], rows = data.slice(1), n = rows.length;
  const missing = new Set(sig.missing_values);
  const feeds = {};
  for (const inp of sig.inputs) {
    const c = header.indexOf(inp.name);
    if (c < 0) throw new Error(`${dataPath}: no column ${inp.name}`);
    if (inp.type === 'string') {
      feeds[inp.name] = new ort.Tensor('string', rows.map(r => r[c]), [n, 1]);
    } else {
      const v = new Float64Array(n);
      rows.forEach((r, i) => { v[i] = missing.has(r[c]) ? NaN : Number(r[c]); });
      feeds[inp.name] = new ort.Tensor(inp.type === 'double' ? 'float64' : 'float32',
                                       inp.type === 'double' ? v : Float32Array.from(v), [n, 1]);
    }
  }
  const session = await ort.InferenceSession.create(modelPath);
  const out = (await session.run(feeds))[sig.outputs[0]];
  const width = out.dims[1], y = out.data;
  // predict's CSV: row,prediction[,p_<class>...]; compare the probabilities, or the prediction
  const pred = parseCsv(fs.readFileSync(predPath, 'utf8'));
  const ph = pred[0], probCols = ph.map((h, i) => h.startsWith('p_') ? i : -1).filter(i => i >= 0);
  const cols = probCols.length ? probCols : [1];
  if (cols.length !== width) throw new Error(`predict has ${cols.length} values per row, ONNX ${width}`);
  const predicted = new Map(pred.slice(1).map(r => [Number(r[0]), r]));
  let maxDiff = 0, compared = 0, nanRows = 0, failures = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted.get(i + 1);
    for (let k = 0; k < width; k++) {
      const o = y[i * width + k];
      if (!p) {
        if (!Number.isNaN(o)) { if (failures++ < 5) console.log(`row ${i + 1}: predict gives none, ONNX ${o}`); }
        continue;
      }
      const d = Math.abs(o - Number(p[cols[k]]));
      if (!(d <= tol)) { if (failures++ < 5) console.log(`row ${i + 1} value ${k}: ONNX ${o}, predict ${p[cols[k]]}`); }
      if (d > maxDiff) maxDiff = d;
    }
    if (p) compared++; else nanRows++;
  }
  console.log(`onnxruntime ${ort.env.versions.node}: ${compared} rows equal predict within ${tol} ` +
              `(max |diff| ${maxDiff.toExponential(2)}), ${nanRows} rows NaN where predict drops them, ${failures} failures`);
  process.exit(failures ? 1 : 0);
}

async function vsPredict(modelPath, dataPath, mcPath, tolArg, columns) {
  const tol = Number(tolArg);
  const session = await ort.InferenceSession.create(modelPath,
    { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const data = parseCsv(fs.readFileSync(dataPath, 'utf8').replace(/^\uFEFF/, ''));
  const header = data[0], rows = data.slice(1), n = rows.length;
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

const [mode, ...args] = process.argv.slice(2);
const run = { export: vsExport, predict: vsPredict }[mode];
if (!run) {
  console.error('usage: node onnx_ort.js export|predict ...');
  process.exit(2);
}
run(...args).catch(e => { console.error(e.message || e); process.exit(1); });
