import assert from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageSniffer, imageTypeOf } from '../../../app/common/image_type';

const FIXTURES = path.join(__dirname, '../../fixtures/images');
const IMAGES = {
  png: readFileSync(path.join(__dirname, '../../../app/public/gift/cake.png')),
  jpg: readFileSync(path.join(FIXTURES, 'tiny.jpg')),
  gif: readFileSync(path.join(FIXTURES, 'tiny.gif')),
  webp: readFileSync(path.join(FIXTURES, 'tiny.webp')),
};

// Runs bytes through a sniffer in chunks of `size`; answers what came out and the type it decided.
async function sniff(bytes: Buffer, size: number) {
  const sniffer = new ImageSniffer();
  const out: Buffer[] = [];
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  await pipeline(Readable.from(chunks), sniffer, new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk);
      callback();
    },
  }));
  return { bytes: Buffer.concat(out), type: sniffer.type };
}

describe('test/app/common/image_type.test.ts', () => {
  describe('imageTypeOf()', () => {
    it('knows JPEG, PNG, GIF (87a and 89a) and WebP by their first bytes', () => {
      for (const [ ext, bytes ] of Object.entries(IMAGES)) assert.equal(imageTypeOf(bytes.subarray(0, 16))?.ext, ext);
      assert.equal(imageTypeOf(Buffer.from('GIF87a\x01\x00\x01\x00', 'latin1'))?.mime, 'image/gif');
    });

    it('knows nothing else: pages, SVG, BMP, a RIFF that is no WebP, a PNG signature without IHDR, too few bytes', () => {
      const others = [ '<!doctype html><html>', '<svg xmlns="http://www.w3.org/2000/svg">', 'BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00',
        'RIFF\x24\x00\x00\x00WAVEfmt ', '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dXXXX', '\xff\xd8', '' ];
      for (const text of others) assert.equal(imageTypeOf(Buffer.from(text, 'latin1')), undefined, JSON.stringify(text));
    });
  });

  describe('ImageSniffer', () => {
    it('passes an image through unchanged however it is split, and says its type', async () => {
      for (const [ ext, bytes ] of Object.entries(IMAGES)) {
        for (const size of [ 1, 7, 16, 17, 4096 ]) {
          const result = await sniff(bytes, size);
          assert.equal(result.type?.ext, ext);
          assert(result.bytes.equals(bytes), `${ext} in chunks of ${size}`);
        }
      }
    });

    it('fails on anything else before passing a byte of it, short files included', async () => {
      for (const bytes of [ Buffer.from('<html>'.repeat(100)), Buffer.from('<b>'), Buffer.alloc(0) ]) {
        const out: Buffer[] = [];
        await assert.rejects(pipeline(Readable.from([ bytes ]), new ImageSniffer(), new Writable({
          write(chunk: Buffer, _encoding, callback) {
            out.push(chunk);
            callback();
          },
        })), { status: 415, message: '只能上传 JPEG、PNG、GIF 或 WebP 图片' });
        assert.equal(out.length, 0);
      }
    });
  });
});
