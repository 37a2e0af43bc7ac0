import { Context, Service } from 'egg';
import { InferAttributes, QueryTypes, WhereOptions } from 'sequelize';
import { connectionOffset, formatDateTime } from '../common/columns';
import { jsonObject, successBytes } from '../common/json_text';
import { MEDIA_CUT, MediaCut } from '../common/media_messages';
import { ROOM_KEY_LENGTH, signStream, STREAM_APP, streamPath, StreamAction } from '../common/media_sign';
import { procedureRow } from '../common/procedure';
import { answerKeys, LIVE_CHANGED, LiveChanged } from '../lib/answer_cache';
import { Live, LiveStatus } from '../model/live';
import { ModeratorAnswer } from './moderation';

export type StatusChange = 'play' | 'pause' | 'stop';
export const STATUS_CHANGES: StatusChange[] = [ 'play', 'pause', 'stop' ];
const STATUS_OF: Record<StatusChange, LiveStatus> = {
  play: LiveStatus.Live,
  pause: LiveStatus.Paused,
  stop: LiveStatus.Ended,
};

const PAGE_SIZE = 10;
const LIVE_VISIT = 'CALL live_visit(:liveId, :userId)';
// A room, its owner's public fields and its moderators, first appointed first, in one query: a row per moderator, or
// one with the moderator's columns null. The room's columns in the model's order (test/app/service/live.test.ts holds
// the answer to the models' own).
const READ_LIVE = 'SELECT live.id, live.title, live.cover, live.user_id, live.look_count, live.coin, live.`key`, live.status, ' +
  'live.created_time, live.updated_time, owner.id AS owner_id, owner.username AS owner_username, owner.avatar AS owner_avatar, ' +
  'moderator.id AS moderator_id, moderator.username AS moderator_username, moderator.nickname AS moderator_nickname, ' +
  'moderator.avatar AS moderator_avatar FROM live LEFT JOIN `user` owner ON owner.id = live.user_id ' +
  'LEFT JOIN live_moderator ON live_moderator.live_id = live.id LEFT JOIN `user` moderator ON moderator.id = live_moderator.user_id ' +
  'WHERE live.id = :id ORDER BY live_moderator.id';

// What list and read answer: plain rows (a model's get({ plain: true })), as cached; read adds the room's moderators.
export type LiveAnswer = InferAttributes<Live> & { user?: OwnerAnswer | null; moderators?: ModeratorAnswer[] };
export interface OwnerAnswer { id: number; username: string; avatar: string }
// READ_LIVE's row: the owner's and the moderator's columns are all null without one.
type LiveRow = Omit<InferAttributes<Live>, 'created_time'> & {
  created_time: Date;
  owner_id: number | null; owner_username: string; owner_avatar: string;
  moderator_id: number | null; moderator_username: string; moderator_nickname: string; moderator_avatar: string;
};
// A room's read answer as cached: the room, and the same as JSON text.
export interface RoomAnswer {
  live: LiveAnswer;
  json: string;
}

export default class LiveService extends Service {
  // The course's: the room, or null.
  async exist(id: number): Promise<Live | null> {
    return this.ctx.model.Live.findByPk(id);
  }

  // The course's: why the room takes no viewers' events (the contract's message), or nothing when it is open.
  async checkStatus(id: number): Promise<string | undefined> {
    const live = await this.exist(id);
    if (!live) return '直播间不存在';
    if (live.status === LiveStatus.NotStarted) return '未开播';
    if (live.status === LiveStatus.Ended) return '直播已结束';
  }

  // Throws checkStatus's message (400) unless the room takes viewers' events: joins, comments and gifts. Through this
  // worker's cache, which drops it when the room's status changes (app/lib/answer_cache.ts): a danmaku costs no query.
  async ensureOpen(id: number): Promise<void> {
    const refusal = await this.app.answerCache.get(answerKeys.status(id), () => this.checkStatus(id));
    if (refusal) this.ctx.throw(400, refusal);
  }

  // A user's first visit to a live: its live_user row and +1 look_count, together and once, however many sockets
  // join at the same moment (the unique index decides). True when this was the first visit. One round trip
  // (database/migrations/20261203000001-create-live-visit-procedure.js): a crowd joining one room waited on the live
  // row's lock for the round trips of a client-side transaction, and past the pool's wait was refused.
  async recordVisit(userId: number, liveId: number): Promise<boolean> {
    const rows = await this.ctx.model.query(LIVE_VISIT, { replacements: { liveId, userId }, type: QueryTypes.RAW });
    const answer = procedureRow(rows)?.first;
    if (answer !== 0 && answer !== 1) throw new Error(`live_visit answered ${JSON.stringify(rows)}`);
    return answer === 1;
  }

