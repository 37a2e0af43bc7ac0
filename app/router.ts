import { Application } from 'egg';

export default (app: Application) => {
  const { router, controller, middleware } = app;
  const auth = middleware.auth();

  router.post('/api/reg', controller.api.user.reg);
  router.post('/api/login', controller.api.user.login);
  router.post('/api/logout', auth, controller.api.user.logout);
  router.get('/api/user/info', auth, controller.api.user.info);

  router.post('/api/live/create', auth, controller.api.live.save);
  router.post('/api/live/changestatus', auth, controller.api.live.changestatus);
  router.get('/api/live/list/:page', controller.api.live.list);
  router.get('/api/live/read/:id', controller.api.live.read);
};
