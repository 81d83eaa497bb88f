/**
 * The completion scripts `gantry completion SHELL` prints. Each asks `gantry __complete` for
 * the candidates of the word being completed, passing the words typed so far (the current
 * one last, empty at a fresh word), so commands, flags, kinds and names all come from the
 * CLI itself and the server. Errors are silenced: a completion never prints one.
 */

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

const BASH = `# gantry completion for bash. Load it with:  source <(gantry completion bash)
_gantry_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  local candidates
  candidates="$(gantry __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)"
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}
complete -o default -F _gantry_complete gantry
`;

const ZSH = `#compdef gantry
# gantry completion for zsh. Load it with:  source <(gantry completion zsh)
_gantry() {
  local out
  out="$(gantry __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)"
  if [[ -z "$out" ]]; then
    _files
    return
  fi
  local -a candidates
  candidates=("\${(@f)out}")
  compadd -- "\${candidates[@]}"
}
if (( $+functions[compdef] )); then
  compdef _gantry gantry
fi
`;

const FISH = `# gantry completion for fish. Load it with:  gantry completion fish | source
function __gantry_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l cur (commandline -ct)
    gantry __complete $words "$cur" 2>/dev/null
end
complete -c gantry -f -a '(__gantry_complete)'
complete -c gantry -s f -l filename -r -F
`;

export function completionScript(shell: CompletionShell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
