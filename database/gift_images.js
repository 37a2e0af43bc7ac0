'use strict';

// Draws the gift catalogue's pictures (app/public/gift/<file>.png), so the shipped PNGs are reproducible without an
// image package: `node database/gift_images.js` rewrites them. The seeders store these paths.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIZE = 96;

// One colour per shape, RGBA.
const RED = [ 0xf0, 0x3e, 0x5a, 255 ];
const PINK = [ 0xff, 0x8f, 0xb8, 255 ];
const YELLOW = [ 0xff, 0xd2, 0x3f, 255 ];
const GREEN = [ 0x3c, 0xb3, 0x71, 255 ];
const BROWN = [ 0x9c, 0x5b, 0x32, 255 ];
const CREAM = [ 0xff, 0xf1, 0xd6, 255 ];
const BLACK = [ 0x2b, 0x2b, 0x33, 255 ];
const GREY = [ 0xb8, 0xbf, 0xcc, 255 ];
const WHITE = [ 0xf5, 0xf7, 0xfa, 255 ];
const ORANGE = [ 0xff, 0x8c, 0x1a, 255 ];
const BLUE = [ 0x4f, 0x8c, 0xe8, 255 ];

const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
// A triangle pointing up: apex (cx, top), base from cx - half to cx + half at bottom.
const triangle = (cx, top, half, bottom) => (x, y) => y >= top && y <= bottom && Math.abs(x - cx) <= half * (y - top) / (bottom - top);

// Each picture is a list of [shape, colour] in coordinates from -1 (left, top) to 1; later layers paint over earlier.
const GIFTS = [
  { file: 'heart', name: '小心心', layers: [
    // The classic heart curve (x² + y² - 1)³ - x²y³ <= 0, y pointing up, scaled to fit.
    [ (x, y) => { const u = x * 1.25; const v = -y * 1.25 + 0.2; return (u * u + v * v - 1) ** 3 - u * u * v ** 3 <= 0; }, RED ],
  ] },
  { file: 'flower', name: '鲜花', layers: [
    [ rect(-0.05, 0.1, 0.05, 0.95), GREEN ],
    [ circle(-0.25, 0.6, 0.18), GREEN ],
    ...[ 0, 1, 2, 3, 4 ].map(i => {
      const angle = -Math.PI / 2 + i * 2 * Math.PI / 5;
      return [ circle(0.32 * Math.cos(angle), -0.25 + 0.32 * Math.sin(angle), 0.24), PINK ];
    }),
    [ circle(0, -0.25, 0.18), YELLOW ],
  ] },
  { file: 'cake', name: '蛋糕', layers: [
    [ rect(-0.8, 0.2, 0.8, 0.85), BROWN ],
    [ rect(-0.8, 0.2, 0.8, 0.35), CREAM ],
    [ rect(-0.55, -0.3, 0.55, 0.2), PINK ],
    [ rect(-0.55, -0.3, 0.55, -0.18), CREAM ],
    [ rect(-0.04, -0.65, 0.04, -0.3), BLUE ],
    [ circle(0, -0.75, 0.09), ORANGE ],
  ] },
  { file: 'sportscar', name: '跑车', layers: [
    [ rect(-0.9, 0, 0.9, 0.45), RED ],
    [ (x, y) => y >= -0.35 && y <= 0 && x >= -0.5 + (y + 0.35) * -0.6 && x <= 0.4 - y, RED ],
    [ (x, y) => y >= -0.25 && y <= -0.02 && x >= -0.4 && x <= 0.3 - y, WHITE ],
    [ circle(-0.5, 0.45, 0.22), BLACK ],
    [ circle(0.5, 0.45, 0.22), BLACK ],
    [ circle(-0.5, 0.45, 0.09), GREY ],
    [ circle(0.5, 0.45, 0.09), GREY ],
  ] },
  { file: 'rocket', name: '火箭', layers: [
    [ triangle(0, 0.45, 0.3, 0.98), ORANGE ],
    [ triangle(0, 0.62, 0.14, 0.9), YELLOW ],
    [ triangle(-0.35, 0.1, 0.25, 0.6), RED ],
    [ triangle(0.35, 0.1, 0.25, 0.6), RED ],
    [ (x, y) => (x / 0.3) ** 2 + ((y + 0.05) / 0.7) ** 2 <= 1 && y <= 0.55, WHITE ],
    [ (x, y) => (x / 0.3) ** 2 + ((y + 0.05) / 0.7) ** 2 <= 1 && y <= -0.45, RED ],
    [ circle(0, -0.1, 0.12), BLUE ],
  ] },
  { file: 'castle', name: '城堡', layers: [
    [ rect(-0.7, -0.2, 0.7, 0.9), GREY ],
    ...[ -0.7, -0.3, 0.1, 0.5 ].map(x0 => [ rect(x0, -0.4, x0 + 0.2, -0.2), GREY ]),
    [ rect(-0.2, -0.8, 0.2, -0.2), GREY ],
    [ triangle(0, -0.98, 0.28, -0.78), RED ],
    [ (x, y) => y >= 0.35 && y <= 0.9 && (x * x + (y - 0.35) ** 2 <= 0.04 || (y >= 0.35 && Math.abs(x) <= 0.2)), BLACK ],
    [ rect(-0.5, 0.05, -0.35, 0.25), BLACK ],
    [ rect(0.35, 0.05, 0.5, 0.25), BLACK ],
  ] },
];

// RGBA pixels of one gift, row by row, SIZE × SIZE; transparent where no layer paints.
function draw(gift) {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      // The pixel's centre in -1..1.
      const x = (col + 0.5) / SIZE * 2 - 1;
      const y = (row + 0.5) / SIZE * 2 - 1;
      for (const [ inside, colour ] of gift.layers) {
        if (inside(x, y)) rgba.set(colour, (row * SIZE + col) * 4);
      }
    }
  }
  return { width: SIZE, height: SIZE, rgba };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

// PNG's CRC-32 (zlib.crc32 exists only from Node 20.15).
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([ Buffer.from(type, 'latin1'), data ]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([ length, body, crc ]);
}

// An 8-bit RGBA PNG (colour type 6), every row with filter 0.
function encodePng({ width, height, rgba }) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([ 8, 6, 0, 0, 0 ], 8);
  const rows = [];
  for (let row = 0; row < height; row++) {
    rows.push(Buffer.from([ 0 ]), rgba.subarray(row * width * 4, (row + 1) * width * 4));
  }
  return Buffer.concat([
    Buffer.from([ 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a ]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Writes every gift's picture into dir (app/public/gift by default).
function writeAll(dir = path.join(__dirname, '../app/public/gift')) {
  fs.mkdirSync(dir, { recursive: true });
  for (const gift of GIFTS) fs.writeFileSync(path.join(dir, `${gift.file}.png`), encodePng(draw(gift)));
}

module.exports = { GIFTS, draw, encodePng, crc32, writeAll };

if (require.main === module) writeAll(process.argv[2]);
