;; refuse_externref.wat: "keep" stores a host reference in a global: a snapshot must refuse it.
(module
  (global $kept (mut externref) (ref.null extern))
  (func (export "keep") (param externref) (global.set $kept (local.get 0))))
