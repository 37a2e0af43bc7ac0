import assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { app, mm } from 'egg-mock/bootstrap';
import { until } from '../../../lib/until';
import { registerAndLogin } from '../../../support';

const FIXTURES = path.join(__dirname, '../../../fixtures/images');
const IMAGES = {
  // A PNG the project ships (database/gift_images.js drew it); the others made with ffmpeg's testsrc.
  png: { bytes: readFileSync(path.join(__dirname, '../../../../app/public/gift/heart.png')), mime: 'image/png' },
  jpg: { bytes: readFileSync(path.join(FIXTURES, 'tiny.jpg')), mime: 'image/jpeg' },
  gif: { bytes: readFileSync(path.join(FIXTURES, 'tiny.gif')), mime: 'image/gif' },
  webp: { bytes: readFileSync(path.join(FIXTURES, 'tiny.webp')), mime: 'image/webp' },
};
const PAGE = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const URL_PATTERN = /^\/public\/uploads\/(\d{4})\/(\d{2})\/(\d{2})\/([0-9a-f]{32})\.(jpg|png|gif|webp)$/;
const BOUNDARY = '----cilicl-upload-test';
const MB = 1024 * 1024;

interface FilePart { field: string; filename: string; type?: string; bytes: Buffer }

// A multipart/form-data body written by hand, so names and types are exactly what a test says (form-data, under
// supertest's attach(), takes the base name of a filename).
function formBody(files: FilePart[], fields: Record<string, string> = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const [ name, value ] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const { field, filename, type, bytes } of files) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      `Content-Type: ${type ?? 'application/octet-stream'}\r\n\r\n`), bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

// supertest's parser for a body kept as bytes.
// (superagent types its argument as its Response; in Node it is the incoming message.)
function binary(res: unknown, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

// Every entry under dir, dot files and folders included, relative to it.
async function entries(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found.filter(entry => entry.isFile()).map(entry => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name))).sort();
}

