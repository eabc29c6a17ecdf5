// ref_run.mjs: the reference side of differential execution: runs modules on V8 (node) and prints diff_run.c's text.
// usage: node ref_run.mjs FILE.wasm...   writes FILE.wasm.ref for each FILE
//        node ref_run.mjs --print FILE.wasm   prints the text on stdout
// The text is described in diff_run.c. V8 has no fuel: binaryen's -ttf modules bound their own
// loops and recursion (a "hang limit" global); the driver runs this under `timeout`.
import { readFileSync, writeFileSync } from 'node:fs';

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const u64buf = new BigUint64Array(f64buf.buffer);

function hex(big, digits) {
  return '0x' + big.toString(16).padStart(digits, '0');
}

function formatVal(type, v) {
  switch (type) {
    case 'i32': return `i32 ${v | 0}`;
    case 'i64': return `i64 ${BigInt.asIntN(64, BigInt(v))}`;
    case 'f32':
      if (Number.isNaN(v)) return 'f32 nan';
      f32buf[0] = v;
      return `f32 ${hex(BigInt(u32buf[0]), 8)}`;
    case 'f64':
      if (Number.isNaN(v)) return 'f64 nan';
      f64buf[0] = v;
      return `f64 ${hex(u64buf[0], 16)}`;
    case 'externref': return `externref ${v === null || v === undefined ? 'null' : 'ref'}`;
    case 'funcref': return `funcref ${v === null ? 'null' : 'ref'}`;
    default: return `${type} unknown`;
  }
}

// Value types of a function, from the binary (the JS API does not expose them without the
// type-reflection proposal): parse the type, import, function and export sections.
function readTypes(bytes) {
  let pos = 8;
  const u = () => {
    let result = 0, shift = 0, b;
    do {
      b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  };
  const names = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x6f: 'externref', 0x70: 'funcref' };
  const valtype = (b) => names[b];
  const types = [], funcs = [], globals = [], exports = new Map();
  const skipConstExpr = () => {
    for (;;) {
      const op = bytes[pos++];
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42) { while (bytes[pos++] & 0x80); }
      else if (op === 0x43) pos += 4;
      else if (op === 0x44) pos += 8;
      else if (op === 0x23 || op === 0xd2) u();
      else if (op === 0xd0) pos++;
    }
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u();
    const end = pos + size;
    if (id === 1) {
      for (let n = u(); n > 0; n--) {
        pos++; // 0x60
        const params = [], results = [];
        for (let k = u(); k > 0; k--) params.push(valtype(bytes[pos++]));
        for (let k = u(); k > 0; k--) results.push(valtype(bytes[pos++]));
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u(); n > 0; n--) {
        for (let k = 0; k < 2; k++) { // module and field names
          const len = u();
          pos += len;
        }
        const kind = bytes[pos++];
        if (kind === 0) funcs.push(types[u()]);
        else if (kind === 1) { pos++; const f = u(); u(); if (f & 1) u(); }
        else if (kind === 2) { const f = u(); u(); if (f & 1) u(); }
        else if (kind === 3) { globals.push(valtype(bytes[pos])); pos += 2; }
      }
    } else if (id === 3) {
      for (let n = u(); n > 0; n--) funcs.push(types[u()]);
    } else if (id === 6) {
      for (let n = u(); n > 0; n--) {
        globals.push(valtype(bytes[pos]));
        pos += 2;
        skipConstExpr();
      }
    } else if (id === 7) {
      for (let n = u(); n > 0; n--) {
        const len = u();
        const name = Buffer.from(bytes.subarray(pos, pos + len)).toString('utf8');
        pos += len;
        const kind = bytes[pos++];
        const index = u();
        if (kind === 0) exports.set(name, funcs[index]);
        if (kind === 3) exports.set(name, globals[index]);
      }
    }
    pos = end;
  }
  return exports;
}

