import type { Command, Option } from 'commander';
import { KIND_NAMES, resolveKindName } from '../../api/kind-names.js';
import type { ListResponse } from '../client.js';
import { pathFor, type CliContext } from '../context.js';

type Lookup = (what: string, kind?: string) => Promise<string[]>;

/** What `-o` takes. */
const OUTPUT_FORMATS = ['table', 'wide', 'yaml', 'json', 'name'];
/** Options whose value names an object, and which kind. */
const OPTION_KINDS: Record<string, string> = {
  '--project': 'projects',
  '--namespace': 'projects',
  '--stage': 'stages',
  '--freight': 'freight',
  '--to': 'freight',
  '--warehouse': 'warehouses',
  '--abort': 'promotions',
};
/** The first word after these commands, when it is not a kind. */
const FIRST_WORDS: Record<string, string[]> = {
  completion: ['bash', 'zsh', 'fish'],
  create: ['project', 'freight', 'token'],
  refresh: ['warehouse'],
  logs: ['promotion'],
};

/**
 * The candidates for the last of `words` (what `gantry` was given so far; the last is the
 * word being completed, possibly empty): commands, flags, kinds, or the names of objects and
 * projects, asked from the server. Anything that fails yields no candidates: a completion
 * must never print an error into the user's command line.
 */
export async function completeWords(
  program: Command,
  words: string[],
  context: () => CliContext,
): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const typed = words.slice(0, -1);
  const global = program.options;
  const parsed = parseTyped(program, typed);
  const lookup = lookupOn(program, context, parsed.values);
  let candidates: string[];
  try {
    candidates = await candidatesFor(program, parsed, current, global, lookup);
  } catch {
    candidates = [];
  }
  return candidates.filter((candidate) => candidate.startsWith(current));
}

interface Parsed {
  command: Command | undefined;
  /** Positional words after the command. */
  positionals: string[];
  /** Option values typed so far, by long name (`--project` → `frontend`). */
  values: Map<string, string>;
  /** The option the current word is the value of, if any. */
  pendingOption: Option | undefined;
}

function parseTyped(program: Command, typed: string[]): Parsed {
  const parsed: Parsed = {
    command: undefined,
    positionals: [],
    values: new Map(),
    pendingOption: undefined,
  };
  for (let i = 0; i < typed.length; i++) {
    const word = typed[i]!;
    const options = [...program.options, ...(parsed.command?.options ?? [])];
    if (word.startsWith('-')) {
      const [flag, inline] = word.split('=', 2);
      const option = options.find((o) => o.long === flag || o.short === flag);
      if (!option || !takesValue(option)) continue;
      const value = inline ?? typed[i + 1];
      if (inline === undefined) i++;
      if (value === undefined) parsed.pendingOption = option;
      else parsed.values.set(option.long ?? flag!, value);
    } else if (!parsed.command) {
      parsed.command = program.commands.find(
        (c) => c.name() === word || c.aliases().includes(word),
      );
      if (!parsed.command) return parsed;
    } else parsed.positionals.push(word);
  }
  return parsed;
}

async function candidatesFor(
  program: Command,
  parsed: Parsed,
  current: string,
  global: readonly Option[],
  lookup: Lookup,
): Promise<string[]> {
  if (parsed.pendingOption) return valuesOf(parsed.pendingOption, parsed, lookup);
  const command = parsed.command;
  if (current.startsWith('-')) return flagsOf([...(command?.options ?? []), ...global]);
  if (!command)
    return program.commands
      .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
      .map((c) => c.name());
  const args = command.registeredArguments.map((a) => a.name());
  const index = parsed.positionals.length;
  if (index === 0 && FIRST_WORDS[command.name()]) return FIRST_WORDS[command.name()]!;
  if (args[0] !== 'kind') return [];
  if (index === 0) return kindWords(command.name());
  if (index === 1 && args[1] === 'name') {
    const info = resolveKindName(parsed.positionals[0]!);
    return info ? lookup(info.plural, info.kind) : [];
  }
  return [];
}

function kindWords(command: string): string[] {
  const words = KIND_NAMES.flatMap((info) => [info.plural, info.singular, ...info.aliases]);
  if (command === 'get') words.push('pipeline', 'events', 'tokens');
  return [...new Set(words)];
}

async function valuesOf(option: Option, parsed: Parsed, lookup: Lookup): Promise<string[]> {
  if (option.long === '--output') return OUTPUT_FORMATS;
  const kind = option.long ? OPTION_KINDS[option.long] : undefined;
  if (!kind) return [];
  if (kind === 'projects') return lookup('projects');
  return lookup(kind, resolveKindName(kind)?.kind);
}

function flagsOf(options: readonly Option[]): string[] {
  return options
    .filter((o) => !o.hidden)
    .flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** Names of objects of a kind (Freight: names and aliases), in the typed or default project. */
function lookupOn(
  program: Command,
  context: () => CliContext,
  values: Map<string, string>,
): Lookup {
  return async (plural, kind) => {
    for (const flag of ['--server', '--token'] as const) {
      const value = values.get(flag);
      if (value !== undefined) program.setOptionValue(flag.slice(2), value);
    }
    const ctx = context();
    const info = KIND_NAMES.find((k) => k.plural === plural);
    if (!info) return [];
    const project =
      values.get('--project') ?? values.get('--namespace') ?? (ctx.env.GANTRY_PROJECT || undefined);
    if (info.namespaced && !project) return [];
    const { items } = await ctx.client.request<ListResponse>('GET', pathFor(info, project));
    return items.flatMap((item) => {
      const alias = kind === 'Freight' ? item.alias : undefined;
      return typeof alias === 'string' && alias !== ''
        ? [item.metadata.name, alias]
        : [item.metadata.name];
    });
  };
}
