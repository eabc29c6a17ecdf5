;; start_loop.wat: the start function loops forever: instantiation itself must be stopped.
(module
  (func $start (loop $forever (br $forever)))
  (start $start)
  (func (export "answer") (result i32) (i32.const 42))
)
