import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

// A local stand-in for WeChat Pay's API v3 gateway (https://api.mch.weixin.qq.com), answering as its documentation
// does: it checks the merchant's Authorization signature, answers prepay ids, order queries and closes signed with a
// platform key of its own, and builds signed, AES-256-GCM encrypted payment notifications. No test framework here.

const pem = (key: { export(options: { type: 'spki' | 'pkcs8'; format: 'pem' }): string | Buffer }, type: 'spki' | 'pkcs8') =>
  key.export({ type, format: 'pem' }).toString();

// A merchant of the tests: its key pair, ids and APIv3 key.
export function testMerchant() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    appid: 'wx' + randomBytes(8).toString('hex'),
    mchid: String(1900000000 + Math.floor(Math.random() * 99999999)),
    serial: randomBytes(20).toString('hex').toUpperCase(),
    privateKey: pem(privateKey, 'pkcs8'),
    publicKey: pem(publicKey, 'spki'),
    apiV3Key: randomBytes(16).toString('hex'),
  };
}

export type TestMerchant = ReturnType<typeof testMerchant>;

export interface GatewayOrder {
  appid: string;
  mchid: string;
  out_trade_no: string;
  description: string;
  notify_url: string;
  time_expire?: string;
  amount: { total: number; currency: string };
  prepay_id: string;
  trade_state: 'NOTPAY' | 'SUCCESS' | 'CLOSED';
  transaction_id?: string;
  success_time?: string;
}

function sign(message: string, privateKey: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
}

export class WxpayGateway {
  readonly merchant: TestMerchant;
  readonly platformSerial = randomBytes(20).toString('hex').toUpperCase();
  readonly platformPrivateKey: string;
  readonly platformPublicKey: string;
  readonly orders = new Map<string, GatewayOrder>();
  // Every request as received, and whether its Authorization verified.
  readonly requests: Array<{ method: string; path: string; body: string; authorized: boolean }> = [];
  // Changes the next answers' bodies after signing them (a man in the middle), while set.
  tamper = false;
  // Answers the next requests with this status and error body, while set.
  failWith?: { status: number; code: string; message: string };
  private server?: Server;

