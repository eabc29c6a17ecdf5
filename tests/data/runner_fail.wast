;; runner_fail.wast: the spec runner must report these failures (line 4 and line 5) and exit 1.
(module (func (export "one") (result i32) i32.const 1))
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i32.const 2))
(assert_trap (invoke "one") "unreachable")
