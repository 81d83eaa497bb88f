import { describeDocument } from '../api/describe-document.js';
import type { FieldIssue } from '../errors.js';
import type { SourcedDocument } from './manifest-files.js';

/** `pipeline.yaml: document 2 (Warehouse "api"): spec.…: required` */
export function describeIssue(doc: SourcedDocument, issue: FieldIssue): string {
  const what = describeDocument(doc.value);
  const where = `${doc.file}: document ${doc.index}${what ? ` (${what})` : ''}`;
  return `${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}
