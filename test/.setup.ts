import { execFileSync } from 'node:child_process';

// Creates and migrates the unit-test database and seeds it once, as `npm run db:init` does.
export function migrateTestDatabase() {
  execFileSync('npm', [ 'run', '--silent', 'db:init' ], {
    stdio: [ 'ignore', 'ignore', 'inherit' ],
    env: { ...process.env, EGG_SERVER_ENV: 'unittest' },
  });
}

// egg-bin loads this file first, so this runs before any test file boots the app (egg-sequelize connects at start-up).
migrateTestDatabase();

// supertest starts the in-process app's server when it finds it closed, and closes it after that request: two requests
// at once then race, and one is reset (ECONNRESET) when the other closes the listener while its connection waits to be
// accepted. Listening once for the whole run (as the socket tests need anyway) means supertest never starts nor closes it.
before(async () => {
  const { app } = await import('egg-mock/bootstrap');
  await app.ready();
  const { appUrl } = await import('./socket_support');
  await appUrl();
});
