// expr-oracle: evaluates expressions with expr-lang v1.17.8 the way Kargo calls it
// (expr.Compile with no env, expr.Run on a map env). Reads JSON lines
// {"expr": "...", "env": {...}} and prints JSON lines {"type","value","string","error"}.
// Env numbers: integers become int, others float64; {"$float": n} is a float64.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/expr-lang/expr"
)

type input struct {
	Expr string          `json:"expr"`
	Env  json.RawMessage `json:"env"`
	// EnvAny: an environment that is any JSON value (a list, a number), as json-parse runs on.
	EnvAny json.RawMessage `json:"envAny"`
}

func convert(v any) any {
	switch t := v.(type) {
	case json.Number:
		s := t.String()
		if !strings.ContainsAny(s, ".eE") {
			if i, err := t.Int64(); err == nil {
				return int(i)
			}
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		if f, ok := t["$float"]; ok && len(t) == 1 {
			n, _ := f.(json.Number).Float64()
			return n
		}
		out := map[string]any{}
		for k, x := range t {
			out[k] = convert(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = convert(x)
		}
		return out
	}
	return v
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	enc := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		var in input
		out := map[string]any{}
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			out["error"] = "bad input: " + err.Error()
			enc.Encode(out)
			continue
		}
		var env any = map[string]any{}
		if len(in.EnvAny) > 0 {
			d := json.NewDecoder(strings.NewReader(string(in.EnvAny)))
			d.UseNumber()
			var raw any
			if err := d.Decode(&raw); err == nil {
				env = convert(raw)
			}
		} else if len(in.Env) > 0 {
			d := json.NewDecoder(strings.NewReader(string(in.Env)))
			d.UseNumber()
			var raw map[string]any
			if err := d.Decode(&raw); err == nil && raw != nil {
				env = convert(raw).(map[string]any)
			}
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					out["error"] = fmt.Sprintf("panic: %v", r)
				}
			}()
			program, err := expr.Compile(in.Expr)
			if err != nil {
				out["error"] = err.Error()
				out["phase"] = "compile"
				return
			}
			result, err := expr.Run(program, env)
			if err != nil {
				out["error"] = err.Error()
				out["phase"] = "run"
				return
			}
			out["type"] = fmt.Sprintf("%T", result)
			out["string"] = fmt.Sprintf("%v", result)
			if b, err := json.Marshal(result); err == nil {
				out["value"] = json.RawMessage(b)
			}
		}()
		enc.Encode(out)
	}
}
