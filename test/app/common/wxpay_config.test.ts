import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mm } from 'egg-mock/bootstrap';
import { WXPAY_REQUIRED, wxpayConfig } from '../../../app/common/wxpay_config';

describe('test/app/common/wxpay_config.test.ts', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const full = {
    WXPAY_APPID: 'wx0123456789abcdef',
    WXPAY_MCHID: '1900000109',
    WXPAY_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    WXPAY_PRIVATE_KEY: privatePem,
    WXPAY_API_V3_KEY: randomBytes(16).toString('hex'),
    WXPAY_NOTIFY_URL: 'https://live.example.com/api/gift/notify',
    WXPAY_PUBLIC_KEY: publicPem,
    WXPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000',
  };

  afterEach(() => mm.restore());

  function withoutPublicKey(): Record<string, string> {
    const env: Record<string, string> = { ...full };
    delete env.WXPAY_PUBLIC_KEY;
    delete env.WXPAY_PUBLIC_KEY_ID;
    return env;
  }

  it('is off, with the defaults, when no WXPAY_* variable is set', () => {
    const config = wxpayConfig({});
    assert.equal(config.enable, false);
    assert.equal(config.baseUrl, 'https://api.mch.weixin.qq.com/');
    assert.equal(config.maxPrice, 5000);
    assert.equal(config.coinsPerYuan, 1);
    assert.equal(config.orderTtl, 1800);
    assert.deepEqual(config.reconcile, { interval: 60, after: 300 });
  });

  it('reads a full configuration: keys inline or from files, the public key under its id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-'));
    writeFileSync(join(dir, 'apiclient_key.pem'), privatePem);
    const config = wxpayConfig({
      ...full, WXPAY_PRIVATE_KEY: join(dir, 'apiclient_key.pem'),
      WXPAY_MAX_PRICE: '200', COINS_PER_YUAN: '10', WXPAY_RECONCILE_INTERVAL: '30', WXPAY_RECONCILE_AFTER: '120',
    });
    assert.equal(config.enable, true);
    assert.equal(config.secretKey, privatePem);
    assert.deepEqual(Object.keys(config.certs), [ full.WXPAY_PUBLIC_KEY_ID ]);
    assert(createPublicKey(config.certs[full.WXPAY_PUBLIC_KEY_ID]).equals(publicKey));
    assert.equal(config.maxPrice, 200);
    assert.equal(config.coinsPerYuan, 10);
    assert.deepEqual(config.reconcile, { interval: 30, after: 120 });
  });

  it('reads platform certificates (inline or files), each under its own serial', function() {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-'));
    const files = [ 'a', 'b' ].map(name => {
      const file = join(dir, `${name}.pem`);
      try {
        execFileSync('openssl', [ 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-days', '1',
          '-keyout', join(dir, `${name}.key`), '-out', file ], { stdio: 'ignore' });
      } catch {
        this.skip();
      }
      return file;
    });
    const serials = files.map(file => new X509Certificate(readFileSync(file)).serialNumber.toUpperCase());
    const base = withoutPublicKey();
    const fromFiles = wxpayConfig({ ...base, WXPAY_PLATFORM_CERTS: files.join(',') });
    assert.deepEqual(Object.keys(fromFiles.certs).sort(), [ ...serials ].sort());
    const inline = wxpayConfig({ ...base, WXPAY_PLATFORM_CERTS: files.map(file => readFileSync(file, 'utf8')).join('') });
    assert.deepEqual(inline.certs, fromFiles.certs);
    assert(createPublicKey(inline.certs[serials[0]]).equals(new X509Certificate(readFileSync(files[0])).publicKey));
  });

  it('refuses a half-filled configuration, naming what is missing', () => {
    for (const name of WXPAY_REQUIRED) {
      const env: Record<string, string> = { ...full };
      delete env[name];
      assert.throws(() => wxpayConfig(env), new RegExp(`half configured: set ${name} too`));
    }
    assert.throws(() => wxpayConfig(withoutPublicKey()), /WXPAY_PLATFORM_CERTS or WXPAY_PUBLIC_KEY/);
    assert.throws(() => wxpayConfig({ ...full, WXPAY_PUBLIC_KEY_ID: '' }), /WXPAY_PUBLIC_KEY and WXPAY_PUBLIC_KEY_ID go together/);
  });

  it('refuses keys and values it cannot use', () => {
    assert.throws(() => wxpayConfig({ ...full, WXPAY_API_V3_KEY: 'short' }), /WXPAY_API_V3_KEY must be the 32-byte APIv3 key/);
    assert.throws(() => wxpayConfig({ ...full, WXPAY_PRIVATE_KEY: '/no/such/key.pem' }), /WXPAY_PRIVATE_KEY must be a PEM/);
    assert.throws(() => wxpayConfig({ ...full, WXPAY_PRIVATE_KEY: publicPem }), /WXPAY_PRIVATE_KEY is not a private key/);
    assert.throws(() => wxpayConfig({ ...full, WXPAY_NOTIFY_URL: 'http://live.example.com/notify' }), /WXPAY_NOTIFY_URL must be an https URL/);
    assert.throws(() => wxpayConfig({ ...full, WXPAY_MAX_PRICE: '0' }), /WXPAY_MAX_PRICE must be a whole number of at least 1/);
    assert.throws(() => wxpayConfig({ ...full, WXPAY_PLATFORM_CERTS: '-----BEGIN nothing' }), /WXPAY_PLATFORM_CERTS holds no certificate/);
  });

  it('stops the app\'s start on a half-filled configuration, and production on a WXPAY_BASE_URL that is not https', async () => {
    mm(process.env, 'WXPAY_APPID', full.WXPAY_APPID);
    mm.env('unittest');
    const app = mm.app({ cache: false });
    try {
      await assert.rejects(app.ready(), /WeChat Pay is half configured/);
    } finally {
      await app.close().catch(() => undefined);
    }
    const standIn = { WXPAY_BASE_URL: 'http://127.0.0.1:9999/' };
    assert.throws(() => wxpayConfig(standIn, 'prod'), /WXPAY_BASE_URL must be an https URL outside local and unittest/);
    assert.throws(() => wxpayConfig(standIn, 'production'), /WXPAY_BASE_URL must be an https URL/);
    assert.doesNotThrow(() => wxpayConfig(standIn, 'unittest'));
    assert.doesNotThrow(() => wxpayConfig({ WXPAY_BASE_URL: 'https://api.mch.weixin.qq.com/' }, 'prod'));
  });
});
