/**
 * expr-lang v1.17.8 vm/vm_test.go: the tests that evaluate expressions. Upstream's expected values
 * where it asserts one; where it only checks that running succeeds, the value expr-lang v1.17.8
 * gives (compiled without an env, as Kargo does). Tests that run hand-built bytecode
 * (TestRun_NilProgram, TestRun_OpInvalid, TestVM_ProfileOperations, TestVM_DirectCallOpcodes,
 * TestVM_IndexAndCountOperations, TestVM_DirectBasicOpcodes, TestVM_OpJump_NegativeOffset,
 * TestVM_StackUnderflow) have no expression and are not listed.
 */
import type { ExprCase } from '../expr-case.js';
import { float } from '../go-values.js';

/** The nested sum TestVM_Limits builds: `((a + 1) + 2) …` to the given depth. */
function nestedSum(depth: number): string {
  let expr = 'a';
  for (let i = 1; i <= depth; i++) expr = `(${expr} + ${i})`;
  return expr;
}

/** The nested map TestVM_Limits builds: `{"nested": {"nested": … {"value": 1}}}`. */
function nestedMap(depth: number): string {
  let expr = '{"value": 1}';
  for (let i = 0; i < depth; i++) expr = `{"nested": ${expr}}`;
  return expr;
}

export const vmTestCases: ExprCase[] = [
  { upstream: 'vm/vm_test.go TestRun_ReuseVM', expr: 'map(1..2, {#})', want: [1, 2] }, // upstream runs it twice on one VM and checks it does not fail
  {
    upstream: 'vm/vm_test.go TestRun_ReuseVM_for_different_variables',
    expr: 'let a = 1; a + 1',
    want: 2,
  },
  {
    upstream: 'vm/vm_test.go TestRun_ReuseVM_for_different_variables',
    expr: 'let a = 2; a + 1',
    want: 3,
  },
  {
    upstream: 'vm/vm_test.go TestRun_ReuseVM_for_different_variables',
    expr: 'let a = 2; let b = 2; a + b',
    want: 4,
  },
  {
    upstream: 'vm/vm_test.go TestRun_Cast Float64 1',
    expr: '1',
    skip: 'needs the compiler option that casts the result to a Go kind (Expect)',
  },
  {
    upstream: 'vm/vm_test.go TestRun_Cast Int 1',
    expr: '1',
    skip: 'needs the compiler option that casts the result to a Go kind (Expect)',
  },
  {
    upstream: 'vm/vm_test.go TestRun_Cast Int64 1',
    expr: '1',
    skip: 'needs the compiler option that casts the result to a Go kind (Expect)',
  },
  {
    upstream: 'vm/vm_test.go TestRun_Cast Bool true',
    expr: 'true',
    skip: 'needs the compiler option that casts the result to a Go kind (Expect)',
  },
  {
    upstream: 'vm/vm_test.go TestRun_Cast Bool false',
    expr: 'false',
    skip: 'needs the compiler option that casts the result to a Go kind (Expect)',
  },
  {
    upstream: 'vm/vm_test.go TestRun_Cast Bool nil',
    expr: 'nil',
    skip: 'needs the compiler option that casts the result to a Go kind (Expect)',
  },
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int + int',
    expr: 'a + b',
    env: { a: 1, b: 1 },
    want: 2,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int - int',
    expr: 'a - b',
    env: { a: 1, b: 1 },
    want: 0,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int * int',
    expr: 'a * b',
    env: { a: 1, b: 1 },
    want: 1,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int / int',
    expr: 'a / b',
    env: { a: 1, b: 1 },
    want: float(1),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int % int',
    expr: 'a % b',
    env: { a: 1, b: 1 },
    want: 0,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int == int',
    expr: 'a == b',
    env: { a: 1, b: 1 },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int >= int',
    expr: 'a >= b',
    env: { a: 1, b: 1 },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int <= int',
    expr: 'a <= b',
    env: { a: 1, b: 1 },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int < int',
    expr: 'a < b',
    env: { a: 1, b: 1 },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int > int',
    expr: 'a > b',
    env: { a: 1, b: 1 },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int + float64',
    expr: 'a + b',
    env: { a: 1, b: float(1) },
    want: float(2),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int - float64',
    expr: 'a - b',
    env: { a: 1, b: float(1) },
    want: float(0),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int * float64',
    expr: 'a * b',
    env: { a: 1, b: float(1) },
    want: float(1),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int / float64',
    expr: 'a / b',
    env: { a: 1, b: float(1) },
    want: float(1),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int == float64',
    expr: 'a == b',
    env: { a: 1, b: float(1) },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int >= float64',
    expr: 'a >= b',
    env: { a: 1, b: float(1) },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int <= float64',
    expr: 'a <= b',
    env: { a: 1, b: float(1) },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int < float64',
    expr: 'a < b',
    env: { a: 1, b: float(1) },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers int > float64',
    expr: 'a > b',
    env: { a: 1, b: float(1) },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 + int',
    expr: 'a + b',
    env: { a: float(1), b: 1 },
    want: float(2),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 - int',
    expr: 'a - b',
    env: { a: float(1), b: 1 },
    want: float(0),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 * int',
    expr: 'a * b',
    env: { a: float(1), b: 1 },
    want: float(1),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 / int',
    expr: 'a / b',
    env: { a: float(1), b: 1 },
    want: float(1),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 == int',
    expr: 'a == b',
    env: { a: float(1), b: 1 },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 >= int',
    expr: 'a >= b',
    env: { a: float(1), b: 1 },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 <= int',
    expr: 'a <= b',
    env: { a: float(1), b: 1 },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 < int',
    expr: 'a < b',
    env: { a: float(1), b: 1 },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 > int',
    expr: 'a > b',
    env: { a: float(1), b: 1 },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 + float64',
    expr: 'a + b',
    env: { a: float(1), b: float(1) },
    want: float(2),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 - float64',
    expr: 'a - b',
    env: { a: float(1), b: float(1) },
    want: float(0),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 * float64',
    expr: 'a * b',
    env: { a: float(1), b: float(1) },
    want: float(1),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 / float64',
    expr: 'a / b',
    env: { a: float(1), b: float(1) },
    want: float(1),
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 == float64',
    expr: 'a == b',
    env: { a: float(1), b: float(1) },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 >= float64',
    expr: 'a >= b',
    env: { a: float(1), b: float(1) },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 <= float64',
    expr: 'a <= b',
    env: { a: float(1), b: float(1) },
    want: true,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 < float64',
    expr: 'a < b',
    env: { a: float(1), b: float(1) },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers float64 > float64',
    expr: 'a > b',
    env: { a: float(1), b: float(1) },
    want: false,
  }, // upstream checks it runs without error
  {
    upstream: 'vm/vm_test.go TestRun_Helpers',
    expr: 'a + b',
    skip: 'the pairs with uint, uint8…uint64, int8…int64 or float32 operands need Go sized numbers',
  },
  {
    upstream: 'vm/vm_test.go TestRun_MethodWithError',
    expr: 'WillError("yes")',
    skip: 'needs a Go struct env with a method returning an error',
  },
  {
    upstream: 'vm/vm_test.go TestRun_FastMethods',
    expr: 'hello() + world()',
    skip: 'needs Go functions in the env',
  },
  {
    upstream: 'vm/vm_test.go TestRun_InnerMethodWithError',
    expr: 'InnerEnv.WillError("yes")',
    skip: 'needs a Go struct env with a method returning an error',
  },
  {
    upstream: 'vm/vm_test.go TestRun_InnerMethodWithError_NilSafe',
    expr: 'InnerEnv?.WillError("yes")',
    skip: 'needs a Go struct env with a method returning an error',
  },
  {
    upstream: 'vm/vm_test.go TestRun_TaggedFieldName',
    expr: 'value',
    skip: 'needs a Go struct env with an expr:"value" field tag',
  },
  { upstream: 'vm/vm_test.go TestVM_OpcodeOperations basic addition', expr: '2 + 3', want: 5 },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations mixed type arithmetic',
    expr: '2.5 + 3',
    want: 5.5,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations chained arithmetic',
    expr: '1 + 2 * 3 - 4 / 2',
    want: float(5),
  },
  { upstream: 'vm/vm_test.go TestVM_OpcodeOperations modulo operation', expr: '5 % 2', want: 1 },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations exponent operation',
    expr: '2 ^ 3',
    want: float(8),
  },
  { upstream: 'vm/vm_test.go TestVM_OpcodeOperations negation', expr: '-5', want: -5 },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations string concatenation',
    expr: '"hello" + " " + "world"',
    want: 'hello world',
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations string starts with',
    expr: '"hello world" startsWith "hello"',
    want: true,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations string ends with',
    expr: '"hello world" endsWith "world"',
    want: true,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations string contains',
    expr: '"hello world" contains "lo wo"',
    want: true,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations string matches regex',
    expr: '"hello123" matches "^hello\\\\d+$"',
    want: true,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations byte slice matches regex',
    expr: 'b matches "^hello\\\\d+$"',
    skip: 'needs a []byte in the env',
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations byte slice matches dynamic regex',
    expr: 'b matches pattern',
    skip: 'needs a []byte in the env',
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations array creation and access',
    expr: '[1, 2, 3][1]',
    want: 2,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations map creation and access',
    expr: '{"a": 1, "b": 2}.b',
    want: 2,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations array length',
    expr: 'len([1, 2, 3])',
    want: 3,
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations array slice',
    expr: '[1, 2, 3, 4][1:3]',
    want: [2, 3],
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations array range',
    expr: '1..5',
    want: [1, 2, 3, 4, 5],
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpcodeOperations invalid array index',
    expr: '[1,2,3][5]',
    error: 'index out of range',
  },
  {
    upstream: 'vm/vm_test.go TestVM_GroupAndSortOperations group by single field',
    expr: 'groupBy([{"id": 1, "type": "a"}, {"id": 2, "type": "b"}, {"id": 3, "type": "a"}], #.type)',
    want: {
      a: [
        { id: 1, type: 'a' },
        { id: 3, type: 'a' },
      ],
      b: [{ id: 2, type: 'b' }],
    },
  }, // expr-lang's result is a map[interface {}][]interface {}
  {
    upstream: 'vm/vm_test.go TestVM_GroupAndSortOperations sort by field ascending',
    expr: 'sortBy([{"id": 3}, {"id": 1}, {"id": 2}], #.id)',
    want: [{ id: 1 }, { id: 2 }, { id: 3 }],
  },
  {
    upstream: 'vm/vm_test.go TestVM_GroupAndSortOperations sort by field descending',
    expr: 'sortBy([{"id": 3}, {"id": 1}, {"id": 2}], #.id, "desc")',
    want: [{ id: 3 }, { id: 2 }, { id: 1 }],
  },
  {
    upstream: 'vm/vm_test.go TestVM_GroupAndSortOperations sort by computed value',
    expr: 'sortBy([1, 2, 3, 4], # % 2)',
    want: [2, 4, 1, 3],
  },
  {
    upstream: 'vm/vm_test.go TestVM_GroupAndSortOperations group by with complex key',
    expr: 'groupBy([1, 2, 3, 4, 5, 6], # % 2 == 0 ? "even" : "odd")',
    want: { even: [2, 4, 6], odd: [1, 3, 5] },
  }, // expr-lang's result is a map[interface {}][]interface {}
  {
    upstream: 'vm/vm_test.go TestVM_GroupAndSortOperations invalid sort order',
    expr: 'sortBy([1, 2, 3], #, "invalid")',
    error: 'unknown order',
  },
  {
    upstream: 'vm/vm_test.go TestVM_IndexOperations decrement index in loop',
    expr: 'reduce([1,2,3], #acc + #, 0)',
    want: 6,
  },
  {
    upstream: 'vm/vm_test.go TestVM_IndexOperations set index in loop',
    expr: 'map([1,2,3], # * 2)',
    want: [2, 4, 6],
  },
  {
    upstream: 'vm/vm_test.go TestVM_SortBy_NonStringOrder',
    expr: 'sortBy([1, 2, 3], #, fn($env))',
    skip: 'needs a custom function (expr.Function fn)',
  },
  {
    upstream: 'vm/vm_test.go TestVM_CallN',
    expr: 'fn(1, 2, 3)',
    skip: 'needs a Go variadic function in the env',
  },
  {
    upstream: 'vm/vm_test.go TestVM_MemoryBudget under budget',
    expr: 'map(1..10, #)',
    want: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  }, // upstream sets a memory budget of 100; same result under the default
  {
    upstream: 'vm/vm_test.go TestVM_MemoryBudget exceeds budget',
    expr: 'map(1..1000, #)',
    skip: 'needs a VM memory budget of 10 (a Go-only option; Kargo keeps the default)',
  },
  {
    upstream: 'vm/vm_test.go TestVM_MemoryBudget zero budget uses default',
    expr: 'map(1..10, #)',
    want: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  },
  {
    upstream:
      'vm/vm_test.go TestVM_Limits nested arithmetic allowed with max nodes and memory budget',
    expr: nestedSum(100),
    env: { a: 1 },
    want: 5051,
  }, // upstream sets 1000 nodes and a memory budget of 1; same result under the defaults
  {
    upstream: 'vm/vm_test.go TestVM_Limits nested arithmetic blocked by max nodes',
    expr: nestedSum(10000),
    env: { a: 1 },
    error: 'compilation failed: expression exceeds maximum allowed nodes',
  }, // upstream lowers the limit to 100 nodes; it is over the default limit (10000) too
  {
    upstream: 'vm/vm_test.go TestVM_Limits nested map blocked by memory budget',
    expr: nestedMap(100),
    skip: 'needs a VM memory budget of 10 (a Go-only option; Kargo keeps the default)',
  },
  {
    upstream: 'vm/vm_test.go TestVM_EnvNotCallable',
    expr: "$env('' matches ' '? : now().UTC(g))",
    env: { ok: true },
    error: 'is not callable',
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpCall_InvalidNumberOfArguments',
    expr: 'fn(1, 2)',
    skip: 'needs a Go function of fixed arity in the env',
  },
  {
    upstream: 'vm/vm_test.go TestVM_OpCall_InvalidNumberOfArguments_Variadic',
    expr: 'fn()',
    skip: 'needs a Go variadic function in the env',
  },
];
