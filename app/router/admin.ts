import { Application } from 'egg';
import { routeGroup } from '../lib/route_group';

// The console (/admin): the course's routes, with every change a POST carrying the form's CSRF token (the course
// deleted with GETs). README, "The console".
export default (app: Application) => {
  const { controller, middleware } = app;
  const router = routeGroup(app, '/admin');
  const { admin } = controller;
  // Refusals as toasts on pages; adminAuth: a manager's session.
  const page = middleware.adminPage();
  const auth = middleware.adminAuth();

  router.get('/admin/login', page, admin.home.login);
  router.post('/admin/loginevent', page, admin.home.loginevent);
  router.get('/admin/logout', page, admin.home.logout);

  router.get('/admin', page, auth, admin.home.index);
  router.get('/admin/api/stats', page, auth, admin.home.stats);
  router.post('/admin/upload', page, auth, admin.home.upload);

  for (const name of [ 'manager', 'user', 'gift' ] as const) {
    const section = admin[name];
    router.get(`/admin/${name}`, page, auth, section.index);
    router.get(`/admin/${name}/create`, page, auth, section.create);
    router.post(`/admin/${name}`, page, auth, section.save);
    router.get(`/admin/${name}/edit/:id`, page, auth, section.edit);
    router.post(`/admin/${name}/delete/:id`, page, auth, section.delete);
    router.post(`/admin/${name}/:id`, page, auth, section.update);
  }
  router.post('/admin/user/coin/:id', page, auth, admin.user.coin);

  router.get('/admin/live', page, auth, admin.live.index);
  router.get('/admin/live/:id', page, auth, admin.live.show);
  router.post('/admin/live/close/:id', page, auth, admin.live.close);
  router.post('/admin/live/delete/:id', page, auth, admin.live.delete);

  router.get('/admin/order', page, auth, admin.order.index);

  // Moderation (service.moderation and service.word hold the rules).
  router.post('/admin/live/mute/:id', page, auth, admin.moderation.mute);
  router.post('/admin/live/kick/:id', page, auth, admin.moderation.kick);
  router.post('/admin/live/hidecomment/:id', page, auth, admin.moderation.hideComment);
  router.post('/admin/user/ban/:id', page, auth, admin.moderation.ban);
  router.post('/admin/user/unban/:id', page, auth, admin.moderation.unban);
  router.get('/admin/word', page, auth, admin.moderation.words);
  router.post('/admin/word', page, auth, admin.moderation.addWord);
  router.post('/admin/word/delete/:id', page, auth, admin.moderation.removeWord);
  router.get('/admin/moderation', page, auth, admin.moderation.index);
};
