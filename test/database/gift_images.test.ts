import assert from 'node:assert';
import { inflateSync } from 'node:zlib';
import { app } from 'egg-mock/bootstrap';
import { QueryInterface } from 'sequelize';
import { draw, GIFTS } from '../../database/gift_images';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const moveSeeder = require('../../database/seeders/20261202000001-gift-images-served') as {
  up(queryInterface: QueryInterface): Promise<void>;
  down(queryInterface: QueryInterface): Promise<void>;
};

// supertest's parser for a body kept as bytes (superagent types its argument as its Response).
function binary(res: unknown, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

// CRC-32 bit by bit, independent of the generator's table.
/* eslint-disable no-bitwise */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
/* eslint-enable no-bitwise */

// Reads an 8-bit RGBA PNG with unfiltered rows, checking its signature, every chunk's CRC and its end; answers its pixels.
function decodePng(png: Buffer) {
  assert(png.subarray(0, 8).equals(Buffer.from([ 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a ])), 'PNG signature');
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const body = png.subarray(at + 4, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), crc32(body), 'chunk CRC');
    chunks.push({ type: body.subarray(0, 4).toString('latin1'), data: body.subarray(4) });
    at += 12 + length;
  }
  assert.equal(chunks[0].type, 'IHDR');
  assert.equal(chunks[chunks.length - 1].type, 'IEND');
  const header = chunks[0].data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  assert.deepEqual([ ...header.subarray(8) ], [ 8, 6, 0, 0, 0 ], 'RGBA, 8 bits, no interlace');
  const raw = inflateSync(Buffer.concat(chunks.filter(c => c.type === 'IDAT').map(c => c.data)));
  assert.equal(raw.length, height * (1 + width * 4));
  const rgba = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    const line = raw.subarray(row * (1 + width * 4), (row + 1) * (1 + width * 4));
    assert.equal(line[0], 0, 'filter type');
    line.copy(rgba, row * width * 4, 1);
  }
  return { width, height, rgba };
}

describe('test/database/gift_images.test.ts', () => {
  it('serves every catalogue gift\'s image at its stored path: a valid PNG, the one the generator draws', async () => {
    const gifts = (await app.httpRequest().get('/api/gift/list').expect(200)).body.data as Array<{ name: string; image: string }>;
    assert(gifts.length >= GIFTS.length);
    for (const gift of gifts) {
      const picture = GIFTS.find(({ name }) => name === gift.name);
      assert(picture, gift.name);
      // What the client builds: baseUrl + item.image (and imageUrl + d.gift_image, the same path).
      assert.equal(gift.image, `/public/gift/${picture.file}.png`);
      const res = await app.httpRequest().get(gift.image).buffer(true)
        .parse(binary)
        .expect(200);
      assert.equal(res.headers['content-type'], 'image/png');
      const decoded = decodePng(res.body as Buffer);
      const drawn = draw(picture);
      assert.deepEqual([ decoded.width, decoded.height ], [ drawn.width, drawn.height ]);
      assert(decoded.rgba.equals(drawn.rgba), `${picture.file}.png is the generator's drawing`);
      // Something is drawn, on a transparent ground.
      assert(decoded.rgba.some((value, i) => i % 4 === 3 && value === 255));
      assert.equal(decoded.rgba[3], 0);
    }
  });

  it('moves only the rows that still hold the first seeder\'s path, and back', async () => {
    const { Gift } = app.model;
    const queryInterface = app.model.getQueryInterface();
    const seeded = await Gift.create({ name: '鲜花', image: '/static/gift/2.png', coin: 987654 });
    const own = await Gift.create({ name: '鲜花', image: '/static/my-flower.png', coin: 987655 });
    try {
      await moveSeeder.up(queryInterface);
      assert.equal((await seeded.reload()).image, '/public/gift/flower.png');
      assert.equal((await own.reload()).image, '/static/my-flower.png');
      await moveSeeder.down(queryInterface);
      assert.equal((await seeded.reload()).image, '/static/gift/2.png');
      assert.equal((await own.reload()).image, '/static/my-flower.png');
    } finally {
      // down() moved the catalogue back too: up() again, then the test's rows go.
      await moveSeeder.up(queryInterface);
      await Gift.destroy({ where: { id: [ seeded.id, own.id ] } });
    }
    const catalogue = await Gift.findAll({ where: { name: GIFTS.map(({ name }) => name) } });
    assert(catalogue.every(gift => gift.image.startsWith('/public/gift/')));
  });
});
