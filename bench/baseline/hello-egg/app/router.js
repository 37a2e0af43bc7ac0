'use strict';

// GET /: a small JSON answer, shaped like the project's ({msg, data}), from a bare Egg 3 app.
module.exports = app => {
  app.router.get('/', ctx => {
    ctx.body = { msg: 'ok', data: 'hello world' };
  });
};
