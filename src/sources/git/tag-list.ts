import { runGit } from '../../git/git-cli.js';
import { rfc3339 } from './commit-log.js';

/** One tag and the commit it names, with the fields a tag `expressionFilter` can read. */
export interface TagInfo {
  tag: string;
  /** The commit the tag resolves to (an annotated tag's target). */
  id: string;
  /** The tag's date for an annotated tag, the commit's committer date for a lightweight one. */
  creatorDate: string;
  /** `Name <email>` of whoever made an annotated tag; '' for a lightweight tag. */
  tagger: string;
  /** The message of an annotated tag; '' for a lightweight tag. */
  annotation: string;
  /** The commit's `Name <email>` and committer date, and its subject. */
  author: string;
  committer: string;
  commitDate: string;
  subject: string;
}

const RECORD = '\x1e';
const FIELD = '\x1f';
// `*field` reads the object an annotated tag points at; the plain field reads the ref's own
// object. Both are listed, and the parser picks by object type. `contents` (the tag message,
// possibly several lines) comes last so whatever it holds cannot shift the other fields.
const FIELDS = [
  '%(refname)',
  '%(objecttype)',
  '%(objectname)',
  '%(*objecttype)',
  '%(*objectname)',
  '%(creatordate:unix)',
  '%(taggername) %(taggeremail)',
  '%(authorname) %(authoremail)',
  '%(*authorname) %(*authoremail)',
  '%(committername) %(committeremail)',
  '%(*committername) %(*committeremail)',
  '%(committerdate:unix)',
  '%(*committerdate:unix)',
  '%(subject)',
  '%(*subject)',
  '%(contents)',
];
const FORMAT = `--format=%1e${FIELDS.join('%1f')}`;

/**
 * Every tag of `repository` that resolves to a commit, in one `git for-each-ref`. Tags of
 * trees or blobs, and tags of tags, name no commit and are left out.
 */
export async function readTags(repository: string, signal?: AbortSignal): Promise<TagInfo[]> {
  const output = await runGit(['for-each-ref', FORMAT, 'refs/tags'], {
    cwd: repository,
    signal,
  });
  return parseTagList(output);
}

export function parseTagList(output: string): TagInfo[] {
  const tags: TagInfo[] = [];
  for (const record of output.split(RECORD).slice(1)) {
    const [
      ref = '',
      type = '',
      id = '',
      peeledType = '',
      peeledId = '',
      creatorDate = '',
      tagger = '',
      author = '',
      peeledAuthor = '',
      committer = '',
      peeledCommitter = '',
      commitDate = '',
      peeledCommitDate = '',
      subject = '',
      peeledSubject = '',
      ...contents
    ] = record.split(FIELD);
    const annotated = type === 'tag';
    if (annotated ? peeledType !== 'commit' : type !== 'commit') continue;
    tags.push({
      tag: ref.replace(/^refs\/tags\//, ''),
      id: annotated ? peeledId : id,
      creatorDate: rfc3339(Number(creatorDate)),
      tagger: annotated ? tagger.trim() : '',
      // for-each-ref ends each record with a newline, after the message's own.
      annotation: annotated ? contents.join(FIELD).replace(/\n+$/, '') : '',
      author: annotated ? peeledAuthor : author,
      committer: annotated ? peeledCommitter : committer,
      commitDate: rfc3339(Number(annotated ? peeledCommitDate : commitDate)),
      subject: annotated ? peeledSubject : subject,
    });
  }
  return tags;
}
