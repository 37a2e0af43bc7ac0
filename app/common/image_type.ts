import { Transform, TransformCallback } from 'node:stream';

export interface ImageType {
  // The stored file's extension, and the Content-Type it is served with.
  ext: 'jpg' | 'png' | 'gif' | 'webp';
  mime: string;
}

export const IMAGE_TYPES: Record<ImageType['ext'], ImageType> = {
  jpg: { ext: 'jpg', mime: 'image/jpeg' },
  png: { ext: 'png', mime: 'image/png' },
  gif: { ext: 'gif', mime: 'image/gif' },
  webp: { ext: 'webp', mime: 'image/webp' },
};

// Bytes the signatures below need: PNG's is 8 bytes and its IHDR chunk type ends at 16; WebP's chunk type at 16.
export const IMAGE_HEAD_LENGTH = 16;

const PNG_SIGNATURE = Buffer.from([ 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a ]);

function ascii(head: Buffer, start: number, end: number): string {
  return head.subarray(start, end).toString('latin1');
}

// What a file's first bytes say it is (JPEG, PNG, GIF, WebP), never its name or declared type; undefined: none.
export function imageTypeOf(head: Buffer): ImageType | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return IMAGE_TYPES.jpg;
  if (head.subarray(0, 8).equals(PNG_SIGNATURE) && ascii(head, 12, 16) === 'IHDR') return IMAGE_TYPES.png;
  if ([ 'GIF87a', 'GIF89a' ].includes(ascii(head, 0, 6))) return IMAGE_TYPES.gif;
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP' && ascii(head, 12, 15) === 'VP8') return IMAGE_TYPES.webp;
  return undefined;
}

// Refusal of a file that is not one of the images above (415 Unsupported Media Type).
export function notAnImage(): Error & { status: number } {
  return Object.assign(new Error('只能上传 JPEG、PNG、GIF 或 WebP 图片'), { status: 415 });
}

// Passes a file through once its first bytes show an image (then `type` says which), and fails on anything else
// before a byte of it goes further.
export class ImageSniffer extends Transform {
  type?: ImageType;
  private head = Buffer.alloc(0);

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    if (this.type) return callback(null, chunk);
    this.head = Buffer.concat([ this.head, chunk ]);
    if (this.head.length < IMAGE_HEAD_LENGTH) return callback();
    this.decide(callback);
  }

  // A file shorter than the head is decided at its end.
  _flush(callback: TransformCallback) {
    if (this.type) return callback();
    this.decide(callback);
  }

  private decide(callback: TransformCallback) {
    this.type = imageTypeOf(this.head);
    if (!this.type) return callback(notAnImage());
    const head = this.head;
    this.head = Buffer.alloc(0);
    callback(null, head);
  }
}
