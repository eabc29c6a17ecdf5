;; memory.wat: a memory of 2 pages (at most 3) with bytes 1 2 3 4 at 0x1000, and accessors.
(module
  (memory (export "memory") 2 3)
  (data (i32.const 0x1000) "\01\02\03\04")
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (param $address i32) (result i32) (i32.load8_u (local.get $address)))
  (func (export "store") (param $address i32) (param $value i32)
    (i32.store8 (local.get $address) (local.get $value)))
  (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages))))
