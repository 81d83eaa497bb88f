/**
 * expr-lang v1.17.8 test/issues/<number>/issue_test.go, test/operator (operator overloading, all Go-only)
 * and test/examples (the code blocks of testdata/examples.md). Upstream's expected values where
 * it asserts one; where it only checks that compiling or running succeeds, the value expr-lang
 * v1.17.8 gives (compiled without an env, as Kargo does). Go struct envs made only of plain
 * fields are written as maps where the result is the same.
 */
import type { ExprCase } from '../expr-case.js';
import { float } from '../go-values.js';

export const issuesTestCases: ExprCase[] = [
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'Str == S',
    skip: 'compares a Go named string type (EnvStr) with string: a type error only a Go struct env has',
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'Str == Str',
    env: { S: '', Str: 'string', EnvField: { S: '', Str: '' } },
    want: true,
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'S == S',
    env: { S: '', Str: 'string', EnvField: { S: '', Str: '' } },
    want: true,
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'Str == "string"',
    env: { S: '', Str: 'string', EnvField: { S: '', Str: '' } },
    want: true,
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'S == "string"',
    skip: 'compares a Go named string type (EnvStr) with string: a type error only a Go struct env has',
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'EnvField.Str == EnvField.S',
    skip: 'compares a Go named string type (EnvStr) with string: a type error only a Go struct env has',
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'EnvField.Str == EnvField.Str',
    env: { S: '', Str: '', EnvField: { S: '', Str: 'string' } },
    want: true,
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'EnvField.S == EnvField.S',
    env: { S: '', Str: '', EnvField: { S: '', Str: 'string' } },
    want: true,
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'EnvField.Str == "string"',
    env: { S: '', Str: '', EnvField: { S: '', Str: 'string' } },
    want: true,
  },
  {
    upstream: 'test/issues/461/issue_test.go TestIssue461',
    expr: 'EnvField.S == "string"',
    skip: 'compares a Go named string type (EnvStr) with string: a type error only a Go struct env has',
  },
  {
    upstream: 'test/issues/567/issue_test.go TestIssue567',
    expr: 'concat(1..2, 3..4)',
    want: [1, 2, 3, 4],
  }, // upstream checks the program's disassembly; the value is expr-lang's
  {
    upstream: 'test/issues/688/issue_test.go TestNoInterfaceMethodWithNil',
    expr: 'foo.Add(1, nil)',
    skip: 'needs a Go interface method in the env',
  },
  {
    upstream: 'test/issues/688/issue_test.go TestNoInterfaceMethodWithNil_with_env',
    expr: 'foo.Add(1, nil)',
    skip: 'needs a Go interface method in the env',
  },
  {
    upstream: 'test/issues/688/issue_test.go TestNoInterfaceMethodWithNil_with_any',
    expr: 'Any(nil)',
    skip: 'needs a Go struct env with a method',
  },
  {
    upstream: 'test/issues/723/issue_test.go TestIssue723',
    expr: 'get(empty_map, "non_existing_key")',
    env: { empty_map: {} },
    want: null,
  },
  {
    upstream: 'test/issues/730/issue_test.go TestIssue730',
    expr: 'int(Mode) == 1',
    skip: 'needs a pointer to a Go named int type in the env',
  },
  {
    upstream: 'test/issues/730/issue_test.go TestIssue730_warn_about_different_types',
    expr: 'Mode == 1',
    skip: 'needs a Go struct env with a named int type',
  },
  {
    upstream: 'test/issues/730/issue_test.go TestIssue730_eval',
    expr: 'Mode == 1',
    skip: 'needs a pointer to a Go named int type in the env',
  },
  {
    upstream: 'test/issues/739/issue_test.go TestIssue739',
    expr: 'fromJSON(aJSONString)',
    env: { aJSONString: '{"Num": 1}' },
    want: { Num: float(1) },
  }, // the env held a *string upstream; JSON data has no pointers
  {
    upstream: 'test/issues/756/issue_test.go TestIssue756',
    expr: 'let v = _g_.rpc.HelloCtx(text); v',
    skip: 'needs a Go method taking a context (WithContext)',
  },
  {
    upstream: 'test/issues/785/issue_test.go TestIssue785',
    expr: 'get(empty_map, "non_existing_key") | get("some_key") | get("another_key") | get("yet_another_key") | get("last_key")',
    env: { empty_map: {} },
    want: null,
  },
  {
    upstream: 'test/issues/785/issue_test.go TestIssue785',
    expr: '{} | get("non_existing_key") | get("some_key") | get("another_key") | get("yet_another_key") | get("last_key")',
    env: { empty_map: {} },
    want: null,
  },
  {
    upstream: 'test/issues/817/issue_test.go TestIssue817_1',
    expr: 'sprintf("result: %v %v", 1, nil)',
    skip: 'needs a Go function (fmt.Sprintf) in the env',
  },
  {
    upstream: 'test/issues/817/issue_test.go TestIssue817_2',
    expr: 'thing(nil)',
    skip: 'needs a Go variadic function in the env',
  },
  {
    upstream: 'test/issues/819/issue_test.go TestIssue819 case 1',
    expr: "\n\t\t\tlet a = [1];\n\t\t\tlet b = type(a[0]) == 'array' ? a : [a];\n\t\t\tb[0][0]\n\t\t",
    want: 1,
  },
  {
    upstream: 'test/issues/819/issue_test.go TestIssue819 case 2',
    expr: '\n\t\t\tlet range = [1,1000];\n\t\t\tlet arr = false ? range : [range];\n\t\t\tmap(arr, {len(#)})\n\t\t',
    want: [2],
  },
  {
    upstream: 'test/issues/823/issue_test.go TestIssue823',
    expr: 'now2().After(date2())',
    skip: 'needs custom functions taking a context (expr.Function, WithContext)',
  },
  {
    upstream: 'test/issues/823/issue_test.go TestIssue823_EnvMethods',
    expr: 'Now2().After(Date2())',
    skip: 'needs Go env methods taking a context (WithContext)',
  },
  {
    upstream: 'test/issues/830/issue_test.go TestIssue830',
    expr: 'varNotExist',
    skip: 'needs the compile options AllowUndefinedVariables and AsBool',
  },
  {
    upstream: 'test/issues/836/issue_test.go TestIssue836 map access with pointer key',
    expr: '{"foo": "bar"}[ptrStr]',
    skip: 'needs a *string in the env',
  },
  {
    upstream: 'test/issues/836/issue_test.go TestIssue836 conditional with pointer condition',
    expr: 'ptrBool ? 1 : 0',
    skip: 'needs a *bool in the env',
  },
  {
    upstream: 'test/issues/836/issue_test.go TestIssue836 get() with pointer key',
    expr: 'get({"foo": "bar"}, ptrStr)',
    skip: 'needs a *string in the env',
  },
  {
    upstream: 'test/issues/836/issue_test.go TestIssue836 struct field pointer check in ternary',
    expr: "v.Enabled == nil ? 'default' : ( v.Enabled ? 'enabled' : 'disabled' )",
    env: { v: { Enabled: null } },
    want: 'default',
  }, // a struct with a nil *bool field upstream
  {
    upstream:
      'test/issues/836/issue_test.go TestIssue836 struct field pointer check in ternary (enabled)',
    expr: "v.Enabled == nil ? 'default' : ( v.Enabled ? 'enabled' : 'disabled' )",
    env: { v: { Enabled: true } },
    want: 'enabled',
  }, // a struct with a *bool field upstream
  {
    upstream: 'test/issues/836/issue_test.go TestIssue836 slice with pointer indices',
    expr: 'arr[ptrInt:ptrInt]',
    skip: 'needs an *int in the env',
  },
  {
    upstream: 'test/issues/840/issue_test.go TestEnvFieldMethods',
    expr: 'Func() + Int',
    skip: 'needs a Go struct env with an embedded pointer and a func field',
  },
  {
    upstream: 'test/issues/844/issue_test.go TestIssue844 exported env, exported field',
    expr: 'ExportedEmbedded',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream: 'test/issues/844/issue_test.go TestIssue844 exported env, unexported field',
    expr: 'unexportedEmbedded',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, exported field inherited from exported field',
    expr: 'Str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, unexported field inherited from exported field',
    expr: 'str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, exported field inherited from exported field',
    expr: 'Integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, unexported field inherited from exported field',
    expr: 'integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, exported field directly accessed from exported field',
    expr: 'ExportedEmbedded.Str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, unexported field directly accessed from exported field',
    expr: 'ExportedEmbedded.str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, exported field directly accessed from exported field',
    expr: 'unexportedEmbedded.Integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 exported env, unexported field directly accessed from exported field',
    expr: 'unexportedEmbedded.integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream: 'test/issues/844/issue_test.go TestIssue844 unexported env, exported field',
    expr: 'ExportedEmbedded',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream: 'test/issues/844/issue_test.go TestIssue844 unexported env, unexported field',
    expr: 'unexportedEmbedded',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, exported field inherited from exported field',
    expr: 'Str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, unexported field inherited from exported field',
    expr: 'str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, exported field inherited from exported field',
    expr: 'Integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, unexported field inherited from exported field',
    expr: 'integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, exported field directly accessed from exported field',
    expr: 'ExportedEmbedded.Str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, unexported field directly accessed from exported field',
    expr: 'ExportedEmbedded.str',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, exported field directly accessed from exported field',
    expr: 'unexportedEmbedded.Integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream:
      'test/issues/844/issue_test.go TestIssue844 unexported env, unexported field directly accessed from exported field',
    expr: 'unexportedEmbedded.integer',
    skip: 'needs Go structs with embedded and unexported fields',
  },
  {
    upstream: 'test/issues/854/issue_test.go TestIssue854',
    expr: 'user.Profile?.Address ?? "Unknown address"',
    skip: 'needs a types.Map env (compile-time types, no values)',
  },
  {
    upstream: 'test/issues/857/issue_test.go TestIssue857',
    expr: '\n\t\tfoo\n\t\t| keys()\n\t\t| filter(# in bar)\n\t\t| filter(foo[#].alpha == bar[#].alpha)\n\t\t| filter(foo[#].beta == bar[#].beta)\n\t',
    env: { foo: { entry: { alpha: 'x', beta: 1 } }, bar: { entry: { alpha: 'x', beta: 1 } } },
    want: ['entry'],
  }, // upstream checks it compiles
  {
    upstream: 'test/issues/888/issue_test.go TestIssue888',
    expr: 'Container.IncludesAny("nope", "nope again", "bar")',
    skip: 'needs a Go struct with a variadic method in the env',
  },
  {
    upstream:
      'test/issues/924/issue_test.go TestIssue924_allow_disabling_builtins_and_providing_fn_at_runtime',
    expr: 'upper(1)',
    skip: 'needs the DisableBuiltin option and a Go function in the env',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_struct',
    expr: 'Time == "2017-10-23"',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_no_env',
    expr: 'Time == "2017-10-23"',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_interface',
    expr: 'Foo == "Foo.String" && "Foo.String" == Foo && Time != Foo && Time == Time',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_Function',
    expr: 'foo + bar',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_Function',
    expr: '2 + 4',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_Function_WithTypes',
    expr: 'foo + bar',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_FunctionOverTypesPrecedence',
    expr: '1 + 2',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_CanBeDefinedEitherInTypesOrInFunctions',
    expr: '1 + 2',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_Polymorphic',
    expr: '1 + 2 + (Foo + Bar)',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/operator_test.go TestOperator_recursive_apply',
    expr: 'a + b + 100 + c + d + e',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/operator/issues584/issues584_test.go TestIssue584',
    expr: 'Foo() > 1.5 and Bar() < 200.0',
    skip: 'needs operator overloading (expr.Operator) with Go functions or methods',
  },
  {
    upstream: 'test/examples/examples_test.go TestExamples Character Frequency Grouping',
    expr: 'let char = "0";\n1..100000\n| map(string(#))\n| groupBy(split(#, char) | len() - 1)\n| toPairs()\n| map({{\n    count: #[0], \n    len: len(#[1]), \n    examples: [first(#[1]), last(#[1])],\n }})\n| sortBy(.len, \'desc\')',
    want: [
      { count: 0, examples: ['1', '99999'], len: 66429 },
      { count: 1, examples: ['10', '99990'], len: 28602 },
      { count: 2, examples: ['100', '99900'], len: 4626 },
      { count: 3, examples: ['1000', '99000'], len: 333 },
      { count: 4, examples: ['10000', '90000'], len: 9 },
      { count: 5, examples: ['100000', '100000'], len: 1 },
    ],
  }, // upstream checks it runs
  {
    upstream: 'test/examples/examples_test.go TestExamples Log Filtering and Aggregation',
    expr: 'let logs = [\n  {timestamp: date("2023-08-14 08:30:00"), message: "User logged in", level: "info"},\n  {timestamp: date("2023-08-14 09:00:00"), message: "Error processing payment", level: "error"},\n  {timestamp: date("2023-08-14 10:15:00"), message: "User logged out", level: "info"},\n  {timestamp: date("2023-08-14 11:00:00"), message: "Error connecting to database", level: "error"}\n];\n\nlogs\n| filter(.level == "error")\n| map({{\n    time: string(.timestamp),\n    detail: .message\n }})\n| sortBy(.time)',
    want: [
      { detail: 'Error processing payment', time: '2023-08-14 09:00:00 +0000 UTC' },
      { detail: 'Error connecting to database', time: '2023-08-14 11:00:00 +0000 UTC' },
    ],
  }, // upstream checks it runs
  {
    upstream: 'test/examples/examples_test.go TestExamples Financial Data Analysis and Summary',
    expr: 'let accounts = [\n  {name: "Alice", balance: 1234.56, transactions: [100, -50, 200]},\n  {name: "Bob", balance: 2345.67, transactions: [-200, 300, -150]},\n  {name: "Charlie", balance: 3456.78, transactions: [400, -100, 50]}\n];\n\n{\n  totalBalance: sum(accounts, .balance),\n  averageBalance: mean(map(accounts, .balance)),\n  totalTransactions: reduce(accounts, #acc + len(.transactions), 0),\n  accounts: map(accounts, {{\n      name: .name,\n      final: .balance + sum(.transactions),\n      transactionCount: len(.transactions)\n  }})\n}',
    want: {
      accounts: [
        { final: 1484.56, name: 'Alice', transactionCount: 3 },
        { final: 2295.67, name: 'Bob', transactionCount: 3 },
        { final: 3806.78, name: 'Charlie', transactionCount: 3 },
      ],
      averageBalance: 2345.67,
      totalBalance: 7037.01,
      totalTransactions: 9,
    },
  }, // upstream checks it runs
  {
    upstream: 'test/examples/examples_test.go TestExamples Bitwise Operations and Flags Decoding',
    expr: 'let flags = [\n  {name: "read", value: 0b0001},\n  {name: "write", value: 0b0010},\n  {name: "execute", value: 0b0100},\n  {name: "admin", value: 0b1000}\n];\n\nlet userPermissions = 0b1011;\n\nflags\n| filter(userPermissions | bitand(.value) != 0)\n| map(.name)',
    want: ['read', 'write', 'admin'],
  }, // upstream checks it runs
  {
    upstream:
      'test/examples/examples_test.go TestExamples Nested Predicates with Optional Chaining',
    expr: 'let users = [\n  {id: 1, name: "Alice", posts: [{title: "Hello World", content: "Short post"}, {title: "Another Post", content: "This is a bit longer post"}]},\n  {id: 2, name: "Bob", posts: nil},\n  {id: 3, name: "Charlie", posts: [{title: "Quick Update", content: "Update content"}]}\n];\n\nusers\n| filter(\n    // Check if any post has content length greater than 10.\n    any(.posts ?? [], len(.content) > 10)\n  )\n| map({{name: .name, postCount: len(.posts ?? [])}})',
    want: [
      { name: 'Alice', postCount: 2 },
      { name: 'Charlie', postCount: 1 },
    ],
  }, // upstream checks it runs
  {
    upstream: 'test/examples/examples_test.go TestExamples String Manipulation and Validation',
    expr: '"  Apple, banana, Apple, orange, banana, kiwi "\n| trim()\n| split(",")\n| map(trim(#))\n| map(lower(#))\n| uniq()\n| sort()\n| join(", ")',
    want: 'apple, banana, kiwi, orange',
  }, // upstream checks it runs
  {
    upstream: 'test/examples/examples_test.go TestExamples Date Difference',
    expr: 'let startDate = date("2023-01-01");\nlet endDate = date("2023-12-31");\nlet diff = endDate - startDate;\n{\n  daysBetween: diff.Hours() / 24,\n  hoursBetween: diff.Hours()\n}',
    want: { daysBetween: float(364), hoursBetween: float(8736) },
  }, // upstream checks it runs
  {
    upstream: 'test/examples/examples_test.go TestExamples Phone number filtering',
    expr: 'let phone = filter(split("123-456-78901", ""), # in map(0..9, string(#)))[:10];\njoin(concat(["("], phone[:3], [")"], phone[3:6], ["-"], phone[6:]))',
    want: '(123)456-7890',
  }, // upstream checks it runs
  {
    upstream: 'test/examples/examples_test.go TestExamples Prime numbers',
    expr: '2..1000 | filter(let N = #; none(2..N-1, N % # == 0))',
    want: [
      2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
      97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191,
      193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293,
      307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419,
      421, 431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509, 521, 523, 541,
      547, 557, 563, 569, 571, 577, 587, 593, 599, 601, 607, 613, 617, 619, 631, 641, 643, 647, 653,
      659, 661, 673, 677, 683, 691, 701, 709, 719, 727, 733, 739, 743, 751, 757, 761, 769, 773, 787,
      797, 809, 811, 821, 823, 827, 829, 839, 853, 857, 859, 863, 877, 881, 883, 887, 907, 911, 919,
      929, 937, 941, 947, 953, 967, 971, 977, 983, 991, 997,
    ],
  }, // upstream checks it runs
];
