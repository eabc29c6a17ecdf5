// gen_arith.mjs: writes a random but valid WAT module of numeric corner cases (div, rem, trunc, shifts, NaNs, ...).
// usage: node gen_arith.mjs SEED [FUNCS]   prints the module on stdout (wat2wasm makes it binary)
// Every exported function computes a random expression tree over edge values (as constants and
// as locals, so that both constant and register forms run) and logs it through the imports of
// binaryen's -ttf modules ("fuzzing-support" "log-TYPE"), which diff_run.c and ref_run.mjs
// provide; a trap (division by zero, invalid conversion) ends only that call. NaN bits are
// nondeterministic after arithmetic, so reinterpretations and copysign's sign operand only take
// leaves (constants, locals), whose bits are exact.

let state = BigInt(process.argv[2] ?? 1) & 0xffffffffffffffffn;
function next() {
  state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return z ^ (z >> 31n);
}
const rand = (n) => Number(next() % BigInt(n));
const pick = (list) => list[rand(list.length)];

const edges = {
  i32: ['0', '1', '-1', '2', '-2', '3', '7', '31', '32', '33', '0x7fffffff', '0x80000000', '0x80000001', '0xffff',
    '0x8000', '0xff', '0x80', '-0x80', '0x10000', '1000000007'],
  i64: ['0', '1', '-1', '2', '-2', '63', '64', '65', '0x7fffffffffffffff', '0x8000000000000000',
    '0x8000000000000001', '0xffffffff', '0x80000000', '0x7fffffff', '0x100000000', '-0x80000000', '0xff', '0x8000'],
  f32: ['0', '-0', '1', '-1', '0.5', '-0.5', '1.5', '2.5', '-2.5', '3.5', 'inf', '-inf', 'nan', '-nan',
    'nan:0x200000', 'nan:0x1', '-nan:0x7fffff', '0x1p-149', '0x1p-126', '0x1.fffffep+127', '2147483648',
    '-2147483648', '2147483520', '-2147483904', '4294967296', '4294967040', '9.223372e18', '-9.223372e18',
    '0x1.fffffep+22', '8388609', '-0.9', '0.49999997', '1e10'],
  f64: ['0', '-0', '1', '-1', '0.5', '-0.5', '1.5', '2.5', '-2.5', '3.5', 'inf', '-inf', 'nan', '-nan',
    'nan:0x8000000000000', 'nan:0x1', '-nan:0xfffffffffffff', '0x1p-1074', '0x1p-1022', '0x1.fffffffffffffp+1023',
    '2147483647', '2147483647.9', '2147483648', '-2147483648', '-2147483648.9', '-2147483649', '4294967295.9',
    '4294967296', '9223372036854775808', '-9223372036854775808', '9223372036854774784', '-9223372036854777856',
    '18446744073709551616', '18446744073709549568', '0x1.fffffffffffffp+51', '4503599627370497', '-0.9',
    '0.49999999999999994', '1e300'],
};

// [result type, name, operand types]
const ops = [];
const add = (result, prefix, names, args) =>
  names.split(' ').forEach((n) => ops.push([result, `${prefix}.${n}`, args]));
for (const t of ['i32', 'i64']) {
  add(t, t, 'add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr', [t, t]);
  add(t, t, 'clz ctz popcnt extend8_s extend16_s', [t]);
  add('i32', t, 'eqz', [t]);
  add('i32', t, 'eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u', [t, t]);
  for (const f of ['f32', 'f64']) {
    add(t, t, `trunc_${f}_s trunc_${f}_u trunc_sat_${f}_s trunc_sat_${f}_u`, [f]);
    add(f, f, `convert_${t}_s convert_${t}_u`, [t]);
  }
}
add('i64', 'i64', 'extend32_s', ['i64']);
add('i64', 'i64', 'extend_i32_s extend_i32_u', ['i32']);
add('i32', 'i32', 'wrap_i64', ['i64']);
for (const f of ['f32', 'f64']) {
  add(f, f, 'add sub mul div min max', [f, f]);
  add(f, f, 'abs neg ceil floor trunc nearest sqrt', [f]);
  add('i32', f, 'eq ne lt gt le ge', [f, f]);
}
add('f32', 'f32', 'demote_f64', ['f64']);
add('f64', 'f64', 'promote_f32', ['f32']);
const leafOnly = [['i32', 'i32.reinterpret_f32', ['f32']], ['i64', 'i64.reinterpret_f64', ['f64']],
  ['f32', 'f32.reinterpret_i32', ['i32']], ['f64', 'f64.reinterpret_i64', ['i64']],
  ['f32', 'f32.copysign', ['f32', 'f32']], ['f64', 'f64.copysign', ['f64', 'f64']]];

const types = ['i32', 'i64', 'f32', 'f64'];
const LOCALS = 3;

function leaf(t) {
  if (rand(2)) return `(local.get $${t}_${rand(LOCALS)})`;
  return `(${t}.const ${rand(5) ? pick(edges[t]) : randomValue(t)})`;
}

function randomValue(t) {
  if (t === 'i32') return String(Number(next() & 0xffffffffn) | 0);
  if (t === 'i64') return String(BigInt.asIntN(64, next()));
  const v = (Number(next() % 2000001n) - 1000000) / (1 + rand(1000));
  return Object.is(v, -0) ? '-0' : String(v);
}

function expr(t, depth) {
  if (depth === 0 || rand(4) === 0) return leaf(t);
  if (rand(12) === 0) {
    const cands = leafOnly.filter((o) => o[0] === t);
    if (cands.length) {
      const [, name, args] = pick(cands);
      if (name.endsWith('copysign')) return `(${name} ${expr(t, depth - 1)} ${leaf(args[1])})`;
      return `(${name} ${leaf(args[0])})`;
    }
  }
  if (rand(16) === 0) return `(select ${expr(t, depth - 1)} ${expr(t, depth - 1)} ${expr('i32', depth - 1)})`;
  const [, name, args] = pick(ops.filter((o) => o[0] === t));
  return `(${name} ${args.map((a) => expr(a, depth - 1)).join(' ')})`;
}

const funcs = Number(process.argv[3] ?? 40);
const out = ['(module'];
for (const t of types) out.push(`  (import "fuzzing-support" "log-${t}" (func $log_${t} (param ${t})))`);
for (let f = 0; f < funcs; f++) {
  const t = pick(types);
  out.push(`  (func (export "f${f}") (result ${t})`);
  for (const lt of types) for (let l = 0; l < LOCALS; l++) out.push(`    (local $${lt}_${l} ${lt})`);
  for (const lt of types) for (let l = 0; l < LOCALS; l++) {
    out.push(`    (local.set $${lt}_${l} (${lt}.const ${rand(4) ? pick(edges[lt]) : randomValue(lt)}))`);
  }
  const logged = pick(types);
  out.push(`    (call $log_${logged} ${expr(logged, 1 + rand(4))})`);
  out.push(`    ${expr(t, 1 + rand(4))})`);
}
out.push(')');
console.log(out.join('\n'));
