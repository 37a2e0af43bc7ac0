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
