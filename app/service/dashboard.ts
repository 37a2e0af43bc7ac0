import { Service } from 'egg';
import { QueryTypes } from 'sequelize';
import { MEDIA_STREAMS, MediaStreams } from '../common/ops_messages';
import { ask } from '../lib/process_ask';
import { LiveStatus } from '../model/live';

// Milliseconds the agent has to say what its media server carries.
const MEDIA_TIMEOUT = 1000;

// Gifts and their coins since a moment (a gift's coins at its price now: live_gift keeps no price of its own).
const GIFTS_SINCE = 'SELECT COUNT(*) AS gifts, COALESCE(SUM(g.coin), 0) AS coins FROM live_gift lg JOIN gift g ON g.id = lg.gift_id WHERE lg.created_time >= NOW() - INTERVAL :hours HOUR';
// Today in the connection's time zone (MYSQL_TIMEZONE), as paid_at is written.
const PAID_TODAY = 'SELECT COUNT(*) AS orders, COALESCE(SUM(price), 0) AS yuan, COALESCE(SUM(coin), 0) AS coins FROM `order` WHERE status = \'success\' AND paid_at >= CURDATE()';

export interface StreamRow {
  key: string;
  room: { id: number; title: string } | null;
  publisher: string;
  uptime: number;
  bitrate: number;
  players: number;
}

// The figures of the console's dashboard (GET /admin/api/stats).
export default class DashboardService extends Service {
  async stats() {
    const { ctx } = this;
    const sums = (hours: number) => ctx.model.query<{ gifts: number; coins: number }>(GIFTS_SINCE, { replacements: { hours }, type: QueryTypes.SELECT });
    const [ roomsLive, viewers, media, [ hour ], [ day ], [ paid ]] = await Promise.all([
      ctx.model.Live.count({ where: { status: LiveStatus.Live } }),
      ctx.service.online.viewers(),
      this.media(),
      sums(1),
      sums(24),
      ctx.model.query<{ orders: number; yuan: number; coins: number }>(PAID_TODAY, { type: QueryTypes.SELECT }),
    ]);
    const rooms = media.streams.length ? await ctx.model.Live.findAll({
      where: { key: media.streams.map(stream => stream.key) }, attributes: [ 'id', 'title', 'key' ],
    }) : [];
    const streams: StreamRow[] = media.streams.map(stream => {
      const room = rooms.find(row => row.key === stream.key);
      return { ...stream, room: room ? { id: room.id, title: room.title } : null };
    });
    const number = (value: unknown) => Number(value) || 0;
    return {
      roomsLive,
      viewers,
      media: { enabled: media.enabled, answered: media.answered, publishers: media.publishers, players: media.players, streams },
      gifts: {
        hour: { gifts: number(hour.gifts), coins: number(hour.coins) },
        day: { gifts: number(day.gifts), coins: number(day.coins) },
      },
      orders: { today: { orders: number(paid.orders), yuan: number(paid.yuan), coins: number(paid.coins) } },
      time: new Date().toISOString(),
    };
  }

  // The agent's answer, or none within MEDIA_TIMEOUT (answered false: the page says the figures are unknown).
  private async media(): Promise<MediaStreams & { answered: boolean }> {
    const [ reply ] = await ask<MediaStreams>(this.app.messenger, MEDIA_STREAMS, [ 'agent' ], 1, MEDIA_TIMEOUT);
    if (!reply) return { enabled: false, answered: false, publishers: 0, players: 0, streams: [] };
    return { ...reply.value, answered: true };
  }
}
