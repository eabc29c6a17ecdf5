;; memory_grow.wat: grows memory one page at a time until refused, then traps (as a program whose
;; allocator failed would abort).
(module
  (memory 1)
  (func (export "grow_forever") (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable)
  ;; Grows until refused and returns the page count reached.
  (func (export "grow_until_refused") (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.size))
  (func (export "pages") (result i32) (memory.size))
  ;; Grows to the cap, writes every byte, then traps: memory that must be given back.
  (func (export "fill_and_trap")
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.fill (i32.const 0) (i32.const 0xab) (i32.mul (memory.size) (i32.const 65536)))
    unreachable)
)
