;; loop_wasi.wat: a WASI command whose _start never returns (no calls in the loop).
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever (br $forever)))
)
