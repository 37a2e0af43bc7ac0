import { Aes, Decorator, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { formatDateTime } from '../common/columns';
import { WxpayConfig } from '../common/wxpay_config';

// A payment as WeChat Pay describes it, in an order query's answer and in a notification's decrypted resource.
export interface WxpayTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_state: string;
  success_time?: string;
  amount?: { total: number; currency?: string };
}

// What uni.requestPayment({provider: 'wxpay', orderInfo}) takes for the APP.
export interface AppPayParams {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

// The notification's signature headers, as received.
export interface NotificationHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  serial?: string;
}

interface EncryptedResource {
  algorithm?: string;
  ciphertext?: string;
  associated_data?: string;
  nonce?: string;
}

// WeChat Pay's own rule for answers and notifications: a signature more than 5 minutes off is a replay.
export const MAX_CLOCK_SKEW = 300;

type V3Client = ReturnType<typeof Decorator.jsonBased>;

// An error of the gateway (refused, unreachable, or an answer whose signature does not verify), with its code.
export class WxpayError extends Error {
  code: string;
  status?: number;
  constructor(message: string, code: string, status?: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function wxpayError(err: unknown): WxpayError {
  const e = err as { message?: string; code?: string; response?: { status?: number; data?: { code?: string; message?: string } } };
  const data = e.response?.data;
  const code = (typeof data === 'object' && data?.code) || e.code || 'UNKNOWN';
  const message = (typeof data === 'object' && data?.message) || e.message || String(err);
  return new WxpayError(`[wxpay] ${code}: ${message}`, code, e.response?.status);
}

// The API v3 client of one configuration: wechatpay-axios-plugin signs each request with the merchant key and
// verifies each 2xx answer against config.certs (whatever the scheme of baseUrl: its https-only branch is API v2's).
export class Wxpay {
  readonly config: WxpayConfig;
  private readonly client: V3Client;

  constructor(config: WxpayConfig) {
    this.config = config;
    const options = {
      mchid: config.mchid,
      serial: config.serial,
      privateKey: config.secretKey,
      certs: { ...config.certs },
      baseURL: config.baseUrl,
      timeout: config.timeout,
    };
    this.client = Decorator.jsonBased(options);
  }

  // Asks for an APP prepay id (POST /v3/pay/transactions/app).
  async prepayApp(order: { no: string; amount: number; description: string; expireAt: Date }): Promise<string> {
    const { appid, mchid, notifyUrl } = this.config;
    const body = {
      appid,
      mchid,
      description: order.description,
      out_trade_no: order.no,
      // RFC 3339, as the API wants it.
      time_expire: `${formatDateTime(order.expireAt, '+08:00').replace(' ', 'T')}+08:00`,
      notify_url: notifyUrl,
      amount: { total: order.amount, currency: 'CNY' },
    };
    const answer = await this.call<{ prepay_id?: string }>('post', 'v3/pay/transactions/app', body);
    if (!answer?.prepay_id) throw new WxpayError('[wxpay] no prepay_id in the answer', 'NO_PREPAY_ID');
    return answer.prepay_id;
  }

  // The order's state at WeChat Pay; null when WeChat Pay has no such order (no prepay ever succeeded).
  async query(no: string): Promise<WxpayTransaction | null> {
    try {
      return await this.call<WxpayTransaction>('get', `v3/pay/transactions/out-trade-no/${encodeURIComponent(no)}`, undefined, { mchid: this.config.mchid });
    } catch (err) {
      if ((err as WxpayError).code === 'ORDER_NOT_EXIST') return null;
      throw err;
    }
  }

  // Closes an unpaid order so it can no longer be paid; WeChat Pay refuses for a paid one.
  async close(no: string): Promise<void> {
    await this.call('post', `v3/pay/transactions/out-trade-no/${encodeURIComponent(no)}/close`, { mchid: this.config.mchid });
  }

  // The APP's payment parameters: signed with the merchant key over appid, timestamp, nonce and prepay id.
  appParams(prepayId: string): AppPayParams {
    const { appid, mchid, secretKey } = this.config;
    const noncestr = Formatter.nonce();
    const timestamp = String(Formatter.timestamp());
    const sign = Rsa.sign(Formatter.joinedByLineFeed(appid, timestamp, noncestr, prepayId), secretKey);
    return { appid, partnerid: mchid, prepayid: prepayId, package: 'Sign=WXPay', noncestr, timestamp, sign };
  }

  // Why a notification must be refused, or null when its signature is WeChat Pay's and it is fresh.
  checkNotification(headers: NotificationHeaders, body: string, now = Date.now()): string | null {
    const { timestamp, nonce, signature, serial } = headers;
    if (!timestamp || !nonce || !signature || !serial) return '缺少签名';
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW) return '通知已过期';
    const { certs } = this.config;
    const known = [ serial, serial.toUpperCase() ].find(name => Object.prototype.hasOwnProperty.call(certs, name));
    if (!known) return '未知的平台证书';
    const key = certs[known];
    try {
      if (!Rsa.verify(Formatter.response(timestamp, nonce, body), signature, key)) return '签名验证失败';
    } catch {
      return '签名验证失败';
    }
    return null;
  }

  // The notification's transaction, decrypted with the APIv3 key (AES-256-GCM: a tampered resource fails its tag).
  decrypt(resource: EncryptedResource): WxpayTransaction {
    const { algorithm, ciphertext, associated_data: aad = '', nonce } = resource;
    if (algorithm !== 'AEAD_AES_256_GCM' || !ciphertext || !nonce) throw new WxpayError('[wxpay] unexpected resource', 'BAD_RESOURCE');
    const transaction = JSON.parse(Aes.AesGcm.decrypt(ciphertext, this.config.apiV3Secret, nonce, aad));
    if (typeof transaction !== 'object' || !transaction) throw new WxpayError('[wxpay] the resource is not a transaction', 'BAD_RESOURCE');
    return transaction;
  }

  private async call<T>(method: 'get' | 'post', url: string, data?: unknown, params?: Record<string, string>): Promise<T> {
    try {
      const res = await this.client.request({ method, url, data, params });
      return res.data as T;
    } catch (err) {
      throw wxpayError(err);
    }
  }
}

// One client per configuration object (tests swap app.config.wxpay), so keys are parsed once.
const clients = new WeakMap<WxpayConfig, Wxpay>();

export function wxpayOf(config: WxpayConfig): Wxpay {
  let client = clients.get(config);
  if (!client) {
    client = new Wxpay(config);
    clients.set(config, client);
  }
  return client;
}

