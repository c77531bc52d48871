import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Registry } from 'prom-client';

/**
 * Probes and metrics on the same port as `/slack/events`: `/healthz` says the process is up,
 * `/readyz` that the database answers, `/metrics` is Prometheus text.
 */
export function healthRoutes(options: {
  checkDatabase: () => Promise<void>;
  registry: Registry;
}): CustomRoute[] {
  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => send(res, 200, JSON.stringify({ status: 'ok' })),
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        options
          .checkDatabase()
          .then(() => send(res, 200, JSON.stringify({ status: 'ready', database: 'ok' })))
          .catch(() => send(res, 503, JSON.stringify({ status: 'not ready', database: 'unreachable' })));
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        options.registry
          .metrics()
          .then((text) => send(res, 200, text, options.registry.contentType))
          .catch(() => send(res, 500, 'metrics unavailable', 'text/plain'));
      },
    },
  ];
}
