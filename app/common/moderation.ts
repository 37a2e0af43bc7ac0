// Shared by the moderation services, the socket and REST controllers, and the console.
import { integer, MAX_ID } from './validation';

// Who acts: a manager (the console, anywhere) or a user (a room's owner or moderator, in that room).
export type Actor = { kind: 'manager' | 'user'; id: number };
export const ACTOR_KINDS = [ 'manager', 'user' ] as const;

export const MODERATION_ACTIONS = [ 'mute', 'unmute', 'kick', 'ban', 'unban', 'hide' ] as const;
export type ModerationAction = typeof MODERATION_ACTIONS[number];

// user.status
export enum UserStatus {
  Banned = 0,
  Active = 1,
}

// A mute or a kick lasts 1 s to 30 days.
export const MAX_MODERATION_SECONDS = 30 * 24 * 3600;

// The fields of the moderation events and routes (egg-validate rules, app/common/validation.ts's conventions).
export const MODERATION_RULES = {
  live_id: integer(1, MAX_ID),
  user_id: integer(1, MAX_ID),
  // Danmaku ids are BIGINT.
  comment_id: integer(1, Number.MAX_SAFE_INTEGER),
  seconds: integer(1, MAX_MODERATION_SECONDS),
  reason: { type: 'string', max: 200, required: false, allowEmpty: true },
  // JSON true / false, or a form's 'true' / 'false' / '1' / '0'.
  on: {
    type: 'boolean',
    required: false,
    convertType: (value: unknown) => ({ true: true, 1: true, false: false, 0: false } as Record<string, boolean>)[String(value)] ?? value,
  },
};

// The event the room hears when a danmaku is hidden: { id } (the web front listens to it).
export const COMMENT_HIDDEN = 'commentHidden';

// The messenger message that tells every worker of the host the word list changed.
export const WORDS_CHANGED = 'words-changed';

// What workers tell each other's sockets through Redis pub/sub (app/lib/moderation_listener.ts): a kick takes a user's
// sockets out of a room, a ban cuts them all.
export type ModerationNotice =
  | { type: 'kick'; liveId: number; userId: number; seconds: number }
  | { type: 'ban'; userId: number };

// The messages people read.
export const MODERATION_MESSAGES = {
  banned: '用户不存在或已被禁用',
  forbiddenWord: '内容包含违禁词',
  muted: (seconds: number) => `你已被禁言，还剩 ${seconds} 秒`,
  kicked: (seconds: number) => `你已被移出该直播间，还剩 ${seconds} 秒才能再进入`,
  kickedNotice: (seconds: number) => `你已被移出直播间，${seconds} 秒内不能再进入`,
  bannedNotice: '你的账号已被禁用',
};
