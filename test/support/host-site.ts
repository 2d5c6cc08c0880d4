import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One page of a host site: its body (inside a standard HTML shell) and extra response headers. */
export interface HostPage {
  body: string;
  headers?: Record<string, string>;
}

export interface HostSite {
  origin: string;
  close(): Promise<void>;
}

/** Somebody else's website, on its own origin, that embeds the widget. */
export async function startHostSite(
  pages: (echotune: string) => Record<string, HostPage>,
  echotune: string,
  port = 0,
): Promise<HostSite> {
  const routes = pages(echotune);
  const server: Server = createServer((request, response) => {
    const page = routes[request.url?.split('?')[0] ?? '/'];
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...page.headers });
    response.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host shop</title></head><body>${page.body}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A site key for `origins`, made through the admin API. */
export async function createSiteKey(
  echotune: string,
  adminToken: string,
  origins: string[],
): Promise<string> {
  const response = await fetch(`${echotune}/api/v1/admin/site-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Shop', origins }),
  });
  if (response.status !== 201) throw new Error(`site key: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}
