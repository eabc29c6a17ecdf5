;; instance_pre.wat: a module with two host imports, for instance_pre.c (linking once, instantiating many times).
(module $linked_once
  (import "host" "count" (func $count (param i32)))
  (import "host" "scale" (func $scale (param i32) (result i32)))
  (memory (export "memory") 1)
  ;; count(x), then scale(x): what each instance's host functions do depends on their envs.
  (func (export "run") (param i32) (result i32)
    (call $count (local.get 0))
    (call $scale (local.get 0))))