  // A room owned by the user, under a fresh random key: 62^20 keys make a clash (refused by the unique index) moot.
  async create(userId: number, title: string, cover = ''): Promise<Live> {
    const { ctx } = this;
    await ctx.service.word.ensureClean(title);
    const live = await ctx.model.Live.create({ title, cover, user_id: userId, key: ctx.randomString(ROOM_KEY_LENGTH) });
    this.changed(live.id);
    return live;
  }

  // The owner plays, pauses or ends the room; an ended room never changes again, and ending it cuts its stream.
  async changeStatus(userId: number, id: number, type: StatusChange): Promise<void> {
    const ctx: Context = this.ctx;
    const live = await this.exist(id);
    if (!live) ctx.throw(404, '该直播间不存在');
    if (live.user_id !== userId) ctx.throw(403, '这不是你的直播间');
    if (live.status === LiveStatus.Ended) ctx.throw(400, '该直播间已结束');
    // Conditional, so a room ended meanwhile by another request stays ended. Sequelize counts changed rows, not
    // matched ones: nothing changed means the room already had that status, or has just been ended.
    const [ changed ] = await ctx.model.Live.update({ status: STATUS_OF[type] },
      { where: { id, status: [ LiveStatus.NotStarted, LiveStatus.Live, LiveStatus.Paused ] } });
    if (!changed && (await this.exist(id))?.status === LiveStatus.Ended) ctx.throw(400, '该直播间已结束');
    if (changed) this.changed(id);
    if (type === 'stop') {
      // The media server runs in the agent: it disconnects the publisher and the viewers of this key.
      const cut: MediaCut = { key: live.key, id: live.id };
      this.app.messenger.sendToAgent(MEDIA_CUT, cut);
    }
  }

  // The console's close: the owner's stop, on the owner's behalf (status 3, the publisher and viewers cut at once).
  async close(id: number): Promise<void> {
    const ctx: Context = this.ctx;
    const live = await this.exist(id);
    if (!live) ctx.throw(404, '该直播间不存在');
    await this.changeStatus(live.user_id, id, 'stop');
  }

  // Only a room that never received a gift (live_gift rows and its coins record money); its danmaku and visits go
  // with it. A room not ended is cut first, as close does.
  async remove(id: number): Promise<void> {
    const ctx: Context = this.ctx;
    const { model } = ctx;
    const live = await model.transaction(async transaction => {
      // Locked: a gift under way (it credits this row first) waits, then finds no room.
      const row = await model.Live.findByPk(id, { lock: true, transaction });
      if (!row) ctx.throw(404, '该直播间不存在');
      if (row.coin > 0 || await model.LiveGift.count({ where: { live_id: id }, transaction })) {
        ctx.throw(400, '该直播间收到过礼物，不能删除');
      }
      await row.destroy({ transaction });
      return row;
    });
    this.changed(id);
    if (live.status !== LiveStatus.Ended) this.app.messenger.sendToAgent(MEDIA_CUT, { key: live.key, id } satisfies MediaCut);
  }

  // The console's list: newest first, with the owner, optionally in one status.
  async adminList(page: number, limit: number, status?: LiveStatus) {
    const { model } = this.ctx;
    return model.Live.findAndCountAll({
      where: status === undefined ? {} : { status },
      include: [{ model: model.User, attributes: [ 'id', 'username', 'nickname' ] }],
      order: [[ 'id', 'DESC' ]],
      limit,
      offset: (page - 1) * limit,
    });
  }

