import { Context, Service } from 'egg';
import { QueryTypes } from 'sequelize';

// A UTF-16 surrogate without its pair: MySQL would store U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// NOW() in the connection's time zone (MYSQL_TIMEZONE), as the models write their times.
const INSERT_COMMENT = 'INSERT INTO comment (content, user_id, live_id, created_time, updated_time) VALUES (:text, :userId, :liveId, NOW(), NOW())';

export default class CommentService extends Service {
  // Why a danmaku text cannot be sent, or nothing: it must say something, within config.realtime.comment.maxLength
  // characters, as well-formed text (a lone surrogate would be stored as something else than what the room saw).
  private refusal(text: string): string | undefined {
    const { maxLength } = this.config.realtime.comment;
    if (!text.trim()) return '弹幕内容不能为空';
    if (LONE_SURROGATE.test(text)) return '弹幕内容包含无效字符';
    // Characters as people count them (code points), not UTF-16 units.
    if (text.length > maxLength && [ ...text ].length > maxLength) return `弹幕内容不能超过 ${maxLength} 个字`;
  }

  // Stores a user's danmaku in an open live, after the user's mute (service.moderation), the text (and the word filter) and the user's rate (config.realtime.comment: limit per
  // window seconds per user per room, counted in Redis so every worker shares it) are checked. Answers the row's id.
  async send(userId: number, liveId: number, text: string): Promise<number> {
    const ctx: Context = this.ctx;
    await ctx.service.live.ensureOpen(liveId);
    await ctx.service.moderation.ensureNotMuted(liveId, userId);
    const refusal = this.refusal(text);
    if (refusal) ctx.throw(400, refusal);
    await ctx.service.word.ensureClean(text);
    const { limit, window } = this.config.realtime.comment;
    if (await ctx.service.cache.incr(`comment_rate_${liveId}_${userId}`, 1, window) > limit) {
      ctx.throw(429, `发言太频繁，每 ${window} 秒最多 ${limit} 条`);
    }
    // Plain SQL, as gifts pay: the model layer cost more CPU than the database did (bench/README.md, danmaku-fanout).
    const [ id ] = await ctx.model.query(INSERT_COMMENT, { replacements: { text, userId, liveId }, type: QueryTypes.INSERT });
    return id;
  }
}
