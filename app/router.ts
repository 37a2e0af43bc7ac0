import { Application } from 'egg';
import adminRoutes from './router/admin';
import { routeGroup } from './lib/route_group';

export default (app: Application) => {
  const { router, controller, middleware, io } = app;
  const auth = middleware.auth();
  // Each room created or status changed drops cached answers in every worker: a user may not do it without end.
  const createLimit = middleware.rateLimit({ name: 'liveCreate', action: '创建直播间', unit: '个' });
  const statusLimit = middleware.rateLimit({ name: 'liveStatus', action: '修改直播状态', unit: '次' });
  // Orders, uploads and accounts cost a call to WeChat Pay, disk, and a scrypt each.
  const orderLimit = middleware.rateLimit({ name: 'wxpayOrder', action: '充值下单', unit: '次' });
  const uploadLimit = middleware.rateLimit({ name: 'upload', action: '上传', unit: '次' });
  const registerLimit = middleware.rateLimit({ name: 'register', action: '注册', unit: '次' });

  // The web front (app/view/front, app/public/front): pages for people, under their own Content-Security-Policy.
  const frontCsp = middleware.frontCsp();
  router.get('/', frontCsp, controller.front.home.index);
  router.get('/live/:id', frontCsp, controller.front.room.show);
  router.get('/studio', frontCsp, controller.front.studio.index);

  // The course's API in route groups by resource, as the console has its own (app/lib/route_group.ts): a request is
  // matched against its group's routes only. The rooms, the busiest:
  const live = routeGroup(app, '/api/live');
  live.post('/api/live/create', auth, createLimit, controller.api.live.save);
  live.post('/api/live/changestatus', auth, statusLimit, controller.api.live.changestatus);
  live.get('/api/live/list/:page', controller.api.live.list);
  live.get('/api/live/read/:id', controller.api.live.read);
  // Moderation by a room's owner and moderators (README, "Moderation").
  live.post('/api/live/moderator', auth, controller.api.moderation.moderator);
  live.post('/api/live/mute', auth, controller.api.moderation.mute);
  live.post('/api/live/kick', auth, controller.api.moderation.kick);
  live.post('/api/live/hidecomment', auth, controller.api.moderation.hidecomment);

  const gift = routeGroup(app, '/api/gift');
  gift.get('/api/gift/list', controller.api.gift.list);
  gift.post('/api/gift/wxpay', auth, orderLimit, controller.api.gift.wxpay);
  // Called by WeChat Pay's servers: no token, its own signature instead.
  gift.post('/api/gift/notify', controller.api.gift.notify);

  // Accounts and uploads.
  const api = routeGroup(app, '/api');
  api.post('/api/reg', registerLimit, controller.api.user.reg);
  api.post('/api/login', controller.api.user.login);
  api.post('/api/logout', auth, controller.api.user.logout);
  api.get('/api/user/info', auth, controller.api.user.info);
  api.post('/api/upload', auth, uploadLimit, controller.api.upload.save);

  // Only the names uploads are stored under: YYYY/MM/DD/<32 hex>.<ext>; anything else is a 404.
  router.get(/^\/public\/uploads\/(\d{4}\/\d{2}\/\d{2})\/([0-9a-f]{32})\.(jpg|png|gif|webp)$/, controller.api.upload.show);

  // For load balancers and Prometheus (README, "Health and metrics").
  router.get('/healthz', controller.health.healthz);
  router.get('/readyz', controller.health.readyz);
  router.get('/metrics', controller.metrics.index);

  adminRoutes(app);

  const nsp = io.of('/');
  nsp.route('joinLive', io.controller.nsp.joinLive);
  nsp.route('leaveLive', io.controller.nsp.leaveLive);
  nsp.route('comment', io.controller.nsp.comment);
  nsp.route('gift', io.controller.nsp.gift);
  nsp.route('mute', io.controller.nsp.mute);
  nsp.route('kick', io.controller.nsp.kick);
  nsp.route('hideComment', io.controller.nsp.hideComment);
};
