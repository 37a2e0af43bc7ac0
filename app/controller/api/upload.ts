import { createReadStream } from 'node:fs';
import { Controller } from 'egg';
import { ImageType } from '../../common/image_type';

// Stored names are random and never reused, so a served image never changes: browsers keep it for a year.
const IMMUTABLE = 'public, max-age=31536000, immutable';

export default class UploadController extends Controller {
  // POST /api/upload (multipart, file field `files` or `file`): {url: '/public/uploads/YYYY/MM/DD/<name>.<ext>'}.
  async save() {
    const { ctx, service } = this;
    ctx.apiSuccess({ url: await service.upload.saveImage() });
  }

  // GET /public/uploads/YYYY/MM/DD/<name>.<ext>: a stored image, with the type its bytes showed when it was stored.
  async show() {
    const { ctx, service } = this;
    const [ day, name, ext ] = [ ctx.params[0], ctx.params[1], ctx.params[2] as ImageType['ext'] ];
    const image = await service.upload.find(day, name, ext);
    ctx.set('Cache-Control', IMMUTABLE);
    // The browser takes the type we send, never a guess from the bytes.
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.lastModified = image.mtime;
    // koa answers `fresh` for a 2xx only.
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = image.type.mime;
    ctx.length = image.size;
    ctx.body = createReadStream(image.file);
  }
}
