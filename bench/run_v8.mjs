// run_v8.mjs: runs a bench kernel under V8: node bench/run_v8.mjs bench_<name>.wasm
// Instantiates the module with no imports, calls its exported run() and prints the i32 result, the same
// line as the native binary and `wasmhost invoke <file> run` print.
import { readFileSync } from 'node:fs';

if (process.argv.length !== 3) {
  console.error('usage: node run_v8.mjs MODULE.wasm');
  process.exit(2);
}
const bytes = readFileSync(process.argv[2]);
const { instance } = await WebAssembly.instantiate(bytes, {});
console.log(String(instance.exports.run()));