function trapClass(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack';
  if (!(e instanceof WebAssembly.RuntimeError)) return `other ${e.constructor.name}: ${e.message}`;
  const m = e.message;
  if (/unreachable/.test(m)) return 'unreachable';
  if (/divide by zero|remainder by zero/.test(m)) return 'div0';
  if (/integer overflow|divide result unrepresentable/.test(m)) return 'overflow';
  // V8 says 'float unrepresentable in integer range' for NaN (invalid conversion) and out of range
  // (integer overflow) alike: diff_run.c prints both as overflow
  if (/float unrepresentable|unrepresentable in integer/.test(m)) return 'overflow';
  if (/memory access out of bounds|data segment/.test(m)) return 'memory';
  if (/table index is out of bounds|table access|invalid index into function table|element segment/.test(m)) {
    return 'table';
  }
  if (/null function|signature mismatch/.test(m)) return 'indirect';
  return `other ${m}`;
}

function zero(type) {
  if (type === 'i64') return 0n;
  if (type === 'externref' || type === 'funcref') return null;
  return 0;
}

function runModule(path) {
  const lines = [];
  const bytes = new Uint8Array(readFileSync(path));
  let module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    return 'invalid\n';
  }
  const types = readTypes(bytes);
  const imports = {};
  let linkable = true;
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') { linkable = false; continue; }
    const type = imp.name.startsWith('log-') ? imp.name.slice(4) : null;
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = (...args) => {
      for (const a of args) {
        const t = type ?? (typeof a === 'bigint' ? 'i64' : 'f64');
        lines.push('log ' + formatVal(t, a));
      }
    };
  }
  let instance;
  try {
    if (!linkable) throw new WebAssembly.LinkError('non-function import');
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    if (e instanceof WebAssembly.LinkError) lines.push('instantiate error');
    else lines.push('instantiate trap ' + trapClass(e));
    return lines.map((l) => l + '\n').join('');
  }
  const exportList = WebAssembly.Module.exports(module);
  for (const exp of exportList) {
    if (exp.kind !== 'function') continue;
    const type = types.get(exp.name);
    lines.push(`call ${exp.name}`);
    try {
      let r = instance.exports[exp.name](...type.params.map(zero));
      if (type.results.length === 1) r = [r];
      for (let i = 0; i < type.results.length; i++) lines.push('result ' + formatVal(type.results[i], r[i]));
    } catch (e) {
      lines.push('trap ' + trapClass(e));
    }
  }
  for (const exp of exportList) {
    const obj = instance.exports[exp.name];
    if (exp.kind === 'memory') {
      const data = new Uint8Array(obj.buffer);
      let hash = 0xcbf29ce484222325n;
      // FNV-1a 64 in two 32-bit halves (BigInt per byte would be slow on 16 pages and more)
      let hi = Number(hash >> 32n), lo = Number(hash & 0xffffffffn);
      for (let i = 0; i < data.length; i++) {
        lo = (lo ^ data[i]) >>> 0;
        // (hi:lo) * 0x100000001b3 = (hi:lo) * 0x1b3 + (lo << 40)
        const loMul = lo * 0x1b3;
        const newLo = loMul >>> 0;
        const carry = Math.floor(loMul / 0x100000000);
        const newHi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
        hi = newHi;
        lo = newLo;
      }
      hash = (BigInt(hi) << 32n) | BigInt(lo);
      lines.push(`memory ${data.length / 65536} ${hash.toString(16).padStart(16, '0')}`);
    } else if (exp.kind === 'global') {
      const t = types.get(exp.name);
      lines.push(`global ${exp.name} ${formatVal(t, obj.value)}`);
    }
  }
  return lines.map((l) => l + '\n').join('');
}

const args = process.argv.slice(2);
if (args[0] === '--print') {
  process.stdout.write(runModule(args[1]));
} else {
  for (const path of args) writeFileSync(path + '.ref', runModule(path));
}
