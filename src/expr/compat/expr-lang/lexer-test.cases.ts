/**
 * expr-lang v1.17.8 parser/lexer/lexer_test.go. TestLex and TestLex_location compare token lists,
 * which Gantry does not expose: each input is an evaluation case instead, with the value (or
 * error) expr-lang v1.17.8 gives for it compiled without an env and run on an empty one, as Kargo
 * would. Most inputs are token lists rather than one expression; expr-lang's parser rejects those
 * (a compile error). TestLex_error's inputs are error cases with upstream's message (first line).
 */
import type { ExprCase } from '../expr-case.js';
import { goBytes } from '../go-values.js';

export const lexerTestCases: ExprCase[] = [
  { upstream: 'parser/lexer/lexer_test.go TestLex', expr: '1', want: 1 },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: '.5 0.025 1 02 1e3 0xFF 0b0101 0o600 1.2e-4 1_000_000 _42 -.5',
    error: 'unexpected token Number("0.025") (1:4)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: '"double" \'single\' "abc \\n\\t\\"\\\\" \'"\\\'\' "\'\\"" "\\xC3\\xBF\\u263A\\U000003A8" \'❤️\'',
    error: 'unexpected token String("single") (1:10)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: '`backtick` `hello☺world` `hello\n\tworld` `hello"world\'`  `ÿ☺Ψ` `❤️`',
    error: 'unexpected token String("hello☺world") (1:12)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: '`escaped backticks` `` `a``b` ```` `a``` ```b` ```a````b``` ```````` ```a````` `````b```',
    error: 'unexpected token String (1:21)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'a and orb().val #.',
    error: 'unexpected token Operator("#") (1:17)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  { upstream: 'parser/lexer/lexer_test.go TestLex', expr: 'foo?.bar', want: null },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'foo ? .bar : .baz',
    error: 'unexpected token Operator(".") (1:7)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'func?()',
    error: 'unexpected token Bracket(")") (1:7)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'array?[]',
    error: 'unexpected token EOF (1:8)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'not in not abc not i not(false) not  in not   in',
    error: 'unexpected token Operator("in") (1:5)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'not in_var',
    error: 'interface conversion: interface {} is nil, not bool (1:1)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'not in',
    error: 'unexpected token Operator("in") (1:5)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  { upstream: 'parser/lexer/lexer_test.go TestLex', expr: '1..5', want: [1, 2, 3, 4, 5] },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: '$i _0 früh',
    error: 'unexpected token Identifier("_0") (1:4)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'foo // comment\n\t\tbar // comment',
    error: 'unexpected token Identifier("bar") (2:3)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'foo /* comment */ bar',
    error: 'unexpected token Identifier("bar") (1:19)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  { upstream: 'parser/lexer/lexer_test.go TestLex', expr: 'foo ?? bar', want: null },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'let foo = bar;',
    error: 'unexpected token EOF (1:14)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: '#index #1 #',
    error: 'unexpected token Operator("#") (1:1)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: ': ::',
    error: 'unexpected token Operator(":") (1:1)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'if a>b {x1+x2} else {x2}',
    error: 'invalid operation: <nil> > <nil> (1:5)',
  }, // run error with an empty env (its names are nil)
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'a>b if {x1} else {x2}',
    error: 'unexpected token Operator("if") (1:5)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: '"\\u{61}\\u{1F600}" \'\\u{61}\\u{1F600}\'',
    error: 'unexpected token String("a😀") (1:19)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'b"hello" b\'world\'',
    error: 'unexpected token Bytes("world") (1:10)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'b"\\x00\\xff" b\'\\x41\\x42\\x43\'',
    error: 'unexpected token Bytes("ABC") (1:13)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'b"\\101\\102\\103" b\'\\n\\t\\r\'',
    error: 'unexpected token Bytes("\\n\\t\\r") (1:17)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  { upstream: 'parser/lexer/lexer_test.go TestLex', expr: 'b""', want: goBytes('') },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex',
    expr: 'B"hello" B\'world\'',
    error: 'unexpected token Bytes("world") (1:10)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  { upstream: 'parser/lexer/lexer_test.go TestLex', expr: 'b"ÿ"', want: goBytes('Ã¿') },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_location',
    expr: '1..2\n3..4',
    error: 'unexpected token Number("3") (2:1)',
  }, // not one expression (upstream lexes a token list): expr-lang rejects it
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: '"\\xQA"',
    error: 'invalid char escape (1:4)',
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: 'id "hello',
    error: 'literal not terminated (1:10)',
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: 'id `hello',
    error: 'literal not terminated (1:10)',
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: 'id `hello``',
    error: 'literal not terminated (1:12)',
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: 'id ```hello',
    error: 'literal not terminated (1:12)',
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: 'id `hello`` world',
    error: 'literal not terminated (1:18)',
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: 'früh ♥︎',
    error: "unrecognized character: U+2665 '♥' (1:6)",
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: 'b"\\u0041"',
    error: 'unable to unescape string (1:9)',
  },
  {
    upstream: 'parser/lexer/lexer_test.go TestLex_error',
    expr: "b'\\U00000041'",
    error: 'unable to unescape string (1:13)',
  },
];
