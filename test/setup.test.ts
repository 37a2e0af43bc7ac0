import { app } from 'egg-mock/bootstrap';

// test/.setup.ts keeps the in-process app's server listening for the whole run; without that, supertest closes it after
// each request it had to start it for, and concurrent requests (Promise.all of logins, as many tests do) are reset.
describe('test/.setup.ts', () => {
  it('lets the tests send many requests to the in-process app at once', async () => {
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 20 }, () => app.httpRequest().get('/healthz').expect(200)));
    }
  });
});
