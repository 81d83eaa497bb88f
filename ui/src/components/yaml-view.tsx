import { useEffect, useState } from 'react';

/**
 * An object as YAML, with a Copy button: exactly what the API returned (Secrets come from the
 * API with their values removed; nothing else is hidden or added). The YAML writer is loaded
 * on first use, so pages that never show YAML do not carry it.
 */
export function YamlView({ object }: { object: unknown }) {
  const [text, setText] = useState<string>();
  const [copied, setCopied] = useState<string>();
  useEffect(() => {
    let current = true;
    void import('./to-yaml.js').then(({ toYaml }) => {
      if (current) setText(toYaml(object));
    });
    return () => {
      current = false;
    };
  }, [object]);
  const copy = async () => {
    if (text === undefined) return;
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
    } catch {
      setCopied('The browser refused the clipboard: select the text and copy it');
    }
  };
  return (
    <div className="yaml-view" data-testid="yaml-view">
      <div className="yaml-actions">
        <button type="button" onClick={() => void copy()} disabled={text === undefined}>
          Copy
        </button>
        {copied && (
          <span className="muted" data-testid="yaml-copied">
            {copied}
          </span>
        )}
      </div>
      <pre className="yaml" data-testid="yaml-text">
        {text ?? 'Loading…'}
      </pre>
    </div>
  );
}
