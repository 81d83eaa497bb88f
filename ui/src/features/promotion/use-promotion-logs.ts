import { useEffect, useState } from 'react';
import type { LogEntry } from '../../api/types.js';

/**
 * A Promotion's log lines, live: the server streams them (Server-Sent Events) until the
 * Promotion has finished, then sends `end`. A dropped stream is reopened by the browser; the
 * lines already shown are not repeated, because the stream is read again from the start and
 * replaces them.
 */
export function usePromotionLogs(project: string, promotion: string): LogEntry[] {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  useEffect(() => {
    let lines: LogEntry[] = [];
    setEntries([]);
    const source = new EventSource(
      `/v1/projects/${encodeURIComponent(project)}/promotions/${encodeURIComponent(promotion)}/logs?follow=true`,
    );
    source.onopen = () => {
      lines = [];
    };
    source.onmessage = (message: MessageEvent<string>) => {
      lines = [...lines, JSON.parse(message.data) as LogEntry];
      setEntries(lines);
    };
    source.addEventListener('end', () => source.close());
    return () => source.close();
  }, [project, promotion]);
  return entries;
}
