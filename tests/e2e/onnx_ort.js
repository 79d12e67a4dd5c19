// ONNX Runtime (npm onnxruntime-node) on every row of a CSV, compared with
// `modelcert predict`'s output for the same rows: every probability (or
// regression prediction) within TOL absolute; rows predict gave no prediction
// for (dropna) must be NaN.
// usage: node onnx_ort.js MODEL.onnx SIGNATURE.json DATA.csv PREDICT.csv [TOL]
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

async function main() {
  const [modelPath, sigPath, dataPath, predPath, tolArg] = process.argv.slice(2);
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
main().catch(e => { console.error(e.message || e); process.exit(1); });
