import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOn, type Listening } from './listen.js';

export interface GitHttpHandlerOptions {
  /** The directory holding the bare repositories (`NAME.git`) it serves. */
  root: string;
  /**
   * The user `git http-backend` is told pushed (it accepts pushes only from an authenticated
   * user); nothing checks it.
   */
  remoteUser?: string;
}

/**
 * A Node request handler serving every bare repository under `root` over git's smart HTTP
 * protocol, by running `git http-backend` (the CGI program that ships with git) per request.
 * Pushes are allowed. It checks no credentials: callers that need them check before calling.
 */
export function gitHttpHandler(
  options: GitHttpHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress,
      REMOTE_USER: options.remoteUser ?? 'gantry',
      GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding'])
      env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const cgi = spawn('git', ['http-backend'], { env });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      // CGI output: header lines, a blank line, then the body.
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split(/\r?\n/)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else if (name) res.setHeader(name, value);
      }
      res.writeHead(status);
      headersSent = true;
      res.write(head.subarray(end + (end === crlf ? 4 : 2)));
    });
    cgi.stdout.on('end', () => res.end());
    cgi.on('error', () => res.destroy());
  };
}

/**
 * Serves the bare repositories under `root` at `http://HOST:PORT/NAME.git` (port 0: any free
 * port). A demo component of `gantry quickstart`, not part of the server: no credentials.
 */
export async function startGitHttpServer(options: {
  root: string;
  host: string;
  port: number;
  /** What it is called in errors; default "git server". */
  what?: string;
}): Promise<Listening> {
  return listenOn(
    createServer(gitHttpHandler({ root: options.root })),
    options,
    options.what ?? 'git server',
  );
}
