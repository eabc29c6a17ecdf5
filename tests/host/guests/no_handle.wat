;; no_handle.wat: an http-ABI module without the "handle" export (guest_check_module must refuse it).
(module
  (memory (export "memory") 1)
  (func (export "serve")))
