import { Context, Service } from 'egg';
import { UniqueConstraintError } from 'sequelize';
import { WORDS_CHANGED } from '../common/moderation';
import { Word } from '../model/word';

// A forbidden word: 1 to 50 characters once trimmed (the column's length).
const MAX_WORD_LENGTH = 50;

// The word filter applied to danmaku and room titles; its list is managed in the console.
export default class WordService extends Service {
  // Newest first.
  async list({ page, limit }: { page: number; limit: number }): Promise<{ rows: Word[]; count: number }> {
    return this.ctx.model.Word.findAndCountAll({ order: [[ 'id', 'DESC' ]], limit, offset: (page - 1) * limit });
  }

  async add(managerId: number, word: string): Promise<Word> {
    const ctx: Context = this.ctx;
    const text = typeof word === 'string' ? word.trim() : '';
    if (!text) ctx.throw(422, '违禁词不能为空');
    if ([ ...text ].length > MAX_WORD_LENGTH) ctx.throw(422, `违禁词不能超过 ${MAX_WORD_LENGTH} 个字`);
    try {
      const row = await ctx.model.Word.create({ word: text, created_by: managerId });
      this.changed();
      return row;
    } catch (err) {
      // The column's collation ignores case and width: 'ABC' is 'abc'.
      if (err instanceof UniqueConstraintError) ctx.throw(400, '该违禁词已存在');
      throw err;
    }
  }

  async remove(managerId: number, id: number): Promise<void> {
    const ctx: Context = this.ctx;
    const removed = await ctx.model.Word.destroy({ where: { id } });
    if (!removed) ctx.throw(404, '该违禁词不存在');
    ctx.logger.info('[word] manager %s removed word %s', managerId, id);
    this.changed();
  }

  // The first forbidden word the text contains, or null (from this worker's copy of the list).
  async check(text: string): Promise<string | null> {
    return this.app.wordFilter.check(text, async () => {
      const rows = await this.ctx.model.Word.findAll({ attributes: [ 'word' ], order: [[ 'id', 'ASC' ]] });
      return rows.map(row => row.word);
    });
  }

  // Throws 400 `内容包含违禁词` when the text contains a forbidden word.
  async ensureClean(text: string): Promise<void> {
    if (await this.check(text)) this.ctx.throw(400, '内容包含违禁词');
  }

  // Every worker of this host drops its copy at once (this one's too: sendToApp reaches the sender).
  private changed(): void {
    this.app.wordFilter.forget();
    this.app.messenger.sendToApp(WORDS_CHANGED, {});
  }
}
