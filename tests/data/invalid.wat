;; invalid.wat: assembled with `wat2wasm --no-check` into a module that does not validate.
(module
  (func (export "f") (result i32) i64.const 1))
