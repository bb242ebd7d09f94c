import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 and an ephemeral port, recording every request it receives. */
export async function startTestServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, server: { origin: string }) => void,
): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const context = { origin: '' };
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res, context);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  context.origin = `http://127.0.0.1:${port}`;
  return {
    origin: context.origin,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, then released. */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
