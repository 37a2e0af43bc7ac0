import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { DEVELOPMENT_ENVS } from '../../config/secrets';
import { intFromEnv } from '../../database/config';

// WeChat Pay API v3 settings (config.wxpay). Field names holding secrets contain "secret", so Egg's config dump
// (run/application_config.json) masks them.
export interface WxpayConfig {
  // All of the required variables are set; otherwise wxpay answers 暂未开通充值 and notify refuses.
  enable: boolean;
  appid: string;
  mchid: string;
  // Serial number of the merchant's API certificate: names the key that signs our requests.
  serial: string;
  // The merchant's private key, PEM.
  secretKey: string;
  // The APIv3 key (32 bytes): decrypts notification resources.
  apiV3Secret: string;
  // What may sign WeChat Pay's answers and notifications: platform certificate serial (upper-case hex) or public key
  // id -> public key, PEM.
  certs: Record<string, string>;
  notifyUrl: string;
  baseUrl: string;
  // Whole yuan one order may cost at most.
  maxPrice: number;
  coinsPerYuan: number;
  // Seconds an order may be paid after it is created (sent to WeChat Pay as time_expire).
  orderTtl: number;
  // Milliseconds a call to WeChat Pay may take.
  timeout: number;
  reconcile: {
    // Seconds between two runs of app/schedule/wxpay_reconcile.ts.
    interval: number;
    // Seconds an order stays pending before the schedule asks WeChat Pay about it (its notification may be lost).
    after: number;
  };
}

type Env = NodeJS.ProcessEnv;

// The variables that together turn payments on; WXPAY_PUBLIC_KEY_ID goes with WXPAY_PUBLIC_KEY.
export const WXPAY_REQUIRED = [ 'WXPAY_APPID', 'WXPAY_MCHID', 'WXPAY_SERIAL', 'WXPAY_PRIVATE_KEY', 'WXPAY_API_V3_KEY', 'WXPAY_NOTIFY_URL' ] as const;

function fail(message: string): never {
  throw new Error(`[cilicl-live] ${message}`);
}

// A PEM given inline, or the path of a file holding it.
function pemOrFile(name: string, value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  if (!existsSync(value)) fail(`${name} must be a PEM or the path of a file holding one; no file ${JSON.stringify(value)}`);
  return readFileSync(value, 'utf8');
}

// WXPAY_PLATFORM_CERTS: platform certificates (PEM, several concatenated) or comma-separated files; each one's
// serial is read from the certificate itself.
function platformCerts(value: string): Record<string, string> {
  const text = value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') :
    value.split(',').map(path => pemOrFile('WXPAY_PLATFORM_CERTS', path.trim())).join('\n');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!pems.length) fail('WXPAY_PLATFORM_CERTS holds no certificate');
  const certs: Record<string, string> = {};
  for (const pem of pems) {
    const cert = new X509Certificate(pem);
    certs[cert.serialNumber.toUpperCase()] = cert.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
  return certs;
}

function verifyingKeys(env: Env): Record<string, string> {
  const certs = env.WXPAY_PLATFORM_CERTS ? platformCerts(env.WXPAY_PLATFORM_CERTS) : {};
  if (env.WXPAY_PUBLIC_KEY || env.WXPAY_PUBLIC_KEY_ID) {
    if (!env.WXPAY_PUBLIC_KEY || !env.WXPAY_PUBLIC_KEY_ID) fail('WXPAY_PUBLIC_KEY and WXPAY_PUBLIC_KEY_ID go together');
    const pem = pemOrFile('WXPAY_PUBLIC_KEY', env.WXPAY_PUBLIC_KEY);
    try {
      certs[env.WXPAY_PUBLIC_KEY_ID] = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
    } catch {
      fail('WXPAY_PUBLIC_KEY is not a public key');
    }
  }
  if (!Object.keys(certs).length) fail('WeChat Pay needs WXPAY_PLATFORM_CERTS or WXPAY_PUBLIC_KEY with WXPAY_PUBLIC_KEY_ID to verify its answers');
  return certs;
}

// Reads the WXPAY_* variables. None set: payments are off. Some but not all: the start stops, naming what is missing
// (a half-filled configuration would take money it cannot verify or credit).
export function wxpayConfig(env: Env = process.env, serverEnv = 'local'): WxpayConfig {
  // The tests' stand-in gateway is plain http on 127.0.0.1; anywhere else money travels over https only.
  if (env.WXPAY_BASE_URL && !env.WXPAY_BASE_URL.startsWith('https://') && !DEVELOPMENT_ENVS.includes(serverEnv)) {
    fail(`WXPAY_BASE_URL must be an https URL outside local and unittest (EGG_SERVER_ENV=${serverEnv})`);
  }
  const set = WXPAY_REQUIRED.filter(name => env[name]);
  const config: WxpayConfig = {
    enable: false,
    appid: env.WXPAY_APPID || '',
    mchid: env.WXPAY_MCHID || '',
    serial: env.WXPAY_SERIAL || '',
    secretKey: '',
    apiV3Secret: '',
    certs: {},
    notifyUrl: env.WXPAY_NOTIFY_URL || '',
    baseUrl: env.WXPAY_BASE_URL || 'https://api.mch.weixin.qq.com/',
    maxPrice: intFromEnv('WXPAY_MAX_PRICE', 5000, 1, env),
    coinsPerYuan: intFromEnv('COINS_PER_YUAN', 1, 1, env),
    orderTtl: intFromEnv('WXPAY_ORDER_TTL', 1800, 60, env),
    timeout: intFromEnv('WXPAY_TIMEOUT', 10000, 100, env),
    reconcile: {
      interval: intFromEnv('WXPAY_RECONCILE_INTERVAL', 60, 1, env),
      after: intFromEnv('WXPAY_RECONCILE_AFTER', 300, 0, env),
    },
  };
  if (!set.length) return config;
  const missing = WXPAY_REQUIRED.filter(name => !env[name]);
  if (missing.length) fail(`WeChat Pay is half configured: set ${missing.join(', ')} too, or none of the WXPAY_* variables`);

  const secretKey = pemOrFile('WXPAY_PRIVATE_KEY', env.WXPAY_PRIVATE_KEY!);
  try {
    createPrivateKey(secretKey);
  } catch {
    fail('WXPAY_PRIVATE_KEY is not a private key');
  }
  const apiV3Secret = env.WXPAY_API_V3_KEY!;
  if (Buffer.byteLength(apiV3Secret) !== 32) fail('WXPAY_API_V3_KEY must be the 32-byte APIv3 key');
  if (!/^https?:\/\//.test(config.baseUrl)) fail('WXPAY_BASE_URL must be an http(s) URL');
  if (!/^https:\/\//.test(config.notifyUrl)) fail('WXPAY_NOTIFY_URL must be an https URL (WeChat Pay calls nothing else)');
  return { ...config, enable: true, secretKey, apiV3Secret, certs: verifyingKeys(env) };
}
