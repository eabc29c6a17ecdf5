;; pool.wat: one page of memory that can grow, for bounded instances (pool.c).
(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "pages") (result i32) (memory.size)))
