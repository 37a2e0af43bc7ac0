import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Context, Service } from 'egg';
import { ThrownError } from '../common/client_error';
import { IMAGE_TYPES, ImageSniffer, ImageType } from '../common/image_type';

// Where stored images are served; the rest of the path is UPLOAD_DIR's: YYYY/MM/DD/<name>.<ext>.
export const UPLOAD_PREFIX = '/public/uploads/';

// The file fields clients send: the course client's `files`, the console's `file`.
const FILE_FIELDS = [ 'files', 'file' ];

// Room in a request besides the image (multipart headers, form fields) before its declared length alone refuses it.
const FORM_OVERHEAD = 1024 * 1024;

// What egg-multipart's iterator yields: a field [name, value, ...] or a file stream (busboy's, via co-busboy).
type FilePart = Readable & { fieldname: string; filename: string };
type FormPart = [ string, string, boolean, boolean ] | FilePart;

export interface StoredImage {
  file: string;
  size: number;
  mtime: Date;
  type: ImageType;
}

// The day folder of an upload, YYYY/MM/DD in UTC.
function dayFolder(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}`;
}

// 5242880 -> '5 MB', as people read a limit.
function sizeInWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} 字节`;
}

// Fails once the client goes away before its whole body arrived: busboy would wait for the rest for ever, and with it
// the request and its unfinished file.
function cutOff(req: IncomingMessage) {
  const controller = new AbortController();
  const onClose = () => {
    if (!req.complete) controller.abort(Object.assign(new Error('上传中断'), { status: 400 }));
  };
  req.once('close', onClose);
  const cut = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason)));
  // Observed through races only; a cut after the request was answered concerns no one.
  cut.catch(() => undefined);
  return { signal: controller.signal, cut, dispose: () => req.off('close', onClose) };
}

// Reads a file stream to its end and drops it: busboy finishes the form only once every file stream has ended.
function drain(part: Readable) {
  part.on('error', () => undefined);
  part.unpipe();
  part.resume();
}

export default class UploadService extends Service {
  // Stores the request's image (field `files` or `file`) as UPLOAD_DIR/YYYY/MM/DD/<random>.<ext>, the extension
  // following its bytes; answers the path it is served at. Nothing of a refused request stays on disk.
  async saveImage(): Promise<string> {
    // Typed, so that ctx.throw() narrows (a never-returning call narrows only through an annotated name).
    const ctx: Context = this.ctx;
    if (!ctx.is('multipart')) ctx.throw(400, '请用 multipart/form-data 上传图片');
    // Refused before a byte is read when the declared length alone is too much (Node then discards the body);
    // a chunked body meets busboy's fileSize limit instead.
    if ((ctx.request.length ?? 0) > this.config.upload.maxSize + FORM_OVERHEAD) throw this.tooLarge();
    const cut = cutOff(ctx.req);
    let stored: { file: string; url: string } | undefined;
    try {
      for await (const part of this.parts(cut.cut)) {
        if (Array.isArray(part)) continue;
        if (stored || !FILE_FIELDS.includes(part.fieldname)) {
          drain(part);
          continue;
        }
        stored = await this.store(part, cut.signal);
      }
    } catch (err) {
      // A later part broke the form (a second file, a limit): the stored image goes too.
      if (stored) await rm(stored.file, { force: true });
      throw cut.signal.aborted ? cut.signal.reason : err;
    } finally {
      cut.dispose();
    }
    if (!stored) ctx.throw(400, '请选择要上传的图片');
    return stored.url;
  }

  // The stored image behind a served path (day YYYY/MM/DD, name and extension already matched by the route).
  async find(day: string, name: string, ext: ImageType['ext']): Promise<StoredImage> {
    const file = path.join(this.config.upload.dir, day, `${name}.${ext}`);
    const ctx: Context = this.ctx;
    const stats = await stat(file).catch(() => null);
    if (!stats?.isFile()) ctx.throw(404, '图片不存在');
    return { file, size: stats.size, mtime: stats.mtime, type: IMAGE_TYPES[ext] };
  }

  // The form's parts, one file at most within the size limit. A body busboy cannot parse is the client's fault.
  private async* parts(cut: Promise<never>): AsyncGenerator<FormPart> {
    const options = { autoFields: false, limits: { fileSize: this.config.upload.maxSize + 1, files: 1 } };
    let iterator: AsyncIterator<FormPart>;
    try {
      iterator = (this.ctx.multipart(options) as unknown as AsyncIterable<FormPart>)[Symbol.asyncIterator]();
    } catch (err) {
      // Busboy refuses a multipart type without a boundary at once.
      throw this.formError(err as ThrownError);
    }
    for (;;) {
      let next: IteratorResult<FormPart>;
      try {
        next = await Promise.race([ iterator.next(), cut ]);
      } catch (err) {
        throw this.formError(err as ThrownError);
      }
      if (next.done) return;
      yield next.value;
    }
  }

  // Writes one file part under a dot name (never served), checks its first bytes, then renames it to its final name.
  private async store(part: FilePart, signal: AbortSignal): Promise<{ file: string; url: string }> {
    const day = dayFolder(new Date());
    // 128 random bits: names neither collide nor can be guessed, and nothing the client sent is in them.
    const name = randomBytes(16).toString('hex');
    const folder = path.join(this.config.upload.dir, day);
    const incoming = path.join(folder, `.${name}.part`);
    // Busboy may have failed the part before it reached us (the body ended mid-file): no error event will follow.
    if (part.destroyed) throw this.formError((part.errored ?? new Error('Unexpected end of file')) as ThrownError);
    // The part is piped, never handed to pipeline(), which would destroy it on failure and stall busboy.
    const source = new PassThrough();
    part.on('error', err => source.destroy(this.formError(err as ThrownError)));
    part.pipe(source);
    const sniffer = new ImageSniffer();
    try {
      await mkdir(folder, { recursive: true });
      const handle = await open(incoming, 'wx');
      try {
        await pipeline(source, sniffer, handle.createWriteStream(), { signal });
      } finally {
        await handle.close().catch(() => undefined);
      }
      const ext = sniffer.type!.ext;
      await rename(incoming, path.join(folder, `${name}.${ext}`));
      return { file: path.join(folder, `${name}.${ext}`), url: `${UPLOAD_PREFIX}${day}/${name}.${ext}` };
    } catch (err) {
      drain(part);
      await rm(incoming, { force: true });
      throw err;
    }
  }

  private tooLarge(): ThrownError {
    return Object.assign(new Error(`图片不能超过 ${sizeInWords(this.config.upload.maxSize)}`), { status: 413 });
  }

  // The size limit in the upload's own words; other parsing failures are the client's, worded by client_error.ts.
  private formError(err: ThrownError): ThrownError {
    if (err.code === 'Request_fileSize_limit') return this.tooLarge();
    if (!err.status) Object.assign(err, { status: 400, body: true });
    return err;
  }
}