  // Newest first, PAGE_SIZE a page, optionally only rooms in one status: GET /api/live/list/:page's reply, through this
  // worker's cache (serialised once per cached page, not once per request: on the lobby page that was a sixth of a
  // request's CPU). Not async, here and in readAnswer: the cache's promise is handed on as it is, where an async
  // function's would wait two more turns of the microtask queue for it.
  listReply(page: number, status?: LiveStatus): Promise<Buffer> {
    return this.app.answerCache.get(answerKeys.list(page, status), async () => {
      const where: WhereOptions<Live> = status === undefined ? {} : { status };
      const lives = await this.ctx.model.Live.findAll({
        where,
        order: [[ 'id', 'DESC' ]],
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      return successBytes(JSON.stringify(lives));
    });
  }

  // The room with its owner's public fields and its moderators, or null (through this worker's cache).
  async read(id: number): Promise<LiveAnswer | null> {
    return (await this.readAnswer(id))?.live ?? null;
  }

  // The same with its JSON text, serialised once per load rather than on every read. One plain SQL query, as gifts pay:
  // every room's answer is loaded again each ANSWER_CACHE_TTL seconds; through the models a load cost 3 ms of CPU, and
  // a second query for the moderators an eighth of a read's (bench/README.md).
  readAnswer(id: number): Promise<RoomAnswer | null> {
    return this.app.answerCache.get(answerKeys.read(id), async () => {
      // Here, not above: ctx.model costs egg-sequelize an object per request, which a cached answer does without.
      const { model } = this.ctx;
      const rows = await model.query<LiveRow>(READ_LIVE, { replacements: { id }, type: QueryTypes.SELECT });
      if (!rows.length) return null;
      const [ room ] = rows;
      const moderators: ModeratorAnswer[] = [];
      for (const row of rows) {
        if (row.moderator_id === null) continue;
        moderators.push({ id: row.moderator_id, username: row.moderator_username, nickname: row.moderator_nickname, avatar: row.moderator_avatar });
      }
      // As the model serialises it (the created_time getter first), so the text is the same as ever.
      const live: LiveAnswer = {
        created_time: formatDateTime(room.created_time, connectionOffset(model)), id: room.id, title: room.title,
        cover: room.cover, user_id: room.user_id, look_count: room.look_count, coin: room.coin, key: room.key,
        status: room.status, updated_time: room.updated_time,
        user: room.owner_id === null ? null : { id: room.owner_id, username: room.owner_username, avatar: room.owner_avatar },
        moderators,
      };
      return { live, json: JSON.stringify(live) };
    });
  }

  // GET /api/live/read/:id's reply, or null: the room, and while it has not ended a play signature and the URLs to
  // play it. A play signature's expiry counts in seconds, so every read of a room in one second, for one host, is the
  // same reply: made once and kept by the answer cache for the rest of that second, not signed and serialised anew.
  async readReply(id: number): Promise<Buffer | null> {
    const cache = this.app.answerCache;
    const now = Date.now();
    const second = Math.floor(now / 1000);
    const host = this.mediaHost();
    const kept = cache.reply(id, second, host);
    if (kept !== undefined) return kept;
    const generation = cache.replyGeneration();
    const room = await this.readAnswer(id);
    const body = room && this.replyOf(room, now);
    cache.keepReply(id, { second, host, body }, generation);
    return body;
  }

  // An ended room has nothing to play: its signature and URLs are null.
  private replyOf({ live, json }: RoomAnswer, now: number): Buffer {
    const sign = live.status === LiveStatus.Ended ? null : this.sign('play', live.key, now);
    const urls = sign === null ? { play_url: null, ws_play_url: null } : this.playUrls(live.key, sign);
    return successBytes(jsonObject({ data: json }, { sign, ...urls }));
  }

  // Room `id` was created or changed status: its answers and the list pages go in every worker, this one's at once.
  private changed(id: number): void {
    this.app.answerCache.forgetRoom(id);
    this.app.messenger.sendToApp(LIVE_CHANGED, { id } satisfies LiveChanged);
  }

  sign(action: StreamAction, key: string, now = Date.now()): string {
    return signStream(this.config.media, action, key, now);
  }

  // Where clients reach the media server: PUBLIC_HOST, else the host this request was sent to.
  private mediaHost(): string {
    return this.config.media.publicHost || this.ctx.hostname;
  }

  // The broadcaster's URLs: OBS takes "server" and "stream key"; ffmpeg takes the whole URL.
  publishUrls(key: string, sign: string) {
    const { rtmpPort } = this.config.media;
    const server = `rtmp://${this.mediaHost()}:${rtmpPort}/${STREAM_APP}`;
    const streamKey = `${key}?sign=${sign}`;
    return { publish_url: `${server}/${streamKey}`, obs: { server, stream_key: streamKey } };
  }

  // The origins a page's player fetches from (HTTP-FLV) and connects to (WebSocket-FLV): its Content-Security-Policy.
  playOrigins(): string[] {
    const host = `${this.mediaHost()}:${this.config.media.flvPort}`;
    return [ `http://${host}`, `ws://${host}` ];
  }

  // The lobby's page: live rooms first, then paused, then not started (ended ones are left out), newest first in each;
  // each with its owner's public fields. One more row than a page tells whether another page follows.
  async lobby(page: number, size: number): Promise<{ rooms: LiveAnswer[]; more: boolean }> {
    const { model } = this.ctx;
    const rows = await model.Live.findAll({
      where: { status: [ LiveStatus.Live, LiveStatus.Paused, LiveStatus.NotStarted ] },
      include: [{ model: model.User, attributes: [ 'id', 'username', 'nickname', 'avatar' ] }],
      order: [[ model.Sequelize.literal(`FIELD(\`live\`.\`status\`, ${LiveStatus.Live}, ${LiveStatus.Paused}, ${LiveStatus.NotStarted})`), 'ASC' ], [ 'id', 'DESC' ]],
      limit: size + 1,
      offset: (page - 1) * size,
    });
    return { rooms: rows.slice(0, size).map(row => row.get({ plain: true })), more: rows.length > size };
  }

  // A viewer's URLs: HTTP-FLV (flv.js, mpegts.js, ffplay) and WebSocket-FLV.
  playUrls(key: string, sign: string) {
    const address = `${this.mediaHost()}:${this.config.media.flvPort}${streamPath(key)}.flv?sign=${sign}`;
    return { play_url: `http://${address}`, ws_play_url: `ws://${address}` };
  }
}
