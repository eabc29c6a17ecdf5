;; limits.wat: a memory with a maximum, a table with a maximum, and unbounded recursion.
(module
  (memory (export "memory") 1 4)
  (table (export "table") 1 2 funcref)
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
