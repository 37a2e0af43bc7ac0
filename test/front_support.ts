import assert from 'node:assert';
import { app } from 'egg-mock/bootstrap';

// Checks the Content-Security-Policy of a page asked for as host 127.0.0.1: config.security.csp's, with the origins
// app/middleware/front_csp.ts adds (the app's WebSocket, the media server's HTTP-FLV and WebSocket-FLV).
export function checkPagePolicy(header: string): void {
  const policy = new Map(header.split(';').map(part => {
    const [ name, ...values ] = part.trim().split(/\s+/);
    return [ name, values ] as [string, string[]];
  }));
  assert.deepEqual(policy.get('default-src'), [ "'self'" ]);
  // Only the app's own scripts (egg-security appends a nonce): no 'unsafe-inline', no CDN.
  assert.deepEqual(policy.get('script-src')?.filter(value => !value.startsWith("'nonce-")), [ "'self'" ]);
  assert.deepEqual(policy.get('style-src'), [ "'self'" ]);
  assert.deepEqual(policy.get('img-src'), [ "'self'", 'data:', 'blob:' ]);
  assert.deepEqual(policy.get('media-src'), [ "'self'", 'blob:' ]);
  assert.deepEqual(policy.get('object-src'), [ "'none'" ]);
  const { flvPort } = app.config.media;
  assert.deepEqual(policy.get('connect-src'), [ "'self'", 'ws://127.0.0.1', `http://127.0.0.1:${flvPort}`, `ws://127.0.0.1:${flvPort}` ]);
}

// A page's own module script (egg-view-nunjucks adds the CSP nonce to each script tag).
export function scriptTag(src: string): RegExp {
  return new RegExp(`<script (type="module" )?src="${src.replace(/[.]/g, '\\.')}"( nonce="[^"]+")?></script>`);
}

// Nothing inline that the policy would have to allow: no inline script, no event-handler attribute, no style attribute.
export function assertNothingInline(html: string): void {
  assert(!/<script(?![^>]*\ssrc=)[^>]*>/i.test(html), 'an inline script');
  assert(!/<[^>]*\son[a-z]+\s*=/i.test(html), 'an inline event handler');
  assert(!/<[^>]*\sstyle\s*=/i.test(html), 'a style attribute');
}