describe('test/app/controller/api/upload.test.ts', () => {
  let token: string;
  let dir: string;

  before(async () => {
    token = (await registerAndLogin()).token;
  });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cilicl-upload-'));
    mm(app.config.upload, 'dir', dir);
  });

  afterEach(async () => {
    mm.restore();
    await rm(dir, { recursive: true, force: true });
  });

  function upload(files: FilePart[], fields?: Record<string, string>, auth = token) {
    const req = app.httpRequest().post('/api/upload')
      .set('content-type', `multipart/form-data; boundary=${BOUNDARY}`);
    if (auth) req.set('token', auth);
    return req.send(formBody(files, fields));
  }

  // The file a stored URL names, under UPLOAD_DIR.
  function stored(url: string): string {
    return path.join(dir, url.slice('/public/uploads/'.length));
  }

  describe('POST /api/upload', () => {
    it('lets a user upload config.rateLimit.upload.limit images per window, then answers 429 and stores nothing', async () => {
      const { token: own } = await registerAndLogin();
      mm(app.config.rateLimit.upload, 'limit', 1);
      mm(app.config.rateLimit.upload, 'window', 3600);
      const file = [{ field: 'files', filename: 'a.png', bytes: IMAGES.png.bytes }];
      await upload(file, undefined, own).expect(200);
      const res = await upload(file, undefined, own).expect(429);
      assert.deepEqual(res.body, { msg: 'fail', data: '上传太频繁，每 1 小时最多 1 次' });
      assert.equal((await entries(dir)).length, 1);
    });

    Object.entries(IMAGES).forEach(([ ext, image ]) => {
      it(`stores a ${ext} byte for byte and serves it back as ${image.mime}, cached for good and never sniffed`, async () => {
        const res = await upload([{ field: 'files', filename: `cover.${ext}`, type: image.mime, bytes: image.bytes }]).expect(200);
        assert.equal(res.body.msg, 'ok');
        const { url } = res.body.data;
        const match = URL_PATTERN.exec(url);
        assert(match, url);
        assert.equal(match[5], ext);
        // The day folder is today's (UTC).
        const today = new Date();
        assert.deepEqual(match.slice(1, 4).map(Number), [ today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate() ]);
        assert(readFileSync(stored(url)).equals(image.bytes));
        assert.deepEqual(await entries(dir), [ url.slice('/public/uploads/'.length) ]);

        const served = await app.httpRequest().get(url).buffer(true)
          .parse(binary)
          .expect(200);
        assert.equal(served.headers['content-type'], image.mime);
        assert.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable');
        assert.equal(served.headers['x-content-type-options'], 'nosniff');
        assert.equal(Number(served.headers['content-length']), image.bytes.length);
        assert((served.body as Buffer).equals(image.bytes));
      });
    });

    it('takes the extension from the bytes, never from the name or the declared type', async () => {
      for (const filename of [ 'photo.jpg', 'blob', 'cover.html', 'x.png.exe' ]) {
        const res = await upload([{ field: 'files', filename, type: 'text/html', bytes: IMAGES.png.bytes }]).expect(200);
        assert.match(res.body.data.url, /\.png$/, filename);
        const served = await app.httpRequest().get(res.body.data.url).expect(200);
        assert.equal(served.headers['content-type'], 'image/png');
      }
      const res = await upload([{ field: 'files', filename: 'cover.png', type: 'image/png', bytes: IMAGES.gif.bytes }]).expect(200);
      assert.match(res.body.data.url, /\.gif$/);
    });

    it('refuses a page named .png, a text file, an empty file and a truncated signature, and keeps nothing', async () => {
      const refused = [ PAGE, Buffer.from('just some text that is long enough'), Buffer.alloc(0), IMAGES.png.bytes.subarray(0, 6),
        // A PNG signature without its IHDR chunk.
        Buffer.concat([ IMAGES.png.bytes.subarray(0, 8), Buffer.from('<html><body>not an image</body></html>') ]) ];
      for (const bytes of refused) {
        const res = await upload([{ field: 'files', filename: 'cover.png', type: 'image/png', bytes }]).expect(415);
        assert.deepEqual(res.body, { msg: 'fail', data: '只能上传 JPEG、PNG、GIF 或 WebP 图片' });
      }
      assert.deepEqual(await entries(dir), []);
    });

    it('accepts the console\'s field name `file`, and ignores other form fields', async () => {
      const res = await upload([{ field: 'file', filename: 'a.webp', bytes: IMAGES.webp.bytes }], { title: 'x' }).expect(200);
      assert.match(res.body.data.url, URL_PATTERN);
      assert(readFileSync(stored(res.body.data.url)).equals(IMAGES.webp.bytes));
    });

    it('refuses a form without an image in `files` or `file`, and a body that is not multipart', async () => {
      let res = await upload([{ field: 'avatar', filename: 'a.png', bytes: IMAGES.png.bytes }]).expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '请选择要上传的图片' });
      res = await upload([], { files: 'not a file' }).expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '请选择要上传的图片' });
      res = await app.httpRequest().post('/api/upload').set('token', token)
        .send({ files: 'x' })
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '请用 multipart/form-data 上传图片' });
      assert.deepEqual(await entries(dir), []);
    });

    it('answers a malformed multipart body with a 400 envelope', async () => {
      let res = await app.httpRequest().post('/api/upload').set('token', token)
        .set('content-type', 'multipart/form-data')
        .send(Buffer.from('no boundary'))
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '请求体格式不正确' });
      res = await app.httpRequest().post('/api/upload').set('token', token)
        .set('content-type', `multipart/form-data; boundary=${BOUNDARY}`)
        .send(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="a.png"\r\n\r\n`))
        .expect(400);
      assert.deepEqual(res.body, { msg: 'fail', data: '请求体格式不正确' });
      assert.deepEqual(await entries(dir), []);
    });

    it('refuses a request without a token (401, the course\'s message) and stores nothing', async () => {
      const res = await upload([{ field: 'files', filename: 'a.png', bytes: IMAGES.png.bytes }], {}, '').expect(401);
      assert.deepEqual(res.body, { msg: 'fail', data: '您没有权限访问该接口!' });
      await upload([{ field: 'files', filename: 'a.png', bytes: IMAGES.png.bytes }], {}, 'not-a-token').expect(401);
      assert.deepEqual(await entries(dir), []);
    });

    it('stores a file named to climb out of UPLOAD_DIR under UPLOAD_DIR, with a random name', async () => {
      const names = [ '../../x.png', '..\\..\\x.png', '/etc/cilicl-x.png', '%2e%2e%2fx.png', 'a/../../../x.png' ];
      const urls: string[] = [];
      for (const filename of names) {
        const res = await upload([{ field: 'files', filename, bytes: IMAGES.png.bytes }]).expect(200);
        urls.push(res.body.data.url);
      }
      assert.equal(new Set(urls).size, names.length);
      const files = await entries(dir);
      assert.deepEqual(files, urls.map(url => url.slice('/public/uploads/'.length)).sort());
      for (const file of files) assert.match(`/public/uploads/${file}`, URL_PATTERN);
      for (const outside of [ path.join(dir, '../../x.png'), path.join(dir, '../x.png'), '/etc/cilicl-x.png' ]) {
        assert(!existsSync(outside), outside);
      }
    });

    it('gives the same bytes uploaded twice two different random names', async () => {
      const urls = new Set<string>();
      for (let i = 0; i < 3; i++) {
        urls.add((await upload([{ field: 'files', filename: 'same.png', bytes: IMAGES.png.bytes }]).expect(200)).body.data.url);
      }
      assert.equal(urls.size, 3);
    });

    it('takes an image of exactly UPLOAD_MAX_SIZE and refuses one byte more, keeping nothing of it', async () => {
      mm(app.config.upload, 'maxSize', 2000);
      const exact = Buffer.concat([ IMAGES.png.bytes, Buffer.alloc(2000 - IMAGES.png.bytes.length) ]);
      const res = await upload([{ field: 'files', filename: 'a.png', bytes: exact }]).expect(200);
      assert(readFileSync(stored(res.body.data.url)).equals(exact));
      const over = await upload([{ field: 'files', filename: 'b.png', bytes: Buffer.concat([ exact, Buffer.from([ 0 ]) ]) }]).expect(413);
      assert.deepEqual(over.body, { msg: 'fail', data: '图片不能超过 2 KB' });
      assert.deepEqual(await entries(dir), [ res.body.data.url.slice('/public/uploads/'.length) ]);
    });

    it('refuses a second file in one request and keeps neither', async () => {
      const res = await upload([
        { field: 'files', filename: 'a.png', bytes: IMAGES.png.bytes },
        { field: 'files', filename: 'b.png', bytes: IMAGES.png.bytes },
      ]).expect(413);
      assert.deepEqual(res.body, { msg: 'fail', data: '一次只能上传一个文件' });
      assert.deepEqual(await entries(dir), []);
    });

    it('answers egg-multipart\'s form limits in the envelope, and keeps nothing', async () => {
      const image = { field: 'files', filename: 'a.png', bytes: IMAGES.png.bytes };
      let res = await upload([ image ], { note: 'x'.repeat(200 * 1024) }).expect(413);
      assert.deepEqual(res.body, { msg: 'fail', data: '表单字段过长' });
      const fields = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [ `f${i}`, 'x' ]));
      res = await upload([ image ], fields).expect(413);
      assert.deepEqual(res.body, { msg: 'fail', data: '表单字段过多' });
      assert.deepEqual(await entries(dir), []);
    });

    describe('a 60 MB upload, streamed', () => {
      let server: http.Server;
      let port: number;

      before(async () => {
        server = http.createServer(app.callback());
        await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
        port = (server.address() as AddressInfo).port;
      });

      after(() => new Promise<void>(resolve => server.close(() => resolve())));

      // A PNG's head and then 60 MB of zeros from one 1 MB buffer, so the test holds no 60 MB anywhere.
      function send(declareLength: boolean): Promise<{ status: number; body: unknown }> {
        const head = Buffer.concat([ Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\n` +
          'Content-Type: image/png\r\n\r\n'), IMAGES.png.bytes.subarray(0, 33) ]);
        const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
        const zeros = Buffer.alloc(MB);
        const body = Readable.from((function* () {
          yield head;
          for (let i = 0; i < 60; i++) yield zeros;
          yield tail;
        })());
        const headers: Record<string, string | number> = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, token };
        if (declareLength) headers['content-length'] = head.length + 60 * MB + tail.length;
        return new Promise((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/upload', headers }, res => {
            const chunks: Buffer[] = [];
            res.on('data', chunk => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
          });
          req.on('error', reject);
          body.pipe(req);
        });
      }

      it('is refused with 413 by its declared length, before a byte is stored', async () => {
        const res = await send(true);
        assert.deepEqual(res, { status: 413, body: { msg: 'fail', data: '图片不能超过 5 MB' } });
        assert.deepEqual(await entries(dir), []);
      });

      it('removes the unfinished file of a connection cut mid-upload', async () => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/upload', headers: {
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`, token,
        } });
        req.on('error', () => undefined);
        req.write(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="cut.png"\r\n\r\n`));
        req.write(Buffer.concat([ IMAGES.png.bytes, Buffer.alloc(256 * 1024) ]));
        await until('the upload to be written', async () => (await entries(dir)).some(file => file.endsWith('.part')), 5000, 20);
        req.destroy();
        await until('the unfinished file to be removed', async () => (await entries(dir)).length === 0, 5000, 20);
      });

      it('is refused with 413 when sent chunked, and the part written so far is removed', async () => {
        const res = await send(false);
        assert.deepEqual(res, { status: 413, body: { msg: 'fail', data: '图片不能超过 5 MB' } });
        assert.deepEqual(await entries(dir), []);
      });
    });

    it('answers with a URL that fits a room\'s cover, and the room keeps it', async () => {
      const { url } = (await upload([{ field: 'files', filename: 'a.jpg', bytes: IMAGES.jpg.bytes }]).expect(200)).body.data;
      assert(url.length <= 200);
      const res = await app.httpRequest().post('/api/live/create').set('token', token)
        .send({ title: '有封面', cover: url })
        .expect(200);
      assert.equal(res.body.data.data.cover, url);
    });
  });

  describe('GET /public/uploads/...', () => {
    async function uploaded() {
      return (await upload([{ field: 'files', filename: 'a.png', bytes: IMAGES.png.bytes }]).expect(200)).body.data.url as string;
    }

    it('answers 304 to a revalidation and a head request without a body', async () => {
      const url = await uploaded();
      const first = await app.httpRequest().get(url).expect(200);
      await app.httpRequest().get(url).set('if-modified-since', first.headers['last-modified'])
        .expect(304);
      const head = await app.httpRequest().head(url).expect(200);
      assert.equal(head.headers['content-type'], 'image/png');
      assert.equal(Number(head.headers['content-length']), IMAGES.png.bytes.length);
    });

    it('answers 404 in the envelope for a missing image, a file that is no stored name, and a path that climbs', async () => {
      const url = await uploaded();
      const day = url.split('/').slice(3, 6).join('/');
      // Files that are in UPLOAD_DIR but under no name an upload gets: an unfinished upload, a page, a folder's.
      await writeFile(path.join(dir, day, `.${'a'.repeat(32)}.part`), PAGE);
      await writeFile(path.join(dir, day, 'page.html'), PAGE);
      await mkdir(path.join(dir, day, `${'b'.repeat(32)}.png`));
      const missing = url.replace(/[0-9a-f]{32}/, randomBytes(16).toString('hex'));
      for (const target of [ missing, `/public/uploads/${day}/.${'a'.repeat(32)}.part`, `/public/uploads/${day}/page.html`,
        `/public/uploads/${day}/${'b'.repeat(32)}.png`, url.replace('.png', '.gif'), '/public/uploads/../../package.json',
        '/public/uploads/%2e%2e/%2e%2e/package.json' ]) {
        const res = await app.httpRequest().get(target).expect(404);
        assert.equal(res.body.msg, 'fail', target);
        assert.match(res.headers['content-type'], /application\/json/, target);
      }
    });
  });
});
