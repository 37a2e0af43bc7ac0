import { Application } from 'egg';
import adminRoutes from './router/admin';

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

  router.post('/api/reg', registerLimit, controller.api.user.reg);
  router.post('/api/login', controller.api.user.login);
  router.post('/api/logout', auth, controller.api.user.logout);
  router.get('/api/user/info', auth, controller.api.user.info);

  router.post('/api/live/create', auth, createLimit, controller.api.live.save);
  router.post('/api/live/changestatus', auth, statusLimit, controller.api.live.changestatus);
  router.get('/api/live/list/:page', controller.api.live.list);
  router.get('/api/live/read/:id', controller.api.live.read);
  // Moderation by a room's owner and moderators (README, "Moderation").
  router.post('/api/live/moderator', auth, controller.api.moderation.moderator);
  router.post('/api/live/mute', auth, controller.api.moderation.mute);
  router.post('/api/live/kick', auth, controller.api.moderation.kick);
  router.post('/api/live/hidecomment', auth, controller.api.moderation.hidecomment);

  router.get('/api/gift/list', controller.api.gift.list);
  router.post('/api/gift/wxpay', auth, orderLimit, controller.api.gift.wxpay);
  // Called by WeChat Pay's servers: no token, its own signature instead.
  router.post('/api/gift/notify', controller.api.gift.notify);

  router.post('/api/upload', auth, uploadLimit, controller.api.upload.save);
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
