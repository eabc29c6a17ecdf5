#!/usr/bin/env python3
"""Writes pairs.wast: each i32 pair of ENG_I32_PAIRS (read from src/engine/code.h) fused into
I32_<first>_THEN_<second>, and the cases that must stay unfused. Run by hand after changing the
pairs:

    python3 tests/engine/gen_pairs.py > tests/engine/pairs.wast

The expected results are computed here from the WebAssembly semantics, not taken from the engine.
"""
M=0xffffffff
def rotl(x,k): k&=31; return ((x<<k)|(x>>((32-k)&31)))&M
def rotr(x,k): k&=31; return ((x>>k)|(x<<((32-k)&31)))&M
ops={'ADD':lambda a,b:(a+b)&M,'SUB':lambda a,b:(a-b)&M,'MUL':lambda a,b:(a*b)&M,'AND':lambda a,b:a&b,'OR':lambda a,b:a|b,
'XOR':lambda a,b:a^b,'SHL':lambda a,b:(a<<(b&31))&M,'SHR_U':lambda a,b:a>>(b&31),'ROTL':rotl,'ROTR':rotr,
'EQ':lambda a,b:int(a==b),'NE':lambda a,b:int(a!=b)}
import re
import os
h=open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'engine', 'code.h')).read()
pairs=re.findall(r'PAIR\(X, ([A-Z0-9_]+), ([A-Z0-9_]+)\)',h)
assert pairs, 'no PAIR(X, ...) rows found in code.h'
def s32(x): return x-(1<<32) if x>=1<<31 else x
args=[(0x89abcdef,37,0x12345678),(0xffffffff,1,0x80000000),(7,3,0x0f0f0f0f),(5,5,0xffffffff)]
out=[]
out.append(''';; pairs.wast: two i32 operations fused into one instruction, I32_<first>_THEN_<second> for
;; each pair of ENG_I32_PAIRS (code.h): fp[d] = (fp[a] first fp[b]) second fp[c], the first
;; result a temporary only the second reads. Shift and rotate counts are taken mod 32 in either
;; place. Two increments in a row make one I32_ADD2. Not fused: the first result kept in a
;; local, the temporary as the right operand of a non-commutative second, and both operands the
;; same value. Each pair runs on four triples of operands (high bits set, counts >= 32, carries,
;; equal operands).
(module''')
names=[]
for f,s in pairs:
    name=(f+'_then_'+s).lower()
    names.append((name,f,s))
    out.append('  ;; expect-code: %s: I32_%s_THEN_%s'%(name,f,s))
    out.append('  ;; expect-no-code: %s: I32_%s'%(name,f) if f==s else '  ;; expect-no-code: %s: I32_%s I32_%s'%(name,f,s))
    out.append('  (func (export "%s") (param $a i32) (param $b i32) (param $c i32) (result i32)'%name)
    out.append('    (i32.%s (i32.%s (local.get $a) (local.get $b)) (local.get $c)))'%(s.lower(),f.lower()))
out.append('''  ;; The temporary as the right operand of a commutative second.
  ;; expect-code: rotl_then_xor_right: I32_ROTL_THEN_XOR
  (func (export "rotl_then_xor_right") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.xor (local.get $c) (i32.rotl (local.get $a) (local.get $b))))
  ;; ... of a non-commutative one: c >> (a + b) stays two instructions.
  ;; expect-code: add_then_shr_u_right: I32_ADD I32_SHR_U
  ;; expect-no-code: add_then_shr_u_right: I32_ADD_THEN_SHR_U
  (func (export "add_then_shr_u_right") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.shr_u (local.get $c) (i32.add (local.get $a) (local.get $b))))
  ;; The first result kept in a local.
  ;; expect-code: kept: I32_XOR I32_AND_THEN_ADD
  ;; expect-no-code: kept: I32_XOR_THEN_AND
  (func (export "kept") (param $a i32) (param $b i32) (param $c i32) (result i32) (local $t i32)
    (i32.add (i32.and (local.tee $t (i32.xor (local.get $a) (local.get $b))) (local.get $c)) (local.get $t)))
  ;; Both operands of the second are the same value: (a + b) + (a + b).
  ;; expect-no-code: twice: I32_ADD_THEN_ADD
  (func (export "twice") (param $a i32) (param $b i32) (param $c i32) (result i32) (local $t i32)
    (local.tee $t (i32.add (local.get $a) (local.get $b)))
    (local.get $t)
    (i32.add))
  ;; Two increments in a row, the second reading the first's new value: one I32_ADD2.
  ;; expect-code: two_adds: I32_ADD2
  ;; expect-no-code: two_adds: I32_ADD
  (func (export "two_adds") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local.set $a (i32.add (local.get $a) (i32.const 4)))
    (local.set $b (i32.add (local.get $b) (local.get $a)))
    (i32.mul (local.get $a) (local.get $b)))
  ;; The addend is the first operation's own operand, and the result goes to that local.
  ;; expect-code: alias: I32_XOR_THEN_ADD
  (func (export "alias") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (local.set $a (i32.add (i32.xor (local.get $a) (local.get $b)) (local.get $a)))
    (local.get $a)))
''')
def inv(name,a,b,c,r):
    return '(assert_return (invoke "%s" (i32.const %d) (i32.const %d) (i32.const %d)) (i32.const %d))'%(name,s32(a),s32(b),s32(c),s32(r))
for name,f,s in names:
    for a,b,c in args:
        out.append(inv(name,a,b,c,ops[s](ops[f](a,b),c)))
for a,b,c in args:
    t=a^b
    out.append(inv("rotl_then_xor_right",a,b,c,c^rotl(a,b)))
    out.append(inv("add_then_shr_u_right",a,b,c,c>>(((a+b)&M)&31)))
    out.append(inv("kept",a,b,c,((t&c)+t)&M))
    out.append(inv("twice",a,b,c,(2*((a+b)&M))&M))
    out.append(inv("alias",a,b,c,((a^b)+a)&M))
    out.append(inv("two_adds",a,b,c,((a+4)*((b+a+4)&M))&M))
print('\n'.join(out))