  constructor(merchant: TestMerchant) {
    this.merchant = merchant;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.platformPrivateKey = pem(privateKey, 'pkcs8');
    this.platformPublicKey = pem(publicKey, 'spki');
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.server?.close(resolve));
  }

  // The payer paid: the order's state becomes SUCCESS; answers the transaction WeChat Pay would report.
  pay(no: string, overrides: Partial<GatewayOrder> = {}) {
    const order = this.orders.get(no);
    if (!order) throw new Error(`the gateway has no order ${no}`);
    Object.assign(order, {
      trade_state: 'SUCCESS',
      transaction_id: '4200' + String(Date.now()) + randomBytes(5).toString('hex').slice(0, 10),
      success_time: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
    }, overrides);
    return this.transaction(order);
  }

  transaction(order: GatewayOrder) {
    const { appid, mchid, out_trade_no, transaction_id, trade_state, success_time, amount } = order;
    return {
      appid, mchid, out_trade_no, transaction_id, trade_type: 'APP', trade_state, trade_state_desc: trade_state,
      bank_type: 'OTHERS', attach: '', success_time, payer: { openid: 'o-test-payer' },
      amount: { total: amount.total, payer_total: amount.total, currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  // A payment notification as WeChat Pay posts it: headers and the exact body text.
  notification(transaction: object, options: { timestamp?: number; serial?: string; key?: string; apiV3Key?: string } = {}) {
    const nonce = randomBytes(16).toString('hex');
    const iv = randomBytes(6).toString('hex');
    const cipher = createCipheriv('aes-256-gcm', options.apiV3Key ?? this.merchant.apiV3Key, iv).setAAD(Buffer.from('transaction'));
    const ciphertext = Buffer.concat([ cipher.update(JSON.stringify(transaction), 'utf8'), cipher.final(), cipher.getAuthTag() ]).toString('base64');
    const body = JSON.stringify({
      id: randomBytes(16).toString('hex'),
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: iv },
    });
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': options.serial ?? this.platformSerial,
      'wechatpay-signature': sign(`${timestamp}\n${nonce}\n${body}\n`, options.key ?? this.platformPrivateKey),
    };
    return { headers, body };
  }

  private authorized(req: IncomingMessage, body: string): boolean {
    const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const fields = Object.fromEntries([ ...match[1].matchAll(/(\w+)="([^"]*)"/g) ].map(([ , k, v ]) => [ k, v ]));
    if (fields.mchid !== this.merchant.mchid || fields.serial_no !== this.merchant.serial) return false;
    if (Math.abs(Date.now() / 1000 - Number(fields.timestamp)) > 300) return false;
    const message = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
    return createVerify('RSA-SHA256').update(message).verify(this.merchant.publicKey, fields.signature ?? '', 'base64');
  }

  private answer(res: ServerResponse, status: number, payload?: object) {
    const body = payload ? JSON.stringify(payload) : '';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = sign(`${timestamp}\n${nonce}\n${body}\n`, this.platformPrivateKey);
    const sent = this.tamper && body ? body.replace(/"total":(\d+)/, '"total":1$1').replace(/"prepay_id":"/, '"prepay_id":"x') : body;
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': randomBytes(8).toString('hex'),
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': this.platformSerial,
      'wechatpay-signature': signature,
    });
    res.end(sent);
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', chunk => { body += chunk; });
    req.on('end', () => {
      const authorized = this.authorized(req, body);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push({ method: req.method ?? '', path: url.pathname, body, authorized });
      if (!authorized) return this.answer(res, 401, { code: 'SIGN_ERROR', message: '签名错误' });
      if (this.failWith) return this.answer(res, this.failWith.status, { code: this.failWith.code, message: this.failWith.message });
      const data = body ? JSON.parse(body) : {};
      const query = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(url.pathname);
      if (req.method === 'POST' && url.pathname === '/v3/pay/transactions/app') return this.prepay(res, data);
      if (query && req.method === 'GET' && !query[2]) {
        const order = this.orders.get(decodeURIComponent(query[1]));
        if (url.searchParams.get('mchid') !== this.merchant.mchid) return this.answer(res, 400, { code: 'PARAM_ERROR', message: 'mchid' });
        if (!order) return this.answer(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
        return this.answer(res, 200, this.transaction(order));
      }
      if (query && req.method === 'POST' && query[2]) {
        const order = this.orders.get(decodeURIComponent(query[1]));
        if (data.mchid !== this.merchant.mchid) return this.answer(res, 400, { code: 'PARAM_ERROR', message: 'mchid' });
        if (!order) return this.answer(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
        if (order.trade_state === 'SUCCESS') return this.answer(res, 400, { code: 'ORDERPAID', message: '订单已支付' });
        order.trade_state = 'CLOSED';
        return this.answer(res, 204);
      }
      this.answer(res, 404, { code: 'NOT_FOUND', message: 'no such API' });
    });
  }

  private prepay(res: ServerResponse, data: Record<string, any>) {
    const { appid, mchid, out_trade_no: no, description, notify_url: notifyUrl, amount } = data;
    if (appid !== this.merchant.appid || mchid !== this.merchant.mchid || typeof no !== 'string' || !description ||
      !/^https:\/\//.test(notifyUrl) || !Number.isInteger(amount?.total) || amount.total < 1) {
      return this.answer(res, 400, { code: 'PARAM_ERROR', message: '参数错误' });
    }
    const known = this.orders.get(no);
    if (known) return this.answer(res, 200, { prepay_id: known.prepay_id });
    const prepayId = 'wx' + randomBytes(16).toString('hex');
    this.orders.set(no, {
      appid, mchid, out_trade_no: no, description, notify_url: notifyUrl, time_expire: data.time_expire,
      amount: { total: amount.total, currency: amount.currency ?? 'CNY' }, prepay_id: prepayId, trade_state: 'NOTPAY',
    });
    this.answer(res, 200, { prepay_id: prepayId });
  }
}
