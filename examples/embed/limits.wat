;; limits.wat: a memory and a table with maxima, unbounded recursion, and loops to meter and stop.
(module
  (memory (export "memory") 1 4)
  (table (export "table") 1 2 funcref)
  (func $recurse (export "recurse") (param i32) (result i32)
    (call $recurse (i32.add (local.get 0) (i32.const 1))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  ;; Counts down from its argument: work proportional to it.
  (func (export "count") (param i32) (result i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $again)))
    (local.get 0))
  ;; Never returns: only fuel, a deadline or an interrupt ends it.
  (func (export "spin")
    (loop $forever (br $forever))))
