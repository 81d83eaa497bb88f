/**
 * expr-lang v1.17.8 parser/parser_test.go. TestParse, TestParse_optional_chaining and
 * TestParse_pipe_operator compare syntax trees, which Gantry does not expose: each of their inputs is
 * an evaluation case instead, and its expected value (or error) is what expr-lang v1.17.8 gives
 * when the input is compiled without an env and run on an empty one (every name is nil there), as
 * Kargo would. TestParse_error's rows are error cases with upstream's message (first line).
 * TestNodeBudget sets its own node limits; its inputs are run under expr's defaults, as in Kargo.
 */
import type { ExprCase } from '../expr-case.js';
import { float, goBytes } from '../go-values.js';

export const parserTestCases: ExprCase[] = [
  { upstream: 'parser/parser_test.go TestParse', expr: 'a', want: null },
  { upstream: 'parser/parser_test.go TestParse', expr: '"str"', want: 'str' },
  { upstream: 'parser/parser_test.go TestParse', expr: '`hello\nworld`', want: 'hello\nworld' },
  { upstream: 'parser/parser_test.go TestParse', expr: '3', want: 3 },
  { upstream: 'parser/parser_test.go TestParse', expr: '0xFF', want: 255 },
  { upstream: 'parser/parser_test.go TestParse', expr: '0x6E', want: 110 },
  { upstream: 'parser/parser_test.go TestParse', expr: '0X63', want: 99 },
  { upstream: 'parser/parser_test.go TestParse', expr: '0o600', want: 384 },
  { upstream: 'parser/parser_test.go TestParse', expr: '0O45', want: 37 },
  { upstream: 'parser/parser_test.go TestParse', expr: '0b10', want: 2 },
  { upstream: 'parser/parser_test.go TestParse', expr: '0B101011', want: 43 },
  { upstream: 'parser/parser_test.go TestParse', expr: '10_000_000', want: 10000000 },
  { upstream: 'parser/parser_test.go TestParse', expr: '2.5', want: 2.5 },
  { upstream: 'parser/parser_test.go TestParse', expr: '1e9', want: float(1000000000) },
  { upstream: 'parser/parser_test.go TestParse', expr: 'true', want: true },
  { upstream: 'parser/parser_test.go TestParse', expr: 'false', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: 'nil', want: null },
  { upstream: 'parser/parser_test.go TestParse', expr: 'b"hello"', want: goBytes('hello') },
  { upstream: 'parser/parser_test.go TestParse', expr: "b'\\xff\\x00'", want: goBytes('ÿ\u0000') },
  { upstream: 'parser/parser_test.go TestParse', expr: '-3', want: -3 },
  { upstream: 'parser/parser_test.go TestParse', expr: '-2^2', want: float(-4) },
  { upstream: 'parser/parser_test.go TestParse', expr: '1 - 2', want: -1 },
  { upstream: 'parser/parser_test.go TestParse', expr: '(1 - 2) * 3', want: -3 },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'a or b or c',
    error: 'interface conversion: interface {} is nil, not bool (1:3)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'a or b and c',
    error: 'interface conversion: interface {} is nil, not bool (1:3)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: '(a or b) and c',
    error: 'interface conversion: interface {} is nil, not bool (1:4)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: '2**4-1', want: float(15) },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo(bar())',
    error: 'invalid operation: cannot call nil (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo("arg1", 2, true)',
    error: 'invalid operation: cannot call nil (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo.bar',
    error: 'cannot fetch bar from <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: "foo['all']",
    error: 'cannot fetch all from <nil> (1:4)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo.bar()',
    error: 'cannot fetch bar from <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo.bar("arg1", 2, true)',
    error: 'cannot fetch bar from <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo[3]',
    error: 'cannot fetch 3 from <nil> (1:4)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: 'true ? true : false', want: true },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'a?[b]:c',
    error: 'interface conversion: interface {} is nil, not bool (1:7)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'a.b().c().d[33]',
    error: 'cannot fetch b from <nil> (1:3)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: "'a' == 'b'", want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: '+0 != -0', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: '[a, b, c]', want: [null, null, null] },
  { upstream: 'parser/parser_test.go TestParse', expr: '{foo:1, bar:2}', want: { bar: 2, foo: 1 } },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: '{foo:1, bar:2, }',
    want: { bar: 2, foo: 1 },
  },
  { upstream: 'parser/parser_test.go TestParse', expr: '{"a": 1, \'b\': 2}', want: { a: 1, b: 2 } },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: '[1].foo',
    error: 'array elements can only be selected using an integer (got string) (1:5)',
  },
  { upstream: 'parser/parser_test.go TestParse', expr: '{foo:1}.bar', want: null },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'len(foo)',
    error: 'invalid argument for len (type <nil>) (1:1)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo matches "foo"', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo not matches "foo"', want: true },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo matches regex', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo contains "foo"', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo not contains "foo"', want: true },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo startsWith "foo"', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo endsWith "foo"', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: '1..9', want: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
  { upstream: 'parser/parser_test.go TestParse', expr: '0 in []', want: false },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'not in_var',
    error: 'interface conversion: interface {} is nil, not bool (1:1)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: '-1 not in [1, 2, 3, 4]', want: true },
  { upstream: 'parser/parser_test.go TestParse', expr: '1*8 not in [1, 2, 3, 4]', want: true },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: '2==2 ? false : 3 not in [1, 2, 5]',
    want: false,
  },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: "'foo' + 'bar' not matches 'foobar'",
    want: false,
  },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'all(Tickets, #)',
    error: 'reflect: call of reflect.Value.Len on zero Value (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'all(Tickets, {.Price > 0})',
    error: 'reflect: call of reflect.Value.Len on zero Value (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'one(Tickets, {#.Price > 0})',
    error: 'reflect: call of reflect.Value.Len on zero Value (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'filter(Prices, {# > 100})',
    error: 'reflect: call of reflect.Value.Len on zero Value (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'array[1:2]',
    error: 'cannot slice 1 (1:6)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: 'array[:2]', error: 'cannot slice 0 (1:6)' }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'array[1:]',
    error: 'invalid argument for len (type <nil>) (1:6)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'array[:]',
    error: 'invalid argument for len (type <nil>) (1:6)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: '[]', want: [] },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo ?? bar', want: null },
  { upstream: 'parser/parser_test.go TestParse', expr: 'foo ?? bar ?? baz', want: null },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo ?? (bar || baz)',
    error: 'interface conversion: interface {} is nil, not bool (1:13)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo || bar ?? baz',
    error: 'interface conversion: interface {} is nil, not bool (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'foo ?? bar()',
    error: 'invalid operation: cannot call nil (1:8)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'true | ok()',
    error: 'invalid operation: cannot call nil (1:8)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'let foo = a + b; foo + c',
    error: 'invalid operation: <nil> + <nil> (1:13)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: 'map([], #index)', want: [] },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: '::split("a,b,c", ",")',
    want: ['a', 'b', 'c'],
  },
  { upstream: 'parser/parser_test.go TestParse', expr: '::split("a,b,c", ",")[0]', want: 'a' },
  { upstream: 'parser/parser_test.go TestParse', expr: '"hello"[1:3]', want: 'el' },
  { upstream: 'parser/parser_test.go TestParse', expr: '1 < 2 > 3', want: false },
  { upstream: 'parser/parser_test.go TestParse', expr: '1 < 2 < 3 < 4', want: true },
  { upstream: 'parser/parser_test.go TestParse', expr: '1 < 2 < 3 == true', want: true },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'if a>b {true} else {x}',
    error: 'invalid operation: <nil> > <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'if a { 1 } else if b { 2 } else { 3 }',
    error: 'interface conversion: interface {} is nil, not bool (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'if a { 1 } else if b { 2 } else if c { 3 } else { 4 }',
    error: 'interface conversion: interface {} is nil, not bool (1:1)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: '1; 2; 3', want: 3 },
  { upstream: 'parser/parser_test.go TestParse', expr: '1; (2; 3)', want: 3 },
  { upstream: 'parser/parser_test.go TestParse', expr: 'true ? 1 : 2; 3 ; 4', want: 4 },
  { upstream: 'parser/parser_test.go TestParse', expr: 'true ? 1 : ( 2; 3; 4 )', want: 1 },
  { upstream: 'parser/parser_test.go TestParse', expr: 'true ?: 1; 2; 3', want: 3 },
  { upstream: 'parser/parser_test.go TestParse', expr: 'let x = true ? 1 : 2; x', want: 1 },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'let x = true ? 1 : ( 2; 3; 4 ); x',
    want: 1,
  },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'if true { 1; 2; 3 } else { 4; 5; 6 }',
    want: 3,
  },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'all(ls, if true { 1 } else { 2 })',
    error: 'predicate should return boolean (got int) (1:9)',
  },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'let x = if true { 1 } else { 2 }; x',
    want: 1,
  },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'call(if true { 1 } else { 2 })',
    error: 'invalid operation: cannot call nil (1:1)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: '[if true { 1 } else { 2 }]', want: [1] },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'map(ls, { 1; 2; 3 })',
    error: 'reflect: call of reflect.Value.Len on zero Value (1:1)',
  }, // run error with an empty env (its names are nil)
  { upstream: 'parser/parser_test.go TestParse', expr: 'let x = 1; 2; 3 + x', want: 4 },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'let x = 1; let y = 2; 3; 4; x + y',
    want: 3,
  },
  { upstream: 'parser/parser_test.go TestParse', expr: 'let x = (1; 2; 3); x', want: 3 },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'all(\n\t\t\t\t[\n\t\t\t\t  true,\n\t\t\t\t  false,\n\t\t\t\t],\n\t\t\t\t#,\n\t\t\t)',
    want: false,
  },
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'list | all(#,)',
    error: 'reflect: call of reflect.Value.Len on zero Value (1:8)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse',
    expr: 'func(\n\t\t\t\tparameter1,\n\t\t\t\tparameter2,\n\t\t\t)',
    error: 'invalid operation: cannot call nil (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'foo.',
    error: 'unexpected end of expression (1:4)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'a+',
    error: 'unexpected token EOF (1:2)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'a ? (1+2) c',
    error: 'unexpected token Identifier("c") (1:11)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '[a b]',
    error: 'unexpected token Identifier("b") (1:4)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'foo.bar(a b)',
    error: 'unexpected token Identifier("b") (1:11)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '{-}',
    error:
      'a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token Operator("-")) (1:2)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'foo({.bar})',
    error:
      'a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token Operator(".")) (1:6)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '[1, 2, 3,,]',
    error: 'unexpected token Operator(",") (1:10)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '[,]',
    error: 'unexpected token Operator(",") (1:2)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '{,}',
    error:
      'a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token Operator(",")) (1:2)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '{foo:1, bar:2, ,}',
    error: 'unexpected token Operator(",") (1:16)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'foo ?? bar || baz',
    error:
      'Operator (||) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses. (1:12)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '0b15',
    error: 'bad number syntax: "0b15" (1:4)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '0X10G',
    error: 'bad number syntax: "0X10G" (1:5)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '0o1E',
    error: 'invalid float literal: strconv.ParseFloat: parsing "0o1E": invalid syntax (1:4)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '0b1E',
    error: 'invalid float literal: strconv.ParseFloat: parsing "0b1E": invalid syntax (1:4)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '0b1E+6',
    error: 'bad number syntax: "0b1E+6" (1:6)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '0b1E+1',
    error: 'invalid float literal: strconv.ParseFloat: parsing "0b1E+1": invalid syntax (1:6)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '0o1E+1',
    error: 'invalid float literal: strconv.ParseFloat: parsing "0o1E+1": invalid syntax (1:6)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '1E',
    error: 'invalid float literal: strconv.ParseFloat: parsing "1E": invalid syntax (1:2)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '1 not == [1, 2, 5]',
    error: 'unexpected token Operator("==") (1:7)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'foo(1; 2; 3)',
    error: 'unexpected token Operator(";") (1:6)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'map(ls, 1; 2; 3)',
    error: 'wrap predicate with brackets { and } (1:10)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '[1; 2; 3]',
    error: 'unexpected token Operator(";") (1:3)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: '1 + if true { 2 } else { 3 }',
    error: 'unexpected token Operator("if") (1:5)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'if a { 1 } else b',
    error: 'unexpected token Identifier("b") (1:17)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_error',
    expr: 'list | all(#,,)',
    error: 'unexpected token Operator(",") (1:14)',
  },
  {
    upstream: 'parser/parser_test.go TestParse_optional_chaining',
    expr: 'foo?.bar.baz',
    want: null,
  },
  {
    upstream: 'parser/parser_test.go TestParse_optional_chaining',
    expr: 'foo.bar?.baz',
    error: 'cannot fetch bar from <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse_optional_chaining',
    expr: 'foo?.bar?.baz',
    want: null,
  },
  {
    upstream: 'parser/parser_test.go TestParse_optional_chaining',
    expr: '!foo?.bar.baz',
    error: 'interface conversion: interface {} is nil, not bool (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse_optional_chaining',
    expr: 'foo.bar[a?.b]?.baz',
    error: 'cannot fetch bar from <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse_optional_chaining',
    expr: 'foo.bar?.[0]',
    error: 'cannot fetch bar from <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestParse_pipe_operator',
    expr: 'arr | map(.foo) | len() | Foo()',
    error: 'reflect: call of reflect.Value.Len on zero Value (1:7)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestNodeBudget simple expression equal to limit',
    expr: 'a + b',
    error: 'invalid operation: <nil> + <nil> (1:3)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestNodeBudget medium expression under limit',
    expr: 'a + b * c / d',
    error: 'invalid operation: <nil> * <nil> (1:7)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/parser_test.go TestNodeBudget deeply nested expression over limit',
    expr: '1 + (2 + (3 + (4 + (5 + (6 + (7 + 8))))))',
    want: 36,
  }, // upstream lowers the node limit to 10 to make it fail; under expr's default limit it evaluates
  {
    upstream: 'parser/parser_test.go TestNodeBudget array expression over limit',
    expr: '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
    want: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  }, // upstream lowers the node limit to 5 to make it fail; under expr's default limit it evaluates
  {
    upstream: 'parser/parser_test.go TestNodeBudget disabled node budget',
    expr: '1 + (2 + (3 + (4 + (5 + (6 + (7 + 8))))))',
    want: 36,
  },
  {
    upstream: 'parser/parser_test.go TestNodeBudgetDisabled',
    expr: 'a + '.repeat(1000) + 'b',
    error: 'invalid operation: <nil> + <nil> (1:3)',
  }, // upstream only checks that no node-limit error comes; with an empty env the sum of nils fails
];
