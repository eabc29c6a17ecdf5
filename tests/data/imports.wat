;; imports.wat: a module that needs imports, which `wasmhost invoke` cannot provide.
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "memory" (memory 1))
  (func (export "run") i32.const 1 call $log))
