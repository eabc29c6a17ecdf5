;; artifact.wat: a module to compile, write as an artifact, damage and cache (artifact_test.c, the CLI checks).
(module
  (memory 1)
  (data (i32.const 16) "wasmhost")
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "checksum") (result i32) (local $i i32) (local $sum i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (i32.const 8)))
      (local.set $sum (i32.add (i32.mul (local.get $sum) (i32.const 31))
                               (i32.load8_u offset=16 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0)))
    (local.get $sum))
)
